"""Bayesian reanalysis: conjugate posteriors by hand, the tau integration by brute force."""

import math

import numpy as np
import pytest
from scipy import stats

from ta1sepsis.bayes import (
    Normal,
    enthusiastic_prior,
    meta_analytic_prior,
    posterior,
    sceptical_prior,
    summarise,
)
from ta1sepsis.bayes_meta import bayes_random_effects

Z = stats.norm.ppf(0.975)


def test_conjugate_update_by_hand_tests_version_a_sceptical():
    # likelihood: ln 0.99, SE = (ln 1.27 - ln 0.77)/3.92 = 0.12767
    # sceptical prior for MCID 0.70: sd0 = |ln 0.7|/1.645 = 0.21683
    # posterior precision = 1/0.21683^2 + 1/0.12767^2 = 21.27 + 61.35 = 82.62
    # mean = (0 + ln(0.99)/0.12767^2)/82.62 = -0.61658/82.62 = -0.007463
    se = (math.log(1.27) - math.log(0.77)) / (2 * Z)
    prior = sceptical_prior(0.70)
    assert prior.sd == pytest.approx(abs(math.log(0.7)) / 1.6448536, rel=1e-6)
    assert prior.prob_below(0.70) == pytest.approx(0.05, abs=1e-12)
    post = posterior(prior, math.log(0.99), se)
    precision = 1 / prior.sd**2 + 1 / se**2
    assert post.sd == pytest.approx(precision**-0.5, rel=1e-12)
    assert post.mean == pytest.approx(math.log(0.99) / se**2 / precision, rel=1e-12)
    s = summarise(post, (0.9, 0.8))
    assert s["p_benefit"] == pytest.approx(stats.norm.cdf(-post.mean / post.sd), rel=1e-12)
    assert s["p_below_0.9"] == pytest.approx(stats.norm.cdf((math.log(0.9) - post.mean) / post.sd))
    assert s["p_harm"] == pytest.approx(1 - s["p_benefit"])


def test_named_priors():
    e = enthusiastic_prior(0.70)
    assert e.median_ratio == pytest.approx(0.70)
    assert 1 - e.prob_below(1.0) == pytest.approx(0.05, abs=1e-12)  # 5% of the mass on harm
    m = meta_analytic_prior(0.69, 0.60, 0.80)  # Gu 2018
    assert m.sd == pytest.approx((math.log(0.8) - math.log(0.6)) / (2 * Z))
    half = meta_analytic_prior(0.69, 0.60, 0.80, weight=0.5)
    assert half.sd == pytest.approx(m.sd * math.sqrt(2))
    with pytest.raises(ValueError):
        meta_analytic_prior(0.69, 0.60, 0.80, weight=0)


def test_vague_prior_reproduces_the_likelihood():
    post = posterior(Normal(0, 100), math.log(0.97), 0.1249)
    assert post.median_ratio == pytest.approx(0.97, rel=1e-5)
    assert post.sd == pytest.approx(0.1249, rel=1e-5)


def brute_force(y, s, scale, sd_mu, x):
    """Posterior P(mu < x) and P(theta_new < x) on a plain 2-D (mu, tau) grid."""
    mu = np.linspace(-4, 4, 2001)
    tau = np.linspace(0, 8 * scale, 4001)
    M, T = np.meshgrid(mu, tau, indexing="ij")
    log_post = stats.norm.logpdf(M, 0, sd_mu) + stats.halfnorm.logpdf(T, scale=scale)
    for yi, si in zip(y, s, strict=True):
        log_post += stats.norm.logpdf(yi, M, np.sqrt(si**2 + T**2))
    p = np.exp(log_post - log_post.max())
    p /= p.sum()
    # trapezoid rule in mu: x lies on a grid node, whose mass is split between the two sides
    p_mu = p[mu < x - 1e-12].sum() + 0.5 * p[np.isclose(mu, x)].sum()
    p_new = np.sum(p * stats.norm.cdf((x - M) / np.maximum(T, 1e-12)))
    return p_mu, p_new


@pytest.mark.parametrize("scale", [0.5, 1.0])
def test_tau_integration_matches_brute_force_two_trials(scale):
    # ETASS and TESTS log OR with SE (meta_analyses.md section 6)
    y = np.array([math.log(47 * 117 / (134 * 63)), math.log(127 * 415 / (415 * 132))])
    s = np.array([0.2306, 0.1424])
    got = bayes_random_effects(y, s, tau_scale=scale, sd_mu=4.0)
    for x in (-0.3, 0.0):
        p_mu, p_new = brute_force(y, s, scale, 4.0, x)
        assert got.prob_below(x) == pytest.approx(p_mu, abs=5e-4)
        assert got.prob_below(x, predictive=True) == pytest.approx(p_new, abs=5e-4)
    assert np.sum(got.weights) == pytest.approx(1.0, abs=1e-9)


def test_tau_to_zero_gives_the_common_effect_posterior():
    y, s = np.array([-0.4, -0.04]), np.array([0.23, 0.14])
    got = bayes_random_effects(y, s, tau_scale=1e-6, sd_mu=1e6)
    w = 1 / s**2
    assert got.quantile(0.5) == pytest.approx(np.sum(w * y) / w.sum(), abs=1e-6)
