"""Every valid trials file renders: property-based tests over generated data (hypothesis).

Valid means what the loader accepts: 1 to 15 trials (1 to 12 for the renders; a 50-trial
TSA takes 15 s, so larger files are covered by the external data sets), arms of 1 to 200 patients, events from 0 to
N in each arm (no events and all events included), trials that tie (identical counts, so the
heterogeneity statistic q is 0) and years that tie. Two properties:

* the numbers (fast, many files): effects, Mantel-Haenszel, random effects with every interval
  method, and the trial sequential analysis under every model run without an error, and no TSA
  calls "benefit" or "harm" while its own conventional pooled interval includes no effect;
* the notebooks (slow, a few files): the code cells of ``03_meta_analyses`` and of the trial
  report run in-process on the generated file without an error (outputs go to a scratch folder).

The seed is fixed (``derandomize``), so a failure is reproducible.
"""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ta1sepsis.pipeline.bench import run_cells
from ta1sepsis.stats.meta_effects import study_effects
from ta1sepsis.stats.meta_pooling import mantel_haenszel, random_effects
from ta1sepsis.stats.meta_workflow import tsa_bundle

# renders notebooks and runs hundreds of trial sequential analyses: make test, not make check
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = ROOT / "build" / "properties"


@st.composite
def trial(draw):
    n1 = draw(st.integers(1, 200))
    n2 = draw(st.integers(1, 200))
    return (
        draw(st.integers(0, n1)),
        n1,
        draw(st.integers(0, n2)),
        n2,
        draw(st.integers(1990, 2025)),
    )


@st.composite
def trials_table(draw, max_k: int = 50):
    k = draw(st.integers(1, max_k))
    rows = []
    for _ in range(k):
        if rows and draw(st.booleans()) and draw(st.booleans()):
            rows.append(rows[-1])  # a tie: identical counts (and year)
        else:
            rows.append(draw(trial()))
    frame = pd.DataFrame(rows, columns=["ai", "n1i", "ci", "n2i", "year"])
    frame["study"] = [f"trial {i + 1}" for i in range(len(frame))]
    return frame


def _no_events_in_an_arm_overall(t: pd.DataFrame) -> bool:
    return t.ai.sum() == 0 or t.ci.sum() == 0 or (t.ai == t.n1i).all() or (t.ci == t.n2i).all()


# one test per measure (the same 40 generated files each), so that pytest-xdist can run the
# two on different cores: together they were the longest single test of the suite
@pytest.mark.parametrize("which", ["OR", "RR"])
@settings(max_examples=40, deadline=None, derandomize=True)
@given(studies=trials_table(max_k=15))
def test_the_numbers_of_every_valid_trials_file(which, studies):
    informative = ~(
        ((studies.ai == 0) & (studies.ci == 0))
        | ((studies.ai == studies.n1i) & (studies.ci == studies.n2i))
    )
    for measure in (which,):
        # trials without information on the ratio scale are kept with the continuity
        # correction, as metafor's escalc keeps them; Mantel-Haenszel leaves them out
        effects = study_effects(studies, measure, correction="constant")
        try:
            mantel_haenszel(studies, measure, 0.95)
        except ValueError as error:
            assert not informative.any() or _no_events_in_an_arm_overall(studies[informative]), (
                error
            )
        if effects.k >= 2:
            for ci in ("wald", "hk", "hk_adhoc"):
                fit = random_effects(effects, "REML", ci, 0.95)
                s = fit.summary()
                assert s["lower"] <= s["estimate"] <= s["upper"]
        control = float(studies.ci.sum() / studies.n2i.sum())
        if not 0 < control < 1:
            continue
        bundle = tsa_bundle(
            studies,
            control,
            0.2,
            measure,
            alpha=0.05,
            beta=0.1,
            futility=True,
            correction="constant",
            d2_upper=0.5,
        )
        for model, result in bundle.pairings.items():
            a = result.adjusted
            if result.conclusion in ("benefit", "harm"):
                # the last look is beyond the boundary, which is never below the conventional
                # critical value, so the conventional interval excludes no effect
                assert not a["naive_lower"] <= 1 <= a["naive_upper"], (model, a)


def run_notebook(notebook: str, overrides: dict, out: Path) -> None:
    """Execute a notebook's code cells in-process with its validated parameters (no kernel, no
    display); outputs go to ``out``."""
    run_cells(ROOT, notebook, out, overrides=overrides)


def write_trials(studies: pd.DataFrame, path: Path) -> None:
    """A trials file in the data/trials.csv format from generated counts."""
    with (ROOT / "data" / "trials.csv").open(encoding="utf-8") as handle:
        template = next(csv.DictReader(handle))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(template), lineterminator="\n")
        writer.writeheader()
        for i, r in studies.reset_index(drop=True).iterrows():
            row = dict(template)
            row.update(
                study_id=f"t{i + 1}",
                study=r.study,
                year=int(r.year),
                outcome="mortality_28d",
                events_trt=int(r.ai),
                n_trt=int(r.n1i),
                events_ctl=int(r.ci),
                n_ctl=int(r.n2i),
            )
            writer.writerow(row)


GENERIC_03 = {
    "compare_with": "",
    "trajectory": [],
    "small_trials_total": "",
    "small_trials_large": "",
    "conflict_with": [],
    "pair_trials": [],
    "heterogeneity_prior": "",
}


@pytest.fixture
def scratch():
    """A folder of its own inside the project (the trials file must be in the project), so
    that tests running at the same time on other pytest-xdist workers do not share it."""
    import tempfile

    SCRATCH.mkdir(parents=True, exist_ok=True)
    own = Path(tempfile.mkdtemp(dir=SCRATCH))
    yield own
    shutil.rmtree(own, ignore_errors=True)


AWKWARD = {
    "ties (q = 0)": [(10, 100, 20, 100, 2001), (10, 100, 20, 100, 2001)],
    "every control patient died": [(5, 10, 10, 10, 2001)],
    "one patient per arm": [(1, 1, 0, 1, 2001), (2, 5, 3, 5, 2002)],
    "no events in either arm": [(0, 10, 0, 10, 2001), (3, 30, 6, 30, 2002)],
    "all events in every arm": [(10, 10, 10, 10, 2001), (4, 20, 9, 20, 2002)],
}


@pytest.mark.parametrize("case", list(AWKWARD))
def test_awkward_trials_files_render_03_and_the_trial_report(case, scratch):
    studies = pd.DataFrame(AWKWARD[case], columns=["ai", "n1i", "ci", "n2i", "year"])
    studies["study"] = [f"trial {i + 1}" for i in range(len(studies))]
    path = scratch / "trials.csv"
    write_trials(studies, path)
    relative = str(path.relative_to(ROOT))
    run_notebook("03_meta_analyses", {"trials_file": relative, **GENERIC_03}, scratch / "out")
    run_notebook("trial_report", {"trials_file": relative, "study_id": "t1"}, scratch / "out")


@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(trials_table(max_k=12))
def test_generated_trials_files_render_03_and_the_trial_report(scratch, studies):
    path = scratch / "trials.csv"
    write_trials(studies, path)
    relative = str(path.relative_to(ROOT))
    informative = ~(
        ((studies.ai == 0) & (studies.ci == 0))
        | ((studies.ai == studies.n1i) & (studies.ci == studies.n2i))
    )
    if informative.any():
        run_notebook("03_meta_analyses", {"trials_file": relative, **GENERIC_03}, scratch / "out")
    run_notebook("trial_report", {"trials_file": relative, "study_id": "t1"}, scratch / "out")
    assert math.isfinite(len(studies))
