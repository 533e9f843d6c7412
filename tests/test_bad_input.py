"""Bad input, tried as a new user would: each mistake stops `make all` with a message naming
the file, line and column (or the parameter), a non-zero exit, and every output untouched."""

from __future__ import annotations

import csv

import pytest
from test_pipeline import CLEAN_ENV, digests, make, project  # noqa: F401  (project is a fixture)

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


def to_latin1(path, line):
    """One accented character on ``line``, saved as a Windows/Latin-1 spreadsheet would."""
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[line - 1][rows[0].index("notes")] = "café"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    path.write_bytes(path.read_bytes().replace("café".encode(), "café".encode("latin-1")))


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
        ["params/01_mechanism.yaml: unknown parameter 'trails_file' for 01_mechanism"],
    ),
    "parameter of the wrong type": (
        lambda p: replace_param(p, "02_etass", "alpha: 0.05", "alpha: five percent"),
        ["params/02_etass.yaml: parameter 'alpha' = 'five percent' must be a number"],
    ),
    "parameter out of range": (
        lambda p: replace_param(p, "04_tests", "confidence: 0.95", "confidence: 1.5"),
        ["params/04_tests.yaml: parameter 'confidence' = 1.5 is more than the maximum 0.999"],
    ),
    "trials file that does not exist": (
        lambda p: replace_param(
            p, "01_mechanism", "trials_file: data/trials.csv", "trials_file: data/my_trials.csv"
        ),
        [
            "params/01_mechanism.yaml: parameter 'trials_file' = 'data/my_trials.csv': file not found"
        ],
    ),
    "empty trials file": (
        lambda p: (p / "data/trials.csv").write_text("", encoding="utf-8"),
        ["data/trials.csv: the file is empty"],
    ),
    "duplicate key in a parameter file": (
        lambda p: replace_param(p, "02_etass", "power: 0.8", "power: 0.8\nalpha: 0.01"),
        ["params/02_etass.yaml, line 10: duplicate key 'alpha' (first set on line 8)"],
    ),
    ".nan as a parameter": (
        lambda p: replace_param(p, "04_tests", "confidence: 0.95", "confidence: .nan"),
        ["params/04_tests.yaml: parameter 'confidence' = .nan is not a finite number"],
    ),
    "nan in a numeric column": (
        lambda p: edit_cell(p / "data/trials.csv", 3, "n_ctl", "nan"),
        ["data/trials.csv", "line 3, column n_ctl: 'nan' is not a finite number"],
    ),
    "inf in a numeric column": (
        lambda p: edit_cell(p / "data/published_estimates.csv", 4, "ci_upper", "inf"),
        ["data/published_estimates.csv", "line 4, column ci_upper: 'inf' is not a finite number"],
    ),
    "CSV that is not UTF-8": (
        lambda p: to_latin1(p / "data/study_facts.csv", 5),
        ["data/study_facts.csv, line 5: not UTF-8 text: byte 0xe9", "save the file as UTF-8"],
    ),
    "unsorted group-sequential looks": (
        lambda p: replace_param(p, "07_next_trial", "0.3333, 0.6667", "0.6667, 0.3333"),
        ["params/07_next_trial.yaml: parameter 'looks' = [0.6667, 0.3333, 1] must increase"],
    ),
    "looks that do not end at 1": (
        lambda p: replace_param(p, "07_next_trial", "0.6667, 1.0]", "0.6667, 0.9]"),
        ["params/07_next_trial.yaml: parameter 'looks' = [0.3333, 0.6667, 0.9] must end at 1"],
    ),
    "empty looks": (
        lambda p: replace_param(p, "07_next_trial", "looks: [0.3333, 0.6667, 1.0]", "looks: []"),
        ["params/07_next_trial.yaml: parameter 'looks' is an empty list"],
    ),
    "empty list of dosing intervals": (
        lambda p: replace_param(p, "06_dosing", "intervals_h: [12.0, 24.0]", "intervals_h: []"),
        ["params/06_dosing.yaml: parameter 'intervals_h' is an empty list"],
    ),
    "deleted trials file": (
        lambda p: (p / "data/trials.csv").unlink(),
        ["parameter 'trials_file' = 'data/trials.csv': file not found"],
    ),
    "invalid YAML": (
        lambda p: (p / "params/01_mechanism.yaml").write_text(
            "trials_file: [data/trials.csv\n", encoding="utf-8"
        ),
        ["params/01_mechanism.yaml", "invalid YAML"],
    ),
}


