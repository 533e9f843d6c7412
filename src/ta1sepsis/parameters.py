"""Notebook parameters: the allowed names, types and ranges, checked before anything runs.

``params/NN_topic.yaml`` holds the defaults used for the committed rendering. The renderer loads
it with :func:`load_parameters`, which rejects invalid YAML, unknown names, wrong types, values
out of range and data files that do not exist, naming the file and the parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .outputs import project_root


class ParameterError(ValueError):
    """A parameter file or value is invalid; the message names the file and parameter."""


@dataclass(frozen=True)
class Param:
    name: str
    kind: type  # str, float, int or bool
    description: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple = ()
    is_file: bool = False  # a path, relative to the project root, that must exist


DATA_FILES = (
    Param("trials_file", str, "binary outcomes per trial (data/trials.csv format)", is_file=True),
    Param(
        "estimates_file",
        str,
        "published estimates (data/published_estimates.csv format)",
        is_file=True,
    ),
    Param("facts_file", str, "single facts (data/study_facts.csv format)", is_file=True),
)
CONFIDENCE = Param("confidence", float, "confidence level of every CI", 0.5, 0.999)
ALPHA = Param("alpha", float, "two-sided significance level for tests and fragility", 0.001, 0.2)

SPECS: dict[str, tuple[Param, ...]] = {
    "02_etass": (
        *DATA_FILES,
        Param("study_id", str, "trial to analyse (a study_id in the trials file)"),
        CONFIDENCE,
        ALPHA,
        Param("power", float, "target power for the sample-size recomputation", 0.5, 0.99),
    ),
    "04_tests": (
        *DATA_FILES,
        Param("study_id", str, "trial to analyse (a study_id in the trials file)"),
        CONFIDENCE,
        ALPHA,
    ),
}


def _check_value(notebook: str, shown: str, spec: Param, value, root: Path):
    where = f"{shown}: parameter '{spec.name}' of {notebook}"
    if spec.kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, spec.kind) or (spec.kind is not bool and isinstance(value, bool)):
        raise ParameterError(
            f"{where} must be of type {spec.kind.__name__}, got {value!r} "
            f"({type(value).__name__}); it is: {spec.description}"
        )
    if spec.choices and value not in spec.choices:
        raise ParameterError(f"{where} = {value!r} is not one of {list(spec.choices)}")
    if spec.minimum is not None and value < spec.minimum:
        raise ParameterError(
            f"{where} = {value!r} is out of range [{spec.minimum}, {spec.maximum}]"
        )
    if spec.maximum is not None and value > spec.maximum:
        raise ParameterError(
            f"{where} = {value!r} is out of range [{spec.minimum}, {spec.maximum}]"
        )
    if spec.is_file and not (root / value).is_file():
        raise ParameterError(f"{where} = {value!r}: file not found (relative to {root.name}/)")
    return value


def validate_parameters(notebook: str, values: dict, shown: str = "parameters") -> dict:
    """Check a mapping of parameter values against the notebook's specification."""
    if notebook not in SPECS:
        raise ParameterError(f"no parameter specification for notebook {notebook!r}")
    specs = {p.name: p for p in SPECS[notebook]}
    unknown = sorted(set(values) - set(specs))
    if unknown:
        raise ParameterError(
            f"{shown}: unknown parameter(s) {', '.join(map(repr, unknown))} for {notebook}; "
            f"known: {', '.join(specs)}"
        )
    missing = [name for name in specs if name not in values]
    if missing:
        raise ParameterError(f"{shown}: missing parameter(s) {', '.join(missing)} for {notebook}")
    root = project_root()
    return {name: _check_value(notebook, shown, specs[name], values[name], root) for name in specs}


def load_parameters(notebook: str, path: str | Path | None = None) -> dict:
    """Read ``params/<notebook>.yaml`` (or ``path``) and validate it."""
    root = project_root()
    path = Path(path) if path else root / "params" / f"{notebook}.yaml"
    try:
        shown = str(path.resolve().relative_to(root))
    except ValueError:
        shown = str(path)
    if not path.is_file():
        raise ParameterError(f"{shown}: parameter file not found")
    try:
        values = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ParameterError(f"{shown}{line}: invalid YAML: {problem}") from None
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise ParameterError(f"{shown}: expected a mapping of parameter: value, got {values!r}")
    return validate_parameters(notebook, values, shown)
