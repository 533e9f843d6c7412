"""Loading and validating the CSV tables in ``data/``.

Every table has a schema (columns, types, ranges, a unique key, row-level rules) and every row
carries its provenance (``value_flag``, ``derivation``, ``source``, ``url``, ``location``).
Loading rejects malformed data with a :class:`DataError` that names the file, the line (as a
spreadsheet shows it: the header is line 1) and the column. All problems in a file are reported
together, so a user can fix them in one pass.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ta1sepsis.data.fingerprints import record_rows
from ta1sepsis.paths import project_root

MAX_REPORTED_PROBLEMS = 20
IDENTIFIER = r"[a-z][a-z0-9_.]*"  # study and outcome ids: lowercase, digits, '_' and '.'


class DataError(ValueError):
    """A data file is missing, empty or malformed; the message names file, line and column."""


@dataclass(frozen=True)
class Column:
    """One column: ``kind`` is 'text', 'int' or 'float'; empty means missing."""

    name: str
    kind: str = "text"
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    pattern: str | None = None  # a regular expression the whole text must match


RowCheck = Callable[[dict], list[tuple[str, str]]]


@dataclass(frozen=True)
class TableSchema:
    """One table: its columns, unique key and row-level rules.

    ``extra_columns``: columns beyond the schema are kept (as text, unchecked) instead of
    rejected, so that any of them can be used, e.g. as a ``subgroup_column``.
    ``description`` and ``foreign_keys`` (column -> (table, column)) document the table in
    ``data/datapackage.json``; foreign keys are not enforced across files by the loader.
    """

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    row_checks: tuple[RowCheck, ...] = field(default=())
    extra_columns: bool = False
    description: str = ""
    foreign_keys: tuple[tuple[str, str, str], ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


PROVENANCE = (
    Column("value_flag", choices=("read", "derived")),
    Column("derivation", required=False),
    Column("source"),
    Column("url"),
    Column("location"),
    Column("notes", required=False),
)


def _derived_needs_derivation(row: dict) -> list[tuple[str, str]]:
    if row["value_flag"] == "derived" and not row["derivation"]:
        return [("derivation", "value_flag is 'derived' but no derivation is given")]
    return []


def _events_within_n(row: dict) -> list[tuple[str, str]]:
    problems = []
    for arm in ("trt", "ctl"):
        events, n = row[f"events_{arm}"], row[f"n_{arm}"]
        if events is not None and n is not None and events > n:
            problems.append((f"events_{arm}", f"{events} events exceed n_{arm} = {n}"))
    return problems


def _ci_ordered(row: dict) -> list[tuple[str, str]]:
    lower, upper, est = row["ci_lower"], row["ci_upper"], row["estimate"]
    if (lower is None) != (upper is None):
        return [("ci_lower" if lower is None else "ci_upper", "a CI needs both limits")]
    if lower is None:
        return []
    if lower > upper:
        return [("ci_lower", f"lower limit {lower} exceeds upper limit {upper}")]
    if est is not None and not lower <= est <= upper:
        return [("estimate", f"estimate {est} lies outside its CI ({lower} to {upper})")]
    if row["ci_level"] is None:
        return [("ci_level", "a CI is given but its level is empty")]
    return []


RATIO_MEASURES = ("RR", "OR", "HR")


def _ratio_positive(row: dict) -> list[tuple[str, str]]:
    """A ratio and its limits are positive (a ratio of 0 has no logarithm)."""
    if row["measure"] not in RATIO_MEASURES:
        return []
    return [
        (column, f"a {row['measure']} must be positive, got {row[column]}")
        for column in ("estimate", "ci_lower", "ci_upper")
        if row[column] is not None and row[column] <= 0
    ]


def _p_positive(row: dict) -> list[tuple[str, str]]:
    """A P value printed as equal to a number is above 0 (``P<0.001`` has operator '<')."""
    if row["p_value"] is not None and row["p_value"] <= 0:
        return [
            (
                "p_value",
                "a P value of 0 is not a printed P value; give the bound with p_operator '<'",
            )
        ]
    return []


def _p_complete(row: dict) -> list[tuple[str, str]]:
    if (row["p_value"] is None) != (not row["p_operator"]):
        return [("p_operator", "p_operator and p_value must be given together")]
    return []


def _estimate_present(row: dict) -> list[tuple[str, str]]:
    if row["measure"] != "p_only" and row["estimate"] is None:
        return [("estimate", f"measure {row['measure']} needs an estimate")]
    if row["measure"] == "p_only" and row["p_value"] is None:
        return [("p_value", "measure p_only needs a p_value")]
    return []


TRIALS = TableSchema(
    name="trials",
    columns=(
        Column("study_id", pattern=IDENTIFIER),
        Column("study"),
        Column("year", "int", required=False, minimum=1900, maximum=2100),
        Column("outcome", pattern=IDENTIFIER),
        Column("outcome_definition"),
        Column("timepoint_days", "int", required=False, minimum=1),
        Column("population"),
        Column("events_trt", "int", minimum=0),
        Column("n_trt", "int", minimum=0, exclusive_minimum=True),
        Column("events_ctl", "int", minimum=0),
        Column("n_ctl", "int", minimum=0, exclusive_minimum=True),
        Column("intervention"),
        Column("control"),
        Column("dosing"),
        Column("blinding"),
        Column("centres", "int", required=False, minimum=1),
        Column("country"),
        Column("design"),
        *PROVENANCE,
    ),
    key=("study_id", "outcome"),
    # Trials with no events in either arm are kept, as metafor keeps them; each analysis decides
    # what such a trial contributes to its measure (nothing to a risk or odds ratio).
    row_checks=(_events_within_n, _derived_needs_derivation),
    extra_columns=True,
    description="Events and patients per arm, one row per trial and binary outcome.",
)

ESTIMATES = TableSchema(
    name="published_estimates",
    description="One published effect estimate, per-arm percentage or bare P value, as printed.",
    columns=(
        Column("estimate_id"),
        Column("study_id"),
        Column("study"),
        Column("study_type", choices=("trial", "meta_analysis", "post_hoc_analysis")),
        Column("year", "int", required=False, minimum=1950, maximum=2100),
        Column("outcome"),
        Column("population"),
        Column("arm", choices=("treatment", "control", "comparison")),
        Column(
            "measure",
            choices=("RR", "OR", "HR", "RD", "ARR", "MD", "SMD", "WMD", "risk", "p_only"),
        ),
        Column("estimate", "float", required=False),
        Column("ci_lower", "float", required=False),
        Column("ci_upper", "float", required=False),
        Column("ci_level", "float", required=False, minimum=0, maximum=1, exclusive_minimum=True),
        Column("unit", required=False),
        Column("p_operator", required=False, choices=("=", "<")),
        Column("p_value", "float", required=False, minimum=0, maximum=1),
        Column("test", required=False),
        Column("k_studies", "int", required=False, minimum=1),
        Column("n_patients", "int", required=False, minimum=1),
        Column("version", required=False),
        *PROVENANCE,
    ),
    key=("estimate_id",),
    row_checks=(
        _ci_ordered,
        _ratio_positive,
        _p_positive,
        _p_complete,
        _estimate_present,
        _derived_needs_derivation,
    ),
)

FACTS = TableSchema(
    name="study_facts",
    description="One single number about a study: design, sample-size plan, patient flow, dosing, baseline, pharmacokinetics.",
    columns=(
        Column("fact_id"),
        Column("study_id"),
        Column("item"),
        Column("value", "float"),
        Column("unit"),
        *PROVENANCE,
    ),
    key=("fact_id",),
    row_checks=(_derived_needs_derivation,),
)

ICEMAN_RESPONSES = (
    "definitely yes",
    "probably yes",
    "probably no or unclear",
    "definitely no",
    "not applicable",
    "unknown",
    "very low",
    "low",
    "moderate",
    "high",
)

CREDIBILITY = TableSchema(
    name="subgroup_credibility",
    description="One ICEMAN item for one subgroup claim, with the fact or judgement behind the answer.",
    columns=(
        Column("claim_id", pattern=IDENTIFIER),
        Column("claim"),
        Column("item", pattern=r"[1-5]|overall|reported"),
        Column("question"),
        Column("response", choices=ICEMAN_RESPONSES),
        Column("basis"),
        *PROVENANCE,
    ),
    key=("claim_id", "item"),
    row_checks=(_derived_needs_derivation,),
)

MECHANISM = TableSchema(
    name="mechanism_steps",
    description="One step of the proposed mechanism (an edge of the pathway graph) with the review's reference.",
    columns=(
        Column("step_id", pattern=IDENTIFIER),
        Column("from_node"),
        Column("to_node"),
        Column("relation"),
        Column("statement"),
        Column("from_layer", "int", minimum=0, maximum=10),
        Column("to_layer", "int", minimum=0, maximum=10),
        Column("review_reference"),
        *PROVENANCE,
    ),
    key=("step_id",),
    row_checks=(_derived_needs_derivation,),
)

PEPTIDE = TableSchema(
    name="peptide",
    description="One text fact about the molecule (its sequence).",
    columns=(Column("fact_id"), Column("item"), Column("text"), *PROVENANCE),
    key=("fact_id",),
    row_checks=(_derived_needs_derivation,),
)

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
                "threshold",
                "bias",
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


OUTCOME_IMPORTANCE = TableSchema(
    name="outcome_importance",
    columns=(
        Column("outcome_id", pattern=IDENTIFIER),
        Column("outcome"),
        Column("importance", choices=("critical", "important", "of limited importance")),
        Column("outcome_class", choices=("mortality", "serious_events", "marker")),
        Column("rationale"),
        Column("value_flag", choices=("judgement",)),
        Column("criterion"),
        *SOURCED,
    ),
    key=("outcome_id",),
    description="The importance of each summary-of-findings outcome for a decision (a "
    "judgement applying GRADE's categories) and its class, which selects its decision "
    "threshold in params/shared.yaml.",
)


def _explanation_rule(row: dict) -> list[tuple[str, str]]:
    if bool(row["ruled_out_if"]) != bool(row["ruled_out_by"]):
        return [("ruled_out_if", "ruled_out_by and ruled_out_if go together")]
    return []


EXPLANATIONS = TableSchema(
    name="small_trial_explanations",
    columns=(
        Column("explanation_id", pattern=IDENTIFIER),
        Column("explanation"),
        Column("ruled_out_by", required=False),
        Column("ruled_out_if", required=False),
        Column("evidence", required=False),
        Column("value_flag", choices=("judgement",)),
        Column("criterion"),
        *SOURCED,
    ),
    key=("explanation_id",),
    row_checks=(_explanation_rule,),
    description="Candidate explanations of a larger benefit in the small trials of a review than "
    "in its large trials. ruled_out_by names a claim fact about the review's eligibility and "
    "ruled_out_if the value that excludes the explanation; evidence names the published "
    "estimate (a subset of the review) that measures it, where one exists.",
)


SCHEMAS = {
    s.name: s
    for s in (
        TRIALS,
        ESTIMATES,
        FACTS,
        CREDIBILITY,
        MECHANISM,
        PEPTIDE,
        METHOD_FACTS,
        RISK_OF_BIAS,
        GRADE_JUDGEMENTS,
        OUTCOME_IMPORTANCE,
        EXPLANATIONS,
    )
}


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(project_root()))
    except (ValueError, FileNotFoundError):
        return str(path)


def _parse(text: str, column: Column) -> tuple[object, str | None]:
    """Parse one cell; return (value, problem or None)."""
    if text == "":
        return None, ("is empty but required" if column.required else None)
    if column.choices and text not in column.choices:
        return None, f"{text!r} is not one of {', '.join(column.choices)}"
    if column.pattern and not re.fullmatch(column.pattern, text):
        return None, f"{text!r} does not match {column.pattern} ({column.name} format)"
    if column.kind == "text":
        return text, None
    try:
        number = float(text)
    except ValueError:
        what = "a whole number" if column.kind == "int" else "a number"
        return None, f"{text!r} is not {what}"
    if not math.isfinite(number):
        return None, f"{text!r} is not a finite number (nan and inf are not allowed)"
    if column.kind == "int":
        if not number.is_integer():
            return None, f"{text!r} is not a whole number"
        number = int(number)
    if column.minimum is not None:
        if number < column.minimum or (column.exclusive_minimum and number == column.minimum):
            sign = ">" if column.exclusive_minimum else ">="
            return None, f"{text} must be {sign} {column.minimum:g}"
    if column.maximum is not None and number > column.maximum:
        return None, f"{text} must be <= {column.maximum:g}"
    return number, None


def load_table(path: str | Path, schema: TableSchema) -> pd.DataFrame:
    """Read and validate one CSV; return a DataFrame with a ``line`` column (CSV line number).

    Numeric columns also keep their text as published in ``<column>_text`` (so that ``0.30``
    keeps its two decimals for rounding comparisons). The whole file is recorded as read (a
    rendering that loads it depends on all of it: :mod:`ta1sepsis.data.fingerprints`).
    """
    frame = _read_table(path, schema)
    record_rows(path)
    return frame


def _read_table(path: str | Path, schema: TableSchema) -> pd.DataFrame:
    """:func:`load_table` without recording the read."""
    path = Path(path)
    shown = _display(path)
    if not path.is_file():
        raise DataError(f"{shown}: file not found (expected the {schema.name} table)")
    text = _decode(path.read_bytes(), shown)
    with io.StringIO(text, newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise DataError(f"{shown}: the file is empty; it needs a header row") from None
        header = [h.strip() for h in header]
        missing = [c for c in schema.column_names if c not in header]
        unknown = [c for c in header if c not in schema.column_names]
        repeated = sorted({c for c in header if header.count(c) > 1})
        reserved = [c for c in unknown if c == "line" or c.endswith("_text")]
        if missing or (unknown and not schema.extra_columns) or repeated or reserved:
            parts = []
            if missing:
                parts.append(f"missing column(s): {', '.join(missing)}")
            if unknown and not schema.extra_columns:
                parts.append(f"unknown column(s): {', '.join(unknown)}")
            if repeated:
                parts.append(f"column(s) named twice: {', '.join(repeated)}")
            if reserved:
                parts.append(f"reserved column name(s): {', '.join(reserved)}")
            raise DataError(f"{shown}, line 1 (header): " + "; ".join(parts))
        rows, problems = [], []
        seen: dict[tuple, int] = {}
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                problems.append(
                    f"{shown}, line {line}: {len(fields)} fields, header has {len(header)}"
                )
                continue
            raw = dict(zip(header, (f.strip() for f in fields), strict=True))
            row: dict = {"line": line}
            ok = True
            for column in schema.columns:
                value, problem = _parse(raw[column.name], column)
                if problem:
                    problems.append(f"{shown}, line {line}, column {column.name}: {problem}")
                    ok = False
                row[column.name] = value if column.kind != "text" else (value or "")
                if column.kind != "text":
                    row[f"{column.name}_text"] = raw[column.name]
            for name in unknown:  # extra columns, passed through as text
                row[name] = raw[name]
            if not ok:
                continue
            for check in schema.row_checks:
                for col, problem in check(row):
                    problems.append(f"{shown}, line {line}, column {col}: {problem}")
            key = tuple(row[k] for k in schema.key)
            if key in seen:
                label = ", ".join(f"{k}={v}" for k, v in zip(schema.key, key, strict=True))
                problems.append(
                    f"{shown}, line {line}, column {schema.key[0]}: duplicate key ({label}), "
                    f"first used on line {seen[key]}"
                )
            else:
                seen[key] = line
            rows.append(row)
    if problems:
        shown_problems = problems[:MAX_REPORTED_PROBLEMS]
        more = len(problems) - len(shown_problems)
        tail = f"\n  ... and {more} more" if more > 0 else ""
        raise DataError(
            f"{shown}: {len(problems)} problem(s):\n  " + "\n  ".join(shown_problems) + tail
        )
    if not rows:
        raise DataError(f"{shown}: the header is there but there are no data rows")
    return pd.DataFrame(rows)


def _decode(raw: bytes, shown: str) -> str:
    """The file's text; a clear error naming the line if it is not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        start = error.start
        line = raw[:start].count(b"\n") + 1
        position = start - (raw.rfind(b"\n", 0, start) + 1) + 1
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            guess = "; it looks like UTF-16"
        else:
            try:
                raw.decode("cp1252")
                guess = "; it looks like Windows-1252 or Latin-1 (a spreadsheet's default export)"
            except UnicodeDecodeError:
                guess = ""
        raise DataError(
            f"{shown}, line {line}: not UTF-8 text: byte 0x{raw[start]:02x} at character "
            f"{position} ({error.reason}){guess}; save the file as UTF-8 (CSV UTF-8)"
        ) from None