# One case per category of failure goes through make end to end (the wiring: the message reaches
# the terminal, make stops, no output changes); every case, those four included, goes through the
# renderer's own checks in-process (preflight below), which is where each message is made.
END_TO_END = [
    "non-numeric count",  # a data file's content
    "parameter out of range",  # a parameter's value
    "invalid YAML",  # a parameter file's syntax
    "deleted trials file",  # a file a parameter names is missing
]


def preflight(root) -> list[str]:
    """What the renderer checks before running any cell, for every rendering make would start
    (each notebook, each instance of a template): its parameters (schema, files named) and the
    data files they name. Returns the messages of the renderings that would stop."""
    from ta1sepsis.data.catalog import check_data_files
    from ta1sepsis.data.loader import DataError
    from ta1sepsis.pipeline.deps import instances, notebook_names
    from ta1sepsis.pipeline.parameters import ParameterError, load_parameters, load_schema
    from ta1sepsis.pipeline.render import _file_tables

    messages = []
    for name in notebook_names(root):
        schema = load_schema(name, root)
        runs = list(instances(root, name)) if schema.get("x-instances") else [None]
        for instance in runs:
            try:
                parameters = load_parameters(name, instance=instance, root=root)
                check_data_files(parameters, root, _file_tables(schema))
            except (ParameterError, DataError) as error:
                messages.append(str(error))
    return messages


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_named_by_the_checks_before_any_cell(project, case, monkeypatch):  # noqa: F811
    break_it, expected = CASES[case]
    break_it(project)
    monkeypatch.setenv("TA1_ROOT", str(project))
    messages = "\n".join(preflight(project))
    for text in expected:
        assert text in messages, f"{case}: {text!r} not in\n{messages}"


def test_the_checks_pass_on_the_committed_files(project, monkeypatch):  # noqa: F811
    monkeypatch.setenv("TA1_ROOT", str(project))
    assert preflight(project) == []


@pytest.mark.parametrize("case", END_TO_END)
def test_bad_input_is_named_and_harmless(project, case):  # noqa: F811
    break_it, expected = CASES[case]
    before = digests(project)
    break_it(project)
    result = make(project, "all", check=False)
    assert result.returncode != 0, result.stdout
    for text in expected:
        assert text in result.stderr, f"{case}: {text!r} not in\n{result.stderr}"
    assert "Traceback" not in result.stderr and "No rule to make target" not in result.stderr
    assert digests(project) == before


# ---------------------------------------------------------------- labels, counts, interrupts


def test_chinese_study_labels_work_in_figures_and_tables(project):  # noqa: F811
    """Non-ASCII labels are drawn with the CJK font that ships with the environment: the
    notebooks render, without 'Glyph missing' warnings, and the tables keep the labels."""
    path = project / "data/trials.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    for row in rows[1:]:
        if row[rows[0].index("study_id")] == "tests":
            row[rows[0].index("study")] = "胸腺法新试验 TESTS (吴 2025)"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    result = make(project, "notebooks/03_meta_analyses.ipynb")
    assert "03_meta_analyses: done" in result.stdout
    notebook = (project / "notebooks/03_meta_analyses.ipynb").read_text(encoding="utf-8")
    assert "Glyph" not in notebook and "findfont" not in notebook
    table = (project / "tables/03_meta_analyses_leave_one_out.csv").read_text(encoding="utf-8")
    assert "胸腺法新试验" in table


def test_without_a_cjk_font_labels_warn_but_do_not_fail(monkeypatch):
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ta1sepsis.report import outputs

    monkeypatch.setattr(outputs, "CJK_FONT_PACKAGE", "no_such_font_package")
    monkeypatch.setattr(outputs, "SYSTEM_CJK_FONTS", ())
    assert outputs.cjk_font() is None
    with matplotlib.rc_context():
        outputs.configure_matplotlib()
        fig, ax = plt.subplots()
        ax.set_title("胸腺法新")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.canvas.draw()
        plt.close(fig)
    assert any("missing from font" in str(w.message) for w in caught)


