"""Notebook parameters: JSON Schema per notebook, checked before anything runs.

``params/NN_topic.yaml`` holds the defaults used for the committed rendering and
``params/NN_topic.schema.json`` (JSON Schema draft 2020-12) describes every parameter: type,
range, choices, default (the committed value) and a description. Editors that speak the YAML
language server check a file as it is typed (its first line names its schema).

:func:`load_parameters` reads the YAML file, validates it with the ``jsonschema`` package and a few
checks JSON Schema cannot express, and reports every problem at once, each naming the file and the
parameter. The project's own schema keywords (``x-``):

``x-file`` (on a property)
    The value is a path, relative to the project root, that must exist. A string names the table
    schema of :mod:`ta1sepsis.data.loader` the file follows (``"trials"``); ``true`` means any file. Make
    depends on the file named (see :mod:`ta1sepsis.pipeline.deps`).
``x-increasing``, ``x-last`` (on an array property)
    The numbers must increase strictly; the last one must equal the given value.
``x-shared`` (top level)
    Names of project-wide parameters, set in ``params/shared.yaml`` (described by
    ``params/shared.schema.json``), that this notebook takes. The renderer passes them to papermill
    with the notebook's own parameters. Setting a shared name in ``params/NN_topic.yaml`` is an
    error.
``x-reads-results`` (top level)
    Notebooks whose ``results/<name>.json`` this notebook reads (Make dependencies). Entries may be
    shell-style patterns (``"0[1-8]_*"``) matched against the other notebooks.
``x-instances`` (top level, templates only)
    The YAML file listing the template's instances: a mapping from an instance id to the
    parameters it sets (``params/trials.yaml``). Each instance is rendered to
    ``notebooks/<x-output-folder>/<id>.ipynb``.
``x-output-folder`` (top level, templates only)
    The folder of an instance's outputs inside ``notebooks/``, ``figures/``, ``tables/`` and
    ``results/`` (default: ``trials``).

Besides the schema, loading rejects duplicate keys in a YAML file and non-finite numbers
(``.nan``, ``.inf``) anywhere.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from pathlib import Path

import yaml

from ta1sepsis.paths import project_root

SHARED = "shared"
INSTANCE_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
NON_FINITE_TEXT = {"nan", ".nan", "inf", ".inf", "-inf", "-.inf", "+inf", "infinity", "-infinity"}
_TYPE_WORDS = {
    "number": "a number",
    "integer": "a whole number",
    "string": "a text (string)",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


class ParameterError(ValueError):
    """A parameter file or value is invalid; the message names the file and the parameter.

    ``problems`` holds one line per problem (the message joins them)."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or [message]


# --------------------------------------------------------------------------------------- YAML


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that records duplicate mapping keys (YAML itself keeps the last one)."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[tuple[object, int, int]] = []  # key, line, first line

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # a merge key (<<: *anchor): YAML 1.1 merges, an override is no duplicate
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                if key in seen:
                    self.duplicates.append((key, line, seen[key]))
                else:
                    seen[key] = line
            except TypeError:  # an unhashable key; the constructor below reports it
                pass
        return super().construct_mapping(node, deep)


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def read_yaml(path: Path, shown: str) -> tuple[dict, list[str]]:
    """Read a mapping from a YAML file; return it with the duplicate-key problems found.

    Invalid YAML, a missing file or a top level that is not a mapping raise
    :class:`ParameterError` at once (nothing else can be checked then)."""
    if not path.is_file():
        raise ParameterError(f"{shown}: parameter file not found")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise ParameterError(
            f"{shown}, line {line}: not UTF-8 text (byte 0x{path.read_bytes()[error.start]:02x}); "
            "save the file as UTF-8"
        ) from None
    loader = _UniqueKeyLoader(text)
    try:
        values = loader.get_single_data()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ParameterError(f"{shown}{line}: invalid YAML: {problem}") from None
    finally:
        loader.dispose()
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise ParameterError(f"{shown}: expected a mapping of parameter: value, got {values!r}")
    problems = [
        f"{shown}, line {line}: duplicate key '{key}' (first set on line {first}); "
        "YAML would silently keep the last value"
        for key, line, first in loader.duplicates
    ]
    return values, problems


# ------------------------------------------------------------------------------------- schemas


def schema_path(notebook: str, root: Path | None = None) -> Path:
    """``params/<notebook>.schema.json``."""
    return (root or project_root()) / "params" / f"{notebook}.schema.json"


