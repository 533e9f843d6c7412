"""The results contract: every key a notebook reads is written by the notebook it names.

The renderer records, in each rendered notebook's metadata (``ta1sepsis.reads``), every key the
notebook asked another notebook's results for ("required": read with ``[]``; "optional": asked
with ``in`` or ``.optional``, and its absence handled in words). The registry of what each
notebook writes is its results file. This test checks the committed rendering; the parameter
sweep (tests/test_parameter_sweep.py) applies the same check to renderings at other parameter
values.
"""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path

import pytest

from ta1sepsis.report.results import MissingResultKey, ResultsFile

ROOT = Path(__file__).resolve().parents[1]


def rendered_notebooks(root: Path) -> list[Path]:
    return sorted((root / "notebooks").glob("*.ipynb")) + sorted(
        (root / "notebooks").glob("*/*.ipynb")
    )


def declared(root: Path, name: str) -> list[str]:
    schema = json.loads((root / "params" / f"{name}.schema.json").read_text(encoding="utf-8"))
    return schema.get("x-reads-results", [])


def template_of(producer: str) -> str:
    """trials/etass -> trial_report (the template whose instances write results/trials/*)."""
    return "trial_report" if producer.startswith("trials/") else producer


def contract_problems(root: Path) -> list[str]:
    """Every read that breaks the contract in the renderings under ``root``."""
    problems = []
    for path in rendered_notebooks(root):
        meta = json.loads(path.read_text(encoding="utf-8"))["metadata"].get("ta1sepsis", {})
        name = meta.get("template") or path.stem
        patterns = declared(root, name)
        for producer, keys in meta.get("reads", {}).items():
            if not any(fnmatch.fnmatch(template_of(producer), p) for p in patterns):
                problems.append(f"{path.name} reads {producer} but x-reads-results does not say so")
            results = root / "results" / f"{producer}.json"
            written = json.loads(results.read_text(encoding="utf-8")) if results.is_file() else {}
            for key, how in keys.items():
                if how == "required" and key not in written:
                    problems.append(f"{path.name} reads {key!r}, which {producer} does not write")
    return problems


def test_every_key_read_is_written_by_the_notebook_named():
    assert not contract_problems(ROOT)


def test_the_readers_record_what_they_read():
    """The notebooks that read results say so in their metadata (the record is not empty)."""
    readers = {}
    for path in rendered_notebooks(ROOT):
        meta = json.loads(path.read_text(encoding="utf-8"))["metadata"].get("ta1sepsis", {})
        readers[path.stem] = set(meta.get("reads", {}))
    assert "03_meta_analyses" in readers["01_mechanism"]
    assert {"03_meta_analyses", "05_subgroups", "07_next_trial"} <= readers["09_synthesis"]
    assert "05_subgroups" in readers["07_next_trial"]


def test_the_contract_check_can_fail(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "params").mkdir()
    (tmp_path / "results").mkdir()
    (tmp_path / "params" / "09_x.schema.json").write_text(
        json.dumps({"x-reads-results": ["03_*"]}), encoding="utf-8"
    )
    (tmp_path / "results" / "03_y.json").write_text(json.dumps({"a": {"value": 1}}))
    reads = {"03_y": {"a": "required", "b": "required", "c": "optional"}, "05_z": {"d": "optional"}}
    (tmp_path / "notebooks" / "09_x.ipynb").write_text(
        json.dumps({"metadata": {"ta1sepsis": {"reads": reads}}}), encoding="utf-8"
    )
    assert contract_problems(tmp_path) == [
        "09_x.ipynb reads 'b', which 03_y does not write",
        "09_x.ipynb reads 05_z but x-reads-results does not say so",
    ]


def test_a_strict_reader_refuses_a_key_that_is_not_written():
    f = ResultsFile("03_meta_analyses", {"meta.pooled.mh": {"value": 0.86}})
    with pytest.raises(MissingResultKey):
        f["meta.pooled.or_mh"]
