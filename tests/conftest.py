"""Shared fixtures (the output redirection for nbval runs is in the root conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "reference"


def load_reference(name: str) -> dict:
    return json.loads((REFERENCE / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def two_by_two_reference() -> dict:
    return load_reference("two_by_two.json")


HEAVY_MARKS = {"pipeline", "slow", "browser"}


def pytest_collection_modifyitems(config, items):
    """The long tests (renders in temporary copies, long simulations, the browser) first: with
    the suite on two cores (pytest-xdist), the short tests then fill in around them at the end
    instead of one long test running alone while the other core idles. Stable otherwise."""
    items.sort(key=lambda item: 0 if HEAVY_MARKS & {m.name for m in item.iter_markers()} else 1)
