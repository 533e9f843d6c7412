"""Enriched-trial design arithmetic by hand."""

import math

import pytest
from scipy import stats

from ta1sepsis.stats.absolute import treatment_risk
from ta1sepsis.stats.enrichment import design_trial, power_at, screened_per_enrolled


def test_treatment_risk_under_proportional_hazards():
    # 1 - p_T = (1 - 0.392)^0.81 -> p_T = 1 - 0.608^0.81 = 0.3311
    assert treatment_risk(0.392, 0.81, "HR") == pytest.approx(1 - 0.608**0.81, rel=1e-12)
    assert treatment_risk(0.3, 1.0, "HR") == pytest.approx(0.3)


def test_fixed_design_by_hand():
    p_c, hr = 0.392, 0.81
    p_t = 1 - (1 - p_c) ** hr
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    per_arm = z**2 * (p_c * (1 - p_c) + p_t * (1 - p_t)) / (p_c - p_t) ** 2
    d = design_trial(p_c, hr, fractions=(1.0,))
    assert d.n_fixed == 2 * math.ceil(per_arm)
    # a single look is the fixed design: no inflation, expected size = maximum
    assert d.inflation == pytest.approx(1.0, abs=1e-6)
    assert d.expected_n_alternative == pytest.approx(d.n_max)


def test_group_sequential_design_uses_the_rpact_inflation():
    d = design_trial(0.392, 0.81, fractions=(1 / 3, 2 / 3, 1.0))
    assert d.inflation == pytest.approx(1.01279481267116, abs=1e-6)  # rpact, asOF, 3 looks
    assert d.expected_n_alternative < d.n_fixed < d.n_max
    assert d.expected_n_null < d.n_max


def test_power_and_screening():
    d = design_trial(0.3, 0.75, fractions=(1.0,))
    assert power_at(0.3, 0.75, d.n_fixed) == pytest.approx(0.8, abs=0.01)
    assert screened_per_enrolled(0.25) == 4
    assert screened_per_enrolled(0.5, 0.5) == 4
    with pytest.raises(ValueError):
        design_trial(0.3, 1.0)


def test_power_for_benefit_by_hand():
    """Control risk 0.24, HR 0.85: treatment risk 1 - 0.76**0.85 = 0.20814; 2000 per arm:
    SD of the difference sqrt(0.24*0.76/2000 + 0.20814*0.79186/2000) = 0.013172; power for a
    benefit Phi(0.03186/0.013172 - 1.959964) = Phi(0.4589) = 0.6768 (written out below)."""
    import math

    from scipy import stats

    from ta1sepsis.stats.enrichment import power_for_benefit

    p_t = 1 - 0.76**0.85
    sd = math.sqrt(0.24 * 0.76 / 2000 + p_t * (1 - p_t) / 2000)
    expected = stats.norm.cdf((0.24 - p_t) / sd - stats.norm.ppf(0.975))
    assert float(power_for_benefit(0.24, 0.85, 4000)) == pytest.approx(expected, abs=1e-12)
    # a harmful HR gives (almost) no chance of a significant benefit, unlike two-sided power
    assert float(power_for_benefit(0.24, 1.3, 4000)) < 1e-4


def test_assurance_is_power_averaged_over_the_posterior():
    """Against scipy's adaptive quadrature of the same integral, and its two limits: a point
    posterior gives the power at that value; a posterior centred on no effect gives about
    alpha/2 plus the benefit-side tail."""
    import math

    from scipy import integrate, stats

    from ta1sepsis.stats.enrichment import assurance, power_for_benefit

    m, s = math.log(0.85), 0.1
    reference = integrate.quad(
        lambda t: float(power_for_benefit(0.24, math.exp(t), 4000)) * stats.norm.pdf(t, m, s),
        m - 12 * s,
        m + 12 * s,
        epsabs=1e-12,
    )[0]
    assert assurance(0.24, 4000, log_hr_mean=m, log_hr_sd=s) == pytest.approx(reference, abs=1e-9)
    assert assurance(0.24, 4000, log_hr_mean=m, log_hr_sd=0.0) == pytest.approx(
        float(power_for_benefit(0.24, 0.85, 4000)), abs=1e-12
    )
    # uncertainty pulls assurance below the power at the mean when that power exceeds 1/2
    assert assurance(0.24, 8000, log_hr_mean=m, log_hr_sd=0.1) < float(
        power_for_benefit(0.24, 0.85, 8000)
    )
    with pytest.raises(ValueError, match="log_hr_sd"):
        assurance(0.24, 4000, log_hr_mean=m, log_hr_sd=float("nan"))