def test_a_billion_patients_finish_quickly(project):  # noqa: F811
    """1e9 per arm in ETASS: every notebook renders (recomputation, tests, fragility, pooling,
    TSA, synthesis), and 03 says why the back-calculation no longer applies (the review's 1927
    patients are fewer than those with counts). Nothing here is timed (make bench measures
    time): the fragility walks are bisections, whose Fisher tests tests/test_fragility.py
    counts, and the make run's timeout is the backstop."""
    path = project / "data/trials.csv"
    edit_cell(path, 2, "events_trt", "260000000")
    edit_cell(path, 2, "n_trt", "1e9")
    edit_cell(path, 2, "events_ctl", "350000000")
    edit_cell(path, 2, "n_ctl", "1000000000")
    result = make(project, "all")
    for name in ("02_etass", "03_meta_analyses", "trial_report[etass]", "09_synthesis"):
        assert f"{name}: done" in result.stdout
    notebook = (project / "notebooks/03_meta_analyses.ipynb").read_text(encoding="utf-8")
    assert "no trials are left to back-calculate" in notebook


def test_ctrl_c_prints_one_line_and_keeps_the_outputs(project):  # noqa: F811
    import os
    import signal
    import subprocess
    import time

    from test_pipeline import VENV

    before = digests(project)
    os.utime(project / "data/mechanism_steps.csv")  # 01_mechanism must run
    env = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV}
    env["PYTHONPATH"] = str(project / "src")
    make(project, "deps")
    run = subprocess.Popen(
        # --old-file: never reinstall this checkout's environment from the copy
        ["make", f"VENV={VENV}", f"--old-file={VENV / '.ta1sepsis-installed'}", "all"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while not list((project / "build").glob("render-*")) and time.time() < deadline:
        time.sleep(0.05)  # the renderer has validated the parameters and started the kernel
    time.sleep(0.8)  # the kernel is up and the notebook is running (it takes about 2.5 s)
    os.killpg(run.pid, signal.SIGINT)
    out, err = run.communicate(timeout=120)
    assert run.returncode != 0
    assert "Traceback" not in out + err
    # make names the interrupted target; the renderer adds its own line unless make's output
    # synchronisation drops the interrupted job's output
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert lines and all("Interrupt" in line or "interrupted" in line for line in lines), err
    assert len([line for line in lines if line.startswith("make:")]) <= 2  # one per running job
    assert digests(project) == before
    assert not list((project / "build").glob("render-*")), "staging folder left behind"


def _fake_python(tmp_path, version):
    fake = tmp_path / f"python{version}"
    # answers platform.python_version() with its version; fails the 3.11 check
    fake.write_text(
        f'#!/bin/sh\ncase "$2" in *platform*) echo {version}; exit 0;; esac\nexit 1\n',
        encoding="utf-8",
    )
    fake.chmod(0o755)
    return fake


def test_another_python_stops_at_once_naming_the_fix(project, tmp_path):  # noqa: F811
    fake = _fake_python(tmp_path, "3.12.4")
    result = make(project, f"PYTHON={fake}", f"VENV={tmp_path / 'venv'}", "env", check=False)
    assert result.returncode != 0
    assert "is Python 3.12.4; this project needs Python 3.11: run make PYTHON=python3.11" in (
        result.stderr
    )
    assert not (tmp_path / "venv").exists()


def test_a_half_built_environment_is_detected_and_rebuilt(project, tmp_path):  # noqa: F811
    """A venv whose python is a dangling link (an interrupted or moved install) is removed and
    made again (pip is replaced by ':' here: the install itself is what make env always does)."""
    import shutil
    import subprocess

    python311 = shutil.which("python3.11")
    if python311 is None:
        pytest.skip("python3.11 not on PATH")
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(tmp_path / "gone" / "python3")
    (venv / ".ta1sepsis-installed").touch()
    cmd = ["make", f"PYTHON={python311}", f"VENV={venv}", "PIP=:", "env"]
    result = subprocess.run(cmd, cwd=project, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "building it again" in result.stdout
    assert (venv / "bin" / "python").resolve().exists()
    again = subprocess.run(cmd, cwd=project, capture_output=True, text=True, timeout=300)
    assert "installing" not in again.stdout  # the stamp is there and the python works


def test_an_old_make_stops_with_the_fix(project):  # noqa: F811
    """GNU make < 4.3 has no grouped-target feature: simulated by emptying .FEATURES."""
    result = make(project, ".FEATURES=", "all", check=False)
    assert result.returncode != 0
    assert "this Makefile needs GNU make 4.3 or newer (grouped targets)" in result.stderr
