"""Where the project is: the bottom layer, imported by every other (it imports nothing of the
package)."""

from __future__ import annotations

import os
from pathlib import Path


def project_root(start: Path | None = None) -> Path:
    """The folder holding ``pyproject.toml`` and ``data/``, searched upwards from ``start``.

    ``TA1_ROOT`` overrides the search (used by tests running a copy of the project).
    """
    if os.environ.get("TA1_ROOT"):
        return Path(os.environ["TA1_ROOT"]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "data").is_dir():
            return folder
    raise FileNotFoundError(
        f"cannot find the project root (a folder with pyproject.toml and data/) above {here}"
    )
