"""The printable summary of findings page (pipeline.site_sof) on a small hand-made 09 table."""

from __future__ import annotations

import csv

import pytest

from ta1sepsis.pipeline.site_sof import DOMAINS, SOF, sof_page

SOF_HEADER = [
    "outcome",
    "importance",
    "relative effect (90% CI)",
    "control risk per 1000",
    "with T per 1000 (90% CI)",
    "difference per 1000 (90% CI)",
    "participants analysed (trials)",
    "certainty",
    "what it means",
    "notes",
]


def _write(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def test_symbols_letters_and_the_level_used(tmp_path):
    _write(
        tmp_path / SOF,
        SOF_HEADER,
        [
            [
                "death",
                "critical",
                "OR 0.8 (0.6 to 1.1)",
                "200",
                "167 (130 to 216)",
                "-33 (-70 to +16)",
                "900 (3)",
                "low",
                "T may reduce death.",
                "estimate: pooled",
            ],
            [
                "harms",
                "critical",
                "not estimable",
                "",
                "",
                "",
                "",
                "not assessed: no counts",
                "Not evidence of no harm.",
                "",
            ],
        ],
    )
    _write(
        tmp_path / DOMAINS,
        ["outcome", "domain", "rating", "levels", "reason", "decided by"],
        [
            ["death", "risk of bias", "not serious", "0", "fine", "rule"],
            ["death", "imprecision", "very serious", "2", "the interval is wide", "rule"],
            ["death", "inconsistency", "serious", "1", "they disagree.", "judgement"],
        ],
    )
    body = sof_page(tmp_path)
    # the level actually used (90%) reaches the headers
    assert "relative effect (90% CI)" in body and "95%" not in body
    # letters in reading order: the source of the row, then each reason for rating down
    assert "death<sup>a</sup>" in body
    assert "⊕⊕◯◯</span> low<sup>b</sup><sup>c</sup>" in body
    assert "<b>b</b> Rated down two levels for imprecision: the interval is wide." in body
    assert "<b>c</b> Rated down one level for inconsistency: they disagree." in body
    # a domain not rated down gets no footnote; an unrated row keeps its words, no symbols
    assert "fine" not in body
    assert "not assessed: no counts" in body and body.count("⊕⊕◯◯</span>") == 1


def test_no_table_no_page_and_a_missing_column_is_named(tmp_path):
    assert sof_page(tmp_path) is None
    _write(tmp_path / SOF, [c for c in SOF_HEADER if c != "certainty"], [["x"] * 9])
    with pytest.raises(KeyError, match="no column starting 'certainty'"):
        sof_page(tmp_path)
