"""Regression to the mean for change scores, and a mean difference's CI from a P value, by hand."""

import math

import numpy as np
import pytest
from scipy import stats

from ta1sepsis.stats.markers import (
    fraction_explained,
    mean_difference_from_p,
    rtm_expected_difference,
    rtm_rho_threshold,
)


def test_rtm_etass_by_hand():
    # baseline mHLA-DR 47.1 (Tα1) vs 58.0 (control): gap 10.9 points; (1 - rho) * 10.9
    assert rtm_expected_difference(47.1, 58.0, 0.3) == pytest.approx(0.7 * 10.9)
    assert rtm_expected_difference(47.1, 58.0, 0.8) == pytest.approx(0.2 * 10.9)
    np.testing.assert_allclose(
        rtm_expected_difference(47.1, 58.0, [0.0, 1.0]), [10.9, 0.0], atol=1e-12
    )
    # published day-7 difference 5.8: RTM alone reaches it when 1 - rho >= 5.8 / 10.9, rho <= 0.4679
    assert rtm_rho_threshold(5.8, 47.1, 58.0) == pytest.approx(1 - 5.8 / 10.9)
    assert rtm_rho_threshold(3.9, 47.1, 58.0) == pytest.approx(1 - 3.9 / 10.9)
    # a difference in the other direction, or larger than the whole gap, is never reached
    assert rtm_rho_threshold(-2.0, 47.1, 58.0) is None
    assert rtm_rho_threshold(12.0, 47.1, 58.0) is None
    assert fraction_explained(5.8, 47.1, 58.0, 0.5) == pytest.approx(5.45 / 5.8)


def test_rtm_matches_a_simulation():
    """Simulated randomised trial with no effect: bivariate normal (rho = 0.6), keep the draws in
    which the treated arm started about 11 points lower; the mean difference in change is close to
    (1 - 0.6) * the baseline gap."""
    rng = np.random.default_rng(1)
    n, rho, sd = 200_000, 0.6, 20.0
    x = rng.normal(55, sd, (n, 2))
    y = 55 + rho * (x - 55) + rng.normal(0, sd * math.sqrt(1 - rho**2), (n, 2))
    gap = x[:, 1] - x[:, 0]  # control minus treated, per simulated pair of arm means
    change_diff = (y[:, 0] - x[:, 0]) - (y[:, 1] - x[:, 1])
    slope = np.polyfit(gap, change_diff, 1)[0]
    assert slope == pytest.approx(1 - rho, abs=0.01)


def test_mean_difference_from_p_lin2007_by_hand():
    # 51.7 vs 40.1: MD 11.6; P 0.0092 -> z = 2.6044, SE = 11.6 / 2.6044 = 4.454
    got = mean_difference_from_p(51.7, 40.1, 0.0092)
    z = stats.norm.isf(0.0046)
    assert got.estimate == pytest.approx(11.6)
    assert got.upper - got.estimate == pytest.approx(stats.norm.ppf(0.975) * 11.6 / z)
    assert round(got.lower, 2) == 2.87
    with pytest.raises(ValueError):
        mean_difference_from_p(1, 2, 0)
