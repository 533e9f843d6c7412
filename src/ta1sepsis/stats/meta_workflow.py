"""The steps of the meta-analysis notebook that are more than one call: ordering, the evidence
trajectory, the comparison with a published subset, the conflict test against earlier pooled
estimates (with prediction intervals where heterogeneity is known), and the bundle of trial
sequential analyses (each model paired with its own information size, the D^2 sensitivity and an
approximate analysis with a back-calculated block of trials).

Everything here works on any trials file in the documented format; nothing assumes Tα1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ta1sepsis.stats.binary import z_critical
from ta1sepsis.stats.meta_effects import StudyEffects, study_effects
from ta1sepsis.stats.reported_estimates import recover
from ta1sepsis.stats.tsa import (
    MODELS,
    TSAResult,
    cumulative_statistics,
    cumulative_statistics_from_effects,
    monitor,
    required_information_size,
)


def order_studies(studies: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Trials in chronological order when every trial has a year, else in file order.

    Parameters
    ----------
    studies : pandas.DataFrame
        Trials with an optional ``year`` column.

    Returns
    -------
    (pandas.DataFrame, str)
        The ordered table with a column ``order`` (0, 1, ...), and a sentence saying which
        order was used.

    Examples
    --------
    >>> s = pd.DataFrame({"study": ["B", "A"], "year": [2025, 2013]})
    >>> ordered, how = order_studies(s)
    >>> list(ordered.study), how
    (['A', 'B'], 'by year of publication (ties in file order)')
    """
    years = pd.to_numeric(studies.get("year"), errors="coerce") if "year" in studies else None
    if years is not None and years.notna().all():
        ordered = studies.assign(_y=years).sort_values("_y", kind="stable").drop(columns="_y")
        how = "by year of publication (ties in file order)"
    else:
        ordered = studies
        how = "in file order (not every trial has a year)"
    ordered = ordered.reset_index(drop=True)
    return ordered.assign(order=np.arange(len(ordered))), how


def per_study_intervals(effects: StudyEffects, level: float = 0.95) -> pd.DataFrame:
    """Each study's estimate and Wald CI on the reporting scale (after any continuity
    correction the effects carry).

    Parameters
    ----------
    effects : StudyEffects
        Effect sizes (log scale for RR and OR).
    level : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        study, estimate, lower, upper (ratios back-transformed).

    Examples
    --------
    >>> from ta1sepsis.stats.meta_effects import study_effects
    >>> s = pd.read_csv("tests/reference/datasets/etass_tests.csv")
    >>> per_study_intervals(study_effects(s, "RR")).round(3).values.tolist()[0]
    ['ETASS', 0.742, 0.541, 1.018]
    """
    ratio = effects.measure in ("RR", "OR")
    back = np.exp if ratio else (lambda x: x)
    half = z_critical(level) * np.sqrt(effects.vi)
    return pd.DataFrame(
        {
            "study": effects.table["study"].astype(str).to_numpy(),
            "estimate": back(effects.yi),
            "lower": back(effects.yi - half),
            "upper": back(effects.yi + half),
        }
    )


@dataclass
class Conflict:
    """The conflict tests of a new trial against earlier pooled estimates.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per earlier pooled estimate (:func:`conflict_tests`).
    notes : list of str
    """

    table: pd.DataFrame  # one row per earlier pooled estimate
    notes: list[str] = field(default_factory=list)


