"""The chapters' logic on plain inputs (dicts of results, small frames), each against a hand
calculation or a value worked out in the test; and the three defects of issue 19, each with a
test that fails on the old code."""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ta1sepsis.chapters.base import Chapter, MissingDataId, row_by_id, short_name, source_short
from ta1sepsis.chapters.dosing import relation
from ta1sepsis.chapters.mechanism import marker_table
from ta1sepsis.chapters.meta_analyses import back_calculated_block, excluded_words
from ta1sepsis.chapters.next_trial import DESIGN, RAW, design_table
from ta1sepsis.chapters.subgroups import prior_sd_for_ratio
from ta1sepsis.chapters.trial_report import log_se, outcome_rows, sparse
from ta1sepsis.evidence.grade import Evidence, rate
from ta1sepsis.evidence.synthesis import (
    downgrade_table,
    level_words,
    pooled_evidence,
    rated_row,
    rob_weights,
    sof_table,
)
from ta1sepsis.evidence.trial_checks import analyse_binary
from ta1sepsis.report.answers import fmt_ci
from ta1sepsis.report.results import MissingResultKey, Results, ResultsFile
from ta1sepsis.stats.binary import Interval, TwoByTwo
from ta1sepsis.stats.enrichment import design_trial

ROOT = Path(__file__).resolve().parents[1]
Z975 = stats.norm.ppf(0.975)

# --- the three defects -------------------------------------------------------------------------


def test_trial_report_likelihood_se_does_not_depend_on_the_confidence_level():
    """ETASS 28-day mortality, 47/181 vs 63/180. By hand, the SE of ln RR (Katz):
    sqrt(1/47 - 1/181 + 1/63 - 1/180) = sqrt(0.0212766 - 0.0055249 + 0.0158730 - 0.0055556)
    = sqrt(0.0260691) = 0.16146. The old code divided the width of the interval by 2 x 1.96
    whatever its level: at confidence 0.90 that gave 0.1355."""
    t = TwoByTwo(47, 181, 63, 180)
    by_hand = math.sqrt(1 / 47 - 1 / 181 + 1 / 63 - 1 / 180)
    for level in (0.90, 0.95, 0.99):
        rr = analyse_binary(t, level).rr
        assert log_se(rr) == pytest.approx(by_hand, rel=1e-9)
    rr90 = analyse_binary(t, 0.90).rr
    old = (math.log(rr90.upper) - math.log(rr90.lower)) / (2 * 1.959963984540054)
    assert old == pytest.approx(0.1355, abs=5e-4)  # the defect, for the record


def test_an_interval_is_named_by_its_own_level():
    assert fmt_ci(0.86, 0.68, 1.09, level=0.90) == "0.86 (90% CI 0.68 to 1.09)"
    assert fmt_ci(0.86, 0.68, 1.09, level=0.95) == "0.86 (95% CI 0.68 to 1.09)"
    with pytest.raises(TypeError):  # no default level: a 95% cannot be typed by omission
        fmt_ci(0.86, 0.68, 1.09)


def meta_results(measure: str) -> dict:
    """results/03_meta_analyses.json entries as 03 writes them, for a risk ratio pool."""
    return {
        "meta.pooled.mh": {"value": 0.9, "lower": 0.7, "upper": 1.1, "level": 0.9},
        "meta.pooled.measure": {"value": measure},
        "meta.pooled.patients": {"value": 1450},
        "meta.pooled.k": {"value": 2},
        "meta.pooled.i2": {"value": 0.5},
        "meta.pooled.q_p": {"value": 0.15},
        "meta.tsa.fixed.information_size": {"value": 5000},
    }


