"""The generic path, as a user who brings other trials meets it: each data set an entry of
params/analyses.yaml, rendered by make from the meta-analysis template (the chapter code of 03)
in a temporary copy. One make run renders them all, in parallel: the BCG trials, two external
data sets (against metafor, values pinned in tests/reference/external.json by
tests/reference/external.R) and five awkward trials files (one trial, zero-event arms, no
events in either arm, events = N); each is then checked on its own, without Tα1 words leaking
into the output, and every thymosin output keeps its bytes."""

from __future__ import annotations

import csv
import json
import math
import re

import pytest
from test_pipeline import ROOT, _results, _set_params, make, project  # noqa: F401

pytestmark = pytest.mark.pipeline

REF = json.loads((ROOT / "tests" / "reference" / "external.json").read_text(encoding="utf-8"))

# One render per code path of 03 on other data: an odds ratio with Egger's test run (12
# trials) and a risk ratio without it (4 trials); the outcome is the one in the converted file,
# the labels are the data set's own arms. Every external data set and measure (lau1992,
# fine1993 and linde2005 too) is compared with metafor at the function level in
# tests/test_external_reference.py: effects, common and random effects, Mantel-Haenszel, Peto,
# Egger, cumulative and leave-one-out, which is where those numbers are checked; rendering the
# three larger data sets as well repeated those checks at 170 s of the suite's time.
EXTERNAL = {
    "hahn2001": ("OR", "unscheduled intravenous infusion", "reduced-osmolarity ORS", "WHO ORS"),
    "cannon2006": ("RR", "coronary death or CV event", "intensive statin", "moderate statin"),
}
# the output tables are written with 6 significant digits
TABLE_REL = 2e-5


def _outcome(name: str) -> str:
    path = ROOT / "tests" / "reference" / "datasets" / f"{name}_trials.csv"
    with path.open(encoding="utf-8") as handle:
        return next(csv.DictReader(handle))["outcome"]


def _generic_params(root, trials_file, outcome, label, treatment, control, measure, **more):
    _set_params(
        root,
        "03_meta_analyses",
        trials_file=trials_file,
        outcome=outcome,
        outcome_label=label,
        treatment_label=treatment,
        control_label=control,
        measure=measure,
        compare_with="",
        trajectory=[],
        small_trials_total="",
        small_trials_large="",
        conflict_with=[],
        pair_trials=[],
        tsa_control_risk=None,
        **more,
    )


