"""A clone stands alone: no tracked file points outside the project (to the material the
project was started with), so every fact is found through its primary citation."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# built from parts so that this file does not match itself
OUTSIDE = re.compile(
    "|".join(["\\.\\./" + "shared", "shared/" + "seed", "shared/" + "sources", "dos" + "sier"]),
    re.I,
)


def test_no_tracked_file_points_outside_the_project():
    names = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    hits = []
    for name in filter(None, names):
        path = ROOT / name
        if path.suffix in {".png", ".jpg", ".gz", ".zip"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE.search(line):
                hits.append(f"{name}:{number}: {line.strip()[:120]}")
    assert not hits, "\n".join(hits)
