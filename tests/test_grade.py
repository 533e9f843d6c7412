"""GRADE rules and the RoB 2 overall judgement, with every expected value written out by hand."""

import pytest

from ta1sepsis.evidence.grade import (
    Evidence,
    certainty,
    imprecision,
    inconsistency,
    inconsistency_routes,
    rate,
    risk_of_bias,
    statement,
)
from ta1sepsis.evidence.rob import overall

JUDGEMENT = {
    "rating": "serious",
    "rationale": "surrogate outcome",
    "line": 7,
    "criterion": "GRADE 8",
}


def binary(**kw):
    base = dict(
        outcome_id="x",
        label="28-day mortality",
        measure="RR",
        estimate=0.9,
        lower=0.8,
        upper=1.0,
        participants=1000,
        trials=2,
        control_risk=0.25,
        threshold_benefit=0.02,
        threshold_harm=0.02,
    )
    base.update(kw)
    return Evidence(**base)


def test_rob2_overall():
    low = dict.fromkeys(("D1", "D2", "D3", "D4", "D5"), "low")
    assert overall(low) == "low"
    assert overall({**low, "D2": "some concerns"}) == "some concerns"
    assert overall({**low, "D2": "some concerns", "D5": "high"}) == "high"
    with pytest.raises(ValueError, match="five domains"):
        overall({"D1": "low"})


def test_risk_of_bias_rule_weights_information():
    # 40% of the weight with some concerns: not serious by rule
    assert risk_of_bias(binary(trial_rob=[("some concerns", 0.4), ("low", 0.6)]), None).levels == 0
    # 60% at high risk: one level by rule
    assert risk_of_bias(binary(trial_rob=[("high", 0.6), ("low", 0.4)]), None).levels == 1
    # 60% with some concerns: 0 or 1 level is a judgement, which must be a sourced row
    with pytest.raises(ValueError, match="sourced judgement"):
        risk_of_bias(binary(trial_rob=[("some concerns", 0.6), ("low", 0.4)]), None)
    d = risk_of_bias(binary(trial_rob=[("some concerns", 0.6), ("low", 0.4)]), JUDGEMENT)
    assert d.levels == 1 and "60% at high risk or some concerns" in d.reason and "line 7" in d.basis
    # without trial-level assessments the sourced judgement decides, and says where it is
    d = risk_of_bias(binary(), JUDGEMENT)
    assert d.levels == 1 and d.basis.startswith("judgement: data/grade_judgements.csv, line 7")


@pytest.mark.parametrize(
    ("i2", "q_p", "levels"),
    [(0.2, 0.4, 0), (0.52, 0.15, 1), (0.3, 0.05, 1), (0.8, 0.01, 2), (0.8, 0.2, 1)],
)
def test_inconsistency_rule(i2, q_p, levels):
    assert inconsistency(binary(i2=i2, q_p=q_p)).levels == levels


def test_inconsistency_single_trial_and_subset_contrast():
    assert inconsistency(binary(trials=1, i2=0.9, q_p=0.001)).levels == 0
    assert inconsistency(binary(trials=11, subset_contrast_p=0.001)).levels == 1
    assert inconsistency(binary(trials=11, subset_contrast_p=0.3)).levels == 0
    twice = inconsistency(
        binary(trials=11, subset_contrast_p=0.001, subset_difference_counted_elsewhere=True)
    )
    assert twice.levels == 0 and "not counted twice" in twice.reason


def test_imprecision_against_the_thresholds_by_hand():
    # control risk 0.25, thresholds 20 per 1000: RR 0.8 to 1.0 -> differences -50 to 0 per 1000:
    # from an important benefit to less than the threshold -> one level
    assert imprecision(binary(lower=0.8, upper=1.0)).levels == 1
    # RR 0.85 to 1.10 -> -37.5 to +25 per 1000: both an important benefit and an important harm
    assert imprecision(binary(lower=0.85, upper=1.10)).levels == 2
    # RR 0.95 to 1.05 -> -12.5 to +12.5: within the thresholds, and enough patients -> not serious
    assert (
        imprecision(binary(lower=0.95, upper=1.05, participants=5000, information_size=4000)).levels
        == 0
    )
    # ... but short of the optimal information size -> one level
    d = imprecision(binary(lower=0.95, upper=1.05, participants=1000, information_size=4000))
    assert d.levels == 1 and "optimal information size" in d.reason
    # RR 0.6 to 0.8 -> -100 to -50: entirely an important benefit -> not serious
    assert imprecision(binary(estimate=0.7, lower=0.6, upper=0.8, information_size=900)).levels == 0


def test_imprecision_continuous_without_mcid():
    md = binary(
        measure="MD",
        estimate=5.8,
        lower=1.0,
        upper=10.5,
        control_risk=None,
        participants=361,
        threshold_benefit=None,
        threshold_harm=None,
    )
    d = imprecision(md)
    assert d.levels == 1 and "361 patients" in d.reason
    assert (
        imprecision(
            binary(
                measure="MD",
                estimate=5.8,
                lower=1.0,
                upper=10.5,
                control_risk=None,
                participants=800,
                threshold_benefit=None,
                threshold_harm=None,
            )
        ).levels
        == 0
    )


