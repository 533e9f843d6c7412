"""Trial sequential analysis (TSA) of a cumulative meta-analysis of a binary outcome.

Methods as in the Copenhagen Trial Unit's TSA software and its R implementation RTSA
(Wetterslev et al., BMC Med Res Methodol 2009;9:86; Thorlund et al., *User manual for TSA*,
2017; RTSA ``ris.R``):

* Required information size for a 1:1 comparison of proportions p_C (control) and
  p_I = p_C (1 - RRR): N = 4 (z_{1-alpha/sides} + z_{1-beta})^2 pbar (1 - pbar) / (p_C - p_I)^2,
  pbar = (p_C + p_I)/2, rounded up to an even number of patients.
* Heterogeneity (diversity) adjustment N / (1 - D^2), with D^2 = (V_R - V_F)/V_R the relative
  reduction in the variance of the pooled estimate from the random-effects (DerSimonian-Laird)
  to the common-effect model (Wetterslev, Thorlund, Brok & Gluud, BMC Med Res Methodol 2009).
* Cumulative Z-curve: the pooled log effect divided by its SE after each trial, plotted at the
  information fraction t = cumulative patients / RIS; ``z_benefit`` = -Z is positive when the
  pooled ratio favours the intervention (the futility boundaries refer to it).
* Two-sided symmetric Lan-DeMets O'Brien-Fleming monitoring boundaries with alpha/2 spent in
  each tail (:mod:`ta1sepsis.group_sequential`); optional non-binding beta-spending futility
  boundaries, with the information size inflated so that the final boundaries meet.
* TSA-adjusted CI: the pooled estimate +/- c(t) SE, where c(t) is the efficacy boundary at the
  information reached, when t < 1; the ordinary CI once the RIS is reached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .group_sequential import design_with_futility, efficacy_boundaries
from .meta_effects import study_effects
from .meta_pooling import common_effect_iv, mantel_haenszel, random_effects


def _even_up(n: float) -> int:
    return int(2 * math.ceil(n / 2 - 1e-9))


def required_information_size(
    p_control: float,
    rrr: float,
    alpha: float = 0.05,
    beta: float = 0.10,
    sides: int = 2,
    diversity: float = 0.0,
) -> dict:
    """RIS in patients (both arms), unadjusted and adjusted for diversity ``D^2``."""
    if not 0 < p_control < 1:
        raise ValueError(f"control event proportion must lie in (0, 1), got {p_control}")
    if not 0 < rrr < 1:
        raise ValueError(f"relative risk reduction must lie in (0, 1), got {rrr}")
    if not 0 <= diversity < 1:
        raise ValueError(f"diversity D^2 must lie in [0, 1), got {diversity}")
    if sides not in (1, 2):
        raise ValueError("sides must be 1 or 2")
    p_int = p_control * (1 - rrr)
    pbar = (p_control + p_int) / 2
    z = stats.norm.ppf(1 - alpha / sides) + stats.norm.ppf(1 - beta)
    n = 4 * z**2 * pbar * (1 - pbar) / (p_control - p_int) ** 2
    return {
        "p_control": p_control,
        "p_intervention": p_int,
        "ris_unadjusted": _even_up(n),
        "diversity": diversity,
        "ris": _even_up(n / (1 - diversity)),
    }


def diversity(studies: pd.DataFrame, measure: str = "RR") -> float:
    """D^2 = 1 - V_F / V_R from the common-effect and DerSimonian-Laird models."""
    eff = study_effects(studies, measure)
    if eff.k < 2:
        return 0.0
    v_f = common_effect_iv(eff).se ** 2
    v_r = random_effects(eff, "DL").se ** 2
    return max(0.0, 1 - v_f / v_r)


@dataclass
class TSAResult:
    looks: pd.DataFrame  # one row per cumulative trial
    ris: dict
    information_size: int  # RIS used for the fractions (inflated when futility is on)
    inflation: float
    adjusted: dict  # final estimate with naive and TSA-adjusted CI (reporting scale)
    conclusion: str
    notes: list[str] = field(default_factory=list)


def _pool(studies: pd.DataFrame, measure: str, pooling: str, level: float = 0.95):
    if pooling == "MH":
        return mantel_haenszel(studies, measure, level)
    return random_effects(study_effects(studies, measure), pooling, level=level)


def trial_sequential_analysis(
    studies: pd.DataFrame,
    p_control: float,
    rrr: float,
    measure: str = "RR",
    pooling: str = "MH",
    alpha: float = 0.05,
    beta: float = 0.10,
    diversity_adjustment: str | float = "estimated",
    futility: bool = False,
    order: str = "year",
) -> TSAResult:
    """TSA of ``studies`` (columns study, ai, n1i, ci, n2i, ``order``) in ``order``."""
    if measure not in ("RR", "OR"):
        raise ValueError("TSA here supports the ratio measures RR and OR")
    data = studies.sort_values(order, kind="stable").reset_index(drop=True)
    notes = []
    if diversity_adjustment == "estimated":
        d2 = diversity(data, measure)
        notes.append(f"diversity D^2 = {d2:.3f} estimated from the trials (DL vs common effect)")
    elif diversity_adjustment == "none":
        d2 = 0.0
    else:
        d2 = float(diversity_adjustment)
    ris = required_information_size(p_control, rrr, alpha, beta, 2, d2)
    n_cum = np.cumsum(data["n1i"] + data["n2i"]).to_numpy(float)
    pooled = [_pool(data.iloc[: i + 1], measure, pooling) for i in range(len(data))]
    z = np.array([p.estimate / p.se for p in pooled])

    inflation, info = 1.0, float(ris["ris"])
    futility_bounds = None
    for _ in range(20 if futility else 1):
        t_obs = n_cum / info
        inside = t_obs < 1
        fractions = np.r_[t_obs[inside], 1.0]
        if futility:
            design = design_with_futility(fractions, alpha / 2, beta)
            new_inflation = design.inflation
            bounds, futility_bounds = design.efficacy, design.futility
            if abs(new_inflation - inflation) < 1e-9:
                break
            inflation = new_inflation
            info = ris["ris"] * inflation
        else:
            bounds = efficacy_boundaries(fractions, alpha / 2)
    boundary = np.where(inside, np.r_[bounds[:-1], np.nan][np.cumsum(inside) - 1], bounds[-1])
    looks = data[["study", order]].assign(
        patients=n_cum.astype(int),
        fraction=n_cum / info,
        z=z,
        z_benefit=-z,
        efficacy_boundary=boundary,
        estimate=[p.back(p.estimate) for p in pooled],
        lower=[p.back(p.lower) for p in pooled],
        upper=[p.back(p.upper) for p in pooled],
    )
    if futility_bounds is not None:
        looks["futility_boundary"] = np.where(
            inside, np.r_[futility_bounds[:-1], np.nan][np.cumsum(inside) - 1], np.nan
        )
    last = pooled[-1]
    c = float(boundary[-1]) if inside[-1] else float(stats.norm.ppf(1 - alpha / 2))
    adjusted = {
        "estimate": last.back(last.estimate),
        "naive_lower": last.back(last.lower),
        "naive_upper": last.back(last.upper),
        "adjusted_lower": last.back(last.estimate - c * last.se),
        "adjusted_upper": last.back(last.estimate + c * last.se),
        "critical_value": c,
        "fraction": float(n_cum[-1] / info),
    }
    crossed = np.abs(z) >= boundary
    if crossed.any():
        first = int(np.argmax(crossed))
        side = "benefit" if z[first] < 0 else "harm"
        conclusion = (
            f"the Z-curve crosses the {side} monitoring boundary at {looks.loc[first, 'study']}: "
            "firm evidence under the stated assumptions"
        )
    elif futility_bounds is not None and np.any(
        (-z <= looks["futility_boundary"].to_numpy()) & inside
    ):
        conclusion = "the Z-curve enters the futility region: the assumed effect is unlikely"
    elif not inside[-1]:
        conclusion = "the required information size is reached without crossing a boundary"
    else:
        conclusion = (
            f"no boundary crossed; {100 * adjusted['fraction']:.0f}% of the required "
            "information size accrued: evidence inconclusive under the stated assumptions"
        )
    return TSAResult(looks, ris, int(round(info)), inflation, adjusted, conclusion, notes)
