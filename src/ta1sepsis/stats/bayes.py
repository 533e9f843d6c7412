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
import re
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from ta1sepsis.stats.absolute import ratio_for_risk_difference

Z95 = stats.norm.ppf(0.975)


class _OnLogRatio:
    """The ratio-scale summaries of a distribution of theta, the log ratio.

    Derived from its ``cdf`` and ``quantile``; shared by :class:`Normal` and :class:`Mixture`.
    """

    def prob_below(self, ratio: float) -> float:
        """Return P(exp(theta) < ratio).

        Parameters
        ----------
        ratio : float
            A ratio (> 0, not log).

        Returns
        -------
        float
            The probability.
        """
        return self.cdf(math.log(ratio))

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Return the central ``level`` interval of the ratio.

        Parameters
        ----------
        level : float
            Probability content (proportion; 0.95 for 95%).

        Returns
        -------
        tuple of float
            (lower, upper) on the ratio scale.
        """
        return (
            math.exp(self.quantile(0.5 - level / 2)),
            math.exp(self.quantile(0.5 + level / 2)),
        )


@dataclass(frozen=True)
class Normal(_OnLogRatio):
    """A normal distribution on the log-ratio scale.

    Attributes
    ----------
    mean : float
        Mean of theta, the log ratio (natural log scale).
    sd : float
        Standard deviation of theta (natural log scale), > 0.

    Examples
    --------
    The neutral prior N(0, 0.35^2):

    >>> print("{:.3f} to {:.3f}".format(*Normal(0.0, 0.35).interval()))
    0.504 to 1.986
    """

    mean: float
    sd: float

    def __post_init__(self):
        """Reject a standard deviation that is not positive."""
        if not self.sd > 0:
            raise ValueError(f"a normal distribution needs a positive SD, got {self.sd}")

    def cdf(self, x: float) -> float:
        """Return P(theta <= x).

        Parameters
        ----------
        x : float
            A log ratio (natural log scale).

        Returns
        -------
        float
            The probability.
        """
        return float(stats.norm.cdf((x - self.mean) / self.sd))

    def quantile(self, q: float) -> float:
        """Return the ``q`` quantile of theta.

        Parameters
        ----------
        q : float
            Probability in (0, 1).

        Returns
        -------
        float
            The quantile on the natural log scale.
        """
        return float(self.mean + self.sd * stats.norm.ppf(q))

    @property
    def median_ratio(self) -> float:
        """Median of the ratio, exp(mean)."""
        return math.exp(self.mean)

    def density(self, x: np.ndarray) -> np.ndarray:
        """Evaluate the density of theta at the log ratios ``x``.

        Parameters
        ----------
        x : numpy.ndarray
            Log ratios (natural log scale).

        Returns
        -------
        numpy.ndarray
            Density per unit of log ratio.
        """
        return stats.norm.pdf(x, self.mean, self.sd)


@dataclass(frozen=True)
class Mixture(_OnLogRatio):
    """A finite mixture of normals on the log-ratio scale (weights sum to 1).

    Attributes
    ----------
    weights : tuple of float
        Component weights (proportions, >= 0, summing to 1).
    components : tuple of Normal
        The normal components (natural log scale).

    Examples
    --------
    >>> prior = Mixture((0.5, 0.5), (Normal(-0.3, 0.1), Normal(0.0, 2.0)))
    >>> print(f"median ratio {prior.median_ratio:.3f}, P(ratio < 1) {prior.prob_below(1.0):.3f}")
    median ratio 0.751, P(ratio < 1) 0.749
    """

    weights: tuple[float, ...]
    components: tuple[Normal, ...]

    def __post_init__(self):
        """Reject weights that do not match the components, are negative or do not sum to 1."""
        if len(self.weights) != len(self.components) or not self.components:
            raise ValueError("a mixture needs one weight per component")
        if min(self.weights) < 0 or not math.isclose(sum(self.weights), 1.0, abs_tol=1e-9):
            raise ValueError("mixture weights must be >= 0 and sum to 1")

    def cdf(self, x: float) -> float:
        """Return P(theta <= x), the weighted sum of the components' probabilities.

        Parameters
        ----------
        x : float
            A log ratio (natural log scale).

        Returns
        -------
        float
            The probability.
        """
        return float(sum(w * c.cdf(x) for w, c in zip(self.weights, self.components, strict=True)))

    def quantile(self, q: float) -> float:
        """Return the ``q`` quantile of theta, found by root-finding on :meth:`cdf`.

        Parameters
        ----------
        q : float
            Probability in (0, 1).

        Returns
        -------
        float
            The quantile on the natural log scale.
        """
        lo = min(c.mean - 12 * c.sd for c in self.components)
        hi = max(c.mean + 12 * c.sd for c in self.components)
        return float(optimize.brentq(lambda x: self.cdf(x) - q, lo, hi, xtol=1e-12))

    @property
    def median_ratio(self) -> float:
        """Median of the ratio, exp of the median of theta."""
        return math.exp(self.quantile(0.5))

    @property
    def mean(self) -> float:
        """Mean of theta (natural log scale)."""
        return float(sum(w * c.mean for w, c in zip(self.weights, self.components, strict=True)))

    @property
    def sd(self) -> float:
        """Standard deviation of theta (natural log scale)."""
        m = self.mean
        second = sum(
            w * (c.sd**2 + c.mean**2) for w, c in zip(self.weights, self.components, strict=True)
        )
        return float(math.sqrt(second - m**2))

    def density(self, x: np.ndarray) -> np.ndarray:
        """Evaluate the density of theta at the log ratios ``x``.

        Parameters
        ----------
        x : numpy.ndarray
            Log ratios (natural log scale).

        Returns
        -------
        numpy.ndarray
            Density per unit of log ratio.
        """
        return sum(w * c.density(x) for w, c in zip(self.weights, self.components, strict=True))


Distribution = Normal | Mixture


def posterior(prior: Distribution, estimate: float, se: float) -> Distribution:
    """Update ``prior`` with a log-scale ``estimate`` and its ``se`` (conjugate normal model).

    Posterior precision 1/sd0^2 + 1/SE^2 and mean (mu0/sd0^2 + estimate/SE^2) / precision. A
    mixture prior is updated component by component, with weights proportional to each
    component's marginal likelihood N(estimate; mu_k, sd_k^2 + SE^2).

    Parameters
    ----------
    prior : Normal or Mixture
        On the log-ratio scale.
    estimate : float
        Log ratio estimated by the data (natural log scale).
    se : float
        Its standard error (> 0).

    Returns
    -------
    Normal or Mixture
        The posterior, of the prior's kind.

    References
    ----------
    Spiegelhalter DJ, Abrams KR, Myles JP. *Bayesian Approaches to Clinical Trials and
    Health-Care Evaluation*. Wiley 2004, ch. 3. Schmidli H, Gsteiger S, Roychoudhury S, O'Hagan
    A, Spiegelhalter D, Neuenschwander B. Biometrics 2014;70:1023-1032 (mixture priors).

    Examples
    --------
    >>> post = posterior(Normal(0.0, 1.0), -0.5, 1.0)
    >>> round(post.mean, 3), round(post.sd, 4)
    (-0.25, 0.7071)

    ETASS's 28-day risk ratio (47/181 vs 63/180 deaths) under the sceptical prior for an MCID
    of 0.85:

    >>> import pandas as pd
    >>> from ta1sepsis.stats.meta_effects import study_effects
    >>> etass = study_effects(pd.read_csv("tests/reference/datasets/etass_tests.csv")).table.iloc[0]
    >>> post = posterior(sceptical_prior(0.85), etass["yi"], math.sqrt(etass["vi"]))
    >>> print("RR {:.3f} ({:.3f} to {:.3f})".format(post.median_ratio, *post.interval()))
    RR 0.922 (0.782 to 1.087)
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
    """Convert a minimal clinically important relative reduction to the ratio 1 - RRR.

    Parameters
    ----------
    relative_reduction : float
        The MCID as a relative reduction, in (0, 1) (0.15 for 15%; an assumption, set in
        ``params/shared.yaml``).

    Returns
    -------
    float
        The ratio 1 - RRR.

    References
    ----------
    Spiegelhalter DJ, Abrams KR, Myles JP. *Bayesian Approaches to Clinical Trials and
    Health-Care Evaluation*. Wiley 2004, ch. 5 (priors built on a clinically important
    difference).

    Examples
    --------
    >>> mcid_ratio(0.15)
    0.85
    """
    if not 0 < relative_reduction < 1:
        raise ValueError(
            f"the MCID relative reduction must lie in (0, 1), got {relative_reduction}"
        )
    return 1 - relative_reduction


