"""Bayesian reanalysis of a trial's effect on the log hazard-ratio (or risk-ratio) scale.

Normal-normal conjugate model (Spiegelhalter, Abrams & Myles, *Bayesian Approaches to Clinical
Trials and Health-Care Evaluation*, 2004, ch. 3; the worked convention in the ANDROMEDA-SHOCK
discussion cited in the sources): likelihood theta_hat ~ N(theta, SE^2) with SE recovered from
the published CI, prior theta ~ N(mu0, sd0^2), posterior

    precision = 1/sd0^2 + 1/SE^2,  mean = (mu0/sd0^2 + theta_hat/SE^2) / precision.

Named priors (all on the log scale; ``mcid`` is the clinically important ratio, e.g. 0.7):

* sceptical: centred on no effect with P(ratio <= mcid) = 5%, sd0 = |ln mcid| / 1.645;
* enthusiastic: centred on ln mcid with P(ratio > 1) = 5%, the same sd0;
* neutral: N(0, 0.35^2), 95% of the mass between ratios of about 0.5 and 2 (the fixed-width
  convention of the NICHD hypothermia reanalysis, as quoted in the sources);
* minimally informative: N(0, ``vague_sd``^2);
* meta-analytic: N(ln E, SE_E^2) from an earlier pooled estimate E, optionally down-weighted by
  a power-prior weight a0 in (0, 1]: variance SE_E^2 / a0 (Ibrahim & Chen, Stat Sci 2000).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

Z95 = stats.norm.ppf(0.975)


@dataclass(frozen=True)
class Normal:
    """A normal distribution on the log-ratio scale."""

    mean: float
    sd: float

    def __post_init__(self):
        if not self.sd > 0:
            raise ValueError(f"a normal distribution needs a positive SD, got {self.sd}")

    def prob_below(self, ratio: float) -> float:
        """P(exp(theta) < ratio)."""
        return float(stats.norm.cdf((math.log(ratio) - self.mean) / self.sd))

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        z = stats.norm.ppf(0.5 + level / 2)
        return math.exp(self.mean - z * self.sd), math.exp(self.mean + z * self.sd)

    @property
    def median_ratio(self) -> float:
        return math.exp(self.mean)


def posterior(prior: Normal, estimate: float, se: float) -> Normal:
    """Conjugate update of ``prior`` with a log-scale ``estimate`` and its ``se``."""
    if not se > 0:
        raise ValueError(f"the likelihood needs a positive SE, got {se}")
    precision = 1 / prior.sd**2 + 1 / se**2
    mean = (prior.mean / prior.sd**2 + estimate / se**2) / precision
    return Normal(mean, precision**-0.5)


def sceptical_prior(mcid: float) -> Normal:
    return Normal(0.0, abs(math.log(mcid)) / stats.norm.ppf(0.95))


def enthusiastic_prior(mcid: float) -> Normal:
    return Normal(math.log(mcid), abs(math.log(mcid)) / stats.norm.ppf(0.95))


def meta_analytic_prior(estimate: float, lower: float, upper: float, weight: float = 1.0) -> Normal:
    """Prior from a published pooled ratio and 95% CI, with power-prior weight ``weight``."""
    if not 0 < weight <= 1:
        raise ValueError(f"the prior weight must lie in (0, 1], got {weight}")
    se = (math.log(upper) - math.log(lower)) / (2 * Z95)
    return Normal(math.log(estimate), se / math.sqrt(weight))


def summarise(dist: Normal, benefit_thresholds=(0.9, 0.8), harm_threshold: float = 1.0) -> dict:
    """Median ratio, 95% interval and the decision probabilities."""
    lo, hi = dist.interval()
    out = {
        "median": dist.median_ratio,
        "lower": lo,
        "upper": hi,
        "p_benefit": dist.prob_below(1.0),
        "p_harm": 1 - dist.prob_below(harm_threshold),
    }
    for t in benefit_thresholds:
        out[f"p_below_{t:g}"] = dist.prob_below(t)
    return out


def density_curve(dist: Normal, ratios: np.ndarray) -> np.ndarray:
    """Density of log(ratio) evaluated at ``ratios`` (for plotting on a log axis)."""
    return stats.norm.pdf(np.log(ratios), dist.mean, dist.sd)
