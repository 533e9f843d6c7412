"""make html converts again only the notebook pages whose inputs changed (the page cache)."""

from __future__ import annotations

import csv
import json

import pytest
from test_pipeline import project  # noqa: F401

from ta1sepsis.pipeline import site, site_cache


def test_the_cache_keeps_a_page_and_its_figures_and_forgets_unused_ones(tmp_path):
    cache = site_cache.PageCache(tmp_path / "cache")
    assert cache.get("k1") is None
    cache.put("k1", "<p>one</p>\n", {"figures/a.png": b"\x89PNG one"})
    cache.put("k2", "<p>two</p>\n", {})
    again = site_cache.PageCache(tmp_path / "cache")
    assert again.get("k1") == ("<p>one</p>\n", {"figures/a.png": b"\x89PNG one"})
    assert again.hits == 1
    again.prune()  # k2 was not used by this build
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["k1"]
    # a damaged entry is a miss, not an error
    (tmp_path / "cache" / "k1" / "figures.json").write_text("not json", encoding="utf-8")
    assert site_cache.PageCache(tmp_path / "cache").get("k1") is None


def test_tree_digest_sees_names_and_bytes_but_not_compiled_files(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    base = site_cache.tree_digest(tmp_path)
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "a.pyc").write_bytes(b"compiled")
    assert site_cache.tree_digest(tmp_path) == base
    (tmp_path / "a.py").write_text("x = 2\n", encoding="utf-8")
    assert site_cache.tree_digest(tmp_path) != base
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "a.py").rename(tmp_path / "b.py")
    assert site_cache.tree_digest(tmp_path) != base


@pytest.mark.slow
def test_only_changed_pages_are_converted_and_the_site_is_the_same(project, monkeypatch):  # noqa: F811
    """Built twice: the second build converts nothing and writes the same bytes. A notebook
    edited: only its page is converted again, and it shows the edit. A parameter file edited:
    every page is converted again (each page shows its parameters)."""
    monkeypatch.setenv("TA1_ROOT", str(project))

    def build(out):
        stats = {}
        pages = site.build(project, project / out, stats=stats)
        return stats, len(pages) - 1  # notebook pages (the index is not cached)

    first, n = build("site_a")
    assert first == {"converted": n, "cached": 0}
    second, _ = build("site_b")
    assert second == {"converted": 0, "cached": n}
    for page in sorted((project / "site_a").rglob("*")):
        if page.is_file():
            twin = project / "site_b" / page.relative_to(project / "site_a")
            assert twin.read_bytes() == page.read_bytes(), page
    # a new version (a commit, or the first edit after one) converts no page again, and every
    # page carries it
    new_version = "commit 0123abc of 2026-01-02, with uncommitted changes"
    monkeypatch.setattr(site.site_files, "version", lambda root: new_version)
    versioned, _ = build("site_v")
    assert versioned == {"converted": 0, "cached": n}
    for page in sorted((project / "site_v").rglob("*.html")):
        assert f"Version: {new_version}" in page.read_text(encoding="utf-8"), page
    notebook = project / "notebooks" / "06_dosing.ipynb"
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    cell["source"] = "".join(cell["source"]) + "\n\nAN EDIT THE SITE MUST SHOW\n"
    notebook.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    # a data table edited: its row page (cached like the notebook pages) shows the edit, the
    # other tables' row pages are the same bytes
    table = project / "data" / "peptide.csv"
    rows = list(csv.reader(table.open(encoding="utf-8", newline="")))
    rows[-1][-1] += " A DATA EDIT THE SITE MUST SHOW"
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    third, _ = build("site_c")
    assert third == {"converted": 1, "cached": n - 1}
    assert "AN EDIT THE SITE MUST SHOW" in (project / "site_c" / "06_dosing.html").read_text(
        encoding="utf-8"
    )
    row_pages = sorted((project / "site_v" / "data").glob("*.csv.html"))
    assert len(row_pages) > 1
    for page in row_pages:
        now = (project / "site_c" / "data" / page.name).read_text(encoding="utf-8")
        if page.name == "peptide.csv.html":
            assert "A DATA EDIT THE SITE MUST SHOW" in now
        else:
            assert now == page.read_text(encoding="utf-8"), page.name
    params = project / "params" / "02_etass.yaml"
    params.write_text(params.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    fourth, _ = build("site_d")
    assert fourth == {"converted": n, "cached": 0}
