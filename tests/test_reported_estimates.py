"""SE/P recovered from a CI, and the Altman-Bland interaction test, by hand."""

import math

import pytest
from scipy import stats

from ta1sepsis.stats.reported_estimates import interaction_test, recover

Z = stats.norm.ppf(0.975)  # 1.959964


def test_recover_ratio_tests_version_a():
    # HR 0.99 (0.77 to 1.27): SE = (ln 1.27 - ln 0.77) / (2 * 1.96) = 0.12767
    got = recover(0.99, 0.77, 1.27)
    se = (math.log(1.27) - math.log(0.77)) / (2 * Z)
    assert got.se == pytest.approx(se, rel=1e-12)
    assert round(got.se, 4) == 0.1277
    assert got.z == pytest.approx(math.log(0.99) / se)
    assert round(got.p_value, 2) == 0.94  # published log-rank P = 0.93
    assert got.centre == pytest.approx(math.sqrt(0.77 * 1.27))


def test_recover_difference_mhla_dr_day7():
    # 5.8 (1.0 to 10.5): SE = 9.5 / 3.919928 = 2.42351, z = 2.39322, P = 0.0167 (published 0.017)
    got = recover(5.8, 1.0, 10.5, ratio=False)
    assert got.se == pytest.approx(2.42351, abs=1e-5)
    assert got.z == pytest.approx(2.39322, abs=1e-5)
    assert got.p_value == pytest.approx(2 * (1 - stats.norm.cdf(2.39322)), abs=1e-6)
    assert round(got.p_value, 3) == 0.017


def test_altman_bland_interaction_tests_age():
    # age <60: HR 1.67 (1.04-2.67); >=60: 0.81 (0.61-1.09)
    se1 = (math.log(2.67) - math.log(1.04)) / (2 * Z)  # 0.2405
    se2 = (math.log(1.09) - math.log(0.61)) / (2 * Z)  # 0.1481
    d = math.log(1.67) - math.log(0.81)  # 0.7235
    se = math.sqrt(se1**2 + se2**2)  # 0.2824
    got = interaction_test((1.67, 1.04, 2.67), (0.81, 0.61, 1.09))
    assert got.z == pytest.approx(d / se, rel=1e-12)
    assert got.ratio_or_difference.estimate == pytest.approx(1.67 / 0.81, rel=1e-12)
    assert got.ratio_or_difference.lower == pytest.approx(math.exp(d - Z * se), rel=1e-12)
    assert round(got.p_value, 3) == 0.010  # published P interaction 0.01


def test_interaction_on_differences():
    got = interaction_test((3.9, 0.2, 7.6), (5.8, 1.0, 10.5), ratio=False)
    se = math.hypot(7.4 / (2 * Z), 9.5 / (2 * Z))
    assert got.ratio_or_difference.estimate == pytest.approx(-1.9)
    assert got.z == pytest.approx(-1.9 / se)


def test_bad_intervals_are_refused():
    with pytest.raises(ValueError, match="exceeds"):
        recover(1.0, 1.2, 0.8)
    with pytest.raises(ValueError, match="positive"):
        recover(0.5, -0.1, 1.0)
    with pytest.raises(ValueError, match="level"):
        recover(1.0, 0.8, 1.2, level=95)


def test_p_range_from_printed_ci_by_hand():
    # 3.9 (0.2 to 7.6): narrowest box SE = (7.55 - 0.25) / 3.919928, largest estimate 3.95
    #   -> z = 3.95 / 1.862279 = 2.12105 -> P = 0.03392
    # widest box SE = (7.65 - 0.15) / 3.919928 = 1.913300, smallest estimate 3.85
    #   -> z = 2.01223 -> P = 0.04420
    from ta1sepsis.stats.reported_estimates import p_value_range_from_printed

    low, high = p_value_range_from_printed("3.9", "0.2", "7.6", ratio=False)
    assert low == pytest.approx(2 * stats.norm.sf(3.95 / ((7.55 - 0.25) / (2 * Z))), rel=1e-12)
    assert high == pytest.approx(2 * stats.norm.sf(3.85 / ((7.65 - 0.15) / (2 * Z))), rel=1e-12)
    assert low < 0.037 < high


