"""Meta-analysis engine against metafor 3.8-1 (values pinned by tests/reference/meta.R)."""

import math

import numpy as np
import pandas as pd
import pytest

from conftest import REFERENCE, load_reference
from ta1sepsis.stats.meta_effects import study_effects
from ta1sepsis.stats.meta_pooling import (
    common_effect_iv,
    mantel_haenszel,
    peto_odds_ratio,
    random_effects,
)

REF = load_reference("meta.json")
DATASETS = REF["dataset_names"]
MEASURES = ("RR", "OR", "RD")


def dataset(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "datasets" / f"{name}.csv")


def close(got, expected, tol):
    assert got == pytest.approx(expected, abs=tol, rel=tol), (got, expected)


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("measure", MEASURES)
def test_escalc_effects(name, measure):
    ref = REF["datasets"][name][measure]
    eff = study_effects(dataset(name), measure)  # metafor defaults: add 1/2 to zero-cell tables
    np.testing.assert_allclose(eff.yi, ref["yi"], atol=1e-10)
    np.testing.assert_allclose(eff.vi, ref["vi"], atol=1e-10)


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("measure", MEASURES)
@pytest.mark.parametrize("method", ["FE", "DL", "HE", "SJ", "PM", "ML", "REML"])
def test_rma_uni(name, measure, method):
    ref = REF["datasets"][name][measure][f"rma.{method}"]
    eff = study_effects(dataset(name), measure)
    res = common_effect_iv(eff) if method == "FE" else random_effects(eff, method)
    tol = 1e-6
    close(res.tau2, ref["tau2"], tol)
    close(res.estimate, ref["b"], tol)
    close(res.se, ref["se"], tol)
    close(res.lower, ref["ci.lb"], tol)
    close(res.upper, ref["ci.ub"], tol)
    close(res.p_value, ref["pval"], tol)
    close(res.q, ref["QE"], 1e-6)
    close(100 * res.i2, ref["I2"], tol * 100)
    close(res.h2, ref["H2"], tol)
    if method != "FE":
        close(res.pi_lower, ref["pi.lb"], tol)
        close(res.pi_upper, ref["pi.ub"], tol)
        if ref.get("tau2.ci.lb") is not None:
            close(res.tau2_lower, ref["tau2.ci.lb"], 1e-4)
            close(res.tau2_upper, ref["tau2.ci.ub"], 1e-4)


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("measure", MEASURES)
@pytest.mark.parametrize("method", ["DL", "REML"])
@pytest.mark.parametrize("ci, key", [("hk", "knha"), ("hk_adhoc", "knha_adhoc")])
def test_hartung_knapp(name, measure, method, ci, key):
    ref = REF["datasets"][name][measure][f"{key}.{method}"]
    res = random_effects(study_effects(dataset(name), measure), method, ci=ci)
    tol = 1e-6
    for got, exp in (
        (res.estimate, "b"),
        (res.se, "se"),
        (res.lower, "ci.lb"),
        (res.upper, "ci.ub"),
        (res.p_value, "pval"),
        (res.pi_lower, "pi.lb"),
        (res.pi_upper, "pi.ub"),
    ):
        close(got, ref[exp], tol)


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("measure", MEASURES)
def test_mantel_haenszel(name, measure):
    ref = REF["datasets"][name][measure]["mh"]
    res = mantel_haenszel(dataset(name), measure)
    for got, exp in (
        (res.estimate, "b"),
        (res.se, "se"),
        (res.lower, "ci.lb"),
        (res.upper, "ci.ub"),
        (res.p_value, "pval"),
        (res.q, "QE"),
        (res.q_p, "QEp"),
    ):
        close(got, ref[exp], 1e-6)


@pytest.mark.parametrize("name", DATASETS)
def test_peto(name):
    ref = REF["datasets"][name]["OR"]["peto"]
    res = peto_odds_ratio(dataset(name))
    for got, exp in (
        (res.estimate, "b"),
        (res.se, "se"),
        (res.lower, "ci.lb"),
        (res.upper, "ci.ub"),
        (res.q, "QE"),
    ):
        close(got, ref[exp], 1e-6)


