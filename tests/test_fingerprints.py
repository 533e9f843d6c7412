"""What a rendering depends on: the rows and keys it read, not the whole files.

Unit tests of ta1sepsis.data.fingerprints, of the results reader's records, of the provenance
check with rows, and of the content check that lets the renderer skip a rendering whose inputs
changed only where it does not read them (ta1sepsis.pipeline.deps)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from ta1sepsis.data import fingerprints as fp
from ta1sepsis.data.loader import load_trials
from ta1sepsis.pipeline import deps
from ta1sepsis.report import results as res

ROOT = Path(__file__).resolve().parents[1]
HEADER = "study_id,outcome,events_trt\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_digest_sees_only_the_rows_asked_for(tmp_path):
    rows = {"study_id": ["a"]}
    one = _write(tmp_path / "one.csv", HEADER + "a,death,1\nb,death,2\n")
    base = fp.rows_digest(one, rows)
    # another trial appended, another trial edited: the same digest
    _write(one, HEADER + "a,death,1\nb,death,3\nc,death,9\n")
    assert fp.rows_digest(one, rows) == base
    # a row of the trial read edited, or a new outcome of it: another digest
    _write(one, HEADER + "a,death,4\nb,death,2\n")
    assert fp.rows_digest(one, rows) != base
    _write(one, HEADER + "a,death,1\na,sepsis,0\nb,death,2\n")
    assert fp.rows_digest(one, rows) != base
    # a header change (a column renamed) changes the meaning of every row
    _write(one, "study_id,outcome,events\na,death,1\nb,death,2\n")
    assert fp.rows_digest(one, rows) != base
    # the key column gone, or the file gone: no digest (the part cannot be found)
    _write(one, "trial,outcome,events_trt\na,death,1\n")
    assert fp.rows_digest(one, rows) is None
    assert fp.rows_digest(tmp_path / "missing.csv", rows) is None


def test_the_loader_records_rows_asked_for_and_a_whole_read_wins(tmp_path):
    trials = tmp_path / "trials.csv"
    shutil.copyfile(ROOT / "data" / "trials.csv", trials)
    fp.reset_rows()
    frame = load_trials(trials, study_ids=["etass"])
    assert set(frame.study_id) == {"etass"} and len(frame) >= 1
    assert fp.rows_read(tmp_path) == {"trials.csv": {"study_id": ["etass"]}}
    load_trials(trials, study_ids=["tests"])
    assert fp.rows_read(tmp_path) == {"trials.csv": {"study_id": ["etass", "tests"]}}
    load_trials(trials)  # the whole file: it is the dependency now
    assert fp.rows_read(tmp_path) == {}
    load_trials(trials, study_ids=["etass"])
    assert fp.rows_read(tmp_path) == {}
    fp.reset_rows()


def test_keys_digest_covers_the_keys_read_a_prefix_family_or_everything():
    items = {"a.x": {"value": 1}, "a.y": {"value": 2}, "b": {"value": 3}}
    base = fp.keys_digest(items, ["a.x"])
    assert fp.keys_digest({**items, "b": {"value": 4}}, ["a.x"]) == base
    assert fp.keys_digest({**items, "a.x": {"value": 5}}, ["a.x"]) != base
    # a key absent, then written: another digest
    assert fp.keys_digest(items, ["c"]) != fp.keys_digest({**items, "c": {"value": 0}}, ["c"])
    family = fp.keys_digest(items, ["a.*"])
    assert fp.keys_digest({**items, "b": {"value": 4}}, ["a.*"]) == family
    assert fp.keys_digest({**items, "a.z": {"value": 0}}, ["a.*"]) != family  # a new member
    everything = fp.keys_digest(items, [fp.ALL])
    assert fp.keys_digest({**items, "b": {"value": 4}}, [fp.ALL]) != everything


def test_the_results_reader_records_prefixes_and_listings():
    res._READS.clear()
    view = res.ResultsFile("p", {"meta.bayes.x": {"value": 1}, "meta.pooled.k": {"value": 2}})
    assert view.prefixed("meta.bayes.") == {"meta.bayes.x": {"value": 1}}
    assert res._READS["p"] == {"meta.bayes.*": "optional"}
    with pytest.raises(ValueError, match="ends in '.'"):
        view.prefixed("meta.bayes")
    list(view.items())
    assert res._READS["p"][fp.ALL] == "optional"
    res._READS.clear()


def _producer(rows_sha: str, rows: dict, sha: str = "old whole-file hash") -> res.ResultsFile:
    entry = {"file": "data/trials.csv", "sha256": sha, "rows": rows, "rows_sha256": rows_sha}
    return res.ResultsFile("02_etass", {res.PROVENANCE: {"value": {"trials_file": entry}}})


def test_a_reader_accepts_results_whose_rows_are_the_same_in_its_file(tmp_path):
    (tmp_path / "data").mkdir()
    trials = _write(tmp_path / "data" / "trials.csv", HEADER + "a,death,1\nb,death,2\n")
    rows = {"study_id": ["a"]}
    producer = _producer(fp.rows_digest(trials, rows), rows)
    _write(trials, HEADER + "a,death,1\nb,death,2\nnew,death,7\n")  # a trial appended
    mine = res.provenance({"trials_file": "data/trials.csv"}, tmp_path)
    assert mine["trials_file"]["sha256"] != "old whole-file hash"
    res.check_inputs(producer, mine, "09_synthesis", tmp_path)  # accepted
    _write(trials, HEADER + "a,death,5\nb,death,2\n")  # the row the producer read, edited
    with pytest.raises(res.InputMismatch, match="an earlier version of data/trials.csv"):
        res.check_inputs(producer, mine, "09_synthesis", tmp_path)
    # a producer that read the whole file is held to the whole file, as before
    whole = res.ResultsFile(
        "03",
        {res.PROVENANCE: {"value": {"trials_file": {"file": "data/trials.csv", "sha256": "x"}}}},
    )
    with pytest.raises(res.InputMismatch):
        res.check_inputs(whole, mine, "09_synthesis", tmp_path)


def _record(root: Path, notebook: str, parts: dict, files: list[str]) -> None:
    record = {f: fp.part_digest(root, f, parts.get(f, {})) for f in files}
    path = deps._record_path(root, notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"notebook": notebook, "inputs": record, "parts": parts}))


def test_up_to_date_follows_the_parts_read(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "results").mkdir()
    (tmp_path / "notebooks").mkdir()
    trials = _write(tmp_path / "data" / "trials.csv", HEADER + "a,death,1\n")
    produced = tmp_path / "results" / "03.json"
    produced.write_text(json.dumps({"k": {"value": 1}, "other": {"value": 2}}))
    code = _write(tmp_path / "notebooks" / "x.py", "print(1)\n")
    notebook = "notebooks/x.ipynb"
    _write(tmp_path / notebook, json.dumps({"metadata": {"ta1sepsis": {"outputs": []}}}))
    parts = {"data/trials.csv": {"rows": {"study_id": ["a"]}}, "results/03.json": {"keys": ["k"]}}
    _record(tmp_path, notebook, parts, ["data/trials.csv", "results/03.json", "notebooks/x.py"])
    assert deps.up_to_date(tmp_path, notebook)
    _write(trials, HEADER + "a,death,1\nb,death,2\n")  # another trial
    produced.write_text(json.dumps({"k": {"value": 1}, "other": {"value": 3}}))  # another key
    assert deps.up_to_date(tmp_path, notebook)
    # the stamps: an older notebook is moved forward (current), not marked for rendering
    os.utime(tmp_path / notebook, (1000, 1000))
    assert deps.refresh_stamps(tmp_path) == {"stale": [], "current": [notebook]}
    assert (tmp_path / notebook).stat().st_mtime > 1000
    produced.write_text(json.dumps({"k": {"value": 9}, "other": {"value": 3}}))  # the key read
    assert not deps.up_to_date(tmp_path, notebook)
    assert deps.refresh_stamps(tmp_path)["stale"] == [notebook]
    produced.write_text(json.dumps({"k": {"value": 1}, "other": {"value": 3}}))
    assert deps.up_to_date(tmp_path, notebook)
    _write(code, "print(2)\n")  # a whole-file input
    assert not deps.up_to_date(tmp_path, notebook)
    _write(code, "print(1)\n")
    _write(trials, HEADER + "a,death,4\nb,death,2\n")  # the row read
    assert not deps.up_to_date(tmp_path, notebook)
    _write(trials, HEADER + "a,death,1\n")
    assert deps.up_to_date(tmp_path, notebook)
    (tmp_path / notebook).unlink()  # no rendering: not up to date
    assert not deps.up_to_date(tmp_path, notebook)
