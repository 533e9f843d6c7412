"""Power and sample size for comparing two proportions (two-sided test, normal approximation).

Two variance conventions are offered, because published sample-size statements use either:

* ``"unpooled"``: n per arm = (z_{1-a/2} + z_{1-b})^2 [p1(1-p1) + p2(1-p2)] / (p1 - p2)^2
  (Chow, Shao & Wang, *Sample Size Calculations in Clinical Research*, 2nd ed. 2008, §4.2).
* ``"pooled"``: the null variance uses the average proportion pbar:
  n per arm = [z_{1-a/2} sqrt(2 pbar qbar) + z_{1-b} sqrt(p1 q1 + p2 q2)]^2 / (p1 - p2)^2
  (Fleiss, Levin & Paik, *Statistical Methods for Rates and Proportions*, 3rd ed. 2003, eq.
  4.14 without continuity correction; the formula of R's ``power.prop.test``).

Power is the probability of rejecting in the direction of the true difference (the far tail,
below 1e-6 for any realistic design, is ignored, as in ``power.prop.test(strict = FALSE)``).
"""

from __future__ import annotations

import math

from scipy import stats

VARIANCES = ("unpooled", "pooled")


def _check(p1: float, p2: float, alpha: float) -> None:
    for name, p in (("p1", p1), ("p2", p2)):
        if not 0 < p < 1:
            raise ValueError(f"{name} must lie strictly between 0 and 1, got {p}")
    if p1 == p2:
        raise ValueError("p1 and p2 are equal: no sample size detects a zero difference")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha}")


def power_two_proportions(
    p1: float, p2: float, n1: float, n2: float, *, alpha: float = 0.05, variance: str = "unpooled"
) -> float:
    """Power of a two-sided level-``alpha`` test with ``n1`` and ``n2`` patients per arm.

    Parameters
    ----------
    p1, p2 : float
        The two risks (proportions).
    n1, n2 : float
        Patients per arm.
    alpha : float
        Two-sided significance level.
    variance : {"unpooled", "pooled"}
        Variance under the null hypothesis.

    Returns
    -------
    float
        Power (the far tail ignored).

    Examples
    --------
    >>> round(power_two_proportions(0.35, 0.26, 181, 180), 3)
    0.463
    """
    _check(p1, p2, alpha)
    if variance not in VARIANCES:
        raise ValueError(f"variance must be one of {VARIANCES}, got {variance!r}")
    if n1 <= 0 or n2 <= 0:
        raise ValueError("arm sizes must be positive")
    z_a = stats.norm.ppf(1 - alpha / 2)
    sd_alt = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    if variance == "unpooled":
        sd_null = sd_alt
    else:
        pbar = (n1 * p1 + n2 * p2) / (n1 + n2)
        sd_null = math.sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n2))
    return float(stats.norm.cdf((abs(p1 - p2) - z_a * sd_null) / sd_alt))


def sample_size_two_proportions(
    p1: float, p2: float, alpha: float = 0.05, power: float = 0.8, *, variance: str = "unpooled"
) -> float:
    """Patients per arm (not rounded) for 1:1 allocation; round up for the design.

    Parameters
    ----------
    p1, p2 : float
        The two risks (proportions).
    alpha : float
        Two-sided significance level.
    power : float
        Target power.
    variance : {"unpooled", "pooled"}
        Variance under the null hypothesis (unpooled: Fleiss, *Statistical Methods for Rates
        and Proportions*, 3rd ed. 2003, ch. 4, without continuity correction).

    Returns
    -------
    float

    Examples
    --------
    >>> round(float(sample_size_two_proportions(0.35, 0.26)), 1)
    406.9
    """
    _check(p1, p2, alpha)
    if not 0 < power < 1:
        raise ValueError(f"power must lie strictly between 0 and 1, got {power}")
    if variance not in VARIANCES:
        raise ValueError(f"variance must be one of {VARIANCES}, got {variance!r}")
    z_a, z_b = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    spread = p1 * (1 - p1) + p2 * (1 - p2)
    delta2 = (p1 - p2) ** 2
    if variance == "unpooled":
        return (z_a + z_b) ** 2 * spread / delta2
    pbar = (p1 + p2) / 2
    return (z_a * math.sqrt(2 * pbar * (1 - pbar)) + z_b * math.sqrt(spread)) ** 2 / delta2