def conflict_tests(
    new: tuple[float, float],
    new_label: str,
    earlier: pd.DataFrame,
    level: float = 0.95,
    *,
    tau2_prior: tuple[float, float] | None = None,
) -> Conflict:
    """Is a new trial's effect compatible with each earlier pooled estimate?

    Two comparisons per earlier estimate (ratios on the log scale):

    * against the pooled **mean**: z = (y_new - y_MA) / sqrt(SE_new^2 + SE_MA^2) (Altman & Bland,
      BMJ 2003;326:219); this treats the new trial as estimating the same single effect;
    * against the **prediction** for a new trial: z = (y_new - y_MA) / sqrt(SE_new^2 + SE_MA^2 +
      tau^2) (Higgins, Thompson & Spiegelhalter, J R Stat Soc A 2009;172:137). A reported I^2 of
      0 is not evidence that tau^2 = 0, so when the review reports no tau^2 the prediction
      integrates over a stated heterogeneity prior, tau^2 ~ log-normal (Turner et al., Stat Med
      2015;34:984): the two-sided P of the observed difference under that scale mixture of
      normals.

    Parameters
    ----------
    new : (log estimate, SE)
        The new trial's effect on the log scale.
    new_label : str
    earlier : pandas.DataFrame
        Columns ``label``, ``estimate``, ``lower``, ``upper`` (ratio and CI), optionally
        ``ci_level`` (the level of that published CI; default ``level``), ``tau2`` (NaN when not
        reported) and ``source``.
    tau2_prior : (float, float), optional
        Mean and SD of ln tau^2 of a log-normal heterogeneity prior, used for the prediction
        test of every review without a reported tau^2.
    level : float
        Level of the intervals of the ratios of ratios.

    Returns
    -------
    Conflict

    References
    ----------
    Altman DG, Bland JM. BMJ 2003;326:219; Higgins JPT, Thompson SG, Spiegelhalter DJ. J R Stat
    Soc A 2009;172:137-159; Turner RM, et al. Stat Med 2015;34:984-998.

    Examples
    --------
    >>> earlier = pd.DataFrame({"label": ["MA"], "estimate": [0.69], "lower": [0.6],
    ...                         "upper": [0.8], "tau2": [float("nan")], "source": ["x"]})
    >>> c = conflict_tests((math.log(0.97), 0.11), "new trial", earlier)
    >>> round(float(c.table["P vs pooled mean"].iloc[0]), 3)
    0.01
    """
    y_new, se_new = new
    rows = []
    for r in earlier.itertuples():
        # each published interval at its own level (a ci_level column), else at ``level``
        source_level = getattr(r, "ci_level", level)
        rec = recover(
            r.estimate, r.lower, r.upper, level if pd.isna(source_level) else source_level
        )
        diff = y_new - rec.log_estimate
        se_mean = math.hypot(se_new, rec.se)
        row = {
            "earlier pooled estimate": r.label,
            "new trial": new_label,
            "ratio of ratios": math.exp(diff),
            "lower": math.exp(diff - z_critical(level) * se_mean),
            "upper": math.exp(diff + z_critical(level) * se_mean),
            "P vs pooled mean": float(2 * stats.norm.sf(abs(diff / se_mean))),
            "tau2 of the review": r.tau2,
            "P vs prediction": math.nan,
            "heterogeneity used": "",
            "source": r.source,
        }
        if not math.isnan(r.tau2):
            se_pred = math.sqrt(se_new**2 + rec.se**2 + r.tau2)
            row["P vs prediction"] = float(2 * stats.norm.sf(abs(diff / se_pred)))
            row["heterogeneity used"] = f"tau2 = {r.tau2:g} (reported)"
        elif tau2_prior is not None:
            from ta1sepsis.stats.bayes import turner_tau2_nodes

            nodes, weights = turner_tau2_nodes(*tau2_prior)
            cdf = float(
                np.sum(weights * stats.norm.cdf(diff / np.sqrt(se_new**2 + rec.se**2 + nodes)))
            )
            row["P vs prediction"] = 2 * min(cdf, 1 - cdf)
            row["heterogeneity used"] = (
                f"tau2 ~ log-normal, ln tau2 ~ N({tau2_prior[0]:g}, {tau2_prior[1]:g}^2) (prior)"
            )
        rows.append(row)
    return Conflict(pd.DataFrame(rows))


@dataclass
class TSABundle:
    """Trial sequential analyses of one data set under every model, and sensitivity tables.

    Attributes
    ----------
    stats_table : pandas.DataFrame
        The cumulative statistics (:func:`ta1sepsis.stats.tsa.cumulative_statistics`).
    pairings : dict of str to TSAResult
        Each model's Z-curve with its own information size.
    d2_table : pandas.DataFrame
        The information size and conclusion under each heterogeneity adjustment.
    block : dict of str to TSAResult
        The approximate TSAs with a block of trials as one pseudo-trial (when given).
    block_table : pandas.DataFrame or None
    """

    stats_table: pd.DataFrame
    pairings: dict[str, TSAResult]
    d2_table: pd.DataFrame
    block: dict[str, TSAResult] = field(default_factory=dict)
    block_table: pd.DataFrame | None = None


