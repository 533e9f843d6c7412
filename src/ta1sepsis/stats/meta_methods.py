"""Tables that set meta-analysis methods side by side, for the notebooks.

``methods_table`` pools the same trials with the legacy methods of the published Tα1 reviews
(Mantel-Haenszel common effect; DerSimonian-Laird with a Wald CI) and with the current Cochrane
defaults (REML tau^2, Hartung-Knapp CI, prediction interval), plus the other estimators, so a
reader sees how much the choice matters.
"""

from __future__ import annotations

import pandas as pd

from ta1sepsis.stats.meta_effects import StudyEffects
from ta1sepsis.stats.meta_pooling import (
    MetaResult,
    common_effect_iv,
    mantel_haenszel,
    peto_odds_ratio,
    random_effects,
)


def trials_to_studies(trials: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Rows of a validated trials table for ``outcome`` as (study, year, ai, n1i, ci, n2i, ...).

    Parameters
    ----------
    trials : pandas.DataFrame
        A trials table as loaded (``data/trials.csv`` format).
    outcome : str
        The outcome key.

    Returns
    -------
    pandas.DataFrame
        The rows of that outcome, with metafor's column names for the counts (ai, n1i: events
        and N with treatment; ci, n2i: with control) and every other column kept.

    Examples
    --------
    >>> trials = pd.DataFrame({"study_id": ["a"], "study": ["A"], "outcome": ["death"],
    ...                        "events_trt": [3], "n_trt": [10], "events_ctl": [5],
    ...                        "n_ctl": [10]})
    >>> trials_to_studies(trials, "death")[["study", "ai", "n1i", "ci", "n2i"]].values.tolist()
    [['A', 3, 10, 5, 10]]
    """
    rows = trials[trials["outcome"] == outcome]
    if rows.empty:
        known = ", ".join(sorted(trials["outcome"].unique()))
        raise ValueError(f"no trial reports outcome {outcome!r}; outcomes in the file: {known}")
    return rows.rename(
        columns={"events_trt": "ai", "n_trt": "n1i", "events_ctl": "ci", "n_ctl": "n2i"}
    ).assign(study=lambda d: d["study"].astype(str))


def methods_table(
    studies: pd.DataFrame,
    effects: StudyEffects,
    measure: str,
    tau2_method: str,
    *,
    ci_method: str,
    level: float = 0.95,
) -> tuple[pd.DataFrame, dict[str, MetaResult]]:
    """All pooled estimates at confidence ``level``, labelled legacy / current / other.

    Parameters
    ----------
    studies : pandas.DataFrame
        The trials' counts (ai, n1i, ci, n2i) for Mantel-Haenszel and Peto.
    effects : StudyEffects
        The same trials' effect sizes for the inverse-variance models.
    measure : {"RR", "OR", "RD"}
    tau2_method : str
        The τ² estimator of the "current" model (REML, PM, SJ, DL, ...).
    ci_method : str
        Its CI method ("wald", "hk", "hk_adhoc").
    level : float
        Confidence level of every interval.

    Returns
    -------
    (pandas.DataFrame, dict)
        One row per model (method, k, estimate, CI, P, τ², I² in %, prediction interval) and
        the fits by label.

    References
    ----------
    The models of :mod:`ta1sepsis.stats.meta_pooling` (Deeks & Higgins 2010; DerSimonian &
    Laird 1986; Viechtbauer 2005; Hartung & Knapp 2001).

    Examples
    --------
    >>> from ta1sepsis.stats.meta_effects import study_effects
    >>> s = pd.read_csv("tests/reference/datasets/etass_tests.csv")
    >>> table, fits = methods_table(s, study_effects(s, "RR"), "RR", "REML", ci_method="hk")
    >>> table.method.iloc[0], round(float(table.estimate.iloc[0]), 3)
    ('legacy: Mantel-Haenszel common effect', 0.897)
    """
    try:
        mh = mantel_haenszel(studies, measure, level)
    except ValueError as error:
        # e.g. every control patient had the event: the Mantel-Haenszel ratio is 0 or infinite;
        # the common effect falls back to inverse variance with the continuity correction
        mh = common_effect_iv(effects, level)
        mh.notes.append(
            f"Mantel-Haenszel not estimable ({error}): the common effect is inverse variance with "
            "the continuity correction"
        )
    fits: dict[str, MetaResult] = {
        "legacy: Mantel-Haenszel common effect": mh,
        "legacy: DerSimonian-Laird, Wald CI": random_effects(effects, "DL", "wald", level),
        f"current: {tau2_method}, {ci_method} CI": random_effects(
            effects, tau2_method, ci_method, level
        ),
        "other: inverse-variance common effect": common_effect_iv(effects, level),
    }
    if measure == "OR":
        try:
            fits["other: Peto one-step OR"] = peto_odds_ratio(studies, level)
        except ValueError:
            pass  # no information for the Peto method (no events, or all events, overall)
    for method in ("REML", "PM", "SJ", "DL"):
        for ci in ("wald", "hk", "hk_adhoc"):
            label = f"other: {method}, {ci} CI"
            if not any(k.endswith(f"{method}, {ci} CI") for k in fits):
                fits[label] = random_effects(effects, method, ci, level)
    rows = []
    for label, fit in fits.items():
        s = fit.summary()
        rows.append(
            {
                "method": label,
                "k": s["k"],
                "estimate": s["estimate"],
                "lower": s["lower"],
                "upper": s["upper"],
                "p": s["p_value"],
                "tau2": s["tau2"],
                "I2 (%)": 100 * s["i2"],
                "PI lower": s["pi_lower"],
                "PI upper": s["pi_upper"],
            }
        )
    return pd.DataFrame(rows), fits
