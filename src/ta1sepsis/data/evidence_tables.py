"""Schemas and loaders of the tables behind the certainty of evidence.

* ``data/method_facts.csv``: facts the methods depend on (what trials and panels used as a
  minimal clinically important difference, empirical heterogeneity priors, GRADE rules and
  wording, the regression-to-the-mean formula, pharmacology), each with its primary citation.
* ``data/risk_of_bias.csv``: RoB 2 signalling answers and domain judgements, each with its
  supporting fact and source; the overall judgement is computed (:mod:`ta1sepsis.evidence.rob`).
* ``data/grade_judgements.csv``: the GRADE judgements that are not mechanical (indirectness,
  publication bias with fewer than ten trials, risk of bias where trial-level assessments do not
  exist), each with its rationale, the criterion applied and its sources.

Judgement rows are flagged ``judgement`` (our judgement applying a published instrument to read
facts), beside ``read`` and ``derived``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ta1sepsis.data.loader import (
    EXPLANATIONS,
    GRADE_JUDGEMENTS,
    METHOD_FACTS,
    OUTCOME_IMPORTANCE,
    RISK_OF_BIAS,
    _default,
    load_table,
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


def load_outcome_importance(path: str | Path | None = None) -> pd.DataFrame:
    """``data/outcome_importance.csv``, validated."""
    return load_table(path or _default("outcome_importance"), OUTCOME_IMPORTANCE)


def load_explanations(path: str | Path | None = None) -> pd.DataFrame:
    """``data/small_trial_explanations.csv``, validated."""
    return load_table(path or _default("small_trial_explanations"), EXPLANATIONS)


def method_fact(facts: pd.DataFrame, fact_id: str) -> float:
    """The numeric value of one method fact (raises a clear error if it is missing or textual)."""
    hits = facts[facts["fact_id"] == fact_id]
    if len(hits) != 1 or pd.isna(hits.iloc[0]["value"]):
        raise KeyError(f"method_facts: no numeric fact {fact_id!r}")
    return float(hits.iloc[0]["value"])
