"""Working backwards from a published estimate and its confidence interval.

* Standard error and P value from a CI: Altman & Bland, "How to obtain the P value from a
  confidence interval", BMJ 2011;343:d2304. For ratios (RR, OR, HR) the arithmetic is on the log
  scale: SE = (ln U - ln L) / (2 z), z = ln(estimate) / SE. The P value here uses the exact
  normal tail, 2 * (1 - Phi(|z|)), rather than the paper's closed-form approximation.
* Test of interaction between two independent estimates: Altman & Bland, "Interaction
  revisited: the difference between two estimates", BMJ 2003;326:219. The difference of the
  log ratios d = ln E1 - ln E2 has SE = sqrt(SE1^2 + SE2^2); the ratio of ratios is exp(d) and
  z = d / SE(d). For differences (MD, RD) the same holds on the natural scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from ta1sepsis.stats.binary import Interval, z_critical


@dataclass(frozen=True)
class Recovered:
    """What a published estimate and CI imply on the analysis scale.

    Attributes
    ----------
    log_estimate : float
        ln(estimate) for ratios, the estimate itself for differences.
    se : float
        Standard error on that scale.
    z, p_value : float
        The implied z statistic and two-sided P value.
    centre : float
        The interval's centre back on the reported scale (geometric mean for ratios).
    """

    log_estimate: float  # ln(estimate) for ratios, the estimate itself for differences
    se: float
    z: float
    p_value: float
    centre: float  # the CI's centre back on the reported scale (geometric mean for ratios)


def recover(
    estimate: float, lower: float, upper: float, level: float = 0.95, *, ratio: bool = True
) -> Recovered:
    """SE, z and two-sided P value implied by ``estimate`` (``lower`` to ``upper``).

    Parameters
    ----------
    estimate, lower, upper : float
        The published estimate and interval.
    level : float
        Level of the published interval.
    ratio : bool
        True for RR/OR/HR (log scale), False for differences.

    Returns
    -------
    Recovered

    References
    ----------
    Altman DG, Bland JM. How to obtain the P value from a confidence interval. BMJ
    2011;343:d2304 (exact normal tail instead of its approximation).

    Examples
    --------
    >>> r = recover(0.86, 0.68, 1.08)
    >>> round(r.se, 4), round(r.p_value, 3)
    (0.118, 0.201)
    """
    if lower > upper:
        raise ValueError(f"CI lower limit {lower} exceeds upper limit {upper}")
    if ratio:
        if min(estimate, lower, upper) <= 0:
            raise ValueError("ratio estimates and CI limits must be positive")
        point, lo, hi = math.log(estimate), math.log(lower), math.log(upper)
    else:
        point, lo, hi = estimate, lower, upper
    se = (hi - lo) / (2 * z_critical(level))
    if se <= 0:
        raise ValueError("the CI has zero width, so no standard error can be recovered")
    z = point / se
    p = 2 * stats.norm.sf(abs(z))
    centre = (lo + hi) / 2
    return Recovered(point, se, z, float(p), math.exp(centre) if ratio else centre)


@dataclass(frozen=True)
class Interaction:
    """Difference between two subgroup estimates (ratio of ratios for ratio measures).

    Attributes
    ----------
    ratio_or_difference : Interval
        exp(d) for ratios (d the difference of the log estimates), d for differences.
    z, p_value : float
        The test of no interaction.
    """

    ratio_or_difference: Interval
    z: float
    p_value: float


def interaction_test(
    first: tuple[float, float, float],
    second: tuple[float, float, float],
    level: float = 0.95,
    ratio: bool = True,
    *,
    source_levels: tuple[float, float] | None = None,
) -> Interaction:
    """Altman & Bland (2003) test comparing two independent (estimate, lower, upper) triples.

    Parameters
    ----------
    first, second : (float, float, float)
        The two estimates with their intervals.
    level : float
        Level of the returned interval (and of the inputs unless ``source_levels`` is given).
    ratio : bool
        Ratios (log scale) or differences.
    source_levels : (float, float), optional
        Levels of the two published intervals.

    Returns
    -------
    Interaction

    References
    ----------
    Altman DG, Bland JM. Interaction revisited: the difference between two estimates. BMJ
    2003;326:219.

    Examples
    --------
    >>> i = interaction_test((1.67, 1.04, 2.67), (0.81, 0.61, 1.09))
    >>> round(i.ratio_or_difference.estimate, 3), round(i.p_value, 4)
    (2.062, 0.0104)
    """
    first_level, second_level = source_levels or (level, level)
    a = recover(*first, level=first_level, ratio=ratio)
    b = recover(*second, level=second_level, ratio=ratio)
    diff = a.log_estimate - b.log_estimate
    se = math.hypot(a.se, b.se)
    z = diff / se
    half = z_critical(level) * se
    if ratio:
        interval = Interval(math.exp(diff), math.exp(diff - half), math.exp(diff + half), level)
    else:
        interval = Interval(diff, diff - half, diff + half, level)
    return Interaction(interval, z, float(2 * stats.norm.sf(abs(z))))


def _printed_box(texts) -> list[tuple[float, float]]:
    """Each printed number stands for [value - half unit, value + half unit] of its last digit."""
    from ta1sepsis.data.printed import decimals

    return [
        (float(t) - 0.5 * 10.0 ** -decimals(t), float(t) + 0.5 * 10.0 ** -decimals(t))
        for t in texts
    ]


def _consistent(est: float, lo: float, hi: float, ratio: bool) -> bool:
    return lo < hi and lo <= est <= hi and (not ratio or lo > 0)


def p_value_range_from_printed(
    estimate_text: str, lower_text: str, upper_text: str, level: float = 0.95, *, ratio: bool = True
) -> tuple[float, float]:
    """Smallest and largest P values that the *printed* (rounded) estimate and CI allow.

    Each printed number stands for an interval of half a unit in its last digit (0.2 for any
    value in [0.15, 0.25]). The implied z = estimate / SE is monotone in each input, so its
    extremes lie at the corners of that box; the P values at the extreme |z| bound every P the
    unrounded numbers could have given. A published P inside the range agrees with its CI.

    Parameters
    ----------
    estimate_text, lower_text, upper_text : str
        The numbers as printed (their decimals define the rounding).
    level : float
        Level of the printed interval.
    ratio : bool
        Ratios (log scale) or differences.

    Returns
    -------
    (float, float)
        The smallest and largest P.

    References
    ----------
    Altman DG, Bland JM. BMJ 2011;343:d2304 (applied at each corner of the rounding box).

    Examples
    --------
    >>> [round(p, 4) for p in p_value_range_from_printed("0.74", "0.54", "1.02")]
    [0.0523, 0.0759]
    """
    from itertools import product

    ps = [
        recover(est, lo, hi, level, ratio=ratio).p_value
        for est, lo, hi in product(*_printed_box((estimate_text, lower_text, upper_text)))
        if _consistent(est, lo, hi, ratio)
    ]
    if not ps:
        raise ValueError(f"no consistent corner for {estimate_text} ({lower_text}, {upper_text})")
    return min(ps), max(ps)


def interaction_p_range_from_printed(
    first: tuple[str, str, str],
    second: tuple[str, str, str],
    level: float = 0.95,
    ratio: bool = True,
) -> tuple[float, float]:
    """Range of the Altman-Bland interaction P that two printed (estimate, lower, upper)
    triples allow, by the same corner argument as :func:`p_value_range_from_printed`.

    Parameters
    ----------
    first, second : (str, str, str)
        The two printed triples.
    level : float
        Level of the printed intervals.
    ratio : bool
        Ratios or differences.

    Returns
    -------
    (float, float)

    References
    ----------
    Altman DG, Bland JM. BMJ 2003;326:219.

    Examples
    --------
    >>> lo, hi = interaction_p_range_from_printed(("1.67", "1.04", "2.67"), ("0.81", "0.61", "1.09"))
    >>> round(lo, 4), round(hi, 4)
    (0.0087, 0.0124)
    """
    from itertools import product

    ps = []
    for corner in product(*_printed_box((*first, *second))):
        a, b = corner[:3], corner[3:]
        if _consistent(*a, ratio) and _consistent(*b, ratio):
            ps.append(interaction_test(a, b, level, ratio).p_value)
    if not ps:
        raise ValueError("no consistent corner for the printed estimates")
    return min(ps), max(ps)


def ratio_interval_problems(
    estimate: float,
    lower: float,
    upper: float,
    level: float,
    *,
    expected_se: float,
    se_tolerance: float = 0.15,
    centre_tolerance: float = 0.03,
) -> list[str]:
    """Ways in which a printed ratio and interval cannot be right; empty if none.

    Two checks: (1) the SE the interval implies differs from the SE the data allow
    (``expected_se``, e.g. from the number of deaths) by more than ``se_tolerance`` (relative);
    (2) the interval's centre on the log scale, ln sqrt(lower * upper), is further than
    ``centre_tolerance`` from ln(estimate) — a log-scale Wald interval is symmetric about its
    estimate (Altman & Bland, BMJ 2011). The default tolerances are generous: rounding of a
    two-decimal ratio moves the centre by under 0.01 and a Cox model's SE rarely differs from
    sqrt(1/d1 + 1/d2) by more than a few per cent.

    Parameters
    ----------
    estimate, lower, upper : float
        The printed ratio and interval.
    level : float
        Level of the interval.
    expected_se : float
        The SE of the log ratio the data allow.
    se_tolerance, centre_tolerance : float
        Relative SE tolerance, and log-scale centring tolerance.

    Returns
    -------
    list of str

    References
    ----------
    Altman DG, Bland JM. BMJ 2011;343:d2304.

    Examples
    --------
    >>> ratio_interval_problems(0.99, 0.77, 1.27, 0.95, expected_se=0.1243)
    []
    >>> ratio_interval_problems(0.99, 0.7, 1.6, 0.95, expected_se=0.1243)[0]
    'interval too wide for the data (SE ratio 1.70)'
    """
    rec = recover(estimate, lower, upper, level)
    problems = []
    ratio = rec.se / expected_se
    if ratio < 1 - se_tolerance:
        problems.append(f"interval too narrow for the data (SE ratio {ratio:.2f})")
    elif ratio > 1 + se_tolerance:
        problems.append(f"interval too wide for the data (SE ratio {ratio:.2f})")
    shift = abs(math.log(rec.centre) - math.log(estimate))
    if shift > centre_tolerance:
        problems.append(f"interval not centred on its estimate (centre {rec.centre:.3f})")
    return problems


@dataclass(frozen=True)
class Remainder:
    """What is left of a pooled estimate once a subset of its trials is taken out.

    Attributes
    ----------
    interval : Interval
        The remaining trials' pooled estimate with its interval.
    log_estimate, se : float
        The same on the analysis scale.
    weight_share : float
        Share of the total's information that the remainder carries.
    """

    interval: Interval
    log_estimate: float
    se: float
    weight_share: float  # share of the total's information that the remainder carries


def remaining_after_removing(
    total: tuple[float, float, float],
    part: tuple[float, float, float],
    level: float = 0.95,
    ratio: bool = True,
) -> Remainder:
    """Inverse-variance back-calculation of the trials outside ``part``.

    If the pooled ``total`` were an inverse-variance (common-effect) combination of ``part`` and
    the remaining trials, then w_total = w_part + w_rest with w = 1/SE^2, and
    y_rest = (w_total y_total - w_part y_part) / w_rest, SE_rest = 1/sqrt(w_rest). This is exact
    for a common-effect pool of disjoint subsets and an approximation otherwise (random-effects
    weights are not additive); the notebooks say so wherever they use it.

    Parameters
    ----------
    total, part : (float, float, float)
        The pooled estimate of all trials and of the subset, with their intervals.
    level : float
        Level of both intervals and of the result.
    ratio : bool
        Ratios or differences.

    Returns
    -------
    Remainder

    References
    ----------
    Inverse-variance weights (Deeks JJ, Higgins JPT. Statistical algorithms in Review Manager 5,
    2010), with SEs recovered from the CIs (Altman & Bland, BMJ 2011;343:d2304).

    Examples
    --------
    >>> m = remaining_after_removing((0.73, 0.59, 0.90), (0.86, 0.68, 1.08))
    >>> round(m.interval.estimate, 3), round(m.interval.lower, 3), round(m.weight_share, 3)
    (0.322, 0.192, 0.167)
    """
    a = recover(*total, level=level, ratio=ratio)
    b = recover(*part, level=level, ratio=ratio)
    w_total, w_part = a.se**-2, b.se**-2
    if w_total <= w_part:
        raise ValueError(
            "the subset is at least as precise as the whole: no information is left for the rest"
        )
    w_rest = w_total - w_part
    y = (w_total * a.log_estimate - w_part * b.log_estimate) / w_rest
    se = w_rest**-0.5
    half = z_critical(level) * se
    back = math.exp if ratio else (lambda x: x)
    return Remainder(
        Interval(back(y), back(y - half), back(y + half), level), y, se, w_rest / w_total
    )
