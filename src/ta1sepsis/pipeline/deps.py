"""Make dependencies generated from the parameters: ``python -m ta1sepsis.pipeline.deps NAME ...``.

For each notebook (and each instance of a template) this writes ``build/deps/NAME.mk``, which
the Makefile includes. A notebook's rendering depends on

* its source ``notebooks/NAME.py``, its schema and its parameter file;
* every file any of its parameters names (properties marked ``x-file`` in the schema, wherever
  the file is: ``tests/reference/datasets/bcg_trials.csv`` too);
* ``params/shared.yaml`` if it takes a shared parameter (``x-shared``);
* the results of the notebooks it reads (``x-reads-results``);
* the package modules the notebook imports, directly or through other modules (found by
  reading the import statements, :func:`imported_modules`), and those of the renderer: editing a
  module no notebook imports (the site, the benchmark, this file) renders nothing;
* and a ``FORCE`` prerequisite when one of its recorded outputs is missing, so a figure, table
  or result deleted by hand is made again.

Its outputs (the list the renderer installed, kept in the rendered notebook's metadata
``ta1sepsis.outputs``) are grouped targets of an empty rule that depends on the rendered
notebook. The renderer rewrites an output only when its bytes change, and GNU make re-reads the
time stamp of a target after its rule has run: an output whose time stamp did not move does not
make the notebooks that read it run again.

This module reads only YAML, JSON and CSV with the standard library (no pandas, no jsonschema;
the fingerprints of :mod:`ta1sepsis.data.fingerprints`) so that it is fast. It does not
validate parameter files: when one cannot be read, the rule gets ``FORCE`` and the renderer reports
the problem. A template's instances file is the exception: an invalid one (bad YAML, an id that
is not lowercase letters, digits and '_', an entry that is not a mapping) stops ``make`` here
with the file and line, because a wrong list would otherwise silently drop reports. Instances
removed from the list have their rendered notebook and outputs removed (``remove_orphans``).
"""

from __future__ import annotations

import ast
import fnmatch
import hashlib
import json
import os
import re
import sys
from functools import cache
from pathlib import Path

import yaml

from ta1sepsis.data.fingerprints import part_digest
from ta1sepsis.paths import project_root

DEPS_DIR = Path("build") / "deps"
MAKE_SAFE = re.compile(r"[\w./+@-]+\Z")  # paths make can use as prerequisites as they are
DEFAULT_FOLDER = "trials"


PACKAGE_NAME = "ta1sepsis"
RENDERER = "ta1sepsis.pipeline.render"


def _module_file(root: Path, module: str) -> Path | None:
    """``ta1sepsis.stats.tsa`` -> src/ta1sepsis/stats/tsa.py (or the package's __init__.py)."""
    base = root / "src" / Path(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


IMPORTS_CACHE = DEPS_DIR / "imports.json"


@cache
def _imports_of(path: Path, text: str, top_level: bool = False) -> tuple[str, ...]:
    """The ta1sepsis modules a source imports (at the top or inside functions; only at the top
    with ``top_level``)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return ()
    found = []
    for node in tree.body if top_level else _statements(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == PACKAGE_NAME]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module.split(".")[0] == PACKAGE_NAME:
                found.append(node.module)
                found += [f"{node.module}.{a.name}" for a in node.names]
    return tuple(found)


def _statements(node: ast.AST):
    """Every statement in ``node``, nested ones included (imports are statements: no need to
    visit the expressions, which are most of a tree)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.stmt | ast.excepthandler | ast.match_case):
            yield child
            yield from _statements(child)


class _ImportsCache:
    """The imports of each source, by the hash of its text, kept in ``build/deps/imports.json``
    between processes (every rendering and every ``make`` asks for the same files; parsing
    them took 0.1 s each time)."""

    def __init__(self, root: Path):
        self.path = root / IMPORTS_CACHE
        try:
            self.entries = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}
        self.used: dict[str, list[str]] = {}

    def imports(self, path: Path, top_level: bool) -> tuple[str, ...]:
        text = path.read_text(encoding="utf-8")
        key = f"{hashlib.sha256(text.encode()).hexdigest()[:32]}:{int(top_level)}"
        found = self.entries.get(key)
        if not isinstance(found, list):
            found = list(_imports_of(path, text, top_level))
        self.used[key] = found
        return tuple(found)

    def save(self) -> None:
        """Keep this process's entries and, up to 4000 in all, the others."""
        entries = {**self.entries, **self.used}
        if len(entries) > 4000:
            entries = dict(self.used)
        if entries == self.entries:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            staged = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            staged.write_text(json.dumps(entries, sort_keys=True), encoding="utf-8")
            os.replace(staged, self.path)
        except OSError:
            return  # a cache: the next run parses again
        self.entries = entries


