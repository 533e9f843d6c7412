"""The summary of findings assembled from plain inputs: the other notebooks' results (dicts of
result entries), rows of the data tables and the RoB 2 judgements.

Each ``*_evidence`` function returns one :class:`~ta1sepsis.evidence.grade.Evidence` (what one
row of the summary of findings needs); :func:`rated_row`, :func:`subgroup_row` and
:func:`narrative_row` turn a rated outcome, a subgroup or an outcome without numbers into a row a
reader sees, and :func:`sof_table` and :func:`downgrade_table` into the two tables. Nothing here
reads a file, so every function can be tested on a dict and a small frame.

Presentation follows GRADE: relative and absolute effects at the assumed control risk, with a
second column at a higher control risk where the sources show the risk varies (Cochrane
Handbook 14.1.5); the number of participants analysed, or "not stated"; the importance of each
outcome; the certainty and GRADE's informative statement judged against the decision thresholds;
and, for a subgroup whose effect modification has low credibility, the overall effect with the
reason, not a subgroup-specific effect (GRADE guidance 36; ICEMAN).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ta1sepsis.evidence.grade import Evidence, Rating
from ta1sepsis.stats.absolute import per_1000

LOW_CREDIBILITY = ("low", "very low")


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

    Examples
    --------
    >>> rob = pd.DataFrame({"overall": ["high"]}, index=["a.m"])
    >>> [(j, round(w, 2)) for j, w in rob_weights(["a", "b"], [0.04, 0.01], "m", rob)]
    [('high', 0.2), ('not assessed', 0.8)]
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
    trial_estimates: list[tuple[str, float, float, float]] = (),
    baseline: float,
    baseline_text: str,
    thresholds: tuple[float, float],
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
    trial_estimates : list of (str, float, float, float)
        Each trial's label, estimate and interval on the pooled measure's scale (for the
        inconsistency criteria of a pool of two or three trials).
    baseline, baseline_text : float, str
        Assumed control risk (proportion) and where it comes from.
    thresholds : (float, float)
        The decision thresholds for benefit and harm as absolute risk differences
        (proportions; assumptions).

    Returns
    -------
    Evidence

    Examples
    --------
    >>> meta = {"meta.pooled.mh": {"value": 0.9, "lower": 0.7, "upper": 1.1, "level": 0.95},
    ...         "meta.pooled.measure": {"value": "RR"}, "meta.pooled.patients": {"value": 900},
    ...         "meta.pooled.k": {"value": 2}, "meta.pooled.i2": {"value": 0.1},
    ...         "meta.pooled.q_p": {"value": 0.3},
    ...         "meta.tsa.fixed.information_size": {"value": 5000}}
    >>> e = pooled_evidence(meta, outcome_id="m", label="death", trial_names=["A", "B"],
    ...                     trial_rob=[], baseline=0.25, baseline_text="", thresholds=(0.01, 0.01))
    >>> e.measure, e.estimate, e.trials, e.participants, e.information_size
    ('RR', 0.9, 2, 900, 5000)
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
        threshold_benefit=thresholds[0],
        threshold_harm=thresholds[1],
        level=pooled["level"],
        trial_estimates=list(trial_estimates),
    )


def published_evidence(
    row,
    *,
    outcome_id: str,
    label: str,
    baseline: float,
    baseline_text: str,
    thresholds: tuple[float, float],
    subset_contrast_p: float | None = None,
    information_size: float | None = None,
) -> Evidence:
    """A published pooled estimate (a row of the published estimates) as a summary row.

    Parameters
    ----------
    row : pandas.Series or namedtuple
        The published row: measure, estimate, ci_lower, ci_upper, ci_level, n_patients,
        k_studies, study.
    outcome_id, label : str
        The row's id and its words.
    baseline, baseline_text : float, str
        Assumed control risk (proportion) and where it comes from.
    thresholds : (float, float)
        Decision thresholds for benefit and harm (proportions; assumptions).
    subset_contrast_p : float, optional
        P of the contrast between the review's trials outside the large trials and the large
        trials (counted under risk of bias and publication bias, not again under
        inconsistency).
    information_size : float, optional
        The optimal information size (patients).

    Returns
    -------
    Evidence

    Examples
    --------
    >>> from types import SimpleNamespace as Row
    >>> r = Row(measure="OR", estimate=0.73, ci_lower=0.59, ci_upper=0.9, ci_level=0.95,
    ...         n_patients=1927, k_studies=11, study="Review 2025")
    >>> e = published_evidence(r, outcome_id="x", label="death", baseline=0.24,
    ...                        baseline_text="", thresholds=(0.01, 0.01))
    >>> e.participants, e.trials, e.source
    (1927, 11, 'Review 2025, published pooled estimate')
    """
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
        threshold_benefit=thresholds[0],
        threshold_harm=thresholds[1],
        level=float(row.ci_level),
    )


def trial_outcome_evidence(
    rr: Mapping,
    row,
    *,
    outcome_id: str,
    label: str,
    thresholds: tuple[float, float],
    control: float | None = None,
    control_text: str | None = None,
) -> Evidence:
    """One trial's outcome from its report (``<study>.<outcome>.rr``) and its counts row.

    Parameters
    ----------
    rr : mapping
        The report's risk ratio entry (value, lower, upper, level).
    row : pandas.Series or namedtuple
        The trial's counts row (events and N per arm, study, value_flag).
    outcome_id, label : str
        The row's id and its words.
    thresholds : (float, float)
        Decision thresholds for benefit and harm (proportions; assumptions).
    control, control_text : float and str, optional
        The assumed control risk and its source; default: the trial's own control arm.

    Returns
    -------
    Evidence

    Examples
    --------
    >>> from types import SimpleNamespace as Row
    >>> row = Row(events_trt=10, n_trt=100, events_ctl=20, n_ctl=100, study="T",
    ...           value_flag="read")
    >>> rr = {"value": 0.5, "lower": 0.25, "upper": 1.0, "level": 0.95}
    >>> e = trial_outcome_evidence(rr, row, outcome_id="d", label="death",
    ...                            thresholds=(0.01, 0.01))
    >>> e.control_risk, e.participants, e.control_risk_source
    (0.2, 200, 'T control arm 20/100 = 20.0%')
    """
    own = row.events_ctl / row.n_ctl
    derived = row.value_flag == "derived"
    if control is None:
        control = own
        control_text = f"{row.study} control arm {row.events_ctl}/{row.n_ctl} = {own:.1%}" + (
            " (derived counts)" if derived else ""
        )
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
        control_text,
        f"{row.study} trial report (counts {'derived from percentages' if derived else 'read'})",
        threshold_benefit=thresholds[0],
        threshold_harm=thresholds[1],
        level=rr["level"],
    )


def marker_evidence(
    row, *, outcome_id: str, label: str, randomised: int, rob_overall: str
) -> Evidence:
    """A published mean difference of an immune marker (no decision threshold: imprecision by
    the rule of thumb).

    Parameters
    ----------
    row : pandas.Series or namedtuple
        The published difference (estimate, ci_lower, ci_upper, ci_level, study).
    outcome_id, label : str
        The row's id and its words.
    randomised : int
        Patients randomised in the trial (the number analysed is not stated).
    rob_overall : str
        The trial's RoB 2 overall judgement for this outcome.

    Returns
    -------
    Evidence

    Examples
    --------
    >>> from types import SimpleNamespace as Row
    >>> r = Row(estimate=5.8, ci_lower=1.0, ci_upper=10.5, ci_level=0.95, study="T")
    >>> e = marker_evidence(r, outcome_id="m", label="marker", randomised=361,
    ...                     rob_overall="some concerns")
    >>> e.measure, e.participants_analysed
    ('MD', False)
    """
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
        participants_analysed=False,
    )


def harm_evidence(label: str, statements: list[tuple[str, str]], *, importance: str) -> dict:
    """An outcome the sources describe in words only (adverse events without counts per arm).

    Parameters
    ----------
    label : str
        The outcome.
    statements : list of (str, str)
        (what a source states, which source).
    importance : str
        The outcome's importance (critical, important, ...).

    Returns
    -------
    dict
        A summary-of-findings row (:func:`sof_table`) whose certainty is not assessed, saying
        why.

    Examples
    --------
    >>> row = harm_evidence("adverse events", [("no difference", "Trial A")],
    ...                     importance="critical")
    >>> row["certainty"]
    'not assessed: no counts per arm in the sources'
    """
    return {
        "outcome": label,
        "importance": importance,
        "relative effect": "not estimable (no counts per arm in the sources)",
        "what it means": "; ".join(f"{text} ({source})" for text, source in statements)
        + ". Without counts the size of any difference cannot be estimated: this is not "
        "evidence of no harm.",
        "certainty": "not assessed: no counts per arm in the sources",
        "notes": "narrative: the sources state results in words only",
    }


def level_words(levels) -> str:
    """'95% CI' when every interval has one level, else 'CI' (each row then names its own).

    Parameters
    ----------
    levels : iterable of float
        The intervals' levels (proportions).

    Returns
    -------
    str

    Examples
    --------
    >>> level_words([0.95, 0.95]), level_words([0.95, 0.9])
    ('95% CI', 'CI')
    """
    distinct = sorted(set(levels))
    return f"{100 * distinct[0]:g}% CI" if len(distinct) == 1 else "CI"


def _relative(e: Evidence, own_level: bool) -> str:
    tag = f"{100 * e.level:g}% CI " if own_level else ""
    if e.measure == "MD":
        return f"MD {e.estimate:g} ({tag}{e.lower:g} to {e.upper:g}) {e.unit}"
    return f"{e.measure} {e.estimate:.2f} ({tag}{e.lower:.2f} to {e.upper:.2f})"


def _difference(a: dict) -> str:
    return f"{a['difference']:+.0f} ({a['difference_lower']:+.0f} to {a['difference_upper']:+.0f})"


def rated_row(
    r: Rating,
    *,
    importance: str,
    second_baseline: tuple[float, str] | None = None,
    own_level: bool = False,
) -> dict:
    """One rated outcome as a summary-of-findings row.

    Parameters
    ----------
    r : Rating
        The rated outcome (:func:`ta1sepsis.evidence.grade.rate`).
    importance : str
        Its importance (critical, important, ...), a judgement.
    second_baseline : (float, str), optional
        A higher control risk (proportion) where the sources show the risk varies, and its
        source; the difference per 1000 at it gets its own column.
    own_level : bool
        Name the interval's level in the cell (when the rows' levels differ).

    Returns
    -------
    dict
        The row (:func:`sof_table` gives the columns).

    Examples
    --------
    >>> from ta1sepsis.evidence.grade import rate
    >>> e = Evidence("o", "death", "RR", 0.8, 0.6, 1.1, 400, 1, 0.25,
    ...              threshold_benefit=0.01, threshold_harm=0.01)
    >>> row = rated_row(rate(e, {}), importance="critical", second_baseline=(0.5, "B"))
    >>> row["difference per 1000"], row["difference per 1000 at the higher control risk"]
    ('-50 (-100 to +25)', '-100 (-200 to +50) at 500 per 1000 (B)')
    """
    e, a = r.evidence, r.absolute
    row = {
        "outcome": e.label,
        "importance": importance,
        "relative effect": _relative(e, own_level),
        "control risk per 1000": f"{a['control']:.0f}" if a else "",
        "with treatment per 1000": f"{a['treatment']:.0f} ({a['treatment_lower']:.0f} to "
        f"{a['treatment_upper']:.0f})"
        if a
        else "",
        "difference per 1000": _difference(a) if a else "",
        "difference per 1000 at the higher control risk": "",
        "participants analysed (trials)": (
            f"{e.participants:,} ({e.trials})"
            if e.participants and e.participants_analysed
            else f"{e.participants:,} randomised; analysed not stated ({e.trials})"
            if e.participants
            else f"not stated ({e.trials})"
        ),
        "certainty": r.certainty,
        "what it means": r.statement
        + (
            f" (judged against {1000 * e.threshold_benefit:g} fewer or {1000 * e.threshold_harm:g} "
            "more per 1000)"
            if e.threshold_benefit is not None and a
            else ""
        ),
        "notes": f"estimate: {e.source}"
        + (f"; control risk: {e.control_risk_source}" if a else ""),
    }
    if second_baseline is not None and a:
        risk, source = second_baseline
        b = per_1000(risk, e.estimate, e.lower, e.upper, scale=e.measure)
        row["difference per 1000 at the higher control risk"] = (
            f"{_difference(b)} at {1000 * risk:.0f} per 1000 ({source})"
        )
    return row


def subgroup_row(
    e: Evidence,
    overall: Rating,
    *,
    interaction: str,
    importance: str,
    own_level: bool = False,
) -> dict:
    """A claimed subgroup effect, presented as GRADE and ICEMAN advise.

    When the credibility of the effect modification is low or very low, the subgroup gets the
    overall effect and its certainty, with the subgroup estimate shown as published and the
    reason; otherwise its own estimate (rated elsewhere) would be shown.

    Parameters
    ----------
    e : Evidence
        The subgroup's published estimate, with ``credibility`` (ICEMAN overall rating).
    overall : Rating
        The rated overall outcome whose effect applies when the modification is not credible.
    interaction : str
        The interaction P as published beside the recomputed one, and why they differ.
    importance : str
        The outcome's importance.
    own_level : bool
        Name the interval's level in the cell.

    Returns
    -------
    dict

    Examples
    --------
    >>> from ta1sepsis.evidence.grade import rate
    >>> o = Evidence("o", "death", "RR", 0.9, 0.7, 1.1, 1000, 2, 0.25,
    ...              threshold_benefit=0.01, threshold_harm=0.01)
    >>> s = Evidence("s", "death, age >=60", "HR", 0.8, 0.6, 1.1, None, 1, 0.25,
    ...              credibility="low")
    >>> row = subgroup_row(s, rate(o, {}), interaction="P = 0.02", importance="critical")
    >>> row["difference per 1000"], row["certainty"]
    ('-25 (-75 to +25)', 'low (overall; see notes)')
    """
    a = overall.absolute
    if e.credibility not in LOW_CREDIBILITY:
        raise ValueError(
            f"{e.outcome_id}: effect modification of {e.credibility} credibility needs its own "
            "rated estimate, not the overall one"
        )
    return {
        "outcome": e.label,
        "importance": importance,
        "relative effect": f"{_relative(overall.evidence, own_level)} (overall)",
        "control risk per 1000": f"{a['control']:.0f}" if a else "",
        "with treatment per 1000": f"{a['treatment']:.0f} ({a['treatment_lower']:.0f} to "
        f"{a['treatment_upper']:.0f})"
        if a
        else "",
        "difference per 1000": _difference(a) if a else "",
        "difference per 1000 at the higher control risk": "",
        "participants analysed (trials)": "not stated (1)",
        "certainty": f"{overall.certainty} (overall; see notes)",
        "what it means": f"The overall effect applies: the effect modification has "
        f"{e.credibility} credibility (ICEMAN), so no subgroup-specific effect is given. "
        f"{overall.statement}",
        "notes": f"subgroup {e.measure} {e.estimate:.2f} ({e.lower:.2f} to {e.upper:.2f}) as "
        f"published ({e.source}); interaction {interaction}",
    }


def narrative_row(row: dict) -> dict:
    """A row without numbers (:func:`harm_evidence`), with every column of the table.

    Parameters
    ----------
    row : dict
        outcome, importance, relative effect, what it means, certainty, notes.

    Returns
    -------
    dict

    Examples
    --------
    >>> narrative_row({"outcome": "x"})["difference per 1000"]
    ''
    """
    return {column: row.get(column, "") for column in COLUMNS}


COLUMNS = (
    "outcome",
    "importance",
    "relative effect",
    "control risk per 1000",
    "with treatment per 1000",
    "difference per 1000",
    "difference per 1000 at the higher control risk",
    "participants analysed (trials)",
    "certainty",
    "what it means",
    "notes",
)


def sof_table(rows: list[dict], *, ci: str, intervention: str) -> pd.DataFrame:
    """The summary of findings from its rows, with the intervals' level in the headers.

    Parameters
    ----------
    rows : list of dict
        Rows from :func:`rated_row`, :func:`subgroup_row` and :func:`narrative_row`.
    ci : str
        The interval words for the headers ('95% CI', or 'CI' when the rows name their own).
    intervention : str
        The intervention's name for the corresponding-risk column.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> table = sof_table([narrative_row({"outcome": "x"})], ci="90% CI", intervention="T")
    >>> list(table.columns)[2:6]
    ['relative effect (90% CI)', 'control risk per 1000', 'with T per 1000 (90% CI)', 'difference per 1000 (90% CI)']
    """
    names = {
        "relative effect": f"relative effect ({ci})",
        "with treatment per 1000": f"with {intervention} per 1000 ({ci})",
        "difference per 1000": f"difference per 1000 ({ci})",
        "difference per 1000 at the higher control risk": "difference per 1000 at a higher "
        f"control risk ({ci})",
    }
    frame = pd.DataFrame([narrative_row(r) for r in rows], columns=list(COLUMNS))
    return frame.rename(columns=names)


def downgrade_table(rated: list[Rating]) -> pd.DataFrame:
    """Every GRADE domain of every outcome: rating, levels, reason and what decided it.

    Parameters
    ----------
    rated : list of Rating

    Returns
    -------
    pandas.DataFrame
        outcome, domain, rating, levels, reason, decided by.

    Examples
    --------
    >>> from ta1sepsis.evidence.grade import rate
    >>> e = Evidence("o", "death", "RR", 0.8, 0.6, 1.1, 400, 1, 0.25,
    ...              threshold_benefit=0.01, threshold_harm=0.01)
    >>> list(downgrade_table([rate(e, {})]).domain)
    ['risk of bias', 'inconsistency', 'indirectness', 'imprecision', 'publication bias']
    """
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
