"""Bayesian reanalysis of a trial's effect on the log ratio scale (RR, OR or HR).

Normal-normal conjugate model (Spiegelhalter, Abrams & Myles, *Bayesian Approaches to Clinical
Trials and Health-Care Evaluation*, 2004, ch. 3; the convention of the ANDROMEDA-SHOCK discussion
on datamethods.org): likelihood theta_hat ~ N(theta, SE^2), with SE from the counts or recovered
from a published CI; prior theta ~ N(mu0, sd0^2); posterior precision 1/sd0^2 + 1/SE^2 and mean
(mu0/sd0^2 + theta_hat/SE^2) / precision. Mixture priors (below) update component by component,
with weights proportional to each component's marginal likelihood N(theta_hat; mu_k, sd_k^2 +
SE^2) (Schmidli et al., Biometrics 2014;70:1023-1032).

Named priors, all on the log scale, built on the minimal clinically important difference (MCID,
an *assumption* set once in ``params/shared.yaml``) expressed as a ratio r = 1 - RRR_MCID:

* sceptical: centred on no effect with P(ratio <= r) = 5%: sd0 = |ln r| / 1.645;
* enthusiastic: centred on ln r with P(ratio > 1) = 5%: the same sd0;
* neutral: N(0, 0.35^2), 95% of the mass between ratios of about 0.5 and 2 (the fixed-width
  convention of the NICHD late-hypothermia reanalysis, as quoted by the SFPT methods white paper);
* minimally informative: N(0, ``vague_sd``^2);
* meta-analytic *predictive*: what an earlier pooled estimate predicts for the effect in a new
  trial, N(ln E, SE_E^2 + tau^2), with tau^2 the between-trial variance; when tau^2 is not
  published it is integrated over an empirical predictive distribution (Turner et al., Stat Med
  2015;34:984-998: log tau^2 ~ N(m, s^2)), giving a scale mixture of normals; made *robust* by a
  weight ``w`` on it and 1 - w on the minimally informative prior (Schmidli et al. 2014).

Applying a ratio MCID defined on the risk scale to a hazard or odds ratio is an approximation,
said wherever it is used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from .absolute import ratio_for_risk_difference

Z95 = stats.norm.ppf(0.975)


@dataclass(frozen=True)
class Normal:
    """A normal distribution on the log-ratio scale."""

    mean: float
    sd: float

    def __post_init__(self):
        if not self.sd > 0:
            raise ValueError(f"a normal distribution needs a positive SD, got {self.sd}")

    def cdf(self, x: float) -> float:
        return float(stats.norm.cdf((x - self.mean) / self.sd))

    def prob_below(self, ratio: float) -> float:
        """P(exp(theta) < ratio)."""
        return self.cdf(math.log(ratio))

    def quantile(self, q: float) -> float:
        return float(self.mean + self.sd * stats.norm.ppf(q))

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        return (
            math.exp(self.quantile(0.5 - level / 2)),
            math.exp(self.quantile(0.5 + level / 2)),
        )

    @property
    def median_ratio(self) -> float:
        return math.exp(self.mean)

    def density(self, x: np.ndarray) -> np.ndarray:
        return stats.norm.pdf(x, self.mean, self.sd)


@dataclass(frozen=True)
class Mixture:
    """A finite mixture of normals on the log-ratio scale (weights sum to 1)."""

    weights: tuple[float, ...]
    components: tuple[Normal, ...]

    def __post_init__(self):
        if len(self.weights) != len(self.components) or not self.components:
            raise ValueError("a mixture needs one weight per component")
        if min(self.weights) < 0 or not math.isclose(sum(self.weights), 1.0, abs_tol=1e-9):
            raise ValueError("mixture weights must be >= 0 and sum to 1")

    def cdf(self, x: float) -> float:
        return float(sum(w * c.cdf(x) for w, c in zip(self.weights, self.components, strict=True)))

    def prob_below(self, ratio: float) -> float:
        return self.cdf(math.log(ratio))

    def quantile(self, q: float) -> float:
        lo = min(c.mean - 12 * c.sd for c in self.components)
        hi = max(c.mean + 12 * c.sd for c in self.components)
        return float(optimize.brentq(lambda x: self.cdf(x) - q, lo, hi, xtol=1e-12))

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        return (
            math.exp(self.quantile(0.5 - level / 2)),
            math.exp(self.quantile(0.5 + level / 2)),
        )

    @property
    def median_ratio(self) -> float:
        return math.exp(self.quantile(0.5))

    @property
    def mean(self) -> float:
        return float(sum(w * c.mean for w, c in zip(self.weights, self.components, strict=True)))

    @property
    def sd(self) -> float:
        m = self.mean
        second = sum(
            w * (c.sd**2 + c.mean**2) for w, c in zip(self.weights, self.components, strict=True)
        )
        return float(math.sqrt(second - m**2))

    def density(self, x: np.ndarray) -> np.ndarray:
        return sum(w * c.density(x) for w, c in zip(self.weights, self.components, strict=True))


Distribution = Normal | Mixture


def posterior(prior: Distribution, estimate: float, se: float) -> Distribution:
    """Conjugate update of ``prior`` with a log-scale ``estimate`` and its ``se``.

    Parameters
    ----------
    prior : Normal or Mixture
        On the log-ratio scale.
    estimate : float
        Log ratio estimated by the data.
    se : float
        Its standard error (> 0).

    Returns
    -------
    Normal or Mixture
        The posterior, of the prior's kind.

    Examples
    --------
    >>> post = posterior(Normal(0.0, 1.0), -0.5, 1.0)
    >>> round(post.mean, 3), round(post.sd, 4)
    (-0.25, 0.7071)
    """
    if not se > 0:
        raise ValueError(f"the likelihood needs a positive SE, got {se}")
    if isinstance(prior, Normal):
        precision = 1 / prior.sd**2 + 1 / se**2
        mean = (prior.mean / prior.sd**2 + estimate / se**2) / precision
        return Normal(mean, precision**-0.5)
    parts = [posterior(c, estimate, se) for c in prior.components]
    log_w = np.array(
        [
            math.log(w) + stats.norm.logpdf(estimate, c.mean, math.hypot(c.sd, se))
            if w > 0
            else -np.inf
            for w, c in zip(prior.weights, prior.components, strict=True)
        ]
    )
    w = np.exp(log_w - log_w.max())
    w = w / w.sum()
    return Mixture(tuple(float(x) for x in w), tuple(parts))


def mcid_ratio(relative_reduction: float) -> float:
    """The ratio 1 - RRR corresponding to a minimal clinically important relative reduction."""
    if not 0 < relative_reduction < 1:
        raise ValueError(
            f"the MCID relative reduction must lie in (0, 1), got {relative_reduction}"
        )
    return 1 - relative_reduction


def sceptical_prior(mcid: float) -> Normal:
    """Centred on no effect; 5% prior probability of a ratio at or below ``mcid`` (a ratio)."""
    return Normal(0.0, abs(math.log(mcid)) / stats.norm.ppf(0.95))


def enthusiastic_prior(mcid: float) -> Normal:
    """Centred on the MCID ratio ``mcid``; 5% prior probability of harm (ratio > 1)."""
    return Normal(math.log(mcid), abs(math.log(mcid)) / stats.norm.ppf(0.95))


def turner_tau2_nodes(
    mean_log: float, sd_log: float, nodes: int = 40
) -> tuple[np.ndarray, np.ndarray]:
    """Quadrature nodes and weights for tau^2 ~ log-normal(mean_log, sd_log^2) (Gauss-Hermite).

    Returns
    -------
    tau2, weights : numpy.ndarray
        Nodes on the tau^2 scale and weights summing to 1.
    """
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    return np.exp(mean_log + sd_log * x), w / w.sum()


def meta_analytic_predictive_prior(
    estimate: float,
    lower: float,
    upper: float,
    tau2: float | tuple[float, float] = 0.0,
    robust_weight: float = 1.0,
    vague_sd: float = 10.0,
    level: float = 0.95,
) -> Distribution:
    """Predictive prior for the effect in a new trial from a published pooled ratio and CI.

    Parameters
    ----------
    estimate, lower, upper : float
        Published pooled ratio and its CI at ``level``.
    tau2 : float or (mean_log, sd_log)
        Between-trial variance on the log scale, or the parameters of a log-normal predictive
        distribution for it (Turner et al. 2015) to integrate over.
    robust_weight : float
        Weight w in (0, 1] on the predictive component; 1 - w goes to N(0, vague_sd^2).
    vague_sd : float
        SD of the robust component (log scale).
    level : float
        Level of the published CI.

    Returns
    -------
    Normal or Mixture
    """
    if not 0 < robust_weight <= 1:
        raise ValueError(f"the robust weight must lie in (0, 1], got {robust_weight}")
    if min(estimate, lower, upper) <= 0 or lower > upper:
        raise ValueError("the pooled ratio and its CI must be positive and ordered")
    se = (math.log(upper) - math.log(lower)) / (2 * stats.norm.ppf(0.5 + level / 2))
    centre = math.log(estimate)
    if isinstance(tau2, tuple):
        nodes, weights = turner_tau2_nodes(*tau2)
        parts = [Normal(centre, math.sqrt(se**2 + t)) for t in nodes]
        informative: list[tuple[float, Normal]] = list(zip(weights, parts, strict=True))
    else:
        if tau2 < 0:
            raise ValueError("tau2 must be >= 0")
        informative = [(1.0, Normal(centre, math.sqrt(se**2 + tau2)))]
    if robust_weight == 1 and len(informative) == 1:
        return informative[0][1]
    items = [(robust_weight * w, c) for w, c in informative]
    if robust_weight < 1:
        items.append((1 - robust_weight, Normal(0.0, vague_sd)))
    total = sum(w for w, _ in items)
    return Mixture(tuple(w / total for w, _ in items), tuple(c for _, c in items))


def summarise(
    dist: Distribution,
    benefit_thresholds=(0.9, 0.8),
    harm_threshold: float = 1.0,
    baseline_risk: float | None = None,
    absolute_benefits=(0.01, 0.02, 0.05),
    absolute_harm: float = 0.02,
    scale: str = "RR",
) -> dict:
    """Median ratio, 95% interval and the decision probabilities, relative and absolute.

    Parameters
    ----------
    dist : Normal or Mixture
        Posterior (or prior) on the log-ratio scale.
    benefit_thresholds : sequence of float
        Ratios r: report P(ratio < r).
    harm_threshold : float
        Report P(ratio > harm_threshold).
    baseline_risk : float, optional
        Control risk at which absolute effects are evaluated (an assumption, stated by the
        caller). If given, P(absolute risk reduction >= x) for x in ``absolute_benefits`` and
        P(absolute risk increase >= ``absolute_harm``) are reported.
    scale : {"RR", "OR", "HR"}
        How the ratio maps to a treated risk (:mod:`ta1sepsis.absolute`).

    Returns
    -------
    dict
        ``median``, ``lower``, ``upper`` (ratio scale), ``p_benefit`` (P(ratio < 1)),
        ``p_harm``, ``p_below_<r>``, and ``p_arr_ge_<x>``, ``p_ari_ge_<x>`` (x in percentage
        points) when ``baseline_risk`` is given.
    """
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
    if baseline_risk is not None:
        for x in absolute_benefits:
            r = ratio_for_risk_difference(baseline_risk, -x, scale)
            out[f"p_arr_ge_{100 * x:g}pp"] = dist.prob_below(r)
        r = ratio_for_risk_difference(baseline_risk, absolute_harm, scale)
        out[f"p_ari_ge_{100 * absolute_harm:g}pp"] = 1 - dist.prob_below(r)
    return out


def density_curve(dist: Distribution, ratios: np.ndarray) -> np.ndarray:
    """Density of log(ratio) evaluated at ``ratios`` (for plotting on a log axis)."""
    return dist.density(np.log(ratios))