def test_certainty_subtracts_levels():
    from ta1sepsis.evidence.grade import Downgrade

    assert certainty([]) == "high"
    assert certainty([Downgrade("a", 1, "", ""), Downgrade("b", 1, "", "")]) == "low"
    assert certainty([Downgrade("a", 2, "", ""), Downgrade("b", 2, "", "")]) == "very low"


def test_imprecision_thresholds_are_separate_for_benefit_and_harm():
    # control risk 0.25, RR 0.85 to 1.10 -> -37.5 to +25 per 1000.  With a harm threshold of
    # 30 per 1000 the upper end (+25) is no important harm: one level, not two.
    e = binary(lower=0.85, upper=1.10, threshold_benefit=0.02, threshold_harm=0.03)
    assert imprecision(e).levels == 1
    # a benefit threshold of 40 per 1000 puts -37.5 short of it, and +25 short of harm 30:
    # the interval crosses no threshold (and no information size given) -> not serious
    e = binary(lower=0.85, upper=1.10, threshold_benefit=0.04, threshold_harm=0.03)
    assert imprecision(e).levels == 0


def test_inconsistency_routes_two_trials_by_hand():
    """Two trials at control risk 0.24 (RR): A 0.74 (0.54 to 1.02), B 0.97 (0.78 to 1.20).
    Log intervals: A -0.616..0.0198, B -0.248..0.182; overlap -0.248..0.0198 = 0.268, the shorter
    interval (B) is 0.431 long: 62%.  Per 1000: A 0.24 * (0.74 - 1) * 1000 = -62.4, B -7.2:
    on opposite sides of a 10 per 1000 threshold.  Overlap above half: the criteria route does
    not rate down; I2 52% rates down one level: the routes disagree (fragile)."""
    e = binary(
        control_risk=0.24,
        threshold_benefit=0.01,
        threshold_harm=0.01,
        i2=0.52,
        q_p=0.15,
        trial_estimates=[("A", 0.74, 0.54, 1.02), ("B", 0.97, 0.78, 1.20)],
    )
    r = inconsistency_routes(e)
    import math

    overlap = (math.log(1.02) - math.log(0.78)) / (math.log(1.20) - math.log(0.78))
    assert r["overlap"] == pytest.approx(overlap)
    assert r["per_1000"] == pytest.approx([-62.4, -7.2])
    assert r["opposite"] and r["criteria"][0] == 0 and r["i2"][0] == 1 and r["fragile"]
    # without a sourced judgement row the criteria route decides, and says the routes disagree
    d = inconsistency(e)
    assert d.levels == 0 and "fragile" in d.reason
    # a sourced row decides when present, with both routes shown
    j = {"rating": "serious", "rationale": "Judged.", "line": 9, "criterion": "Core GRADE 3"}
    d = inconsistency(e, j)
    assert d.levels == 1 and "I² rule" in d.reason and "line 9" in d.basis
    # intervals that barely overlap, on opposite sides: one level by the criteria
    e2 = binary(
        control_risk=0.24,
        threshold_benefit=0.01,
        threshold_harm=0.01,
        trial_estimates=[("A", 0.6, 0.45, 0.8), ("B", 1.0, 0.78, 1.25)],
    )
    assert inconsistency_routes(e2)["criteria"][0] == 1


def test_statements_follow_santesso():
    assert (
        statement("28-day mortality", "Tα1", "high", "decrease") == "Tα1 reduces 28-day mortality."
    )
    assert (
        statement("28-day mortality", "Tα1", "moderate", "trivial")
        == "Tα1 probably results in little to no difference in 28-day mortality."
    )
    assert statement("28-day mortality", "Tα1", "very low", "decrease").startswith(
        "The evidence is very uncertain"
    )


def test_rate_end_to_end_two_large_trials():
    """ETASS + TESTS, Mantel-Haenszel OR 0.864 (0.681 to 1.094) at a control risk of 0.2413:
    treated risk OR p / (1 - p + OR p) = 0.2156, difference -25.7 per 1000 (-63.3 to +16.8);
    RoB not serious (28% of the weight with some concerns), inconsistency serious (I2 52%),
    imprecision serious (important benefit to less than the threshold): low certainty; the point
    estimate is beyond the threshold of 20 per 1000: 'may reduce'."""
    e = binary(
        measure="OR",
        estimate=0.864,
        lower=0.681,
        upper=1.094,
        control_risk=0.2413,
        participants=1450,
        i2=0.517,
        q_p=0.15,
        trial_rob=[("some concerns", 0.276), ("low", 0.724)],
        information_size=4858,
    )
    r = rate(
        e,
        intervention="Tα1",
        judgements={
            "indirectness": {"rating": "not serious", "rationale": "", "line": 3, "criterion": ""},
            "publication_bias": {
                "rating": "not serious",
                "rationale": "",
                "line": 4,
                "criterion": "",
            },
        },
    )
    assert [d.levels for d in r.downgrades] == [0, 1, 0, 1, 0]
    assert r.certainty == "low"
    assert r.absolute["difference"] == pytest.approx(
        1000 * (0.864 * 0.2413 / (1 - 0.2413 + 0.864 * 0.2413) - 0.2413)
    )
    assert r.statement == "Tα1 may reduce 28-day mortality."