def sceptical_prior(mcid: float) -> Normal:
    """Build the sceptical prior: centred on no effect, P(ratio <= ``mcid``) = 5%.

    Parameters
    ----------
    mcid : float
        The MCID as a ratio below 1 (e.g. 0.85, from :func:`mcid_ratio`).

    Returns
    -------
    Normal
        N(0, sd0^2) on the natural log scale, sd0 = |ln mcid| / 1.645.

    References
    ----------
    Spiegelhalter DJ, Abrams KR, Myles JP. *Bayesian Approaches to Clinical Trials and
    Health-Care Evaluation*. Wiley 2004, ch. 5 (sceptical priors).

    Examples
    --------
    >>> prior = sceptical_prior(0.85)
    >>> print(f"SD {prior.sd:.4f}, P(ratio <= 0.85) {prior.prob_below(0.85):.3f}")
    SD 0.0988, P(ratio <= 0.85) 0.050
    """
    return Normal(0.0, abs(math.log(mcid)) / stats.norm.ppf(0.95))


def enthusiastic_prior(mcid: float) -> Normal:
    """Build the enthusiastic prior: centred on the MCID ratio ``mcid``, P(ratio > 1) = 5%.

    Parameters
    ----------
    mcid : float
        The MCID as a ratio below 1 (e.g. 0.85, from :func:`mcid_ratio`).

    Returns
    -------
    Normal
        N(ln mcid, sd0^2) on the natural log scale, sd0 = |ln mcid| / 1.645.

    References
    ----------
    Spiegelhalter DJ, Abrams KR, Myles JP. *Bayesian Approaches to Clinical Trials and
    Health-Care Evaluation*. Wiley 2004, ch. 5 (enthusiastic priors).

    Examples
    --------
    >>> prior = enthusiastic_prior(0.85)
    >>> print(f"median {prior.median_ratio:.2f}, P(ratio > 1) {1 - prior.prob_below(1.0):.3f}")
    median 0.85, P(ratio > 1) 0.050
    """
    return Normal(math.log(mcid), abs(math.log(mcid)) / stats.norm.ppf(0.95))


