"""Every parameter honoured: each notebook rendered with every enumerated alternative of its
schema at least once, in as few renders as the combinations allow.

The alternatives come from the JSON Schemas: each value of an ``enum`` other than the committed
one, the other value of a boolean, and a confidence level of 0.90 for ``confidence``. Round 0
sets the first alternative of every parameter of every notebook at once and runs ``make all``,
so that the readers of changed results render too; round k sets the (k+1)-th alternatives and
renders only the notebooks that have one. Each rendering is checked: its intervals carry the
level actually used (a 90% interval is called 90%, in the results and in the words), a measure
is called by its name, the readers of the results still show every row, and every key a
notebook read is written by the notebook it names.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from test_pipeline import ROOT, _results, _set_params, is_output, make, tracked_files
from test_results_contract import contract_problems

pytestmark = pytest.mark.pipeline

CONFIDENCE = 0.90


def alternatives(name: str) -> list[dict]:
    """The renders a notebook needs: a list of parameter sets, the k-th holding the k-th
    alternative of every parameter that has one."""
    schema = json.loads((ROOT / "params" / f"{name}.schema.json").read_text(encoding="utf-8"))
    import yaml

    committed = yaml.safe_load((ROOT / "params" / f"{name}.yaml").read_text(encoding="utf-8"))
    options = {}
    for key, prop in schema["properties"].items():
        if "enum" in prop:
            options[key] = [v for v in prop["enum"] if v != committed[key]]
        elif prop.get("type") == "boolean":
            options[key] = [not committed[key]]
        elif key == "confidence":
            options[key] = [CONFIDENCE]
    rounds = max((len(v) for v in options.values()), default=0)
    return [{k: v[i] for k, v in options.items() if i < len(v)} for i in range(rounds)]


NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.py"))
PLAN = {name: alternatives(name) for name in NOTEBOOKS}
# The meta-analysis template runs the chapter code of 03 (MetaAnalysisInstance is MetaAnalyses on
# another data set) and has the same alternatives. Rounds 0 and 1 change what the words and
# labels say (the level, the measure) and render both; the later rounds change only the
# heterogeneity estimator, whose numbers are checked against metafor on every external data set
# in tests/test_external_reference.py, so they render 03 alone: three renders fewer.
SAME_CODE_AS = {"meta_analysis": "03_meta_analyses"}
LABEL_ROUNDS = 2
for _name, _other in SAME_CODE_AS.items():
    assert PLAN[_name] == PLAN[_other], (_name, _other)
    PLAN[_name] = PLAN[_name][:LABEL_ROUNDS]


# the meta-analysis template has no instance by default: the sweep renders it on the BCG trials
# that ship with the tests, with the instance setting only what names the data (so that the
# template's alternatives, set in params/meta_analysis.yaml, apply)
SWEEP_ANALYSIS = """bcg:
  trials_file: tests/reference/datasets/bcg_trials.csv
  outcome: tuberculosis
  outcome_label: tuberculosis
  treatment_label: BCG vaccine
  control_label: no vaccine
