"""The results contract: what a notebook writes (``results/<prefix>.json``) and how another
notebook reads it.

Writing: :class:`Results` collects one notebook's key numbers. Each key (``etass.rr``) maps to a
``value`` and, where it has them, ``lower``/``upper`` with the ``level`` of that interval, a
``unit`` and a ``description``. An interval always carries its own level:
:meth:`Results.add_interval` takes it from the interval object, and :meth:`Results.add` refuses
limits that are a confidence or credible interval without a level (``kind="range"`` marks
limits that are not, such as the P values the rounding of printed numbers allows).

Reading: :func:`read_results` returns a :class:`ResultsFile`, a strict, read-only view. Asking
for a key the file does not hold raises :class:`MissingResultKey`, naming the file, the key and
the keys that share its first part, so a reader never drops a row silently. A reader that can do
without a key asks with ``key in file`` or :meth:`ResultsFile.optional` and says what it does
instead. Every key read (and every optional key asked for) is recorded; the renderer keeps that
record in the rendered notebook's metadata (``ta1sepsis.reads``), and the tests check that every
key any notebook reads is written by the notebook it names (tests/test_results_contract.py).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from pathlib import Path

from ta1sepsis.data.fingerprints import (
    ALL,
    file_digest,
    rows_digest,
    rows_read,
    staged_rows_file,
)
from ta1sepsis.paths import project_root
from ta1sepsis.report.outputs import OUTPUT_ENV, output_dir

READS_FILE = "reads.json"  # in the renderer's staging folder
_READS: dict[str, dict[str, str]] = {}  # producer -> key -> "required" | "optional"


class MissingResultKey(KeyError):
    """A results file lacks a key its reader needs."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0])


