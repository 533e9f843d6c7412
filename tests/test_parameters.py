"""Parameter files: valid as committed, in step with the notebooks, and strict on mistakes."""

from pathlib import Path

import jupytext
import pytest
import yaml

from ta1sepsis.parameters import SPECS, ParameterError, load_parameters

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
def test_yaml_cell_and_spec_agree(name):
    cell = parameters_cell(name)
    committed = load_parameters(name)  # validates types, ranges and files
    assert set(cell) == set(committed) == {p.name for p in SPECS[name]}
    assert cell == committed, "the notebook defaults and params/*.yaml should be the same"


def write(tmp_path, text):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def base_text(name="02_etass"):
    return (ROOT / "params" / f"{name}.yaml").read_text(encoding="utf-8")


def test_unknown_parameter_is_named(tmp_path):
    path = write(tmp_path, base_text() + "alpah: 0.05\n")
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) 'alpah' for 02_etass"):
        load_parameters("02_etass", path)


def test_wrong_type_and_range_are_named(tmp_path):
    text = base_text().replace("alpha: 0.05", "alpha: five percent")
    with pytest.raises(
        ParameterError, match=r"parameter 'alpha' of 02_etass must be of type float"
    ):
        load_parameters("02_etass", write(tmp_path, text))
    text = base_text().replace("confidence: 0.95", "confidence: 95")
    with pytest.raises(ParameterError, match=r"'confidence' of 02_etass = 95.0 is out of range"):
        load_parameters("02_etass", write(tmp_path, text))
    text = base_text().replace("power: 0.80", "power: true")
    with pytest.raises(ParameterError, match="must be of type float"):
        load_parameters("02_etass", write(tmp_path, text))


def test_missing_file_and_invalid_yaml(tmp_path):
    text = base_text().replace("data/trials.csv", "data/no_such_file.csv")
    with pytest.raises(ParameterError, match=r"'trials_file' .* file not found"):
        load_parameters("02_etass", write(tmp_path, text))
    with pytest.raises(ParameterError, match=r"line 2: invalid YAML"):
        load_parameters("02_etass", write(tmp_path, "alpha: 0.05\n  confidence: [0.9\n"))
    with pytest.raises(ParameterError, match="parameter file not found"):
        load_parameters("02_etass", tmp_path / "absent.yaml")
    with pytest.raises(ParameterError, match="missing parameter"):
        load_parameters("02_etass", write(tmp_path, yaml.safe_dump({"alpha": 0.05})))
