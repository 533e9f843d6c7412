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
    """Rows of a validated trials table for ``outcome`` as (study, year, ai, n1i, ci, n2i, ...)."""
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
    """All pooled estimates at confidence ``level``, labelled legacy / current / other; returns
    the table and fits."""
    fits: dict[str, MetaResult] = {
        "legacy: Mantel-Haenszel common effect": mantel_haenszel(studies, measure, level),
        "legacy: DerSimonian-Laird, Wald CI": random_effects(effects, "DL", "wald", level),
        f"current: {tau2_method}, {ci_method} CI": random_effects(
            effects, tau2_method, ci_method, level
        ),
        "other: inverse-variance common effect": common_effect_iv(effects, level),
    }
    if measure == "OR":
        fits["other: Peto one-step OR"] = peto_odds_ratio(studies, level)
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