def load_schema(notebook: str, root: Path | None = None) -> dict:
    """The JSON Schema of a notebook's parameters (or of ``shared``)."""
    root = root or project_root()
    path = schema_path(notebook, root)
    if not path.is_file():
        raise ParameterError(
            f"params/{notebook}.schema.json: not found (every notebook needs a parameter schema)"
        )
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ParameterError(
            f"params/{notebook}.schema.json, line {error.lineno}: invalid JSON: {error.msg}"
        ) from None


def describe(notebook: str, root: Path | None = None) -> dict[str, str]:
    """Parameter name -> description, the notebook's own and the shared ones it takes.

    Parameters
    ----------
    notebook : str
        Notebook (or template) name, e.g. ``"02_etass"``.
    root : Path, optional
        Project root (default: :func:`ta1sepsis.report.outputs.project_root`).

    Returns
    -------
    dict of str to str
        In the order of the schema, shared parameters last.
    """
    root = root or project_root()
    schema = load_schema(notebook, root)
    described = {k: v.get("description", "") for k, v in schema.get("properties", {}).items()}
    shared_names = schema.get("x-shared", [])
    if shared_names:
        shared = load_schema(SHARED, root).get("properties", {})
        described.update({k: shared.get(k, {}).get("description", "") for k in shared_names})
    return described


# ---------------------------------------------------------------------------------- messages


def _show(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _where(origin: str, name: str, path: list) -> str:
    where = f"{origin}: parameter '{name}'"
    for step in path:
        where += f" item {step + 1}" if isinstance(step, int) else f" key '{step}'"
    return where


def _type_words(types) -> str:
    types = [types] if isinstance(types, str) else list(types)
    return " or ".join(_TYPE_WORDS.get(t, t) for t in types)


def _schema_message(error, where: str, description: str) -> str:
    value, limit, kind = error.instance, error.validator_value, error.validator
    about = f" ({description})" if description else ""
    shown = _show(value)
    if kind == "type":
        hint = ""
        if isinstance(value, str) and value.strip().lower() in NON_FINITE_TEXT:
            hint = "; nan and inf are not allowed"
        return f"{where} = {shown} must be {_type_words(limit)}{hint}{about}"
    if kind == "minimum":
        return f"{where} = {shown} is less than the minimum {_show(limit)}{about}"
    if kind == "maximum":
        return f"{where} = {shown} is more than the maximum {_show(limit)}{about}"
    if kind == "exclusiveMinimum":
        return f"{where} = {shown} must be more than {_show(limit)}{about}"
    if kind == "exclusiveMaximum":
        return f"{where} = {shown} must be less than {_show(limit)}{about}"
    if kind == "enum":
        return f"{where} = {shown} is not one of {', '.join(map(_show, limit))}{about}"
    if kind == "minItems":
        if not value:
            return f"{where} is an empty list; it needs at least {limit} value(s){about}"
        return f"{where} = {shown} has {len(value)} value(s); it needs at least {limit}{about}"
    if kind == "maxItems":
        return f"{where} = {shown} has {len(value)} values; at most {limit} are allowed{about}"
    if kind == "pattern":
        return f"{where} = {shown} does not match {limit}{about}"
    return f"{where}: {error.message}{about}"


# ------------------------------------------------------------------------------ extra checks


def _non_finite(value, path=()) -> list[tuple[tuple, float]]:
    if isinstance(value, float) and not math.isfinite(value):
        return [(path, value)]
    if isinstance(value, list):
        return [hit for i, v in enumerate(value) for hit in _non_finite(v, (*path, i))]
    if isinstance(value, dict):
        return [hit for k, v in value.items() for hit in _non_finite(v, (*path, k))]
    return []


def _extra_checks(name: str, value, prop: dict, where: str, root: Path) -> list[str]:
    """Checks JSON Schema cannot express: files that must exist, increasing lists, last value."""
    problems = []
    about = f" ({prop['description']})" if prop.get("description") else ""
    if prop.get("x-file") and isinstance(value, str):
        if not value:
            problems.append(f"{where} is empty; it must name a file{about}")
        elif Path(value).is_absolute():
            problems.append(
                f"{where} = {value!r} is an absolute path; give it relative to the project root"
            )
        elif not (root / value).is_file():
            problems.append(
                f"{where} = {value!r}: file not found (paths are relative to the project "
                f"root, {root.name}/)"
            )
    numbers = (
        isinstance(value, list)
        and value
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    )
    if prop.get("x-increasing") and numbers:
        for i in range(1, len(value)):
            if not value[i] > value[i - 1]:
                problems.append(
                    f"{where} = {_show(value)} must increase: item {i + 1} ({_show(value[i])}) "
                    f"is not above item {i} ({_show(value[i - 1])}){about}"
                )
                break
    if "x-last" in prop and numbers and value[-1] != prop["x-last"]:
        problems.append(
            f"{where} = {_show(value)} must end at {_show(prop['x-last'])}; "
            f"it ends at {_show(value[-1])}{about}"
        )
    return problems


def _coerce(value, prop: dict):
    """Whole numbers given for a 'number' become floats (the notebooks' defaults are floats)."""
    types = prop.get("type", [])
    types = [types] if isinstance(types, str) else types
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int) and "number" in types:
        return float(value)
    if isinstance(value, float) and "integer" in types and "number" not in types:
        return int(value)
    if isinstance(value, list) and isinstance(prop.get("items"), dict):
        return [_coerce(v, prop["items"]) for v in value]
    if isinstance(value, dict) and isinstance(prop.get("additionalProperties"), dict):
        return {k: _coerce(v, prop["additionalProperties"]) for k, v in value.items()}
    return value


