"""A user's edits, all at once, rendered once: ``make all`` and ``make html`` in a temporary copy.

A user points every notebook at their own copy of the trials file, adds a trial to it (clearly
synthetic, with a zero-event arm, 0/40 deaths against 5/40) with its own report, gives ETASS a
hostile study label and its report a hostile treatment label (a script tag, an event attribute,
a ``javascript:`` link, Markdown and LaTeX specials, right-to-left text, 500 characters), and
raises the mortality decision thresholds from 10 to 35 per 1000. Rendering the collection once
and checking each consequence separately costs one rendering instead of five; each check
names what it verifies, and every failing check is reported, not only the first:

* the new trial gets its report, whose risk ratio is the hand value with 0.5 added to every cell;
* the pooled Mantel-Haenszel OR of 03 (which needs no correction) is the hand three-trial value;
* 09's summary of findings reads the new pool (its risk difference per 1000 by hand), and its
  synthesis of all evidence without the small trials is the hand random-effects pool of the
  three trials' log odds ratios under the Turner prior;
* the thresholds move the recorded values, 09's threshold table and the sentences of 09 and 04
  that depend on them (they are computed, not typed);
* no page of the site carries a label as live HTML, a live link or maths;
* the notebooks follow the trials file their parameters name: the copy, not data/trials.csv;
* then another trial appended renders only what reads what changed (not 02, 05, 06, 07).
"""

from __future__ import annotations

import csv
import math
import os
import re

import pytest
from bs4 import BeautifulSoup
from test_generic_path import _rendered_text, _table
from test_pipeline import ROOT, _results, _set_params, make, planned, project  # noqa: F401

pytestmark = pytest.mark.pipeline

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'
LINK = "[click](javascript:alert(1))"
HOSTILE = f"ETASS {SCRIPT} {IMG} {LINK} $\\frac{{a}}{{b}}$ *em* _u_ `c` \u202eevil\u202c"
MY_TRIALS = "data/my_trials.csv"
# ETASS, TESTS (28-day deaths / patients, Tα1 then control: data/trials.csv) and the new trial
TABLES = [(47, 181, 63, 180), (127, 542, 132, 547), (0, 40, 5, 40)]
Z975 = 1.959963984540054  # the 0.975 normal quantile: the reports' 95% intervals


def _edit(copy) -> list[str]:
    """Make the user's edits in ``copy``; return the notebooks that name a trials file."""
    with (copy / "data" / "trials.csv").open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    first = dict(rows[0])
    for row in rows:
        if row["study_id"] == "etass":
            row["study"] = (HOSTILE + " " + "x" * 500)[:600]
    rows.append(
        {
            **first,
            "study_id": "synthetic_zero",
            "study": "SYNTHETIC ZERO (not real data)",
            "year": "2026",
            "outcome": "mortality_28d",
            "events_trt": "0",
            "n_trt": "40",
            "events_ctl": "5",
            "n_ctl": "40",
            "source": "SYNTHETIC ROW written by tests/test_user_edits.py",
            "notes": "not real data",
        }
    )
    with (copy / MY_TRIALS).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    names = sorted(
        p.stem
        for p in (copy / "params").glob("*.yaml")
        if p.stem not in ("shared", "analyses", "meta_analysis")
        and "trials_file:" in p.read_text(encoding="utf-8")
    )
    for name in names:
        _set_params(copy, name, trials_file=MY_TRIALS)
    listing = copy / "params" / "trials.yaml"
    text = listing.read_text(encoding="utf-8")
    assert "etass:\n  study_id: etass" in text
    listing.write_text(
        text.replace(
            "etass:\n  study_id: etass",
            f'etass:\n  study_id: etass\n  treatment_label: "{SCRIPT} {LINK}"',
        )
        + "synthetic_zero:\n  study_id: synthetic_zero\n",
        encoding="utf-8",
    )
    shared = copy / "params" / "shared.yaml"
    text = shared.read_text(encoding="utf-8")
    assert "mortality: {benefit: 10, harm: 10}" in text
    shared.write_text(
        text.replace("mortality: {benefit: 10, harm: 10}", "mortality: {benefit: 35, harm: 35}"),
        encoding="utf-8",
    )
    return names


def _mh_or(tables) -> float:
    """Mantel-Haenszel OR = sum(a d / N) / sum(b c / N)."""
    num = sum(a * (n2 - c) / (n1 + n2) for a, n1, c, n2 in tables)
    den = sum((n1 - a) * c / (n1 + n2) for a, n1, c, n2 in tables)
    return num / den