def _default(name: str) -> Path:
    return project_root() / "data" / f"{name}.csv"


def load_trials(path: str | Path | None = None, *, study_ids=None) -> pd.DataFrame:
    """``data/trials.csv``: events and N per arm, one row per trial and outcome.

    Parameters
    ----------
    path : str or Path, optional
        The trials file; ``data/trials.csv`` by default.
    study_ids : iterable of str, optional
        Only the rows of these trials (every outcome of each). The whole file is still
        validated, but only these rows are recorded as read, so a rendering that asks for them
        does not depend on the other trials (appending a trial does not re-render it). Default:
        every row.

    Returns
    -------
    pandas.DataFrame
    """
    path = path or _default("trials")
    if study_ids is None:
        return load_table(path, TRIALS)
    wanted = sorted({str(s) for s in study_ids})
    frame = _read_table(path, TRIALS)
    record_rows(path, "study_id", wanted)
    return frame[frame.study_id.isin(wanted)].reset_index(drop=True)


def load_estimates(path: str | Path | None = None) -> pd.DataFrame:
    """``data/published_estimates.csv``: every published estimate the collection uses."""
    return load_table(path or _default("published_estimates"), ESTIMATES)


def load_facts(path: str | Path | None = None) -> pd.DataFrame:
    """``data/study_facts.csv``: single numeric facts (design, flow, sample-size plans)."""
    return load_table(path or _default("study_facts"), FACTS)


