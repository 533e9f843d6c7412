"""All the evidence in one answer: a bias-adjusted Bayesian random-effects synthesis.

The trials with counts enter with their log odds ratios; evidence that cannot be re-analysed
trial by trial (a block of small trials back-calculated from a published pooled estimate) enters
as one pseudo-trial whose estimate may be biased. Model, on the log odds ratio scale:

    y_i ~ N(theta_i, s_i^2)                         trials with counts
    y_B ~ N(theta_B + beta, s_B^2)                  the block, with an additive bias beta
    theta_i, theta_B ~ N(mu, tau^2)                 random effects
    beta ~ N(b0, sb^2)                              bias prior (meta-epidemiological)
    log tau^2 ~ N(m, s^2) (Turner et al. 2015)      heterogeneity prior
    mu ~ N(mu0, sd_mu^2)                            vague prior on the mean effect

Because beta enters additively and its prior is normal, it integrates out exactly: the block
contributes N(y_B - b0; theta_B, s_B^2 + sb^2) (Turner RM, Spiegelhalter DJ, Smith GCS,
Thompson SG. Bias modelling in evidence synthesis. J R Stat Soc A 2009;172:21-47,
doi:10.1111/j.1467-985X.2008.00547.x, section 3; Welton NJ, Ades AE, Carlin JB, Altman DG,
Sterne JAC. Models for potentially biased evidence in meta-analysis using empirically based
priors. J R Stat Soc A 2009;172:119-136, doi:10.1111/j.1467-985X.2008.00548.x). A power prior
with weight a in [0, 1] raises the block's likelihood to the power a, which for a normal
likelihood divides its precision by 1/a (Ibrahim JG, Chen MH. Power prior distributions for
regression models. Stat Sci 2000;15:46-60, doi:10.1214/ss/1009212673); a = 0 leaves the block
out. What remains, (mu, tau), is integrated by :func:`ta1sepsis.stats.bayes_meta.bayes_random_effects`:
mu analytically given tau, tau on a fine grid with Simpson's rule, so the answers carry no Monte
Carlo noise and are byte-identical between runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ta1sepsis.stats.absolute import per_1000, ratio_for_risk_difference
from ta1sepsis.stats.bayes_meta import BayesMetaResult, bayes_random_effects
from ta1sepsis.stats.reported_estimates import recover


@dataclass(frozen=True)
class BiasPrior:
    """A normal prior on the additive bias of the block's log odds ratio.

    Attributes
    ----------
    label : str
        What the prior is, in words (its source).
    mean : float
        Prior mean of the bias (natural log scale; negative: the block exaggerates benefit).
    sd : float
        Prior SD of the bias (natural log scale, >= 0).
    """

    label: str
    mean: float
    sd: float

    def __post_init__(self):
        """Refuse a non-finite mean or a negative or non-finite SD."""
        if not (math.isfinite(self.mean) and math.isfinite(self.sd)) or self.sd < 0:
            raise ValueError(f"bias prior {self.label!r}: mean and SD must be finite, SD >= 0")

    @classmethod
    def from_ratio(
        cls, label: str, ror: float, lower: float, upper: float, *, level: float
    ) -> BiasPrior:
        """Build the prior from a published ratio of odds ratios and its confidence interval.

        The mean is log(ror); the SD is the standard error implied by the interval,
        (log upper - log lower) / (2 z), z the normal quantile at ``level``. It describes
        the uncertainty of the average bias across the meta-analyses studied, not the
        variation of the bias between meta-analyses (which these publications do not give as
        a standard deviation), so it is a narrow prior.

        Examples
        --------
        >>> p = BiasPrior.from_ratio("Zhang 2013", 0.60, 0.53, 0.68, level=0.95)
        >>> round(p.mean, 4), round(p.sd, 4)
        (-0.5108, 0.0636)
        """
        if not 0 < lower <= ror <= upper:
            raise ValueError(
                f"bias prior {label!r}: need 0 < lower <= ratio <= upper, got "
                f"{ror} ({lower} to {upper})"
            )
        if not 0 < level < 1:
            raise ValueError(f"bias prior {label!r}: level must be in (0, 1), got {level}")
        return cls(label, math.log(ror), recover(ror, lower, upper, level).se)


def block_likelihood(
    y: float, se: float, bias: BiasPrior | None = None, weight: float = 1.0
) -> tuple[float, float] | None:
    """Return the block's normal likelihood after the bias adjustment and the power prior.

    Parameters
    ----------
    y, se : float
        The block's log odds ratio and its standard error.
    bias : BiasPrior, optional
        The bias prior; None for no adjustment.
    weight : float
        Power prior weight in [0, 1]; 0 leaves the block out (returns None).

    Returns
    -------
    (float, float) or None
        The adjusted estimate y - b0 and standard error sqrt((se^2 + sb^2) / weight).

    Examples
    --------
    >>> block_likelihood(-1.0, 0.3, BiasPrior("b", -0.5, 0.4), 0.25)
    (-0.5, 1.0)
    """
    if not 0 <= weight <= 1:
        raise ValueError(f"power prior weight must be in [0, 1], got {weight}")
    if se <= 0 or not math.isfinite(y):
        raise ValueError(f"the block needs a finite estimate and a positive SE, got {y}, {se}")
    if weight == 0:
        return None
    mean, sd = (bias.mean, bias.sd) if bias is not None else (0.0, 0.0)
    return y - mean, math.sqrt((se**2 + sd**2) / weight)


def synthesis(
    y: Sequence[float],
    se: Sequence[float],
    block: tuple[float, float] | None = None,
    bias: BiasPrior | None = None,
    *,
    weight: float = 1.0,
    log_tau2_prior: tuple[float, float] | None = None,
    tau_scale: float = 0.5,
    mu0: float = 0.0,
    sd_mu: float = 4.0,
) -> BayesMetaResult:
    """Posterior of the mean log odds ratio from trials with counts and a biased block.

    Parameters
    ----------
    y, se : sequence of float
        Log odds ratios and standard errors of the trials with counts (may be empty when a
        block is given).
    block : (float, float), optional
        The block's log odds ratio and standard error (derived); None: no block.
    bias : BiasPrior, optional
        Prior on the block's additive bias; None: no adjustment.
    weight : float
        Power prior weight of the block, in [0, 1].
    log_tau2_prior, tau_scale, mu0, sd_mu
        Priors, as in :func:`ta1sepsis.stats.bayes_meta.bayes_random_effects`.

    Returns
    -------
    BayesMetaResult
        ``summary()`` for the mean effect; the trials are sorted first, so the answer does not
        depend on their order, to the last bit.

    Examples
    --------
    Without a block this is the random-effects model of the trials alone:

    >>> a = synthesis([-0.4, -0.05], [0.22, 0.13], tau_scale=0.5).summary()
    >>> b = bayes_random_effects(np.array([-0.4, -0.05]), np.array([0.22, 0.13])).summary()
    >>> a == b
    True
    """
    pairs = [(float(a), float(b)) for a, b in zip(y, se, strict=True)]
    if block is not None:
        adjusted = block_likelihood(block[0], block[1], bias, weight)
        if adjusted is not None:
            pairs.append(adjusted)
    if not pairs:
        raise ValueError("nothing to pool: no trials and no block (or a block with weight 0)")
    pairs.sort()
    ys, ss = (np.array(v) for v in zip(*pairs, strict=True))
    return bayes_random_effects(
        ys, ss, tau_scale=tau_scale, mu0=mu0, sd_mu=sd_mu, log_tau2_prior=log_tau2_prior
    )


def decision_summary(
    result: BayesMetaResult,
    control_risk: float,
    benefit_per_1000: float,
    harm_per_1000: float,
    *,
    level: float,
) -> dict:
    """Summarise the posterior on the odds ratio and the absolute scale, with decision probabilities.

    Parameters
    ----------
    result : BayesMetaResult
    control_risk : float
        Risk without treatment (proportion) at which absolute effects are given.
    benefit_per_1000, harm_per_1000 : float
        Decision thresholds: the smallest important reduction and increase, per 1000.
    level : float
        Probability of the equal-tailed credible interval.

    Returns
    -------
    dict
        ``median``, ``lower``, ``upper`` (odds ratio), ``per1000``, ``per1000_lower``,
        ``per1000_upper`` (treated minus control deaths per 1000), ``p_benefit`` (P(OR < 1)),
        ``p_reduction`` (P(at least ``benefit_per_1000`` fewer)), ``p_harm``
        (P(at least ``harm_per_1000`` more)), ``tau_median`` and ``level``.

    Examples
    --------
    >>> r = synthesis([-0.2], [0.1], tau_scale=1e-6)
    >>> d = decision_summary(r, 0.25, 10, 10, level=0.95)
    >>> round(d["median"], 3), round(d["per1000"], 1)
    (0.819, -35.6)
    """
    tail = (1 - level) / 2
    quantiles = {
        k: result.quantile(q) for k, q in (("lower", tail), ("median", 0.5), ("upper", 1 - tail))
    }
    out = {k: math.exp(v) for k, v in quantiles.items()}
    absolute = per_1000(control_risk, out["median"], out["lower"], out["upper"], scale="OR")
    out["per1000_lower"] = absolute["difference_lower"]
    out["per1000"] = absolute["difference"]
    out["per1000_upper"] = absolute["difference_upper"]
    reduction = benefit_per_1000 / 1000
    increase = harm_per_1000 / 1000
    out["p_benefit"] = result.prob_below(0.0)
    out["p_reduction"] = (
        result.prob_below(math.log(ratio_for_risk_difference(control_risk, -reduction, "OR")))
        if control_risk - reduction > 0
        else 0.0
    )
    out["p_harm"] = (
        1 - result.prob_below(math.log(ratio_for_risk_difference(control_risk, increase, "OR")))
        if control_risk + increase < 1
        else 0.0
    )
    out["tau_median"] = result.tau_median
    out["level"] = level
    return out


def normal_approximation_gap(
    events_trt: int, n_trt: int, events_ctl: int, n_ctl: int, *, level: float
) -> float:
    """How far a trial's Wald interval for the log odds ratio is from its exact interval.

    The synthesis uses each trial's normal (Wald) likelihood for the log odds ratio. This
    returns the larger distance, on the log scale, between the Wald limits and the exact
    conditional limits (Fisher's noncentral hypergeometric; scipy.stats.contingency.odds_ratio),
    so a reader can see whether the approximation is adequate for the trial's counts.

    Parameters
    ----------
    events_trt, n_trt, events_ctl, n_ctl : int
        Events and patients in the treatment and control arms.
    level : float
        Confidence level of the two intervals (a proportion).

    Returns
    -------
    float
        The larger of the two distances between the limits (natural log scale); infinity for a
        table with an empty cell (no Wald interval).

    Examples
    --------
    >>> round(normal_approximation_gap(47, 181, 63, 180, level=0.95), 3)
    0.027
    """
    from scipy.stats.contingency import odds_ratio

    table = [[events_trt, n_trt - events_trt], [events_ctl, n_ctl - events_ctl]]
    if min(min(row) for row in table) <= 0:
        return math.inf  # a zero cell: no Wald interval
    exact = odds_ratio(table, kind="conditional").confidence_interval(confidence_level=level)
    log_or = math.log(table[0][0] * table[1][1] / (table[0][1] * table[1][0]))
    se = math.sqrt(sum(1 / c for row in table for c in row))
    z = float(stats.norm.ppf(0.5 + level / 2))
    return max(
        abs(log_or - z * se - math.log(exact.low)), abs(log_or + z * se - math.log(exact.high))
    )
