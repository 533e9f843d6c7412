"""All the evidence in one bias-adjusted answer (a section of notebook 09_synthesis).

The trials with counts (their log odds ratios from the trials file), the back-calculated block of
small trials (03_meta_analyses) and a prior on the block's bias from each published
meta-epidemiological estimate, combined by :mod:`ta1sepsis.stats.bias_adjusted`; the answer is
shown across bias priors and power prior weights, so a panel sees how it depends on how much
the small trials are trusted.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ta1sepsis.data.evidence_tables import method_fact
from ta1sepsis.stats.bias_adjusted import (
    BiasPrior,
    decision_summary,
    normal_approximation_gap,
    synthesis,
)
from ta1sepsis.stats.meta_effects import study_effects
from ta1sepsis.stats.meta_methods import trials_to_studies
from ta1sepsis.stats.reported_estimates import recover

# the figure's grid of power prior weights (the table uses the parameter's weights)
CURVE_WEIGHTS = np.linspace(0.0, 1.0, 21)
EXCLUDED = "trials with counts only (small trials left out)"
FACE_VALUE = "all evidence, small trials at face value"


def bias_label(prefix: str, ror: float, lower: float, upper: float) -> str:
    """'Zhang 2013, small trials: ROR 0.60 (0.53 to 0.68)' for a method-fact prefix and its
    ratio of odds ratios with its interval."""
    m = re.match(r"bias\.([a-z]+)(\d{4})\.(.+)$", prefix)
    who = f"{m[1].capitalize()} {m[2]}, {m[3].replace('_', ' ')}" if m else prefix
    return f"{who}: ROR {ror:.2f} ({lower:.2f} to {upper:.2f})"


def bias_prior(prefix: str, facts: pd.DataFrame) -> BiasPrior:
    """The bias prior of a method-fact prefix (rows .ror, .lower, .upper and .level)."""
    ror, lower, upper, level = (
        method_fact(facts, f"{prefix}.{part}") for part in ("ror", "lower", "upper", "level")
    )
    label = bias_label(prefix, ror, lower, upper)
    return BiasPrior.from_ratio(label, ror, lower, upper, level=level)


@dataclass
class AllEvidence:
    """The bias-adjusted synthesis and its sensitivity analyses.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per scenario: what the small trials count for, the bias prior, the posterior
        odds ratio (median, credible interval), deaths per 1000 and the decision probabilities.
    curves : dict of str to pandas.DataFrame
        The same quantities over :data:`CURVE_WEIGHTS`, without and with the primary bias prior.
    primary : dict
        The headline answer: all evidence with the primary bias prior.
    trials, gaps : list of str, list of float
        The trials with counts and how far each one's Wald interval is from its exact interval
        (log scale), the check of the normal approximation.
    """

    table: pd.DataFrame
    curves: dict
    primary: dict
    primary_label: str
    trials: list
    gaps: list
    block: dict
    turner: tuple
    level: float
    inputs: dict = field(default_factory=dict)


def all_evidence(
    trials: pd.DataFrame,
    block: dict,
    facts: pd.DataFrame,
    *,
    heterogeneity_prior: str,
    bias_priors: list[str],
    primary_bias_prior: str,
    weights: list[float],
    control_risk: float,
    thresholds: tuple[float, float],
) -> AllEvidence:
    """Run the synthesis for every scenario.

    Parameters
    ----------
    trials : pandas.DataFrame
        The trials file; its 28-day mortality rows are the trials with counts.
    block : dict
        The results entry ``meta.small_trials.backcalculated`` (odds ratio with its interval
        and level).
    facts : pandas.DataFrame
        The method facts (heterogeneity prior and bias estimates).
    heterogeneity_prior, bias_priors, primary_bias_prior, weights
        Parameters of 09_synthesis (see its schema).
    control_risk : float
        Assumed control risk (proportion) for the absolute effects.
    thresholds : (float, float)
        Decision thresholds for benefit and harm, deaths per 1000 (assumptions).
    """
    if primary_bias_prior not in bias_priors:
        raise ValueError(
            f"parameter primary_bias_prior = {primary_bias_prior!r} is not one of bias_priors "
            f"{bias_priors}"
        )
    level = float(block["level"])
    y_block = math.log(block["value"])
    se_block = recover(block["value"], block["lower"], block["upper"], level).se
    studies = trials_to_studies(trials, "mortality_28d")
    effects = study_effects(studies, "OR", correction="constant")
    y, se = list(effects.yi), list(np.sqrt(effects.vi))
    turner = tuple(
        method_fact(facts, f"{heterogeneity_prior}.{part}_log_tau2") for part in ("mean", "sd")
    )
    priors = {prefix: bias_prior(prefix, facts) for prefix in bias_priors}
    benefit, harm = thresholds

    def answer(bias, weight):
        result = synthesis(y, se, (y_block, se_block), bias, weight=weight, log_tau2_prior=turner)
        return decision_summary(result, control_risk, benefit, harm, level=level)

    scenarios = [(EXCLUDED, "none", None, 0.0), (FACE_VALUE, "none", None, 1.0)]
    scenarios += [
        (f"all evidence, bias-adjusted ({prior.label.split(':')[0]})", prior.label, prior, 1.0)
        for prior in priors.values()
    ]
    scenarios += [
        (f"small trials down-weighted (power prior {w:g})", "none", None, float(w))
        for w in weights
        if 0 < w < 1
    ]
    answers = [answer(bias, weight) for _, _, bias, weight in scenarios]
    table = pd.DataFrame(
        [
            {"scenario": name, "bias prior": words, "weight of the small trials": weight, **d}
            for (name, words, _, weight), d in zip(scenarios, answers, strict=True)
        ]
    )
    # the headline is the primary prior's scenario at full weight, computed above
    primary = next(
        d
        for (_, _, bias, _), d in zip(scenarios, answers, strict=True)
        if bias is priors[primary_bias_prior]
    )
    curves = {
        "no bias adjustment": pd.DataFrame(
            [{"weight": w, **answer(None, float(w))} for w in CURVE_WEIGHTS]
        ),
        f"bias-adjusted ({priors[primary_bias_prior].label.split(':')[0]})": pd.DataFrame(
            [{"weight": w, **answer(priors[primary_bias_prior], float(w))} for w in CURVE_WEIGHTS]
        ),
    }
    gaps = [
        normal_approximation_gap(int(r.ai), int(r.n1i), int(r.ci), int(r.n2i), level=level)
        for r in studies.itertuples()
    ]
    return AllEvidence(
        table=table,
        curves=curves,
        primary=primary,
        primary_label=priors[primary_bias_prior].label,
        trials=list(studies.study),
        gaps=gaps,
        block={"y": y_block, "se": se_block, **block},
        turner=turner,
        level=level,
        inputs={
            "trials": {
                name: {"log_or": a, "se": b}
                for name, a, b in zip(studies.study, y, se, strict=True)
            },
            "bias_priors": {
                prefix: {"label": p.label, "mean_log": p.mean, "sd_log": p.sd}
                for prefix, p in priors.items()
            },
        },
    )
