"""Schemas and loaders of the tables behind the certainty of evidence.

* ``data/method_facts.csv``: facts the methods depend on (what trials and panels used as a
  minimal clinically important difference, empirical heterogeneity priors, GRADE rules and
  wording, the regression-to-the-mean formula, pharmacology), each with its primary citation.
* ``data/risk_of_bias.csv``: RoB 2 signalling answers and domain judgements, each with its
  supporting fact and source; the overall judgement is computed (:mod:`ta1sepsis.rob`).
* ``data/grade_judgements.csv``: the GRADE judgements that are not mechanical (indirectness,
  publication bias with fewer than ten trials, risk of bias where trial-level assessments do not
  exist), each with its rationale, the criterion applied and its sources.

Judgement rows are flagged ``judgement`` (our judgement applying a published instrument to read
facts), beside ``read`` and ``derived``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .data import IDENTIFIER, Column, TableSchema, _default, _derived_needs_derivation, load_table

FLAGS = ("read", "derived", "judgement")
SOURCED = (
    Column("source"),
    Column("url"),
    Column("location"),
    Column("notes", required=False),
)


def _value_or_text(row: dict) -> list[tuple[str, str]]:
    if row["value"] is None and not row["text"]:
        return [("value", "a fact needs a value or a text")]
    return []


METHOD_FACTS = TableSchema(
    name="method_facts",
    columns=(
        Column("fact_id", pattern=IDENTIFIER),
        Column(
            "topic",
            choices=(
                "mcid",
                "heterogeneity_prior",
                "grade",
                "regression_to_mean",
                "pharmacology",
                "tsa",
            ),
        ),
        Column("item"),
        Column("value", "float", required=False),
        Column("text", required=False),
        Column("unit", required=False),
        Column("value_flag", choices=("read", "derived")),
        Column("derivation", required=False),
        *SOURCED,
    ),
    key=("fact_id",),
    row_checks=(_value_or_text, _derived_needs_derivation),
)


def _location_unless_not_asked(row: dict) -> list[tuple[str, str]]:
    if not row["location"] and row["answer"] != "NA":
        return [
            (
                "location",
                "a sourced answer needs its location (only a question not asked, NA, may omit it)",
            )
        ]
    return []


RISK_OF_BIAS = TableSchema(
    name="risk_of_bias",
    columns=(
        Column("assessment_id", pattern=IDENTIFIER),
        Column("study_id", pattern=IDENTIFIER),
        Column("outcome"),
        Column("domain", choices=("D1", "D2", "D3", "D4", "D5", "review")),
        Column("domain_name"),
        Column("signalling_question"),
        Column("fact", required=False),
        Column("answer", required=False, choices=("Y", "PY", "PN", "N", "NI", "NA")),
        Column("judgement", required=False, choices=("low", "some concerns", "high")),
        Column("value_flag", choices=("read", "judgement")),
        Column("rationale", required=False),
        Column("source"),
        Column("url"),
        Column("location", required=False),
        Column("notes", required=False),
    ),
    key=("assessment_id", "domain", "signalling_question"),
    row_checks=(_location_unless_not_asked,),
)

GRADE_JUDGEMENTS = TableSchema(
    name="grade_judgements",
    columns=(
        Column("outcome_id", pattern=IDENTIFIER),
        Column(
            "domain",
            choices=(
                "risk_of_bias",
                "inconsistency",
                "indirectness",
                "imprecision",
                "publication_bias",
            ),
        ),
        Column("rating", choices=("not serious", "serious", "very serious")),
        Column("rationale"),
        Column("value_flag", choices=("judgement",)),
        Column("criterion"),
        *SOURCED,
    ),
    key=("outcome_id", "domain"),
)


def load_method_facts(path: str | Path | None = None) -> pd.DataFrame:
    """``data/method_facts.csv``, validated."""
    return load_table(path or _default("method_facts"), METHOD_FACTS)


def load_risk_of_bias(path: str | Path | None = None) -> pd.DataFrame:
    """``data/risk_of_bias.csv``, validated."""
    return load_table(path or _default("risk_of_bias"), RISK_OF_BIAS)


def load_grade_judgements(path: str | Path | None = None) -> pd.DataFrame:
    """``data/grade_judgements.csv``, validated."""
    return load_table(path or _default("grade_judgements"), GRADE_JUDGEMENTS)


def method_fact(facts: pd.DataFrame, fact_id: str) -> float:
    """The numeric value of one method fact (raises a clear error if it is missing or textual)."""
    hits = facts[facts["fact_id"] == fact_id]
    if len(hits) != 1 or pd.isna(hits.iloc[0]["value"]):
        raise KeyError(f"method_facts: no numeric fact {fact_id!r}")
    return float(hits.iloc[0]["value"])
