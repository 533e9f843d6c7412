"""Fingerprints of the part of a file a rendering read: some rows of a data table, some keys of
another notebook's results.

A rendering depends on what it read, not on the whole file: ``02_etass`` reads the ETASS rows of
the trials file, so a trial appended to that file changes nothing it shows. The loader records
which rows a chapter asked for (:func:`record_rows`, by the values of one key column), the
results reader records which keys it read, and the renderer keeps, for each input file, the
fingerprint of that part (:func:`rows_digest`, :func:`keys_digest`). Make then re-renders a
notebook only when the part it read changed in content (``ta1sepsis.pipeline.deps``), and a
reader accepts another notebook's results when the rows that notebook read are the same in the
reader's file (``ta1sepsis.report.results.check_inputs``).

Only the standard library is used: Make's dependency step imports this module to decide what to
render, and must stay fast.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from pathlib import Path

ALL = "*"  # every key of a results file was read (a reader that lists them)
PREFIX = ".*"  # "meta.bayes.*": every key starting "meta.bayes." (the set and the values)

# file (resolved path) -> key column -> values asked for; None: the whole file was read
_ROWS: dict[str, dict[str, set[str]] | None] = {}


def record_rows(path: str | Path, column: str | None = None, values=()) -> None:
    """Note that this process read some rows of ``path`` (``column`` in ``values``), or all of
    it (``column`` None). Reading the whole file once makes the whole file the dependency."""
    key = str(Path(path).resolve())
    if column is None:
        _ROWS[key] = None
        return
    if key in _ROWS and _ROWS[key] is None:
        return
    _ROWS.setdefault(key, {}).setdefault(column, set()).update(str(v) for v in values)


def reset_rows() -> None:
    """Forget the reads recorded so far (a new chapter starts)."""
    _ROWS.clear()


def rows_read(root: Path) -> dict[str, dict[str, list[str]]]:
    """The partial reads recorded so far, by file relative to ``root`` (files read whole, and
    files outside ``root``, are left out: they are whole-file dependencies)."""
    out = {}
    for path, columns in sorted(_ROWS.items()):
        if columns is None:
            continue
        try:
            rel = Path(path).relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            continue
        out[rel] = {c: sorted(v) for c, v in sorted(columns.items())}
    return out


def json_digest(value) -> str:
    """SHA-256 (hex) of a JSON-serialisable value (keys sorted, text as UTF-8).

    Parameters
    ----------
    value : object
        Anything :func:`json.dumps` takes (other objects are written as their ``str``).

    Returns
    -------
    str
    """
    blob = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def rows_digest(path: str | Path, columns: dict[str, list[str]]) -> str | None:
    """SHA-256 of the header and of the rows of a CSV whose ``column`` is one of its values
    (for any of the columns given), in file order; None if the file cannot be read.

    Parameters
    ----------
    path : str or Path
        A CSV file with a header row (UTF-8).
    columns : dict
        Key column -> the values of the rows read.

    Returns
    -------
    str or None
        Hex digest; the same for two files that hold the same header and the same selected rows,
        whatever else they hold.
    """
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return None
    names = [h.strip() for h in header]
    wanted = [(names.index(c), set(v)) for c, v in columns.items() if c in names]
    if len(wanted) != len(columns):
        return None  # a key column is gone: the part cannot be found
    kept = [row for row in reader if any(len(row) > i and row[i] in v for i, v in wanted)]
    return json_digest([header, kept])


def keys_digest(items: dict, keys: list[str]) -> str:
    """SHA-256 of the entries ``keys`` of a results file (``items``: key -> entry); a key ending
    in ``.*`` stands for every key with that prefix, ``*`` for the whole file. A key that is
    absent counts as absent, so a key appearing later changes the digest.

    Parameters
    ----------
    items : dict
        The results file, key -> entry.
    keys : list of str
        The keys read.

    Returns
    -------
    str
    """
    if ALL in keys:
        chosen = items
    else:
        chosen = {}
        for key in keys:
            if key.endswith(PREFIX):
                stem = key[: -len(PREFIX) + 1]
                chosen[key] = sorted(k for k in items if k.startswith(stem))
                chosen.update({k: v for k, v in items.items() if k.startswith(stem)})
            else:
                chosen[key] = items.get(key)
    return json_digest(chosen)


def results_keys_digest(path: str | Path, keys: list[str]) -> str | None:
    """:func:`keys_digest` of the results file at ``path``; None if it cannot be read."""
    try:
        items = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return keys_digest(items, keys) if isinstance(items, dict) else None


def file_digest(path: str | Path) -> str | None:
    """SHA-256 of a file's bytes (hex); None if it cannot be read."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def part_digest(root: Path, relative: str, part: dict) -> str | None:
    """The current digest of the part ``part`` of ``root/relative`` (``{"rows": {...}}`` or
    ``{"keys": [...]}``, as the renderer records it)."""
    path = Path(root) / relative
    if "rows" in part:
        return rows_digest(path, part["rows"])
    if "keys" in part:
        return results_keys_digest(path, part["keys"])
    return file_digest(path)


def staged_rows_file(staging: str | os.PathLike) -> Path:
    """Where a rendering's row reads are written in the renderer's staging folder."""
    return Path(staging) / "rows.json"
