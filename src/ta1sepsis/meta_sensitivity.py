"""Sensitivity and small-study analyses around a meta-analysis.

* Leave-one-out and cumulative meta-analysis: the chosen model refitted without each study, or
  with the first 1, 2, ... studies in a given order (metafor ``leave1out`` and ``cumul``;
  Lau et al., N Engl J Med 1992;327:248 for cumulative meta-analysis).
* Subgroup analysis with the test for subgroup differences as in RevMan (Deeks & Higgins 2010,
  section 4): a random-effects (DerSimonian-Laird) estimate per subgroup, then Cochran's Q of
  those estimates around their inverse-variance mean, on G - 1 df; and the common-effect
  version Q_between = Q_total - sum(Q_within) (Borenstein et al., *Introduction to
  Meta-Analysis*, 2009, ch. 19).
* Egger's regression test for funnel-plot asymmetry (Egger et al., BMJ 1997;315:629): weighted
  least squares of y_i on SE_i with weights 1/v_i; the slope on SE_i is Egger's bias
  coefficient, tested with t on k - 2 df (metafor ``regtest(model = "lm")``). Only with at
  least ``EGGER_MIN_K`` studies (Sterne et al., BMJ 2011;343:d4002): below that the test has too
  little power to mean anything and a message says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from .meta_effects import StudyEffects
from .meta_pooling import MetaResult, common_effect_iv, random_effects

EGGER_MIN_K = 10

Model = Callable[[StudyEffects], MetaResult]


def model_function(method: str = "REML", ci: str = "wald", level: float = 0.95) -> Model:
    """A function StudyEffects -> MetaResult: 'FE' for the common effect, else random effects."""
    if method == "FE":
        return lambda e: common_effect_iv(e, level)
    return lambda e: random_effects(e, method, ci, level)


def _subset(effects: StudyEffects, mask) -> StudyEffects:
    return StudyEffects(effects.measure, effects.table[mask].reset_index(drop=True), [])


def _row(label: str, res: MetaResult) -> dict:
    s = res.summary()
    return {
        "study": label,
        "k": s["k"],
        "estimate": s["estimate"],
        "lower": s["lower"],
        "upper": s["upper"],
        "p_value": s["p_value"],
        "tau2": s["tau2"],
        "i2": s["i2"],
    }


def leave_one_out(effects: StudyEffects, model: Model) -> pd.DataFrame:
    """The model refitted without each study in turn (reporting scale)."""
    if effects.k < 2:
        raise ValueError("leave-one-out needs at least two studies")
    studies = effects.table["study"].astype(str).tolist()
    return pd.DataFrame(
        [
            _row(
                f"without {name}",
                model(_subset(effects, effects.table["study"].astype(str) != name)),
            )
            for name in studies
        ]
    )


def cumulative(effects: StudyEffects, model: Model, order: str = "year") -> pd.DataFrame:
    """The model fitted to the first 1, 2, ..., k studies sorted by ``order`` (stable sort)."""
    table = effects.table.sort_values(order, kind="stable").reset_index(drop=True)
    ordered = StudyEffects(effects.measure, table, [])
    rows = []
    for i in range(1, len(table) + 1):
        row = _row(f"+ {table.loc[i - 1, 'study']}", model(_subset(ordered, table.index < i)))
        row[order] = table.loc[i - 1, order]
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass
class SubgroupResult:
    groups: pd.DataFrame  # one row per subgroup
    q_between_random: float
    p_between_random: float
    q_between_common: float
    p_between_common: float
    df: int


def subgroup_analysis(effects: StudyEffects, by: str, level: float = 0.95) -> SubgroupResult:
    """Per-subgroup DerSimonian-Laird estimates and the tests for subgroup differences."""
    table = effects.table
    if by not in table.columns:
        raise ValueError(f"no column {by!r} to form subgroups")
    if table[by].isna().any() or (table[by].astype(str) == "").any():
        raise ValueError(f"column {by!r} is empty for some studies")
    rows, q_within = [], 0.0
    for level_name, part in table.groupby(by, sort=True):
        sub = StudyEffects(effects.measure, part.reset_index(drop=True), [])
        re, fe = random_effects(sub, "DL", level=level), common_effect_iv(sub, level)
        q_within += fe.q
        rows.append(
            {
                by: level_name,
                **_row(str(level_name), re),
                "log_estimate": re.estimate,
                "se": re.se,
                "fe_log_estimate": fe.estimate,
                "fe_se": fe.se,
            }
        )
    groups = pd.DataFrame(rows).drop(columns="study")
    if len(groups) < 2:
        raise ValueError(f"column {by!r} has a single subgroup")
    df = len(groups) - 1
    w = 1 / groups["se"] ** 2
    mean = np.sum(w * groups["log_estimate"]) / w.sum()
    q_random = float(np.sum(w * (groups["log_estimate"] - mean) ** 2))
    q_common = common_effect_iv(effects, level).q - q_within
    return SubgroupResult(
        groups,
        q_random,
        float(stats.chi2.sf(q_random, df)),
        float(q_common),
        float(stats.chi2.sf(q_common, df)),
        df,
    )


@dataclass
class EggerResult:
    k: int
    bias: float | None = None  # slope on SE (Egger's intercept in the classic form)
    bias_se: float | None = None
    t: float | None = None
    df: int | None = None
    p_value: float | None = None
    limit_estimate: float | None = None  # intercept: the effect as SE -> 0
    message: str = ""


def egger_test(effects: StudyEffects, min_k: int = EGGER_MIN_K) -> EggerResult:
    """Egger's regression test; refuses (with a message) below ``min_k`` studies."""
    k = effects.k
    if k < min_k:
        return EggerResult(
            k,
            message=f"Egger's test not run: {k} studies, fewer than the {min_k} needed for "
            "a funnel-plot asymmetry test to have useful power (Sterne et al. 2011)",
        )
    sei = np.sqrt(effects.vi)
    fit = sm.WLS(effects.yi, sm.add_constant(sei), weights=1 / effects.vi).fit()
    return EggerResult(
        k,
        float(fit.params[1]),
        float(fit.bse[1]),
        float(fit.tvalues[1]),
        int(fit.df_resid),
        float(fit.pvalues[1]),
        float(fit.params[0]),
    )
