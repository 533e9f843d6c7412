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
