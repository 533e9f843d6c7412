"""Subgroup shrinkage by hand; the multiplicity simulation against the binomial law."""

import math

import numpy as np
import pytest
from scipy import stats

from ta1sepsis.stats.subgroups import interaction_p_values, multiplicity_rates, shrink_subgroups

Z = stats.norm.ppf(0.975)


def test_shrinkage_by_hand_tests_age():
    # age <60: 1.67 (1.04-2.67); >=60: 0.81 (0.61-1.09)
    y1, y0 = math.log(1.67), math.log(0.81)
    v1 = ((math.log(2.67) - math.log(1.04)) / (2 * Z)) ** 2  # 0.05785
    v0 = ((math.log(1.09) - math.log(0.61)) / (2 * Z)) ** 2  # 0.02193
    sd = math.log(2) / Z  # sceptical: 95% prior mass on interaction ratios between 0.5 and 2
    k = sd**2 / (sd**2 + v1 + v0)  # 0.12507 / (0.12507 + 0.07978) = 0.6105
    m = (y1 / v1 + y0 / v0) / (1 / v1 + 1 / v0)
    d_star = k * (y1 - y0)
    got = shrink_subgroups(y1, v1, y0, v0, prior_sd=sd)
    assert got.shrinkage == pytest.approx(k, rel=1e-12)
    assert round(k, 3) == 0.611
    assert math.log(got.interaction.estimate) == pytest.approx(d_star, rel=1e-12)
    assert math.log(got.first.estimate) == pytest.approx(m + d_star * v1 / (v1 + v0), rel=1e-12)
    assert math.log(got.second.estimate) == pytest.approx(m - d_star * v0 / (v1 + v0), rel=1e-12)
    # shrunken estimates lie between the raw ones and the weighted mean
    assert math.exp(m) < got.first.estimate < 1.67 and 0.81 < got.second.estimate < math.exp(m)
    var1 = 1 / (1 / v1 + 1 / v0) + (v1 / (v1 + v0)) ** 2 * k * (v1 + v0)
    assert math.log(got.first.upper) - math.log(got.first.estimate) == pytest.approx(
        Z * math.sqrt(var1)
    )


def test_no_shrinkage_with_a_vague_prior():
    got = shrink_subgroups(0.5, 0.05, -0.2, 0.02, prior_sd=1e6)
    assert got.first.estimate == pytest.approx(math.exp(0.5)) and got.shrinkage == pytest.approx(1)


def test_multiplicity_simulation_follows_the_binomial_law():
    p = interaction_p_values(542, 547, 259 / 1089, np.full(10, 0.3), n_sim=4000, seed=1)
    # under no effect modification each test rejects 5% of the time; with independent
    # variables, P(at least one of 10) = 1 - 0.95^10 = 0.401, P(at least two) = 0.086
    one = multiplicity_rates(p[:, :1])
    assert abs(one["at_least_one"] - 0.05) < 4 * one["at_least_one_se"]
    ten = multiplicity_rates(p)
    assert abs(ten["at_least_one"] - (1 - 0.95**10)) < 4 * ten["at_least_one_se"]
    two = 1 - 0.95**10 - 10 * 0.05 * 0.95**9
    assert abs(ten["at_least_two"] - two) < 4 * ten["at_least_two_se"]


def test_simulation_is_seeded():
    a = interaction_p_values(100, 100, 0.3, [0.4, 0.5], n_sim=50, seed=7)
    b = interaction_p_values(100, 100, 0.3, [0.4, 0.5], n_sim=50, seed=7)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="prevalences"):
        interaction_p_values(100, 100, 0.3, [1.2])
