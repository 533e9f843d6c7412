"""make bench's profile of a notebook (pipeline.bench.profile_notebook)."""

from __future__ import annotations

import os
from pathlib import Path

from ta1sepsis.pipeline.bench import profile_notebook

ROOT = Path(__file__).resolve().parents[1]


def test_profile_names_the_costliest_functions_and_writes_nothing_into_the_project():
    before = {
        p: p.stat().st_mtime_ns
        for d in ("results", "tables", "figures")
        for p in (ROOT / d).rglob("*")
        if p.is_file()
    }
    previous = os.environ.get("TA1_OUTPUT_DIR")
    costs = profile_notebook(ROOT, "02_etass")
    assert len(costs) == 3
    assert all(isinstance(label, str) and seconds > 0 for label, seconds in costs)
    assert [s for _, s in costs] == sorted((s for _, s in costs), reverse=True)
    # importing is not counted (it belongs to the floor)
    assert not any("marshal" in label or "importlib" in label for label, _ in costs)
    after = {
        p: p.stat().st_mtime_ns
        for d in ("results", "tables", "figures")
        for p in (ROOT / d).rglob("*")
        if p.is_file()
    }
    assert after == before
    assert os.environ.get("TA1_OUTPUT_DIR") == previous
