"""One-compartment model against its closed form, superposition and a numerical ODE solution."""

import math

import numpy as np
import pytest
from scipy.integrate import quad, solve_ivp

from ta1sepsis.stats.pharmacokinetics import OneCompartment, exposure_metrics

MODEL = OneCompartment.from_half_life_and_tmax(half_life=2.0, tmax=1.5, volume=35.0)
DOSE = 1600.0  # micrograms


def test_parameters_reproduce_half_life_and_tmax():
    assert MODEL.ke == pytest.approx(math.log(2) / 2.0)
    assert MODEL.tmax == pytest.approx(1.5, abs=1e-10)
    assert MODEL.ka > MODEL.ke


def test_against_the_ode():
    # dA_gut/dt = -ka A_gut ; dA/dt = ka A_gut - ke A ; C = A / V
    sol = solve_ivp(
        lambda t, y: [-MODEL.ka * y[0], MODEL.ka * y[0] - MODEL.ke * y[1]],
        (0, 24),
        [DOSE, 0.0],
        dense_output=True,
        rtol=1e-11,
        atol=1e-11,
    )
    t = np.linspace(0, 24, 97)
    np.testing.assert_allclose(MODEL.single_dose(t, DOSE), sol.sol(t)[1] / MODEL.volume, atol=1e-7)


def test_auc_and_cmax_by_hand():
    auc, _ = quad(lambda s: float(MODEL.single_dose(s, DOSE)), 0, 200, limit=200)
    assert MODEL.auc(DOSE) == pytest.approx(auc, rel=1e-8)
    assert MODEL.auc(DOSE) == pytest.approx(1600 / (35 * math.log(2) / 2))  # 131.9 ug*h/L
    grid = np.linspace(0, 10, 100001)
    assert MODEL.cmax(DOSE) == pytest.approx(MODEL.single_dose(grid, DOSE).max(), rel=1e-8)


@pytest.mark.parametrize("interval", [12.0, 24.0, 8.0])
def test_repeated_closed_form_equals_superposition(interval):
    n = int(7 * 24 / interval)
    t = np.linspace(0, 7 * 24 + 12, 2001)
    closed = MODEL.repeated(t, DOSE, interval, n)
    summed = MODEL.superposition(t, DOSE, [i * interval for i in range(n)])
    np.testing.assert_allclose(closed, summed, atol=1e-10)


def test_accumulation_and_exposure_metrics():
    assert MODEL.accumulation_ratio(12) == pytest.approx(1 / (1 - 0.5**6))  # 1.0159
    twice = exposure_metrics(MODEL, DOSE, 12, 7, threshold=10)
    once = exposure_metrics(MODEL, DOSE, 24, 7, threshold=10)
    assert twice["doses"] == 14 and once["doses"] == 7
    # at (near) steady state the daily AUC is the number of daily doses times the single-dose AUC
    assert twice["daily_auc"] == pytest.approx(2 * MODEL.auc(DOSE), rel=1e-3)
    assert once["daily_auc"] == pytest.approx(MODEL.auc(DOSE), rel=1e-3)
    assert twice["hours_per_day_above"] > once["hours_per_day_above"]


def test_unreachable_tmax_is_refused():
    with pytest.raises(ValueError, match="not reachable"):
        OneCompartment.from_half_life_and_tmax(half_life=1.0, tmax=5.0, volume=35)