def test_two_trial_pool_matches_a_hand_calculation():
    """A hand calculation of ETASS + TESTS, OR scale. IV fixed 0.864 (0.681-1.095);
    MH 0.864 (0.681-1.094); Q 2.07, I^2 about 52%; DL tau^2 about 0.039, OR 0.826 (0.569-1.199)."""
    data = dataset("etass_tests")
    eff = study_effects(data, "OR")
    fe = common_effect_iv(eff).summary()
    assert [round(fe[k], 3) for k in ("estimate", "lower", "upper")] == [0.864, 0.681, 1.095]
    mh = mantel_haenszel(data, "OR").summary()
    assert [round(mh[k], 3) for k in ("estimate", "lower", "upper")] == [0.864, 0.681, 1.094]
    assert round(fe["q"], 2) == 2.07 and round(fe["i2"], 2) == 0.52
    dl = random_effects(eff, "DL").summary()
    assert round(dl["tau2"], 3) == 0.039
    assert [round(dl[k], 3) for k in ("estimate", "lower", "upper")] == [0.826, 0.569, 1.199]


def test_prediction_interval_higgins_needs_three_studies():
    eff = study_effects(dataset("etass_tests"), "OR")
    res = random_effects(eff, "REML", pi="higgins")
    assert res.pi_lower is None and any("not defined" in n for n in res.notes)
    bcg = random_effects(study_effects(dataset("bcg"), "RR"), "REML", pi="higgins")
    from scipy import stats

    half = stats.t.ppf(0.975, 11) * math.sqrt(bcg.tau2 + bcg.se**2)
    assert bcg.pi_upper - bcg.estimate == pytest.approx(half)


def test_zero_cell_handling_is_reported():
    data = dataset("nielweise2007")
    eff = study_effects(data, "OR")
    assert any("continuity correction" in n for n in eff.notes)
    excluded = study_effects(data, "OR", double_zero="exclude")
    assert excluded.k == eff.k - len(REF["zero_studies"]["nielweise2007"]["double_zero"])
    none = study_effects(data, "OR", correction="none")
    assert none.k == eff.k - len(REF["zero_studies"]["nielweise2007"]["any_zero"])
    tac = study_effects(data, "OR", correction="treatment_arm")
    row = tac.table.iloc[REF["zero_studies"]["nielweise2007"]["double_zero"][0] - 1]
    n1, n2 = row.n1i, row.n2i
    assert row.a_used == pytest.approx(n2 / (n1 + n2)) and row.c_used == pytest.approx(
        n1 / (n1 + n2)
    )


def test_mh_risk_difference_greenland_robins_variance_by_hand():
    """RevMan's variance for the MH risk difference (Deeks & Higgins 2010):
    var = sum((a b n2^3 + c d n1^3) / (n1 n2 N^2)) / (sum(n1 n2 / N))^2."""
    tables = [(47, 181, 63, 180), (127, 542, 132, 547)]
    num = sum(
        (a * (n1 - a) * n2**3 + c * (n2 - c) * n1**3) / (n1 * n2 * (n1 + n2) ** 2)
        for a, n1, c, n2 in tables
    )
    wsum = sum(n1 * n2 / (n1 + n2) for a, n1, c, n2 in tables)
    rd = sum((a * n2 - c * n1) / (n1 + n2) for a, n1, c, n2 in tables) / wsum
    got = mantel_haenszel(dataset("etass_tests"), "RD", rd_variance="greenland_robins")
    assert got.estimate == pytest.approx(rd, rel=1e-12)
    assert got.se == pytest.approx(math.sqrt(num / wsum**2), rel=1e-12)
    sato = mantel_haenszel(dataset("etass_tests"), "RD")
    assert sato.se != pytest.approx(got.se, rel=1e-6)  # the two conventions differ slightly