def test_ratio_interval_problems_by_hand():
    from ta1sepsis.stats.reported_estimates import ratio_interval_problems

    se_deaths = math.sqrt(1 / 127 + 1 / 132)  # 0.12431
    # version A as a 95% CI: SE 0.12767, ratio 1.027, centre sqrt(0.77 * 1.27) = 0.9889
    assert ratio_interval_problems(0.99, 0.77, 1.27, 0.95, expected_se=se_deaths) == []
    # the same limits as a 99% CI: SE = 0.50066 / (2 * 2.5758) = 0.09718, ratio 0.78
    narrow = ratio_interval_problems(0.99, 0.77, 1.27, 0.99, expected_se=se_deaths)
    assert narrow == ["interval too narrow for the data (SE ratio 0.78)"]
    # 0.77 to 1.77: SE = 0.83238 / 3.91993 = 0.21235 (ratio 1.71), centre sqrt(0.77 * 1.77) = 1.1674
    wrong = ratio_interval_problems(0.99, 0.77, 1.77, 0.95, expected_se=se_deaths)
    assert wrong == [
        "interval too wide for the data (SE ratio 1.71)",
        "interval not centred on its estimate (centre 1.167)",
    ]


def test_remaining_after_removing_gu2025_by_hand():
    # overall OR 0.73 (0.59-0.90): SE = (ln 0.90 - ln 0.59)/3.919928 = 0.107726, w = 86.17
    # multicentre OR 0.86 (0.68-1.08): SE = (ln 1.08 - ln 0.68)/3.919928 = 0.118018, w = 71.80
    # rest: w = 14.37; ln OR = (86.17 * ln 0.73 - 71.80 * ln 0.86) / 14.37 = -1.1335 -> OR 0.322
    from ta1sepsis.stats.reported_estimates import remaining_after_removing

    se_all = (math.log(0.90) - math.log(0.59)) / (2 * Z)
    se_mc = (math.log(1.08) - math.log(0.68)) / (2 * Z)
    w_all, w_mc = se_all**-2, se_mc**-2
    w_rest = w_all - w_mc
    y = (w_all * math.log(0.73) - w_mc * math.log(0.86)) / w_rest
    got = remaining_after_removing((0.73, 0.59, 0.90), (0.86, 0.68, 1.08))
    assert got.log_estimate == pytest.approx(y, rel=1e-12)
    assert got.se == pytest.approx(w_rest**-0.5, rel=1e-12)
    assert round(got.interval.estimate, 3) == 0.322
    assert got.weight_share == pytest.approx(w_rest / w_all)
    with pytest.raises(ValueError, match="no information"):
        remaining_after_removing((0.86, 0.68, 1.08), (0.73, 0.59, 0.90))


def test_interaction_p_range_by_hand():
    # diabetes yes 0.58 (0.35-0.99) vs no 1.16 (0.87-1.53): P = 0.0216 at the printed values;
    # every corner of the rounding box (each number +/- 0.005) gives P within [0.017, 0.027],
    # so the published P = 0.04 cannot come from this test of the printed numbers.
    from itertools import product

    from ta1sepsis.stats.reported_estimates import interaction_p_range_from_printed

    low, high = interaction_p_range_from_printed(("0.58", "0.35", "0.99"), ("1.16", "0.87", "1.53"))
    corners = [
        interaction_test(c[:3], c[3:]).p_value
        for c in product(*[(x - 0.005, x + 0.005) for x in (0.58, 0.35, 0.99, 1.16, 0.87, 1.53)])
    ]
    assert (low, high) == (pytest.approx(min(corners)), pytest.approx(max(corners)))
    assert 0.017 < low < 0.0216 < high < 0.027
