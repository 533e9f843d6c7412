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


def test_pre_commit_runs_the_pinned_ruff():
    """The hooks call the environment's ruff (the version make lint uses), check and format."""
    import re

    import yaml

    root = Path(__file__).resolve().parents[1]
    config = yaml.safe_load((root / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert hooks["ruff"]["entry"].startswith(".venv/bin/ruff check")
    assert hooks["ruff-format"]["entry"].startswith(".venv/bin/ruff format")
    pinned = re.search(r'"ruff==([\d.]+)"', (root / "pyproject.toml").read_text()).group(1)
    assert f"ruff=={pinned}" in (root / "requirements.lock").read_text()
