"""Risk of bias (RoB 2): the overall judgement of a trial result from its five domain judgements.

RoB 2 (Sterne et al., BMJ 2019;366:l4898; Higgins et al., *RoB 2 full guidance document*, 2019):
the overall risk of bias is **low** when every domain is at low risk, **high** when at least one
domain is at high risk, and **some concerns** otherwise. (The guidance also allows "high" when
several domains have some concerns that together substantially lower confidence; that is a
judgement, not applied here, and every domain is shown so a reader can make it.)

The domain judgements themselves are sourced judgements in ``data/risk_of_bias.csv`` (one row per
signalling question plus one ``domain judgement`` row per domain).
"""

from __future__ import annotations

import pandas as pd

DOMAINS = ("D1", "D2", "D3", "D4", "D5")
LEVELS = ("low", "some concerns", "high")


def overall(domain_judgements: dict[str, str]) -> str:
    """Overall RoB 2 judgement from the five domain judgements.

    Parameters
    ----------
    domain_judgements : dict
        Domain code (D1..D5) -> 'low', 'some concerns' or 'high'.

    Returns
    -------
    str
        'low', 'some concerns' or 'high'.

    Examples
    --------
    >>> overall({"D1": "low", "D2": "some concerns", "D3": "low", "D4": "low", "D5": "low"})
    'some concerns'
    """
    missing = [d for d in DOMAINS if d not in domain_judgements]
    if missing:
        raise ValueError(f"RoB 2 needs all five domains; missing {missing}")
    values = [domain_judgements[d] for d in DOMAINS]
    bad = [v for v in values if v not in LEVELS]
    if bad:
        raise ValueError(f"domain judgements must be one of {LEVELS}, got {bad}")
    if "high" in values:
        return "high"
    if all(v == "low" for v in values):
        return "low"
    return "some concerns"


def assessments(table: pd.DataFrame) -> pd.DataFrame:
    """One row per assessment (trial x outcome) with its domain judgements and the overall one.

    Parameters
    ----------
    table : pandas.DataFrame
        ``data/risk_of_bias.csv`` as loaded; rows with ``signalling_question`` equal to
        ``domain judgement`` carry each domain's judgement. Rows of domain ``review`` (what the
        published reviews report about their trials) are left out.

    Returns
    -------
    pandas.DataFrame
        Columns ``assessment_id``, ``study_id``, ``outcome``, ``D1``..``D5``, ``overall``.

    Examples
    --------
    >>> rows = [{"assessment_id": "t.death", "study_id": "t", "outcome": "death", "domain": d,
    ...          "signalling_question": "domain judgement",
    ...          "judgement": "some concerns" if d == "D2" else "low"}
    ...         for d in ("D1", "D2", "D3", "D4", "D5")]
    >>> assessments(pd.DataFrame(rows)).overall.tolist()
    ['some concerns']
    """
    judged = table[
        (table["signalling_question"] == "domain judgement") & table["domain"].isin(DOMAINS)
    ]
    rows = []
    for assessment, part in judged.groupby("assessment_id", sort=False):
        domains = dict(zip(part["domain"], part["judgement"], strict=True))
        rows.append(
            {
                "assessment_id": assessment,
                "study_id": part["study_id"].iloc[0],
                "outcome": part["outcome"].iloc[0],
                **{d: domains.get(d, "") for d in DOMAINS},
                "overall": overall(domains),
            }
        )
    return pd.DataFrame(rows)