def test_the_pooled_summary_row_follows_the_measure_03_used():
    """09 read meta.pooled.or_mh by name: with 03 run on RR that key did not exist and the row
    disappeared. The row is now built from the measure-independent key and carries RR."""
    e = pooled_evidence(
        meta_results("RR"),
        outcome_id="m",
        label="28-day mortality",
        trial_names=["A", "B"],
        trial_rob=[("low", 0.5), ("low", 0.5)],
        baseline=0.25,
        baseline_text="control arm",
        thresholds=(0.035, 0.035),
    )
    assert (e.measure, e.estimate, e.level, e.trials, e.participants) == ("RR", 0.9, 0.9, 2, 1450)
    r = rate(e, {})
    table = sof_table(
        [rated_row(r, importance="critical")], ci=level_words([e.level]), intervention="X"
    )
    assert list(table["relative effect (90% CI)"]) == ["RR 0.90 (0.70 to 1.10)"]
    # control 250 per 1000; RR 0.9 -> 225 (difference -25); 0.7 -> 175; 1.1 -> 275
    assert list(table["difference per 1000 (90% CI)"]) == ["-25 (-75 to +25)"]
    with pytest.raises(KeyError):  # a reader never drops the row silently
        pooled_evidence(
            {},
            outcome_id="m",
            label="x",
            trial_names=[],
            trial_rob=[],
            baseline=0.25,
            baseline_text="",
            thresholds=(0.035, 0.035),
        )


# --- results: written with their level, read strictly -------------------------------------------


def test_results_refuse_an_interval_without_its_level_and_take_it_from_the_interval():
    r = Results("x")
    with pytest.raises(ValueError, match="needs its level"):
        r.add("a", 1.0, lower=0.5, upper=2.0)
    r.add("b", 1.0, lower=0.5, upper=2.0, kind="range")  # a range of P values is not a CI
    r.add_interval("c", Interval(0.8, 0.6, 1.1, 0.9), unit="ratio")
    assert r["c"] == {
        "value": 0.8,
        "lower": 0.6,
        "upper": 1.1,
        "level": 0.9,
        "unit": "ratio",
        "description": "",
    }


def test_a_missing_results_key_is_an_error_naming_file_key_and_neighbours():
    f = ResultsFile("03_meta_analyses", {"meta.pooled.mh": {"value": 1}, "meta.k": {"value": 2}})
    with pytest.raises(MissingResultKey) as error:
        f["meta.pooled.or_mh"]
    text = str(error.value)
    assert "results/03_meta_analyses.json has no key 'meta.pooled.or_mh'" in text
    assert "meta.pooled.mh" in text
    assert f.optional("meta.pooled.or_mh") is None and "meta.k" in f


# --- chapter parameters and data ids ------------------------------------------------------------


def test_a_chapter_takes_exactly_its_schema_parameters():
    class Fake(Chapter):
        notebook = "02_etass"
        figures = False

    names = json.loads((ROOT / "params" / "02_etass.schema.json").read_text(encoding="utf-8"))[
        "properties"
    ]
    values = {n: None for n in names}
    with pytest.raises(TypeError, match=r"missing parameters \['power'\]"):
        Fake(**{k: v for k, v in values.items() if k != "power"})
    with pytest.raises(TypeError, match=r"unknown parameters \['bogus'\]"):
        Fake(**values, bogus=1)
    with pytest.raises(NameError, match="does not define"):
        Fake.from_namespace({"alpha": 0.05})


def test_a_missing_data_id_names_the_file_and_the_parameter():
    frame = pd.DataFrame({"estimate_id": ["a.b"], "estimate": [1.0]})
    assert row_by_id(frame, "estimate_id", "a.b", file="f.csv", parameter="p").estimate == 1.0
    with pytest.raises(
        MissingDataId, match=r"f.csv has no estimate_id 'x.y' \(named by the parameter 'p'\)"
    ):
        row_by_id(frame, "estimate_id", "x.y", file="f.csv", parameter="p")


def test_names_from_labels_and_citations():
    assert short_name("ETASS (Wu 2013)") == "ETASS"
    assert source_short("Rost KL et al. Int J Clin Pharmacol Ther 1999;37(1):51-57") == "Rost 1999"
    assert source_short("Zadaxin (thymalfasin) label, Clinical Pharmacology") == (
        "Zadaxin (thymalfasin) label"
    )


# --- 03: the back-calculated block and what an interval excludes ---------------------------------


