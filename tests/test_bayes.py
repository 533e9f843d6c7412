"""Bayesian reanalysis: conjugate posteriors by hand, the tau integration by brute force."""

import math

import numpy as np
import pytest
from scipy import stats

from ta1sepsis.stats.bayes import (
    Mixture,
    Normal,
    enthusiastic_prior,
    meta_analytic_predictive_prior,
    posterior,
    sceptical_prior,
    summarise,
)
from ta1sepsis.stats.bayes_meta import bayes_random_effects

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
    m = meta_analytic_predictive_prior(0.69, 0.60, 0.80)  # Gu 2018, tau2 = 0
    se = (math.log(0.8) - math.log(0.6)) / (2 * Z)
    assert m.sd == pytest.approx(se)
    pred = meta_analytic_predictive_prior(0.69, 0.60, 0.80, tau2=0.04)
    assert pred.sd == pytest.approx(math.sqrt(se**2 + 0.04))
    with pytest.raises(ValueError):
        meta_analytic_predictive_prior(0.69, 0.60, 0.80, robust_weight=0)


def test_robust_mixture_update_by_hand():
    # prior 0.8 N(ln 0.69, 0.0737^2 + 0.04) + 0.2 N(0, 10^2); data ln 0.97, SE 0.1249
    se_e = (math.log(0.8) - math.log(0.6)) / (2 * Z)
    prior = meta_analytic_predictive_prior(0.69, 0.60, 0.80, tau2=0.04, robust_weight=0.8)
    assert isinstance(prior, Mixture) and prior.weights == pytest.approx((0.8, 0.2))
    y, se = math.log(0.97), 0.1249
    sd1 = math.sqrt(se_e**2 + 0.04)
    m1 = 0.8 * stats.norm.pdf(y, math.log(0.69), math.hypot(sd1, se))
    m2 = 0.2 * stats.norm.pdf(y, 0.0, math.hypot(10, se))
    post = posterior(prior, y, se)
    assert post.weights[0] == pytest.approx(m1 / (m1 + m2), rel=1e-10)
    p1 = 1 / sd1**2 + 1 / se**2
    assert post.components[0].mean == pytest.approx(
        (math.log(0.69) / sd1**2 + y / se**2) / p1, rel=1e-12
    )
    # the mixture's P(ratio < 1) is the weighted sum of the components'
    expected = sum(
        w * c.prob_below(1.0) for w, c in zip(post.weights, post.components, strict=True)
    )
    assert post.prob_below(1.0) == pytest.approx(expected, rel=1e-12)
    assert post.prob_below(post.median_ratio) == pytest.approx(0.5, abs=1e-9)


def test_turner_prior_integrates_over_tau2():
    # log tau^2 ~ N(-4, 1.5^2): the mixture's variance is se^2 + E[tau^2],
    # E[tau^2] = exp(-4 + 1.5^2 / 2)
    prior = meta_analytic_predictive_prior(0.69, 0.60, 0.80, tau2=(-4.0, 1.5))
    se = (math.log(0.8) - math.log(0.6)) / (2 * Z)
    assert prior.sd**2 == pytest.approx(se**2 + math.exp(-4 + 1.5**2 / 2), rel=1e-3)
    assert prior.median_ratio == pytest.approx(0.69, rel=1e-9)


def test_absolute_probabilities_by_hand():
    # baseline 0.24, RR scale: ARR >= 2 pp <=> RR <= 0.22 / 0.24; harm >= 2 pp <=> RR >= 0.26/0.24
    post = Normal(math.log(0.95), 0.1)
    s = summarise(
        post, (0.9,), 1.0, baseline_risk=0.24, absolute_benefits=(0.02,), absolute_harm=0.02
    )
    assert s["p_arr_ge_2pp"] == pytest.approx(
        stats.norm.cdf((math.log(0.22 / 0.24) - math.log(0.95)) / 0.1)
    )
    assert s["p_ari_ge_2pp"] == pytest.approx(
        stats.norm.sf((math.log(0.26 / 0.24) - math.log(0.95)) / 0.1)
    )
    # hazard-ratio scale: 1 - p_T = (1 - p_C)^HR, so ARR >= 2 pp <=> HR <= ln(0.78)/ln(0.76)
    h = summarise(post, (), 1.0, baseline_risk=0.24, absolute_benefits=(0.02,), scale="HR")
    r = math.log(0.78) / math.log(0.76)
    assert h["p_arr_ge_2pp"] == pytest.approx(stats.norm.cdf((math.log(r) - math.log(0.95)) / 0.1))


def test_vague_prior_reproduces_the_likelihood():
    post = posterior(Normal(0, 100), math.log(0.97), 0.1249)
    assert post.median_ratio == pytest.approx(0.97, rel=1e-5)
    assert post.sd == pytest.approx(0.1249, rel=1e-5)


