"""Notebooks stay thin and honour every parameter.

* Each notebook's code (outside its parameter cell) is at most 1.5 times its prose, counted in
  non-blank lines; the ratio per notebook is printed (``pytest -s`` shows it).
* No literal confidence level, z value, measure name, data id or trial name in notebook code
  outside the parameter cell, nor in the chapter modules that hold the notebooks' logic: levels
  come from parameters (an interval carries its own), ids from parameters or the data, names
  from the data's labels.
"""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.py"))
CHAPTERS = sorted(p for p in (ROOT / "src" / "ta1sepsis" / "chapters").glob("*.py"))
MAX_RATIO = 1.5


def cells(path: Path):
    return jupytext.read(path).cells


def code_and_prose(path: Path) -> tuple[int, int]:
    code = prose = 0
    for cell in cells(path):
        lines = [line for line in cell.source.splitlines() if line.strip()]
        if cell.cell_type == "code":
            if "parameters" in cell.metadata.get("tags", []):
                continue
            code += sum(1 for line in lines if not line.strip().startswith("#"))
        else:
            prose += len(lines)
    return code, prose


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_code_is_at_most_one_and_a_half_times_its_prose(path):
    code, prose = code_and_prose(path)
    ratio = code / max(prose, 1)
    print(f"{path.stem}: {code} code lines, {prose} prose lines, ratio {ratio:.2f}")
    assert ratio <= MAX_RATIO, f"{path.stem}: code/prose {ratio:.2f} > {MAX_RATIO}"


# --- literals ------------------------------------------------------------------------------------


def data_ids() -> set[str]:
    """The ids of the data files: every dotted id (estimates, facts, claims, assessments, steps)
    and every study id."""
    ids = set()
    for path in (ROOT / "data").glob("*.csv"):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for column, value in row.items():
                    if column and column.endswith("_id") and value:
                        if "." in value or column == "study_id":
                            ids.add(value)
    return ids


def trial_names() -> set[str]:
    """Short names of the studies the data label: 'ETASS (Wu 2013)' gives ETASS and Wu 2013."""
    names = set()
    for path, column in (("trials.csv", "study"), ("published_estimates.csv", "study")):
        with (ROOT / "data" / path).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                label = row[column]
                head, _, rest = label.partition(" (")
                names.add(head.strip())
                match = re.match(r"([A-Z][a-z]+) (\d{4})", rest)
                if match:
                    names.add(match.group(0))
    return {n for n in names if re.match(r"^[A-Z][A-Za-z]* \d{4}$|^[A-Z]{4,}$", n)}


IDS, NAMES = data_ids(), trial_names()
LEVELS = {0.9, 0.95, 0.975, 0.99, 0.025, 0.005}
Z_VALUES = {1.96, 1.959963984540054, 1.645, 2.576, 2.58}
MEASURES = re.compile(r"\b(OR|RR|HR|RD)\b")
LEVEL_TEXT = re.compile(r"\b(90|95|99)%")


def strings_and_numbers(source: str):
    """(line, kind, value) of every constant in the code, docstrings left out."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and id(node) not in docstrings:
            yield node.lineno, node.value


def literal_problems(source: str, *, measures: bool) -> list[str]:
    problems = []
    for line, value in strings_and_numbers(source):
        if isinstance(value, float) and (value in LEVELS or value in Z_VALUES):
            problems.append(f"line {line}: a typed level or z value {value}")
        if not isinstance(value, str):
            continue
        if value in IDS:
            problems.append(f"line {line}: a data id {value!r}")
        for name in NAMES:
            if re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", value):
                problems.append(f"line {line}: a trial name {name!r} in {value[:60]!r}")
        if LEVEL_TEXT.search(value):
            problems.append(f"line {line}: a typed level in {value[:60]!r}")
        if measures and MEASURES.search(value):
            problems.append(f"line {line}: a measure name in {value[:60]!r}")
    return problems


def notebook_code(path: Path) -> str:
    return "\n".join(
        c.source
        for c in cells(path)
        if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
    )


def test_the_lists_the_literal_checks_use_are_not_empty():
    assert {"etass", "tests.mortality_28d.hr.age_ge60", "gu2025.mortality_28d.or"} <= IDS
    assert {"ETASS", "TESTS", "Pei 2020", "Wu 2013"} <= NAMES


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_code_has_no_typed_levels_ids_measures_or_trial_names(path):
    assert not literal_problems(notebook_code(path), measures=True)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_code_has_no_typed_levels_ids_or_trial_names(path):
    """Measure names may appear in a chapter's logic (a Turner prior applies to the log odds
    ratio only); the parameter sweep checks that labels follow the measure used."""
    assert not literal_problems(path.read_text(encoding="utf-8"), measures=False)


def test_the_literal_check_finds_what_it_looks_for():
    source = (
        'x = 0.95\nz = 1.96\nlabel = "95% CI"\nrow = "gu2025.mortality_28d.or"\n'
        'title = "TESTS 28-day mortality"\nm = "OR"\n'
    )
    found = literal_problems(source, measures=True)
    assert len(found) == 6, found
