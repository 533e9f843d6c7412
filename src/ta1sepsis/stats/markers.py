"""Immune-marker evidence: intervals recovered from published summaries, and how much of a
between-group difference in change scores regression to the mean alone could produce.

* **Regression to the mean (RTM)** for change scores: if baseline X and follow-up Y of a marker
  have a common population mean, equal variances and correlation rho, then
  E[Y - X | X = x] = (1 - rho)(mu - x) (Barnett, van der Pols & Dobson, Int J Epidemiol
  2005;34:215-220). Two randomised groups share mu, so when their baseline means differ by chance
  (b_T and b_C), the expected difference in mean change with no treatment effect at all is
  (1 - rho)(b_C - b_T): the group that starts lower rises more. Analysis of covariance removes
  this (Vickers & Altman, BMJ 2001;323:1123-1124); change scores do not.
* **A mean difference and its CI from group means and a P value** (Altman & Bland, BMJ
  2011;343:d2090): z = Phi^-1(1 - P/2), SE = |MD| / z.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from ta1sepsis.stats.binary import Interval, z_critical


def rtm_expected_difference(baseline_trt: float, baseline_ctl: float, rho) -> np.ndarray | float:
    """Expected treatment-minus-control difference in mean change from RTM alone.

    Parameters
    ----------
    baseline_trt, baseline_ctl : float
        Baseline means of the two randomised groups (the marker's units).
    rho : float or array
        Correlation between baseline and follow-up, in [0, 1] (an assumption when unreported).

    Returns
    -------
    float or numpy.ndarray
        (1 - rho)(baseline_ctl - baseline_trt), in the marker's units.

    Examples
    --------
    >>> round(rtm_expected_difference(47.1, 58.0, 0.5), 2)
    5.45
    """
    r = np.asarray(rho, float)
    if np.any((r < 0) | (r > 1)):
        raise ValueError("the correlation must lie in [0, 1]")
    out = (1 - r) * (baseline_ctl - baseline_trt)
    return float(out) if np.ndim(out) == 0 else out


def rtm_rho_threshold(observed: float, baseline_trt: float, baseline_ctl: float) -> float | None:
    """The correlation below which RTM alone is expected to produce a difference in change at
    least as large as ``observed`` (same direction); ``None`` if it cannot for any rho in [0, 1].

    Parameters
    ----------
    observed : float
        Observed treatment-minus-control difference in mean change.
    baseline_trt, baseline_ctl : float
        Baseline means of the two groups.

    Returns
    -------
    float or None
        1 - observed / (baseline_ctl - baseline_trt) when it lies in [0, 1].

    References
    ----------
    Barnett AG, van der Pols JC, Dobson AJ. Int J Epidemiol 2005;34:215-220 (module docstring).

    Examples
    --------
    >>> round(rtm_rho_threshold(5.8, 47.1, 58.0), 3)
    0.468
    """
    gap = baseline_ctl - baseline_trt
    if gap == 0 or observed / gap <= 0:
        return None
    threshold = 1 - observed / gap
    return threshold if 0 <= threshold <= 1 else None


def mean_difference_from_p(
    mean_trt: float, mean_ctl: float, p_value: float, level: float = 0.95
) -> Interval:
    """Mean difference (treatment minus control) with the CI implied by a two-sided P value.

    Parameters
    ----------
    mean_trt, mean_ctl : float
        Group means.
    p_value : float
        Two-sided P of the comparison, in (0, 1).
    level : float
        Confidence level of the returned interval.

    Returns
    -------
    Interval

    References
    ----------
    Altman DG, Bland JM. How to obtain the confidence interval from a P value. BMJ
    2011;343:d2090 (normal approximation: SE = |MD| / z).

    Examples
    --------
    >>> i = mean_difference_from_p(20.5, 8.9, 0.01)
    >>> round(float(i.lower), 2), round(float(i.upper), 2)
    (2.77, 20.43)
    """
    if not 0 < p_value < 1:
        raise ValueError("the P value must lie in (0, 1)")
    md = mean_trt - mean_ctl
    se = abs(md) / stats.norm.isf(p_value / 2)
    half = z_critical(level) * se
    return Interval(md, md - half, md + half, level)


def fraction_explained(
    observed: float, baseline_trt: float, baseline_ctl: float, rho: float
) -> float:
    """Share of an observed difference in change that RTM alone would be expected to produce.

    Parameters
    ----------
    observed : float
        Observed treatment-minus-control difference in mean change.
    baseline_trt, baseline_ctl : float
        Baseline means.
    rho : float
        Baseline-to-follow-up correlation (an assumption when unreported).

    Returns
    -------
    float
        :func:`rtm_expected_difference` / observed (nan when nothing was observed).

    References
    ----------
    Barnett AG, et al. Int J Epidemiol 2005;34:215-220.

    Examples
    --------
    >>> round(fraction_explained(5.8, 47.1, 58.0, 0.5), 3)
    0.94
    """
    if observed == 0:
        return math.nan
    return rtm_expected_difference(baseline_trt, baseline_ctl, rho) / observed
