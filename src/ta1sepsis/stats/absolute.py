"""From relative to absolute effects: the risk in the treated arm implied by a ratio and a
baseline (control) risk, and back.

* Risk ratio: p_T = RR p_C.
* Odds ratio: p_T = OR p_C / (1 - p_C + OR p_C).
* Hazard ratio under proportional hazards over the follow-up: 1 - p_T = (1 - p_C)^HR (Collett,
  *Modelling Survival Data in Medical Research*, 3rd ed. 2015, ch. 3).
* Risk difference: p_T = p_C + RD (capped to [0, 1]); its "no effect" is 0, not 1
  (:func:`null_value`).

GRADE summary-of-findings tables compute the corresponding risk per 1000 patients this way from
the pooled relative effect and an assumed control risk (Schünemann et al., *Cochrane Handbook*
version 6, section 14.1.5; GRADEpro). Risk differences here are treatment minus control, so a
negative value is fewer events with treatment; an absolute risk *reduction* is -RD.
"""

from __future__ import annotations

import math

import numpy as np

SCALES = ("RR", "OR", "HR", "RD")


def null_value(measure: str) -> float:
    """The value of ``measure`` that means no effect: 0 for a difference, 1 for a ratio.

    Parameters
    ----------
    measure : str
        "RR", "OR", "HR" (ratios) or "RD", "MD", "SMD", "WMD" (differences).

    Returns
    -------
    float

    Examples
    --------
    >>> null_value("OR"), null_value("RD"), null_value("MD")
    (1.0, 0.0, 0.0)
    """
    return 0.0 if measure in ("RD", "MD", "SMD", "WMD") else 1.0


def _check(p_control: float, scale: str) -> None:
    if not 0 < p_control < 1:
        raise ValueError(f"the control risk must lie in (0, 1), got {p_control}")
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")


def treatment_risk(p_control: float, ratio, scale: str = "RR"):
    """Risk with treatment implied by ``ratio`` (scalar or array) at control risk ``p_control``.

    Parameters
    ----------
    p_control : float
        Control (baseline) risk, proportion in (0, 1).
    ratio : float or array
        Risk ratio, odds ratio or hazard ratio (> 0), or a risk difference (proportion).
    scale : {"RR", "OR", "HR", "RD"}

    Returns
    -------
    float or numpy.ndarray
        Treatment-arm risk (proportion). A risk ratio or difference that implies a risk outside
        [0, 1] is capped.

    Examples
    --------
    >>> round(treatment_risk(0.25, 0.8, "RR"), 4), round(treatment_risk(0.25, 0.8, "HR"), 4)
    (0.2, 0.2056)
    """
    _check(p_control, scale)
    r = np.asarray(ratio, float)
    if scale == "RD":
        out = np.clip(p_control + r, 0.0, 1.0)
        return float(out) if np.ndim(out) == 0 else out
    if np.any(r <= 0):
        raise ValueError("ratios must be positive")
    if scale == "RR":
        out = np.minimum(r * p_control, 1.0)
    elif scale == "OR":
        out = r * p_control / (1 - p_control + r * p_control)
    else:
        out = 1 - (1 - p_control) ** r
    return float(out) if np.ndim(out) == 0 else out


def ratio_for_risk_difference(p_control: float, risk_difference: float, scale: str = "RR") -> float:
    """The ratio at which treatment minus control risk equals ``risk_difference``.

    Parameters
    ----------
    p_control : float
        Control risk (proportion).
    risk_difference : float
        Target p_T - p_C (e.g. -0.02 for an absolute reduction of 2 percentage points); p_T must
        stay within (0, 1).
    scale : {"RR", "OR", "HR"}

    Returns
    -------
    float
        The ratio; because p_T increases with the ratio, P(ARR >= x) = P(ratio <= this ratio at
        RD = -x).

    Examples
    --------
    >>> round(ratio_for_risk_difference(0.25, -0.05, "RR"), 3)
    0.8
    """
    _check(p_control, scale)
    if scale == "RD":
        raise ValueError("a risk difference needs no ratio")
    p_t = p_control + risk_difference
    if not 0 < p_t < 1:
        raise ValueError(
            f"a risk difference of {risk_difference} from a control risk of {p_control} leaves "
            "the treated risk outside (0, 1)"
        )
    if scale == "RR":
        return p_t / p_control
    if scale == "OR":
        return (p_t / (1 - p_t)) / (p_control / (1 - p_control))
    return math.log1p(-p_t) / math.log1p(-p_control)


def per_1000(
    p_control: float, ratio: float, lower: float, upper: float, *, scale: str = "RR"
) -> dict:
    """Corresponding risk and risk difference per 1000 patients, with the interval carried over
    from the ratio's interval (GRADE summary-of-findings convention).

    Parameters
    ----------
    p_control : float
        Assumed control risk (proportion in (0, 1)).
    ratio, lower, upper : float
        The estimate and its interval on ``scale`` (a ratio, or a risk difference for RD).
    scale : {"RR", "OR", "HR", "RD"}
        How a ratio maps to a treated risk (:func:`treatment_risk`).

    Returns
    -------
    dict
        ``control``, ``treatment``, ``treatment_lower``, ``treatment_upper`` (per 1000) and
        ``difference``, ``difference_lower``, ``difference_upper`` (treatment minus control, per
        1000; negative = fewer events).

    Examples
    --------
    >>> a = per_1000(0.25, 0.8, 0.6, 1.1)
    >>> round(a["difference"]), round(a["difference_lower"]), round(a["difference_upper"])
    (-50, -100, 25)
    """
    risks = [treatment_risk(p_control, r, scale) for r in (ratio, lower, upper)]
    control = 1000 * p_control
    return {
        "control": control,
        "treatment": 1000 * risks[0],
        "treatment_lower": 1000 * risks[1],
        "treatment_upper": 1000 * risks[2],
        "difference": 1000 * risks[0] - control,
        "difference_lower": 1000 * risks[1] - control,
        "difference_upper": 1000 * risks[2] - control,
    }
