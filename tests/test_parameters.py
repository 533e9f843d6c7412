"""Parameter files: valid as committed, in step with the notebooks and their JSON Schemas, and
strict on mistakes (every problem reported at once, naming the file and the parameter)."""

import json
import shutil
from pathlib import Path

import jupytext
import pytest
import yaml
from jsonschema import Draft202012Validator

from ta1sepsis.pipeline.parameters import ParameterError, describe, load_parameters, load_schema

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.py"))


def parameters_cell(name: str) -> dict:
    nb = jupytext.read(ROOT / "notebooks" / f"{name}.py")
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{name} needs exactly one cell tagged 'parameters'"
    namespace: dict = {}
    exec(cells[0].source, namespace)  # plain assignments only
    return {k: v for k, v in namespace.items() if not k.startswith("__")}


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_yaml_cell_and_schema_agree(name):
    cell = parameters_cell(name)
    committed = load_parameters(name)  # validates types, ranges and files
    schema = load_schema(name)
    own = set(schema["properties"])
    assert set(cell) == own | set(schema["x-shared"]) == set(committed)
    assert cell == committed, "the notebook defaults and params/*.yaml should be the same"
    # the schema's defaults are the committed values, and every parameter is described
    assert {k: p["default"] for k, p in schema["properties"].items()} == {
        k: committed[k] for k in own
    }
    assert all(p.get("description") for p in schema["properties"].values())
    assert schema["additionalProperties"] is False and set(schema["required"]) == own