def load_credibility(path: str | Path | None = None) -> pd.DataFrame:
    """``data/subgroup_credibility.csv``: ICEMAN answers per subgroup claim, each with its basis."""
    return load_table(path or _default("subgroup_credibility"), CREDIBILITY)


def load_mechanism(path: str | Path | None = None) -> pd.DataFrame:
    """``data/mechanism_steps.csv``: the mechanism as an edge list, each step with its source."""
    return load_table(path or _default("mechanism_steps"), MECHANISM)


def load_peptide(path: str | Path | None = None) -> pd.DataFrame:
    """``data/peptide.csv``: text facts about the molecule (sequence)."""
    return load_table(path or _default("peptide"), PEPTIDE)


def select_one(frame: pd.DataFrame, table: str, **where) -> pd.Series:
    """The single row matching ``where``; a clear error if there is none or several."""
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    hits = frame[mask]
    label = ", ".join(f"{k}={v}" for k, v in where.items())
    if len(hits) != 1:
        found = "no row" if hits.empty else f"{len(hits)} rows (lines {list(hits['line'])})"
        raise DataError(f"{table}: expected one row with {label}, found {found}")
    return hits.iloc[0]


def fact_value(facts: pd.DataFrame, fact_id: str) -> float:
    """The numeric value of one fact in ``study_facts.csv``."""
    return select_one(facts, "study_facts", fact_id=fact_id)["value"]