def turner_tau2_nodes(
    mean_log: float, sd_log: float, nodes: int = 40
) -> tuple[np.ndarray, np.ndarray]:
    """Compute Gauss-Hermite nodes and weights for tau^2 ~ log-normal(mean_log, sd_log^2).

    Parameters
    ----------
    mean_log : float
        Mean of ln tau^2 (tau^2 on the log-ratio scale squared).
    sd_log : float
        Standard deviation of ln tau^2.
    nodes : int
        Number of quadrature nodes.

    Returns
    -------
    tau2, weights : numpy.ndarray
        Nodes on the tau^2 scale and weights summing to 1.

    References
    ----------
    Turner RM, Jackson D, Wei Y, Thompson SG, Higgins JPT. Predictive distributions for
    between-study heterogeneity and simple methods for their application in Bayesian
    meta-analysis. Stat Med 2015;34:984-998. The nodes are those of the probabilists'
    Gauss-Hermite rule (``numpy.polynomial.hermite_e.hermegauss``).

    Examples
    --------
    Turner et al.'s predictive distribution for all-cause mortality, pharmacological
    intervention against placebo or control (``data/method_facts.csv``):

    >>> import pandas as pd
    >>> facts = pd.read_csv("data/method_facts.csv", index_col="fact_id")["value"]
    >>> key = "heterogeneity_prior.turner2015.mortality_pharm_vs_placebo"
    >>> tau2, w = turner_tau2_nodes(facts[key + ".mean_log_tau2"], facts[key + ".sd_log_tau2"])
    >>> print(len(tau2), f"{w.sum():.6f}", f"mean of ln tau^2 {np.sum(w * np.log(tau2)):.2f}")
    40 1.000000 mean of ln tau^2 -3.95
    """
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    return np.exp(mean_log + sd_log * x), w / w.sum()


