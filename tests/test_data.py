"""The committed data load cleanly; broken copies are rejected with file, line and column."""

import shutil

import pytest

from ta1sepsis.data.loader import DataError, fact_value, load_estimates, load_facts, load_trials


def test_committed_data_are_valid_and_complete():
    trials = load_trials()
    etass = trials[(trials.study_id == "etass") & (trials.outcome == "mortality_28d")].iloc[0]
    assert (etass.events_trt, etass.n_trt, etass.events_ctl, etass.n_ctl) == (47, 181, 63, 180)
    tests = trials[(trials.study_id == "tests") & (trials.outcome == "mortality_28d")].iloc[0]
    assert (tests.events_trt, tests.n_trt, tests.events_ctl, tests.n_ctl) == (127, 542, 132, 547)
    estimates = load_estimates()
    versions = estimates[estimates.version.isin(["A", "B"])].set_index("version")
    assert versions.loc["A", "estimate"] == 0.99 and versions.loc["B", "estimate"] == 0.97
    assert versions.loc["A", "p_value_text"] == "0.93" and versions.loc["B", "p_value"] == 0.82
    facts = load_facts()
    assert fact_value(facts, "etass.sample_size.planned_total") == 334
    for frame in (trials, estimates, facts):
        assert frame.url.str.startswith("http").all()
        assert frame.value_flag.isin(["read", "derived"]).all()
        derived = frame[frame.value_flag == "derived"]
        assert (derived.derivation.str.len() > 0).all()


@pytest.fixture
def trials_copy(tmp_path):
    from ta1sepsis.paths import project_root

    path = tmp_path / "trials.csv"
    shutil.copyfile(project_root() / "data" / "trials.csv", path)
    return path


def _edit(path, line, column, value):
    import csv

    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[line - 1][rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("events_trt", "abc", r"line 2, column events_trt: 'abc' is not a whole number"),
        ("events_trt", "-3", r"line 2, column events_trt: -3 must be >= 0"),
        ("events_trt", "999", r"line 2, column events_trt: 999 events exceed n_trt = 181"),
        ("n_ctl", "0", r"line 2, column n_ctl: 0 must be > 0"),
        ("outcome", "28-day death", r"line 2, column outcome: '28-day death' does not match"),
        ("source", "", r"line 2, column source: is empty but required"),
        ("value_flag", "derived", r"line 2, column derivation: value_flag is 'derived'"),
    ],
)
def test_bad_cells_are_named(trials_copy, column, value, message):
    _edit(trials_copy, 2, column, value)
    with pytest.raises(DataError, match=message) as caught:
        load_trials(trials_copy)
    assert "trials.csv" in str(caught.value)


def test_duplicate_key_is_named(trials_copy):
    lines = trials_copy.read_text(encoding="utf-8").splitlines(keepends=True)
    trials_copy.write_text("".join(lines + [lines[1]]), encoding="utf-8")
    with pytest.raises(DataError, match=r"duplicate key \(study_id=etass, outcome=mortality_28d\)"):
        load_trials(trials_copy)


def test_missing_column_empty_and_absent_files(trials_copy, tmp_path):
    text = trials_copy.read_text(encoding="utf-8").replace("events_ctl,", "", 1)
    trials_copy.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"line 1 \(header\): missing column\(s\): events_ctl"):
        load_trials(trials_copy)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="the file is empty"):
        load_trials(empty)
    with pytest.raises(DataError, match="file not found"):
        load_trials(tmp_path / "nope.csv")


def test_ci_order_is_checked(tmp_path):
    from ta1sepsis.paths import project_root

    path = tmp_path / "estimates.csv"
    text = (project_root() / "data" / "published_estimates.csv").read_text(encoding="utf-8")
    path.write_text(text.replace(",0.74,0.54,1.02,", ",0.74,1.02,0.54,", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"line 2, column ci_lower: lower limit 1.02 exceeds"):
        load_estimates(path)


def test_a_ratio_of_zero_and_a_p_of_zero_are_refused(tmp_path):
    """A ratio must be positive (it has a logarithm) and a printed P is above 0 (a bound such as
    P<0.001 carries the operator '<'); both were accepted and crashed or misjudged later."""
    from ta1sepsis.paths import project_root

    path = tmp_path / "estimates.csv"
    text = (project_root() / "data" / "published_estimates.csv").read_text(encoding="utf-8")
    path.write_text(text.replace(",0.74,0.54,1.02,", ",0.74,0,1.02,", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"line 2, column ci_lower: a RR must be positive, got 0"):
        load_estimates(path)
    rows = _rows(project_root() / "data" / "published_estimates.csv")
    header = rows[0]
    line = next(i for i, r in enumerate(rows) if i and r[header.index("p_value")])
    rows[line][header.index("p_value")] = "0"
    rows[line][header.index("p_operator")] = "="
    _write_rows(path, rows)
    with pytest.raises(DataError, match=rf"line {line + 1}, column p_value: a P value of 0"):
        load_estimates(path)


# ---------------------------------------------------------------- real data sets, bad bytes


def _rows(path):
    import csv

    return list(csv.reader(path.open(encoding="utf-8")))


def _write_rows(path, rows):
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "Infinity"])
def test_non_finite_numbers_are_refused(trials_copy, value):
    _edit(trials_copy, 3, "n_trt", value)
    with pytest.raises(DataError, match=rf"line 3, column n_trt: '{value}' is not a finite number"):
        load_trials(trials_copy)


