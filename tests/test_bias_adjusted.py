"""The bias-adjusted synthesis of all evidence (stats.bias_adjusted, 09 section 4)."""

from __future__ import annotations

import json
import math
from itertools import permutations
from pathlib import Path

import numpy as np
import pytest

from ta1sepsis.stats import bayes_meta
from ta1sepsis.stats.bias_adjusted import (
    BiasPrior,
    block_likelihood,
    decision_summary,
    normal_approximation_gap,
    synthesis,
)

ROOT = Path(__file__).resolve().parents[1]
# ETASS 47/181 vs 63/180 and TESTS 127/542 vs 132/547: log odds ratios and Woolf SEs by hand
TABLES = [(47, 181, 63, 180), (127, 542, 132, 547)]
Y = [math.log(a * (n2 - c) / ((n1 - a) * c)) for a, n1, c, n2 in TABLES]
S = [math.sqrt(1 / a + 1 / (n1 - a) + 1 / c + 1 / (n2 - c)) for a, n1, c, n2 in TABLES]
TURNER = (-3.95, 1.34)  # data/method_facts.csv, heterogeneity_prior.turner2015.*
BLOCK = (math.log(0.322019872751), 0.26)


def _results(name: str) -> dict:
    data = json.loads((ROOT / "results" / f"{name}.json").read_text())
    return data.get("results", data)


def test_without_the_small_trials_it_is_the_two_trial_pool_of_03():
    ref = _results("03_meta_analyses")["meta.bayes.turner.mean"]
    got = synthesis(Y, S, BLOCK, None, weight=0.0, log_tau2_prior=TURNER).summary(
        level=ref["level"]
    )
    assert got["median"] == pytest.approx(ref["value"], rel=1e-9)
    assert got["lower"] == pytest.approx(ref["lower"], rel=1e-9)
    assert got["upper"] == pytest.approx(ref["upper"], rel=1e-9)
    # and 09 shows the same number in its first scenario
    shown = _results("09_synthesis")
    key = "synthesis.all_evidence.trials_with_counts_only_small_trials_left_out"
    assert shown[key]["value"] == pytest.approx(ref["value"], rel=1e-9)


def test_a_bias_prior_with_no_mean_and_no_spread_is_no_adjustment():
    plain = synthesis(Y, S, BLOCK, None, weight=1.0, log_tau2_prior=TURNER).summary()
    zero = synthesis(Y, S, BLOCK, BiasPrior("none", 0.0, 0.0), weight=1.0, log_tau2_prior=TURNER)
    assert zero.summary() == plain
    # the limit: a vanishing spread converges to it
    tiny = synthesis(Y, S, BLOCK, BiasPrior("tiny", 0.0, 1e-7), weight=1.0, log_tau2_prior=TURNER)
    assert tiny.summary()["median"] == pytest.approx(plain["median"], rel=1e-9)


def test_one_trial_and_a_block_by_hand():
    """With tau fixed near 0 the model is conjugate normal: the posterior mean of mu is the
    precision-weighted mean of the trial (y = -0.2, SE 0.1), the bias-corrected block
    (y = -1.0 - (-0.5) = -0.5, SE sqrt(0.3^2 + 0.4^2) = 0.5) and the prior (0, SD 4):
    precisions 100, 4 and 1/16; mean = (100 x -0.2 + 4 x -0.5) / 104.0625 = -0.211411...;
    SD = 104.0625^-0.5 = 0.098028...; with the power prior weight 0.25 the block's precision
    is 1 and the mean (-20 - 0.5) / 101.0625 = -0.202845..."""
    bias = BiasPrior("hand", -0.5, 0.4)
    r = synthesis([-0.2], [0.1], (-1.0, 0.3), bias, weight=1.0, tau_scale=1e-9)
    assert r.quantile(0.5) == pytest.approx(-22.0 / 104.0625, abs=1e-7)
    sd = 104.0625**-0.5
    assert r.quantile(0.975) - r.quantile(0.5) == pytest.approx(1.959963985 * sd, abs=1e-6)
    quarter = synthesis([-0.2], [0.1], (-1.0, 0.3), bias, weight=0.25, tau_scale=1e-9)
    assert quarter.quantile(0.5) == pytest.approx(-20.5 / 101.0625, abs=1e-7)
    assert block_likelihood(-1.0, 0.3, bias, 0.25) == pytest.approx((-0.5, 1.0))


