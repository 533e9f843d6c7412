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