def meta_analytic_predictive_prior(
    estimate: float,
    lower: float,
    upper: float,
    tau2: float | tuple[float, float] = 0.0,
    *,
    robust_weight: float = 1.0,
    vague_sd: float = 10.0,
    level: float = 0.95,
) -> Distribution:
    """Build a predictive prior for a new trial's effect from a published pooled ratio and CI.

    The predictive distribution is N(ln estimate, SE^2 + tau^2), with SE recovered from the
    CI; an uncertain tau^2 is integrated over a log-normal distribution, giving a scale
    mixture of normals; a robust weight below 1 adds a vague component.

    Parameters
    ----------
    estimate, lower, upper : float
        Published pooled ratio and its CI at ``level`` (ratio scale, not log).
    tau2 : float or (mean_log, sd_log)
        Between-trial variance on the log scale, or the parameters of a log-normal predictive
        distribution for it (Turner et al. 2015) to integrate over.
    robust_weight : float
        Weight w in (0, 1] on the predictive component; 1 - w goes to N(0, vague_sd^2).
    vague_sd : float
        SD of the robust component (log scale).
    level : float
        Level of the published CI (proportion; 0.95 for 95%).

    Returns
    -------
    Normal or Mixture
        The prior on the natural log scale: a normal when tau^2 is a number and
        ``robust_weight`` is 1, otherwise a mixture.

    References
    ----------
    Schmidli H, Gsteiger S, Roychoudhury S, O'Hagan A, Spiegelhalter D, Neuenschwander B.
    Robust meta-analytic-predictive priors in clinical trials with historical control
    information. Biometrics 2014;70:1023-1032. Turner RM, et al. Stat Med 2015;34:984-998.
    Higgins JPT, Thompson SG, Spiegelhalter DJ. J R Stat Soc A 2009;172:137-159 (predictive
    distribution of the effect in a new study).

    Examples
    --------
    Gu 2018's pooled 28-day RR, 0.69 (0.60 to 0.80), half-weighted against N(0, 2^2):

    >>> import pandas as pd
    >>> pub = pd.read_csv("data/published_estimates.csv", index_col="estimate_id")
    >>> gu = pub.loc["gu2018.mortality_28d.rr", ["estimate", "ci_lower", "ci_upper"]]
    >>> prior = meta_analytic_predictive_prior(*gu, tau2=0.0, robust_weight=0.5, vague_sd=2.0)
    >>> print(prior.weights, "{:.3f} to {:.3f}".format(*prior.components[0].interval()))
    (0.5, 0.5) 0.598 to 0.797
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


def absolute_column(kind: str, risk_difference: float) -> str:
    """Name the column in which :func:`summarise` puts P(absolute reduction or increase >= x).

    Parameters
    ----------
    kind : {"arr", "ari"}
        Absolute risk reduction or increase.
    risk_difference : float
        x as a proportion (0.01 for 1 percentage point, 10 per 1000).

    Returns
    -------
    str

    References
    ----------
    The decision probabilities of :func:`summarise` (Spiegelhalter DJ, Abrams KR, Myles JP.
    *Bayesian Approaches to Clinical Trials and Health-Care Evaluation*. Wiley 2004, ch. 3).

    Examples
    --------
    >>> absolute_column("arr", 0.018), absolute_column("ari", 10 / 1000)
    ('p_arr_ge_1.8pp', 'p_ari_ge_1pp')
    """
    return f"p_{kind}_ge_{100 * risk_difference:g}pp"


_SUMMARY_COLUMN = re.compile(
    r"^p_(?:(?P<side>benefit|harm)|below_(?P<ratio>[0-9.]+)|(?P<kind>arr|ari)_ge_(?P<x>[0-9.]+)pp)$"
)


def summary_headers(columns, ratio: str = "ratio") -> dict[str, str]:
    """Reader's headers for the probability columns of :func:`summarise`.

    Parameters
    ----------
    columns : iterable of str
        Column names; those that are not probability columns of :func:`summarise` are left out.
    ratio : str
        The ratio's abbreviation for ``p_below_<r>`` ("HR", "OR").

    Returns
    -------
    dict
        Old name to new name, for :meth:`pandas.DataFrame.rename`.

    References
    ----------
    The decision probabilities of :func:`summarise` (Spiegelhalter DJ, Abrams KR, Myles JP.
    *Bayesian Approaches to Clinical Trials and Health-Care Evaluation*. Wiley 2004, ch. 3).

    Examples
    --------
    >>> summary_headers(["median", "p_benefit", "p_below_0.85", "p_arr_ge_1.8pp", "p_ari_ge_1pp"], "HR")
    {'p_benefit': 'P(benefit)', 'p_below_0.85': 'P(HR < 0.85)', 'p_arr_ge_1.8pp': 'P(risk ≥ 1.8 points lower)', 'p_ari_ge_1pp': 'P(risk ≥ 1 point higher)'}
    """
    names = {}
    for column in columns:
        m = _SUMMARY_COLUMN.match(str(column))
        if not m:
            continue
        if m["side"]:
            names[column] = f"P({m['side']})"
        elif m["ratio"]:
            names[column] = f"P({ratio} < {m['ratio']})"
        else:
            points = "point" if float(m["x"]) == 1 else "points"
            way = "lower" if m["kind"] == "arr" else "higher"
            names[column] = f"P(risk ≥ {m['x']} {points} {way})"
    return names


def summarise(
    dist: Distribution,
    benefit_thresholds=(0.9, 0.8),
    harm_threshold: float = 1.0,
    baseline_risk: float | None = None,
    *,
    absolute_benefits=(0.01, 0.02, 0.05),
    absolute_harm: float = 0.02,
    scale: str = "RR",
    level: float = 0.95,
) -> dict:
    """Summarise a log-ratio distribution: median, interval and decision probabilities.

    Parameters
    ----------
    dist : Normal or Mixture
        Posterior (or prior) on the log-ratio scale.
    benefit_thresholds : sequence of float
        Ratios r: report P(ratio < r).
    harm_threshold : float
        Report P(ratio > harm_threshold).
    baseline_risk : float, optional
        Control risk (proportion) at which absolute effects are evaluated (an assumption,
        stated by the caller). If given, P(absolute risk reduction >= x) for x in
        ``absolute_benefits`` and P(absolute risk increase >= ``absolute_harm``) are reported.
    absolute_benefits : sequence of float
        Absolute risk reductions x (proportions; 0.01 for 1 percentage point).
    absolute_harm : float
        Absolute risk increase (proportion).
    scale : {"RR", "OR", "HR"}
        How the ratio maps to a treated risk (:mod:`ta1sepsis.stats.absolute`).
    level : float
        Probability of the equal-tailed interval ``lower`` to ``upper`` (0.95 for 95%).

    Returns
    -------
    dict
        ``median``, ``lower``, ``upper`` (ratio scale, the interval at ``level``), ``p_benefit`` (P(ratio < 1)),
        ``p_harm``, ``p_below_<r>``, and ``p_arr_ge_<x>``, ``p_ari_ge_<x>`` (x in percentage
        points) when ``baseline_risk`` is given; all probabilities are proportions.

    References
    ----------
    Spiegelhalter DJ, Abrams KR, Myles JP. *Bayesian Approaches to Clinical Trials and
    Health-Care Evaluation*. Wiley 2004, ch. 3. Collett D. *Modelling Survival Data in Medical
    Research*, 3rd ed. 2015, ch. 3 (risks under proportional hazards, for ``scale="HR"``).

    Examples
    --------
    >>> s = summarise(sceptical_prior(0.85), benefit_thresholds=(0.85,), baseline_risk=0.35)
    >>> print(f"{s['median']:.2f} ({s['lower']:.3f} to {s['upper']:.3f}); {s['p_below_0.85']:.3f}")
    1.00 (0.824 to 1.214); 0.050
    >>> print(f"P(ARR >= 2 points) {s['p_arr_ge_2pp']:.3f}")
    P(ARR >= 2 points) 0.276
    """
    lo, hi = dist.interval(level)
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
            out[absolute_column("arr", x)] = dist.prob_below(r)
        r = ratio_for_risk_difference(baseline_risk, absolute_harm, scale)
        out[absolute_column("ari", absolute_harm)] = 1 - dist.prob_below(r)
    return out


def density_curve(dist: Distribution, ratios: np.ndarray) -> np.ndarray:
    """Evaluate the density of log(ratio) at ``ratios`` (for plotting on a log axis).

    Parameters
    ----------
    dist : Normal or Mixture
        A distribution of theta, the log ratio.
    ratios : numpy.ndarray
        Ratios (> 0, not log).

    Returns
    -------
    numpy.ndarray
        Density of theta at ln(ratios), per unit of log ratio.

    References
    ----------
    Spiegelhalter DJ, Abrams KR, Myles JP. *Bayesian Approaches to Clinical Trials and
    Health-Care Evaluation*. Wiley 2004, ch. 3 (normal distributions on the log-ratio scale).

    Examples
    --------
    >>> density_curve(Normal(0.0, 0.35), np.array([0.5, 1.0, 2.0])).round(3).tolist()
    [0.16, 1.14, 0.16]
    """
    return dist.density(np.log(ratios))
