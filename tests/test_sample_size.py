"""Sample size and power for two proportions: hand calculation (the ETASS sample-size check D20, written out in the test) and R's
power.prop.test (pinned in reference/two_by_two.json)."""

import math

import pytest

from ta1sepsis.stats.sample_size import power_two_proportions, sample_size_two_proportions


def test_etass_plan_unpooled_reproduces_334():
    # D20: (1.960 + 0.842)^2 * (0.25 + 0.2275) / 0.15^2 = 166.6 -> 167 per arm -> 334
    n = sample_size_two_proportions(0.50, 0.35, 0.05, 0.80, variance="unpooled")
    assert n == pytest.approx(7.84887 * 0.4775 / 0.0225, rel=1e-4)
    assert 2 * math.ceil(n) == 334


def test_pooled_matches_r_power_prop_test(two_by_two_reference):
    ref = two_by_two_reference["power_prop_test"]
    assert sample_size_two_proportions(0.5, 0.35, variance="pooled") == pytest.approx(
        ref["etass_plan_n"], rel=1e-6
    )
    assert sample_size_two_proportions(
        0.30, 0.20, alpha=0.01, power=0.90, variance="pooled"
    ) == pytest.approx(ref["n_30_to_20_alpha01_power90"], rel=1e-6)
    assert power_two_proportions(0.35, 0.20, 180, 180, variance="pooled") == pytest.approx(
        ref["power_35_to_20_n180"], abs=1e-6
    )
    assert power_two_proportions(0.35, 0.245, 180, 180, variance="pooled") == pytest.approx(
        ref["power_35_to_245_n180"], abs=1e-6
    )


def test_power_and_sample_size_are_inverse():
    n = sample_size_two_proportions(0.35, 0.245, power=0.9)
    assert power_two_proportions(0.35, 0.245, n, n) == pytest.approx(0.9, abs=1e-9)


def test_refuses_impossible_designs():
    with pytest.raises(ValueError, match="equal"):
        sample_size_two_proportions(0.3, 0.3)
    with pytest.raises(ValueError, match="p1"):
        sample_size_two_proportions(1.2, 0.3)
    with pytest.raises(ValueError, match="variance"):
        power_two_proportions(0.3, 0.2, 100, 100, variance="exact")
