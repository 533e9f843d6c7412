"""Card chips found from the form of the result keys (pipeline.site.chips)."""

from __future__ import annotations

from pathlib import Path

import nbformat

from ta1sepsis.pipeline.site import Page, chips


def _page(name: str) -> Page:
    return Page(name, Path(f"{name}.ipynb"), "analyses", nbformat.v4.new_notebook())


def test_chips_follow_whatever_subgroups_and_populations_were_run():
    """Other subgroups and populations than the committed ones still get their chips; a
    population without its assurance gets none, and braces in a label stay text."""
    results_05 = {
        "subgroups.sex.female.shrunken": {
            "value": 0.8,
            "lower": 0.6,
            "upper": 1.1,
            "level": 0.9,
            "description": "shrunken HR, female {sex} (sceptical prior)",
        },
        "subgroups.other": {"value": 1.0},
    }
    got = chips(_page("05_subgroups"), results_05)
    assert [c["text"].split(" 0.80")[0] for c in got] == ["shrunken HR, female {sex}"]
    assert "90% CI 0.60 to 1.10" in got[0]["text"]
    results_07 = {
        "next_trial.frail_patients.shrunken.n_fixed": {"value": 4321},
        "next_trial.frail_patients.shrunken.assurance": {"value": 0.456},
        "next_trial.no_assurance.shrunken.n_fixed": {"value": 99},
    }
    assert [c["text"] for c in chips(_page("07_next_trial"), results_07)] == [
        "frail patients: 4,321 patients at the shrunken effect; assurance 46%"
    ]