def tsa_bundle(
    studies: pd.DataFrame,
    p_control: float,
    rrr: float,
    measure: str,
    *,
    alpha: float,
    beta: float,
    futility: bool,
    correction: str,
    d2_upper: float,
    block: dict | None = None,
    drawn: tuple[str, ...] = MODELS,
) -> TSABundle:
    """Every pairing of Z-curve and information size, the D^2 sensitivity table and,
    optionally, an approximate TSA with a block of trials known only by its pooled estimate.

    Parameters
    ----------
    studies : pandas.DataFrame
        Trials in analysis order (counts as for :func:`ta1sepsis.stats.tsa.cumulative_statistics`).
    p_control, rrr : float
        Control risk and the relative risk reduction to detect (the design effect, an
        assumption).
    measure : {"RR", "OR"}
    alpha, beta : float
        Two-sided alpha, and beta for the futility boundaries and the information size.
    futility : bool
        Non-binding futility boundaries.
    correction : str
        Continuity correction for zero cells.
    d2_upper : float
        The stated upper value of D^2 for the sensitivity table (an assumption).
    block : dict, optional
        ``{"label", "log_estimate", "se", "patients"}`` of a block of trials entered as one
        pseudo-trial before the others (an approximation, labelled as such).
    drawn : tuple of str
        The models (of :data:`ta1sepsis.stats.tsa.MODELS`) whose boundary curves a figure
        draws; the others get no curves (``curve`` empty), which saves a third of the boundary
        work when two of three are drawn. Every model's looks and conclusion are computed.

    Returns
    -------
    TSABundle

    References
    ----------
    Wetterslev J, Thorlund K, Brok J, Gluud C. J Clin Epidemiol 2008;61:64-75; Copenhagen Trial
    Unit. TSA manual, 2011 (:mod:`ta1sepsis.stats.tsa`).

    Examples
    --------
    >>> s = pd.read_csv("tests/reference/datasets/etass_tests.csv")
    >>> b = tsa_bundle(s, 0.3, 0.2, "RR", alpha=0.05, beta=0.1, futility=True,
    ...                correction="constant", d2_upper=0.5)
    >>> list(b.pairings), b.pairings["fixed"].conclusion
    (['fixed', 'random_dl', 'random_dl_hksj'], 'inconclusive')
    """
    unknown = set(drawn) - set(MODELS)
    if unknown:
        raise ValueError(f"drawn: unknown models {sorted(unknown)}; the models are {MODELS}")
    table = cumulative_statistics(studies, measure, correction, order=None)
    last = table.iloc[-1]
    d2_est = 0.0 if math.isnan(last["d2"]) else float(last["d2"])
    i2 = 0.0 if math.isnan(last["i2"]) else float(last["i2"])
    pairings = {}
    done = {}  # (model, D2) -> result, so that a sensitivity row equal to a pairing is not redone
    for model in MODELS:
        d2 = min(0.0 if model == "fixed" else d2_est, 0.99)
        ris = required_information_size(p_control, rrr, alpha, beta, sides=2, diversity=d2)
        pairings[model] = done[(model, d2)] = monitor(
            table, model, ris, alpha, beta=beta, futility=futility, **_curves(model, drawn)
        )
    rows = []
    for label, value, model in (
        ("none (common-effect model)", 0.0, "fixed"),
        ("I² of the trials", i2, "random_dl"),
        ("D² estimated from the trials", d2_est, "random_dl"),
        ("stated upper value (assumption)", d2_upper, "random_dl"),
    ):
        ris = required_information_size(
            p_control, rrr, alpha, beta, sides=2, diversity=min(value, 0.99)
        )
        res = done.get((model, min(value, 0.99)))
        if res is None:  # tabulated, not drawn: no boundary curves
            res = monitor(table, model, ris, alpha, beta=beta, futility=futility, grid_points=0)
        rows.append(
            {
                "heterogeneity adjustment": label,
                "value": value,
                "Z-curve": model,
                "RIS (patients)": ris["ris"],
                "information size with futility inflation": res.information_size,
                "fraction accrued": res.adjusted["fraction"],
                "conclusion": res.conclusion,
            }
        )
    bundle = TSABundle(table, pairings, pd.DataFrame(rows))
    if block:
        per_trial = study_effects(studies, measure, correction)
        counts = (per_trial.table["n1i"] + per_trial.table["n2i"]).to_numpy(int)
        items = pd.DataFrame(
            {
                "study": [block["label"], *per_trial.table["study"].astype(str)],
                "yi": [block["log_estimate"], *per_trial.yi],
                "vi": [block["se"] ** 2, *per_trial.vi],
                "patients": [int(block["patients"]), *counts],
            }
        )
        block_stats = cumulative_statistics_from_effects(items)
        bundle.block_table = block_stats
        d2_block = float(block_stats.iloc[-1]["d2"])
        for model in MODELS:
            d2 = 0.0 if model == "fixed" else d2_block
            ris = required_information_size(
                p_control, rrr, alpha, beta, sides=2, diversity=min(d2, 0.99)
            )
            bundle.block[model] = monitor(
                block_stats,
                model,
                ris,
                alpha,
                beta=beta,
                futility=futility,
                **_curves(model, drawn),
            )
    return bundle


def _curves(model: str, drawn: tuple[str, ...]) -> dict:
    """Return the keyword of :func:`monitor` for a model's curves: none unless drawn."""
    return {} if model in drawn else {"grid_points": 0}
