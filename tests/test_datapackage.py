"""data/datapackage.json: in step with the loader's schemas, a valid Frictionless package, and
as strict as the loader on the constraints it can express."""

import csv
import json
import shutil
from pathlib import Path

import pytest

from ta1sepsis.data.catalog import table_schemas
from ta1sepsis.data.loader import DataError, load_table
from ta1sepsis.pipeline.datapackage import FILES, text

SCHEMAS = table_schemas()
ROOT = Path(__file__).resolve().parents[1]
frictionless = pytest.importorskip("frictionless")


def test_descriptor_is_in_step_with_the_loader():
    committed = (ROOT / "data" / "datapackage.json").read_text(encoding="utf-8")
    assert committed == text(), "run make datapackage"
    package = json.loads(committed)
    for resource in package["resources"]:
        schema = SCHEMAS[resource["name"]]
        assert [f["name"] for f in resource["schema"]["fields"]] == schema.column_names
        assert resource["schema"]["primaryKey"] == list(schema.key)
    assert {r["path"] for r in package["resources"]} == set(FILES.values())
    assert package["licenses"] and package["sources"]


def test_the_package_and_its_data_are_valid():
    report = frictionless.Package(str(ROOT / "data" / "datapackage.json")).validate()
    errors = [e.message for task in report.tasks for e in task.errors]
    assert report.valid, errors[:5]


def _broken_copy(tmp_path, column, value):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "trials.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[1][rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return data


@pytest.mark.parametrize(
    "column, value, kind",
    [
        ("events_trt", "-1", "constraint-error"),
        ("n_ctl", "0", "constraint-error"),
        ("outcome", "28-day death", "constraint-error"),
        ("value_flag", "guessed", "constraint-error"),
        ("n_trt", "many", "type-error"),
        ("source", "", "constraint-error"),
    ],
)
def test_both_refuse_what_the_descriptor_can_express(tmp_path, column, value, kind):
    data = _broken_copy(tmp_path, column, value)
    with pytest.raises(DataError):
        load_table(data / "trials.csv", SCHEMAS["trials"])
    report = frictionless.Package(str(data / "datapackage.json")).validate()
    assert not report.valid
    found = {e.type for task in report.tasks for e in task.errors}
    assert kind in found, found
