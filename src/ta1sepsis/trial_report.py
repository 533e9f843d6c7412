"""One trial's binary outcome, analysed every standard way and set beside what was published.

:func:`analyse_binary` computes the quantities of :mod:`ta1sepsis.binary` for one 2x2 table;
:func:`published_vs_recomputed` pairs each published number for that outcome (rows of
``data/published_estimates.csv``) with the matching recomputed value and a verdict from
:mod:`ta1sepsis.verdicts`. Which recomputation is compared with which published measure is
fixed here, once, for every notebook.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .binary import (
    NNT,
    Interval,
    TestResult,
    TwoByTwo,
    chi_square,
    fisher_exact,
    number_needed_to_treat,
    odds_ratio,
    risk_difference,
    risk_ratio,
    risk_wilson,
)
from .verdicts import NOT_REPRODUCIBLE, comparison


@dataclass(frozen=True)
class BinaryAnalysis:
    table: TwoByTwo
    risk_trt: Interval
    risk_ctl: Interval
    rr: Interval
    odds: Interval
    rd_wald: Interval
    rd_newcombe: Interval
    nnt: NNT
    pearson: TestResult
    yates: TestResult
    fisher: TestResult

    @property
    def tests(self) -> tuple[TestResult, ...]:
        return (self.pearson, self.yates, self.fisher)


def analyse_binary(t: TwoByTwo, level: float = 0.95) -> BinaryAnalysis:
    """Every standard summary of a two-arm binary outcome at confidence ``level``."""
    rd = risk_difference(t, level, "wald")
    return BinaryAnalysis(
        table=t,
        risk_trt=risk_wilson(t.events_trt, t.n_trt, level),
        risk_ctl=risk_wilson(t.events_ctl, t.n_ctl, level),
        rr=risk_ratio(t, level),
        odds=odds_ratio(t, level),
        rd_wald=rd,
        rd_newcombe=risk_difference(t, level, "newcombe"),
        nnt=number_needed_to_treat(rd),
        pearson=chi_square(t),
        yates=chi_square(t, yates=True),
        fisher=fisher_exact(t),
    )


def _interval_rows(label, row, interval: Interval, method: str, scale: float = 1.0, flip=False):
    """Rows comparing a published estimate and CI with ``interval`` (times ``scale``)."""
    point, lower, upper = (
        scale * interval.estimate,
        scale * interval.lower,
        scale * interval.upper,
    )
    if flip:  # ARR = control minus Tα1 = -RD
        point, lower, upper = -point, -upper, -lower
    out = [comparison(label, row.estimate_text, point, method, source=row.estimate_id)]
    if row.ci_lower_text:
        out.append(
            comparison(
                f"{label}, CI lower", row.ci_lower_text, lower, method, source=row.estimate_id
            )
        )
        out.append(
            comparison(
                f"{label}, CI upper", row.ci_upper_text, upper, method, source=row.estimate_id
            )
        )
    return out


def _p_row(label, row, analysis: BinaryAnalysis):
    test = analysis.pearson
    return comparison(
        f"{label}, P ({row.test or 'test not stated'})",
        row.p_value_text,
        test.p_value,
        test.name + " (see the test table)",
        operator=row.p_operator,
        source=row.estimate_id,
    )


def published_vs_recomputed(
    analysis: BinaryAnalysis, estimates: pd.DataFrame, study_id: str, outcome: str, label: str
) -> pd.DataFrame:
    """Published numbers for ``study_id``/``outcome`` (whole population) against recomputation.

    Hazard ratios are left out: they need times to event, which no count reproduces (the
    notebooks treat them with :mod:`ta1sepsis.hazards` and say so).
    """
    rows = []
    published = estimates[
        (estimates.study_id == study_id)
        & (estimates.outcome == outcome)
        & (estimates.population == "all")
    ]
    for row in published.itertuples():
        if row.measure == "risk":
            interval = analysis.risk_trt if row.arm == "treatment" else analysis.risk_ctl
            arm = "Tα1" if row.arm == "treatment" else "control"
            rows += _interval_rows(f"{label}: risk, {arm} (%)", row, interval, "events / N", 100)
        elif row.measure == "RR":
            rows += _interval_rows(f"{label}: RR", row, analysis.rr, "log (Katz) CI")
        elif row.measure == "OR":
            rows += _interval_rows(f"{label}: OR", row, analysis.odds, "logit (Woolf) CI")
        elif row.measure in ("RD", "ARR"):
            flip = row.measure == "ARR"
            name = f"{label}: {row.measure} (pp)"
            rows += _interval_rows(name, row, analysis.rd_wald, "Wald CI", 100, flip)
            if row.ci_lower_text:
                rows += _interval_rows(name, row, analysis.rd_newcombe, "Newcombe CI", 100, flip)[
                    1:
                ]
        elif row.measure in ("HR", "MD", "SMD", "WMD"):
            continue
        if row.measure == "p_only" and "log-rank" in (row.test or ""):
            rows.append(
                {
                    "quantity": f"{label}, P ({row.test})",
                    "published": row.p_value_text,
                    "recomputed": "",
                    "method": "needs times to event",
                    "verdict": NOT_REPRODUCIBLE,
                    "source": row.estimate_id,
                }
            )
        elif row.p_value_text:
            rows.append(_p_row(label, row, analysis))
    return pd.DataFrame(
        rows, columns=["quantity", "published", "recomputed", "method", "verdict", "source"]
    )


def which_test_reproduces(analysis: BinaryAnalysis, published_p_text: str) -> pd.DataFrame:
    """Each standard 2x2 test's P value beside a published P, with the verdict per test."""
    return pd.DataFrame(
        [
            {
                "test": test.name,
                "statistic": round(test.statistic, 4),
                "P": round(test.p_value, 4),
                **{
                    k: v
                    for k, v in comparison("P", published_p_text, test.p_value, test.name).items()
                    if k in ("published", "verdict")
                },
            }
            for test in analysis.tests
        ]
    )
