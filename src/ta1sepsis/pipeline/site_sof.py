"""The one-page printable summary of findings, Cochrane style, built from 09's tables.

A guideline panel prints one page: each outcome's relative and absolute effect at the stated
control risk, the number of participants and trials, the certainty as ⊕ symbols with its word,
what it means against the decision threshold, and lettered footnotes that say why the certainty
was rated down and where each estimate and control risk come from (the layout of Cochrane's
summary of findings tables: Schünemann HJ et al., Cochrane Handbook chapter 14, section 14.1,
https://training.cochrane.org/handbook/current/chapter-14).
"""

from __future__ import annotations

import csv
import html
from pathlib import Path

from ta1sepsis.report.grade_profile import footnote_letter
from ta1sepsis.report.plain_language import certainty_symbols

SOF = "tables/09_synthesis_summary_of_findings.csv"
DOMAINS = "tables/09_synthesis_certainty_domains.csv"
LEVEL_WORDS = {1: "one level", 2: "two levels", 3: "three levels"}


def _read(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def sof_page(root: Path) -> str | None:
    """The body of the printable summary of findings, or None when 09 has not written it.

    Every cell comes from ``tables/09_synthesis_summary_of_findings.csv`` and the reasons for
    rating down from ``tables/09_synthesis_certainty_domains.csv``; a column the page needs and
    the table lacks is a KeyError naming the file."""
    sof_path, domains_path = root / SOF, root / DOMAINS
    if not sof_path.is_file():
        return None
    rows = _read(sof_path)
    reasons = _read(domains_path) if domains_path.is_file() else []
    if not rows:
        return None
    header = list(rows[0])

    def column(start: str) -> str:
        found = [c for c in header if c.startswith(start)]
        if not found:
            raise KeyError(f"{SOF} has no column starting {start!r}; it has {header}")
        return found[0]

    relative, control = column("relative effect"), column("control risk per 1000")
    corresponding, difference = column("with "), column("difference per 1000 (")
    participants, certainty = column("participants"), column("certainty")
    means, notes = column("what it means"), column("notes")
    footnotes: dict[str, str] = {}

    def note(text: str) -> str:
        letter = footnotes.setdefault(text, footnote_letter(len(footnotes)))
        return f"<sup>{letter}</sup>"

    body = []
    for r in rows:
        # lettered in reading order: the outcome's source, then its reasons for rating down
        source = note(r[notes].rstrip(".") + ".") if r[notes].strip() else ""
        marks = "".join(
            note(
                f"Rated down {LEVEL_WORDS.get(int(d['levels']), d['levels'] + ' levels')} for "
                f"{d['domain']}: {d['reason'].rstrip('.')}."
            )
            for d in reasons
            if d["outcome"] == r["outcome"] and int(d["levels"]) > 0
        )
        level = r[certainty].strip()
        # a row 09 does not rate ("not assessed: ...") keeps its words, without symbols
        shown = (
            f'<span class="grade">{certainty_symbols(level)}</span> {html.escape(level)}'
            if level in ("high", "moderate", "low", "very low")
            else html.escape(level or "not rated")
        )
        body.append(
            "<tr>"
            f'<th scope="row">{html.escape(r["outcome"])}{source}</th>'
            f"<td>{html.escape(r[relative])}</td>"
            f"<td>{html.escape(r[control])}</td>"
            f"<td>{html.escape(r[corresponding])}</td>"
            f"<td>{html.escape(r[difference])}</td>"
            f"<td>{html.escape(r[participants])}</td>"
            f"<td>{shown}{marks}</td>"
            f"<td>{html.escape(r[means])}</td>"
            "</tr>"
        )
    heads = [
        "Outcome",
        relative,
        control,
        corresponding,
        difference,
        participants,
        "Certainty (GRADE)",
        "What it means",
    ]
    items = "".join(
        f'<li id="sof-note-{letter}"><b>{letter}</b> {html.escape(text)}</li>'
        for text, letter in footnotes.items()
    )
    return (
        "<h1>Summary of findings (printable)</h1>\n"
        '<p class="sof-lead">Every cell is copied from <code>' + SOF + "</code>, which "
        '<a href="09_synthesis.html">09_synthesis</a> computes; the reasons for rating down '
        "come from <code>" + DOMAINS + "</code>. Certainty: ⊕⊕⊕⊕ high, ⊕⊕⊕◯ moderate, "
        "⊕⊕◯◯ low, ⊕◯◯◯ very low. The decision threshold each row is judged against is "
        "stated in its last column; the control risk and the source of each estimate are in its "
        "footnote.</p>\n"
        '<div class="sof-print"><table class="sof-table">'
        "<thead><tr>"
        + "".join(f'<th scope="col">{html.escape(h)}</th>' for h in heads)
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table></div>\n"
        f'<ol class="sof-notes">{items}</ol>\n'
    )
