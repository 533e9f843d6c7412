"""Make dependencies generated from the parameters: ``python -m ta1sepsis.pipeline.deps NAME ...``.

For each notebook (and each instance of a template) this writes ``build/deps/NAME.mk``, which
the Makefile includes. A notebook's rendering depends on

* its source ``notebooks/NAME.py``, its schema and its parameter file;
* every file any of its parameters names (properties marked ``x-file`` in the schema, wherever
  the file is: ``tests/reference/datasets/bcg_trials.csv`` too);
* ``params/shared.yaml`` if it takes a shared parameter (``x-shared``);
* the results of the notebooks it reads (``x-reads-results``);
* the package code (``$(PACKAGE)``, defined by the Makefile);
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

import fnmatch
import json
import os
import re
import sys
from pathlib import Path

import yaml

from ta1sepsis.paths import project_root

DEPS_DIR = Path("build") / "deps"
MAKE_SAFE = re.compile(r"[\w./+@-]+\Z")  # paths make can use as prerequisites as they are
DEFAULT_FOLDER = "trials"


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
            f"{notebook}: $(INPUTS_{var}) {' '.join(reads)} $(PACKAGE)"
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
