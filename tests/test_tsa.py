"""Trial sequential analysis: information size, diversity and adjusted CI by hand."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from conftest import REFERENCE
from ta1sepsis.group_sequential import efficacy_boundaries
from ta1sepsis.tsa import diversity, required_information_size, trial_sequential_analysis

TWO = pd.read_csv(REFERENCE / "datasets" / "etass_tests.csv")


def test_required_information_size_by_hand():
    # p_C 0.30, RRR 20%: p_I = 0.24, pbar = 0.27; (z_0.975 + z_0.90)^2 = (1.959964 + 1.281552)^2
    # = 10.50742; N = 4 * 10.50742 * 0.27 * 0.73 / 0.06^2 = 2301.1 -> 2302 (even)
    z2 = (stats.norm.ppf(0.975) + stats.norm.ppf(0.90)) ** 2
    n = 4 * z2 * 0.27 * 0.73 / 0.06**2
    assert n == pytest.approx(2301.12, abs=0.01)
    ris = required_information_size(0.30, 0.20, alpha=0.05, beta=0.10)
    assert ris["ris_unadjusted"] == 2302
    # with D^2 = 0.5: 2301.12 / 0.5 = 4602.2 -> 4604
    assert required_information_size(0.30, 0.20, diversity=0.5)["ris"] == 4604


def test_diversity_two_trials_by_hand():
    # ln OR SEs from meta_analyses.md section 6 are for OR; here RR: v = 1/a - 1/n1 + 1/c - 1/n2
    v = np.array([1 / 47 - 1 / 181 + 1 / 63 - 1 / 180, 1 / 127 - 1 / 542 + 1 / 132 - 1 / 547])
    y = np.log([(47 / 181) / (63 / 180), (127 / 542) / (132 / 547)])
    w = 1 / v
    q = np.sum(w * (y - np.sum(w * y) / w.sum()) ** 2)
    tau2 = max(0.0, (q - 1) / (w.sum() - np.sum(w**2) / w.sum()))
    v_f, v_r = 1 / w.sum(), 1 / np.sum(1 / (v + tau2))
    assert diversity(TWO, "RR") == pytest.approx(1 - v_f / v_r, rel=1e-12)


def test_tsa_boundaries_and_adjusted_ci():
    result = trial_sequential_analysis(TWO, p_control=0.30, rrr=0.20, diversity_adjustment=0.0)
    looks = result.looks
    assert result.ris["ris"] == 2302
    fractions = np.r_[looks["patients"] / 2302, 1.0]
    np.testing.assert_allclose(looks["fraction"], fractions[:-1])
    np.testing.assert_allclose(
        looks["efficacy_boundary"], efficacy_boundaries(fractions)[:-1], atol=1e-12
    )
    adj = result.adjusted
    c = looks["efficacy_boundary"].iloc[-1]
    half = math.log(adj["estimate"]) - math.log(adj["adjusted_lower"])
    naive = math.log(adj["estimate"]) - math.log(adj["naive_lower"])
    assert half / naive == pytest.approx(c / stats.norm.ppf(0.975), rel=1e-9)
    assert "inconclusive" in result.conclusion


def test_bad_assumptions_are_refused():
    with pytest.raises(ValueError, match="relative risk reduction"):
        required_information_size(0.3, 1.2)
    with pytest.raises(ValueError, match="control event proportion"):
        required_information_size(0.0, 0.2)