@cache
def _imports_cache(root: Path) -> _ImportsCache:
    """One cache per project and process: the site asks for a dozen sources' modules, the
    renderer for two, and the file need not be read again for each."""
    return _ImportsCache(root)


def imported_modules(root: Path, source: Path, *, top_level: bool = False) -> list[str]:
    """Every package file ``source`` needs: the modules it imports, the modules they import,
    and so on, with each module's parent packages (their ``__init__.py``). Paths relative to
    ``root``, sorted. ``top_level``: follow only the imports at the top of ``source`` itself
    (the renderer imports this module and the data checks inside functions, to refresh the
    rules and validate; neither changes what a notebook shows)."""
    seen: set[Path] = set()
    todo = [(source, top_level)]
    cache_ = _imports_cache(root)
    files: dict[str, Path | None] = {}  # module -> file, looked up once per call
    while todo:
        path, top = todo.pop()
        for module in cache_.imports(path, top):
            parts = module.split(".")
            for i in range(1, len(parts) + 1):
                name = ".".join(parts[:i])
                if name not in files:
                    files[name] = _module_file(root, name)
                found = files[name]
                if found is not None and found not in seen:
                    seen.add(found)
                    todo.append((found, False))
    cache_.save()
    return sorted(p.relative_to(root).as_posix() for p in seen)


def notebook_modules(root: Path, name: str) -> list[str]:
    """The package files a rendering of ``notebooks/<name>.py`` depends on: its own imports and
    the renderer's."""
    renderer = _module_file(root, RENDERER)
    files = imported_modules(root, root / "notebooks" / f"{name}.py")
    if renderer is not None:
        files += [
            renderer.relative_to(root).as_posix(),
            *imported_modules(root, renderer, top_level=True),
        ]
    return sorted(set(files))


def notebook_names(root: Path) -> list[str]:
    """Every notebook source in ``notebooks/`` (numbered notebooks and templates)."""
    return sorted(p.stem for p in (root / "notebooks").glob("*.py"))


def _schema(root: Path, name: str) -> dict:
    path = root / "params" / f"{name}.schema.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _yaml(path: Path) -> dict | None:
    try:
        values = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return None
    return values if isinstance(values, dict) else None


