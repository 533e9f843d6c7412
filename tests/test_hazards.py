"""Hazard ratios implied by 28-day counts, by hand."""

import math

import pytest
from scipy import stats

from ta1sepsis.stats.binary import TwoByTwo
from ta1sepsis.stats.hazards import (
    hazard_ratio_constant_hazards,
    modified_itt_scenarios,
    peto_odds_ratio_from_counts,
    pooled_subgroups,
)

TESTS = TwoByTwo(127, 542, 132, 547)


def test_constant_hazards_tests():
    # ln(1 - 127/542) / ln(1 - 132/547) = -0.266968 / -0.276180 = 0.96665
    hr = hazard_ratio_constant_hazards(TESTS)
    expected = math.log(1 - 127 / 542) / math.log(1 - 132 / 547)
    assert hr.estimate == pytest.approx(expected, rel=1e-12)
    assert round(hr.estimate, 3) == 0.967
    var = sum(
        p / (n * (1 - p) * math.log(1 - p) ** 2) for p, n in ((127 / 542, 542), (132 / 547, 547))
    )
    assert math.log(hr.upper) - math.log(hr.estimate) == pytest.approx(
        stats.norm.ppf(0.975) * math.sqrt(var), rel=1e-12
    )


def test_peto_one_step_tests():
    # E = 542 * 259 / 1089 = 128.905; O - E = -1.905
    # V = 542 * 547 * 259 * 830 / (1089^2 * 1088) = 49.343
    got = peto_odds_ratio_from_counts(TESTS)
    e = 542 * 259 / 1089
    v = 542 * 547 * 259 * 830 / (1089**2 * 1088)
    assert got.observed_minus_expected == pytest.approx(127 - e, rel=1e-12)
    assert got.variance == pytest.approx(v, rel=1e-12)
    assert got.odds_ratio.estimate == pytest.approx(math.exp((127 - e) / v), rel=1e-12)
    # the one-time log-rank statistic is the Mantel-Haenszel chi-square: Pearson * (N-1)/N
    pearson = stats.chi2_contingency([[127, 415], [132, 415]], correction=False)[0]
    assert got.chi_square == pytest.approx(pearson * 1088 / 1089, rel=1e-10)
    assert round(got.p_value, 2) == 0.79


def test_no_information_is_refused():
    with pytest.raises(ValueError, match="no information"):
        peto_odds_ratio_from_counts(TwoByTwo(0, 10, 0, 10))
    with pytest.raises(ValueError, match="0 < events < N"):
        hazard_ratio_constant_hazards(TwoByTwo(0, 10, 2, 10))


def test_expected_se_from_deaths():
    from ta1sepsis.stats.hazards import expected_log_hr_se

    assert expected_log_hr_se(TESTS) == pytest.approx(math.sqrt(1 / 127 + 1 / 132), rel=1e-12)


def test_versions_vs_counts_tests():
    """By hand: constant-hazards HR 0.96665 (ln -0.03392); Peto ln HR = -1.905/49.343 =
    -0.03861; P from counts 0.786; expected SE sqrt(1/127 + 1/132) = 0.12431.
    Version A: ln 0.99 = -0.01005, P 0.93, SE (ln 1.27 - ln 0.77)/3.92 = 0.12767.
    Version B: ln 0.97 = -0.03046, P 0.82, SE (ln 1.24 - ln 0.76)/3.92 = 0.12489.
    B is closer on all four count-based criteria. The subgroups, by hand: age
    ln 1.67 = 0.51282, SE (ln 2.67 - ln 1.04)/3.919928 = 0.24053; ln 0.81 = -0.21072, SE
    (ln 1.09 - ln 0.61)/3.919928 = 0.14806; IV mean = -0.01185 (HR 0.988), closer to A (0.99)."""
    from ta1sepsis.stats.hazards import published_versions_vs_counts

    table = published_versions_vs_counts(
        {
            "A": {"hr": 0.99, "lower": 0.77, "upper": 1.27, "p": 0.93},
            "B": {"hr": 0.97, "lower": 0.76, "upper": 1.24, "p": 0.82},
        },
        TESTS,
        subgroups={"age": [(1.67, 1.04, 2.67), (0.81, 0.61, 1.09)]},
    ).set_index("criterion")
    assert list(table["closer"]) == ["B", "B", "B", "B", "A"]
    assert table.loc["ln HR vs pooled age subgroup HRs", "evidence"] == "published age subgroup HRs"
    assert set(table["evidence"].iloc[:4]) == {"28-day counts"}
    assert table.loc["P vs score-test P from counts", "implied"] == pytest.approx(0.786, abs=5e-4)
    se_row = table.loc["SE(ln HR) from CI vs sqrt(1/d1 + 1/d2)"]
    assert se_row["A"] == pytest.approx(0.12767, abs=5e-5)
    assert se_row["B"] == pytest.approx(0.12489, abs=5e-5)
    assert se_row["implied"] == pytest.approx(0.12431, abs=5e-5)


def test_pooled_subgroups_by_hand():
    y1, s1 = math.log(1.67), (math.log(2.67) - math.log(1.04)) / (2 * stats.norm.ppf(0.975))
    y2, s2 = math.log(0.81), (math.log(1.09) - math.log(0.61)) / (2 * stats.norm.ppf(0.975))
    w1, w2 = s1**-2, s2**-2
    mean = (w1 * y1 + w2 * y2) / (w1 + w2)
    got = pooled_subgroups([(1.67, 1.04, 2.67), (0.81, 0.61, 1.09)])
    assert math.log(got.estimate) == pytest.approx(mean, rel=1e-12)
    assert round(got.estimate, 3) == 0.988
    assert math.log(got.upper) - mean == pytest.approx(1.959964 / math.sqrt(w1 + w2), rel=1e-6)


def test_modified_itt_scenarios_tests():
    # 17 randomised but not analysed: 10 Tα1, 7 placebo (552 - 542, 554 - 547)
    scenarios = {s.name: s.table for s in modified_itt_scenarios(TESTS, 10, 7)}
    assert scenarios["best case for treatment"] == TwoByTwo(127, 552, 139, 554)
    assert scenarios["worst case for treatment"] == TwoByTwo(137, 552, 132, 554)
    assert scenarios["all excluded patients die"] == TwoByTwo(137, 552, 139, 554)
    assert scenarios["no excluded patient dies"] == TwoByTwo(127, 552, 132, 554)