def published(estimate, se, *, n=None, measure="OR", level=0.95, study="Review 2025 (MA)"):
    half = stats.norm.ppf(0.5 + level / 2) * se
    return SimpleNamespace(
        estimate=math.exp(estimate),
        ci_lower=math.exp(estimate - half),
        ci_upper=math.exp(estimate + half),
        ci_level=level,
        measure=measure,
        n_patients=n,
        study=study,
    )


def test_back_calculated_block_by_hand():
    """Whole: ln OR -0.3567 (OR 0.7), SE 0.1 (weight 100); subset: ln OR -0.1054 (OR 0.9),
    SE 0.2 (weight 25). Rest: weight 75, ln OR (100 x -0.35667 - 25 x -0.10536) / 75 = -0.44044,
    SE 1/sqrt(75) = 0.11547; 1000 patients minus 600 counted = 400."""
    total, subset = published(math.log(0.7), 0.1, n=1000), published(math.log(0.9), 0.2)
    block, reason = back_calculated_block(total, subset, 600, "OR")
    assert reason == ""
    assert block["log_estimate"] == pytest.approx((100 * math.log(0.7) - 25 * math.log(0.9)) / 75)
    assert block["se"] == pytest.approx(1 / math.sqrt(75))
    assert block["patients"] == 400
    assert block["remainder"].weight_share == pytest.approx(0.75)
    assert back_calculated_block(total, subset, 600, "RR")[0] is None  # another scale
    none, why = back_calculated_block(total, subset, 1000, "OR")
    assert none is None and "no trials are left" in why
    none, why = back_calculated_block(published(-0.3, 0.1, n=math.nan), subset, 600, "OR")
    assert none is None and "no patient count" in why


def test_excluded_words_follow_the_interval():
    # 0.68 to 1.09: excludes reductions larger than 32% and increases larger than 9%
    text = excluded_words(0.68, 1.09, 0.85, "OR")
    assert "reductions larger than 32%" in text and "increases larger than 9%" in text
    assert "(OR 0.85) lies inside it" in text
    assert "excludes the null value and any increase" in excluded_words(0.5, 0.8, 0.85, "RR")
    assert "lies outside it" in excluded_words(0.5, 0.8, 0.85, "RR")


# --- 06: how a predicted range sits against a reported one ---------------------------------------


@pytest.mark.parametrize(
    "predicted, words",
    [
        ((2, 3), "lies within the reported range"),
        ((0, 0.5), "lies entirely below the reported range"),
        ((5, 6), "lies entirely above the reported range"),
        ((0, 6), "covers the whole reported range and more"),
        ((0.5, 2), "overlaps the lower end of the reported range"),
        ((3, 5), "overlaps the upper end of the reported range"),
    ],
)
def test_relation_of_ranges(predicted, words):
    assert relation(predicted, (1, 4)) == words


# --- 05: the sceptical prior on the interaction --------------------------------------------------


def test_prior_sd_puts_the_stated_mass_within_the_ratio():
    assert prior_sd_for_ratio(2.0, 0.95) == pytest.approx(math.log(2) / Z975)
    assert prior_sd_for_ratio(2.0, 0.90) == pytest.approx(math.log(2) / stats.norm.ppf(0.95))
    sd = prior_sd_for_ratio(3.0, 0.8)
    assert stats.norm.cdf(math.log(3), scale=sd) - stats.norm.cdf(-math.log(3), scale=sd) == (
        pytest.approx(0.8)
    )


# --- 07: the design table ----------------------------------------------------------------------


