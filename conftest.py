"""Loaded by pytest before anything is collected (tests/ and the nbval notebooks alike).

nbval re-executes the committed notebooks; their figures, tables and results must not
overwrite the committed ones, so they go to a scratch folder (see ta1sepsis.report.outputs).
"""

import os
import tempfile

os.environ.setdefault("TA1_OUTPUT_DIR", tempfile.mkdtemp(prefix="ta1-test-outputs-"))

import pytest  # noqa: E402

# modules whose tests share an expensive module-scoped fixture: kept on one pytest-xdist worker
SHARED_FIXTURE_MODULES = {"test_parameter_sweep.py", "test_site.py", "test_claims.py"}


def pytest_collection_modifyitems(config, items):
    """Group tests for pytest-xdist's ``--dist loadgroup`` (make test, make check).

    nbval runs a notebook's cells in order in one kernel, so each notebook's cells go to one
    worker; the tests of a module with an expensive shared fixture (the parameter sweep renders
    the collection many times, the site is built once) stay together so that the fixture is
    built once. Every other test is handed to whichever worker is free.
    """
    for item in items:
        path = item.path
        if path.suffix == ".ipynb":
            item.add_marker(pytest.mark.xdist_group(name=str(path)))
        elif path.name in SHARED_FIXTURE_MODULES:
            item.add_marker(pytest.mark.xdist_group(name=path.name))