def test_non_finite_float_in_estimates(tmp_path):
    from ta1sepsis.paths import project_root

    path = tmp_path / "estimates.csv"
    text = (project_root() / "data" / "published_estimates.csv").read_text(encoding="utf-8")
    path.write_text(text.replace(",0.74,0.54,1.02,", ",nan,0.54,1.02,", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"line 2, column estimate: 'nan' is not a finite number"):
        load_estimates(path)


def test_a_file_that_is_not_utf8_names_line_and_encoding(trials_copy):
    rows = _rows(trials_copy)
    rows[3][rows[0].index("study")] = "Müller 2019"
    _write_rows(trials_copy, rows)
    # as a spreadsheet exporting Windows-1252 would write that one label
    raw = trials_copy.read_bytes()
    trials_copy.write_bytes(raw.replace("Müller".encode(), "Müller".encode("cp1252")))
    with pytest.raises(DataError) as caught:
        load_trials(trials_copy)
    message = str(caught.value)
    assert "trials.csv, line 4: not UTF-8 text: byte 0xfc at character" in message
    assert "Windows-1252 or Latin-1" in message and "save the file as UTF-8" in message


def test_real_data_set_format_extra_columns_empty_year_repeated_labels(trials_copy):
    """Extra columns pass through, year may be empty, a study label may repeat (study_id is
    the key), a trial with no events in either arm is kept, and events may equal N."""
    rows = _rows(trials_copy)
    header = rows[0]
    header.append("risk_of_bias")
    for row in rows[1:]:
        row.append("low")
    rows[1][header.index("year")] = ""
    copy = list(rows[1])
    copy[header.index("study_id")] = "etass_copy"
    copy[header.index("events_trt")] = "0"
    copy[header.index("events_ctl")] = "0"
    rows.append(copy)
    full = list(rows[1])
    full[header.index("study_id")] = "all_events"
    full[header.index("events_trt")] = full[header.index("n_trt")]
    rows.append(full)
    _write_rows(trials_copy, rows)
    trials = load_trials(trials_copy)
    assert (trials.risk_of_bias == "low").all()
    assert trials.loc[0, "year"] is None or trials.year.isna()[0]
    assert (trials.study == rows[1][header.index("study")]).sum() >= 3
    double_zero = trials[trials.study_id == "etass_copy"].iloc[0]
    assert (double_zero.events_trt, double_zero.events_ctl) == (0, 0)
    everyone = trials[trials.study_id == "all_events"].iloc[0]
    assert everyone.events_trt == everyone.n_trt


def test_extra_columns_are_still_refused_where_the_table_has_none(tmp_path):
    from ta1sepsis.paths import project_root

    path = tmp_path / "facts.csv"
    rows = _rows(project_root() / "data" / "study_facts.csv")
    rows[0].append("colour")
    for row in rows[1:]:
        row.append("x")
    _write_rows(path, rows)
    with pytest.raises(DataError, match=r"line 1 \(header\): unknown column\(s\): colour"):
        load_facts(path)


def test_a_column_named_twice_is_refused(trials_copy):
    rows = _rows(trials_copy)
    rows[0].append("study")
    for row in rows[1:]:
        row.append("x")
    _write_rows(trials_copy, rows)
    with pytest.raises(DataError, match=r"column\(s\) named twice: study"):
        load_trials(trials_copy)


def test_very_large_counts_load(trials_copy):
    _edit(trials_copy, 2, "n_trt", "1e9")
    _edit(trials_copy, 2, "n_ctl", "1000000000")
    trials = load_trials(trials_copy)
    assert trials.loc[0, "n_trt"] == 10**9 == trials.loc[0, "n_ctl"]
