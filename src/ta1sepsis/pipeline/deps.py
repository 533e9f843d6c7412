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

This module reads only YAML and JSON (no pandas, no jsonschema) so that it is fast. It does not
validate: when a parameter file cannot be read, the rule gets ``FORCE`` and the renderer reports
the problem.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import os
import re
import sys
from functools import cache
from pathlib import Path

import yaml

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


@cache
def _imports_of(path: Path, text: str, top_level: bool = False) -> tuple[str, ...]:
    """The ta1sepsis modules a source imports (at the top or inside functions; only at the top
    with ``top_level``)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return ()
    found = []
    for node in tree.body if top_level else ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == PACKAGE_NAME]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module.split(".")[0] == PACKAGE_NAME:
                found.append(node.module)
                found += [f"{node.module}.{a.name}" for a in node.names]
    return tuple(found)


def imported_modules(root: Path, source: Path, *, top_level: bool = False) -> list[str]:
    """Every package file ``source`` needs: the modules it imports, the modules they import,
    and so on, with each module's parent packages (their ``__init__.py``). Paths relative to
    ``root``, sorted. ``top_level``: follow only the imports at the top of ``source`` itself
    (the renderer imports this module and the data checks inside functions, to refresh the
    rules and validate; neither changes what a notebook shows)."""
    seen: set[Path] = set()
    todo = [(source, top_level)]
    while todo:
        path, top = todo.pop()
        for module in _imports_of(path, path.read_text(encoding="utf-8"), top):
            parts = module.split(".")
            for i in range(1, len(parts) + 1):
                found = _module_file(root, ".".join(parts[:i]))
                if found is not None and found not in seen:
                    seen.add(found)
                    todo.append((found, False))
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


def instances(root: Path, name: str, schema: dict | None = None) -> dict[str, dict]:
    """A template's instances: id -> the parameters it sets (empty for a plain notebook)."""
    schema = _schema(root, name) if schema is None else schema
    listing = schema.get("x-instances")
    if not listing:
        return {}
    values = _yaml(root / listing) or {}
    return {
        str(k): (v if isinstance(v, dict) else {})
        for k, v in values.items()
        if re.fullmatch(r"[a-z][a-z0-9_]*", str(k))
    }


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
    # import changes the list)
    text.append(f"build/deps/{name}.mk: notebooks/{name}.py {modules}")
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
    names = (argv if argv is not None else sys.argv[1:]) or None
    root = project_root()
    for name in names or notebook_names(root):
        write_deps(root, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