def _clean(value):
    """Round floats to 12 significant digits so last-bit noise cannot change the JSON bytes."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"non-finite value {value!r} cannot go into a results file")
        return float(f"{value:.12g}")
    if hasattr(value, "item"):  # numpy scalar
        return _clean(value.item())
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


class Results:
    """The key numbers of one notebook, written as ``results/<prefix>.json`` (keys sorted)."""

    def __init__(self, notebook: str):
        self.notebook = notebook
        self._items: dict[str, dict] = {}

    def add(
        self,
        key,
        value,
        *,
        lower=None,
        upper=None,
        level=None,
        kind="interval",
        unit=None,
        description="",
    ) -> None:
        """Record one result.

        Parameters
        ----------
        key : str
            Dotted key, unique within the notebook (a second ``add`` of it raises ``KeyError``).
        value : float, int, str, list or dict
            The value; floats are rounded to 12 significant digits, non-finite floats refused.
        lower, upper : float, optional
            Limits on the scale of ``value``.
        level : float, optional
            Confidence (or credible) level of the interval, a proportion in (0, 1); required
            when the limits are an interval.
        kind : {"interval", "range"}
            ``"range"``: the limits are not a confidence interval (a range of possible values,
            a Monte Carlo band given its level, ...); no level is then required.
        unit : str, optional
            Unit or scale of ``value`` ("ratio", "probability", "per 1000", ...).
        description : str
            A short description in words.

        Returns
        -------
        None
            Nothing, so that a cell ending in ``results.add(...)`` shows no ``Out[...]``.
        """
        if key in self._items:
            raise KeyError(f"result key {key!r} added twice in {self.notebook}")
        item = {"value": value, "description": description}
        if lower is not None or upper is not None:
            if kind == "interval" and not (level is not None and 0 < level < 1):
                raise ValueError(
                    f"result {key!r}: an interval needs its level (a proportion), got {level!r}"
                )
            item.update(lower=lower, upper=upper, level=level)
        if unit is not None:
            item["unit"] = unit
        self._items[key] = _clean(item)

    def add_interval(self, key, interval, *, unit=None, description="") -> None:
        """Record an estimate with its interval, at the interval's own level.

        Parameters
        ----------
        key : str
            Dotted key.
        interval : object
            Anything with ``estimate``, ``lower``, ``upper`` and ``level`` attributes
            (:class:`ta1sepsis.stats.binary.Interval`, a pooled result, ...).
        unit, description : str, optional
            As in :meth:`add`.
        """
        self.add(
            key,
            interval.estimate,
            lower=interval.lower,
            upper=interval.upper,
            level=interval.level,
            unit=unit,
            description=description,
        )

    def __getitem__(self, key):
        return self._items[key]

    def __contains__(self, key) -> bool:
        return key in self._items

    def __len__(self):
        return len(self._items)

    def write(self) -> Path:
        """Write ``results/<prefix>.json`` (and the record of what this notebook read)."""
        path = output_dir("results") / f"{self.notebook}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self._items, indent=2, sort_keys=True, ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")
        write_reads()
        return path


def write_reads() -> None:
    """Record the keys read so far, and the rows of data files read in part, in the renderer's
    staging folder (nothing outside it)."""
    staging = os.environ.get(OUTPUT_ENV)
    if not staging:
        return
    if _READS:
        record = {p: dict(sorted(keys.items())) for p, keys in sorted(_READS.items())}
        Path(staging, READS_FILE).write_text(
            json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
    rows = rows_read(project_root())
    if rows:
        staged_rows_file(staging).write_text(
            json.dumps(rows, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )


class ResultsFile:
    """One notebook's results as read by another: strict, read-only, every read recorded.

    Parameters
    ----------
    notebook : str
        The producer, as named in ``x-reads-results`` (``03_meta_analyses``, ``trials/etass``).
    items : dict
        Its results, key -> entry.
    """

    def __init__(self, notebook: str, items: dict):
        self.notebook = notebook
        self._items = items

    def _record(self, key: str, how: str) -> None:
        seen = _READS.setdefault(self.notebook, {})
        if seen.get(key) != "required":
            seen[key] = how

    def __getitem__(self, key: str) -> dict:
        self._record(key, "required")
        if key not in self._items:
            stem = key.split(".")[0]
            near = sorted(k for k in self._items if k.split(".")[0] == stem)[:8]
            raise MissingResultKey(
                f"results/{self.notebook}.json has no key {key!r}: {self.notebook} was rendered "
                "with parameters or data that do not produce it, or the key was renamed"
                + (f"; keys starting {stem!r}: {', '.join(near)}" if near else "")
            )
        return self._items[key]

    def __contains__(self, key: str) -> bool:
        self._record(key, "optional")
        return key in self._items

    def optional(self, key: str) -> dict | None:
        """The entry, or None when the producer did not write it (the reader must say so)."""
        self._record(key, "optional")
        return self._items.get(key)

    def prefixed(self, prefix: str) -> dict[str, dict]:
        """Every entry whose key starts with ``prefix`` (which ends in '.'), key -> entry.

        The reader depends on that family of keys (which keys there are and their entries), not
        on the rest of the file."""
        if not prefix.endswith("."):
            raise ValueError(f"a key prefix ends in '.', got {prefix!r}")
        self._record(f"{prefix}*", "optional")
        return {k: v for k, v in self._items.items() if k.startswith(prefix)}

    def keys(self) -> Iterator[str]:
        """Every key (a reader that lists keys depends on all of them)."""
        self._record(ALL, "optional")
        return iter(self._items)

    def items(self):
        """Every key and entry (a reader that lists them depends on all of them)."""
        self._record(ALL, "optional")
        return self._items.items()

    def __iter__(self):
        self._record(ALL, "optional")
        return iter(self._items)

    def __len__(self) -> int:
        self._record(ALL, "optional")
        return len(self._items)


PROVENANCE = "provenance.inputs"


class InputMismatch(ValueError):
    """A notebook's results came from other data files than the reader's."""


def provenance(files: dict[str, str], root: Path) -> dict:
    """The data files a rendering read, by parameter: ``{name: {"file", "sha256"}}``
    (:func:`with_rows` adds the rows of a file read only in part).

    Parameters
    ----------
    files : dict
        Parameter name -> the file it names, relative to ``root``.
    root : Path
        Project root.

    Returns
    -------
    dict
    """
    return {
        name: {"file": rel, "sha256": file_digest(root / rel)}
        for name, rel in sorted(files.items())
        if rel and (root / rel).is_file()
    }


def with_rows(record: dict, root: Path, rows: dict | None) -> dict:
    """A :func:`provenance` record with, for each file read only in part, its rows and their
    digest added (a new dict; ``record`` is left as it is).

    Parameters
    ----------
    record : dict
        Parameter name -> ``{"file", "sha256"}``.
    root : Path
        Project root.
    rows : dict or None
        File (relative to ``root``) -> key column -> the values of the rows read.

    Returns
    -------
    dict
    """
    out = {}
    for name, entry in record.items():
        out[name] = dict(entry)
        part = (rows or {}).get(Path(entry["file"]).as_posix())
        if part:
            out[name]["rows"] = part
            out[name]["rows_sha256"] = rows_digest(root / entry["file"], part)
    return out


def check_inputs(results: ResultsFile, mine: dict, reader: str, root: Path | None = None) -> None:
    """Refuse results computed from other data files than the reader's own.

    Every data-file parameter the reader and the producer share by name (``trials_file``,
    ``estimates_file``, ...) must name the same file with the same content (the same rows, when
    the producer read only some rows of it: ``rows`` in its provenance); otherwise the
    producer's numbers describe other data and the reader would mix two analyses.

    Parameters
    ----------
    results : ResultsFile
        The producer's results (with its ``provenance.inputs`` entry).
    mine : dict
        The reader's own :func:`provenance`.
    reader : str
        The reader's name, for the message.
    root : Path, optional
        Project root (the reader's files are relative to it); found by default.

    Raises
    ------
    InputMismatch
        Naming the parameter, both files and what to do.
    """
    root = root or project_root()
    entry = results._items.get(PROVENANCE)
    if entry is None:
        raise InputMismatch(
            f"results/{results.notebook}.json does not say which data it was computed from: "
            f"render {results.notebook} again (make all)"
        )
    theirs = entry["value"]
    for name in sorted(set(theirs) & set(mine)):
        a, b = theirs[name], mine[name]
        if a["file"] == b["file"] and "rows" in a:
            # the producer read only these rows: the same rows in the reader's file will do
            same = a["rows_sha256"] == rows_digest(root / b["file"], a["rows"])
        else:
            same = a["file"] == b["file"] and a["sha256"] == b["sha256"]
        if not same:
            what = (
                f"{a['file']}" if a["file"] != b["file"] else f"an earlier version of {a['file']}"
            )
            raise InputMismatch(
                f"results/{results.notebook}.json was computed from {name} = {what}, but "
                f"{reader} uses {b['file']}: its numbers would describe other data. Render "
                f"{results.notebook} with the same data (make all), or analyse another data set "
                "as an instance (params/analyses.yaml) instead of changing the notebooks' "
                "defaults"
            )


def read_results(notebook: str) -> ResultsFile:
    """Another notebook's committed ``results/<notebook>.json`` (never a staged copy)."""
    path = project_root() / "results" / f"{notebook}.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: render {notebook} first (make all)")
    return ResultsFile(notebook, json.loads(path.read_text(encoding="utf-8")))