def test_design_table_from_plain_inputs():
    populations = {
        "older": {
            "effects": {RAW: 0.8, DESIGN: 0.85},
            "prevalence": 0.5,
            "sensitivity risk": 0.4,
            "sensitivity source": "another source",
            "posterior": (math.log(0.8), 0.15, "the subgroup posterior"),
            "risk known": False,
        },
        "everyone": {
            "effects": {DESIGN: 0.85},
            "prevalence": float("nan"),
            "sensitivity risk": float("nan"),
            "sensitivity source": "none",
            "posterior": (math.log(0.95), 0.1, "the overall posterior"),
            "risk known": True,
        },
    }
    designs, sensitivity = design_table(
        populations,
        0.25,
        alpha=0.05,
        power=0.8,
        looks=(0.5, 1.0),
        futility=False,
        eligible_share=0.5,
    )
    assert list(designs.population) == ["older", "older", "everyone"]
    d = design_trial(0.25, 0.8, 0.05, 0.8, fractions=(0.5, 1.0))
    first = designs.iloc[0]
    assert (first["N fixed"], first["N max (sequential)"]) == (d.n_fixed, d.n_max)
    # 1 / (prevalence 0.5 x eligible share 0.5) = 4 screened per enrolled
    assert first["screened per enrolled"] == pytest.approx(4.0)
    assert first["screened for N max"] == pytest.approx(4.0 * d.n_max)
    assert math.isnan(designs.iloc[2]["screened per enrolled"])
    assert list(sensitivity.population) == ["older", "older"]  # only where a risk is given
    assert sensitivity.iloc[0]["N fixed"] == design_trial(0.4, 0.8, 0.05, 0.8).n_fixed
    # assurance: the power averaged over each population's posterior, below the nominal 80%
    # when the posterior straddles no effect
    from ta1sepsis.stats.enrichment import assurance

    assert first["assurance"] == pytest.approx(
        assurance(0.25, d.n_fixed, log_hr_mean=math.log(0.8), log_hr_sd=0.15)
    )
    assert designs.iloc[2]["assurance"] < 0.8 == designs.iloc[2]["nominal power"]
    # a sourced control-risk range: both ends for every design whose risk is unknown
    _, ranged = design_table(
        populations,
        0.25,
        alpha=0.05,
        power=0.8,
        looks=(0.5, 1.0),
        futility=False,
        eligible_share=0.5,
        control_range=(0.24, 0.35),
    )
    in_range = ranged[ranged["source of that risk"].str.contains("sourced range")]
    assert list(in_range.population) == ["older"] * 4  # 'everyone' has its own risk
    assert in_range.iloc[1]["N fixed"] == design_trial(0.35, 0.8, 0.05, 0.8).n_fixed


# --- 01: the marker table ----------------------------------------------------------------------


def test_marker_table_orders_labels_and_judges_from_plain_rows():
    estimates = pd.DataFrame(
        [
            dict(
                estimate_id="a.cd4.md",
                study_id="a",
                study="A 2020",
                study_type="trial",
                outcome="cd4",
                population="all",
                measure="MD",
                estimate=2.0,
                ci_lower=1.0,
                ci_upper=3.0,
                unit="percentage_points",
                k_studies=math.nan,
                n_patients=80,
            ),
            dict(
                estimate_id="b.hla_dr.smd",
                study_id="b",
                study="B 2021 (UTI)",
                study_type="meta_analysis",
                outcome="hla_dr",
                population="all",
                measure="SMD",
                estimate=0.3,
                ci_lower=-0.1,
                ci_upper=0.7,
                unit="SD_units",
                k_studies=4,
                n_patients=300,
            ),
            dict(
                estimate_id="c.cd4.md",
                study_id="c",
                study="C 2022",
                study_type="meta_analysis",
                outcome="cd4",
                population="all",
                measure="MD",
                estimate=4.5,
                ci_lower=3.0,
                ci_upper=6.0,
                unit="percentage_points",
                k_studies=5,
                n_patients=math.nan,
            ),
            dict(
                estimate_id="d.il6.rr",
                study_id="d",
                study="D",
                study_type="trial",
                outcome="il6",
                population="all",
                measure="RR",
                estimate=1.0,
                ci_lower=0.5,
                ci_upper=2.0,
                unit="",
                k_studies=math.nan,
                n_patients=math.nan,
            ),
        ]
    )
    trials = pd.DataFrame({"study_id": ["a"], "n_trt": [40], "n_ctl": [40]})
    table = marker_table(
        estimates,
        trials,
        ["il6", "cd4", "hla_dr"],
        treatment_label="T",
        other_disease={"c": "pancreatitis"},
    )
    # HLA-DR first; the RR row is not a marker difference and is left out
    assert list(table.source) == ["b.hla_dr.smd", "a.cd4.md", "c.cd4.md"]
    assert table.label.iloc[0] == "B 2021 (UTI) (meta-analysis, T + ulinastatin)"
    assert table.label.iloc[2] == "C 2022 (meta-analysis, pancreatitis (not sepsis))"
    assert list(table["ci excludes 0"]) == [False, True, True]
    assert list(table.n) == ["4 studies, 300 patients", "80 patients", "5 studies"]
    assert table.panel.iloc[1] == "CD4+ T cells: mean difference (percentage points)"


