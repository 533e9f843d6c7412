"""A reader's check of the bottom lines.

1. Every number printed in a rendered bottom line is one the notebook can trace: a value of its
   own results or of the results it reads, a parameter, or a number of the data files (counts,
   published estimates, facts), at the precision printed (as a proportion, a percentage or per
   1000). A number typed into a sentence by hand, or computed in the sentence and never
   recorded, fails the check.
2. The sentences that depend on the decision thresholds are computed from them: building the
   answers of 09 and 04 at other thresholds changes exactly those sentences.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from ta1sepsis.pipeline.parameters import load_parameters

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TRIALS = sorted(f"trials/{p.stem}" for p in (ROOT / "notebooks" / "trials").glob("*.ipynb"))
# citations ('Neumann 2022'), notebook names ('05_subgroups') and years are not quantities
NOT_QUANTITIES = re.compile(
    r"[A-Z][\w-]+( et al\.)? (19|20)\d{2}|\b\d{2}_[a-z]+|\b(19|20)\d{2}\b|Sepsis-3|28-day|90-day"
    r"|Tα1|RoB 2|mHLA-DR|IL-\d+|CD\d+"
)
TOKEN = re.compile(r"(?<![\w.])\d[\d,]*(\.\d+)?")


def bottom_line(name: str) -> str:
    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            md = out.get("data", {}).get("text/markdown")
            if md and "Bottom line" in "".join(md):
                return "".join(md)
    raise AssertionError(f"{name} has no rendered bottom line")


def _numbers(obj):
    if isinstance(obj, bool):
        return
    if isinstance(obj, int | float):
        yield float(obj)
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _numbers(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            yield from _numbers(v)


def traceable(name: str) -> set[str]:
    """Every printed form of every number the notebook may quote."""
    schema_name = "trial_report" if name.startswith("trials/") else name
    schema = json.loads((ROOT / "params" / f"{schema_name}.schema.json").read_text("utf-8"))
    reads = [name]
    for pattern in schema.get("x-reads-results", []):
        reads += [
            str(p.relative_to(ROOT / "results").with_suffix(""))
            for p in (ROOT / "results").rglob("*.json")
            if p.match(f"{pattern}.json") or p.parent.name == "trials" and pattern == "trial_report"
        ]
    values: set[float] = set()
    for r in dict.fromkeys(reads):
        for entry in json.loads((ROOT / "results" / f"{r}.json").read_text("utf-8")).values():
            values.update(_numbers({k: entry.get(k) for k in ("value", "lower", "upper", "level")}))
    for f in ("shared.yaml", f"{schema_name}.yaml"):
        values.update(_numbers(yaml.safe_load((ROOT / "params" / f).read_text("utf-8"))))
    trials = pd.read_csv(ROOT / "data" / "trials.csv")
    for c in ("events_trt", "n_trt", "events_ctl", "n_ctl"):
        values.update(trials[c].astype(float))
    values.update((trials.n_trt + trials.n_ctl).astype(float))
    values.update(trials.events_trt / trials.n_trt)
    values.update(trials.events_ctl / trials.n_ctl)
    est = pd.read_csv(ROOT / "data" / "published_estimates.csv")
    for c in ("estimate", "ci_lower", "ci_upper", "ci_level", "p_value", "n_patients", "k_studies"):
        values.update(pd.to_numeric(est[c], errors="coerce").dropna())
    for f in ("study_facts.csv", "method_facts.csv"):
        values.update(
            pd.to_numeric(pd.read_csv(ROOT / "data" / f)["value"], errors="coerce").dropna()
        )
    forms: set[str] = set()
    for x in values:
        for y in (x, 100 * x, 1000 * x, abs(x), abs(100 * x), abs(1000 * x), 1 - x, 100 * (1 - x)):
            if math.isfinite(y):
                forms.update(f"{y:{sep}.{d}f}" for d in range(4) for sep in ("", ","))
                forms.update((f"{y:g}", f"{y:.2g}"))
    return forms


@pytest.mark.parametrize("name", NOTEBOOKS + TRIALS)
def test_every_number_in_the_bottom_line_is_traceable(name):
    text = NOT_QUANTITIES.sub(" ", bottom_line(name))
    forms = traceable(name)
    untraced = [
        text[max(0, m.start() - 50) : m.end() + 10]
        for m in TOKEN.finditer(text)
        if m.group(0).rstrip(",") not in forms
    ]
    assert not untraced, f"{name}: numbers in the bottom line with no source: {untraced}"


def _with_thresholds(name: str, benefit: float, harm: float) -> dict:
    p = load_parameters(name)
    p["decision_thresholds"] = {
        **p["decision_thresholds"],
        "mortality": {"benefit": benefit, "harm": harm},
    }
    return p


def test_the_synthesis_sentences_follow_the_decision_threshold():
    from ta1sepsis.chapters.synthesis import POOLED, Synthesis

    default = Synthesis(**load_parameters("09_synthesis"))
    wide = Synthesis(**_with_thresholds("09_synthesis", 35, 35))
    a, b = default.answer_parts()[0], wide.answer_parts()[0]
    assert "a decision threshold of 10 fewer deaths per 1000" in a
    assert "a decision threshold of 35 fewer deaths per 1000" in b
    # the GRADE wording of the pooled row is computed against the threshold: the point estimate
    # (about 26 fewer per 1000) is an important reduction at 10 and a trivial one at 35
    assert default.by_id[POOLED].statement != wide.by_id[POOLED].statement
    assert default.by_id[POOLED].statement[:-1] in a and wide.by_id[POOLED].statement[:-1] in b
    assert "little to no difference" in wide.by_id[POOLED].statement
    # what does not depend on the threshold stays: the pooled estimate and its interval
    first = a.split("Certainty")[0]
    assert first == b.split("Certainty")[0]


def test_the_04_probabilities_follow_the_decision_threshold():
    from ta1sepsis.chapters.hr_versions import HazardRatioVersions

    a = HazardRatioVersions(**load_parameters("04_tests")).answer_parts()[0]
    b = HazardRatioVersions(**_with_thresholds("04_tests", 20, 20)).answer_parts()[0]
    assert "prevents at least 10 deaths per 1000" in a
    assert "prevents at least 20 deaths per 1000" in b
    probabilities = re.compile(r"prevents at least \d+ deaths per 1000 .*? at (\d+%, \d+%, \d+%)")
    assert probabilities.search(a).group(1) != probabilities.search(b).group(1)