@pytest.mark.parametrize("name", [*NOTEBOOKS, "shared"])
def test_schemas_are_valid_json_schema_and_named_by_their_yaml(name):
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    first = (ROOT / "params" / f"{name}.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema={name}.schema.json"


def test_shared_parameters_are_in_one_place():
    shared = yaml.safe_load((ROOT / "params" / "shared.yaml").read_text(encoding="utf-8"))
    assert set(shared) == {
        "design_relative_reduction",
        "design_absolute_reduction",
        "decision_thresholds",
        "threshold_alternatives",
    }
    # every sourced alternative threshold is a row of the method facts, topic threshold, in
    # events per 1000, with a source
    import pandas as pd

    facts = pd.read_csv(ROOT / "data" / "method_facts.csv").set_index("fact_id")
    for fact_id in shared["threshold_alternatives"]:
        row = facts.loc[fact_id]
        assert row["topic"] == "threshold" and "1000" in row["unit"] and row["source"]
    for name in NOTEBOOKS:
        own = yaml.safe_load((ROOT / "params" / f"{name}.yaml").read_text(encoding="utf-8"))
        assert not set(own) & set(shared), f"params/{name}.yaml sets a shared parameter"


def test_describe_names_every_parameter():
    described = describe("02_etass")
    assert set(described) == set(load_parameters("02_etass"))
    assert "significance level" in described["alpha"]


def write(tmp_path, text, name="p.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def base_text(name="02_etass"):
    return (ROOT / "params" / f"{name}.yaml").read_text(encoding="utf-8")


def problems(notebook, path, **kwargs) -> list[str]:
    """The problem lines, with the temporary file's path shown as p.yaml."""
    with pytest.raises(ParameterError) as caught:
        load_parameters(notebook, path, **kwargs)
    return [line.replace(str(path), "p.yaml") for line in caught.value.problems]


def test_unknown_parameter_is_named_with_a_suggestion(tmp_path):
    (line,) = problems("02_etass", write(tmp_path, base_text() + "alpah: 0.05\n"))
    assert line.startswith("p.yaml: unknown parameter 'alpah' for 02_etass")
    assert "did you mean 'alpha'?" in line


def test_wrong_type_and_range_are_named(tmp_path):
    text = base_text().replace("alpha: 0.05", "alpha: five percent")
    assert problems("02_etass", write(tmp_path, text)) == [
        "p.yaml: parameter 'alpha' = 'five percent' must be a number "
        "(two-sided significance level for tests, fragility and power)"
    ]
    text = base_text().replace("alpha: 0.05", "alpha: 1.5")
    assert problems("02_etass", write(tmp_path, text)) == [
        "p.yaml: parameter 'alpha' = 1.5 is more than the maximum 0.2 "
        "(two-sided significance level for tests, fragility and power)"
    ]
    text = base_text().replace("power: 0.8", "power: true")
    assert (
        "parameter 'power' = true must be a number"
        in problems("02_etass", write(tmp_path, text))[0]
    )


def test_three_mistakes_are_reported_in_one_run(tmp_path):
    text = (
        base_text()
        .replace("alpha: 0.05", "alpha: 1.5")
        .replace("power: 0.8", "power: ninety")
        .replace("data/trials.csv", "data/no_such_file.csv")
    )
    path = write(tmp_path, text)
    with pytest.raises(ParameterError) as caught:
        load_parameters("02_etass", path)
    message = str(caught.value).replace(str(path), "p.yaml")
    assert message.startswith("3 problems in the parameters of 02_etass:")
    assert len(caught.value.problems) == 3
    for part in (
        "p.yaml: parameter 'alpha' = 1.5 is more than the maximum 0.2",
        "p.yaml: parameter 'power' = 'ninety' must be a number",
        "p.yaml: parameter 'trials_file' = 'data/no_such_file.csv': file not found",
    ):
        assert part in message


def test_missing_file_invalid_yaml_and_missing_parameter(tmp_path):
    with pytest.raises(ParameterError, match=r"line 2: invalid YAML"):
        load_parameters("02_etass", write(tmp_path, "alpha: 0.05\n  power: [0.9\n"))
    with pytest.raises(ParameterError, match="parameter file not found"):
        load_parameters("02_etass", tmp_path / "absent.yaml")
    lines = problems("02_etass", write(tmp_path, yaml.safe_dump({"alpha": 0.05})))
    assert "p.yaml: missing parameter 'power' for 02_etass (target power" in "\n".join(lines)
    assert len(lines) == 7  # every missing one


def test_duplicate_keys_are_refused_with_their_lines(tmp_path):
    text = base_text() + "alpha: 0.01\n"
    (line,) = problems("02_etass", write(tmp_path, text))
    first = base_text().splitlines().index("alpha: 0.05") + 1
    last = len(base_text().splitlines()) + 1
    assert line == (
        f"p.yaml, line {last}: duplicate key 'alpha' (first set on line {first}); "
        "YAML would silently keep the last value"
    )


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN"])
def test_non_finite_numbers_are_refused(tmp_path, value):
    text = base_text("04_tests").replace("confidence: 0.95", f"confidence: {value}")
    (line,) = problems("04_tests", write(tmp_path, text))
    assert line.startswith("p.yaml: parameter 'confidence' = ")
    assert "is not a finite number (nan and inf are not allowed)" in line


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_nan_and_inf_spelled_as_words_are_not_numbers(tmp_path, value):
    text = base_text("04_tests").replace("confidence: 0.95", f"confidence: {value}")
    (line,) = problems("04_tests", write(tmp_path, text))
    assert (
        f"parameter 'confidence' = '{value}' must be a number; nan and inf are not allowed" in line
    )


def test_non_finite_inside_a_list(tmp_path):
    text = base_text("06_dosing").replace("[12.0, 24.0]", "[.nan, 24.0]")
    (line,) = problems("06_dosing", write(tmp_path, text))
    assert line.startswith("p.yaml: parameter 'intervals_h' item 1 = .nan is not a finite number")


@pytest.mark.parametrize(
    "looks, message",
    [
        ("[0.5, 0.3, 1.0]", "must increase: item 2 (0.3) is not above item 1 (0.5)"),
        ("[0.5, 0.5, 1.0]", "must increase: item 2 (0.5) is not above item 1 (0.5)"),
        ("[0.3, 0.6]", "must end at 1; it ends at 0.6"),
        ("[]", "is an empty list; it needs at least 1 value(s)"),
        ("[0.3, 1.2]", "item 2 = 1.2 is more than the maximum 1"),
    ],
)
def test_group_sequential_looks(tmp_path, looks, message):
    text = base_text("07_next_trial").replace("looks: [0.3333, 0.6667, 1.0]", f"looks: {looks}")
    assert text != base_text("07_next_trial")
    (line,) = problems("07_next_trial", write(tmp_path, text))
    assert line.startswith("p.yaml: parameter 'looks'") and message in line, line


@pytest.mark.parametrize(
    "name, old, new, parameter",
    [
        ("06_dosing", "intervals_h: [12.0, 24.0]", "intervals_h: []", "intervals_h"),
        ("03_meta_analyses", "tau_scales: [0.5, 1.0]", "tau_scales: []", "tau_scales"),
        (
            "07_next_trial",
            "control_risk_range: [tests, etass]",
            "control_risk_range: []",
            "control_risk_range",
        ),
    ],
)
def test_empty_lists_where_a_value_is_needed(tmp_path, name, old, new, parameter):
    text = base_text(name).replace(old, new)
    assert text != base_text(name)
    (line,) = problems(name, write(tmp_path, text))
    assert line.startswith(f"p.yaml: parameter '{parameter}' is an empty list; it needs at least ")


def test_a_shared_name_in_a_notebook_file_is_refused(tmp_path):
    text = base_text() + "design_relative_reduction: 0.2\n"
    (line,) = problems("02_etass", write(tmp_path, text))
    assert line == (
        "p.yaml: parameter 'design_relative_reduction' is project-wide: set it in "
        "params/shared.yaml, not in p.yaml"
    )


@pytest.fixture
def project_with_shared(tmp_path, monkeypatch):
    """A copy of params/ and data/ with a throw-away notebook schema that takes both shared
    parameters."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "params", root / "params")
    shutil.copytree(ROOT / "data", root / "data")
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "trials_file": {
                "type": "string",
                "description": "trials",
                "x-file": "trials",
                "default": "data/trials.csv",
            },
            "weight": {"type": "number", "minimum": 0, "description": "a weight", "default": 1.0},
        },
        "required": ["trials_file", "weight"],
        "additionalProperties": False,
        "x-shared": ["design_relative_reduction", "design_absolute_reduction"],
        "x-reads-results": [],
    }
    (root / "params" / "99_probe.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    (root / "params" / "99_probe.yaml").write_text(
        "trials_file: data/trials.csv\nweight: 2\n", encoding="utf-8"
    )
    monkeypatch.setenv("TA1_ROOT", str(root))
    return root


def test_shared_parameters_are_merged_in(project_with_shared):
    values = load_parameters("99_probe")
    assert values == {
        "trials_file": "data/trials.csv",
        "weight": 2.0,
        "design_relative_reduction": 0.15,
        "design_absolute_reduction": 0.035,
    }
    assert set(describe("99_probe")) == set(values)
    assert "assumption" in describe("99_probe")["design_relative_reduction"]


def test_shared_problems_name_params_shared_yaml(project_with_shared):
    shared = project_with_shared / "params" / "shared.yaml"
    shared.write_text(
        shared.read_text(encoding="utf-8").replace("0.15", "1.5").replace("0.035", ".nan"),
        encoding="utf-8",
    )
    with pytest.raises(ParameterError) as caught:
        load_parameters("99_probe")
    assert sorted(caught.value.problems) == sorted(
        [
            "params/shared.yaml: parameter 'design_absolute_reduction' = .nan is not a finite "
            "number (nan and inf are not allowed)",
            "params/shared.yaml: parameter 'design_relative_reduction' = 1.5 is more than the "
            "maximum 0.9 (the design effect: the relative reduction in 28-day mortality a trial "
            "or a trial sequential analysis is sized to detect and the sceptical and enthusiastic "
            "priors are built on, a proportion; an assumption (a plausible effect, not a "
            "threshold of importance); rationale and sources: data/method_facts.csv (topic "
            "mcid))",
        ]
    )


def test_setting_a_shared_parameter_in_the_notebook_file(project_with_shared):
    path = project_with_shared / "params" / "99_probe.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "design_absolute_reduction: 0.05\n")
    with pytest.raises(
        ParameterError, match="set it in params/shared.yaml, not in params/99_probe.yaml"
    ):
        load_parameters("99_probe")


def test_template_instance_parameters(project_with_shared):
    root = project_with_shared
    schema = json.loads((root / "params" / "99_probe.schema.json").read_text())
    schema["x-instances"] = "params/probes.yaml"
    (root / "params" / "99_probe.schema.json").write_text(json.dumps(schema))
    (root / "params" / "probes.yaml").write_text("light:\n  weight: 0.5\nheavy:\n  weight: -1\n")
    assert load_parameters("99_probe", instance="light")["weight"] == 0.5
    assert load_parameters("99_probe", instance="light", overrides={"weight": 3})["weight"] == 3.0
    with pytest.raises(ParameterError) as caught:
        load_parameters("99_probe", instance="heavy")
    assert caught.value.problems == [
        "params/probes.yaml (instance 'heavy'): parameter 'weight' = -1 is less than the "
        "minimum 0 (a weight)"
    ]
    with pytest.raises(ParameterError, match="instance id 'Bad Id'"):
        load_parameters("99_probe", instance="Bad Id")