def test_the_order_of_the_trials_does_not_matter():
    ys, ss = Y + [math.log(0.75)], S + [0.2]
    answers = {
        json.dumps(
            synthesis(
                [ys[i] for i in order],
                [ss[i] for i in order],
                BLOCK,
                None,
                weight=0.5,
                log_tau2_prior=TURNER,
            ).summary(),
            sort_keys=True,
        )
        for order in permutations(range(3))
    }
    assert len(answers) == 1


def test_the_grid_is_fine_enough(monkeypatch):
    """Stated accuracy: doubling the tau grid moves the median and the limits by < 1e-6
    (relative) and the probabilities by < 1e-7."""
    prior = BiasPrior.from_ratio("Zhang 2013", 0.60, 0.53, 0.68, level=0.95)
    base = decision_summary(
        synthesis(Y, S, BLOCK, prior, weight=1.0, log_tau2_prior=TURNER), 0.241, 10, 10, level=0.95
    )
    monkeypatch.setattr(bayes_meta, "GRID", 2 * bayes_meta.GRID)
    fine = decision_summary(
        synthesis(Y, S, BLOCK, prior, weight=1.0, log_tau2_prior=TURNER), 0.241, 10, 10, level=0.95
    )
    for key in ("median", "lower", "upper"):
        assert fine[key] == pytest.approx(base[key], rel=1e-6)
    for key in ("p_benefit", "p_reduction", "p_harm"):
        assert fine[key] == pytest.approx(base[key], abs=1e-7)


def test_more_trust_in_the_small_trials_moves_the_answer_towards_them():
    medians = [
        synthesis(Y, S, BLOCK, None, weight=w, log_tau2_prior=TURNER).summary()["median"]
        for w in np.linspace(0, 1, 6)
    ]
    assert all(b < a for a, b in zip(medians, medians[1:], strict=False))
    # a bias prior that expects exaggeration pulls the block back: a larger pooled OR
    adjusted = synthesis(
        Y,
        S,
        BLOCK,
        BiasPrior.from_ratio("z", 0.60, 0.53, 0.68, level=0.95),
        weight=1.0,
        log_tau2_prior=TURNER,
    ).summary()["median"]
    assert medians[0] > adjusted > medians[-1]


def test_decision_probabilities_on_the_absolute_scale_by_hand():
    """tau ~ 0 and one trial: mu ~ N(m, v) with m, v by hand; P(at least 10 fewer per 1000 at
    a control risk of 25%) = P(OR <= OR*), OR* = (0.24/0.76)/(0.25/0.75) = 0.947368..."""
    from scipy import stats

    r = synthesis([-0.2], [0.1], tau_scale=1e-9)
    d = decision_summary(r, 0.25, 10, 10, level=0.95)
    prec = 100 + 1 / 16
    m, sd = -20 / prec, prec**-0.5
    assert d["p_reduction"] == pytest.approx(
        stats.norm.cdf((math.log((0.24 / 0.76) / (0.25 / 0.75)) - m) / sd), abs=1e-7
    )
    assert d["p_harm"] == pytest.approx(
        1 - stats.norm.cdf((math.log((0.26 / 0.74) / (0.25 / 0.75)) - m) / sd), abs=1e-7
    )
    assert d["median"] == pytest.approx(math.exp(m), rel=1e-7)


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="lower <= ratio <= upper"):
        BiasPrior.from_ratio("x", 0.6, 0.7, 0.8, level=0.95)
    with pytest.raises(ValueError, match="SD >= 0"):
        BiasPrior("x", 0.0, -1.0)
    with pytest.raises(ValueError, match=r"weight must be in \[0, 1\]"):
        block_likelihood(0.0, 0.1, None, 1.5)
    with pytest.raises(ValueError, match="nothing to pool"):
        synthesis([], [], (0.0, 0.1), None, weight=0.0)


def test_the_normal_approximation_check_against_the_exact_interval():
    # a large table: Wald and exact limits nearly agree; a small one: they do not
    assert normal_approximation_gap(127, 542, 132, 547, level=0.95) < 0.02
    assert normal_approximation_gap(2, 10, 6, 10, level=0.95) > 0.1
    assert normal_approximation_gap(0, 10, 6, 10, level=0.95) == math.inf
