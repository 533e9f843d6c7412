"""Two-by-two statistics against R (prop.test, chisq.test, fisher.test, metafor::escalc) and
against hand calculations written out here (the ETASS consistency checks D12-D16 of
data/published_estimates.csv among them)."""

import math

import pytest
from scipy import stats

from ta1sepsis.stats.binary import (
    TwoByTwo,
    chi_square,
    fisher_exact,
    number_needed_to_treat,
    odds_ratio,
    risk_difference,
    risk_ratio,
    risk_wilson,
)

TABLES = {
    "etass_28d": TwoByTwo(47, 181, 63, 180),
    "etass_hospital": TwoByTwo(52, 181, 71, 180),
    "etass_icu": TwoByTwo(35, 181, 48, 180),
    "tests_28d": TwoByTwo(127, 542, 132, 547),
    "small_uneven": TwoByTwo(3, 50, 12, 48),
    "small_even": TwoByTwo(15, 30, 5, 30),
}


@pytest.mark.parametrize("name", TABLES)
def test_against_r(name, two_by_two_reference):
    ref = two_by_two_reference["tables"][name]
    t = TABLES[name]
    w = risk_wilson(t.events_trt, t.n_trt)
    assert (w.lower, w.upper) == pytest.approx(ref["wilson_trt"], abs=1e-9)
    w = risk_wilson(t.events_ctl, t.n_ctl)
    assert (w.lower, w.upper) == pytest.approx(ref["wilson_ctl"], abs=1e-9)
    assert chi_square(t).statistic == pytest.approx(ref["chisq"], rel=1e-9)
    assert chi_square(t).p_value == pytest.approx(ref["chisq_p"], rel=1e-9)
    assert chi_square(t, yates=True).statistic == pytest.approx(ref["yates"], rel=1e-9)
    assert chi_square(t, yates=True).p_value == pytest.approx(ref["yates_p"], rel=1e-9)
    assert fisher_exact(t).p_value == pytest.approx(ref["fisher_p"], rel=1e-6)
    for measure, fn in (("RR", risk_ratio), ("OR", odds_ratio)):
        got = fn(t)
        assert math.log(got.estimate) == pytest.approx(ref[measure]["yi"], abs=1e-9)
        assert math.log(got.lower) == pytest.approx(ref[measure]["lower"], abs=1e-6)
        assert math.log(got.upper) == pytest.approx(ref[measure]["upper"], abs=1e-6)
    rd = risk_difference(t, method="wald")
    assert rd.estimate == pytest.approx(ref["RD"]["yi"], abs=1e-12)
    assert (rd.lower, rd.upper) == pytest.approx((ref["RD"]["lower"], ref["RD"]["upper"]), abs=1e-6)


def test_etass_hand_calculation_d12_d13_d14():
    t = TABLES["etass_28d"]
    # D12: RR = (47/181)/(63/180) = 0.742, SE(ln RR) = 0.1615, CI 0.541 to 1.018
    se = math.sqrt(1 / 47 - 1 / 181 + 1 / 63 - 1 / 180)
    assert se == pytest.approx(0.1615, abs=5e-5)
    rr = risk_ratio(t)
    assert (round(rr.estimate, 3), round(rr.lower, 3), round(rr.upper, 3)) == (0.742, 0.541, 1.018)
    # D13: ARR 9.03 pp, Wald -0.42 to 18.49 (as control minus Tα1)
    rd = risk_difference(t)
    assert (round(-100 * rd.estimate, 2), round(-100 * rd.upper, 2), round(-100 * rd.lower, 2)) == (
        9.03,
        -0.42,
        18.49,
    )
    # D14: Pearson chi-square 3.476 (P 0.0623); Yates 3.063 (P 0.080)
    assert round(chi_square(t).statistic, 3) == 3.476
    assert round(chi_square(t, yates=True).p_value, 3) == 0.080


def test_newcombe_hybrid_score_by_hand():
    """Newcombe (1998) method 10 written out: RD -/+ sqrt of the Wilson-limit distances."""
    t = TABLES["etass_28d"]
    p1, p2 = t.risk_trt, t.risk_ctl
    l1, u1 = risk_wilson(47, 181).lower, risk_wilson(47, 181).upper
    l2, u2 = risk_wilson(63, 180).lower, risk_wilson(63, 180).upper
    d = p1 - p2
    lower = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    got = risk_difference(t, method="newcombe")
    assert (got.lower, got.upper) == pytest.approx((lower, upper), abs=1e-10)
    # and the Wilson limits themselves from the score formula
    z = stats.norm.ppf(0.975)
    centre = (47 + z**2 / 2) / (181 + z**2)
    half = z * math.sqrt(47 * 134 / 181 + z**2 / 4) / (181 + z**2)
    assert (l1, u1) == pytest.approx((centre - half, centre + half), abs=1e-12)


def test_tests_hand_calculation_d2_d3_d4():
    t = TABLES["tests_28d"]
    rr = risk_ratio(t)
    assert (round(rr.estimate, 3), round(rr.lower, 3), round(rr.upper, 3)) == (0.971, 0.785, 1.201)
    rd = risk_difference(t)
    assert [round(100 * x, 2) for x in (rd.estimate, rd.lower, rd.upper)] == [-0.70, -5.76, 4.36]
    rd99 = risk_difference(t, level=0.99)
    assert [round(100 * x, 2) for x in (rd99.lower, rd99.upper)] == [-7.35, 5.95]
    assert round(chi_square(t).p_value, 2) == 0.79
    # OR by hand: (127*415)/(415*132) = 0.962 (0.728-1.272)
    orr = odds_ratio(t)
    assert (round(orr.estimate, 3), round(orr.lower, 3), round(orr.upper, 3)) == (
        0.962,
        0.728,
        1.272,
    )


def test_nnt_when_ci_crosses_zero():
    rd = risk_difference(TABLES["etass_28d"])
    nnt = number_needed_to_treat(rd)
    assert nnt.benefit and not nnt.ci_excludes_zero
    assert nnt.estimate == pytest.approx(1 / 0.0903314917, rel=1e-9)  # 11.07
    assert nnt.nntb_limit == pytest.approx(1 / 0.184857704, rel=1e-6)  # 5.4
    assert nnt.nnth_limit == pytest.approx(1 / 0.004194721, rel=1e-6)  # 238.4
    assert "infinity" in nnt.describe()


def test_nnt_when_ci_excludes_zero():
    rd = risk_difference(TABLES["etass_hospital"])
    assert rd.upper < 0
    nnt = number_needed_to_treat(rd)
    assert nnt.ci_excludes_zero
    assert nnt.lower == pytest.approx(1 / -rd.lower) and nnt.upper == pytest.approx(1 / -rd.upper)


def test_zero_cells_and_bad_input_are_refused():
    with pytest.raises(ValueError, match="zero cell"):
        risk_ratio(TwoByTwo(0, 20, 3, 20))
    with pytest.raises(ValueError, match="events exceed N"):
        TwoByTwo(21, 20, 3, 20)
    with pytest.raises(ValueError, match="whole number"):
        TwoByTwo(-1, 20, 3, 20)
    with pytest.raises(ValueError, match="method"):
        risk_difference(TABLES["etass_28d"], method="exact")
