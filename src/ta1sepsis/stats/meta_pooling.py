"""Pooling study effects: common-effect and random-effects meta-analysis.

Formulas follow metafor (Viechtbauer, J Stat Softw 2010;36(3)) and Cochrane's RevMan
(Deeks & Higgins, *Statistical algorithms in Review Manager 5*, 2010), against which the tests
check them:

* Inverse-variance common effect; Cochran's Q, and I^2 = (Q - df)/Q, H^2 = Q/df for a common
  effect model (Higgins & Thompson, Stat Med 2002;21:1539).
* tau^2 estimators (each truncated at 0): DerSimonian-Laird (Control Clin Trials 1986;7:177);
  Hedges (HE, method of moments with unit weights); Paule-Mandel (J Res NBS 1982;87:377), the
  root of the generalised Q = df; Sidik-Jonkman (J R Stat Soc C 2005;54:367-384, with the metafor
  starting value sum((y - mean y)^2)/k); ML and REML as the global maximum of the (restricted)
  likelihood over [0, inf), which is a root of the score equation when it is interior
  (Viechtbauer, J Educ Behav Stat 2005;30:261).
* Random-effects I^2 = tau^2/(tau^2 + s^2) with the typical within-study variance
  s^2 = df * sum(w) / ((sum w)^2 - sum(w^2)); H^2 = (tau^2 + s^2)/s^2 (metafor).
* CI for the mean: Wald (normal); Hartung-Knapp(-Sidik-Jonkman) with t on k-1 df (Hartung &
  Knapp, Stat Med 2001;20:3875); and its ad hoc modification max(1, q) (Knapp & Hartung, Stat
  Med 2003;22:2693; Röver et al., BMC Med Res Methodol 2015;15:99).
* Prediction interval: mu +/- crit * sqrt(tau^2 + SE^2), crit = z for Wald and t(k-1) for
  Hartung-Knapp as metafor's predict() does, or t(k-2) (Higgins, Thompson & Spiegelhalter,
  J R Stat Soc A 2009;172:137), defined only for k >= 3.
* Q-profile CI for tau^2 (Viechtbauer, Stat Med 2007;26:37).
* Mantel-Haenszel RR and OR with Greenland-Robins variances (Greenland & Robins, Biometrics
  1985;41:55; Robins, Breslow & Greenland, Biometrics 1986;42:311); MH risk difference with the
  Sato, Greenland & Robins (Biometrics 1989;45:1323) variance as in metafor, or the
  Greenland-Robins variance as in RevMan; Peto's one-step OR (Yusuf et al., Prog Cardiovasc
  Dis 1985;27:335).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ta1sepsis.stats.binary import z_critical
from ta1sepsis.stats.meta_effects import StudyEffects, study_effects

TAU2_METHODS = ("DL", "HE", "PM", "SJ", "ML", "REML")
CI_METHODS = ("wald", "hk", "hk_adhoc")
PI_METHODS = ("metafor", "higgins")


@dataclass
class MetaResult:
    """A pooled estimate on the analysis scale (log for RR/OR) with its uncertainty.

    Attributes
    ----------
    model : str
        Model label, e.g. ``"common (IV)"``, ``"common (MH)"``, ``"random (REML)"``.
    measure : str
        ``"RR"``, ``"OR"``, ``"RD"``, ``"log ratio"`` or ``"difference"``.
    estimate, se : float
        Pooled effect and its standard error on the analysis scale (natural log scale for
        ratios; difference of proportions, 0-1 scale, for RD).
    lower, upper : float
        Confidence limits at ``level`` on the analysis scale.
    statistic, p_value : float
        Test of no effect: z (Wald) or t on k - 1 df (Hartung-Knapp), and its two-sided P value.
    k : int
        Number of studies.
    q, q_df, q_p : float, int, float
        Cochran's Q, its degrees of freedom and its chi-squared P value.
    i2 : float
        I^2 as a proportion (0-1), not per cent.
    h2 : float
        H^2 (a ratio, >= 1).
    tau2 : float
        Between-study variance (analysis scale squared); 0 for a common-effect model.
    tau2_lower, tau2_upper : float or None
        Q-profile confidence interval for ``tau2`` (random-effects models only).
    ci_method : str
        ``"wald"``, ``"hk"`` or ``"hk_adhoc"``.
    pi_lower, pi_upper : float or None
        Prediction interval on the analysis scale (random-effects models only).
    level : float
        Confidence level (proportion; 0.95 for 95%).
    weights : numpy.ndarray or None
        Study weights as proportions summing to 1 (inverse-variance models only).
    notes : list of str
        Corrections, exclusions and fall-backs applied.

    References
    ----------
    Higgins JPT, Thompson SG. Stat Med 2002;21:1539-1558 (I^2 and H^2).
    """

    model: str  # e.g. "common (IV)", "common (MH)", "random (REML)"
    measure: str
    estimate: float
    se: float
    lower: float
    upper: float
    statistic: float
    p_value: float
    k: int
    q: float
    q_df: int
    q_p: float
    i2: float
    h2: float
    tau2: float = 0.0
    tau2_lower: float | None = None
    tau2_upper: float | None = None
    ci_method: str = "wald"
    pi_lower: float | None = None
    pi_upper: float | None = None
    level: float = 0.95
    weights: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> bool:
        """Whether the measure is a ratio, analysed on the natural log scale."""
        return self.measure in ("RR", "OR", "log ratio")

    def back(self, value: float | None) -> float | None:
        """Back-transform to the reporting scale (exp for ratio measures).

        Parameters
        ----------
        value : float or None
            A value on the analysis scale (natural log scale for ratios).

        Returns
        -------
        float or None
            ``exp(value)`` for ratio measures, ``value`` otherwise; None stays None.
        """
        if value is None:
            return None
        return math.exp(value) if self.ratio else value

    def summary(self) -> dict:
        """Summarise the result on the reporting scale (ratios exponentiated).

        Returns
        -------
        dict
            ``model``, ``measure``, ``ci_method`` and ``k``; ``estimate``, ``lower``, ``upper``,
            ``pi_lower`` and ``pi_upper`` on the reporting scale (ratios for RR and OR, a
            difference of proportions for RD); ``p_value``; ``tau2``, ``tau2_lower`` and
            ``tau2_upper`` (analysis scale squared); ``i2`` (proportion), ``h2``, ``q`` and
            ``q_p``.
        """
        return {
            "model": self.model,
            "measure": self.measure,
            "ci_method": self.ci_method,
            "k": self.k,
            "estimate": self.back(self.estimate),
            "lower": self.back(self.lower),
            "upper": self.back(self.upper),
            "p_value": self.p_value,
            "tau2": self.tau2,
            "tau2_lower": self.tau2_lower,
            "tau2_upper": self.tau2_upper,
            "i2": self.i2,
            "h2": self.h2,
            "q": self.q,
            "q_p": self.q_p,
            "pi_lower": self.back(self.pi_lower),
            "pi_upper": self.back(self.pi_upper),
        }


def _heterogeneity(y: np.ndarray, v: np.ndarray) -> tuple[float, int, float]:
    w = 1 / v
    b = np.sum(w * y) / np.sum(w)
    q = float(np.sum(w * (y - b) ** 2))
    df = len(y) - 1
    return q, df, float(stats.chi2.sf(q, df)) if df > 0 else math.nan


def _common_i2_h2(q: float, df: int) -> tuple[float, float]:
    if df < 1 or q <= 0:
        return 0.0, 1.0 if df >= 1 else math.nan
    return max(0.0, (q - df) / q), q / df


def _common_result(
    model: str,
    measure: str,
    est: float,
    se: float,
    k: int,
    q: float,
    level: float,
    notes: list[str],
    weights: np.ndarray | None = None,
    q_df: int | None = None,
) -> MetaResult:
    """Build a common-effect result: Wald CI and test, heterogeneity from Cochran's ``q``.

    ``q`` is on ``q_df`` degrees of freedom: k - 1 unless some studies do not enter Q.
    """
    df = k - 1 if q_df is None else q_df
    qp = float(stats.chi2.sf(q, df)) if df > 0 else math.nan
    i2, h2 = _common_i2_h2(q, df)
    z = est / se
    half = z_critical(level) * se
    return MetaResult(
        model,
        measure,
        est,
        se,
        est - half,
        est + half,
        z,
        float(2 * stats.norm.sf(abs(z))),
        k,
        q,
        df,
        qp,
        i2,
        h2,
        level=level,
        weights=weights,
        notes=notes,
    )


def common_effect_iv(effects: StudyEffects, level: float = 0.95) -> MetaResult:
    """Pool study effects with the inverse-variance common-effect ("fixed-effect") model.

    The pooled effect is sum(w y) / sum(w) with w = 1/v and SE 1/sqrt(sum w), with a Wald
    (normal) CI and test; heterogeneity is Cochran's Q, with I^2 = (Q - df)/Q and H^2 = Q/df.

    Parameters
    ----------
    effects : StudyEffects
        Study effects ``yi`` and variances ``vi`` (natural log scale for RR and OR), from
        :func:`ta1sepsis.stats.meta_effects.study_effects`.
    level : float
        Confidence level (proportion; 0.95 for 95%).

    Returns
    -------
    MetaResult
        Pooled effect on the analysis scale (``summary()`` gives the reporting scale), with the
        study weights as proportions.

    References
    ----------
    Deeks JJ, Higgins JPT. Statistical algorithms in Review Manager 5, 2010. Cochran WG.
    Biometrics 1954;10:101-129 (Q). Higgins JPT, Thompson SG. Stat Med 2002;21:1539-1558
    (I^2, H^2).

    Examples
    --------
    >>> from ta1sepsis.stats.meta_effects import study_effects
    >>> studies = pd.read_csv("tests/reference/datasets/etass_tests.csv")
    >>> s = common_effect_iv(study_effects(studies, "OR")).summary()
    >>> print(f"OR {s['estimate']:.3f} ({s['lower']:.3f} to {s['upper']:.3f}), I2 {s['i2']:.2f}")
    OR 0.864 (0.681 to 1.095), I2 0.52
    """
    y, v = effects.yi, effects.vi
    w = 1 / v
    b = float(np.sum(w * y) / np.sum(w))
    q, _, _ = _heterogeneity(y, v)
    return _common_result(
        "common (IV)",
        effects.measure,
        b,
        float(1 / math.sqrt(np.sum(w))),
        len(y),
        q,
        level,
        list(effects.notes),
        w / w.sum(),
    )


def _generalised_q(tau2: float, y: np.ndarray, v: np.ndarray) -> float:
    w = 1 / (v + tau2)
    b = np.sum(w * y) / np.sum(w)
    return float(np.sum(w * (y - b) ** 2))


def _upper_bracket(y: np.ndarray, v: np.ndarray) -> float:
    return float(max(10 * np.var(y) + 10 * np.max(v), 1.0)) * 10


def tau2_estimate(y: np.ndarray, v: np.ndarray, method: str = "REML") -> float:
    """Estimate the between-study variance tau^2 by ``method``, truncated at 0.

    Parameters
    ----------
    y : numpy.ndarray
        Study effects on the analysis scale (log RR or log OR, or RD).
    v : numpy.ndarray
        Their sampling variances (analysis scale squared).
    method : {"DL", "HE", "PM", "SJ", "ML", "REML"}
        DerSimonian-Laird, Hedges, Paule-Mandel, Sidik-Jonkman, maximum likelihood or
        restricted maximum likelihood (the module docstring gives the formulas).

    Returns
    -------
    float
        tau^2 on the analysis scale squared (e.g. (log RR)^2); 0 for fewer than two studies.

    References
    ----------
    DerSimonian R, Laird N. Control Clin Trials 1986;7:177-188 (DL). Hedges LV. Psychol Bull
    1983;93:388-395 (HE). Paule RC, Mandel J. J Res Natl Bur Stand 1982;87:377-385 (PM). Sidik K,
    Jonkman JN. J R Stat Soc C 2005;54:367-384 (SJ). Viechtbauer W. J Educ Behav Stat
    2005;30:261-293 (ML, REML).

    Examples
    --------
    >>> from ta1sepsis.stats.meta_effects import study_effects
    >>> eff = study_effects(pd.read_csv("tests/reference/datasets/bcg.csv"), "RR")
    >>> dl, reml = tau2_estimate(eff.yi, eff.vi, "DL"), tau2_estimate(eff.yi, eff.vi, "REML")
    >>> print(f"DL {dl:.4f}, REML {reml:.4f}")
    DL 0.3088, REML 0.3132
    """
    if method not in TAU2_METHODS:
        raise ValueError(f"tau2 method must be one of {TAU2_METHODS}, got {method!r}")
    k = len(y)
    if k < 2:
        return 0.0
    w = 1 / v
    if method == "DL":
        q = _generalised_q(0.0, y, v)
        return max(0.0, (q - (k - 1)) / (w.sum() - np.sum(w**2) / w.sum()))
    if method == "HE":
        return max(0.0, float(np.sum((y - y.mean()) ** 2) / (k - 1) - v.mean()))
    if method == "SJ":
        tau0 = float(np.sum((y - y.mean()) ** 2) / k)
        if tau0 <= 0:
            return 0.0
        ws = 1 / (v + tau0)
        b = np.sum(ws * y) / ws.sum()
        return float(tau0 * np.sum(ws * (y - b) ** 2) / (k - 1))
    upper = _upper_bracket(y, v)
    if method == "PM":
        f = lambda t: _generalised_q(t, y, v) - (k - 1)  # noqa: E731
        if f(0.0) <= 0:
            return 0.0
        while f(upper) > 0:
            upper *= 10
        return float(optimize.brentq(f, 0.0, upper, xtol=1e-14, rtol=1e-14, maxiter=500))
    return _likelihood_maximum(y, v, method == "REML", upper)


def log_likelihood(tau2: float, y: np.ndarray, v: np.ndarray, restricted: bool = True) -> float:
    """Evaluate the (restricted) log-likelihood of the random-effects model at ``tau2``.

    ll_ML = -1/2 sum ln(v_i + tau2) - 1/2 sum (y_i - mu)^2 / (v_i + tau2), with mu the
    weighted mean at tau2; REML adds -1/2 ln sum w_i (Viechtbauer, J Educ Behav Stat
    2005;30:261-293, eqs. 6 and 9). Additive constants are left out.

    Parameters
    ----------
    tau2 : float
        Between-study variance (analysis scale squared), >= 0.
    y : numpy.ndarray
        Study effects on the analysis scale (natural log scale for ratios).
    v : numpy.ndarray
        Their sampling variances.
    restricted : bool
        REML (True) or ML (False) log-likelihood.

    Returns
    -------
    float
        The log-likelihood up to an additive constant.

    References
    ----------
    Viechtbauer W. Bias and efficiency of meta-analytic variance estimators in the
    random-effects model. J Educ Behav Stat 2005;30:261-293, eqs. 6 and 9.

    Examples
    --------
    The REML log-likelihood of the BCG trials is higher at its maximum, tau^2 = 0.3132, than at 0:

    >>> from ta1sepsis.stats.meta_effects import study_effects
    >>> eff = study_effects(pd.read_csv("tests/reference/datasets/bcg.csv"), "RR")
    >>> [round(log_likelihood(tau2, eff.yi, eff.vi), 2) for tau2 in (0.0, 0.3132)]
    [-61.48, -2.46]
    """
    w = 1 / (v + tau2)
    mu = np.sum(w * y) / w.sum()
    ll = -0.5 * np.sum(np.log(v + tau2)) - 0.5 * np.sum(w * (y - mu) ** 2)
    if restricted:
        ll -= 0.5 * math.log(w.sum())
    return float(ll)


def _score(tau2: float, y: np.ndarray, v: np.ndarray, restricted: bool) -> float:
    w = 1 / (v + tau2)
    b = np.sum(w * y) / w.sum()
    score = np.sum(w**2 * (y - b) ** 2) - w.sum()
    if restricted:
        score += np.sum(w**2) / w.sum()
    return float(score)


def _likelihood_maximum(y: np.ndarray, v: np.ndarray, restricted: bool, upper: float) -> float:
    """Global maximiser of the (restricted) likelihood over [0, inf).

    The score can be negative at 0 while the likelihood still has a higher interior maximum
    (it happens with few trials, e.g. early rows of a cumulative analysis), so every sign change
    of the score on a fine log-spaced grid is located and the likelihood compared at each root
    and at 0.
    """
    while _score(upper, y, v, restricted) > 0:
        upper *= 10
    grid = np.r_[0.0, np.geomspace(upper * 1e-10, upper, 400)]
    w = 1 / (v[None, :] + grid[:, None])
    b = (w * y).sum(axis=1) / w.sum(axis=1)
    scores = (w**2 * (y - b[:, None]) ** 2).sum(axis=1) - w.sum(axis=1)
    if restricted:
        scores += (w**2).sum(axis=1) / w.sum(axis=1)
    candidates = [0.0]
    for i in np.nonzero((scores[:-1] > 0) & (scores[1:] <= 0))[0]:
        candidates.append(
            float(
                optimize.brentq(
                    _score,
                    grid[i],
                    grid[i + 1],
                    args=(y, v, restricted),
                    xtol=1e-15,
                    rtol=1e-14,
                    maxiter=500,
                )
            )
        )
    values = [log_likelihood(t, y, v, restricted) for t in candidates]
    return candidates[int(np.argmax(values))]


def tau2_qprofile_ci(y: np.ndarray, v: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Compute the Q-profile confidence interval for tau^2 (Viechtbauer 2007).

    Each limit is the tau^2 at which the generalised Q statistic, sum (y_i - mu)^2 / (v_i + tau^2),
    equals a quantile of the chi-squared distribution on k - 1 df; a limit is 0 when Q at
    tau^2 = 0 is already below its quantile.

    Parameters
    ----------
    y : numpy.ndarray
        Study effects on the analysis scale (natural log scale for ratios).
    v : numpy.ndarray
        Their sampling variances.
    level : float
        Confidence level (proportion; 0.95 for 95%).

    Returns
    -------
    tuple of float
        (lower, upper) on the tau^2 scale (analysis scale squared); (nan, nan) for one study.

    References
    ----------
    Viechtbauer W. Confidence intervals for the amount of heterogeneity in meta-analysis. Stat
    Med 2007;26:37-52.

    Examples
    --------
    >>> from ta1sepsis.stats.meta_effects import study_effects
    >>> eff = study_effects(pd.read_csv("tests/reference/datasets/bcg.csv"), "RR")
    >>> print("{:.4f} to {:.4f}".format(*tau2_qprofile_ci(eff.yi, eff.vi)))
    0.1197 to 1.1115
    """
    k = len(y)
    if k < 2:
        return (math.nan, math.nan)
    df = k - 1
    hi_crit = stats.chi2.ppf(0.5 + level / 2, df)  # for the lower limit
    lo_crit = stats.chi2.ppf(0.5 - level / 2, df)  # for the upper limit
    upper_bracket = _upper_bracket(y, v)

    def solve(crit: float) -> float:
        f = lambda t: _generalised_q(t, y, v) - crit  # noqa: E731
        if f(0.0) <= 0:
            return 0.0
        top = upper_bracket
        while f(top) > 0:
            top *= 10
        return float(optimize.brentq(f, 0.0, top, xtol=1e-14, rtol=1e-14, maxiter=500))

    return solve(hi_crit), solve(lo_crit)


