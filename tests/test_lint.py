"""`make lint` (ruff check and format check) passes: the README's lint command, run in CI."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_make_lint_passes():
    result = subprocess.run(
        ["make", f"VENV={sys.prefix}", "lint"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
