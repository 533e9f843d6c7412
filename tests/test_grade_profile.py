"""The compact GRADE evidence profile and the RoB 2 traffic-light plot."""

from __future__ import annotations

import pandas as pd
import pytest

from ta1sepsis.evidence.grade import Evidence, rate
from ta1sepsis.report import plots
from ta1sepsis.report.grade_profile import evidence_profile
from ta1sepsis.report.outputs import text_audit


def _evidence(label, lower, upper, participants):
    return Evidence(
        label,
        label,
        "RR",
        0.8,
        lower,
        upper,
        participants,
        2,
        0.25,
        threshold_benefit=0.01,
        threshold_harm=0.01,
    )


def test_profile_shares_a_letter_for_a_shared_reason_and_counts_levels():
    # two outcomes with the same interval: the same imprecision reason, one letter
    a = rate(_evidence("death", 0.6, 1.1, 400), {})
    b = rate(_evidence("death again", 0.6, 1.1, 400), {})
    profile, notes = evidence_profile([a, b])
    assert list(profile.columns) == [
        "outcome",
        "trials",
        "participants",
        "risk of bias",
        "inconsistency",
        "indirectness",
        "imprecision",
        "publication bias",
        "certainty",
    ]
    assert list(profile.imprecision) == ["very serious (a)", "very serious (a)"]
    assert len(notes) == 1 and notes[0][0] == "a"
    # high minus two levels (very serious imprecision) is low: two of four symbols
    assert list(profile.certainty) == ["⊕⊕◯◯ low"] * 2
    assert profile.participants.iloc[0] == "400"


def test_traffic_light_rejects_unknown_judgements_and_fits_its_text():
    table = pd.DataFrame(
        {
            "D1": ["low", "high"],
            "D2": ["some concerns", "low"],
            "D3": ["low", "low"],
            "D4": ["no information", "low"],
            "D5": ["low", "low"],
            "overall": ["some concerns", "high"],
        }
    )
    fig = plots.rob_traffic_light(
        table, "RoB", labels=pd.Series(["trial A: death", "trial B: death"])
    )
    fig.canvas.draw()
    audit = text_audit(fig)
    symbols = [t.get_text() for t in fig.axes[0].texts]
    plots.plt.close(fig)
    assert audit["overlaps"] == [] and audit["small"] == []
    # colour is never alone: each judgement has its symbol (row by row, D1..D5 then overall)
    assert symbols[:6] == ["+", "!", "+", "?", "+", "!"] and symbols[6:] == [
        "−",
        "+",
        "+",
        "+",
        "+",
        "−",
    ]
    table.loc[0, "D3"] = "unclear"
    with pytest.raises(ValueError, match="unknown RoB 2 judgement"):
        plots.rob_traffic_light(table, "RoB")


def test_traffic_light_cuts_a_label_too_long_to_fit():
    """A study label is whatever the data file says: 600 characters give a row label of
    plots.LABEL_CHARS ending in an ellipsis, and the panel keeps its layout (no warning)."""
    import warnings

    judgements = {d: ["low"] for d in ("D1", "D2", "D3", "D4", "D5", "overall")}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plots.rob_traffic_light(
            pd.DataFrame(judgements), "RoB", labels=pd.Series(["x" * 600 + ": death"])
        )
        fig.canvas.draw()
    shown = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    plots.plt.close(fig)
    assert shown == ["x" * (plots.LABEL_CHARS - 1) + "…"]
