"""Designing an enriched trial: from a hazard ratio and a control risk to patients and screening.

* A 28-day hazard ratio becomes a treatment-arm risk under proportional hazards:
  1 - p_T = (1 - p_C)^HR (Collett, *Modelling Survival Data in Medical Research*, 3rd ed. 2015,
  ch. 3), so the design can use the two-proportion sample size of
  :mod:`ta1sepsis.stats.sample_size` (unpooled variance, as the ETASS plan did).
* A group-sequential version with Lan-DeMets O'Brien-Fleming efficacy boundaries (and optional
  beta-spending futility) needs the fixed sample size times the inflation factor; its expected
  sample size under no effect and under the design effect follows from the stopping
  probabilities (:mod:`ta1sepsis.stats.group_sequential`).
* Screening burden: patients screened per patient enrolled = 1 / (prevalence x eligible share).
* Assurance: the probability of a significant result in favour of treatment when the true
  hazard ratio is drawn from a distribution (the current posterior) rather than fixed at the
  design value (O'Hagan, Stevens & Campbell 2005).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import stats

from ta1sepsis.stats.absolute import treatment_risk
from ta1sepsis.stats.group_sequential import (
    design_with_futility,
    drift_for_power,
    efficacy_boundaries,
    operating_characteristics,
)
from ta1sepsis.stats.sample_size import power_two_proportions, sample_size_two_proportions


@dataclass(frozen=True)
class TrialDesign:
    """Sizes of one fixed and one group-sequential design.

    Attributes
    ----------
    control_risk, treatment_risk : float
        28-day risks (proportions) in the two arms.
    hazard_ratio : float
        The design hazard ratio.
    n_fixed, n_max : int
        Total patients (both arms, even) of the fixed design and the group-sequential maximum.
    expected_n_null, expected_n_alternative : float
        Expected total size of the group-sequential design with no effect and at the design
        effect.
    inflation : float
        n_max / n_fixed before rounding (the group-sequential inflation factor).
    """

    control_risk: float
    hazard_ratio: float
    treatment_risk: float
    n_fixed: int  # total, both arms, rounded up to even
    n_max: int  # group-sequential maximum
    expected_n_null: float
    expected_n_alternative: float
    inflation: float


def design_trial(
    control_risk: float,
    hazard_ratio: float,
    alpha: float = 0.05,
    power: float = 0.8,
    *,
    fractions=(1 / 3, 2 / 3, 1.0),
    futility: bool = False,
) -> TrialDesign:
    """Fixed and group-sequential sample sizes for a 1:1 trial with a binary 28-day outcome.

    Parameters
    ----------
    control_risk : float
        28-day control risk (proportion).
    hazard_ratio : float
        Design hazard ratio, turned into a treatment risk under proportional hazards.
    alpha : float
        Two-sided significance level.
    power : float
        Target power.
    fractions : sequence of float
        Information fractions of the analyses, increasing, the last 1.
    futility : bool
        Non-binding beta-spending futility boundaries.

    Returns
    -------
    TrialDesign

    References
    ----------
    Unpooled two-proportion sample size (:func:`sample_size_two_proportions`); Lan-DeMets
    O'Brien-Fleming boundaries (:mod:`ta1sepsis.stats.group_sequential`).

    Examples
    --------
    >>> d = design_trial(0.24, 0.85, fractions=(0.5, 1.0))
    >>> d.n_fixed, d.n_max, round(d.treatment_risk, 4)
    (5344, 5364, 0.2081)
    """
    if math.isclose(hazard_ratio, 1.0):
        raise ValueError("a hazard ratio of 1 needs an infinite sample size")
    p_t = float(treatment_risk(control_risk, hazard_ratio, "HR"))
    per_arm = sample_size_two_proportions(control_risk, p_t, alpha, power, variance="unpooled")
    inflation, fraction_null, fraction_alt = _sequential(tuple(fractions), alpha, power, futility)
    n_max = 2 * math.ceil(per_arm * inflation)
    return TrialDesign(
        control_risk,
        hazard_ratio,
        p_t,
        2 * math.ceil(per_arm),
        n_max,
        n_max * fraction_null,
        n_max * fraction_alt,
        inflation,
    )


@lru_cache(maxsize=32)
def _sequential(fractions: tuple, alpha: float, power: float, futility: bool) -> tuple:
    """Inflation factor and expected information fractions under no effect and under the
    design effect; they depend only on the looks, alpha, power and futility, so are cached.
    """
    if futility:
        d = design_with_futility(fractions, alpha / 2, 1 - power)
        efficacy, lower, drift, inflation = d.efficacy, d.futility, d.drift, d.inflation
    else:
        efficacy = efficacy_boundaries(fractions, alpha / 2)
        lower = None
        drift = drift_for_power(fractions, efficacy, power)
        inflation = (drift / (stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power))) ** 2
    h0 = operating_characteristics(fractions, efficacy, 0.0, lower)
    h1 = operating_characteristics(fractions, efficacy, drift, lower)
    return inflation, h0.expected_fraction, h1.expected_fraction


def power_at(control_risk: float, hazard_ratio: float, n_total: int, alpha: float = 0.05) -> float:
    """Power of a fixed 1:1 design with ``n_total`` patients if the true HR is ``hazard_ratio``.

    Parameters
    ----------
    control_risk : float
        28-day control risk (proportion).
    hazard_ratio : float
        The true hazard ratio.
    n_total : int
        Patients in both arms.
    alpha : float
        Two-sided significance level.

    Returns
    -------
    float
        Two-sided power (a significant result in either direction counts;
        :func:`power_for_benefit` counts only benefit).

    Examples
    --------
    >>> round(power_at(0.24, 0.85, 5314), 3)
    0.798
    """
    p_t = float(treatment_risk(control_risk, hazard_ratio, "HR"))
    if math.isclose(p_t, control_risk):
        return alpha / 2
    return power_two_proportions(
        control_risk, p_t, n_total / 2, n_total / 2, alpha=alpha, variance="unpooled"
    )


def screened_per_enrolled(prevalence: float, eligible_share: float = 1.0) -> float:
    """Patients screened per patient enrolled: 1 / (prevalence x eligible share).

    Parameters
    ----------
    prevalence : float
        Share of screened patients in the target population, in (0, 1].
    eligible_share : float
        Share of those who are eligible and consent, in (0, 1].

    Returns
    -------
    float

    Examples
    --------
    >>> screened_per_enrolled(0.5, 0.8)
    2.5
    """
    if not 0 < prevalence <= 1 or not 0 < eligible_share <= 1:
        raise ValueError("prevalence and eligible share must lie in (0, 1]")
    return 1 / (prevalence * eligible_share)


def power_for_benefit(
    control_risk: float, hazard_ratio, n_total: int, alpha: float = 0.05
) -> np.ndarray:
    """Probability that a fixed 1:1 trial shows a significant benefit (two-sided level
    ``alpha``, unpooled variance) if the true hazard ratio is ``hazard_ratio``.

    Unlike :func:`power_at`, a significant result in the harmful direction does not count.

    Parameters
    ----------
    control_risk : float
        28-day risk in the control arm (proportion).
    hazard_ratio : float or array-like
        True hazard ratio(s) (treatment / control), turned into a treatment-arm risk under
        proportional hazards.
    n_total : int
        Patients in both arms.
    alpha : float
        Two-sided significance level.

    Returns
    -------
    numpy.ndarray
        One probability per hazard ratio.

    Examples
    --------
    >>> round(float(power_for_benefit(0.24, 0.85, 4000)), 3)
    0.679
    """
    hr = np.asarray(hazard_ratio, float)
    p_c = control_risk
    p_t = 1 - (1 - p_c) ** hr
    n = n_total / 2
    sd = np.sqrt(p_c * (1 - p_c) / n + p_t * (1 - p_t) / n)
    return stats.norm.cdf((p_c - p_t) / sd - stats.norm.ppf(1 - alpha / 2))


def assurance(
    control_risk: float,
    n_total: int,
    *,
    log_hr_mean: float,
    log_hr_sd: float,
    alpha: float = 0.05,
    nodes: int = 64,
) -> float:
    """Probability of a significant benefit when the true log hazard ratio is drawn from a
    normal distribution (the current posterior), not fixed at the design value.

    Parameters
    ----------
    control_risk : float
        28-day control risk (proportion).
    n_total : int
        Patients in both arms.
    log_hr_mean, log_hr_sd : float
        Mean and SD of the distribution of the true log hazard ratio (natural log).
    alpha : float
        Two-sided significance level.
    nodes : int
        Gauss-Hermite quadrature nodes.

    Returns
    -------
    float
        E[power_for_benefit(exp(theta))], theta ~ N(mean, sd^2).

    References
    ----------
    O'Hagan A, Stevens JW, Campbell MJ. Assurance in clinical trial design. Pharm Stat
    2005;4(3):187-201 (doi 10.1002/pst.175): assurance is the power averaged over the prior
    (here the posterior) of the effect.

    Examples
    --------
    With a near-zero SD, assurance is the power at the mean:

    >>> a = assurance(0.24, 4000, log_hr_mean=math.log(0.85), log_hr_sd=1e-9)
    >>> round(a, 3)
    0.679
    """
    if log_hr_sd < 0 or not math.isfinite(log_hr_sd):
        raise ValueError(f"log_hr_sd must be a finite non-negative number, got {log_hr_sd}")
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    theta = log_hr_mean + log_hr_sd * x
    return float(
        np.sum(w * power_for_benefit(control_risk, np.exp(theta), n_total, alpha)) / np.sum(w)
    )
