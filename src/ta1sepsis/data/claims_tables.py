"""The claims ledger's data tables: the article's structure, the claim, claim-fact, not-a-claim
and omission schemas, and their loaders.

The ledger's logic (resolving references, judging claims) is in :mod:`ta1sepsis.evidence.claims`;
what the tables may hold is defined here, in the data layer, so that loading and validating a
data file never needs the evidence layer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ta1sepsis.data.loader import IDENTIFIER, PROVENANCE, Column, TableSchema, load_table
from ta1sepsis.data.printed import decimals

# --- the article's structure ------------------------------------------------------------------

SECTIONS: dict[str, tuple[str, int]] = {
    "intro": ("Opening: title, banner and introduction", 11),
    "key": ("Key Takeaways", 6),
    "why": ("Why Sepsis Researchers Turned to Thymosin Alpha-1", 9),
    "etass": ("The ETASS Trial: The First Large RCT", 12),
    "meta": ("Meta-Analyses: What Pooled Data Showed", 15),
    "tests": ("The TESTS Trial: Phase 3 Results", 14),
    "subgroups": ("The Subgroup Question: Who Might Benefit?", 12),
    "markers": ("How Thymosin Alpha-1 Affects Immune Markers in Sepsis", 11),
    "beyond": ("Thymosin Alpha-1 Beyond Sepsis: Related Critical Care Applications", 9),
    "dosing": ("Dosing, Safety, and Practical Considerations", 11),
    "next": ("What Comes Next", 7),
    "bottom": ("The Bottom Line", 5),
}
"""Section code -> (heading in the article, number of sentences). The opening block counts the
title, the banner lines and the introductory paragraph as its sentences, in order."""

METHODS = ("recomputed", "derived", "looked up", "not checkable")
HOLDS, ROUNDING, DIFFERS = "holds", "within rounding", "differs"
CONTRADICTED = "contradicted by the primary source"
CONFLICT = "conflicting sources"
NOT_ASSESSED = "not assessed"
COPIED = "source copied correctly; recomputation differs"
VERDICTS = (HOLDS, ROUNDING, COPIED, DIFFERS, CONTRADICTED, CONFLICT, NOT_ASSESSED)
RULES = ("rounding", "bound", "p_range", "count", "category", "significance", "within", "none")
SIGNIFICANCE = ("significant", "not significant")

NUMERIC_VERDICTS = {
    "reproduced": HOLDS,
    "within rounding": ROUNDING,
    "consistent": HOLDS,
    "last digit off by one": DIFFERS,
    "not reproduced": DIFFERS,
}
"""How :func:`ta1sepsis.evidence.verdicts.verdict` words map to the ledger's: a difference of one unit in
the last printed digit is a difference (the detail column keeps the finer word)."""

REFERENCE_KINDS = (
    "result",
    "estimate",
    "fact",
    "trial",
    "claim_fact",
    "credibility",
    "p_from_ci",
    "derived",
    "missing",
)
LOOKUP_KINDS = {"estimate", "fact", "trial", "claim_fact", "credibility"}
RATIO_MEASURES = {"RR", "OR", "HR"}
PLACE = r"[a-z]+:(h|[1-9][0-9]*)"


# --- data schemas -----------------------------------------------------------------------------


def split(text: str) -> list[str]:
    """The parts of a ``" ; "``-separated cell (empty cell -> no parts)."""
    return [p.strip() for p in str(text or "").split(";") if p.strip()]


def _place_problems(places: str) -> list[str]:
    problems = []
    for place in split(places):
        if not re.fullmatch(PLACE, place):
            problems.append(f"place {place!r} is not <section>:<sentence> or <section>:h")
            continue
        code, n = place.split(":")
        if code not in SECTIONS:
            problems.append(f"place {place!r}: unknown section {code!r}")
        elif n != "h" and int(n) > SECTIONS[code][1]:
            problems.append(f"place {place!r}: section {code} has {SECTIONS[code][1]} sentences")
    if not split(places):
        problems.append("no place given")
    return problems


def _kinds(references: str) -> list[str]:
    return [ref.partition(":")[0] for ref in split(references)]


def _claim_row_problems(row: dict) -> list[tuple[str, str]]:
    out = [("places", p) for p in _place_problems(row["places"])]
    codes = {p.split(":")[0] for p in split(row["places"])}
    if row["section"] not in codes:
        out.append(("section", f"section {row['section']!r} is not among the places"))
    for column in ("reference", "alternative", "primary", "context"):
        for kind in _kinds(row[column]):
            if kind not in REFERENCE_KINDS:
                out.append((column, f"unknown reference kind {kind!r}"))
    kinds, method, rule = set(_kinds(row["reference"])), row["method"], row["rule"]
    if not kinds:
        out.append(("reference", "no reference given"))
    elif (method == "not checkable") != (kinds == {"missing"}):
        out.append(("method", "'not checkable' goes with missing: references, and only with them"))
    elif (rule == "none") != (method == "not checkable"):
        out.append(("rule", "rule 'none' goes with method 'not checkable', and only with it"))
    elif method == "looked up" and not kinds <= LOOKUP_KINDS:
        out.append(("method", f"'looked up' may use {sorted(LOOKUP_KINDS)} references only"))
    elif method == "recomputed" and not kinds & {"result", "derived"}:
        out.append(("method", "'recomputed' needs a result: or derived: reference"))
    elif method == "derived" and not kinds & {"result", "derived", "p_from_ci", "claim_fact"}:
        out.append(
            ("method", "'derived' needs a result:, derived:, p_from_ci: or claim_fact: reference")
        )
    stated, refs = split(row["stated"]), split(row["reference"])
    if rule in ("rounding", "p_range", "category", "significance") and len(stated) not in (
        1,
        len(refs),
    ):
        out.append(("stated", f"{len(stated)} stated parts for {len(refs)} references"))
    if row["alternative"] and len(split(row["alternative"])) != len(refs):
        out.append(("alternative", "needs one reference per reference of the claim"))
    if row["primary"] and len(split(row["primary"])) != len(stated):
        out.append(("primary", "needs one reference per stated part"))
    try:
        if rule in ("rounding", "p_range", "count"):
            for part in stated:
                decimals(part)
        elif rule == "bound":
            for part in stated:
                if not part.startswith("<"):
                    raise ValueError(f"{part!r} is not a printed bound such as <0.001")
                decimals(part[1:])
        elif rule == "within":
            if len(stated) != 2 or float(stated[0]) > float(stated[1]):
                raise ValueError("rule 'within' needs 'low ; high'")
        elif rule == "significance":
            bad = [p for p in stated if p not in SIGNIFICANCE]
            if bad:
                raise ValueError(f"{bad} not in {SIGNIFICANCE}")
    except ValueError as error:
        out.append(("stated", f"does not fit rule {rule!r}: {error}"))
    return out


CLAIMS_SCHEMA = TableSchema(
    name="claims",
    columns=(
        Column("claim_id", pattern=IDENTIFIER),
        Column("section", choices=tuple(SECTIONS)),
        Column("places"),
        Column("statement"),
        Column("article_citation"),
        Column("stated"),
        Column("rule", choices=RULES),
        Column("reference"),
        Column("alternative", required=False),
        Column("primary", required=False),
        Column("context", required=False),
        Column("scale", "float", required=False),
        Column("method", choices=METHODS),
        Column("note", required=False),
    ),
    key=("claim_id",),
    row_checks=(_claim_row_problems,),
)
"""``data/claims.csv``: one claim of the review per row (no verdict column: verdicts are computed)."""


def _derived_needs_derivation(row: dict) -> list[tuple[str, str]]:
    if row["value_flag"] == "derived" and not row["derivation"]:
        return [("derivation", "value_flag is 'derived' but no derivation is given")]
    return []


CLAIM_FACTS_SCHEMA = TableSchema(
    name="claim_facts",
    columns=(
        Column("fact_id", pattern=IDENTIFIER),
        Column("subject", pattern=IDENTIFIER),
        Column("item"),
        Column("value"),
        *PROVENANCE,
    ),
    key=("fact_id",),
    row_checks=(_derived_needs_derivation,),
)
"""``data/claim_facts.csv``: sourced categorical facts (a category, a short text or a
``" ; "``-separated list) that qualitative claims are compared with, each with its provenance."""

NOT_CLAIM_REASONS = (
    "title or label",
    "cross-reference",
    "background",
    "rhetoric",
    "interpretation",
    "opinion",
    "forward-looking",
    "uncheckable generalisation",
)


def _not_claim_problems(row: dict) -> list[tuple[str, str]]:
    return [("places", p) for p in _place_problems(row["places"])]


NOT_CLAIMS_SCHEMA = TableSchema(
    name="claims_not_claims",
    columns=(
        Column("item_id", pattern=IDENTIFIER),
        Column("places"),
        Column("part"),
        Column("reason", choices=NOT_CLAIM_REASONS),
        Column("explanation"),
    ),
    key=("item_id",),
    row_checks=(_not_claim_problems,),
)
"""``data/claims_not_claims.csv``: sentences (or parts of sentences) of the article judged not
to be claims, each with the reason."""


def _omission_problems(row: dict) -> list[tuple[str, str]]:
    return [
        ("references", f"unknown reference kind {k!r}")
        for k in _kinds(row["references"])
        if k not in REFERENCE_KINDS or k == "missing"
    ]


OMISSIONS_SCHEMA = TableSchema(
    name="claims_omissions",
    columns=(
        Column("omission_id", pattern=IDENTIFIER),
        Column("topic"),
        Column("finding"),
        Column("relevance"),
        Column("references"),
        Column("related_claims", required=False),
        Column("source"),
        Column("url"),
        Column("location"),
    ),
    key=("omission_id",),
    row_checks=(_omission_problems,),
)
"""``data/claims_omissions.csv``: evidence the sources hold that the article leaves out; the
values are shown by resolving ``references``, never typed."""


def load_claims_ledger(path: str | Path) -> pd.DataFrame:
    """Read and validate ``data/claims.csv`` (:data:`CLAIMS_SCHEMA`)."""
    return load_table(path, CLAIMS_SCHEMA)


def load_claim_facts(path: str | Path) -> pd.DataFrame:
    """Read and validate ``data/claim_facts.csv`` (:data:`CLAIM_FACTS_SCHEMA`)."""
    return load_table(path, CLAIM_FACTS_SCHEMA)


def load_not_claims(path: str | Path) -> pd.DataFrame:
    """Read and validate ``data/claims_not_claims.csv`` (:data:`NOT_CLAIMS_SCHEMA`)."""
    return load_table(path, NOT_CLAIMS_SCHEMA)


def load_omissions(path: str | Path) -> pd.DataFrame:
    """Read and validate ``data/claims_omissions.csv`` (:data:`OMISSIONS_SCHEMA`)."""
    return load_table(path, OMISSIONS_SCHEMA)
