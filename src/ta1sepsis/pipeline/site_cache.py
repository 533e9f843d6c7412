"""The site's page cache: ``make html`` renders again only the notebook pages whose inputs changed.

A notebook's page is a function of its rendered notebook, its parameter files (the table of
parameters used), the list of pages (the navigation), the site's code and templates, the files
the site ships and the glossary (the links). :func:`page_key` hashes all of them; a page whose
key is in ``build/site-pages/`` is copied from there instead of being converted again by
nbconvert. A data table's row page is cached the same way, under those shared inputs and the
table's bytes. The version line (the commit, and whether files were changed) is not in the key:
a page is made with a slot in its place, filled in when the page is written, so that a new
commit, or the first edit after one, converts nothing again. The index, the search index, the
printable summary of findings, the glossary and the downloads are always rebuilt: they read
every notebook. Anything else a page could depend on is in the hash conservatively (every file
of the package, every parameter file), so a change anywhere in the code or the parameters
renders every page.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from ta1sepsis.data.fingerprints import file_digest, json_digest

CACHE_DIR = Path("build") / "site-pages"


def tree_digest(folder: Path) -> str:
    """SHA-256 of every file under ``folder``: relative names and bytes (``__pycache__`` left
    out)."""
    h = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        h.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def tools() -> dict[str, str]:
    """Versions of the libraries that turn a notebook into a page."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    out = {}
    for name in ("nbconvert", "nbformat", "jinja2", "mistune", "beautifulsoup4", "pygments"):
        try:
            out[name] = installed(name)
        except PackageNotFoundError:
            out[name] = ""
    return out


def page_key(shared: str, name: str, *, position: int, notebook: Path, sources) -> str:
    """The key of one notebook page: the inputs all pages share (``shared``, from
    :func:`~ta1sepsis.data.fingerprints.json_digest`), its name and place in the navigation,
    its rendered notebook's bytes and the list of files it names as its sources."""
    return json_digest(
        {
            "shared": shared,
            "name": name,
            "position": position,
            "notebook": file_digest(notebook),
            "sources": sources,
        }
    )


class PageCache:
    """Rendered pages by key: ``<folder>/<key>/page.html`` and its figures.

    Parameters
    ----------
    folder : Path
        The cache folder (``build/site-pages``); made when first needed.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.used: set[str] = set()
        self.hits = 0

    def get(self, key: str) -> tuple[str, dict[str, bytes]] | None:
        """The page and its figures (site-relative path -> bytes), or None."""
        entry = self.folder / key
        try:
            listing = json.loads((entry / "figures.json").read_text(encoding="utf-8"))
            body = (entry / "page.html").read_text(encoding="utf-8")
            figures = {rel: (entry / "figures" / rel).read_bytes() for rel in listing}
        except (OSError, ValueError):
            return None
        self.used.add(key)
        self.hits += 1
        return body, figures

    def put(self, key: str, body: str, figures: dict[str, bytes]) -> None:
        """Keep a page (written whole in a temporary folder, then moved into place; a page
        another build put there first is left as it is)."""
        self.used.add(key)
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{key[:12]}.", dir=self.folder))
        try:
            (tmp / "page.html").write_text(body, encoding="utf-8")
            for rel, data in figures.items():
                (tmp / "figures" / rel).parent.mkdir(parents=True, exist_ok=True)
                (tmp / "figures" / rel).write_bytes(data)
            (tmp / "figures.json").write_text(json.dumps(sorted(figures)), encoding="utf-8")
            os.replace(tmp, self.folder / key)
        except OSError:
            pass  # another build stored the same page meanwhile
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def prune(self) -> None:
        """Remove the pages this build did not use (older versions of the pages)."""
        if not self.folder.is_dir():
            return
        for entry in self.folder.iterdir():
            if entry.name not in self.used and not entry.name.startswith("."):
                shutil.rmtree(entry, ignore_errors=True)
