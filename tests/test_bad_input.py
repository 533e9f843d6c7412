"""Bad input, tried as a new user would: each mistake stops `make all` with a message naming
the file, line and column (or the parameter), a non-zero exit, and every output untouched."""

from __future__ import annotations

import csv

import pytest
from test_pipeline import digests, make, project  # noqa: F401  (project is a fixture)

pytestmark = pytest.mark.pipeline


def edit_cell(path, line, column, value):
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[line - 1][rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def drop_column(path, column):
    rows = list(csv.reader(path.open(encoding="utf-8")))
    i = rows[0].index(column)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([r[:i] + r[i + 1 :] for r in rows])


def duplicate_line(path, line):
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines + [lines[line - 1]]), encoding="utf-8")


def replace_param(root, name, old, new):
    path = root / "params" / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CASES = {
    "missing column": (
        lambda p: drop_column(p / "data/trials.csv", "n_ctl"),
        ["data/trials.csv, line 1 (header): missing column(s): n_ctl"],
    ),
    "non-numeric count": (
        lambda p: edit_cell(p / "data/trials.csv", 3, "events_trt", "fifty"),
        ["data/trials.csv", "line 3, column events_trt: 'fifty' is not a whole number"],
    ),
    "events greater than N": (
        lambda p: edit_cell(p / "data/trials.csv", 2, "events_ctl", "999"),
        ["data/trials.csv", "line 2, column events_ctl: 999 events exceed n_ctl = 180"],
    ),
    "negative count": (
        lambda p: edit_cell(p / "data/trials.csv", 2, "n_trt", "-181"),
        ["data/trials.csv", "line 2, column n_trt: -181 must be > 0"],
    ),
    "duplicate study id": (
        lambda p: duplicate_line(p / "data/trials.csv", 2),
        [
            "data/trials.csv",
            "duplicate key (study_id=etass, outcome=mortality_28d), first used on line 2",
        ],
    ),
    "zero events in both arms": (
        lambda p: (
            edit_cell(p / "data/trials.csv", 2, "events_trt", "0"),
            edit_cell(p / "data/trials.csv", 2, "events_ctl", "0"),
        ),
        ["data/trials.csv", "line 2, column events_trt: no events in either arm"],
    ),
    "CI lower above upper": (
        lambda p: edit_cell(p / "data/published_estimates.csv", 2, "ci_lower", "1.5"),
        [
            "data/published_estimates.csv",
            "line 2, column ci_lower: lower limit 1.5 exceeds upper limit 1.02",
        ],
    ),
    "unknown parameter": (
        lambda p: replace_param(
            p, "01_mechanism", "trials_file:", "trails_file: data/trials.csv\ntrials_file:"
        ),
        ["params/01_mechanism.yaml", "unknown parameter(s) 'trails_file'"],
    ),
    "parameter of the wrong type": (
        lambda p: replace_param(p, "02_etass", "alpha: 0.05", "alpha: five percent"),
        ["params/02_etass.yaml", "parameter 'alpha' of 02_etass must be of type float"],
    ),
    "parameter out of range": (
        lambda p: replace_param(p, "02_etass", "confidence: 0.95", "confidence: 1.5"),
        ["params/02_etass.yaml", "parameter 'confidence' of 02_etass = 1.5 is out of range"],
    ),
    "trials file that does not exist": (
        lambda p: replace_param(
            p, "01_mechanism", "trials_file: data/trials.csv", "trials_file: data/my_trials.csv"
        ),
        [
            "params/01_mechanism.yaml",
            "parameter 'trials_file' of 01_mechanism = 'data/my_trials.csv': file not found",
        ],
    ),
    "empty trials file": (
        lambda p: (p / "data/trials.csv").write_text("", encoding="utf-8"),
        ["data/trials.csv: the file is empty"],
    ),
    "invalid YAML": (
        lambda p: (p / "params/01_mechanism.yaml").write_text(
            "trials_file: [data/trials.csv\n", encoding="utf-8"
        ),
        ["params/01_mechanism.yaml", "invalid YAML"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_named_and_harmless(project, case):  # noqa: F811
    break_it, expected = CASES[case]
    before = digests(project)
    break_it(project)
    result = make(project, "all", check=False)
    assert result.returncode != 0, result.stdout
    for text in expected:
        assert text in result.stderr, f"{case}: {text!r} not in\n{result.stderr}"
    assert digests(project) == before