"""


def target(name: str) -> list[str]:
    if name == "trial_report":
        return [f"notebooks/trials/{i}.ipynb" for i in ("etass", "tests")]
    if name == "meta_analysis":
        return ["notebooks/analyses/bcg.ipynb"]
    return [f"notebooks/{name}.ipynb"]


def rendered_text(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            for kind in ("text/markdown", "text/plain"):
                if kind in data:
                    value = data[kind]
                    parts.append(value if isinstance(value, str) else "".join(value))
                    break
    return "\n".join(parts)


def interval_levels(results: dict) -> set[float]:
    return {v["level"] for v in results.values() if isinstance(v, dict) and v.get("level")}


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """A copy of the project rendered round by round; the checks of each round run as it ends
    (later rounds overwrite what earlier ones rendered). Returns the copy and, per round, the
    notebooks and the parameters it set."""
    copy = tmp_path_factory.mktemp("sweep") / "project"
    old = time.time() - 3600
    for name in tracked_files():
        path = copy / name
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, path)
        stamp = old + 10 if is_output(name) else old
        os.utime(path, (stamp, stamp))
    (copy / "params" / "analyses.yaml").write_text(SWEEP_ANALYSIS, encoding="utf-8")
    done, readers = {}, {}
    for k in range(max(len(v) for v in PLAN.values())):
        changed = {name: plan[k] for name, plan in PLAN.items() if k < len(plan)}
        for name, values in changed.items():
            _set_params(copy, name, **values)
        targets = ["all"] if k == 0 else [t for name in changed for t in target(name)]
        make(copy, *targets)
        check_round(copy, changed)
        if k == 0:
            # every reader rendered after its producers changed: the contract holds everywhere
            assert not contract_problems(copy)
            readers = {
                "sof": (copy / "tables" / "09_synthesis_summary_of_findings.csv").read_text(
                    encoding="utf-8"
                ),
                "01": rendered_text(copy / "notebooks" / "01_mechanism.ipynb"),
            }
        done[k] = changed
    return copy, done, readers


def check_round(copy: Path, changed: dict) -> None:
    """The checks of one round, on the renderings it made."""
    for name, values in changed.items():
        for path in target(name):
            text = rendered_text(copy / path)
            prefix = path.removeprefix("notebooks/").removesuffix(".ipynb")
            results = _results(copy, prefix)
            if "confidence" in values:
                level = values["confidence"]
                assert level in interval_levels(results), f"{prefix}: no interval at {level}"
                assert re.search(rf"\b{100 * level:g}% (CI|credible)", text), (
                    f"{prefix}: no interval called {100 * level:g}% in the text"
                )
            if name == "03_meta_analyses" and "measure" in values:
                m = values["measure"]
                assert results["meta.pooled.measure"]["value"] == m
                assert f"measure **{m}**" in text
            if name == "trial_report" and "confidence" in values:
                # published intervals are compared at their own level: the same verdicts as in
                # the committed rendering, whatever the confidence of the recomputation
                trial = prefix.split("/")[1]
                committed = _results(ROOT, prefix)[f"{trial}.verdicts"]["value"]
                assert results[f"{trial}.verdicts"]["value"] == committed, prefix
            if name == "trial_report" and "meta_measure" in values:
                m = values["meta_measure"].lower()
                assert any(key.endswith(f".{m}_mh") for key in results), prefix


def test_every_enumerated_alternative_is_planned():
    """The plan covers every enum value and both booleans, in as many renders as the
    parameter with the most alternatives needs (for the template, in its own renders or in
    those of 03, which runs the same chapter code)."""
    for name, plan in PLAN.items():
        schema = json.loads((ROOT / "params" / f"{name}.schema.json").read_text(encoding="utf-8"))
        plan = plan + PLAN.get(SAME_CODE_AS.get(name, ""), [])
        for key, prop in schema["properties"].items():
            planned = {values[key] for values in plan if key in values}
            if "enum" in prop:
                assert len(planned) == len(prop["enum"]) - 1, (name, key)
            if prop.get("type") == "boolean":
                assert len(planned) == 1, (name, key)
    assert len(PLAN["03_meta_analyses"]) == 5  # tau2_method has six values: five renders
    assert {"confidence", "measure"} <= set(PLAN["03_meta_analyses"][0])


def test_every_alternative_renders_and_readers_keep_every_row(sweep):
    copy, done, readers = sweep
    assert set(done[0]) >= {"03_meta_analyses", "04_tests", "05_subgroups", "trial_report"}
    # 09 after 03 at RR and 90% intervals: every outcome still has its row, the pooled row is a
    # risk ratio named at 90%, the published rows keep their own (95%) level
    import csv
    import io

    sof = list(csv.DictReader(io.StringIO(readers["sof"])))
    # pooled, largest trial alone, all trials, two secondary outcomes, harms, marker, 2 subgroups
    assert len(sof) == 9, sof
    assert "relative effect (CI)" in sof[0]
    pooled, largest, published = sof[0], sof[1], sof[2]
    assert pooled["relative effect (CI)"].startswith("RR ")
    assert "90% CI" in pooled["relative effect (CI)"]
    assert "90% CI" in largest["relative effect (CI)"]  # the trial report's RR, at 90%
    assert "95% CI" in published["relative effect (CI)"]
    # 01 words the pooled estimate of 03 as what it now is
    assert "risk ratio of" in readers["01"] and "90% CI" in readers["01"]
