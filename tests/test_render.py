"""The renderer's installation transaction, its output names and its path check, without a
kernel: synthetic outputs in a temporary project."""

from __future__ import annotations

import json
import os
import site
import sys
from pathlib import Path

import pytest

from ta1sepsis.pipeline import render
from ta1sepsis.pipeline.render import RenderError, Target, install, recover_installation


@pytest.fixture
def root(tmp_path) -> Path:
    """A project with a previous rendering of 02_etass: four outputs and its notebook."""
    for relative, text in {
        "figures/02_etass_overview.png": "old figure",
        "tables/02_etass_a.csv": "old a",
        "tables/02_etass_b.csv": "old b",
        "tables/02_etass_gone.csv": "made last time only",
        "results/02_etass.json": "old results",
        "notebooks/02_etass.ipynb": "old notebook",
        "tables/02_etassx_other.csv": "another notebook's table",
    }.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def stage(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    staged = {}
    for relative, text in files.items():
        path = tmp_path / "staging" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        staged[relative] = path
    return staged


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    return {
        str(p.relative_to(root)): (p.read_text(encoding="utf-8"), p.stat().st_mtime_ns)
        for d in ("figures", "tables", "results", "notebooks")
        for p in sorted((root / d).rglob("*"))
        if p.is_file()
    }


NEW = {
    "figures/02_etass_overview.png": "new figure",
    "tables/02_etass_a.csv": "old a",  # same bytes: must not be touched
    "tables/02_etass_b.csv": "new b",
    "tables/02_etass_c.csv": "new c",
    "results/02_etass.json": "new results",
}


def test_install_writes_only_what_changed_and_removes_what_is_no_longer_made(root, tmp_path):
    before = snapshot(root)
    done = install(root, Target("02_etass"), stage(tmp_path, NEW), "new notebook")
    after = snapshot(root)
    assert done == {
        "written": [
            "figures/02_etass_overview.png",
            "results/02_etass.json",
            "tables/02_etass_b.csv",
            "tables/02_etass_c.csv",
        ],
        "unchanged": ["tables/02_etass_a.csv"],
        "removed": ["tables/02_etass_gone.csv"],
    }
    assert after["tables/02_etass_a.csv"] == before["tables/02_etass_a.csv"]  # bytes and mtime
    assert after["tables/02_etassx_other.csv"] == before["tables/02_etassx_other.csv"]
    assert "tables/02_etass_gone.csv" not in after
    assert after["notebooks/02_etass.ipynb"][0] == "new notebook"
    assert not (root / "build" / "install").exists() or not any(
        (root / "build" / "install").iterdir()
    )


def test_a_failure_part_way_restores_the_previous_outputs(root, tmp_path, monkeypatch):
    """os.replace fails on the third file: everything is as it was before, bytes and names."""
    before = snapshot(root)
    real = os.replace
    calls = []

    def failing(src, dst):
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(28, "No space left on device", str(dst))
        return real(src, dst)

    monkeypatch.setattr(render.os, "replace", failing)
    with pytest.raises(
        RenderError, match=r"installing the outputs failed .the disk is full.*restored"
    ):
        install(root, Target("02_etass"), stage(tmp_path, NEW), "new notebook")
    assert len(calls) > 3  # the roll-back moved files back too
    now = snapshot(root)
    assert {k: v[0] for k, v in now.items()} == {k: v[0] for k, v in before.items()}
    assert not list(root.rglob(".*.tmp"))


def test_a_kill_part_way_is_rolled_back_by_the_next_rendering(root, tmp_path, monkeypatch):
    """A process killed after two files moved (simulated: the install stops dead, leaving its
    journal): recover_installation() restores the previous set."""
    before = {k: v[0] for k, v in snapshot(root).items()}
    real = os.replace
    calls = []

    class Killed(BaseException):
        pass

    def dying(src, dst):
        calls.append(dst)
        if len(calls) == 3:
            raise Killed()
        return real(src, dst)

    monkeypatch.setattr(render.os, "replace", dying)
    monkeypatch.setattr(
        render, "recover_installation", lambda root, target: False
    )  # no clean-up: "killed"
    with pytest.raises(RenderError):
        install(root, Target("02_etass"), stage(tmp_path, NEW), "new notebook")
    monkeypatch.undo()
    assert {k: v[0] for k, v in snapshot(root).items()} != before  # half installed
    assert recover_installation(root, Target("02_etass")) is True
    assert {k: v[0] for k, v in snapshot(root).items()} == before


def test_output_names_belong_to_their_notebook_or_instance():
    target = Target("02_etass")
    assert target.owns("figures/02_etass_overview.png")
    assert target.owns("results/02_etass.json")
    assert not target.owns("figures/02_etassx.png")
    assert not target.owns("figures/trials/02_etass_a.png")
    assert not target.owns("tables/02_etass.csv")
    instance = Target("trial_report", "etass", "trials")
    assert instance.notebook == "notebooks/trials/etass.ipynb"
    assert instance.owns("figures/trials/etass_forest.png")
    assert instance.owns("results/trials/etass.json")
    assert not instance.owns("figures/trials/etass2_forest.png")
    assert not instance.owns("figures/etass_forest.png")


def test_warnings_are_made_portable_and_not_mistaken_for_leaked_paths(tmp_path):
    """A font warning printed with the absolute path of matplotlib's file is rewritten; a cell
    that echoes a temporary or project path is still caught."""
    root = tmp_path / "project"
    packages = site.getsitepackages()[0]
    warning = (
        f"{packages}/matplotlib/backends/backend_agg.py:211: UserWarning: Glyph 20013 "
        "(\\N{CJK UNIFIED IDEOGRAPH-4E2D}) missing from font(s) DejaVu Sans.\n"
        "  font.draw_glyphs_to_bitmap(\n"
        "/tmp/ipykernel_4242/123456.py:7: UserWarning: a warning from the cell\n"
        f"{sys.prefix}/lib/python3.11/x.py:1: Warning\n"
    )
    portable = render._portable(warning, root)
    assert portable.startswith("matplotlib/backends/backend_agg.py:211: UserWarning: Glyph")
    assert "<cell>:7: UserWarning" in portable
    assert "<python>/lib/python3.11/x.py" in portable
    staging = root / "build" / "render-x"
    assert render._leaked_path(json.dumps({"text": portable}), staging, root) is None
    assert render._leaked_path(f"'{staging}/figures/a.png'", staging, root) == str(staging)
    assert render._leaked_path(f"PosixPath('{root}/data')", staging, root) == str(root)
    assert render._leaked_path(f"{root}-other/data", staging, root) is None


def test_a_failed_rollback_says_what_to_do_in_one_line(root, tmp_path, monkeypatch):
    """Writing fails for lack of permission, and so does the restore: one RenderError naming the
    file, the fix and the journal that the next make all finishes from; no temporary notebook."""
    real = os.replace

    def failing(src, dst):
        if str(dst).endswith(".json") or "backup" in str(src):
            raise PermissionError(13, "Permission denied", str(dst))
        return real(src, dst)

    monkeypatch.setattr(render.os, "replace", failing)
    with pytest.raises(RenderError) as caught:
        install(root, Target("02_etass"), stage(tmp_path, NEW), "new notebook")
    message = str(caught.value)
    assert "\n" not in message
    assert "no permission to write" in message and "chmod u+w" in message
    assert "run make all" in message
    assert not list(root.rglob(".*.tmp"))


def test_os_errors_in_words():
    assert render._os_words(OSError(28, "No space left on device", "results/x.json")) == (
        "the disk is full writing results/x.json: free some space and run make all again"
    )
    assert "chmod u+w" in render._os_words(PermissionError(13, "Permission denied", "a.csv"))
