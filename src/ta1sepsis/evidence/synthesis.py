"""The summary of findings assembled from plain inputs: the other notebooks' results (dicts of
result entries), rows of the data tables and the RoB 2 judgements.

Each ``*_evidence`` function returns one :class:`~ta1sepsis.evidence.grade.Evidence` (what one
row of the summary of findings needs); :func:`sof_table` and :func:`downgrade_table` turn the
rated rows into the two tables a reader sees. Nothing here reads a file, so every function can
be tested on a dict and a small frame.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ta1sepsis.evidence.grade import Evidence, Rating


def rob_weights(
    study_ids: list[str], variances, outcome: str, rob: pd.DataFrame
) -> list[tuple[str, float]]:
    """Each trial's RoB 2 overall judgement with its share of the information.

    Parameters
    ----------
    study_ids : list of str
        The trials, in the order of ``variances``.
    variances : array-like
        Variance of each trial's log effect (its information is the inverse).
    outcome : str
        The outcome key of the assessments (``<study_id>.<outcome>``).
    rob : pandas.DataFrame
        RoB 2 assessments indexed by assessment id, with an ``overall`` column.

    Returns
    -------
    list of (str, float)
        (overall judgement or "not assessed", weight), weights summing to 1.
    """
    v = np.asarray(variances, float)
    weights = (1 / v) / (1 / v).sum()
    return [
        (
            rob.loc[f"{s}.{outcome}", "overall"]
            if f"{s}.{outcome}" in rob.index
            else "not assessed",
            float(w),
        )
        for s, w in zip(study_ids, weights, strict=True)
    ]


def pooled_evidence(
    meta: Mapping,
    *,
    outcome_id: str,
    label: str,
    trial_names: list[str],
    trial_rob: list[tuple[str, float]],
    baseline: float,
    baseline_text: str,
    mcid_absolute: float,
) -> Evidence:
    """The pooled trials with counts (03's common-effect Mantel-Haenszel estimate).

    Parameters
    ----------
    meta : mapping
        ``results/03_meta_analyses.json`` entries: ``meta.pooled.mh`` (value, lower, upper,
        level), ``meta.pooled.measure``, ``meta.pooled.patients``, ``meta.pooled.k``,
        ``meta.pooled.i2``, ``meta.pooled.q_p`` and ``meta.tsa.fixed.information_size``.
    outcome_id, label : str
        The row's id and its words.
    trial_names : list of str
        The pooled trials' labels, for the source column.
    trial_rob : list of (str, float)
        RoB 2 judgement and information share of each trial (:func:`rob_weights`).
    baseline, baseline_text : float, str
        Assumed control risk (proportion) and where it comes from.
    mcid_absolute : float
        The MCID as an absolute risk difference (proportion; an assumption).
    """
    pooled, k = meta["meta.pooled.mh"], int(meta["meta.pooled.k"]["value"])
    return Evidence(
        outcome_id,
        label,
        meta["meta.pooled.measure"]["value"],
        pooled["value"],
        pooled["lower"],
        pooled["upper"],
        meta["meta.pooled.patients"]["value"],
        k,
        baseline,
        baseline_text,
        f"the {k} trials with counts ({', '.join(trial_names)}), Mantel-Haenszel (03_meta_analyses)",
        trial_rob=trial_rob,
        i2=meta["meta.pooled.i2"]["value"],
        q_p=meta["meta.pooled.q_p"]["value"],
        information_size=meta["meta.tsa.fixed.information_size"]["value"],
        mcid_absolute=mcid_absolute,
        level=pooled["level"],
    )


def published_evidence(
    row,
    *,
    outcome_id: str,
    label: str,
    baseline: float,
    baseline_text: str,
    mcid_absolute: float,
    subset_contrast_p: float | None = None,
    information_size: float | None = None,
) -> Evidence:
    """A published pooled estimate (a row of the published estimates) as a summary row.

    ``subset_contrast_p``: the P of the contrast between the review's trials outside the large
    trials and the large trials (counted under risk of bias and publication bias, not again
    under inconsistency)."""
    return Evidence(
        outcome_id,
        label,
        row.measure,
        row.estimate,
        row.ci_lower,
        row.ci_upper,
        None if pd.isna(row.n_patients) else int(row.n_patients),
        None if pd.isna(row.k_studies) else int(row.k_studies),
        baseline,
        baseline_text,
        f"{row.study}, published pooled estimate",
        subset_contrast_p=subset_contrast_p,
        subset_difference_counted_elsewhere=True,
        information_size=information_size,
        mcid_absolute=mcid_absolute,
        level=float(row.ci_level),
    )


def trial_outcome_evidence(
    rr: Mapping, row, *, outcome_id: str, label: str, mcid_absolute: float
) -> Evidence:
    """One trial's outcome from its report (``<study>.<outcome>.rr``) and its counts row, at its
    own control risk."""
    control = row.events_ctl / row.n_ctl
    derived = row.value_flag == "derived"
    return Evidence(
        outcome_id,
        label,
        "RR",
        rr["value"],
        rr["lower"],
        rr["upper"],
        int(row.n_trt + row.n_ctl),
        1,
        control,
        f"{row.study} control arm {row.events_ctl}/{row.n_ctl} = {control:.1%}"
        + (" (derived counts)" if derived else ""),
        f"{row.study} trial report (counts {'derived from percentages' if derived else 'read'})",
        mcid_absolute=mcid_absolute,
        level=rr["level"],
    )


def marker_evidence(
    row, *, outcome_id: str, label: str, randomised: int, rob_overall: str
) -> Evidence:
    """A published mean difference of an immune marker (no MCID: imprecision by the rule of
    thumb)."""
    return Evidence(
        outcome_id,
        label,
        "MD",
        row.estimate,
        row.ci_lower,
        row.ci_upper,
        randomised,
        1,
        None,
        "",
        f"{row.study}, published difference in change (randomised patients; analysed n not stated)",
        unit="percentage points",
        trial_rob=[(rob_overall, 1.0)],
        level=float(row.ci_level),
    )


def subgroup_evidence(
    row,
    *,
    outcome_id: str,
    credibility: str | None,
    baseline: float,
    baseline_text: str,
    mcid_absolute: float,
) -> Evidence:
    """A published subgroup hazard ratio, with the credibility of the effect modification."""
    return Evidence(
        outcome_id,
        f"28-day mortality, {row.population}",
        "HR",
        row.estimate,
        row.ci_lower,
        row.ci_upper,
        None,
        1,
        baseline,
        baseline_text + " (subgroup-specific control risk not published)",
        f"{row.study}, published subgroup hazard ratio",
        credibility=credibility,
        mcid_absolute=mcid_absolute,
        level=float(row.ci_level),
    )


def level_words(levels) -> str:
    """'95% CI' when every interval has one level, else 'CI' (each row then names its own)."""
    distinct = sorted(set(levels))
    return f"{100 * distinct[0]:g}% CI" if len(distinct) == 1 else "CI"


def sof_table(rated: list[Rating], intervention: str) -> pd.DataFrame:
    """The summary of findings: one row per outcome.

    Parameters
    ----------
    rated : list of Rating
        The rated outcomes (:func:`ta1sepsis.evidence.grade.rate`).
    intervention : str
        The intervention's name, for the corresponding-risk column.

    Returns
    -------
    pandas.DataFrame
        outcome, relative effect with its interval, assumed control risk, corresponding risk and
        difference per 1000, participants (trials), certainty, GRADE statement and sources.
    """
    ci = level_words(r.evidence.level for r in rated)
    own = ci == "CI"
    rows = []
    for r in rated:
        e, a = r.evidence, r.absolute
        tag = f"{100 * e.level:g}% CI " if own else ""
        rows.append(
            {
                "outcome": e.label,
                f"relative effect ({ci})": f"{e.measure} {e.estimate:.2f} ({tag}{e.lower:.2f} to "
                f"{e.upper:.2f})"
                if e.measure != "MD"
                else f"MD {e.estimate:g} ({tag}{e.lower:g} to {e.upper:g}) {e.unit}",
                "assumed control risk per 1000": f"{a['control']:.0f}" if a else "",
                f"with {intervention} per 1000 ({ci})": f"{a['treatment']:.0f} "
                f"({a['treatment_lower']:.0f} to {a['treatment_upper']:.0f})"
                if a
                else "",
                f"difference per 1000 ({ci})": f"{a['difference']:+.0f} "
                f"({a['difference_lower']:+.0f} to {a['difference_upper']:+.0f})"
                if a
                else "",
                "participants (trials)": f"{e.participants if e.participants else 'not stated'} "
                f"({e.trials})",
                "certainty": r.certainty,
                "what it means": r.statement,
                "source of the estimate": e.source,
                "control risk source": e.control_risk_source,
            }
        )
    return pd.DataFrame(rows)


def downgrade_table(rated: list[Rating]) -> pd.DataFrame:
    """Every GRADE domain of every outcome: rating, levels, reason and what decided it."""
    return pd.DataFrame(
        [
            {
                "outcome": r.evidence.label,
                "domain": d.domain.replace("_", " "),
                "rating": d.rating,
                "levels": d.levels,
                "reason": d.reason,
                "decided by": d.basis,
            }
            for r in rated
            for d in r.downgrades
        ]
    )