def random_effects(
    effects: StudyEffects,
    method: str = "REML",
    ci: str = "wald",
    level: float = 0.95,
    *,
    pi: str = "metafor",
) -> MetaResult:
    """Pool study effects with a random-effects model.

    tau^2 is estimated by ``method``; the mean is the weighted mean with weights
    1/(v_i + tau^2), with a Wald or a Hartung-Knapp(-Sidik-Jonkman) interval. The Q-profile
    interval for tau^2, I^2 and H^2 from the typical within-study variance, and a prediction
    interval are added (module docstring).

    Parameters
    ----------
    effects : StudyEffects
        Study effects and variances (natural log scale for RR and OR).
    method : {"DL", "HE", "PM", "SJ", "ML", "REML"}
        tau^2 estimator (:func:`tau2_estimate`).
    ci : {"wald", "hk", "hk_adhoc"}
        Interval and test for the mean: normal (Wald), Hartung-Knapp with t on k - 1 df, or
        Hartung-Knapp with the ad hoc modification max(1, q). With one study the Wald interval
        is used and a note says so.
    level : float
        Confidence level (proportion; 0.95 for 95%).
    pi : {"metafor", "higgins"}
        Prediction interval mu +/- crit sqrt(tau^2 + SE^2), with crit that of the CI (z, or t on
        k - 1 df; metafor's ``predict``) or t on k - 2 df (Higgins et al. 2009; k >= 3 only).

    Returns
    -------
    MetaResult
        Pooled mean on the analysis scale, with ``tau2`` and its Q-profile interval, I^2
        (proportion), H^2, the prediction interval and the weights (proportions).

    References
    ----------
    DerSimonian R, Laird N. Control Clin Trials 1986;7:177-188. Hartung J, Knapp G. Stat Med
    2001;20:3875-3889. Knapp G, Hartung J. Stat Med 2003;22:2693-2710. Röver C, Knapp G, Friede
    T. BMC Med Res Methodol 2015;15:99. Higgins JPT, Thompson SG, Spiegelhalter DJ. J R Stat Soc
    A 2009;172:137-159. Viechtbauer W. J Stat Softw 2010;36(3):1-48.

    Examples
    --------
    >>> from ta1sepsis.stats.meta_effects import study_effects
    >>> studies = pd.read_csv("tests/reference/datasets/etass_tests.csv")
    >>> s = random_effects(study_effects(studies, "OR"), "DL").summary()
    >>> print(f"OR {s['estimate']:.3f} ({s['lower']:.3f} to {s['upper']:.3f})")
    OR 0.826 (0.569 to 1.199)
    >>> print(f"tau2 {s['tau2']:.3f}")
    tau2 0.039
    """
    if ci not in CI_METHODS:
        raise ValueError(f"ci must be one of {CI_METHODS}, got {ci!r}")
    if pi not in PI_METHODS:
        raise ValueError(f"pi must be one of {PI_METHODS}, got {pi!r}")
    y, v = effects.yi, effects.vi
    k = len(y)
    tau2 = tau2_estimate(y, v, method)
    w = 1 / (v + tau2)
    b = float(np.sum(w * y) / w.sum())
    se = float(1 / math.sqrt(w.sum()))
    notes = list(effects.notes)
    if ci == "wald" or k < 2:
        if ci != "wald":
            notes.append("Hartung-Knapp needs k >= 2; Wald CI used")
        crit = z_critical(level)
        statistic = b / se
        p = float(2 * stats.norm.sf(abs(statistic)))
        dist = "z"
    else:
        q_hk = float(np.sum(w * (y - b) ** 2) / (k - 1))
        scale = max(1.0, q_hk) if ci == "hk_adhoc" else q_hk
        se = se * math.sqrt(scale)
        crit = float(stats.t.ppf(0.5 + level / 2, k - 1))
        if se > 0:
            statistic = b / se
            p = float(2 * stats.t.sf(abs(statistic), k - 1))
        else:  # identical trials (q = 0): the plain Hartung-Knapp SE is zero
            statistic = p = math.nan
            notes.append(
                "q = 0 (the trials' estimates are identical): the plain Hartung-Knapp interval "
                "has zero width and no test is possible; the max(1, q) variant (hk_adhoc) avoids "
                "this"
            )
        dist = "t"
    q, df, qp = _heterogeneity(y, v)
    if k > 1:
        w0 = 1 / v
        s2 = (k - 1) * w0.sum() / (w0.sum() ** 2 - np.sum(w0**2))
        i2, h2 = tau2 / (tau2 + s2), (tau2 + s2) / s2
    else:
        i2, h2 = 0.0, 1.0  # metafor's convention for a single study
    tau_lo, tau_hi = tau2_qprofile_ci(y, v, level)
    if pi == "higgins":
        if k >= 3:
            pcrit = float(stats.t.ppf(0.5 + level / 2, k - 2))
        else:
            pcrit = None
            notes.append("prediction interval not defined for fewer than 3 studies (t on k-2 df)")
    else:
        pcrit = crit if dist == "t" else z_critical(level)
    half = pcrit * math.sqrt(tau2 + se**2) if pcrit is not None else None
    return MetaResult(
        f"random ({method})",
        effects.measure,
        b,
        se,
        b - crit * se,
        b + crit * se,
        statistic,
        p,
        k,
        q,
        df,
        qp,
        i2,
        h2,
        tau2,
        tau_lo,
        tau_hi,
        ci,
        b - half if half is not None else None,
        b + half if half is not None else None,
        level,
        w / w.sum(),
        notes,
    )