def check_the_new_trial_has_its_report(copy, make_output):
    for name in ("03_meta_analyses", "09_synthesis", "04_tests", "trial_report[synthetic_zero]"):
        assert f"{name}: done" in make_output, make_output
    assert "FAILED" not in make_output
    # RR with 0.5 added to each cell, log-scale Wald interval
    a, n1, c, n2 = 0.5, 41.0, 5.5, 41.0
    rr = (a / n1) / (c / n2)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    got = _results(copy, "trials/synthetic_zero")["synthetic_zero.mortality_28d.rr"]
    assert got["level"] == 0.95
    assert got["value"] == pytest.approx(rr, rel=1e-9)
    assert got["lower"] == pytest.approx(rr * math.exp(-Z975 * se), rel=1e-9)
    assert got["upper"] == pytest.approx(rr * math.exp(Z975 * se), rel=1e-9)
    assert "SYNTHETIC ZERO" in _rendered_text(copy, "trials/synthetic_zero")


def check_the_pool_moves_as_computed_by_hand(copy, make_output):
    after = _results(copy, "03_meta_analyses")["meta.pooled.mh"]["value"]
    assert after == pytest.approx(_mh_or(TABLES), rel=1e-9)
    assert after != pytest.approx(_results(ROOT, "03_meta_analyses")["meta.pooled.mh"]["value"])


def check_the_summary_of_findings_reads_the_new_pool(copy, make_output):
    # the risk difference per 1000 at the assumed control risk (TESTS placebo arm, 132/547)
    key = "synthesis.mortality_28d_large_trials.difference_per_1000"
    p0 = 132 / 547
    odds = p0 / (1 - p0) * _mh_or(TABLES)
    got = _results(copy, "09_synthesis")[key]["value"]
    assert got == pytest.approx(1000 * (odds / (1 + odds) - p0), rel=1e-9)
    assert got != pytest.approx(_results(ROOT, "09_synthesis")[key]["value"])


def check_the_synthesis_of_all_evidence_moves_as_computed_by_hand(copy, make_output):
    """Without the small trials, 09's synthesis is the random-effects pool of the three trials'
    log odds ratios (Woolf SEs by hand; 0.5 added to every cell of the zero-event trial) under
    the Turner prior read from the data."""
    import numpy as np

    from ta1sepsis.stats.bayes_meta import bayes_random_effects

    key = "synthesis.all_evidence.trials_with_counts_only_small_trials_left_out"
    cells = [
        (a, n1 - a, c, n2 - c)
        if min(a, n1 - a, c, n2 - c) > 0
        # a zero cell: 0.5 added to each of the four cells
        else (a + 0.5, n1 - a + 0.5, c + 0.5, n2 - c + 0.5)
        for a, n1, c, n2 in TABLES
    ]
    ys = [math.log(a * d / (b * c)) for a, b, c, d in cells]
    ses = [math.sqrt(1 / a + 1 / b + 1 / c + 1 / d) for a, b, c, d in cells]
    got = _results(copy, "09_synthesis")
    turner = got["synthesis.all_evidence.inputs"]["value"]["log_tau2_prior"]
    order = np.argsort(ys)
    expected = bayes_random_effects(
        np.array(ys)[order], np.array(ses)[order], log_tau2_prior=tuple(turner)
    ).summary(level=got[key]["level"])
    assert got[key]["value"] == pytest.approx(expected["median"], rel=1e-9)
    assert got[key]["value"] != pytest.approx(_results(ROOT, "09_synthesis")[key]["value"])
    assert (
        "SYNTHETIC ZERO (not real data)" in got["synthesis.all_evidence.inputs"]["value"]["trials"]
    )


def check_the_decision_thresholds_change_the_answers(copy, make_output):
    """The thresholds (params/shared.yaml) decide GRADE's imprecision and wording in 09 and the
    probabilities of benefit and harm in 03 and 04."""
    got = _results(copy, "09_synthesis")
    assert got["synthesis.threshold.mortality"]["value"] == {"benefit": 35, "harm": 35}
    before = _table(ROOT, "09_synthesis_threshold_sensitivity")
    assert _table(copy, "09_synthesis_threshold_sensitivity") != before
    text = _rendered_text(copy, "09_synthesis")
    assert "decision threshold of 35 fewer deaths per 1000" in text
    assert "decision threshold of 10 fewer deaths per 1000" in _rendered_text(ROOT, "09_synthesis")
    assert "If 35 fewer deaths per 1000 matter" in text
    text_04 = _rendered_text(copy, "04_tests")
    assert "prevents at least 35 deaths per 1000" in text_04
    assert "prevents at least 10 deaths per 1000" in _rendered_text(ROOT, "04_tests")
    p35 = _results(copy, "04_tests")["tests.bayes.version_a.neutral.p_arr_ge_3.5pp"]["value"]
    assert f"{p35:.0%}" in text_04


