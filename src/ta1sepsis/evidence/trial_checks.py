"""One trial's binary outcomes, analysed every standard way and set beside what was published.

:func:`analyse_binary` computes the quantities of :mod:`ta1sepsis.stats.binary` for one 2x2 table
(with a stated continuity correction where a ratio meets a zero cell). :func:`published_numbers`
pairs each published number of a trial's outcome (rows of ``data/published_estimates.csv``) with
every standard method that could have produced it, and gives the published number ONE verdict:
the verdict of the method that reproduces it best (reproduced > within rounding > consistent >
last digit off by one > not reproduced). The methods that do not reproduce it are alternatives,
listed separately: an alternative method that misses a published number is not a published
number that fails. A number that needs data the sources lack (a log-rank P, a Cox hazard ratio)
is "not reproducible from the available data", with the count-based approximations shown as
alternatives only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from ta1sepsis.evidence.verdicts import NOT_REPRODUCIBLE, VERDICTS, decimals, verdict
from ta1sepsis.stats.binary import (
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

RANK = {v: i for i, v in enumerate(VERDICTS)}


@dataclass(frozen=True)
class BinaryAnalysis:
    """Every standard summary of one 2x2 table; ``None`` where a quantity is undefined.

    Attributes
    ----------
    table : TwoByTwo
    risk_trt, risk_ctl : Interval
        Risks with Wilson intervals.
    rr, odds : Interval or None
        Risk and odds ratios (log CIs).
    rd_wald, rd_newcombe : Interval
        Risk difference with Wald and Newcombe hybrid score intervals.
    nnt : NNT or None
    pearson, yates : TestResult or None
        Chi-square tests without and with Yates' correction.
    fisher : TestResult
    notes : tuple of str
        Corrections applied and quantities left out, in words.
    """

    table: TwoByTwo
    risk_trt: Interval
    risk_ctl: Interval
    rr: Interval | None
    odds: Interval | None
    rd_wald: Interval
    rd_newcombe: Interval
    nnt: NNT | None
    pearson: TestResult | None
    yates: TestResult | None
    fisher: TestResult
    notes: tuple[str, ...] = field(default=())

    @property
    def tests(self) -> tuple[TestResult, ...]:
        """The tests that are defined for this table."""
        return tuple(t for t in (self.pearson, self.yates, self.fisher) if t is not None)


def analyse_binary(t: TwoByTwo, level: float = 0.95, correction: float = 0.5) -> BinaryAnalysis:
    """Every standard summary of a two-arm binary outcome at confidence ``level``.

    Parameters
    ----------
    t : TwoByTwo
        Events and N per arm (treatment first).
    level : float
        Confidence level of every interval.
    correction : float
        Added to every cell of a table with a zero cell before the risk and odds ratios (0.5 by
        default, metafor's convention); the note says so. With no events (or no non-events) in
        either arm the ratios are undefined and left out.

    Returns
    -------
    BinaryAnalysis

    Examples
    --------
    >>> a = analyse_binary(TwoByTwo(47, 181, 63, 180))
    >>> round(a.rr.estimate, 3), round(a.pearson.p_value, 3), round(a.fisher.p_value, 3)
    (0.742, 0.062, 0.068)
    """
    notes = []
    rr = odds = None
    try:
        rr, odds = risk_ratio(t, level, correction), odds_ratio(t, level, correction)
        if t.has_zero_cell:
            notes.append(
                f"a cell is zero: {correction:g} added to every cell for the risk and odds ratios"
            )
    except ValueError as error:
        notes.append(f"risk and odds ratios not estimable: {error}")
    rd = risk_difference(t, level, "wald")
    try:
        nnt = number_needed_to_treat(rd)
    except ValueError:
        nnt = None
        notes.append("the risk difference is exactly zero: no number needed to treat")
    pearson = yates = None
    if 0 < t.events_trt + t.events_ctl < t.n_trt + t.n_ctl:
        pearson, yates = chi_square(t), chi_square(t, yates=True)
    else:
        notes.append("no events (or no non-events) at all: chi-square tests undefined")
    return BinaryAnalysis(
        table=t,
        risk_trt=risk_wilson(t.events_trt, t.n_trt, level),
        risk_ctl=risk_wilson(t.events_ctl, t.n_ctl, level),
        rr=rr,
        odds=odds,
        rd_wald=rd,
        rd_newcombe=risk_difference(t, level, "newcombe"),
        nnt=nnt,
        pearson=pearson,
        yates=yates,
        fisher=fisher_exact(t),
        notes=tuple(notes),
    )


def _candidates(
    analysis: BinaryAnalysis, measure: str, arm: str, part: str, scale: float, flip: bool
):
    """(method, value) pairs that could have produced a published (measure, part)."""

    def pick(iv: Interval | None):
        if iv is None:
            return None
        value = {"estimate": iv.estimate, "lower": iv.lower, "upper": iv.upper}
        if flip:  # ARR = control minus treatment = -RD
            value = {"estimate": -iv.estimate, "lower": -iv.upper, "upper": -iv.lower}
        return scale * value[part]

    if measure == "risk":
        iv = analysis.risk_trt if arm == "treatment" else analysis.risk_ctl
        return [("events / N", pick(iv))]
    if measure == "RR":
        return [("log (Katz) CI", pick(analysis.rr))]
    if measure == "OR":
        return [("logit (Woolf) CI", pick(analysis.odds))]
    if measure in ("RD", "ARR"):
        if part == "estimate":
            return [("events / N", pick(analysis.rd_wald))]
        return [
            ("Wald CI", pick(analysis.rd_wald)),
            ("Newcombe hybrid score CI", pick(analysis.rd_newcombe)),
        ]
    return []


def _judge(
    published_text: str, operator: str, candidates
) -> tuple[str, str, float | None, list[dict]]:
    alternatives = []
    for method, value in candidates:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        alternatives.append(
            {
                "method": method,
                "recomputed": value,
                "verdict": verdict(published_text, value, operator),
            }
        )
    if not alternatives:
        return NOT_REPRODUCIBLE, "", None, []
    best = min(alternatives, key=lambda a: RANK[a["verdict"]])
    return best["verdict"], best["method"], best["recomputed"], alternatives


def published_numbers(
    analysis: BinaryAnalysis, estimates: pd.DataFrame, study_id: str, outcome: str, *, label: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every published number of ``study_id``/``outcome`` (whole population) with one verdict.

    Parameters
    ----------
    analysis : BinaryAnalysis
        The recomputation from the counts.
    estimates : pandas.DataFrame
        ``data/published_estimates.csv`` as loaded.
    study_id, outcome : str
    label : str
        The outcome in words, for the quantity column.

    Rows whose ``version`` is longer than one letter are restatements of a published number
    elsewhere (a summary site, an editorial), recorded only to be checked; they are left out.

    Returns
    -------
    (numbers, alternatives) : pandas.DataFrame
        ``numbers``: one row per published number: ``quantity``, ``published`` (as printed),
        ``recomputed`` (by the best method), ``method`` (which reproduces it), ``verdict``,
        ``source`` (estimate_id). ``alternatives``: every method tried for every number, with
        its value and verdict.

    Examples
    --------
    >>> est = pd.DataFrame([{"study_id": "t", "outcome": "death", "population": "all",
    ...     "version": "", "estimate_id": "t.rr", "measure": "RR", "arm": "comparison",
    ...     "estimate": 0.74, "estimate_text": "0.74", "ci_lower": 0.54, "ci_lower_text": "0.54",
    ...     "ci_upper": 1.02, "ci_upper_text": "1.02", "ci_level": 0.95, "unit": "ratio",
    ...     "operator": "=", "p_value": float("nan"), "p_value_text": ""}])
    >>> numbers, _ = published_numbers(analyse_binary(TwoByTwo(47, 181, 63, 180)), est, "t",
    ...                                "death", label="death")
    >>> numbers.verdict.tolist()
    ['within rounding', 'within rounding', 'within rounding']
    """
    published = estimates[
        (estimates.study_id == study_id)
        & (estimates.outcome == outcome)
        & (estimates.population == "all")
    ]
    restated = published["version"].astype(str).str.len() > 1
    published = published[~restated]  # restatements elsewhere, recorded only to be checked
    rows, alts = [], []

    def add(quantity, text, operator, candidates, *, source, unreproducible_reason=""):
        if unreproducible_reason:
            best = (NOT_REPRODUCIBLE, unreproducible_reason, None, [])
            alternatives = [
                {"method": m, "recomputed": v, "verdict": verdict(text, v, operator)}
                for m, v in candidates
                if v is not None
            ]
        else:
            best = _judge(text, operator, candidates)
            alternatives = best[3]
        shown = f"{operator}{text}" if operator == "<" else text
        digits = decimals(text) + 2
        rows.append(
            {
                "quantity": quantity,
                "published": shown,
                "recomputed": "" if best[2] is None else f"{best[2]:.{digits}f}",
                "method": best[1],
                "verdict": best[0],
                "source": source,
            }
        )
        for a in alternatives:
            alts.append(
                {
                    "quantity": quantity,
                    "published": shown,
                    "method": a["method"],
                    "recomputed": f"{a['recomputed']:.{digits}f}",
                    "verdict": a["verdict"],
                    "source": source,
                }
            )

    for row in published.itertuples():
        m = row.measure
        arm = {"treatment": "treatment", "control": "control"}.get(row.arm, "")
        # a published interval is compared with intervals at its own level, whatever the level
        # of the recomputation shown elsewhere
        level = (
            row.ci_level
            if isinstance(row.ci_level, float) and not math.isnan(row.ci_level)
            else None
        )
        at = (
            analyse_binary(analysis.table, level)
            if level is not None and not math.isclose(level, analysis.risk_trt.level)
            else analysis
        )
        if m == "risk":
            who = "treatment" if row.arm == "treatment" else "control"
            add(
                f"{label}: risk, {who} arm (%)",
                row.estimate_text,
                "=",
                _candidates(at, "risk", arm, "estimate", 100, False),
                source=row.estimate_id,
            )
        elif m in ("RR", "OR", "RD", "ARR"):
            scale = 100 if m in ("RD", "ARR") else 1
            flip = m == "ARR"
            unit = " (pp)" if scale == 100 else ""
            for part, text in (
                ("estimate", row.estimate_text),
                ("lower", row.ci_lower_text),
                ("upper", row.ci_upper_text),
            ):
                if not text:
                    continue
                name = f"{label}: {m}{unit}" + ("" if part == "estimate" else f", CI {part}")
                add(
                    name,
                    text,
                    "=",
                    _candidates(at, m, arm, part, scale, flip),
                    source=row.estimate_id,
                )
        elif m == "HR":
            from ta1sepsis.stats.hazards import hazard_ratio_constant_hazards

            try:
                const = hazard_ratio_constant_hazards(
                    analysis.table, level or analysis.risk_trt.level
                )
                approx = {"estimate": const.estimate, "lower": const.lower, "upper": const.upper}
            except ValueError:
                approx = {}
            for part, text in (
                ("estimate", row.estimate_text),
                ("lower", row.ci_lower_text),
                ("upper", row.ci_upper_text),
            ):
                if not text:
                    continue
                name = (
                    f"{label}: HR"
                    + (f" version {row.version}" if row.version else "")
                    + ("" if part == "estimate" else f", CI {part}")
                )
                add(
                    name,
                    text,
                    "=",
                    [("constant-hazards approximation from the counts", approx.get(part))],
                    source=row.estimate_id,
                    unreproducible_reason="needs the times to death (Cox model)",
                )
        if row.p_value_text:
            test_name = row.test or "test not stated"
            quantity = f"{label}: P ({test_name})"
            tests = [(t.name, t.p_value) for t in analysis.tests]
            if "log-rank" in test_name or m == "HR":
                add(
                    quantity,
                    row.p_value_text,
                    row.p_operator,
                    tests,
                    source=row.estimate_id,
                    unreproducible_reason="needs the times to death",
                )
            else:
                add(quantity, row.p_value_text, row.p_operator, tests, source=row.estimate_id)
    columns = ["quantity", "published", "recomputed", "method", "verdict", "source"]
    return pd.DataFrame(rows, columns=columns), pd.DataFrame(alts, columns=columns)


def which_test_reproduces(analysis: BinaryAnalysis, published_p_text: str) -> pd.DataFrame:
    """Each standard 2x2 test's P value beside a published P, with the verdict per test.

    Parameters
    ----------
    analysis : BinaryAnalysis
    published_p_text : str
        The P value as printed.

    Returns
    -------
    pandas.DataFrame
        One row per test, with its P and verdict.

    Examples
    --------
    >>> t = which_test_reproduces(analyse_binary(TwoByTwo(47, 181, 63, 180)), "0.062")
    >>> t.verdict.tolist()
    ['within rounding', 'not reproduced', 'not reproduced']
    """
    return pd.DataFrame(
        [
            {
                "test": test.name,
                "statistic": test.statistic,
                "P": test.p_value,
                "published": published_p_text,
                "verdict": verdict(published_p_text, test.p_value),
            }
            for test in analysis.tests
        ]
    )


def verdict_counts(numbers: pd.DataFrame) -> dict:
    """Published numbers by verdict (each number counted once, under its best method).

    Parameters
    ----------
    numbers : pandas.DataFrame
        From :func:`published_numbers` (a ``verdict`` column).

    Returns
    -------
    dict
        Verdict -> count, verdicts in alphabetical order.

    Examples
    --------
    >>> verdict_counts(pd.DataFrame({"verdict": ["reproduced", "within rounding",
    ...                                          "within rounding"]}))
    {'reproduced': 1, 'within rounding': 2}
    """
    return {v: int(n) for v, n in numbers["verdict"].value_counts().sort_index().items()}
