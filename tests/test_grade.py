"""GRADE rules and the RoB 2 overall judgement, with every expected value written out by hand."""

import pytest

from ta1sepsis.evidence.grade import (
    Evidence,
    certainty,
    credibility_downgrade,
    imprecision,
    inconsistency,
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
        mcid_absolute=0.02,
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


def test_imprecision_against_the_mcid_by_hand():
    # control risk 0.25, MCID 20 per 1000: RR 0.8 to 1.0 -> differences -50 to 0 per 1000:
    # from an important benefit to less than the MCID -> one level
    assert imprecision(binary(lower=0.8, upper=1.0)).levels == 1
    # RR 0.85 to 1.10 -> -37.5 to +25 per 1000: both an important benefit and an important harm
    assert imprecision(binary(lower=0.85, upper=1.10)).levels == 2
    # RR 0.95 to 1.05 -> -12.5 to +12.5: within the MCID, and enough patients -> not serious
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
        mcid_absolute=None,
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
                mcid_absolute=None,
            )
        ).levels
        == 0
    )


def test_credibility_and_certainty():
    assert credibility_downgrade(binary(credibility="low")).levels == 2
    assert credibility_downgrade(binary(credibility="moderate")).levels == 1
    assert credibility_downgrade(binary()) is None
    assert certainty([]) == "high"
    from ta1sepsis.evidence.grade import Downgrade

    assert certainty([Downgrade("a", 1, "", ""), Downgrade("b", 1, "", "")]) == "low"
    assert certainty([Downgrade("a", 2, "", ""), Downgrade("b", 2, "", "")]) == "very low"


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
    imprecision serious (important benefit to less than the MCID): low certainty; the point
    estimate is beyond the MCID of 20 per 1000: 'may reduce'."""
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
        {
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