def check_hostile_labels_are_inert_on_the_site(copy, make_output):
    pages = sorted((copy / "site").rglob("*.html"))
    assert pages
    assert any("trials/synthetic_zero" in str(p) for p in pages)
    problems = []
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for script in soup.find_all("script"):
            if "alert(" in script.get_text():
                problems.append(f"{page.name}: a script from a label")
        for tag in soup.find_all(True):
            for name, value in tag.attrs.items():
                if name.lower().startswith("on") and "alert(" in str(value):
                    problems.append(f"{page.name}: event attribute {name} on <{tag.name}>")
                if name in ("href", "src") and re.match(r"\s*(javascript|data):", str(value), re.I):
                    problems.append(f"{page.name}: {name}={value!r}")
        if soup.find("img", src="x"):
            problems.append(f"{page.name}: an <img> from a label")
        if re.search(r"\\frac\{a\}\{b\}", str(soup)) and soup.find(class_="MathJax"):
            problems.append(f"{page.name}: maths rendered from a label")
    assert not problems, problems


def check_the_named_trials_file_is_followed(copy, make_output, names):
    """Every notebook that names the trials file follows the copy (a notebook must use the data
    its inputs were computed from: the results' provenance is checked): editing the copy plans
    03, 01 and 09 again; data/trials.csv no longer concerns any of them. (The plan, make -n,
    is what make would run; rendering the plan is what the other checks above show.)"""
    assert {"03_meta_analyses", "09_synthesis", "trial_report"} <= set(names)
    os.utime(copy / "data" / "trials.csv")
    assert not planned(make(copy, "-n", "all"))
    path = copy / MY_TRIALS
    text = path.read_text(encoding="utf-8")
    edited = text.replace(",47,181,63,180,", ",45,181,63,180,", 1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    try:
        plan = planned(make(copy, "-n", "all"))
        assert {"03_meta_analyses", "01_mechanism", "09_synthesis"} <= plan, plan
    finally:
        path.write_text(text, encoding="utf-8")


def check_a_trial_appended_renders_only_what_reads_it(copy):
    """Another trial appended to the file: only the renderings that read what changed run (the
    rows they read, the keys of other notebooks' results they read). 02 and 05 read only the
    rows of the trial they name and 06 no trials at all: make does not plan them. 07 reads the
    rows of the trials it names and keys of 04's results that the new trial does not move: when
    04 has run again, the renderer finds 07 unchanged where it reads and does not run it; its
    outputs keep their bytes. (The whole collection after an appended trial is what make bench
    times; 09's acceptance of results computed before the row was appended is
    tests/test_fingerprints.py.)"""
    from test_pipeline import digests, rendered

    from ta1sepsis.pipeline.bench import append_trial

    before = digests(copy)
    append_trial(
        copy / MY_TRIALS,
        study_id="synthetic_more",
        study="SYNTHETIC MORE (not real data)",
        events_trt="30",
        n_trt="200",
        events_ctl="40",
        n_ctl="200",
        source="SYNTHETIC ROW written by tests/test_user_edits.py",
        notes="not real data",
    )
    plan = planned(make(copy, "-n", "all"))
    assert {"03_meta_analyses", "09_synthesis"} <= plan, plan
    assert not plan & {"02_etass", "05_subgroups", "06_dosing"}, plan
    result = make(copy, "notebooks/07_next_trial.ipynb")
    assert rendered(result) == {"03_meta_analyses", "04_tests"}, result.stdout
    assert "07_next_trial: unchanged where it reads its inputs, not run" in result.stdout
    after = digests(copy)
    for name in ("02_etass", "05_subgroups", "06_dosing", "07_next_trial"):
        mine = [k for k in before if f"/{name}" in k]
        assert mine and all(after[k] == before[k] for k in mine), name
    assert after["results/03_meta_analyses.json"] != before["results/03_meta_analyses.json"]


def test_a_users_edits_render_and_each_consequence_is_right(project):  # noqa: F811
    names = _edit(project)
    result = make(project, "all")
    make(project, "html")
    output = result.stdout + result.stderr
    checks = [
        check_the_new_trial_has_its_report,
        check_the_pool_moves_as_computed_by_hand,
        check_the_summary_of_findings_reads_the_new_pool,
        check_the_synthesis_of_all_evidence_moves_as_computed_by_hand,
        check_the_decision_thresholds_change_the_answers,
        check_hostile_labels_are_inert_on_the_site,
    ]
    failures = []
    for check in checks:
        try:
            check(project, output)
        except AssertionError as error:
            failures.append(f"{check.__name__}: {error}")
    # last: they edit the copy's trials file (the first puts it back)
    try:
        check_the_named_trials_file_is_followed(project, output, names)
    except AssertionError as error:
        failures.append(f"check_the_named_trials_file_is_followed: {error}")
    try:
        check_a_trial_appended_renders_only_what_reads_it(project)
    except AssertionError as error:
        failures.append(f"check_a_trial_appended_renders_only_what_reads_it: {error}")
    assert not failures, "\n".join(failures)
