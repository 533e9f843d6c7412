"""Pooling study effects: common-effect and random-effects meta-analysis.

Formulas follow metafor (Viechtbauer, J Stat Softw 2010;36(3)) and Cochrane's RevMan
(Deeks & Higgins, *Statistical algorithms in Review Manager 5*, 2010), against which the tests
check them:

* Inverse-variance common effect; Cochran's Q, and I^2 = (Q - df)/Q, H^2 = Q/df for a common
  effect model (Higgins & Thompson, Stat Med 2002;21:1539).
* tau^2 estimators (each truncated at 0): DerSimonian-Laird (Control Clin Trials 1986;7:177);
  Hedges (HE, method of moments with unit weights); Paule-Mandel (J Res NBS 1982;87:377), the
  root of the generalised Q = df; Sidik-Jonkman (Stat Med 2005;24:3231, with the metafor
  starting value sum((y - mean y)^2)/k); ML and REML as roots of their score equations
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

from .binary import z_critical
from .meta_effects import StudyEffects, study_effects

TAU2_METHODS = ("DL", "HE", "PM", "SJ", "ML", "REML")
CI_METHODS = ("wald", "hk", "hk_adhoc")
PI_METHODS = ("metafor", "higgins")


@dataclass
class MetaResult:
    """A pooled estimate on the analysis scale (log for RR/OR) with its uncertainty."""

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
        return self.measure in ("RR", "OR", "log ratio")

    def back(self, value: float | None) -> float | None:
        """Back-transform to the reporting scale (exp for ratio measures)."""
        if value is None:
            return None
        return math.exp(value) if self.ratio else value

    def summary(self) -> dict:
        """Reporting-scale summary (ratios exponentiated; weights in per cent)."""
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
    """A common-effect result: Wald CI and test, and heterogeneity from Cochran's ``q`` (on
    ``q_df`` degrees of freedom: k - 1 unless some studies do not enter Q)."""
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
    """Inverse-variance common-effect ("fixed-effect") model."""
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
    """Between-study variance by ``method`` (see the module docstring), truncated at 0."""
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
    """(Restricted) log-likelihood of the random-effects model at ``tau2``, up to a constant.

    ll_ML = -1/2 sum ln(v_i + tau2) - 1/2 sum (y_i - mu)^2 / (v_i + tau2), with mu the
    weighted mean at tau2; REML adds -1/2 ln sum w_i (Viechtbauer, J Educ Behav Stat
    2005;30:261-293, eqs. 6 and 9).
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
    """Q-profile confidence interval for tau^2 (Viechtbauer 2007)."""
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
    pi: str = "metafor",
) -> MetaResult:
    """Random-effects model with ``method`` for tau^2 and ``ci`` for the mean's interval."""
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
        statistic = b / se
        p = float(2 * stats.t.sf(abs(statistic), k - 1))
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
    """Mantel-Haenszel common effect (no continuity correction in the pooled estimate).

    Heterogeneity (Q, I^2) is computed, as in metafor and RevMan, from the inverse-variance
    study effects (with the constant 0.5 correction where a cell is zero) around the MH
    estimate.
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
    """Peto's one-step odds ratio: ln OR = sum(O - E) / sum(V)."""
    a, n1, c, n2, notes = _mh_tables(studies, "OR")
    n, m1 = n1 + n2, a + c
    o_e = a - n1 * m1 / n
    v = n1 * n2 * m1 * (n - m1) / (n**2 * (n - 1))
    est = float(o_e.sum() / v.sum())
    se = float(1 / math.sqrt(v.sum()))
    q = float(np.sum(o_e**2 / v) - o_e.sum() ** 2 / v.sum())
    return _common_result("common (Peto)", "OR", est, se, len(a), q, level, notes)