# -------------------------------------------------------------------------------- validation


def check_values(
    notebook: str,
    values: dict,
    schema: dict,
    origin: dict[str, str],
    *,
    root: Path,
    default_origin: str = "parameters",
) -> list[str]:
    """Every problem of ``values`` against ``schema``, one line each (an empty list if valid).

    ``origin`` maps a parameter name to the file it was set in, for the messages."""
    from jsonschema import Draft202012Validator

    properties = schema.get("properties", {})
    problems: list[str] = []
    bad: set[str] = set()
    for name, value in values.items():
        for path, number in _non_finite(value):
            where = _where(origin.get(name, default_origin), name, list(path))
            problems.append(
                f"{where} = {_show(number)} is not a finite number (nan and inf are not allowed)"
            )
            bad.add(name)
    errors = sorted(
        Draft202012Validator(schema).iter_errors(values),
        key=lambda e: (
            list(properties).index(e.path[0]) if e.path and e.path[0] in properties else -1,
            [str(p) for p in e.path],
            e.validator,
        ),
    )
    for error in errors:
        if not error.path:
            if error.validator == "additionalProperties":
                continue  # reported below, with a suggestion
            if error.validator == "required":
                continue  # reported below
            problems.append(f"{default_origin}: {error.message}")
            continue
        name = error.path[0]
        if name in bad and error.validator in ("minimum", "maximum"):
            continue
        bad.add(name)
        where = _where(origin.get(name, default_origin), name, list(error.path)[1:])
        description = properties.get(name, {}).get("description", "")
        problems.append(_schema_message(error, where, description))
    if schema.get("additionalProperties") is False:
        known = list(properties)
        for name in values:
            if name not in properties:
                close = difflib.get_close_matches(str(name), known, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                problems.append(
                    f"{origin.get(name, default_origin)}: unknown parameter '{name}' for "
                    f"{notebook}{hint}; known: {', '.join(known)}"
                )
    for name in schema.get("required", []):
        if name not in values:
            description = properties.get(name, {}).get("description", "")
            problems.append(
                f"{default_origin}: missing parameter '{name}' for {notebook} ({description})"
            )
    for name, value in values.items():
        if name in properties and name not in bad:
            where = _where(origin.get(name, default_origin), name, [])
            problems.extend(_extra_checks(name, value, properties[name], where, root))
    return problems


def _raise(notebook: str, problems: list[str]) -> None:
    if len(problems) == 1:
        raise ParameterError(problems[0], problems)
    raise ParameterError(
        f"{len(problems)} problems in the parameters of {notebook}:\n  " + "\n  ".join(problems),
        problems,
    )


def _shared_values(notebook: str, schema: dict, root: Path) -> tuple[dict, list[str]]:
    names = schema.get("x-shared", [])
    if not names:
        return {}, []
    shared_schema = load_schema(SHARED, root)
    unknown = [n for n in names if n not in shared_schema.get("properties", {})]
    if unknown:
        raise ParameterError(
            f"params/{notebook}.schema.json: x-shared names {', '.join(map(repr, unknown))}, "
            "which params/shared.schema.json does not define"
        )
    shown = "params/shared.yaml"
    values, problems = read_yaml(root / "params" / "shared.yaml", shown)
    problems += check_values(SHARED, values, shared_schema, {}, root=root, default_origin=shown)
    if problems:
        return {}, problems
    properties = shared_schema["properties"]
    return {n: _coerce(values[n], properties[n]) for n in names}, []


def _instance_values(
    notebook: str, schema: dict, instance: str, root: Path
) -> tuple[dict, str, list[str]]:
    """The parameters ``instance`` sets in the template's instances file (``x-instances``)."""
    if not INSTANCE_ID.match(instance):
        raise ParameterError(
            f"instance id {instance!r} of {notebook}: use lowercase letters, digits and '_', "
            "starting with a letter"
        )
    listing = schema.get("x-instances")
    if not listing:
        raise ParameterError(
            f"params/{notebook}.schema.json has no x-instances: {notebook} is not a template"
        )
    values, problems = read_yaml(root / listing, listing)
    listing_schema = root / listing.replace(".yaml", ".schema.json")
    if listing_schema.is_file():
        import jsonschema

        validator = jsonschema.Draft202012Validator(
            json.loads(listing_schema.read_text(encoding="utf-8"))
        )
        shown_values = {k: v for k, v in values.items() if not str(k).startswith(".")}
        for error in sorted(validator.iter_errors(shown_values), key=lambda e: list(e.path)):
            where = ".".join(str(x) for x in error.path) or "the top level"
            problems.append(f"{listing}: {where}: {error.message}")
    if instance not in values:
        problems.append(
            f"{listing}: no instance '{instance}' (listed: {', '.join(map(str, values)) or 'none'})"
        )
    entry = values.get(instance, {})
    if entry is None:
        entry = {}
    if not isinstance(entry, dict):
        problems.append(f"{listing}: instance '{instance}' must map parameter names to values")
        entry = {}
    return entry, listing, problems


def load_parameters(
    notebook: str,
    path: str | Path | None = None,
    *,
    instance: str | None = None,
    overrides: dict | None = None,
    root: Path | None = None,
) -> dict:
    """Read, merge and validate the parameters of one notebook.

    Parameters
    ----------
    notebook : str
        Notebook or template name (``"02_etass"``, ``"trial_report"``).
    path : str or Path, optional
        Parameter file to read instead of ``params/<notebook>.yaml``.
    instance : str, optional
        For a template: the instance id; its entry in the ``x-instances`` file overrides the
        template's defaults.
    overrides : dict, optional
        Values set last (``render --set name=value``).
    root : Path, optional
        Project root (default: :func:`ta1sepsis.report.outputs.project_root`).

    Returns
    -------
    dict
        The notebook's parameters, then the shared ones its schema lists under ``x-shared``,
        validated (whole numbers given for real-valued parameters become floats).

    Raises
    ------
    ParameterError
        With every problem found, one line each, naming the file and the parameter.
    """
    root = root or project_root()
    path = Path(path) if path else root / "params" / f"{notebook}.yaml"
    shown = _shown(path, root)
    schema = load_schema(notebook, root)
    values, problems = read_yaml(path, shown)
    origin = dict.fromkeys(values, shown)
    if instance is not None:
        entry, listing, more = _instance_values(notebook, schema, instance, root)
        problems += more
        values.update(entry)
        origin.update(dict.fromkeys(entry, f"{listing} (instance '{instance}')"))
    if overrides:
        values.update(overrides)
        origin.update(dict.fromkeys(overrides, "--set"))
    shared_properties = (
        load_schema(SHARED, root).get("properties", {})
        if (schema_path(SHARED, root).is_file())
        else {}
    )
    for name in list(values):
        if name in shared_properties:
            problems.append(
                f"{origin[name]}: parameter '{name}' is project-wide: set it in "
                f"params/shared.yaml, not in {origin[name]}"
            )
            del values[name]
    problems += check_values(notebook, values, schema, origin, root=root, default_origin=shown)
    shared, shared_problems = _shared_values(notebook, schema, root)
    problems += shared_problems
    if problems:
        _raise(notebook, problems)
    properties = schema["properties"]
    merged = {name: _coerce(values[name], properties[name]) for name in properties}
    merged.update(shared)
    return merged


def validate_parameters(notebook: str, values: dict, shown: str = "parameters") -> dict:
    """Check a mapping of a notebook's own parameters against its schema; return it coerced."""
    root = project_root()
    schema = load_schema(notebook, root)
    problems = check_values(notebook, dict(values), schema, {}, root=root, default_origin=shown)
    if problems:
        _raise(notebook, problems)
    return {name: _coerce(values[name], prop) for name, prop in schema["properties"].items()}
