"""Trial sequential analysis (TSA) of a cumulative meta-analysis of a binary outcome.

Methods as in the Copenhagen Trial Unit's TSA software and its R implementation RTSA
(Wetterslev, Thorlund, Brok & Gluud, J Clin Epidemiol 2008;61:64 and BMC Med Res Methodol
2009;9:86; Thorlund et al., *User manual for Trial Sequential Analysis (TSA)*, Copenhagen Trial
Unit 2017; RTSA ``ris.R``, ``metaanalysis.R`` and ``boundaries.R``):

* **Required information size** (RIS) for a 1:1 comparison of proportions p_C (control) and
  p_I = p_C (1 - RRR): N = 4 (z_{1-alpha/sides} + z_{1-beta})^2 pbar (1 - pbar) / (p_C - p_I)^2,
  pbar = (p_C + p_I)/2, rounded up to an even number of patients.
* **Heterogeneity adjustment** N / (1 - D^2), with the diversity D^2 = 1 - V_F / V_R, the relative
  reduction in the variance of the pooled estimate from the random-effects (DerSimonian-Laird)
  to the common-effect model; or N / (1 - I^2) (Wetterslev et al. 2009).
* **The Z-curve comes from the same model as the RIS.** A common-effect RIS (no adjustment) is
  paired with the common-effect Mantel-Haenszel Z-curve; a heterogeneity-adjusted RIS with a
  random-effects Z-curve: DerSimonian-Laird with a Wald SE, or DerSimonian-Laird with the
  Hartung-Knapp-Sidik-Jonkman SE (RTSA's ``re_method = "DL_HKSJ"``: z = mu / SE_HKSJ, without
  the max(1, q) modification). Pairing a common-effect Z-curve with a D^2-inflated RIS mixes two
  models and is not offered.
* **Monitoring boundaries**: two-sided symmetric Lan-DeMets O'Brien-Fleming boundaries with
  alpha/2 spent in each tail, and by default non-binding O'Brien-Fleming beta-spending futility
  boundaries (the inner wedge: the Z-curve inside (-b, b) means an effect of the assumed size is
  unlikely in either direction), with the information size inflated so that the final boundaries
  meet (:mod:`ta1sepsis.stats.group_sequential`). Boundaries are evaluated at every look and, for the
  figure, as curves over a fine grid of information fractions.
* **TSA-adjusted CI**: the pooled estimate +/- c(t) SE, where c(t) is the efficacy boundary at
  the information reached, while t < 1; the ordinary CI once the RIS is reached.

Where this module differs from RTSA (source read at the commit cited in
``data/method_facts.csv``, rows ``tsa.rtsa.*``): RTSA's ``RTSA()`` adjusts the random-effects
information size by tau^2 (``NR_tau_full``; its D^2 line is commented out), passes the pooled
both-arm risk as the control risk, and inflates the information size by the group-sequential
factor also without futility boundaries. Here the adjustment is by D^2 (or I^2), the control
risk is the control arms' (or given), and the inflation applies with futility boundaries only.
Numbers from the two will therefore differ in the information size, not in the boundaries.

Zero cells: the common-effect Mantel-Haenszel estimate needs no correction unless every trial so
far has no events in the same arm; then (and for the inverse-variance and random-effects
statistics always) the continuity correction chosen for the meta-analysis is applied
(:mod:`ta1sepsis.stats.meta_effects`). Trials with no events in either arm carry no information on a
ratio scale and do not move the Z-curve (their patients still count towards the information).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ta1sepsis.stats.group_sequential import (
    design_with_futility,
    efficacy_boundaries,
    efficacy_curve,
    futility_curve,
)
from ta1sepsis.stats.meta_effects import StudyEffects, study_effects
from ta1sepsis.stats.meta_pooling import common_effect_iv, mantel_haenszel, random_effects

MODELS = ("fixed", "random_dl", "random_dl_hksj")
MODEL_LABELS = {
    "fixed": "common effect (Mantel-Haenszel)",
    "random_dl": "random effects (DerSimonian-Laird)",
    "random_dl_hksj": "random effects (DerSimonian-Laird, Hartung-Knapp-Sidik-Jonkman SE with max(1, q))",
}
CONCLUSIONS = {
    "benefit": "benefit shown: the Z-curve crosses the monitoring boundary for benefit",
    "harm": "harm shown: the Z-curve crosses the monitoring boundary for harm",
    "futility": "futility: the Z-curve enters the inner wedge, so an effect of the assumed size "
    "is unlikely",
    "ris_reached": "the required information size is reached without crossing a boundary",
    "inconclusive": "inconclusive: no boundary crossed and the required information size is not "
    "reached",
}

HISTORY_WORDS = {
    "benefit": "crossed the boundary for benefit",
    "harm": "crossed the boundary for harm",
    "futility": "entered the futility wedge",
}

SHORT = {
    "benefit": "benefit shown",
    "harm": "harm shown",
    "futility": "futility (an effect of the assumed size is unlikely)",
    "ris_reached": "information size reached without a boundary crossed",
    "inconclusive": "inconclusive",
}


def _even_up(n: float) -> int:
    return int(2 * math.ceil(n / 2 - 1e-9))


def required_information_size(
    p_control: float,
    rrr: float,
    alpha: float = 0.05,
    beta: float = 0.10,
    *,
    sides: int = 2,
    diversity: float = 0.0,
) -> dict:
    """Compute the required information size in patients (both arms), unadjusted and adjusted.

    N = 4 (z_{1-alpha/sides} + z_{1-beta})^2 pbar (1 - pbar) / (p_C - p_I)^2 with
    p_I = p_C (1 - RRR) and pbar = (p_C + p_I)/2, rounded up to an even number; the adjusted
    size is N / (1 - diversity), also rounded up to an even number.

    Parameters
    ----------
    p_control : float
        Event proportion in the control arm, in (0, 1).
    rrr : float
        Relative risk reduction to detect, in (0, 1) (0.15 for a 15% reduction).
    alpha, beta : float
        Two-sided (when ``sides`` = 2) type I error and type II error (1 - power), as
        proportions.
    sides : int
        1 or 2.
    diversity : float
        Heterogeneity adjustment in [0, 1): D^2 or I^2 (proportion).

    Returns
    -------
    dict
        ``p_control`` and ``p_intervention`` (proportions), ``ris_unadjusted`` and ``ris``
        (patients in both arms, even numbers) and ``diversity`` (proportion).

    References
    ----------
    Wetterslev J, Thorlund K, Brok J, Gluud C. J Clin Epidemiol 2008;61:64-75. Wetterslev et
    al., BMC Med Res Methodol 2009;9:86; RTSA ``ris.R``.

    Examples
    --------
    >>> required_information_size(0.30, 0.20)["ris_unadjusted"]
    2302
    >>> required_information_size(0.30, 0.20, diversity=0.5)["ris"]
    4604
    """
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


def _random_stats(effects: StudyEffects) -> dict:
    """DerSimonian-Laird mean with its Wald and HKSJ SEs, D^2 and I^2, for one cumulative set.

    The HKSJ SE uses the ad hoc modification max(1, q) (Knapp & Hartung 2003; Röver, Knapp &
    Friede, BMC Med Res Methodol 2015;15:99): with q < 1 the plain Hartung-Knapp SE is smaller
    than the Wald SE, and with identical trials (q = 0) it is zero, so the Z-curve would reach
    any value (z = -28 at 7.5% of the information was seen with one added trial); the modified
    SE is never smaller than the Wald SE.
    """
    fe = common_effect_iv(effects)
    if effects.k < 2:
        return {
            "estimate": fe.estimate,
            "se_wald": fe.se,
            "se_hksj": fe.se,
            "tau2": 0.0,
            "d2": 0.0,
            "i2": 0.0,
        }
    re = random_effects(effects, "DL", "wald")
    y, v = effects.yi, effects.vi
    w = 1 / (v + re.tau2)
    q_hk = float(np.sum(w * (y - re.estimate) ** 2) / (effects.k - 1))
    return {
        "estimate": re.estimate,
        "se_wald": re.se,
        "se_hksj": re.se * math.sqrt(max(1.0, q_hk)),
        "tau2": re.tau2,
        "d2": max(0.0, 1 - fe.se**2 / re.se**2),
        "i2": fe.i2,
    }


def _informative(studies: pd.DataFrame, measure: str) -> pd.Series:
    """Flag the trials that carry information on the ratio scale.

    Those with events in at least one arm and non-events in at least one arm.
    """
    if measure == "RD":
        return pd.Series(True, index=studies.index)
    a, c = studies["ai"], studies["ci"]
    return ~(((a == 0) & (c == 0)) | ((a == studies["n1i"]) & (c == studies["n2i"])))


def cumulative_statistics(
    studies: pd.DataFrame,
    measure: str = "RR",
    correction: str = "constant",
    order: str | None = "year",
) -> pd.DataFrame:
    """Compute cumulative pooled estimates and Z statistics after each trial, for every model.

    The common-effect Z-curve is Mantel-Haenszel (inverse variance with the continuity
    correction when Mantel-Haenszel is not estimable); the random-effects ones are
    DerSimonian-Laird with the Wald or the Hartung-Knapp-Sidik-Jonkman SE. Trials with no
    events (or only events) in both arms do not move the Z-curve but count towards
    ``patients``.

    Parameters
    ----------
    studies : pandas.DataFrame
        Columns ``study``, ``ai``, ``n1i``, ``ci``, ``n2i`` (events and N, treatment then
        control) and the ``order`` column if given.
    measure : {"RR", "OR"}
        Ratio measure (log scale).
    correction : {"constant", "treatment_arm", "none"}
        Continuity correction for zero cells (:func:`ta1sepsis.stats.meta_effects.study_effects`).
    order : str or None
        Column to sort by (stable); ``None`` keeps the file order.

    Returns
    -------
    pandas.DataFrame
        One row per trial in order: ``study``, ``patients`` (cumulative, both arms),
        ``k_informative``, and for each model in :data:`MODELS` the pooled log estimate
        ``log_<model>``, its SE ``se_<model>`` and ``z_<model>`` (negative favours the
        treatment), plus ``tau2``, ``d2`` and ``i2`` of the cumulative set; ``note`` says where a
        correction or exclusion applied.

    References
    ----------
    Wetterslev J, Thorlund K, Brok J, Gluud C. J Clin Epidemiol 2008;61:64-75. Thorlund K, et
    al. *User manual for Trial Sequential Analysis (TSA)*. Copenhagen Trial Unit 2017.
    Mantel N, Haenszel W. J Natl Cancer Inst 1959;22:719-748. DerSimonian R, Laird N. Control
    Clin Trials 1986;7:177-188. Hartung J, Knapp G. Stat Med 2001;20:3875-3889.

    Examples
    --------
    >>> studies = pd.read_csv("tests/reference/datasets/etass_tests.csv")
    >>> table = cumulative_statistics(studies, "RR")
    >>> print(table["patients"].tolist(), table["z_fixed"].round(3).tolist())
    [361, 1450] [-1.849, -1.213]
    """
    if measure not in ("RR", "OR"):
        raise ValueError("the Z-curve here is for the ratio measures RR and OR")
    data = studies.sort_values(order, kind="stable") if order else studies
    data = data.reset_index(drop=True)
    informative = _informative(data, measure)
    rows = []
    for i in range(len(data)):
        subset = data.iloc[: i + 1][informative.iloc[: i + 1].to_numpy()]
        row = {
            "study": str(data.loc[i, "study"]),
            "patients": int((data["n1i"] + data["n2i"]).iloc[: i + 1].sum()),
            "k_informative": len(subset),
            "note": "",
        }
        if subset.empty:
            for m in MODELS:
                row.update({f"log_{m}": math.nan, f"se_{m}": math.nan, f"z_{m}": math.nan})
            row.update(tau2=math.nan, d2=math.nan, i2=math.nan, note="no informative trial yet")
            rows.append(row)
            continue
        try:
            mh = mantel_haenszel(subset, measure)
        except ValueError:
            corrected = study_effects(
                subset, measure, correction if correction != "none" else "constant"
            )
            mh = common_effect_iv(corrected)
            row["note"] = (
                "Mantel-Haenszel not estimable (no events in one arm so far): inverse variance with the continuity correction"
            )
        effects = study_effects(subset, measure, correction)
        rs = _random_stats(effects)
        row.update(
            log_fixed=mh.estimate,
            se_fixed=mh.se,
            log_random_dl=rs["estimate"],
            se_random_dl=rs["se_wald"],
            log_random_dl_hksj=rs["estimate"],
            se_random_dl_hksj=rs["se_hksj"],
            tau2=rs["tau2"],
            d2=rs["d2"],
            i2=rs["i2"],
        )
        for m in MODELS:
            se = row[f"se_{m}"]
            row[f"z_{m}"] = row[f"log_{m}"] / se if se > 0 else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def cumulative_statistics_from_effects(
    table: pd.DataFrame, order: str | None = None
) -> pd.DataFrame:
    """Compute :func:`cumulative_statistics` from log-scale estimates instead of counts.

    For trials (or blocks of trials) known only by a log-scale estimate ``yi``, its variance
    ``vi`` and their number of ``patients``. The common-effect Z-curve is then inverse-variance
    (no counts for Mantel-Haenszel); the random-effects ones are as in
    :func:`cumulative_statistics`.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``study``, ``yi`` (log ratio), ``vi`` (its variance), ``patients`` (both arms)
        and the ``order`` column if given.
    order : str or None
        Column to sort by (stable); ``None`` keeps the row order.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`cumulative_statistics`: log estimates, SEs and Z statistics per
        model (natural log scale), ``tau2``, ``d2`` and ``i2`` (proportions) after each row.

    References
    ----------
    Wetterslev J, Thorlund K, Brok J, Gluud C. J Clin Epidemiol 2008;61:64-75. DerSimonian R,
    Laird N. Control Clin Trials 1986;7:177-188.

    Examples
    --------
    >>> from ta1sepsis.stats.meta_effects import study_effects
    >>> eff = study_effects(pd.read_csv("tests/reference/datasets/etass_tests.csv"), "RR")
    >>> table = eff.table.assign(patients=eff.table["n1i"] + eff.table["n2i"])
    >>> print(cumulative_statistics_from_effects(table)["z_fixed"].round(3).tolist())
    [-1.849, -1.256]
    """
    data = table.sort_values(order, kind="stable") if order else table
    data = data.reset_index(drop=True)
    rows = []
    for i in range(len(data)):
        part = data.iloc[: i + 1]
        effects = StudyEffects("log ratio", part.reset_index(drop=True), [])
        fe = common_effect_iv(effects)
        rs = _random_stats(effects)
        row = {
            "study": str(data.loc[i, "study"]),
            "patients": int(part["patients"].sum()),
            "k_informative": i + 1,
            "note": "",
            "log_fixed": fe.estimate,
            "se_fixed": fe.se,
            "log_random_dl": rs["estimate"],
            "se_random_dl": rs["se_wald"],
            "log_random_dl_hksj": rs["estimate"],
            "se_random_dl_hksj": rs["se_hksj"],
            "tau2": rs["tau2"],
            "d2": rs["d2"],
            "i2": rs["i2"],
        }
        for m in MODELS:
            se = row[f"se_{m}"]
            row[f"z_{m}"] = row[f"log_{m}"] / se if se > 0 else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass
class TSAResult:
    """A trial sequential analysis under one model (Z-curve and information size paired).

    Attributes
    ----------
    model : str
        One of :data:`MODELS`.
    looks : pandas.DataFrame
        One row per trial: ``study``, ``patients`` (cumulative), ``fraction`` (of
        ``information_size``), ``z``, ``z_benefit`` (-z) and ``efficacy_boundary`` (z scale),
        plus ``futility_boundary`` when ``futility`` is on.
    curve : pandas.DataFrame
        Boundaries over a fine grid: ``fraction``, ``patients``, ``efficacy`` and, with
        futility, ``futility`` (z scale).
    ris : dict
        From :func:`required_information_size`.
    information_size : float
        Information size used for the fractions (patients; inflated when futility is on).
    inflation : float
        Ratio of ``information_size`` to ``ris["ris"]`` (1 without futility boundaries).
    futility : bool
        Whether non-binding futility boundaries were added.
    adjusted : dict
        Final pooled ``estimate`` with the conventional (``naive_lower``, ``naive_upper``) and
        TSA-adjusted (``adjusted_lower``, ``adjusted_upper``) limits, all on the ratio scale;
        ``critical_value`` (z) and ``fraction`` (of ``information_size``).
    conclusion : str
        A key of :data:`CONCLUSIONS`: the status at the last trial (a boundary crossed at an
        earlier trial and left again is history, not the conclusion).
    crossed_at : str or None
        The trial at which the boundary of the current conclusion was first crossed without
        the Z-curve leaving it again (None when the conclusion crosses no boundary).
    history : list of dict
        Every look at which the Z-curve crossed a boundary or entered the futility wedge
        (``study``, ``event``: benefit, harm or futility), in order.
    notes : list of str
        The heterogeneity adjustment used and any correction or exclusion.
    """

    model: str
    looks: pd.DataFrame  # one row per trial: patients, fraction, z, boundaries
    curve: pd.DataFrame  # boundaries over a fine grid of information fractions
    ris: dict
    information_size: float  # RIS used for the fractions (inflated when futility is on)
    inflation: float
    futility: bool
    adjusted: dict  # final estimate with conventional and TSA-adjusted CI (reporting scale)
    conclusion: str  # a key of CONCLUSIONS: the status at the last trial
    crossed_at: str | None = None
    notes: list[str] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)

    @property
    def earlier(self) -> list[dict]:
        """Crossings of the history that the current conclusion does not carry."""
        return [h for h in self.history if h["event"] != self.conclusion]

    @property
    def conclusion_text(self) -> str:
        """The status at the last trial in words, then any earlier crossing it has left."""
        where = f" (since {self.crossed_at})" if self.crossed_at else ""
        text = CONCLUSIONS[self.conclusion] + where
        if self.earlier:
            text += (
                "; earlier the Z-curve "
                + ", then ".join(
                    f"{HISTORY_WORDS[h['event']]} at {h['study']}" for h in self.earlier
                )
                + ", and later trials brought it back"
            )
        return text


def _diversity_value(stats_table: pd.DataFrame, diversity) -> tuple[float, str]:
    last = stats_table.iloc[-1]
    if diversity == "estimated":
        return float(0.0 if math.isnan(last["d2"]) else last["d2"]), "D² estimated from the trials"
    if diversity == "i2":
        return float(0.0 if math.isnan(last["i2"]) else last["i2"]), "I² of the trials"
    if diversity in ("none", None):
        return 0.0, "no adjustment"
    return float(diversity), "stated value"


def monitor(
    stats_table: pd.DataFrame,
    model: str,
    ris: dict,
    alpha: float = 0.05,
    *,
    beta: float = 0.10,
    futility: bool = True,
    grid_points: int = 120,
) -> TSAResult:
    """Monitor one model's Z-curve against the required information size ``ris``.

    Computes the two-sided Lan-DeMets O'Brien-Fleming efficacy boundaries (and, if asked, the
    non-binding beta-spending futility boundaries, with the information size inflated until the
    final boundaries meet) at the trials' information fractions, the boundary curves, the
    conclusion and the TSA-adjusted CI.

    Parameters
    ----------
    stats_table : pandas.DataFrame
        From :func:`cumulative_statistics` (or ``..._from_effects``).
    model : str
        One of :data:`MODELS`.
    ris : dict
        From :func:`required_information_size`; ``ris["ris"]`` is used.
    alpha, beta : float
        Two-sided alpha (alpha/2 spent in each tail) and beta of the futility boundaries.
    futility : bool
        Add non-binding beta-spending futility boundaries (and inflate the information size).
    grid_points : int
        Points of the boundary curves between the first fraction drawn and 1; 0 skips the
        curves (``curve`` is then empty), for analyses that are tabulated, not drawn.

    Returns
    -------
    TSAResult
        Looks, boundary curves, information size, conclusion and the TSA-adjusted CI.

    References
    ----------
    Lan KKG, DeMets DL. Biometrika 1983;70:659-663. Wetterslev J, Thorlund K, Brok J, Gluud C.
    J Clin Epidemiol 2008;61:64-75. Thorlund K, et al. *User manual for Trial Sequential
    Analysis (TSA)*. Copenhagen Trial Unit 2017.

    Examples
    --------
    >>> studies = pd.read_csv("tests/reference/datasets/etass_tests.csv")
    >>> table = cumulative_statistics(studies, "RR")
    >>> result = monitor(table, "fixed", required_information_size(0.30, 0.20))
    >>> print(result.conclusion, round(result.information_size))
    inconclusive 2404
    """
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    n_cum = stats_table["patients"].to_numpy(float)
    z = stats_table[f"z_{model}"].to_numpy(float)
    inflation, info, design = 1.0, float(ris["ris"]), None
    previous = None  # (inflation, the design's inflation there), for the secant step
    for _ in range(30 if futility else 1):
        t_obs = n_cum / info
        inside = t_obs < 1
        fractions = np.r_[t_obs[inside], 1.0]
        fractions = fractions[np.r_[np.diff(fractions) > 0, True]]  # drop repeated looks
        if not futility:
            break
        design = design_with_futility(fractions, alpha / 2, beta)
        if abs(design.inflation - inflation) < 1e-9:
            break
        # the information size is a fixed point of inflation -> design inflation; the plain
        # iteration converges linearly (6 to 11 designs), the secant step on
        # g(x) = F(x) - x in 3 to 5; where it would leave [1, 2] (a look crossing the
        # information size makes F jump), the plain step
        step = design.inflation
        if previous is not None:
            x0, f0 = previous
            g0, g1 = f0 - x0, design.inflation - inflation
            if g1 != g0:
                secant = inflation - g1 * (inflation - x0) / (g1 - g0)
                if 1.0 <= secant <= 2.0:
                    step = secant
        previous = (inflation, design.inflation)
        inflation = step
        info = ris["ris"] * inflation
    t_obs = n_cum / info
    inside = t_obs < 1
    final = np.r_[t_obs[inside], 1.0]
    final = final[np.r_[np.diff(final) > 0, True]]
    if len(final) != len(fractions) or not np.allclose(final, fractions, rtol=0, atol=1e-12):
        # the inflation did not settle within the iterations (or moved a look across the
        # information size): the boundaries are those of the looks at the final size
        fractions = final
        if futility:
            design = design_with_futility(fractions, alpha / 2, beta)
    bounds = design.efficacy if design is not None else efficacy_boundaries(fractions, alpha / 2)
    lookup = dict(zip(np.round(fractions, 12), bounds, strict=True))
    efficacy_at = np.array([lookup[round(t, 12)] if t < 1 else bounds[-1] for t in t_obs])
    looks = stats_table[["study", "patients"]].assign(
        fraction=t_obs, z=z, z_benefit=-z, efficacy_boundary=efficacy_at
    )
    if design is not None:
        flookup = dict(zip(np.round(fractions, 12), design.futility, strict=True))
        looks["futility_boundary"] = [flookup[round(t, 12)] if t < 1 else np.nan for t in t_obs]
    if grid_points > 0:
        first = max(min(float(t_obs[0]) * 0.5, 0.05), 1e-3)
        grid = np.unique(np.r_[np.linspace(first, 1.0, grid_points), t_obs[inside]])
        curve = pd.DataFrame({"fraction": grid, "patients": grid * info})
        real = fractions[:-1] if len(fractions) > 1 else np.array([1.0])
        curve["efficacy"] = efficacy_curve(real, grid, alpha / 2)
        if design is not None:
            curve["futility"] = futility_curve(design, grid)
    else:  # no figure to draw: the boundaries at the looks are enough
        curve = pd.DataFrame(columns=["fraction", "patients", "efficacy"])

    # each look's status; the conclusion is the status at the last look, the rest is history
    status = []
    for i in range(len(z)):
        b = looks["futility_boundary"].iloc[i] if design is not None else np.nan
        if math.isnan(z[i]):
            status.append(None)
        elif abs(z[i]) >= efficacy_at[i]:
            status.append("benefit" if z[i] < 0 else "harm")
        elif inside[i] and not math.isnan(b) and b > 0 and abs(z[i]) <= b:
            status.append("futility")
        else:
            status.append(None)
    history = [
        {"study": looks.loc[i, "study"], "event": s}
        for i, s in enumerate(status)
        if s is not None and (i == 0 or status[i - 1] != s)
    ]
    conclusion = status[-1] or ("ris_reached" if not inside[-1] else "inconclusive")
    crossed_at = None
    if status[-1] is not None:
        i = len(status) - 1
        while i > 0 and status[i - 1] == status[-1]:
            i -= 1
        crossed_at = looks.loc[i, "study"]

    last = stats_table.iloc[-1]
    est, se = float(last[f"log_{model}"]), float(last[f"se_{model}"])
    zc = float(stats.norm.ppf(1 - alpha / 2))
    c = float(efficacy_at[-1]) if inside[-1] else zc
    adjusted = {
        "estimate": math.exp(est),
        "naive_lower": math.exp(est - zc * se),
        "naive_upper": math.exp(est + zc * se),
        "adjusted_lower": math.exp(est - c * se),
        "adjusted_upper": math.exp(est + c * se),
        "critical_value": c,
        "fraction": float(n_cum[-1] / info),
    }
    return TSAResult(
        model,
        looks,
        curve,
        ris,
        info,
        inflation,
        futility,
        adjusted,
        conclusion,
        crossed_at,
        history=history,
    )


def trial_sequential_analysis(
    studies: pd.DataFrame,
    p_control: float,
    rrr: float,
    measure: str = "RR",
    *,
    model: str = "fixed",
    alpha: float = 0.05,
    beta: float = 0.10,
    diversity: str | float = "estimated",
    futility: bool = True,
    order: str | None = "year",
    correction: str = "constant",
    stats_table: pd.DataFrame | None = None,
    grid_points: int = 120,
) -> TSAResult:
    """Run a TSA of ``studies`` with the Z-curve and the information size from the same model.

    Parameters
    ----------
    studies : pandas.DataFrame
        Trials (columns as in :func:`cumulative_statistics`).
    p_control : float
        Control event proportion for the RIS (proportion, 0-1).
    rrr : float
        Relative risk reduction to detect (the minimal clinically important difference;
        proportion, 0.20 for 20%).
    measure : {"RR", "OR"}
        Ratio measure of the Z-curve (natural log scale).
    model : str
        ``"fixed"`` pairs the Mantel-Haenszel Z-curve with the unadjusted RIS; the random models
        pair their Z-curve with the RIS adjusted by ``diversity``.
    alpha, beta : float
        Two-sided type I error (alpha/2 spent in each tail) and type II error (1 - power).
    diversity : "estimated", "i2", "none" or float
        Heterogeneity adjustment for the random models (ignored for ``"fixed"``): D^2 or I^2 of
        the trials, none, or a stated proportion (capped at 0.99).
    futility : bool
        Non-binding beta-spending futility boundaries (on by default).
    order : str or None
        Column to sort the trials by (stable); ``None`` keeps the file order.
    correction : {"constant", "treatment_arm", "none"}
        Continuity correction for zero cells (:func:`ta1sepsis.stats.meta_effects.study_effects`).
    stats_table : pandas.DataFrame, optional
        Precomputed :func:`cumulative_statistics` (to share it between models).
    grid_points : int
        Points of the boundary curves (0: no curves, for a TSA that is tabulated only).

    Returns
    -------
    TSAResult
        The analysis, with the heterogeneity adjustment used in ``notes``.

    References
    ----------
    Wetterslev J, Thorlund K, Brok J, Gluud C. J Clin Epidemiol 2008;61:64-75. Wetterslev J,
    Thorlund K, Brok J, Gluud C. BMC Med Res Methodol 2009;9:86. Thorlund K, et al. *User
    manual for Trial Sequential Analysis (TSA)*. Copenhagen Trial Unit 2017.

    Examples
    --------
    >>> studies = pd.read_csv("tests/reference/datasets/etass_tests.csv")
    >>> result = trial_sequential_analysis(studies, p_control=0.30, rrr=0.20)
    >>> adj = {key: round(value, 3) for key, value in result.adjusted.items()}
    >>> adj["estimate"], adj["adjusted_lower"], adj["adjusted_upper"]
    (0.897, 0.706, 1.139)
    >>> result.conclusion
    'inconclusive'
    """
    table = (
        stats_table
        if stats_table is not None
        else cumulative_statistics(studies, measure, correction, order)
    )
    if model == "fixed":
        d2, how = 0.0, "common-effect model: no heterogeneity adjustment"
    else:
        d2, how = _diversity_value(table, diversity)
    ris = required_information_size(p_control, rrr, alpha, beta, sides=2, diversity=min(d2, 0.99))
    result = monitor(
        table, model, ris, alpha, beta=beta, futility=futility, grid_points=grid_points
    )
    result.notes.append(f"heterogeneity adjustment: {how} = {d2:.3f}")
    result.notes += [n for n in table["note"] if n]
    return result


def diversity(studies: pd.DataFrame, measure: str = "RR", correction: str = "constant") -> float:
    """Compute the diversity D^2 = 1 - V_F / V_R of all ``studies``.

    V_F and V_R are the variances of the pooled estimate under the inverse-variance
    common-effect and the DerSimonian-Laird random-effects models.

    Parameters
    ----------
    studies : pandas.DataFrame
        Columns ``study``, ``ai``, ``n1i``, ``ci``, ``n2i`` (events and N, treatment then
        control).
    measure : {"RR", "OR", "RD"}
        Effect measure (natural log scale for the ratios).
    correction : {"constant", "treatment_arm", "none"}
        Continuity correction for zero cells (:func:`ta1sepsis.stats.meta_effects.study_effects`).

    Returns
    -------
    float
        D^2 as a proportion in [0, 1); 0 for a single study.

    References
    ----------
    Wetterslev J, Thorlund K, Brok J, Gluud C. Estimating required information size by
    quantifying diversity in random-effects model meta-analyses. BMC Med Res Methodol
    2009;9:86.

    Examples
    --------
    >>> studies = pd.read_csv("tests/reference/datasets/etass_tests.csv")
    >>> round(diversity(studies, "RR"), 3)
    0.534
    """
    eff = study_effects(studies, measure, correction)
    return _random_stats(eff)["d2"]


def excluded_effects(lower: float, upper: float) -> dict:
    """Express what a conventional ratio CI already excludes as relative effects.

    Relative reductions larger than 1 - lower and relative increases larger than upper - 1
    lie outside the interval.

    Parameters
    ----------
    lower, upper : float
        Confidence limits of a pooled ratio (RR, OR or HR; ratio scale, not log).

    Returns
    -------
    dict
        ``rrr_excluded_above`` (1 - lower) and ``rri_excluded_above`` (upper - 1), as
        proportions (0.25 for 25%).

    References
    ----------
    Higgins JPT, Li T, Deeks JJ (eds). *Cochrane Handbook for Systematic Reviews of
    Interventions*, version 6, ch. 6 (relative risk reduction = 1 - RR).

    Examples
    --------
    The Mantel-Haenszel risk ratio of ETASS and TESTS, 0.897 (0.752 to 1.069):

    >>> from ta1sepsis.stats.meta_pooling import mantel_haenszel
    >>> s = mantel_haenszel(pd.read_csv("tests/reference/datasets/etass_tests.csv"), "RR").summary()
    >>> {k: round(v, 3) for k, v in excluded_effects(s["lower"], s["upper"]).items()}
    {'rrr_excluded_above': 0.248, 'rri_excluded_above': 0.069}
    """
    return {"rrr_excluded_above": 1 - lower, "rri_excluded_above": upper - 1}
