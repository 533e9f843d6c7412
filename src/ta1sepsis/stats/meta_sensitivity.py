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
from scipy import stats
from statsmodels.regression.linear_model import WLS
from statsmodels.tools.tools import add_constant

from ta1sepsis.stats.meta_effects import StudyEffects
from ta1sepsis.stats.meta_pooling import MetaResult, common_effect_iv, random_effects

EGGER_MIN_K = 10

Model = Callable[[StudyEffects], MetaResult]


def model_function(method: str = "REML", ci: str = "wald", level: float = 0.95) -> Model:
    """Make a model function: ``"FE"`` for the common effect, otherwise random effects.

    Parameters
    ----------
    method : str
        ``"FE"`` for :func:`~ta1sepsis.stats.meta_pooling.common_effect_iv`, or a tau^2 estimator
        (``"DL"``, ``"HE"``, ``"PM"``, ``"SJ"``, ``"ML"``, ``"REML"``) for
        :func:`~ta1sepsis.stats.meta_pooling.random_effects`.
    ci : {"wald", "hk", "hk_adhoc"}
        Interval for the random-effects mean (ignored for ``"FE"``).
    level : float
        Confidence level (proportion; 0.95 for 95%).

    Returns
    -------
    callable
        A function StudyEffects -> MetaResult, as :func:`leave_one_out` and :func:`cumulative`
        take.

    References
    ----------
    Viechtbauer W. J Stat Softw 2010;36(3):1-48 (metafor ``rma``); the estimators are
    referenced in :mod:`ta1sepsis.stats.meta_pooling`.

    Examples
    --------
    >>> from ta1sepsis.stats.meta_effects import study_effects
    >>> eff = study_effects(pd.read_csv("tests/reference/datasets/etass_tests.csv"), "OR")
    >>> fit = model_function("DL")(eff)
    >>> print(fit.model, f"{fit.summary()['estimate']:.3f}")
    random (DL) 0.826
    """
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
    """Refit the model without each study in turn (reporting scale).

    Parameters
    ----------
    effects : StudyEffects
        Study effects and variances of at least two studies.
    model : callable
        A function StudyEffects -> MetaResult, e.g. from :func:`model_function`.

    Returns
    -------
    pandas.DataFrame
        One row per omitted study: ``study`` ("without <label>"), ``k``, ``estimate``,
        ``lower`` and ``upper`` (reporting scale: ratios for RR and OR), ``p_value``, ``tau2``
        (analysis scale squared) and ``i2`` (proportion).

    References
    ----------
    Viechtbauer W. J Stat Softw 2010;36(3):1-48 (metafor ``leave1out``).

    Examples
    --------
    >>> from ta1sepsis.stats.meta_effects import study_effects
    >>> eff = study_effects(pd.read_csv("tests/reference/datasets/etass_tests.csv"), "RR")
    >>> loo = leave_one_out(eff, model_function("FE"))
    >>> print(loo["study"].tolist(), loo["estimate"].round(3).tolist())
    ['without ETASS', 'without TESTS'] [0.971, 0.742]
    """
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
    """Fit the model to the first 1, 2, ..., k studies sorted by ``order`` (stable sort).

    Parameters
    ----------
    effects : StudyEffects
        Study effects and variances; ``effects.table`` holds the ``order`` column.
    model : callable
        A function StudyEffects -> MetaResult, e.g. from :func:`model_function`.
    order : str
        Column to sort by (publication year by default).

    Returns
    -------
    pandas.DataFrame
        One row per step: ``study`` ("+ <label>", the study added), ``k``, ``estimate``,
        ``lower`` and ``upper`` (reporting scale), ``p_value``, ``tau2``, ``i2`` (proportion)
        and the ``order`` value of the study added.

    References
    ----------
    Lau J, Antman EM, Jimenez-Silva J, Kupelnick B, Mosteller F, Chalmers TC. N Engl J Med
    1992;327:248-254. Viechtbauer W. J Stat Softw 2010;36(3):1-48 (metafor ``cumul``).

    Examples
    --------
    >>> from ta1sepsis.stats.meta_effects import study_effects
    >>> eff = study_effects(pd.read_csv("tests/reference/datasets/etass_tests.csv"), "RR")
    >>> cum = cumulative(eff, model_function("FE"))
    >>> print(cum["study"].tolist(), cum["estimate"].round(3).tolist())
    ['+ ETASS', '+ TESTS'] [0.742, 0.893]
    """
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
    """Per-subgroup estimates and the tests for subgroup differences.

    Attributes
    ----------
    groups : pandas.DataFrame
        One row per subgroup: its value (in a column named after ``by``), ``k``, ``estimate``,
        ``lower`` and ``upper`` (DerSimonian-Laird, reporting scale), ``p_value``, ``tau2``,
        ``i2`` (proportion), ``log_estimate`` and ``se`` (DerSimonian-Laird, analysis scale:
        natural log for ratios) and ``fe_log_estimate`` and ``fe_se`` (inverse-variance common
        effect, analysis scale).
    q_between_random, p_between_random : float
        Cochran's Q of the subgroup random-effects estimates around their inverse-variance mean
        and its chi-squared P value on ``df`` (RevMan's test for subgroup differences).
    q_between_common, p_between_common : float
        Q_between = Q_total - sum(Q_within) of the common-effect model and its P value.
    df : int
        Number of subgroups minus 1.
    """

    groups: pd.DataFrame  # one row per subgroup
    q_between_random: float
    p_between_random: float
    q_between_common: float
    p_between_common: float
    df: int


