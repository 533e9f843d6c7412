"""A compact GRADE evidence profile: one row per outcome, the five domains, ⊕ certainty.

The long table of reasons (:func:`ta1sepsis.evidence.synthesis.downgrade_table`) is what a
methodologist audits; a guideline panel reads the profile first, as in GRADEpro's evidence
profile (Guyatt et al., J Clin Epidemiol 2011;64:383, doi:10.1016/j.jclinepi.2010.04.026):
each domain is "not serious", "serious" or "very serious", every rating down carries a lettered
footnote with its reason, and the certainty is shown as ⊕ symbols with its word.
"""

from __future__ import annotations

import string
from collections.abc import Sequence

import pandas as pd

from ta1sepsis.evidence.grade import Rating
from ta1sepsis.report.plain_language import certainty_symbols

DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")


def footnote_letter(i: int) -> str:
    """a, b, ..., z, aa, ab, ... for footnote ``i`` (0-based).

    Examples
    --------
    >>> footnote_letter(0), footnote_letter(25), footnote_letter(26)
    ('a', 'z', 'aa')
    """
    letters = string.ascii_lowercase
    return letters[i] if i < 26 else footnote_letter(i // 26 - 1) + letters[i % 26]


def evidence_profile(rated: Sequence[Rating]) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """The evidence profile of rated outcomes and its footnotes.

    Parameters
    ----------
    rated : sequence of Rating
        Outcomes rated by :func:`ta1sepsis.evidence.grade.rate`, in the order to show.

    Returns
    -------
    profile : pandas.DataFrame
        outcome, trials, participants, one column per GRADE domain ("not serious", or
        "serious" / "very serious" with a footnote letter) and certainty ("⊕⊕◯◯ low").
    footnotes : list of (letter, text)
        The reason for each rating down, lettered in reading order (row by row, domain by
        domain); the same reason in two cells shares one letter.

    Examples
    --------
    >>> from ta1sepsis.evidence.grade import Evidence, rate
    >>> e = Evidence("o", "death", "RR", 0.8, 0.6, 1.1, 400, 1, 0.25,
    ...              threshold_benefit=0.01, threshold_harm=0.01)
    >>> profile, notes = evidence_profile([rate(e, {})])
    >>> profile.loc[0, "imprecision"], profile.loc[0, "certainty"]
    ('very serious (a)', '⊕⊕◯◯ low')
    >>> notes[0][0]
    'a'
    """
    rows, notes = [], {}
    for r in rated:
        by_domain = {d.domain: d for d in r.downgrades}
        missing = [d for d in DOMAINS if d not in by_domain]
        if missing:
            raise KeyError(f"outcome {r.evidence.label!r} has no rating for {missing}")
        e = r.evidence
        row = {
            "outcome": e.label,
            "trials": "not reported" if e.trials is None else f"{e.trials:,}",
            "participants": "not reported" if e.participants is None else f"{e.participants:,}",
        }
        for domain in DOMAINS:
            d = by_domain[domain]
            cell = d.rating
            if d.levels > 0:
                letter = notes.setdefault(d.reason, footnote_letter(len(notes)))
                cell = f"{d.rating} ({letter})"
            row[domain.replace("_", " ")] = cell
        row["certainty"] = f"{certainty_symbols(r.certainty)} {r.certainty}"
        rows.append(row)
    return pd.DataFrame(rows), [(letter, reason) for reason, letter in notes.items()]
