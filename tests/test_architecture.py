"""The package's architecture, as the folders show it: layers that import only downward, no
import cycles, generic statistics that never name the drug or a trial, and one meaning per
public function name.

Layers, bottom to top (docs/design.md has the map):

    paths  <  data  <  stats  <  evidence  <  report  <  chapters  <  pipeline

A module may import from its own layer and the layers below it, never from a layer above, and
the imports between modules (of the same layer or not) form no cycle.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "ta1sepsis"
LAYERS = ("paths", "data", "stats", "evidence", "report", "chapters", "pipeline")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:  # ta1sepsis itself
        return 0
    return LAYERS.index(parts[1]) if parts[1] in LAYERS else 0


def imports(path: Path) -> set[str]:
    """Every ta1sepsis module ``path`` imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "ta1sepsis"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if target.split(".")[0] != "ta1sepsis":
                continue
            for alias in node.names:
                # "from ta1sepsis.report import plots" imports the module ta1sepsis.report.plots
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
    return found


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {name: imports(path) & set(MODULES) for name, path in MODULES.items()}


def test_every_module_sits_in_a_layer():
    for name in MODULES:
        parts = name.split(".")
        assert len(parts) == 1 or parts[1] in LAYERS, f"{name} is in no layer {LAYERS}"
    top = sorted(n for n in MODULES if n.count(".") == 1 and not n.endswith(LAYERS[1:]))
    assert top == ["ta1sepsis.paths"], f"flat modules outside the layers: {top}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_only_from_its_own_layer_or_below(name):
    upward = [other for other in sorted(GRAPH[name]) if layer_of(other) > layer_of(name)]
    assert not upward, (
        f"{name} (layer {LAYERS[layer_of(name)]}) imports from a higher layer: {upward}"
    )


def test_no_import_cycles():
    graph = nx.DiGraph()
    graph.add_nodes_from(GRAPH)
    graph.add_edges_from((a, b) for a, targets in GRAPH.items() for b in targets if a != b)
    # a package's __init__ importing its own modules is not a cycle of ideas
    cycles = [c for c in nx.simple_cycles(graph) if len(c) > 1]
    assert not cycles, f"import cycles: {cycles[:5]}"


def test_the_layer_checks_can_fail(tmp_path):
    """The checks see an upward import inside a function (the form the old data <-> claims
    cycle took) and a relative import."""
    fake = tmp_path / "ta1sepsis" / "data" / "x.py"
    fake.parent.mkdir(parents=True)
    fake.write_text(
        "def f():\n    from ta1sepsis.evidence.claims import judge\nfrom ..report import plots\n",
        encoding="utf-8",
    )
    global PACKAGE
    saved = PACKAGE
    PACKAGE = tmp_path / "ta1sepsis"
    try:
        found = imports(fake)
    finally:
        PACKAGE = saved
    assert {layer_of(m) for m in found} == {LAYERS.index("evidence"), LAYERS.index("report")}


# --- generic statistics never name the drug or a trial -----------------------------------------

NAMES = re.compile(r"Tα1|thymosin|thymalfasin|zadaxin|\bETASS\b|\bTESTS\b", re.IGNORECASE)


def _code_strings(tree: ast.Module) -> list[tuple[int, str]]:
    """String constants of the code, without docstrings (examples there may use the data)."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


@pytest.mark.parametrize("name", sorted(n for n in MODULES if layer_of(n) == LAYERS.index("stats")))
def test_generic_code_never_names_the_drug_or_a_trial(name):
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    hits = [(line, text) for line, text in _code_strings(tree) if NAMES.search(text)]
    identifiers = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and NAMES.search(n.id)]
    assert not hits and not identifiers, f"{name}: {hits or identifiers}"


# --- one meaning per public function name -----------------------------------------------------

ENTRY_POINTS = {"main"}  # each pipeline module's command-line entry


def test_no_public_function_name_in_two_modules():
    where = defaultdict(list)
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                where[node.name].append(name)
    twice = {f: m for f, m in where.items() if len(m) > 1 and f not in ENTRY_POINTS}
    assert not twice, f"public functions defined in more than one module: {twice}"


def test_long_signatures_take_options_by_keyword():
    """A public function with more than four parameters takes the options after ``*``:
    the first few (the data) positionally, the rest by name."""
    offenders = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            positional = [a.arg for a in node.args.posonlyargs + node.args.args]
            positional = [a for a in positional if a not in ("self", "cls")]
            if len(positional) + len(node.args.kwonlyargs) > 4 and len(positional) > 4:
                offenders.append(f"{name}.{node.name}({', '.join(positional)})")
    assert not offenders, "more than four positional parameters:\n" + "\n".join(offenders)
