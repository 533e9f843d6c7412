"""Subgroup claims: shrinkage of subgroup effects and the arithmetic of multiplicity.

* Shrunken subgroup estimates (Dixon & Simon, Biometrics 1991;47:871; Spiegelhalter, Abrams &
  Myles 2004, section 6.8.3): with two subgroup log hazard ratios y1, y0 (variances v1, v0),
  the precision-weighted mean m and the interaction d = y1 - y0 are independent. A sceptical
  normal prior N(0, sd^2) on d shrinks it to d* = d sd^2/(sd^2 + v1 + v0) with variance
  sd^2 (v1 + v0)/(sd^2 + v1 + v0); m is left alone (flat prior). The subgroup estimates are
  rebuilt as y1* = m + d* v1/(v1 + v0), y0* = m - d* v0/(v1 + v0).
* Multiplicity simulation: a trial of the given size with no treatment effect and no effect
  modification, K independent binary baseline variables; for each, the test of interaction
  between the treatment log odds ratios in the two subgroups (Woolf variances, 0.5 added to
  every cell of a subgroup table with a zero). Vectorised over trials with numpy, seeded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ta1sepsis.stats.binary import Interval


@dataclass(frozen=True)
class ShrunkSubgroups:
    """Two subgroup ratios after shrinking their interaction.

    Attributes
    ----------
    first, second : Interval
        Subgroup 1 and subgroup 0 (ratio scale).
    interaction : Interval
        Ratio of the two ratios, shrunk.
    shrinkage : float
        Factor applied to the log interaction, sd^2 / (sd^2 + v1 + v0).
    """

    first: Interval  # subgroup 1 (e.g. age < 60), ratio scale
    second: Interval  # subgroup 0
    interaction: Interval  # ratio of the two ratios, shrunk
    shrinkage: float  # factor applied to the log interaction, sd^2 / (sd^2 + v1 + v0)


def _ratio_interval(mean: float, var: float, level: float) -> Interval:
    half = stats.norm.ppf(0.5 + level / 2) * math.sqrt(var)
    return Interval(math.exp(mean), math.exp(mean - half), math.exp(mean + half), level)


def shrink_subgroups(
    y1: float, v1: float, y0: float, v0: float, *, prior_sd: float, level: float = 0.95
) -> ShrunkSubgroups:
    """Shrink two subgroup log ratios towards each other under a sceptical interaction prior.

    Parameters
    ----------
    y1, v1 : float
        Log ratio of subgroup 1 and its variance.
    y0, v0 : float
        Log ratio of subgroup 0 and its variance.
    prior_sd : float
        SD of the normal prior on the log interaction (an assumption).
    level : float
        Level of the returned intervals.

    Returns
    -------
    ShrunkSubgroups

    References
    ----------
    Dixon DO, Simon R. Biometrics 1991;47:871-881; Spiegelhalter DJ, Abrams KR, Myles JP 2004,
    section 6.8.3 (module docstring).

    Examples
    --------
    >>> s = shrink_subgroups(math.log(0.81), 0.0225, math.log(1.67), 0.0577, prior_sd=0.35)
    >>> round(s.first.estimate, 3), round(s.second.estimate, 3), round(s.shrinkage, 3)
    (0.878, 1.359, 0.604)
    """
    if min(v1, v0, prior_sd) <= 0:
        raise ValueError("variances and the prior SD must be positive")
    m = (y1 / v1 + y0 / v0) / (1 / v1 + 1 / v0)
    var_m = 1 / (1 / v1 + 1 / v0)
    d, v_d = y1 - y0, v1 + v0
    k = prior_sd**2 / (prior_sd**2 + v_d)
    d_star, var_d_star = k * d, k * v_d
    a1, a0 = v1 / v_d, v0 / v_d
    return ShrunkSubgroups(
        _ratio_interval(m + a1 * d_star, var_m + a1**2 * var_d_star, level),
        _ratio_interval(m - a0 * d_star, var_m + a0**2 * var_d_star, level),
        _ratio_interval(d_star, var_d_star, level),
        k,
    )


def interaction_p_values(
    n_trt: int,
    n_ctl: int,
    risk: float,
    prevalences: np.ndarray,
    *,
    n_sim: int = 2000,
    seed: int = 20250115,
    batch: int = 250,
) -> np.ndarray:
    """P values (n_sim x K) of the interaction tests in trials with no effect modification.

    Parameters
    ----------
    n_trt, n_ctl : int
        Patients per arm of each simulated trial.
    risk : float
        Event risk in both arms (no treatment effect), in (0, 1).
    prevalences : array-like
        Prevalence of each of the K binary baseline variables, in (0, 1).
    n_sim : int
        Simulated trials.
    seed : int
        Seed of numpy's default generator (the result is reproducible).
    batch : int
        Trials simulated at once (memory).

    Returns
    -------
    numpy.ndarray
        Two-sided P of each interaction test, shape (n_sim, K).

    References
    ----------
    Woolf's test of the difference of two log odds ratios (Altman & Bland, BMJ 2003;326:219);
    Brookes ST, et al. J Clin Epidemiol 2004;57:229-236 on false-positive subgroup effects.

    Examples
    --------
    >>> interaction_p_values(100, 100, 0.3, [0.5, 0.3], n_sim=200, seed=1).shape
    (200, 2)
    """
    if not 0 < risk < 1:
        raise ValueError(f"the event risk must lie in (0, 1), got {risk}")
    prevalences = np.asarray(prevalences, float)
    if np.any(prevalences <= 0) or np.any(prevalences >= 1):
        raise ValueError("subgroup prevalences must lie in (0, 1)")
    rng = np.random.default_rng(seed)
    n = n_trt + n_ctl
    treated = np.r_[np.ones(n_trt), np.zeros(n_ctl)].astype(np.float32)
    out = np.empty((n_sim, len(prevalences)))
    for start in range(0, n_sim, batch):
        size = min(batch, n_sim - start)
        events = (rng.random((size, n)) < risk).astype(np.float32)
        member = (rng.random((size, n, len(prevalences))) < prevalences).astype(np.float32)
        cells = {}
        for arm, weight in (("t", treated), ("c", 1 - treated)):
            ev = events * weight  # events in this arm
            tot = np.broadcast_to(weight, (size, n))
            for g, mask in (("1", member), ("0", 1 - member)):
                e = np.einsum("sn,snk->sk", ev, mask)
                t = np.einsum("sn,snk->sk", tot, mask)
                cells[arm + g] = (e, t - e)
        log_or, var = [], []
        for g in ("1", "0"):
            a, b = cells["t" + g]
            c, d = cells["c" + g]
            zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
            a, b, c, d = (x + 0.5 * zero for x in (a, b, c, d))
            log_or.append(np.log(a * d / (b * c)))
            var.append(1 / a + 1 / b + 1 / c + 1 / d)
        z = (log_or[0] - log_or[1]) / np.sqrt(var[0] + var[1])
        out[start : start + size] = 2 * stats.norm.sf(np.abs(z))
    return out


def multiplicity_rates(p_values: np.ndarray, alpha: float = 0.05) -> dict:
    """Share of simulated trials with at least one / at least two interactions below alpha.

    Parameters
    ----------
    p_values : numpy.ndarray
        (n_sim, K) P values (:func:`interaction_p_values`).
    alpha : float
        Significance level.

    Returns
    -------
    dict
        ``k``, ``at_least_one``, ``at_least_two`` and their binomial Monte Carlo SEs.

    References
    ----------
    Monte Carlo SE of a proportion, sqrt(p (1 - p) / n) (Morris TP, White IR, Crowther MJ. Stat
    Med 2019;38:2074-2102).

    Examples
    --------
    >>> r = multiplicity_rates(np.array([[0.01, 0.2], [0.3, 0.4], [0.02, 0.03], [0.5, 0.6]]))
    >>> r["at_least_one"], r["at_least_two"], r["at_least_one_se"]
    (0.5, 0.25, 0.25)
    """
    hits = (p_values < alpha).sum(axis=1)
    n = len(hits)
    at_least_one, at_least_two = float(np.mean(hits >= 1)), float(np.mean(hits >= 2))
    return {
        "k": p_values.shape[1],
        "at_least_one": at_least_one,
        "at_least_one_se": math.sqrt(at_least_one * (1 - at_least_one) / n),
        "at_least_two": at_least_two,
        "at_least_two_se": math.sqrt(at_least_two * (1 - at_least_two) / n),
    }