def _rendered_text(root, name="03_meta_analyses", *, markdown: bool = True) -> str:
    """The outputs of the rendered notebook (not its code), with its Markdown cells unless
    ``markdown`` is False (the template's own prose names the thymosin notebooks it leaves
    alone; what it computes must not), as one string."""
    nb = json.loads((root / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and markdown:
            parts.append(
                cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            )
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                raise AssertionError(
                    f"{name}: error output {out.get('ename')}: {out.get('evalue')}"
                )
            for kind in ("text/markdown", "text/html", "text/plain"):
                if kind in out.get("data", {}):
                    data = out["data"][kind]
                    parts.append(data if isinstance(data, str) else "".join(data))
                    break
            if out.get("name") == "stderr":
                raise AssertionError(f"{name}: stderr output {out.get('text')}")
    return "\n".join(parts)


def _table(root, name):
    with (root / "tables" / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _close(got, expected, rel=1e-6, absolute=1e-9, what=""):
    assert float(got) == pytest.approx(expected, rel=rel, abs=absolute), what


def _external_entry(name: str) -> str:
    """The analyses.yaml entry of an external data set: REML with the Hartung-Knapp interval
    (metafor's test = "knha"); the Turner prior is for all-cause mortality, drug against
    placebo, and fits none of these."""
    measure, label, treatment, control = EXTERNAL[name]
    return (
        f"{name}:\n"
        f"  trials_file: tests/reference/datasets/{name}_trials.csv\n"
        f"  outcome: {_outcome(name)}\n"
        f"  outcome_label: {label}\n"
        "  outcome_class: serious_events\n"
        f"  treatment_label: {treatment}\n"
        f"  control_label: {control}\n"
        f"  measure: {measure}\n"
        "  tau2_method: REML\n"
        "  ci_method: hk\n"
    )


def check_external_data_set_matches_metafor(project, name):  # noqa: F811
    measure = EXTERNAL[name][0]
    ref = REF["datasets"][name][measure]
    prefix = f"analyses/{name}"
    got = _results(project, prefix)
    back = math.exp

    # pooled estimates: REML with the Hartung-Knapp interval and its prediction interval,
    # Mantel-Haenszel, DerSimonian-Laird (Wald)
    for key, fit in (("current", "REML.knha"), ("mh", "MH"), ("dl_wald", "DL.z")):
        item = got[f"meta.pooled.{key}"]
        for field, r in (("value", "b"), ("lower", "ci.lb"), ("upper", "ci.ub")):
            _close(item[field], back(ref[fit][r]), what=(name, key, field))
    pi = got["meta.pooled.current_prediction_interval"]
    _close(pi["lower"], back(ref["REML.knha"]["pi.lb"]), what="PI lower")
    _close(pi["upper"], back(ref["REML.knha"]["pi.ub"]), what="PI upper")
    tau2 = got["meta.pooled.tau2_reml"]
    _close(tau2["value"], ref["REML.knha"]["tau2"], what="tau2")
    _close(tau2["lower"], ref["REML.knha"]["tau2.ci.lb"], rel=1e-4, absolute=1e-6, what="tau2 lb")
    _close(tau2["upper"], ref["REML.knha"]["tau2.ci.ub"], rel=1e-4, absolute=1e-6, what="tau2 ub")
    _close(got["meta.pooled.i2"]["value"], ref["MH"]["I2"] / 100, what="I2 (MH Q)")
    assert got["meta.pooled.k"]["value"] == REF["rows"][name]["k"]

    # Egger's regression test (metafor regtest, model = "lm"), and its warning in the text
    # (not run below 10 trials, the Cochrane Handbook's minimum, which the text says)
    text = _rendered_text(project, prefix)
    egger = ref["regtest"]
    if egger["k_below_10"]:
        assert "meta.egger.p" not in got and "Egger's test not run" in text
    else:
        _close(got["meta.egger.p"]["value"], egger["pval"], what="Egger P")
        _close(got["meta.egger.bias"]["value"], egger["egger_bias"], what="Egger bias")
        assert ("**Caution:** the funnel plot is asymmetric" in text) == (egger["pval"] < 0.10)

    # cumulative (by year, ties in file order; file order without years) and leave-one-out
    order = "year" if REF["rows"][name]["has_year"] else "file"
    cum_ref = ref["cumul"]["REML.knha"][order]
    studies = REF["rows"][name]["study"]
    cum = _table(project, f"{prefix}_cumulative")
    assert [row["study"].removeprefix("+ ") for row in cum] == [
        studies[i - 1] for i in cum_ref["order_index"]
    ]
    for i, row in enumerate(cum):
        for col, r, f in (
            ("estimate", "estimate", back),
            ("lower", "ci.lb", back),
            ("upper", "ci.ub", back),
        ):
            _close(row[col], f(cum_ref[r][i]), rel=TABLE_REL, what=("cumulative", i, col))
        _close(row["tau2"], cum_ref["tau2"][i], rel=TABLE_REL, absolute=1e-8, what=("cum tau2", i))
        _close(row["i2"], cum_ref["I2"][i] / 100, rel=TABLE_REL, absolute=1e-8, what=("cum I2", i))
    loo_ref = ref["leave1out"]["REML.knha"]
    loo = {
        row["study"].removeprefix("without "): row
        for row in _table(project, f"{prefix}_leave_one_out")
    }
    assert sorted(loo) == sorted(studies)
    for i, study in enumerate(studies):
        row = loo[study]
        _close(row["estimate"], back(loo_ref["estimate"][i]), rel=TABLE_REL, what=("loo", study))
        _close(row["lower"], back(loo_ref["ci.lb"][i]), rel=TABLE_REL, what=("loo lb", study))
        _close(row["upper"], back(loo_ref["ci.ub"][i]), rel=TABLE_REL, what=("loo ub", study))
        _close(
            row["tau2"], loo_ref["tau2"][i], rel=TABLE_REL, absolute=1e-8, what=("loo tau2", study)
        )

    # nothing about thymosin in what a notebook about other trials computes and says
    outputs = _rendered_text(project, prefix, markdown=False)
    assert "Tα1" not in outputs and "thymosin" not in outputs.lower()
    assert "P = 0.000" not in text and "No published estimate ``" not in text


def _write_trials(path, rows):
    """Synthetic trials in the trials.csv format; the descriptive columns are copied from the
    first row of an external data set (not thymosin) and the source says what they are."""
    template_path = ROOT / "tests" / "reference" / "datasets" / "lau1992_trials.csv"
    with template_path.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, template = reader.fieldnames, next(reader)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        for i, (a, n1, c, n2) in enumerate(rows, start=1):
            writer.writerow(
                {
                    **template,
                    "study_id": f"synthetic_{i}",
                    "study": f"Synthetic {i}",
                    "year": str(2000 + i),
                    "outcome": "death",
                    "events_trt": a,
                    "n_trt": n1,
                    "events_ctl": c,
                    "n_ctl": n2,
                    "source": "SYNTHETIC ROWS written by tests/test_generic_path.py (not real data)",
                    "notes": "not real data",
                }
            )


AWKWARD = {
    # one trial: no pooling, no heterogeneity, no Egger test, no Bayesian synthesis
    "one trial": (
        [(10, 100, 20, 100)],
        ["nothing is pooled", "do not apply (they need at least two trials)"],
    ),
    # a zero-event arm in the first trial (the TSA's first cumulative Z needs the correction)
    "zero-event arm first": (
        [(0, 50, 6, 50), (12, 100, 18, 100), (20, 150, 25, 150)],
        ["constant continuity correction applied to synthetic 1."],
    ),
    # no events in either arm: kept, carries no information on a ratio scale
    "no events in either arm": (
        [(0, 40, 0, 40), (12, 100, 18, 100), (20, 150, 25, 150)],
        ["no events in either arm", "adds nothing to the mantel-haenszel estimate"],
    ),
    # events = N in one arm
    "every patient has the event in one arm": (
        [(30, 30, 25, 30), (12, 100, 18, 100), (20, 150, 25, 150)],
        ["constant continuity correction applied to synthetic 1."],
    ),
    # only two trials, both with zero-event arms
    "two trials with zero-event arms": (
        [(0, 50, 5, 50), (3, 60, 0, 60)],
        ["constant continuity correction applied to synthetic 1, synthetic 2."],
    ),
}


def _awkward_id(case: str) -> str:
    return "awkward_" + re.sub(r"[^a-z0-9]+", "_", case.lower()).strip("_")


def _awkward_entry(copy, case: str, measure: str) -> str:  # noqa: F811
    """Write the case's trials file and return its analyses.yaml entry (the measures alternate:
    both share the zero-cell code)."""
    instance = _awkward_id(case)
    _write_trials(copy / "data" / f"{instance}.csv", AWKWARD[case][0])
    return (
        f"{instance}:\n"
        f"  trials_file: data/{instance}.csv\n"
        "  outcome: death\n"
        "  outcome_label: death\n"
        f"  measure: {measure}\n"
    )


def check_awkward_file_says_what_does_not_apply(project, case):  # noqa: F811
    rows, phrases = AWKWARD[case]
    prefix = f"analyses/{_awkward_id(case)}"
    text = _rendered_text(project, prefix)
    for phrase in phrases:
        assert phrase in text.lower(), (case, phrase)
    outputs = _rendered_text(project, prefix, markdown=False)
    assert "Traceback" not in text and "Tα1" not in outputs
    got = _results(project, prefix)
    assert got["meta.pooled.k"]["value"] == len(rows)


def test_other_data_sets_are_instances_and_leave_the_story_untouched(project):  # noqa: F811
    """Following the README: another data set is an entry of params/analyses.yaml, rendered from
    the meta-analysis template into notebooks/analyses/<id>.ipynb. Eight entries (BCG, two
    external data sets, five awkward files) render in one make run; every thymosin output stays
    byte-identical; each instance matches metafor or says what does not apply; removing the
    entries removes their outputs. The
    old way (changing 03's own trials file) no longer rewrites the story silently: the notebooks
    that read 03 refuse results computed from another trials file."""
    from test_pipeline import digests

    before = digests(project)
    listing = project / "params" / "analyses.yaml"
    original = listing.read_text(encoding="utf-8")
    awkward = [(case, ("OR", "RR")[i % 2]) for i, case in enumerate(AWKWARD)]
    listing.write_text(
        original.replace(
            "{}\n",
            "bcg:\n"
            "  trials_file: tests/reference/datasets/bcg_trials.csv\n"
            "  outcome: tuberculosis\n"
            "  outcome_label: tuberculosis\n"
            "  outcome_class: serious_events\n"
            "  treatment_label: BCG vaccine\n"
            "  control_label: no vaccine\n"
            "  measure: RR\n"
            + "".join(_external_entry(name) for name in EXTERNAL)
            + "".join(_awkward_entry(project, case, measure) for case, measure in awkward),
        ),
        encoding="utf-8",
    )
    result = make(project, "all")
    instances = ["bcg", *EXTERNAL, *(_awkward_id(case) for case, _ in awkward)]
    for instance in instances:
        assert f"meta_analysis[{instance}]: done" in result.stdout, result.stdout + result.stderr
    after = digests(project)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    outside = [k for k in changed if "/analyses/" not in f"/{k}"]
    assert not outside, f"the instances changed thymosin outputs: {outside}"
    # each instance checked on its own; every failure reported
    checks = [(check_external_data_set_matches_metafor, name) for name in EXTERNAL]
    checks += [(check_awkward_file_says_what_does_not_apply, case) for case, _ in awkward]
    failures = []
    for check, what in checks:
        try:
            check(project, what)
        except AssertionError as error:
            failures.append(f"{check.__name__}[{what}]: {error}")
    assert not failures, "\n".join(failures)
    got = _results(project, "analyses/bcg")
    ref = REF["datasets"]["bcg"]["RR"]
    _close(got["meta.pooled.mh"]["value"], math.exp(ref["MH"]["b"]), what="BCG MH RR")
    assert got["meta.pooled.measure"]["value"] == "RR"
    assert "tuberculosis" in _rendered_text(project, "analyses/bcg")

    # the old recipe: 03 itself pointed at BCG (with a subgroup analysis by design); 03 renders
    # and matches metafor (REML with Hartung-Knapp, Mantel-Haenszel, Egger: tests/reference/
    # meta.json), and its readers stop with a message
    _generic_params(
        project,
        "tests/reference/datasets/bcg_trials.csv",
        "tuberculosis",
        "tuberculosis",
        "BCG vaccine",
        "no vaccine",
        "RR",
        heterogeneity_prior="",
        ci_method="hk",
        subgroup_column="design",
    )
    refused = make(project, "all", check=False)
    assert refused.returncode != 0
    got = _results(project, "03_meta_analyses")
    meta = json.loads((ROOT / "tests/reference/meta.json").read_text())["datasets"]["bcg"]["RR"]
    current = got["meta.pooled.current"]
    assert math.log(current["value"]) == pytest.approx(meta["knha.REML"]["b"], abs=1e-6)
    assert math.log(current["lower"]) == pytest.approx(meta["knha.REML"]["ci.lb"], abs=1e-6)
    assert math.log(got["meta.pooled.mh"]["value"]) == pytest.approx(meta["mh"]["b"], abs=1e-6)
    assert got["meta.egger.p"]["value"] == pytest.approx(meta["regtest"]["pval"], abs=1e-6)
    assert (project / "figures" / "03_meta_analyses_funnel.png").is_file()
    log = "".join(
        p.read_text(encoding="utf-8") for p in (project / "build" / "failed").glob("*.log")
    )
    assert "was computed from trials_file = tests/reference/datasets/bcg_trials.csv" in log
    assert "params/analyses.yaml" in log

    # undo: the instances' entries removed, their notebooks and outputs go too
    listing.write_text(original, encoding="utf-8")
    make(project, "deps")
    assert not (project / "notebooks" / "analyses").exists()
    assert not (project / "results" / "analyses").exists()
