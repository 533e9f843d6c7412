"""The statistics and evidence layers are documented: every module's docstring examples run as
doctests, and every public function carries a numpydoc docstring with Parameters (when it takes
any), Returns and Examples; the core statistics modules, whose methods come from the literature,
also give References (ruff's pydocstyle rules, numpy convention, check the layout; see
pyproject.toml). Public classes have an Attributes or Parameters section and their public
methods a docstring.
"""

import ast
import doctest
import importlib
import inspect
import re

import pytest

from conftest import ROOT

LAYERS = ("stats", "evidence")
MODULES = tuple(
    f"{layer}.{p.stem}"
    for layer in LAYERS
    for p in sorted((ROOT / "src" / "ta1sepsis" / layer).glob("*.py"))
    if p.stem != "__init__"
)
# the statistical methods taken from the literature also cite it in every function
WITH_REFERENCES = {
    f"stats.{m}"
    for m in (
        "meta_effects",
        "meta_pooling",
        "meta_sensitivity",
        "tsa",
        "group_sequential",
        "bayes",
        "bayes_meta",
        "pharmacokinetics",
    )
}
FUNCTION_SECTIONS = ("Parameters", "Returns", "Examples")
CLASS_SECTIONS = ("Attributes", "Parameters")  # a public class needs at least one of these


def _module(name: str):
    return importlib.import_module(f"ta1sepsis.{name}")


def _tree(name: str) -> ast.Module:
    return ast.parse(inspect.getsource(_module(name)))


def _sections(docstring: str) -> set[str]:
    """Numpydoc section headers: a title line followed by a line of dashes as long."""
    return {
        title
        for title, dashes in re.findall(r"^(\w[\w ]*)\n(-+)$", docstring, flags=re.MULTILINE)
        if len(dashes) == len(title)
    }


def _public(nodes, kinds):
    return [n for n in nodes if isinstance(n, kinds) and not n.name.startswith("_")]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, monkeypatch):
    # the examples read shipped data sets by paths relative to the project root
    monkeypatch.chdir(ROOT)
    result = doctest.testmod(
        _module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 0, f"ta1sepsis.{name} has no docstring examples"
    assert result.failed == 0, (
        f"{result.failed} of {result.attempted} examples fail in ta1sepsis.{name} "
        "(the doctest report is in the captured stdout)"
    )


@pytest.mark.parametrize("name", MODULES)
def test_public_functions_have_numpydoc_sections(name):
    tree = _tree(name)
    functions = _public(tree.body, (ast.FunctionDef, ast.AsyncFunctionDef))
    assert functions or _public(tree.body, ast.ClassDef), f"ta1sepsis.{name} defines nothing"
    incomplete = {}
    for function in functions:
        present = _sections(ast.get_docstring(function) or "")
        wanted = FUNCTION_SECTIONS + (("References",) if name in WITH_REFERENCES else ())
        takes = function.args.args + function.args.kwonlyargs + function.args.posonlyargs
        if not takes and not function.args.vararg:
            wanted = tuple(w for w in wanted if w != "Parameters")
        missing = [s for s in wanted if s not in present]
        if missing:
            incomplete[function.name] = missing
    assert not incomplete, f"ta1sepsis.{name}: sections missing {incomplete}"


@pytest.mark.parametrize("name", MODULES)
def test_public_classes_and_methods_are_documented(name):
    problems = []
    for cls in _public(_tree(name).body, ast.ClassDef):
        doc = ast.get_docstring(cls) or ""
        if not _sections(doc) & set(CLASS_SECTIONS):
            problems.append(f"class {cls.name}: no Attributes or Parameters section")
        for method in _public(cls.body, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if not ast.get_docstring(method):
                problems.append(f"{cls.name}.{method.name}: no docstring")
    assert not problems, f"ta1sepsis.{name}: " + "; ".join(problems)
