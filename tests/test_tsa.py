"""Trial sequential analysis: information size, Z-curves by hand, boundaries and conclusions."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from conftest import REFERENCE
from ta1sepsis.stats.group_sequential import design_with_futility, efficacy_boundaries
from ta1sepsis.stats.tsa import (
    cumulative_statistics,
    cumulative_statistics_from_effects,
    diversity,
    excluded_effects,
    monitor,
    required_information_size,
    trial_sequential_analysis,
)

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


def _hand_random(ys, vs):
    """DerSimonian-Laird by hand: Q, tau2, mu, Wald SE, HKSJ SE."""
    y, v = np.array(ys), np.array(vs)
    w = 1 / v
    mu_f = np.sum(w * y) / w.sum()
    q = np.sum(w * (y - mu_f) ** 2)
    tau2 = max(0.0, (q - (len(y) - 1)) / (w.sum() - np.sum(w**2) / w.sum()))
    wr = 1 / (v + tau2)
    mu = np.sum(wr * y) / wr.sum()
    se = 1 / math.sqrt(wr.sum())
    q_hk = np.sum(wr * (y - mu) ** 2) / (len(y) - 1)
    return mu, se, se * math.sqrt(q_hk), tau2, 1 - (1 / w.sum()) / se**2


def test_random_effects_z_curve_by_hand():
    # ln OR and Woolf variances of ETASS (47/181 vs 63/180) and TESTS (127/542 vs 132/547)
    y = [math.log(47 * 117 / (134 * 63)), math.log(127 * 415 / (415 * 132))]
    v = [1 / 47 + 1 / 134 + 1 / 63 + 1 / 117, 1 / 127 + 1 / 415 + 1 / 132 + 1 / 415]
    mu, se, se_hk, tau2, d2 = _hand_random(y, v)
    table = cumulative_statistics(TWO, "OR")
    last = table.iloc[-1]
    assert last["tau2"] == pytest.approx(tau2, rel=1e-10)
    assert last["z_random_dl"] == pytest.approx(mu / se, rel=1e-10)
    assert last["z_random_dl_hksj"] == pytest.approx(mu / se_hk, rel=1e-10)
    assert last["d2"] == pytest.approx(d2, rel=1e-10)
    # after the first trial every model is that trial's own z
    first = table.iloc[0]
    for model in ("fixed", "random_dl", "random_dl_hksj"):
        assert first[f"z_{model}"] == pytest.approx(y[0] / math.sqrt(v[0]), rel=1e-12)
    # the common-effect curve is Mantel-Haenszel: sum(a d / N) / sum(b c / N)
    tables = [(47, 181, 63, 180), (127, 542, 132, 547)]
    r = sum(a * (n2 - c) / (n1 + n2) for a, n1, c, n2 in tables)
    s = sum((n1 - a) * c / (n1 + n2) for a, n1, c, n2 in tables)
    assert math.exp(last["log_fixed"]) == pytest.approx(r / s, rel=1e-12)


def test_three_trial_hksj_differs_from_wald_and_matches_hand():
    studies = pd.DataFrame(
        {
            "study": ["a", "b", "c"],
            "year": [1, 2, 3],
            "ai": [10, 30, 12],
            "n1i": [50, 200, 60],
            "ci": [20, 28, 25],
            "n2i": [50, 200, 60],
        }
    )
    y = [
        math.log((a / n1) / (c / n2))
        for a, n1, c, n2 in zip(studies.ai, studies.n1i, studies.ci, studies.n2i, strict=True)
    ]
    v = [
        1 / a - 1 / n1 + 1 / c - 1 / n2
        for a, n1, c, n2 in zip(studies.ai, studies.n1i, studies.ci, studies.n2i, strict=True)
    ]
    mu, se, se_hk, *_ = _hand_random(y, v)
    last = cumulative_statistics(studies, "RR").iloc[-1]
    assert last["z_random_dl"] == pytest.approx(mu / se, rel=1e-10)
    # the Hartung-Knapp SE with the max(1, q) modification: se x sqrt(max(1, q)), q the
    # Hartung-Knapp factor (se_hk / se)^2; here q < 1, so the modified SE is the Wald SE (the
    # plain one, 0.268 against 0.282, would overstate z)
    assert (se_hk / se) ** 2 < 1 and abs(se_hk - se) > 1e-3
    assert last["z_random_dl_hksj"] == pytest.approx(mu / max(se_hk, se), rel=1e-10)


def test_hksj_z_curve_never_beats_the_wald_one_when_q_is_below_one():
    """Two trials that agree better than chance (q < 1): the plain Hartung-Knapp SE would be
    smaller than the Wald SE and the Z-curve larger (z = -28 was seen); with max(1, q) the two
    Z-curves coincide; identical trials (q = 0) give a finite z, not a division by zero."""
    studies = pd.DataFrame(
        {
            "study": ["a", "b", "c"],
            "year": [1, 2, 3],
            "ai": [20, 21, 20],
            "n1i": [100, 100, 100],
            "ci": [30, 30, 30],
            "n2i": [100, 100, 100],
        }
    )
    last = cumulative_statistics(studies, "RR").iloc[-1]
    assert last["z_random_dl_hksj"] == pytest.approx(last["z_random_dl"], rel=1e-12)
    tied = studies.assign(ai=[20, 20, 20])
    assert math.isfinite(cumulative_statistics(tied, "RR").iloc[-1]["z_random_dl_hksj"])


def test_zero_arm_in_the_first_trial_gives_a_finite_z_curve():
    studies = pd.DataFrame(
        {
            "study": ["zero", "b"],
            "year": [1, 2],
            "ai": [0, 30],
            "n1i": [40, 200],
            "ci": [4, 40],
            "n2i": [40, 200],
        }
    )
    table = cumulative_statistics(studies, "RR", correction="constant")
    # first look: Mantel-Haenszel RR is 0, so the 0.5-corrected inverse-variance estimate is used:
    # ln[(0.5/41)/(4.5/41)], v = 1/0.5 - 1/41 + 1/4.5 - 1/41
    y0 = math.log(0.5 / 4.5)
    v0 = 1 / 0.5 - 1 / 41 + 1 / 4.5 - 1 / 41
    assert table.loc[0, "z_fixed"] == pytest.approx(y0 / math.sqrt(v0), rel=1e-10)
    assert "continuity correction" in table.loc[0, "note"]
    assert np.isfinite(table["z_fixed"]).all() and np.isfinite(table["z_random_dl"]).all()


def test_double_zero_trials_add_patients_but_not_information():
    studies = pd.DataFrame(
        {
            "study": ["none", "b"],
            "year": [1, 2],
            "ai": [0, 30],
            "n1i": [20, 200],
            "ci": [0, 40],
            "n2i": [20, 200],
        }
    )
    table = cumulative_statistics(studies, "OR")
    assert math.isnan(table.loc[0, "z_fixed"]) and table.loc[0, "patients"] == 40
    alone = cumulative_statistics(studies.iloc[[1]], "OR")
    assert table.loc[1, "z_fixed"] == pytest.approx(alone.loc[0, "z_fixed"], rel=1e-12)
    assert table.loc[1, "patients"] == 440


def test_fixed_pairing_has_no_adjustment_and_boundaries_match():
    result = trial_sequential_analysis(TWO, 0.30, 0.20, "RR", model="fixed", futility=False)
    assert result.ris["ris"] == result.ris["ris_unadjusted"] == 2302
    looks = result.looks
    fractions = np.r_[looks["patients"] / 2302, 1.0]
    np.testing.assert_allclose(looks["fraction"], fractions[:-1])
    np.testing.assert_allclose(
        looks["efficacy_boundary"], efficacy_boundaries(fractions, 0.025)[:-1], atol=1e-12
    )
    adj = result.adjusted
    c = looks["efficacy_boundary"].iloc[-1]
    half = math.log(adj["estimate"]) - math.log(adj["adjusted_lower"])
    naive = math.log(adj["estimate"]) - math.log(adj["naive_lower"])
    assert half / naive == pytest.approx(c / stats.norm.ppf(0.975), rel=1e-9)
    assert result.conclusion == "inconclusive"
    # the curve passes through the boundary at each look
    for t, b in zip(looks["fraction"], looks["efficacy_boundary"], strict=True):
        row = result.curve.loc[(result.curve["fraction"] - t).abs().idxmin()]
        assert row["fraction"] == pytest.approx(t) and row["efficacy"] == pytest.approx(b, abs=1e-8)


def test_random_pairing_inflates_by_d2():
    d2 = diversity(TWO, "RR")
    result = trial_sequential_analysis(TWO, 0.30, 0.20, "RR", model="random_dl", futility=False)
    assert result.ris["diversity"] == pytest.approx(d2)
    assert result.ris["ris"] == 2 * math.ceil(2301.1196 / (1 - d2) / 2 - 1e-9)
    i2 = trial_sequential_analysis(
        TWO, 0.30, 0.20, "RR", model="random_dl", diversity="i2", futility=False
    )
    assert i2.ris["diversity"] == pytest.approx(cumulative_statistics(TWO, "RR").iloc[-1]["i2"])


def test_futility_is_on_by_default_and_inflates_to_the_design():
    result = trial_sequential_analysis(TWO, 0.30, 0.20, "RR", model="fixed")
    assert result.futility and "futility_boundary" in result.looks
    fractions = np.r_[result.looks["fraction"].to_numpy(), 1.0]
    design = design_with_futility(fractions, 0.025, 0.10)
    assert result.inflation == pytest.approx(design.inflation, rel=1e-8)
    np.testing.assert_allclose(result.looks["futility_boundary"], design.futility[:-1], atol=1e-8)
    assert "futility" in result.curve


def _table(patients, z):
    return pd.DataFrame(
        {
            "study": [f"t{i}" for i in range(len(z))],
            "patients": patients,
            "z_fixed": z,
            "log_fixed": np.array(z) * 0.1,
            "se_fixed": 0.1,
        }
    )


RIS = {"ris": 1000, "ris_unadjusted": 1000, "diversity": 0.0}


@pytest.mark.parametrize(
    ("patients", "z", "expected"),
    [
        ([200, 600], [-1.0, -5.0], "benefit"),
        ([200, 600], [1.0, 5.0], "harm"),
        ([200, 800], [-0.5, -0.1], "futility"),
        ([200, 1200], [-0.5, -1.5], "ris_reached"),
        ([200, 400], [-0.5, -1.5], "inconclusive"),
    ],
)
def test_conclusions(patients, z, expected):
    result = monitor(_table(patients, z), "fixed", RIS, futility=True)
    assert result.conclusion == expected


def test_effects_table_and_excluded_effects():
    table = pd.DataFrame(
        {
            "study": ["block", "x"],
            "yi": [math.log(0.5), math.log(0.9)],
            "vi": [0.04, 0.01],
            "patients": [400, 1000],
        }
    )
    stats_table = cumulative_statistics_from_effects(table)
    w = np.array([25.0, 100.0])
    mu = np.sum(w * table["yi"]) / w.sum()
    assert stats_table.iloc[-1]["z_fixed"] == pytest.approx(mu * math.sqrt(w.sum()), rel=1e-12)
    assert excluded_effects(0.78, 1.16) == pytest.approx(
        {"rrr_excluded_above": 0.22, "rri_excluded_above": 0.16}
    )


def test_boundary_curves_before_the_first_look_by_hand():
    """Before the first real look nothing has been spent, so a look at t has the closed forms
    (Lan & DeMets O'Brien-Fleming-type spending, one-sided alpha, beta):
    spent_alpha(t) = 2 - 2 Phi(z_{1-alpha/2} / sqrt t)  ->  efficacy c(t) = Phi^-1(1 - spent_alpha(t));
    spent_beta(t) likewise, and with Z_t ~ N(drift sqrt t, 1) under the alternative the futility
    bound solves P(Z_t < b) = spent_beta(t): b(t) = drift sqrt t + Phi^-1(spent_beta(t))."""
    from ta1sepsis.stats.group_sequential import efficacy_curve, futility_curve

    alpha, beta = 0.025, 0.1
    design = design_with_futility([0.5, 1.0], alpha, beta)
    grid = np.array([0.2, 0.3, 0.45])

    def spent(t, level):
        return 2 - 2 * stats.norm.cdf(stats.norm.ppf(1 - level / 2) / np.sqrt(t))

    np.testing.assert_allclose(
        efficacy_curve([0.5, 1.0], grid, alpha), stats.norm.isf(spent(grid, alpha)), atol=1e-9
    )
    np.testing.assert_allclose(
        futility_curve(design, grid),
        design.drift * np.sqrt(grid) + stats.norm.ppf(spent(grid, beta)),
        atol=1e-9,
    )
    # at the real looks the curves are the design's boundaries
    np.testing.assert_allclose(efficacy_curve([0.5, 1.0], [0.5, 1.0], alpha), design.efficacy)
    np.testing.assert_allclose(futility_curve(design, [0.5, 1.0]), design.futility, atol=1e-7)


def test_an_early_crossing_left_again_is_history_not_the_conclusion():
    """Z-curve constructed by hand: at 40% of a 1000-patient information size the Lan-DeMets
    O'Brien-Fleming boundary is z = 2 * (1 - Phi(...)) inverted, about 3.36; a z of -4 crosses
    it, and a large null trial then brings the curve back to -1 at 100% (inside every boundary,
    past the information size). The old rule stopped at the first crossing and said 'benefit';
    the conclusion is now the status at the last trial, with the crossing kept as history."""
    boundaries = efficacy_boundaries(np.array([0.4, 1.0]), 0.025)
    assert 3.3 < boundaries[0] < 3.4  # so -4 crosses and -1 does not
    result = monitor(_table([400, 1000], [-4.0, -1.0]), "fixed", RIS, futility=False)
    assert result.conclusion == "ris_reached"
    assert result.crossed_at is None
    assert result.history == [{"study": "t0", "event": "benefit"}]
    assert result.earlier == result.history
    assert "earlier the Z-curve crossed the boundary for benefit at t0" in result.conclusion_text
    # a crossing the curve stays beyond is the conclusion, dated from its first trial
    kept = monitor(_table([400, 700, 1000], [-1.0, -4.0, -4.5]), "fixed", RIS, futility=False)
    assert (kept.conclusion, kept.crossed_at, kept.earlier) == ("benefit", "t1", [])


def test_a_small_trial_crossing_then_a_large_null_trial_from_counts():
    """Counts constructed so that two small trials cross the benefit boundary and a large null
    trial then pulls the pooled estimate back to an interval that includes the null value: the
    conclusion cannot be 'benefit shown'."""
    studies = pd.DataFrame(
        {
            "study": ["small A", "small B", "large null"],
            "year": [2001, 2002, 2010],
            "ai": [20, 22, 640],
            "n1i": [150, 150, 2000],
            "ci": [55, 58, 600],
            "n2i": [150, 150, 2000],
        }
    )
    result = trial_sequential_analysis(studies, 0.35, 0.20, "RR", model="fixed", futility=False)
    assert [h["event"] for h in result.history][:1] == ["benefit"]
    assert result.looks["z"].iloc[1] < -result.looks["efficacy_boundary"].iloc[1]
    assert result.conclusion != "benefit"
    assert result.adjusted["naive_lower"] < 1 < result.adjusted["naive_upper"]
    assert "earlier the Z-curve crossed the boundary for benefit" in result.conclusion_text


@pytest.mark.parametrize("name", ["lau1992_trials.csv", "cannon2006_trials.csv"])
def test_external_data_sets_report_status_and_history_consistently(name):
    """On metadat data sets: the conclusion is the status at the last trial, every event of
    the history is a crossing at one of the trials, and a 'benefit' conclusion has its z beyond
    the last boundary."""
    trials = pd.read_csv(REFERENCE / "datasets" / name)
    studies = trials.rename(
        columns={"events_trt": "ai", "n_trt": "n1i", "events_ctl": "ci", "n_ctl": "n2i"}
    )
    if studies["year"].isna().any():
        studies["year"] = range(len(studies))
    p_control = float(studies["ci"].sum() / studies["n2i"].sum())
    result = trial_sequential_analysis(studies, p_control, 0.15, "RR", model="fixed")
    assert {h["study"] for h in result.history} <= set(result.looks["study"])
    if result.conclusion in ("benefit", "harm"):
        assert result.history and result.history[-1]["event"] == result.conclusion
        assert result.crossed_at is not None
    else:
        assert result.crossed_at is None


def test_only_drawn_models_get_boundary_curves_and_nothing_else_changes():
    """``tsa_bundle(drawn=...)`` skips the boundary curves of the models no figure draws; their
    looks, information sizes and conclusions are those of the bundle with every curve."""
    from ta1sepsis.stats.meta_workflow import tsa_bundle

    studies = pd.read_csv(REFERENCE / "datasets" / "etass_tests.csv")
    options = dict(alpha=0.05, beta=0.1, futility=True, correction="constant", d2_upper=0.5)
    every = tsa_bundle(studies, 0.3, 0.2, "RR", **options)
    some = tsa_bundle(studies, 0.3, 0.2, "RR", **options, drawn=("fixed", "random_dl"))
    assert len(every.pairings["random_dl_hksj"].curve) > 0
    assert len(some.pairings["random_dl_hksj"].curve) == 0
    for model, result in every.pairings.items():
        pd.testing.assert_frame_equal(some.pairings[model].looks, result.looks)
        assert some.pairings[model].information_size == result.information_size
        assert some.pairings[model].conclusion == result.conclusion
        if model != "random_dl_hksj":
            pd.testing.assert_frame_equal(some.pairings[model].curve, result.curve)
    pd.testing.assert_frame_equal(some.d2_table, every.d2_table)
    with pytest.raises(ValueError, match="unknown models"):
        tsa_bundle(studies, 0.3, 0.2, "RR", **options, drawn=("fixed", "random"))