def grid_posterior(y, s, mu, log_prior_mu, tau, log_prior_tau):
    """The posterior of (mu, tau) on a plain 2-D grid (rows mu, columns tau), normalised to sum
    to 1: prior times the normal likelihood y_i ~ N(mu, s_i^2 + tau^2), written out.

    Built by broadcasting a column of mu against a row of tau, in place, so that the 8 to 12
    million cells cost one array each rather than a dozen temporaries."""
    log_post = np.add.outer(log_prior_mu, log_prior_tau)
    for yi, si in zip(y, s, strict=True):
        v = si**2 + tau**2
        log_post -= np.multiply.outer((yi - mu) ** 2, 0.5 / v)
        log_post -= 0.5 * np.log(2 * math.pi * v)
    log_post -= log_post.max()
    p = np.exp(log_post, out=log_post)
    p /= p.sum()
    return p


def brute_force(y, s, scale, sd_mu, xs):
    """Posterior P(mu < x) and P(theta_new < x), for each x in ``xs``, on a plain 2-D (mu, tau)
    grid (the posterior computed once for every x)."""
    mu = np.linspace(-4, 4, 2001)
    tau = np.linspace(0, 8 * scale, 4001)
    p = grid_posterior(
        y, s, mu, stats.norm.logpdf(mu, 0, sd_mu), tau, stats.halfnorm.logpdf(tau, scale=scale)
    )
    out = []
    for x in xs:
        # trapezoid rule in mu: x lies on a grid node, whose mass is split between the two sides
        p_mu = p[mu < x - 1e-12].sum() + 0.5 * p[np.isclose(mu, x)].sum()
        # P(theta_new < x | mu, tau) = Phi((x - mu) / tau)
        p_new = np.sum(p * stats.norm.cdf(np.multiply.outer(x - mu, 1 / np.maximum(tau, 1e-12))))
        out.append((p_mu, p_new))
    return out


@pytest.mark.parametrize("scale", [0.5, 1.0])
def test_tau_integration_matches_brute_force_two_trials(scale):
    # ETASS and TESTS log OR with SE (by hand from the counts 47/181 vs 63/180, 127/542 vs 132/547)
    y = np.array([math.log(47 * 117 / (134 * 63)), math.log(127 * 415 / (415 * 132))])
    s = np.array([0.2306, 0.1424])
    got = bayes_random_effects(y, s, tau_scale=scale, sd_mu=4.0)
    xs = (-0.3, 0.0)
    for x, (p_mu, p_new) in zip(xs, brute_force(y, s, scale, 4.0, xs), strict=True):
        assert got.prob_below(x) == pytest.approx(p_mu, abs=5e-4)
        assert got.prob_below(x, predictive=True) == pytest.approx(p_new, abs=5e-4)
    assert np.sum(got.weights) == pytest.approx(1.0, abs=1e-9)


def test_tau_to_zero_gives_the_common_effect_posterior():
    y, s = np.array([-0.4, -0.04]), np.array([0.23, 0.14])
    got = bayes_random_effects(y, s, tau_scale=1e-6, sd_mu=1e6)
    w = 1 / s**2
    assert got.quantile(0.5) == pytest.approx(np.sum(w * y) / w.sum(), abs=1e-6)


def test_log_normal_tau2_prior_matches_brute_force():
    """Turner-type prior log tau^2 ~ N(-4, 1.5^2) on the ETASS and TESTS log ORs: the predictive
    P(theta_new < 0) by a plain 2-D (mu, tau) grid with the density of tau written out:
    p(tau) = 2 N(2 ln tau; -4, 1.5) / tau."""
    y = np.array([math.log(47 * 117 / (134 * 63)), math.log(127 * 415 / (415 * 132))])
    s = np.array([0.2306, 0.1424])
    got = bayes_random_effects(y, s, sd_mu=4.0, log_tau2_prior=(-4.0, 1.5))
    mu = np.linspace(-4, 4, 2001)
    tau = np.linspace(1e-6, 3, 6001)
    log_prior_tau = math.log(2) - np.log(tau) + stats.norm.logpdf(2 * np.log(tau), -4.0, 1.5)
    p = grid_posterior(y, s, mu, stats.norm.logpdf(mu, 0, 4), tau, log_prior_tau)
    p_new = np.sum(p * stats.norm.cdf(np.multiply.outer(-mu, 1 / tau)))
    assert got.prob_below(0.0, predictive=True) == pytest.approx(p_new, abs=1e-4)
    p_mu = p[mu < -1e-12].sum() + 0.5 * p[np.isclose(mu, 0)].sum()
    assert got.prob_below(0.0) == pytest.approx(p_mu, abs=1e-4)