# --- the trial report: outcome rows and Cochran's rule -------------------------------------------


def test_outcome_rows_and_sparse_tables():
    a = analyse_binary(TwoByTwo(10, 100, 20, 100), 0.9)
    table = outcome_rows({"death": a}, {"death": "death"}, "T", "placebo")
    row = table.iloc[0]
    assert (row["T risk"], row["placebo risk"]) == (0.1, 0.2)
    assert row["RR"] == pytest.approx(0.5) and row["RD (pp)"] == pytest.approx(-10.0)
    # one method per number, as in the bottom line: Newcombe's hybrid score interval (method
    # 10), written out: Wilson limits (l, u) of each risk at 90%, then
    # lower = d - sqrt((p1 - l1)^2 + (u2 - p2)^2), upper = d + sqrt((u1 - p1)^2 + (p2 - l2)^2)
    z = stats.norm.ppf(0.95)

    def wilson(p, n):
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
        return centre - half, centre + half

    (l1, u1), (l2, u2) = wilson(0.1, 100), wilson(0.2, 100)
    assert row["RD lower"] == pytest.approx(100 * (-0.1 - math.hypot(0.1 - l1, u2 - 0.2)))
    assert row["RD upper"] == pytest.approx(100 * (-0.1 + math.hypot(u1 - 0.1, 0.2 - l2)))
    assert row["test"] == "Pearson chi-square"  # no expected count below 5
    # expected counts: smallest is 100 x 30 / 200 = 15 >= 5 -> not sparse; 5/10 vs 10/10 is
    assert not sparse(TwoByTwo(10, 100, 20, 100)) and sparse(TwoByTwo(5, 10, 10, 10))


# --- 09: RoB weights and the downgrade table ----------------------------------------------------


def test_rob_weights_are_information_shares():
    rob = pd.DataFrame({"overall": ["high"]}, index=["a.m"])
    weights = rob_weights(["a", "b"], [0.04, 0.01], "m", rob)
    # information 25 and 100 -> shares 0.2 and 0.8; b has no assessment
    assert weights == [("high", pytest.approx(0.2)), ("not assessed", pytest.approx(0.8))]


def test_sof_names_each_interval_when_levels_differ():
    def evidence(level):
        return Evidence(
            "o",
            "outcome",
            "RR",
            0.8,
            0.6,
            1.1,
            100,
            1,
            0.3,
            "",
            "",
            threshold_benefit=0.035,
            threshold_harm=0.035,
            level=level,
        )

    rated = [rate(evidence(0.95), {}), rate(evidence(0.9), {})]
    ci = level_words(r.evidence.level for r in rated)
    table = sof_table(
        [rated_row(r, importance="critical", own_level=ci == "CI") for r in rated],
        ci=ci,
        intervention="X",
    )
    assert "relative effect (CI)" in table.columns
    assert list(table["relative effect (CI)"]) == [
        "RR 0.80 (95% CI 0.60 to 1.10)",
        "RR 0.80 (90% CI 0.60 to 1.10)",
    ]
    down = downgrade_table([rate(evidence(0.95), {})])
    assert set(down.domain) == {
        "risk of bias",
        "inconsistency",
        "indirectness",
        "imprecision",
        "publication bias",
    }


def test_null_value_of_a_difference_is_zero():
    from ta1sepsis.stats.absolute import per_1000

    # RD -0.05 at a control risk of 0.3: 250 per 1000, difference -50
    a = per_1000(0.3, -0.05, -0.1, 0.0, scale="RD")
    assert (a["treatment"], a["difference"], a["difference_upper"]) == (
        pytest.approx(250),
        pytest.approx(-50),
        pytest.approx(0),
    )
    assert np.isclose(a["difference_lower"], -100)