def _manifest(root: Path, notebook: str) -> list[str]:
    """Outputs recorded in a rendered notebook's metadata (``ta1sepsis.outputs``)."""
    try:
        nb = json.loads((root / notebook).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    outputs = nb.get("metadata", {}).get("ta1sepsis", {}).get("outputs", [])
    return [o for o in outputs if isinstance(o, str) and MAKE_SAFE.match(o)]


class InstanceError(ValueError):
    """A template's instances file cannot be used; the message names the file and line."""


INSTANCE_ID = re.compile(r"[a-z][a-z0-9_]*")


def read_instances(path: Path, shown: str) -> dict[str, dict]:
    """Read and check an instances file (``params/trials.yaml``): id -> parameters.

    YAML merge keys (``<<: *defaults``) work, and a key starting with '.' holds shared values
    for them without being an instance (``.defaults: &defaults``); an id must be lowercase
    letters, digits and '_', starting with a letter (it becomes a file name); each entry is a
    mapping (or empty).

    Raises
    ------
    InstanceError
        Naming the file, the line and what is wrong.
    """
    if not path.is_file():
        raise InstanceError(f"{shown}: file not found")
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        values = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise InstanceError(f"{shown}{line}: invalid YAML: {problem}") from None
    except UnicodeDecodeError:
        raise InstanceError(f"{shown}: not UTF-8 text") from None
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise InstanceError(f"{shown}: expected a mapping of instance id -> parameters")
    lines = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            lines[str(key_node.value)] = key_node.start_mark.line + 1
    out = {}
    for key, entry in values.items():
        if str(key).startswith("."):
            continue  # shared values for merge keys, not an instance
        where = f"{shown}, line {lines.get(str(key), '?')}"
        if not INSTANCE_ID.fullmatch(str(key)):
            raise InstanceError(
                f"{where}: instance id {key!r} must be lowercase letters, digits and '_', "
                "starting with a letter (it names the rendered notebook's file)"
            )
        if entry is not None and not isinstance(entry, dict):
            raise InstanceError(f"{where}: instance '{key}' must map parameter names to values")
        out[str(key)] = entry or {}
    return out


def instances(root: Path, name: str, schema: dict | None = None) -> dict[str, dict]:
    """A template's instances: id -> the parameters it sets (empty for a plain notebook)."""
    schema = _schema(root, name) if schema is None else schema
    listing = schema.get("x-instances")
    if not listing:
        return {}
    return read_instances(root / listing, listing)


def remove_orphans(root: Path, name: str) -> list[str]:
    """Remove the rendered notebooks (and their recorded outputs) of instances no longer listed.

    Returns
    -------
    list of str
        The rendered notebooks removed.
    """
    schema = _schema(root, name)
    if not schema.get("x-instances"):
        return []
    folder = schema.get("x-output-folder", DEFAULT_FOLDER)
    listed = set(instances(root, name, schema))
    removed = []
    for notebook in sorted((root / "notebooks" / folder).glob("*.ipynb")):
        if notebook.stem in listed:
            continue
        rel = f"notebooks/{folder}/{notebook.name}"
        for output in _manifest(root, rel):
            target = root / output
            if target.is_file() and output.startswith(("figures/", "tables/", "results/")):
                target.unlink()
        (root / "results" / folder / f"{notebook.stem}.json").unlink(missing_ok=True)
        notebook.unlink()
        removed.append(rel)
    if removed:
        for top in ("notebooks", "figures", "tables", "results"):
            folder_path = root / top / folder
            if folder_path.is_dir() and not any(folder_path.iterdir()):
                folder_path.rmdir()
    return removed


def _results_read(root: Path, name: str, schema: dict) -> list[str]:
    """``results/...`` files of the notebooks (or template instances) this one reads."""
    everything = [n for n in notebook_names(root) if n != name]
    files = []
    for pattern in schema.get("x-reads-results", []):
        for other in fnmatch.filter(everything, pattern):
            other_schema = _schema(root, other)
            if other_schema.get("x-instances"):
                folder = other_schema.get("x-output-folder", DEFAULT_FOLDER)
                files += [
                    f"results/{folder}/{i}.json" for i in instances(root, other, other_schema)
                ]
            else:
                files.append(f"results/{other}.json")
    return sorted(set(files))


def _files_named(schema: dict, values: dict) -> tuple[list[str], bool]:
    """Files the parameters name (``x-file``); True as well if one cannot be tracked."""
    files, untrackable = [], False
    for key, prop in schema.get("properties", {}).items():
        if not prop.get("x-file"):
            continue
        value = values.get(key, prop.get("default"))
        if isinstance(value, str) and value:
            if MAKE_SAFE.match(value) and not value.startswith("/"):
                files.append(os.path.normpath(value))
            else:
                untrackable = True
    return sorted(set(files)), untrackable


def rule(root: Path, name: str, *, manifest: dict[str, list[str]] | None = None) -> str:
    """The Make text for one notebook or template (all its instances).

    ``manifest`` (rendered notebook -> its outputs) overrides the lists read from the rendered
    notebooks (the renderer passes the list it has just installed)."""
    schema = _schema(root, name)
    own = [f"notebooks/{name}.py", f"params/{name}.schema.json", f"params/{name}.yaml"]
    modules = " ".join(notebook_modules(root, name))
    if schema.get("x-shared"):
        own.append("params/shared.yaml")
    reads = _results_read(root, name, schema)
    defaults = _yaml(root / "params" / f"{name}.yaml")
    text = [
        f"# Generated by `python -m ta1sepsis.pipeline.deps {name}` from params/{name}.schema.json, the",
        "# parameter files and the output lists in the rendered notebooks' metadata. Do not edit:",
        "# it is regenerated when they change (make deps regenerates every one).",
    ]
    # notebooks whose results others wait for are started first (make all lists EARLY first)
    upstream = sorted({f"notebooks/{r[len('results/') : -len('.json')]}.ipynb" for r in reads})
    if upstream:
        text.append(f"EARLY += {' '.join(upstream)}")
    # the rule itself is made again when the notebook or a module it imports changes (a new
    # import changes the list), and when the instances of a template it reads change (the list
    # of results it reads changes)
    text.append(f"build/deps/{name}.mk: notebooks/{name}.py {modules}")
    listings = sorted(
        {
            _schema(root, other)["x-instances"]
            for pattern in schema.get("x-reads-results", [])
            for other in fnmatch.filter([n for n in notebook_names(root) if n != name], pattern)
            if _schema(root, other).get("x-instances")
        }
    )
    if listings:
        text.append(f"build/deps/{name}.mk: {' '.join(listings)}")
    if schema.get("x-instances"):
        listing = schema["x-instances"]
        own.append(listing)
        text.append(f"build/deps/{name}.mk: {listing}")
        folder = schema.get("x-output-folder", DEFAULT_FOLDER)
        targets = [
            (
                f"notebooks/{folder}/{i}.ipynb",
                f"{name} --instance {i}",
                {**(defaults or {}), **v},
                f"results/{folder}/{i}.json",
            )
            for i, v in instances(root, name, schema).items()
        ]
    else:
        targets = [(f"notebooks/{name}.ipynb", name, defaults or {}, f"results/{name}.json")]
    for notebook, arguments, values, results in targets:
        files, untrackable = _files_named(schema, values)
        outputs = (manifest or {}).get(notebook)
        if outputs is None:
            outputs = _manifest(root, notebook)
        # every rendering writes its results file (the renderer insists), so it is an output
        # even before the first rendering has recorded the list
        outputs = sorted({*outputs, results})
        var = re.sub(r"\W", "_", notebook[len("notebooks/") : -len(".ipynb")])
        force = " FORCE" if defaults is None or untrackable else ""
        inputs = sorted(set(own + files))
        text += [
            "",
            f"RENDERED += {notebook}",
            f"INPUTS_{var} := {' '.join(inputs)}",
            f"OUTPUTS_{var} := {' '.join(sorted(outputs))}",
            f"MODULES_{var} := {modules}",
            f"{notebook}: $(INPUTS_{var}) {' '.join(reads)} $(MODULES_{var})"
            f" $(call missing,$(OUTPUTS_{var})){force} | $(STAMP)",
            f"\t@$(RENDER) {arguments}",
        ]
        text.append(f"$(OUTPUTS_{var}) &: {notebook} ;")
        # a missing input has a rule that does nothing: the renderer then names it and the
        # parameter that points to it, instead of make's "No rule to make target"
        text.append(f"$(INPUTS_{var}):")
    return "\n".join(text) + "\n"


INPUTS_DIR = Path("build") / "inputs"


def target_inputs(root: Path, name: str) -> dict[str, list[str]]:
    """Every input of each rendering of ``name`` (notebook -> files): its source, schema,
    parameter files, the data files its parameters name, the results it reads and the package
    modules it imports (the prerequisites of its Make rule)."""
    schema = _schema(root, name)
    own = [f"notebooks/{name}.py", f"params/{name}.schema.json", f"params/{name}.yaml"]
    if schema.get("x-shared"):
        own.append("params/shared.yaml")
    reads = _results_read(root, name, schema)
    modules = notebook_modules(root, name)
    defaults = _yaml(root / "params" / f"{name}.yaml") or {}
    if schema.get("x-instances"):
        own.append(schema["x-instances"])
        folder = schema.get("x-output-folder", DEFAULT_FOLDER)
        renderings = {
            f"notebooks/{folder}/{i}.ipynb": {**defaults, **v}
            for i, v in instances(root, name, schema).items()
        }
    else:
        renderings = {f"notebooks/{name}.ipynb": defaults}
    out = {}
    for notebook, values in renderings.items():
        files, _ = _files_named(schema, values)
        out[notebook] = sorted(set(own + files + reads + modules))
    return out


def _parts(reads: dict | None, rows: dict | None) -> dict[str, dict]:
    """The part of each input file a rendering read: ``{"keys": [...]}`` for the results of
    another notebook (the keys it read, from ``reads``: producer -> key -> how) and
    ``{"rows": {...}}`` for a data file read in part (``rows``: file -> key column -> values)."""
    parts = {
        f"results/{producer}.json": {"keys": sorted(keys)}
        for producer, keys in (reads or {}).items()
    }
    parts.update({f: {"rows": columns} for f, columns in (rows or {}).items()})
    return parts


def record_inputs(
    root: Path,
    name: str,
    notebook: str,
    *,
    reads: dict | None = None,
    rows: dict | None = None,
) -> Path:
    """Write ``build/inputs/<notebook>.json``: the content hash of every input of a rendering
    that has just been installed (read by :func:`refresh_stamps` and :func:`up_to_date`).

    For the results of another notebook the hash covers only the keys this rendering read
    (``reads``, producer -> key -> how, as recorded in the notebook's metadata), and for a data
    file read in part only its rows read (``rows``, file -> key column -> values): a change
    elsewhere in those files does not make this rendering stale.
    """
    files = target_inputs(root, name).get(notebook, [])
    parts = _parts(reads, rows)
    files = sorted(set(files) | set(parts))
    record = {f: part_digest(root, f, parts.get(f, {})) for f in files}
    path = _record_path(root, notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    body = {"notebook": notebook, "inputs": record, "parts": {f: parts[f] for f in sorted(parts)}}
    tmp.write_text(json.dumps(body, indent=1, sort_keys=True))
    os.replace(tmp, path)
    return path


def _record_path(root: Path, notebook: str) -> Path:
    """``build/inputs/<notebook>.json`` (``trials/etass.ipynb`` -> ``trials__etass.ipynb.json``)."""
    return root / INPUTS_DIR / (notebook[len("notebooks/") :].replace("/", "__") + ".json")


def _record(root: Path, notebook: str) -> dict | None:
    try:
        record = json.loads(_record_path(root, notebook).read_text())
        if isinstance(record.get("inputs"), dict) and record.get("notebook") == notebook:
            return record
    except (OSError, ValueError, AttributeError):
        pass
    return None


def _changed(root: Path, record: dict) -> list[str]:
    """The inputs whose content (or, for a file read in part, whose part) is not as recorded."""
    parts = record.get("parts") or {}
    return [f for f, h in record["inputs"].items() if part_digest(root, f, parts.get(f, {})) != h]


def up_to_date(root: Path, notebook: str) -> bool:
    """Whether a rendering is current in content: it has a record of its inputs, every input
    (every part of a file it read) is as recorded, and every output it installed exists.

    The renderer asks this before rendering: Make starts a rendering when an input is newer, and
    a newer input (a trial appended to the trials file, another notebook's results rewritten)
    may differ only where this rendering does not read it."""
    record = _record(root, notebook)
    if record is None or not (root / notebook).is_file():
        return False
    if any(not (root / o).is_file() for o in _manifest(root, notebook)):
        return False
    return not _changed(root, record)


def refresh_stamps(root: Path) -> dict[str, list[str]]:
    """Make the rendered notebooks' time stamps say what their inputs' contents say.

    Make compares modification times; contents are what matter. For every rendering with a
    record of its inputs' hashes: if an input's content changed (or it is gone; for a file it
    read in part, the part it read), the notebook's time stamp is set to the epoch, so Make
    renders it again even when an output carries a time stamp from the future; if every input
    is as recorded but some input is newer than the notebook (a file touched, checked out again,
    saved unchanged, or changed only where this rendering does not read it), the notebook's
    time stamp is moved to now, so Make does not render it for nothing.

    Returns
    -------
    dict
        ``{"stale": [...], "current": [...]}``: the notebooks marked for rendering, and those
        whose time stamp was moved forward.
    """
    import time

    done = {"stale": [], "current": []}
    folder = root / INPUTS_DIR
    if not folder.is_dir():
        return done
    now = time.time()
    for record_path in sorted(folder.glob("*.json")):
        try:
            record = json.loads(record_path.read_text())
            notebook = root / record["notebook"]
            inputs = record["inputs"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if not notebook.is_file():
            continue
        stamp = notebook.stat().st_mtime
        if _changed(root, record):
            if stamp > 0:
                os.utime(notebook, (0, 0))
                done["stale"].append(record["notebook"])
            continue
        newer = any((root / f).is_file() and (root / f).stat().st_mtime > stamp for f in inputs)
        if newer:
            os.utime(notebook, (now, now))
            done["current"].append(record["notebook"])
    return done


def write_deps(root: Path, name: str, *, manifest: dict[str, list[str]] | None = None) -> Path:
    """Write ``build/deps/<name>.mk`` (atomically; left alone if the text is the same and the
    call comes from the renderer, i.e. with ``manifest``)."""
    path = root / DEPS_DIR / f"{name}.mk"
    text = rule(root, name, manifest=manifest)
    if manifest is not None and path.is_file() and path.read_text(encoding="utf-8") == text:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def main(argv: list[str] | None = None) -> int:
    args = list(argv if argv is not None else sys.argv[1:])
    root = project_root()
    if args == ["--refresh-stamps"]:
        try:
            refresh_stamps(root)
        except InstanceError as error:
            print(f"[deps] {error}", file=sys.stderr)
            return 2
        return 0
    names = args or None
    try:
        for name in names or notebook_names(root):
            write_deps(root, name)
            for removed in remove_orphans(root, name):
                print(f"[deps] removed {removed} and its outputs: no longer listed", flush=True)
    except InstanceError as error:
        print(f"[deps] {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