def _mh_tables(studies: pd.DataFrame, measure: str):
    a, n1 = studies["ai"].to_numpy(float), studies["n1i"].to_numpy(float)
    c, n2 = studies["ci"].to_numpy(float), studies["n2i"].to_numpy(float)
    keep = np.ones(len(a), bool)
    notes = []
    if measure in ("RR", "OR"):
        # no events in either arm: no information on a ratio. Every patient with an event: no
        # information on an odds ratio, but a risk ratio of exactly 1 (metafor's rma.mh keeps it)
        both_zero = ((a == 0) & (c == 0)) | (((a == n1) & (c == n2)) if measure == "OR" else False)
        if both_zero.any():
            keep = ~both_zero
            notes.append(
                "double-zero studies carry no information and are excluded: "
                + ", ".join(studies.loc[both_zero, "study"].astype(str))
            )
    return a[keep], n1[keep], c[keep], n2[keep], notes


def mantel_haenszel(
    studies: pd.DataFrame, measure: str = "OR", level: float = 0.95, rd_variance: str = "sato"
) -> MetaResult:
    """Pool 2x2 tables with the Mantel-Haenszel common-effect method.

    No continuity correction enters the pooled estimate. Heterogeneity (Q, I^2) is computed, as
    in metafor and RevMan, from the inverse-variance study effects (with the constant 0.5
    correction where a cell is zero) around the MH estimate.

    Parameters
    ----------
    studies : pandas.DataFrame
        Columns ``study``, ``ai``, ``n1i``, ``ci``, ``n2i`` (events and patients, treatment arm
        then control arm; counts).
    measure : {"OR", "RR", "RD"}
        Odds ratio or risk ratio (estimate on the natural log scale), or risk difference
        (difference of proportions, treatment minus control).
    level : float
        Confidence level (proportion; 0.95 for 95%).
    rd_variance : {"sato", "greenland_robins"}
        Variance of the MH risk difference: Sato, Greenland & Robins (as metafor) or Greenland &
        Robins (as RevMan).

    Returns
    -------
    MetaResult
        Pooled effect on the analysis scale with a Wald CI and test. For RR and OR, studies
        with no events in either arm (and, for OR, with the event in every patient) are left out
        and named in ``notes``.

    Raises
    ------
    ValueError
        For an unknown option, or when the pooled ratio is 0 or infinite (no events in one arm
        of every study).

    References
    ----------
    Mantel N, Haenszel W. J Natl Cancer Inst 1959;22:719-748. Greenland S, Robins JM.
    Biometrics 1985;41:55-68. Robins J, Breslow N, Greenland S. Biometrics 1986;42:311-323.
    Sato T, Greenland S, Robins JM. Biometrics 1989;45:1323-1324. Deeks JJ, Higgins JPT.
    Statistical algorithms in Review Manager 5, 2010.

    Examples
    --------
    >>> studies = pd.read_csv("tests/reference/datasets/etass_tests.csv")
    >>> s = mantel_haenszel(studies, "OR").summary()
    >>> print(f"OR {s['estimate']:.3f} ({s['lower']:.3f} to {s['upper']:.3f})")
    OR 0.864 (0.681 to 1.094)
    """
    if rd_variance not in ("sato", "greenland_robins"):
        raise ValueError("rd_variance must be 'sato' (metafor) or 'greenland_robins' (RevMan)")
    a, n1, c, n2, notes = _mh_tables(studies, measure)
    b, d, n = n1 - a, n2 - c, n1 + n2
    if measure == "OR":
        r, s = np.sum(a * d / n), np.sum(b * c / n)
        if r == 0 or s == 0:
            raise ValueError("Mantel-Haenszel OR is 0 or infinite: no events in one arm overall")
        est = math.log(r / s)
        e = np.sum((a + d) * a * d / n**2)
        f = np.sum(((a + d) * b * c + (b + c) * a * d) / n**2)
        g = np.sum((b + c) * b * c / n**2)
        var = e / (2 * r**2) + f / (2 * r * s) + g / (2 * s**2)
    elif measure == "RR":
        r, s = np.sum(a * n2 / n), np.sum(c * n1 / n)
        if r == 0 or s == 0:
            raise ValueError("Mantel-Haenszel RR is 0 or infinite: no events in one arm overall")
        est = math.log(r / s)
        var = np.sum((n1 * n2 * (a + c) - a * c * n) / n**2) / (r * s)
    elif measure == "RD":
        wsum = np.sum(n1 * n2 / n)
        est = float(np.sum((a * n2 - c * n1) / n) / wsum)
        if rd_variance == "sato":
            p_ = np.sum((n1**2 * c - n2**2 * a + n1 * n2 * (n2 - n1) / 2) / n**2)
            q_ = np.sum((a * (n2 - c) + c * (n1 - a)) / (2 * n))
            var = (est * p_ + q_) / wsum**2
        else:
            var = np.sum((a * b * n2**3 + c * d * n1**3) / (n1 * n2 * n**2)) / wsum**2
    else:
        raise ValueError(f"measure must be RR, OR or RD, got {measure!r}")
    iv = study_effects(studies, measure, "constant", "exclude")
    q = float(np.sum((iv.yi - est) ** 2 / iv.vi))
    variance_name = f", {rd_variance.replace('_', '-')} variance" if measure == "RD" else ""
    return _common_result(
        f"common (MH{variance_name})",
        measure,
        est,
        math.sqrt(var),
        len(a),
        q,
        level,
        notes + [n for n in iv.notes if "continuity" in n],
        q_df=iv.k - 1,
    )


