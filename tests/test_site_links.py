"""Links, glossary, row pages, citation and the index's plain-language answer (no browser).

Each expected string is written out by hand from the rule in the module's docstring."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ta1sepsis.data.evidence_tables import load_grade_judgements
from ta1sepsis.pipeline import site_files
from ta1sepsis.pipeline.site_links import Linker, linkify
from ta1sepsis.report.plain_language import (
    certainty_symbols,
    index_answer,
    interval_reading,
    per_1000_words,
)

ROOT = Path(__file__).resolve().parents[1]
FILES = {"data/trials.csv", "data/grade_judgements.csv", "results/09_synthesis.json"}
ROWS = {"data/trials.csv", "data/grade_judgements.csv"}
GLOSSARY = [("decision threshold", "decision_threshold"), ("TSA", "tsa"), ("OR", "odds_ratio")]


def _linker(root="", current="09_synthesis"):
    pages = {
        "05_subgroups": "05_subgroups.html",
        "09_synthesis": "09_synthesis.html",
        "trials/etass": "trials/etass.html",
    }
    return Linker(root, FILES, ROWS, pages, GLOSSARY, current)


def _main(body: str) -> str:
    return (
        f"<html><head><title>data/trials.csv</title></head><body><main>{body}</main></body></html>"
    )


def test_files_rows_and_table_identifiers_with_break_opportunities():
    out = linkify(
        _main("<p>judgement: data/<wbr>grade_judgements.<wbr>csv, line 17 (GRADE)</p>"), _linker()
    )
    assert (
        '<a class="src" href="data/grade_judgements.csv.html#L17">data/<wbr>grade_judgements.'
        "<wbr>csv, line 17</a>"
    ) in out
    out = linkify(
        _main("<p>see data/trials.csv and results/09_synthesis.json.</p>"), _linker("../")
    )
    assert '<a class="src" href="../data/trials.csv.html">data/trials.csv</a>' in out
    assert (
        '<a class="src" href="../results/09_synthesis.json">results/09_synthesis.json</a>.' in out
    )
    # a file the site does not ship is left as text
    assert "data/unknown.csv</p>" in linkify(_main("<p>data/unknown.csv</p>"), _linker())
    # the page head (title) is not touched
    assert "<title>data/trials.csv</title>" in out


def test_references_link_out():
    body = (
        "<p>Wu 2025 (NCT02867267; PMID 39814420; doi 10.1136/bmj-2024-082583); "
        "see https://example.org/a?b=1&amp;c=2.</p>"
    )
    out = linkify(_main(body), _linker())
    assert (
        '<a class="ext" href="https://clinicaltrials.gov/study/NCT02867267">NCT02867267</a>' in out
    )
    assert (
        'PMID <a class="ext" href="https://pubmed.ncbi.nlm.nih.gov/39814420/">39814420</a>' in out
    )
    assert (
        '<a class="ext" href="https://doi.org/10.1136/bmj-2024-082583">'
        "10.1136/bmj-2024-082583</a>);"
    ) in out
    assert '<a class="ext" href="https://example.org/a?b=1&amp;c=2">' in out


def test_code_links_and_headings_are_left_alone_and_terms_link_once():
    body = (
        '<h2 id="x">TSA and data/trials.csv</h2><pre>data/trials.csv</pre>'
        '<a href="y.html">data/trials.csv</a>'
        "<p>The TSA crossed no decision threshold; the TSA again. See 05_subgroups, "
        "09_synthesis and ORs, OR 0.86.</p>"
    )
    out = linkify(_main(body), _linker())
    assert '<h2 id="x">TSA and data/trials.csv</h2><pre>data/trials.csv</pre>' in out
    assert '<a href="y.html">data/trials.csv</a>' in out
    assert out.count('href="glossary.html#tsa"') == 1  # first use only
    assert 'href="glossary.html#decision_threshold"' in out
    assert '<a class="page" href="05_subgroups.html">05_subgroups</a>' in out
    assert "09_synthesis.html" not in out  # not to itself
    # "ORs" is not the term "OR"; "OR 0.86" is
    assert 'ORs, <a class="term" href="glossary.html#odds_ratio"' in out


def test_row_page_anchors_are_the_lines_the_validator_names():
    """A judgement row's "line" (as the GRADE table cites it) is the anchor of its row, also
    where a quoted field spans lines."""
    path = ROOT / "data" / "grade_judgements.csv"
    header, rows = site_files.read_rows(path)
    page = site_files.row_page("data/grade_judgements.csv", header, rows)
    lines = load_grade_judgements(path)["line"].tolist()
    assert lines and all(f'id="L{line}"' in page for line in lines)
    assert page.count("<tr id=") == len(lines)


def test_row_page_of_a_multiline_record(tmp_path):
    path = tmp_path / "x.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["a", "b"], ["1", "two\nlines"], ["2", "<b>"]])
    header, rows = site_files.read_rows(path)
    assert [line for line, _ in rows] == [3, 4]  # the record ends on line 3, the next on 4
    page = site_files.row_page("data/x.csv", header, rows)
    assert 'id="L3"' in page and 'id="L4"' in page and "&lt;b&gt;" in page


def test_glossary_sources_resolve_and_citation_reads_the_cff():
    terms = site_files.glossary_terms(ROOT)
    assert len(terms) >= 15
    for t in terms:
        assert t["definition"].endswith(".") and t["source"], t["id"]
    by_id = {t["id"]: t for t in terms}
    assert by_id["tsa"]["source_line"] is not None
    cite = site_files.citation(ROOT)
    assert cite["licence"] == "MIT" and "reproducible reanalysis" in cite["text"]


def test_glossary_reference_must_exist(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "method_facts.csv").write_text("fact_id,source,url\na.b,Someone,\n")
    (tmp_path / "data" / "glossary.csv").write_text(
        "term_id,term,aliases,definition,source_ref,source\nx,X,,An x.,a.c,\n"
    )
    with pytest.raises(ValueError, match=r"glossary.csv, line 2, column source_ref: 'a.c'"):
        site_files.glossary_terms(tmp_path)


# --- the plain-language answer -------------------------------------------------------------


def test_words_for_numbers():
    assert certainty_symbols("low") == "⊕⊕◯◯"
    assert certainty_symbols("very low") == "⊕◯◯◯"
    with pytest.raises(ValueError):
        certainty_symbols("medium")
    assert per_1000_words(-25.84) == "26 fewer would die"
    assert per_1000_words(3.5) == "4 more would die"
    # thresholds 10 and 10 per 1000: (-63, 17) reaches both; (-83, -19) is beyond benefit only;
    # (-5, 4) is inside both; (-12, 8) reaches benefit but not harm
    assert interval_reading(-63, 17, 10, 10) == (
        "an important benefit, differences smaller than the threshold and an important harm"
    )
    assert interval_reading(-83, -19, 10, 10) == "an important benefit only"
    assert interval_reading(-5, 4, 10, 10) == "differences smaller than the threshold only"
    assert interval_reading(-12, 8, 10, 10) == (
        "an important benefit and differences smaller than the threshold"
    )


def _results(lower=-63.2, upper=16.9):
    return {
        "synthesis.mortality_28d_large_trials.statement": {"value": "X may reduce deaths."},
        "synthesis.mortality_28d_large_trials.certainty": {"value": "low"},
        "synthesis.mortality_28d_large_trials.downgrades": {
            "value": {"imprecision": 2, "risk_of_bias": 0}
        },
        "synthesis.mortality_28d_large_trials.difference_per_1000": {
            "value": -25.8,
            "lower": lower,
            "upper": upper,
            "level": 0.9,
        },
        "synthesis.baseline_risk": {"value": 0.2413},
        "synthesis.threshold.mortality": {"value": {"benefit": 20, "harm": 5}},
        "synthesis.subgroup_age.estimate": {
            "value": 0.81,
            "lower": 0.61,
            "upper": 1.09,
            "unit": "HR",
            "description": "HR as published: 28-day mortality, age >=60",
        },
        "synthesis.subgroup_age.credibility": {"value": "low"},
    }


def test_index_answer_follows_the_results():
    a = index_answer(_results(), intervention="X")
    assert a["statement"] == "X may reduce deaths."
    # level, threshold and control risk come from the results, not from defaults
    assert a["size"] == (
        "For 1000 people with sepsis at a 28-day risk of death of 24% without it, 26 fewer "
        "would die with X (90% CI: 63 fewer to 17 more)."
    )
    assert (
        "decision threshold of 20 fewer deaths per 1000 for benefit and 5 more for harm"
        in (a["threshold"])
    )
    assert a["symbols"] == "⊕⊕◯◯" and a["why"] == "Rated down for imprecision (2 levels)."
    assert a["who"] == [
        "28-day mortality, age >=60: HR 0.81 (0.61 to 1.09) as published; credibility low "
        "(ICEMAN): a hypothesis to test, not an established effect."
    ]
    assert "neither establishes nor excludes" in a["practice"]
    # an interval wholly beyond the benefit threshold at low certainty: conditional
    b = index_answer(_results(-60, -25), intervention="X")
    assert "any recommendation would be conditional" in b["practice"]
    assert index_answer({}) is None


def test_every_rated_subgroup_claim_is_listed_whatever_its_id():
    """A subgroup claim is found by its credibility rating, not by the prefix of its id: one
    named 'age_signal' in params/09_synthesis.yaml is listed too."""
    results = _results()
    results["synthesis.age_signal.estimate"] = results.pop("synthesis.subgroup_age.estimate")
    results["synthesis.age_signal.credibility"] = results.pop("synthesis.subgroup_age.credibility")
    who = index_answer(results, intervention="X")["who"]
    assert who == [
        "28-day mortality, age >=60: HR 0.81 (0.61 to 1.09) as published; credibility low "
        "(ICEMAN): a hypothesis to test, not an established effect."
    ]
    del results["synthesis.age_signal.estimate"]
    with pytest.raises(KeyError, match="synthesis.age_signal.estimate"):
        index_answer(results, intervention="X")


def test_the_page_exporter_adds_what_nbconvert_added_with_beautifulsoup():
    """Without nbconvert's BeautifulSoup pass, cell inputs and outputs are still focusable and
    an image without alt text still gets nbconvert's generic one (the site's figures carry
    their own)."""
    import re

    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from ta1sepsis.pipeline.site import _PageExporter

    png = (
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJ"
        "RU5ErkJggg=="
    )
    outputs = [
        new_output("stream", name="stdout", text="1\n"),
        new_output("display_data", data={"image/png": png, "text/plain": "fig"}),
    ]
    nb = new_notebook(cells=[new_code_cell("print(1)", outputs=outputs)])
    html, _ = _PageExporter(template_name="lab").from_notebook_node(nbformat.from_dict(nb))
    inputs = re.findall(r'<div class="jp-Cell-inputWrapper"[^>]*>', html)
    shown = re.findall(r'<div class="[^"]*\bjp-OutputArea-output\b[^"]*"[^>]*>', html)
    assert len(inputs) == 1 and len(shown) == 2
    assert all('tabindex="0"' in tag for tag in inputs + shown), inputs + shown
    images = re.findall(r"<img[^>]*>", html)
    assert len(images) == 1
    assert 'alt="No description has been provided for this image"' in images[0]