def subgroup_analysis(effects: StudyEffects, by: str, level: float = 0.95) -> SubgroupResult:
    """Estimate each subgroup by DerSimonian-Laird and test for subgroup differences.

    Parameters
    ----------
    effects : StudyEffects
        Study effects and variances; ``effects.table`` holds the ``by`` column.
    by : str
        Column naming each study's subgroup (no empty values; at least two subgroups).
    level : float
        Confidence level (proportion; 0.95 for 95%).

    Returns
    -------
    SubgroupResult
        Per-subgroup estimates and the random-effects and common-effect tests for subgroup
        differences.

    Raises
    ------
    ValueError
        If the column is missing or has empty values, or there is a single subgroup.

    References
    ----------
    Deeks JJ, Higgins JPT. Statistical algorithms in Review Manager 5, 2010, section 4.
    Borenstein M, Hedges LV, Higgins JPT, Rothstein HR. *Introduction to Meta-Analysis*. Wiley
    2009, ch. 19. DerSimonian R, Laird N. Control Clin Trials 1986;7:177-188.

    Examples
    --------
    The BCG vaccine trials by method of allocation:

    >>> from ta1sepsis.stats.meta_effects import study_effects
    >>> eff = study_effects(pd.read_csv("tests/reference/datasets/bcg.csv"), "RR")
    >>> res = subgroup_analysis(eff, "group")
    >>> print(f"Q {res.q_between_random:.2f} on {res.df} df, P {res.p_between_random:.3f}")
    Q 1.54 on 2 df, P 0.464
    """
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
    """Egger's regression test for funnel-plot asymmetry, or the reason it was not run.

    Attributes
    ----------
    k : int
        Number of studies.
    bias, bias_se : float or None
        Slope on SE_i in the weighted regression of y_i on SE_i (Egger's bias coefficient, the
        intercept in the classic form; analysis scale) and its standard error.
    t : float or None
        bias / bias_se.
    df : int or None
        Residual degrees of freedom, k - 2.
    p_value : float or None
        Two-sided P value of ``t`` (t distribution on ``df``).
    limit_estimate : float or None
        Intercept: the effect as SE -> 0 (analysis scale: natural log for ratios).
    message : str
        Why the test was not run (empty when it was).
    """

    k: int
    bias: float | None = None  # slope on SE (Egger's intercept in the classic form)
    bias_se: float | None = None
    t: float | None = None
    df: int | None = None
    p_value: float | None = None
    limit_estimate: float | None = None  # intercept: the effect as SE -> 0
    message: str = ""


def egger_test(effects: StudyEffects, min_k: int = EGGER_MIN_K) -> EggerResult:
    """Run Egger's regression test; refuse (with a message) below ``min_k`` studies.

    Weighted least squares of y_i on SE_i with weights 1/v_i; the slope on SE_i is the bias
    coefficient, tested with t on k - 2 df (metafor ``regtest(model = "lm")``).

    Parameters
    ----------
    effects : StudyEffects
        Study effects and variances (natural log scale for RR and OR).
    min_k : int
        Fewest studies for which the test is run (``EGGER_MIN_K``, 10, by default).

    Returns
    -------
    EggerResult
        The bias coefficient with its t test and the limit estimate, or only ``k`` and a
        ``message`` when there are fewer than ``min_k`` studies.

    References
    ----------
    Egger M, Davey Smith G, Schneider M, Minder C. BMJ 1997;315:629-634. Sterne JAC, Sutton AJ,
    Ioannidis JPA, et al. BMJ 2011;343:d4002.

    Examples
    --------
    >>> from ta1sepsis.stats.meta_effects import study_effects
    >>> res = egger_test(study_effects(pd.read_csv("tests/reference/datasets/bcg.csv"), "RR"))
    >>> print(f"bias {res.bias:.3f}, t {res.t:.3f} on {res.df} df, P {res.p_value:.3f}")
    bias -2.112, t -1.401 on 11 df, P 0.189
    """
    k = effects.k
    if k < min_k:
        return EggerResult(
            k,
            message=f"Egger's test not run: {k} {'study' if k == 1 else 'studies'}, fewer than the {min_k} needed for "
            "a funnel-plot asymmetry test to have useful power (Sterne et al. 2011)",
        )
    sei = np.sqrt(effects.vi)
    fit = WLS(effects.yi, add_constant(sei), weights=1 / effects.vi).fit()
    return EggerResult(
        k,
        float(fit.params[1]),
        float(fit.bse[1]),
        float(fit.tvalues[1]),
        int(fit.df_resid),
        float(fit.pvalues[1]),
        float(fit.params[0]),
    )