def peto_odds_ratio(studies: pd.DataFrame, level: float = 0.95) -> MetaResult:
    """Pool 2x2 tables with Peto's one-step odds ratio, ln OR = sum(O - E) / sum(V).

    Parameters
    ----------
    studies : pandas.DataFrame
        Columns ``study``, ``ai``, ``n1i``, ``ci``, ``n2i`` (events and patients, treatment arm
        then control arm; counts).
    level : float
        Confidence level (proportion; 0.95 for 95%).

    Returns
    -------
    MetaResult
        Pooled log odds ratio with SE 1/sqrt(sum V), a Wald CI and test, and
        Q = sum((O - E)^2 / V) - (sum(O - E))^2 / sum(V); double-zero studies are left out.

    References
    ----------
    Yusuf S, Peto R, Lewis J, Collins R, Sleight P. Prog Cardiovasc Dis 1985;27:335-371.

    Examples
    --------
    >>> studies = pd.read_csv("tests/reference/datasets/etass_tests.csv")
    >>> s = peto_odds_ratio(studies).summary()
    >>> print(f"OR {s['estimate']:.3f} ({s['lower']:.3f} to {s['upper']:.3f})")
    OR 0.864 (0.682 to 1.094)
    """
    a, n1, c, n2, notes = _mh_tables(studies, "OR")
    n, m1 = n1 + n2, a + c
    o_e = a - n1 * m1 / n
    v = n1 * n2 * m1 * (n - m1) / (n**2 * (n - 1))
    est = float(o_e.sum() / v.sum())
    se = float(1 / math.sqrt(v.sum()))
    q = float(np.sum(o_e**2 / v) - o_e.sum() ** 2 / v.sum())
    return _common_result("common (Peto)", "OR", est, se, len(a), q, level, notes)
