"""The pipeline as a user meets it: make in a temporary copy of the project.

Each test copies the tracked files to a temporary folder and runs make there with this
checkout's environment (VENV=...) and the copy's own package code first on PYTHONPATH.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(os.environ.get("VIRTUAL_ENV") or ROOT / ".venv")
OUTPUT_DIRS = ("notebooks", "figures", "tables", "results")
# not inherited by the make runs below: the tests' own scratch settings, and the outer make's
# flags and jobserver when the tests run under make test
CLEAN_ENV = ("TA1_OUTPUT_DIR", "TA1_ROOT", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")

pytestmark = pytest.mark.pipeline


def tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, text=True
    ).stdout
    return [f for f in out.split("\0") if f]


def is_output(relative: str) -> bool:
    return relative.split("/")[0] in OUTPUT_DIRS and not relative.endswith(".py")


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the tracked files, up to date: the committed outputs are the renderings of the
    committed inputs (test_interrupted_clean_render... checks it), so outputs get a later mtime
    than every input, whatever order a checkout wrote them in."""
    copy = tmp_path / "project"
    old = time.time() - 3600
    for name in tracked_files():
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
        stamp = old + 10 if is_output(name) else old
        os.utime(target, (stamp, stamp))
    return copy


def make(project: Path, *targets: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV}
    env["PYTHONPATH"] = str(project / "src")
    # --old-file: the copy's pyproject.toml and requirements.lock may be newer than this
    # environment's stamp (tests reset mtimes); the environment must never be reinstalled from
    # the copy (that would point the editable install at a temporary folder)
    result = subprocess.run(
        ["make", f"VENV={VENV}", f"--old-file={VENV / '.ta1sepsis-installed'}", *targets],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"make {' '.join(targets)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def digests(project: Path) -> dict[str, str]:
    return {
        str(p.relative_to(project)): hashlib.sha256(p.read_bytes()).hexdigest()
        for d in OUTPUT_DIRS
        for p in sorted((project / d).rglob("*"))
        if p.is_file() and p.suffix in (".ipynb", ".png", ".csv", ".json")
    }


def rendered(result: subprocess.CompletedProcess) -> set[str]:
    """Notebooks a make run rendered (from the renderer's one line per notebook)."""
    return {line.split()[1].rstrip(":") for line in result.stdout.splitlines() if "done in" in line}


def planned(result: subprocess.CompletedProcess) -> set[str]:
    """Notebooks a dry run (make -n) would render."""
    return {
        line.split()[-1]
        for line in result.stdout.splitlines()
        if "ta1sepsis.pipeline.render" in line
    }


def test_interrupted_clean_render_recovers_and_reproduces_the_committed_outputs(project):
    """make clean; make all killed (SIGKILL, the worst case) after the second notebook; make all
    again completes, leaves no half-written file, reproduces every committed output byte for
    byte, and a further make all does nothing."""
    import signal

    committed = digests(project)
    make(project, "clean")
    assert not list((project / "results").glob("*.json"))
    env = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV}
    env["PYTHONPATH"] = str(project / "src")
    run = subprocess.Popen(
        ["make", f"VENV={VENV}", f"--old-file={VENV / '.ta1sepsis-installed'}", "all"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    done = 0
    for line in run.stdout:
        done += "done in" in line
        if done == 2:
            os.killpg(run.pid, signal.SIGKILL)
            break
    run.wait(timeout=120)
    assert done == 2, "make finished before it could be interrupted"
    leftovers = [p.name for d in OUTPUT_DIRS for p in (project / d).glob(".*.tmp")]
    assert not leftovers, f"half-written files after the kill: {leftovers}"
    rerun = make(project, "all")
    assert "[render]" in rerun.stdout
    assert digests(project) == committed, "outputs differ from the committed ones: run make all"
    again = make(project, "all")
    assert "[render]" not in again.stdout and "Nothing to be done" in again.stdout
    assert make(project, "-q", "all", check=False).returncode == 0


def test_dependencies_are_exact(project):
    """Which notebooks `make -n` would run after one input changes (explicit mtimes, so the
    test does not depend on the file system's timestamp granularity)."""
    old = time.time() - 1000
    outputs = {p for d in OUTPUT_DIRS for p in (project / d).glob("*") if p.suffix != ".py"}
    for path in project.rglob("*"):
        if path.is_file():
            os.utime(path, (old + 10, old + 10) if path in outputs else (old, old))

    make(project, "deps")  # generated once, so that the dry runs below do not regenerate them

    def planned(name: str) -> set[str]:
        os.utime(project / name, (old + 20, old + 20))
        out = make(project, "-n", "all").stdout
        os.utime(project / name, (old, old))
        return {
            line.split()[-1] for line in out.splitlines() if "ta1sepsis.pipeline.render" in line
        }

    assert planned("README.md") == set()
    assert planned("params/02_etass.yaml") == {"02_etass"}
    assert planned("notebooks/04_tests.py") == {"04_tests"}
    trial_reports = {"etass", "tests"}  # notebooks/trials/<id>.ipynb (render ... --instance id)
    everything = {
        "01_mechanism",
        "02_etass",
        "03_meta_analyses",
        "04_tests",
        "05_subgroups",
        "06_dosing",
        "07_next_trial",
        "08_claims",
        "09_synthesis",
        *trial_reports,
    }
    assert planned("data/trials.csv") == everything - {"06_dosing"}
    assert planned("data/mechanism_steps.csv") == {"01_mechanism"}
    assert planned("data/claims.csv") == {"08_claims"}
    # a notebook depends on the modules it imports (and the renderer's), not on every module
    assert planned("src/ta1sepsis/stats/binary.py") == everything
    assert planned("src/ta1sepsis/chapters/etass.py") == {"02_etass"}
    assert planned("src/ta1sepsis/stats/pharmacokinetics.py") == {"06_dosing"}
    for code in ("pipeline/site.py", "pipeline/bench.py", "pipeline/deps.py"):
        assert planned(f"src/ta1sepsis/{code}") == set(), code
    assert planned("data/study_facts.csv") == everything - {"05_subgroups"}
    assert planned("data/subgroup_credibility.csv") == {"05_subgroups", "08_claims", "09_synthesis"}
    # 03 checks the small trials' explanations against a review's eligibility facts; 09 reads
    # the statements on adverse events
    assert planned("data/claim_facts.csv") == {"03_meta_analyses", "08_claims", "09_synthesis"}
    # the sourced alternative decision thresholds and the heterogeneity prior
    assert planned("data/method_facts.csv") == {
        "03_meta_analyses",
        "04_tests",
        "09_synthesis",
        *trial_reports,
    }
    assert planned("data/outcome_importance.csv") == {"09_synthesis"}
    assert planned("data/small_trial_explanations.csv") == {"03_meta_analyses"}
    assert planned("data/risk_of_bias.csv") == {"09_synthesis"}
    assert planned("params/trials.yaml") == trial_reports
    assert planned("notebooks/trial_report.py") == trial_reports
    assert planned("results/02_etass.json") == {"08_claims", "09_synthesis"}
    assert planned("results/trials/etass.json") == {"08_claims", "09_synthesis"}
    assert planned("results/03_meta_analyses.json") == {
        "01_mechanism",
        "04_tests",
        "08_claims",
        "09_synthesis",
    }
    assert planned("results/05_subgroups.json") == {"07_next_trial", "08_claims", "09_synthesis"}
    # 07's assurance draws the overall effect from 04's posterior
    assert planned("results/04_tests.json") == {"07_next_trial", "08_claims", "09_synthesis"}
    assert planned("results/08_claims.json") == {"09_synthesis"}
    assert planned("params/shared.yaml") == {
        "03_meta_analyses",
        "04_tests",
        "07_next_trial",
        "09_synthesis",
        *trial_reports,
    }
    assert planned("params/02_etass.schema.json") == {"02_etass"}
    # (a dry run lists the notebooks whose inputs changed; whether the notebooks that read their
    # results run too depends on whether those results change, which make learns only by
    # running them: test_a_non_default_data_file_is_followed)


def test_a_failing_notebook_leaves_previous_outputs_untouched(project):
    before = digests(project)
    source = project / "notebooks" / "02_etass.py"
    source.write_text(
        source.read_text(encoding="utf-8") + '\n# %%\nraise RuntimeError("deliberate failure")\n',
        encoding="utf-8",
    )
    result = make(project, "all", check=False)
    assert result.returncode != 0
    assert "FAILED 02_etass" in result.stderr and "deliberate failure" in result.stderr
    assert digests(project) == before
    log = (project / "build" / "failed" / "02_etass.log").read_text(encoding="utf-8")
    assert "deliberate failure" in log and "RuntimeError" in log


def test_a_bad_parameter_stops_before_running(project):
    before = digests(project)
    params = project / "params" / "04_tests.yaml"
    params.write_text(params.read_text(encoding="utf-8") + "confidnce: 0.9\n", encoding="utf-8")
    result = make(project, "all", check=False)
    assert result.returncode != 0
    assert (
        "unknown parameter 'confidnce' for 04_tests (did you mean 'confidence'?)" in result.stderr
    )
    assert "params/04_tests.yaml" in result.stderr
    assert digests(project) == before


def test_bad_data_fail_with_file_line_and_column(project):
    before = digests(project)
    trials = project / "data" / "trials.csv"
    text = trials.read_text(encoding="utf-8")
    trials.write_text(text.replace(",47,181,63,180,", ",47,181,630,180,", 1), encoding="utf-8")
    result = make(project, "all", check=False)
    assert result.returncode != 0
    assert "data/trials.csv" in result.stderr
    assert "line 2, column events_ctl: 630 events exceed n_ctl = 180" in result.stderr
    assert digests(project) == before


def test_committed_outputs_carry_no_paths_or_timestamps():
    for d in ("notebooks", "results", "tables"):
        for path in (ROOT / d).glob("*"):
            if path.suffix in (".ipynb", ".json", ".csv"):
                text = path.read_text(encoding="utf-8")
                assert str(ROOT) not in text and "render-" not in text, path
                assert '"papermill"' not in text and "start_time" not in text, path


def _set_params(project: Path, name: str, **changes) -> None:
    import yaml

    path = project / "params" / f"{name}.yaml"
    values = yaml.safe_load(path.read_text(encoding="utf-8"))
    values.update(changes)
    path.write_text(yaml.safe_dump(values, sort_keys=False), encoding="utf-8")


def _results(project: Path, name: str) -> dict:
    import json

    return json.loads((project / "results" / f"{name}.json").read_text(encoding="utf-8"))


def test_changing_a_design_assumption_reruns_only_the_trial_design(project):
    """A trialist's own control mortality: only 07_next_trial (and what reads it) re-renders,
    and its shrunken age design becomes the hand-computed size."""
    import math

    from scipy import stats

    before = digests(project)
    _set_params(project, "07_next_trial", control_risk_override=0.3)
    result = make(project, "all")
    assert rendered(result) == {"07_next_trial", "09_synthesis"}  # 09 reads its results
    after = digests(project)
    changed = {k for k in after if after[k] != before.get(k)}
    assert any("07_next_trial" in k for k in changed)
    assert all("07_next_trial" in k or "09_synthesis" in k for k in changed), changed
    got = _results(project, "07_next_trial")
    hr = _results(project, "05_subgroups")["subgroups.age.age_ge60.shrunken"]["value"]
    p_c = 0.3
    p_t = 1 - (1 - p_c) ** hr
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    n = 2 * math.ceil(z**2 * (p_c * (1 - p_c) + p_t * (1 - p_t)) / (p_c - p_t) ** 2)
    assert got["next_trial.age_60_and_over.shrunken.n_fixed"]["value"] == n


def _mtimes(project: Path) -> dict[str, int]:
    return {
        str(p.relative_to(project)): p.stat().st_mtime_ns
        for d in OUTPUT_DIRS
        for p in (project / d).rglob("*")
        if p.is_file()
    }


def test_nothing_changed_runs_nothing(project):
    make(project, "deps")
    result = make(project, "all")
    # nothing started: the budget (1 s) is measured by make bench, not asserted here
    assert "[render]" not in result.stdout and "Nothing to be done" in result.stdout
    assert make(project, "-q", "all", check=False).returncode == 0


def test_unchanged_results_do_not_rerun_their_readers(project):
    """GNU make re-reads a target's time stamp after its rule ran: touching a file that 05, 08
    and 09 read, without changing anything, re-renders those three, whose results keep their
    bytes and mtime, so 07 (which reads results/05_subgroups.json) does not run, and neither
    does 09 a second time."""
    before = _mtimes(project)
    os.utime(project / "data" / "subgroup_credibility.csv")
    result = make(project, "all")
    readers = {"05_subgroups", "08_claims", "09_synthesis"}
    assert rendered(result) == readers
    after = _mtimes(project)
    touched = {k for k in after if after[k] != before.get(k)}
    # only the notebooks, which are the stamps
    assert touched == {f"notebooks/{name}.ipynb" for name in readers}
    assert "[render]" not in make(project, "all").stdout


def test_outputs_deleted_by_hand_are_made_again(project):
    before = digests(project)
    removed = [
        "figures/trials/etass_overview.png",
        "tables/02_etass_sample_size.csv",
        "results/06_dosing.json",
    ]
    for name in removed:
        (project / name).unlink()
    result = make(project, "all")
    # a results file made again is newer than its readers (08, 09), so they run too; every
    # output comes back with the same bytes
    assert rendered(result) == {
        "trial_report[etass]",
        "02_etass",
        "06_dosing",
        "08_claims",
        "09_synthesis",
    }
    assert digests(project) == before


def test_the_outputs_of_each_notebook_are_recorded():
    import json

    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        recorded = json.loads(path.read_text(encoding="utf-8"))["metadata"]["ta1sepsis"]["outputs"]
        found = sorted(
            str(p.relative_to(ROOT))
            for d in ("figures", "tables", "results")
            for p in (ROOT / d).glob(f"{path.stem}[_.]*")
        )
        assert recorded == found, path.name


TEMPLATE = """# %% [markdown]
# # Probe {study_id}

# %% tags=["parameters"]
trials_file = "data/trials.csv"
study_id = "etass"

# %%
import matplotlib.pyplot as plt

from ta1sepsis.data.loader import load_trials
from ta1sepsis.paths import project_root
from ta1sepsis.report.outputs import output_prefix, save_table, show_figure
from ta1sepsis.report.results import Results

prefix = output_prefix(f"probes/{study_id}")
trials = load_trials(project_root() / trials_file)
row = trials[trials.study_id == study_id].iloc[0]
results = Results(prefix)
results.add("events_trt", int(row.events_trt), description="events in the treatment arm")
results.write()
save_table(trials[trials.study_id == study_id][["study", "events_trt", "n_trt"]], f"{prefix}_row")
fig, ax = plt.subplots(figsize=(2, 2))
ax.bar([0, 1], [row.events_trt, row.events_ctl])
show_figure(fig, f"{prefix}_bars")
"""


def test_a_template_is_rendered_once_per_instance(project):
    """A throw-away template with two instances: make renders notebooks/probes/<id>.ipynb with
    its outputs under figures/probes, tables/probes and results/probes; the renderer also takes
    an instance and --set on the command line."""
    import json

    (project / "notebooks" / "probe.py").write_text(TEMPLATE, encoding="utf-8")
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "trials_file": {
                "type": "string",
                "description": "trials",
                "x-file": "trials",
                "default": "data/trials.csv",
            },
            "study_id": {"type": "string", "description": "the trial", "default": "etass"},
        },
        "required": ["trials_file", "study_id"],
        "additionalProperties": False,
        "x-shared": [],
        "x-reads-results": [],
        "x-instances": "params/probes.yaml",
        "x-output-folder": "probes",
    }
    (project / "params" / "probe.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    (project / "params" / "probe.yaml").write_text(
        "trials_file: data/trials.csv\nstudy_id: etass\n", encoding="utf-8"
    )
    (project / "params" / "probes.yaml").write_text(
        "etass: {study_id: etass}\ntests: {study_id: tests}\n", encoding="utf-8"
    )
    result = make(project, "all")
    assert rendered(result) == {"probe[etass]", "probe[tests]"}
    for study, events in (("etass", 47), ("tests", 127)):
        got = json.loads((project / "results" / "probes" / f"{study}.json").read_text())
        assert got["events_trt"]["value"] == events
        assert (project / "figures" / "probes" / f"{study}_bars.png").is_file()
        assert (project / "tables" / "probes" / f"{study}_row.csv").is_file()
        nb = json.loads((project / "notebooks" / "probes" / f"{study}.ipynb").read_text())
        assert nb["metadata"]["ta1sepsis"]["instance"] == study
        assert nb["metadata"]["ta1sepsis"]["outputs"] == [
            f"figures/probes/{study}_bars.png",
            f"results/probes/{study}.json",
            f"tables/probes/{study}_row.csv",
        ]
    assert "[render]" not in make(project, "all").stdout
    (project / "figures" / "probes" / "tests_bars.png").unlink()
    assert rendered(make(project, "all")) == {"probe[tests]"}
    # by hand: an instance must be listed (an unlisted one would be removed as an orphan by
    # the next make), and a parameter can be set on the command line
    env = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV}
    command = [
        str(VENV / "bin" / "python"),
        "-m",
        "ta1sepsis.pipeline.render",
        "probe",
        "--instance",
        "huang",
        "--set",
        "study_id=huang2009",
    ]
    refused = subprocess.run(
        command,
        cwd=project,
        env={**env, "PYTHONPATH": str(project / "src")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert refused.returncode != 0 and "no instance 'huang' (listed: etass, tests)" in (
        refused.stderr
    )
    with (project / "params" / "probes.yaml").open("a", encoding="utf-8") as handle:
        handle.write("huang: {study_id: tests}\n")
    env["PYTHONPATH"] = str(project / "src")
    run = subprocess.run(
        command,
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    got = json.loads((project / "results" / "probes" / "huang.json").read_text())
    assert got["events_trt"]["value"] > 0


def test_contents_decide_what_renders(project):
    """Make compares times; the stamps are refreshed from the recorded contents of each
    rendering's inputs first (build/inputs/): a touched but unchanged input renders nothing, and
    an input changed in content renders its notebook even when the rendered outputs carry time
    stamps from the future."""
    import time

    (project / "results" / "02_etass.json").unlink()  # a missing output: 02 renders
    make(project, "notebooks/02_etass.ipynb")
    assert (project / "build" / "inputs" / "02_etass.ipynb.json").is_file()

    def planned() -> set[str]:
        out = make(project, "-n", "notebooks/02_etass.ipynb").stdout
        return {line.split()[-1] for line in out.splitlines() if "pipeline.render" in line}

    os.utime(project / "params" / "02_etass.yaml")  # touched, unchanged
    assert planned() == set()
    future = time.time() + 10_000
    for path in [project / "notebooks" / "02_etass.ipynb", *project.glob("results/02_etass*")]:
        os.utime(path, (future, future))
    yaml_path = project / "params" / "02_etass.yaml"
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert planned() == {"02_etass"}
