"""Bayesian random-effects meta-analysis of a few trials by numerical integration over tau.

Model (Friede, Röver, Wandel & Neuenschwander, Biom J 2017;59:658 — meta-analysis of two
studies; Röver, J Stat Softw 2020;93(6), the bayesmeta package):

    y_i ~ N(theta_i, s_i^2),  theta_i ~ N(mu, tau^2),  mu ~ N(mu0, sd_mu^2),
    tau ~ half-normal(scale)   or   log(tau^2) ~ N(m, s^2)

(the second is an empirical predictive distribution for the heterogeneity of a given outcome
type, Turner et al., Stat Med 2015;34:984-998; on tau its density is 2 tau times the log-normal
density of tau^2).

Given tau the model is conjugate in mu: with w_i = 1/(s_i^2 + tau^2) and prior precision
p0 = 1/sd_mu^2, mu | tau, y ~ N(m(tau), v(tau)), v = 1/(p0 + sum w), m = v (p0 mu0 + sum w y),
and the marginal likelihood of tau is the normal density of y with mean mu0 and covariance
diag(s^2 + tau^2) + sd_mu^2 J. The posterior of tau is therefore one-dimensional; posteriors of
mu and of a new trial's theta_new ~ N(mu, tau^2) are mixtures of normals over tau, integrated on
a fine grid (Simpson's rule on a transformed tau scale that covers the half-normal tail).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

GRID = 4002  # grid points on u in [0, 1]; the last (tau = infinity) is dropped, leaving an odd count for Simpson


@dataclass
class BayesMetaResult:
    """Posterior of tau on a grid and the conditional posteriors of mu given tau.

    Attributes
    ----------
    tau_grid : numpy.ndarray
        Grid of tau values (between-trial SD, natural log-ratio scale).
    tau_density : numpy.ndarray
        Posterior density of tau on the grid.
    mu_mean, mu_var : numpy.ndarray
        E[mu | tau, y] and Var[mu | tau, y] at each grid point (natural log scale).
    weights : numpy.ndarray
        Quadrature weights times the posterior density of tau (summing to 1).
    """

    tau_grid: np.ndarray
    tau_density: np.ndarray  # posterior density of tau on the grid
    mu_mean: np.ndarray  # E[mu | tau, y]
    mu_var: np.ndarray  # Var[mu | tau, y]
    weights: np.ndarray  # quadrature weights times posterior density of tau

    def _mixture_cdf(self, x: float, predictive: bool) -> float:
        sd = np.sqrt(self.mu_var + (self.tau_grid**2 if predictive else 0.0))
        # special.ndtr is the standard normal CDF that stats.norm.cdf evaluates, without its
        # argument checks: the same values, and the root searches call this thousands of times
        return float(np.sum(self.weights * special.ndtr((x - self.mu_mean) / sd)))

    def quantile(self, q: float, predictive: bool = False) -> float:
        """Return the ``q`` quantile of the posterior of mu (or of a new trial's theta).

        Parameters
        ----------
        q : float
            Probability in (0, 1).
        predictive : bool
            Quantile of theta_new ~ N(mu, tau^2), the effect in a new trial, instead of mu.

        Returns
        -------
        float
            The quantile on the natural log scale.
        """
        from scipy import optimize

        lo, hi = self.mu_mean.min() - 50, self.mu_mean.max() + 50
        return float(
            optimize.brentq(lambda x: self._mixture_cdf(x, predictive) - q, lo, hi, xtol=1e-10)
        )

    def prob_below(self, x: float, predictive: bool = False) -> float:
        """Return the posterior probability that mu (or a new trial's theta) is below ``x``.

        Parameters
        ----------
        x : float
            A log ratio (natural log scale; 0 for no effect).
        predictive : bool
            For theta_new, the effect in a new trial, instead of mu.

        Returns
        -------
        float
            The probability.
        """
        return self._mixture_cdf(x, predictive)

    @property
    def tau_median(self) -> float:
        """Posterior median of tau (natural log-ratio scale)."""
        cdf = np.cumsum(self.weights)
        return float(np.interp(0.5, cdf / cdf[-1], self.tau_grid))

    def summary(self, predictive: bool = False, level: float = 0.95) -> dict:
        """Summarise the posterior of mu (or of a new trial's theta) on the ratio scale.

        Parameters
        ----------
        predictive : bool
            Summarise theta_new, the effect in a new trial, instead of mu.
        level : float
            Probability of the equal-tailed credible interval (0.95 for 95%).

        Returns
        -------
        dict
            ``median``, ``lower`` and ``upper`` (the credible interval at ``level``) on the
            ratio scale, ``level``, and ``p_benefit``, the probability of a ratio below 1.
        """
        tail = (1 - level) / 2
        return {
            "median": float(np.exp(self.quantile(0.5, predictive))),
            "lower": float(np.exp(self.quantile(tail, predictive))),
            "upper": float(np.exp(self.quantile(1 - tail, predictive))),
            "level": level,
            "p_benefit": self.prob_below(0.0, predictive),
        }


def bayes_random_effects(
    y: np.ndarray,
    s: np.ndarray,
    tau_scale: float = 0.5,
    mu0: float = 0.0,
    *,
    sd_mu: float = 4.0,
    log_tau2_prior: tuple[float, float] | None = None,
) -> BayesMetaResult:
    """Posterior of mu and tau for log-scale estimates ``y`` with standard errors ``s``.

    Parameters
    ----------
    y, s : numpy.ndarray
        Log-scale estimates (natural log ratios) and their standard errors.
    tau_scale : float
        Scale of the half-normal prior on tau (log scale), used unless ``log_tau2_prior``.
    mu0, sd_mu : float
        Normal prior on the mean effect (log scale); the default is weakly informative.
    log_tau2_prior : (m, s), optional
        Log-normal prior on tau^2: log tau^2 ~ N(m, s^2) (Turner et al. 2015).

    Returns
    -------
    BayesMetaResult
        Posterior of tau on a grid and the conditional posteriors of mu; ``summary()`` gives the
        mean effect, ``summary(predictive=True)`` the effect in a new trial.

    References
    ----------
    Friede, Röver, Wandel & Neuenschwander, Biom J 2017;59:658-671; Röver, J Stat Softw
    2020;93(6); Turner et al., Stat Med 2015;34:984-998.

    Examples
    --------
    ETASS and TESTS, 28-day mortality, odds ratios, half-normal prior on tau with scale 0.5:

    >>> import pandas as pd
    >>> from ta1sepsis.stats.meta_effects import study_effects
    >>> eff = study_effects(pd.read_csv("tests/reference/datasets/etass_tests.csv"), "OR")
    >>> s = bayes_random_effects(eff.yi, np.sqrt(eff.vi), tau_scale=0.5).summary()
    >>> {key: round(value, 3) for key, value in s.items()}
    {'median': 0.831, 'lower': 0.408, 'upper': 1.577, 'level': 0.95, 'p_benefit': 0.791}
    """
    y, s = np.asarray(y, float), np.asarray(s, float)
    if y.shape != s.shape or y.ndim != 1 or len(y) < 1:
        raise ValueError("y and s must be equal-length one-dimensional arrays")
    if np.any(s <= 0) or tau_scale <= 0 or sd_mu <= 0:
        raise ValueError("standard errors, the tau scale and the prior SD of mu must be positive")
    if log_tau2_prior is not None:
        m_log, s_log = log_tau2_prior
        if s_log <= 0:
            raise ValueError("the SD of log tau^2 must be positive")
        tau_scale = math.exp(m_log / 2)  # the prior median of tau sets the grid's scale
    # tau = scale * u / (1 - u) for u in [0, 1): dense near 0, reaching far into the tail
    u = np.linspace(0.0, 1.0, GRID)[:-1]
    tau = 6 * tau_scale * u / (1 - u)
    dtau = 6 * tau_scale / (1 - u) ** 2
    w = 1 / (s[None, :] ** 2 + tau[:, None] ** 2)
    v = 1 / (1 / sd_mu**2 + w.sum(axis=1))
    m = v * (mu0 / sd_mu**2 + (w * y).sum(axis=1))
    # log marginal likelihood of tau (mu integrated out), up to a constant
    log_lik = (
        0.5 * np.log(v)
        + 0.5 * np.log(w).sum(axis=1)
        - 0.5 * ((w * y**2).sum(axis=1) + mu0**2 / sd_mu**2 - m**2 / v)
    )
    if log_tau2_prior is None:
        log_prior = stats.halfnorm.logpdf(tau, scale=tau_scale)
    else:
        # density of tau = 2 tau x (log-normal density of tau^2) = 2 N(2 ln tau; m, s) / tau
        positive = np.maximum(tau, 1e-300)
        log_prior = np.where(
            tau > 0,
            math.log(2) - np.log(positive) + stats.norm.logpdf(2 * np.log(positive), m_log, s_log),
            -np.inf,
        )

    log_post = log_lik + log_prior
    dens = np.exp(log_post - log_post.max())
    simpson = np.ones(len(u))
    simpson[1:-1:2], simpson[2:-1:2] = 4, 2
    quad = simpson * (u[1] - u[0]) / 3 * dtau
    norm = np.sum(quad * dens)
    return BayesMetaResult(tau, dens / norm, m, v, quad * dens / norm)
