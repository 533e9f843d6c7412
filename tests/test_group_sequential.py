"""Lan-DeMets O'Brien-Fleming boundaries against rpact 3.3.4 (tests/reference/meta.R) and the
closed-form first look, written out in test_first_look_by_hand."""

import numpy as np
import pytest
from scipy import stats

from conftest import load_reference
from ta1sepsis.stats.group_sequential import design_with_futility, efficacy_boundaries, obf_spending

RPACT = load_reference("meta.json")["rpact"]


@pytest.mark.parametrize("rates", list(RPACT))
def test_efficacy_boundaries_match_rpact(rates):
    ref = RPACT[rates]
    got = efficacy_boundaries(ref["informationRates"], alpha=0.025)
    tol = 1e-6
    np.testing.assert_allclose(got, ref["asOF"]["criticalValues"], atol=tol)
    np.testing.assert_allclose(
        obf_spending(ref["informationRates"], 0.025), ref["asOF"]["alphaSpent"], atol=1e-7
    )
    np.testing.assert_allclose(got, ref["asOF_two_sided"]["criticalValues"], atol=tol)


@pytest.mark.parametrize("rates", list(RPACT))
def test_beta_spending_futility_matches_rpact(rates):
    ref = RPACT[rates]["asOF_bsOF"]
    design = design_with_futility(RPACT[rates]["informationRates"], alpha=0.025, beta=0.2)
    np.testing.assert_allclose(design.futility[:-1], ref["futilityBounds"], atol=1e-6)
    assert design.futility[-1] == pytest.approx(design.efficacy[-1], abs=1e-8)
    assert design.inflation == pytest.approx(ref["inflationFactor"], abs=1e-6)
    assert design.drift**2 == pytest.approx(ref["shift"], abs=1e-5)


def test_first_look_by_hand():
    # alpha' = 0.025: z_{1-0.0125} = 2.2414; t = 0.25: alpha* = 2 - 2 Phi(2.2414 / 0.5)
    # = 7.367e-6, z = 4.3326; t = 0.1: alpha* = 1.361e-12, z = 6.9914
    z = stats.norm.ppf(1 - 0.0125)
    assert round(z, 4) == 2.2414
    spent = 2 - 2 * stats.norm.cdf(z / 0.5)
    assert spent == pytest.approx(7.367e-6, rel=1e-3)
    assert efficacy_boundaries([0.25, 1.0])[0] == pytest.approx(stats.norm.isf(spent), abs=1e-8)
    assert round(efficacy_boundaries([0.25, 0.5, 0.75, 1.0])[0], 4) == 4.3326
    assert round(efficacy_boundaries([0.1, 0.4, 1.0])[0], 4) == 6.9914


def test_bad_fractions_are_refused():
    with pytest.raises(ValueError, match="increase"):
        efficacy_boundaries([0.5, 0.4, 1.0])
    with pytest.raises(ValueError, match="increase"):
        efficacy_boundaries([0.5, 1.2])


GSD = load_reference("group_sequential.json")["designs"]


@pytest.mark.parametrize("design", GSD, ids=lambda d: str(len(d["informationRates"])))
def test_expected_sample_size_and_power_match_rpact(design):
    from ta1sepsis.stats.group_sequential import drift_for_power, operating_characteristics

    t = design["informationRates"]
    fixed = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    # efficacy only
    ref = design["efficacy_only"]
    eff = efficacy_boundaries(t)
    drift = drift_for_power(t, eff, 0.8)
    assert drift**2 == pytest.approx(ref["shift"], abs=1e-5)
    inflation = (drift / fixed) ** 2
    assert inflation == pytest.approx(ref["inflation"], abs=1e-6)
    h1 = operating_characteristics(t, eff, drift)
    np.testing.assert_allclose(np.cumsum(h1.stop_efficacy), ref["power"], atol=1e-6)
    assert inflation * h1.expected_fraction == pytest.approx(ref["asn1"], abs=1e-6)
    h0 = operating_characteristics(t, eff, 0.0)
    assert inflation * h0.expected_fraction == pytest.approx(ref["asn0"], abs=1e-6)
    # with non-binding beta-spending futility, stopping at the futility bound
    ref = design["with_futility"]
    d = design_with_futility(t, 0.025, 0.2)
    h1 = operating_characteristics(t, d.efficacy, d.drift, d.futility)
    h0 = operating_characteristics(t, d.efficacy, 0.0, d.futility)
    assert d.inflation * h1.expected_fraction == pytest.approx(ref["asn1"], abs=1e-6)
    assert d.inflation * h0.expected_fraction == pytest.approx(ref["asn0"], abs=1e-6)
    assert h1.power == pytest.approx(0.8, abs=1e-6)
