"""Every number typed into a GRADE judgement row is recomputed from the data or the results.

The rationales of ``data/grade_judgements.csv`` are sourced prose, but the numbers in them describe
data this project holds: counts, published estimates, shares of information, interval overlaps.
Each such number is recomputed here (from ``data/`` and ``results/``) and compared with the text
at the precision it is printed. A number the test does not know fails it (so a new rationale
must bring its check), apart from the non-quantitative tokens listed in ``NOT_QUANTITIES``
(registration numbers, years, doses, domain names). This test found a rationale saying that a
trial's odds ratio lay inside the pooled interval when it lay below it.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from ta1sepsis.data.evidence_tables import load_grade_judgements
from ta1sepsis.data.loader import load_estimates, load_facts, load_trials
from ta1sepsis.stats.binary import TwoByTwo, odds_ratio, risk_ratio
from ta1sepsis.stats.meta_effects import study_effects
from ta1sepsis.stats.meta_methods import trials_to_studies

ROOT = Path(__file__).resolve().parents[1]
JUDGEMENTS = load_grade_judgements(ROOT / "data" / "grade_judgements.csv")
TRIALS = load_trials(ROOT / "data" / "trials.csv")
ESTIMATES = load_estimates(ROOT / "data" / "published_estimates.csv").set_index("estimate_id")
FACTS = load_facts(ROOT / "data" / "study_facts.csv").set_index("fact_id")


def results(name: str) -> dict:
    return json.loads((ROOT / "results" / f"{name}.json").read_text(encoding="utf-8"))


def table(study_id: str, outcome: str = "mortality_28d") -> TwoByTwo:
    row = TRIALS[(TRIALS.study_id == study_id) & (TRIALS.outcome == outcome)].iloc[0]
    return TwoByTwo.from_row(row)


def est(estimate_id: str) -> tuple[float, float, float]:
    r = ESTIMATES.loc[estimate_id]
    return r.estimate, r.ci_lower, r.ci_upper


def interval_text(values, digits=2, sep=" to ") -> str:
    e, lo, hi = values
    return f"{e:.{digits}f} ({lo:.{digits}f}{sep}{hi:.{digits}f})"


def computed() -> dict[int, list[str]]:
    """Line of data/grade_judgements.csv -> the statements (as printed) recomputed from data."""
    etass, tests = table("etass"), table("tests")
    pool = trials_to_studies(TRIALS, "mortality_28d")
    effects = study_effects(pool, "OR", correction="constant")
    info = (1 / effects.vi) / (1 / effects.vi).sum()
    etass_share = float(info[list(effects.table.study_id).index("etass")])
    meta = results("03_meta_analyses")
    pooled = meta["meta.pooled.mh"]
    gu = ESTIMATES.loc["gu2025.mortality_28d.or"]
    large_n = etass.n_trt + etass.n_ctl + tests.n_trt + tests.n_ctl
    randomised = FACTS.loc["tests.randomised.total", "value"]
    analysed = FACTS.loc["tests.mitt.total", "value"]
    mitt = [v for k, v in results("04_tests").items() if ".mitt_sensitivity." in k]
    rr_e, rr_t = risk_ratio(etass), risk_ratio(tests)
    lo = [math.log(x) for x in (rr_e.lower, rr_e.upper, rr_t.lower, rr_t.upper)]
    overlap = (min(lo[1], lo[3]) - max(lo[0], lo[2])) / min(lo[1] - lo[0], lo[3] - lo[2])
    excluded = (
        f"left out {randomised - analysed:.0f} of {randomised:.0f} randomised patients "
        f"({(randomised - analysed) / randomised:.1%}; the extreme-case analysis in 04_tests keeps "
        f"the risk ratio between {min(m['value'] for m in mitt):.2f} and "
        f"{max(m['value'] for m in mitt):.2f})"
    )
    reviews = sorted(
        est(i)[0]
        for i in ("liu2016.mortality_any.rr", "li2015.mortality_any.rr", "gu2018.mortality_28d.rr")
    )
    wood = pd.read_csv(ROOT / "data" / "method_facts.csv").set_index("fact_id")["value"]
    return {
        2: [
            f"the {int(gu.k_studies) - 2} small trials (about {int(gu.n_patients) - large_n} of "
            f"{int(gu.n_patients)} patients)",
            f"OR {interval_text(est('gu2025.mortality_28d.or.high_quality'), sep='-')}",
            f"OR {interval_text(est('gu2025.mortality_28d.or.multicentre'), sep='-')}",
            f"{interval_text(est('gu2025.mortality_28d.or'), sep='-')} overall",
            f"ETASS and TESTS ({large_n / gu.n_patients:.0%} of patients)",
        ],
        4: [
            f"report RR {reviews[0]:.2f} to {reviews[-1]:.2f}",
            f"the multicentre subset OR {ESTIMATES.loc['gu2025.mortality_28d.or.multicentre'].estimate:.2f}",
            f"TESTS alone RR {rr_t.estimate:.2f}",
        ],
        13: [
            f"HR {interval_text(est('tests.mortality_28d.hr.age_lt60'), sep='-')} under 60",
            f"{interval_text(est('tests.mortality_28d.hr.age_ge60'), sep='-')} at 60 or over",
        ],
        15: [
            f"HR {interval_text(est('tests.mortality_28d.hr.diabetes_yes'), sep='-')} with diabetes",
            f"{interval_text(est('tests.mortality_28d.hr.diabetes_no'), sep='-')} without",
        ],
        17: [
            excluded,
            f"ETASS ({etass_share:.1%} of the information)",
            f"its odds ratio ({odds_ratio(etass).estimate:.2f}) lies below the pooled interval "
            f"({pooled['lower']:.2f} to {pooled['upper']:.2f})"
            if odds_ratio(etass).estimate < pooled["lower"]
            else "(the ETASS odds ratio is not below the pooled interval)",
            f"TESTS alone (OR {odds_ratio(tests).estimate:.2f})",
            f"(ratio of odds ratios {wood['bias.wood2008.blinding_objective.ror']:.2f} and "
            f"{wood['bias.wood2008.concealment_objective.ror']:.2f} in Wood 2008)",
        ],
        12: [
            f"pooled HLA-DR result from {int(ESTIMATES.loc['liu2016.hla_dr.smd'].k_studies)} small "
            "trials"
        ],
        18: [excluded],
        19: [excluded],
        20: [excluded],
        21: [excluded],
        23: [excluded],
        22: [
            f"ETASS (RR {rr_e.estimate:.2f}, {rr_e.lower:.2f} to {rr_e.upper:.2f})",
            f"TESTS (RR {rr_t.estimate:.2f}, {rr_t.lower:.2f} to {rr_t.upper:.2f})",
            f"overlap over {overlap:.0%} of the shorter one",
            f"P = {meta['meta.pooled.q_p']['value']:.2f}",
            f"I² ({100 * meta['meta.pooled.i2']['value']:.0f}%)",
            f"control-arm mortality {etass.risk_ctl:.0%} against {tests.risk_ctl:.0%}",
        ],
    }


CHECKS = computed()

# tokens that are not quantities computed from the data: registration numbers, calendar years,
# the dose and schedule, RoB 2 domain names, time points and age cut-offs named in the outcome
NOT_QUANTITIES = re.compile(
    r"NCT\d+|\b(19|20)\d{2}(-(19|20)\d{2})?\b|1\.6 mg|12 h|7 days|\bD[1-5]\b|Sepsis-3|"
    r"28-day|90-day|28 days|<60|>=60|under 60|60 or over|\[\d+\]|Eleven|Two trials|one trial|"
    r"One trial|two trials|Single trial|Table \d+|RoB 2|domain \d|α1|in 0\d\b"
)
NUMBER = re.compile(r"\d+(\.\d+)?%?")


@pytest.mark.parametrize("line", sorted(CHECKS))
def test_each_numeric_statement_is_recomputed(line):
    row = JUDGEMENTS[JUDGEMENTS.line == line]
    assert len(row) == 1, f"data/grade_judgements.csv line {line} is not where it was"
    text = row.iloc[0].rationale
    for statement in CHECKS[line]:
        assert statement in text, (
            f"data/grade_judgements.csv line {line} ({row.iloc[0].outcome_id}, "
            f"{row.iloc[0].domain}): the data give {statement!r}, which the rationale does not say"
        )


def test_no_number_in_a_rationale_goes_unchecked():
    for r in JUDGEMENTS.itertuples():
        text = r.rationale
        for statement in CHECKS.get(r.line, []):
            text = text.replace(statement, " ")
        text = NOT_QUANTITIES.sub(" ", text)
        left = [m.group(0) for m in NUMBER.finditer(text)]
        assert not left, (
            f"data/grade_judgements.csv line {r.line} ({r.outcome_id}, {r.domain}) has numbers no "
            f"check recomputes: {left}; add them to tests/test_judgements.py"
        )
