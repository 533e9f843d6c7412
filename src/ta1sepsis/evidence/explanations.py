"""Which explanations of a larger benefit in a review's small trials the data allow.

Each candidate explanation (``data/small_trial_explanations.csv``) is checked against the
eligibility of the review that produced the estimate (a claim fact: combination therapy
excluded, randomised trials only, one outcome time point): an explanation the review's design
excludes is dropped, with the fact that excludes it. What remains is ranked by the evidence the
data hold: an explanation measured by a published subset of the same review (its high-quality
trials, say) comes first, with the share of the gap between all trials and the large trials that
the subset closes; the others are possible but unmeasured.
"""

from __future__ import annotations

import math

import pandas as pd

RULED_OUT, MEASURED, POSSIBLE = "ruled out", "measured", "possible, not measured"


def gap_share(total: float, subset: float, large: float) -> float:
    """How far a subset's estimate moves from all trials towards the large trials, on the log
    scale: 0 at the total, 1 at the large trials.

    Parameters
    ----------
    total, subset, large : float
        Ratios: the review's estimate over all trials, over the subset, over its large trials.

    Returns
    -------
    float
        ln(subset / total) / ln(large / total).

    Examples
    --------
    >>> round(gap_share(0.73, 0.82, 0.86), 2)
    0.71
    """
    return math.log(subset / total) / math.log(large / total)


def check_explanations(
    explanations: pd.DataFrame,
    claim_facts: pd.DataFrame,
    estimates: pd.DataFrame,
    *,
    total_id: str,
    large_id: str,
) -> pd.DataFrame:
    """Every candidate explanation with its status and the evidence for it, most likely first.

    Parameters
    ----------
    explanations : pandas.DataFrame
        ``data/small_trial_explanations.csv`` as loaded.
    claim_facts : pandas.DataFrame
        ``data/claim_facts.csv`` as loaded (the review's eligibility facts).
    estimates : pandas.DataFrame
        ``data/published_estimates.csv`` as loaded.
    total_id, large_id : str
        estimate_ids of the review's estimate over all trials and over its large trials.

    Returns
    -------
    pandas.DataFrame
        explanation, status (measured / possible, not measured / ruled out), why, share of the
        gap (for a measured one: the point estimate, and the range its subset's interval
        allows), ordered: measured (largest share first), possible, ruled out.

    Examples
    --------
    >>> ex = pd.DataFrame([
    ...     {"explanation_id": "bias", "explanation": "small-study bias", "ruled_out_by": "",
    ...      "ruled_out_if": "", "evidence": "r.hq", "notes": ""},
    ...     {"explanation_id": "combo", "explanation": "combination therapy",
    ...      "ruled_out_by": "r.combo", "ruled_out_if": "yes", "evidence": "", "notes": ""}])
    >>> facts = pd.DataFrame([{"fact_id": "r.combo", "item": "combinations excluded",
    ...                        "value": "yes"}])
    >>> est = pd.DataFrame([
    ...     {"estimate_id": "r.all", "estimate": 0.73, "ci_lower": 0.59, "ci_upper": 0.9,
    ...      "population": "all"},
    ...     {"estimate_id": "r.large", "estimate": 0.86, "ci_lower": 0.68, "ci_upper": 1.08,
    ...      "population": "multicentre"},
    ...     {"estimate_id": "r.hq", "estimate": 0.82, "ci_lower": 0.65, "ci_upper": 1.03,
    ...      "population": "high quality"}])
    >>> t = check_explanations(ex, facts, est, total_id="r.all", large_id="r.large")
    >>> list(t.status), round(float(t.share.iloc[0]), 2)
    (['measured', 'ruled out'], 0.71)
    """
    facts = claim_facts.set_index("fact_id")
    est = estimates.set_index("estimate_id")
    total, large = est.loc[total_id], est.loc[large_id]
    rows = []
    for r in explanations.itertuples():
        row = {
            "explanation": r.explanation,
            "status": POSSIBLE,
            "why": r.notes or "",
            "share": math.nan,
            "share_low": math.nan,
            "share_high": math.nan,
        }
        if r.ruled_out_by:
            fact = facts.loc[r.ruled_out_by]
            if str(fact["value"]).strip().lower() == str(r.ruled_out_if).strip().lower():
                row.update(
                    status=RULED_OUT,
                    why=f"the review's eligibility excludes it: {fact['item']}, {fact['value']}",
                )
        if row["status"] != RULED_OUT and r.evidence:
            sub = est.loc[r.evidence]
            share = gap_share(total.estimate, sub.estimate, large.estimate)
            ends = sorted(
                gap_share(total.estimate, x, large.estimate) for x in (sub.ci_lower, sub.ci_upper)
            )
            row.update(
                status=MEASURED,
                share=share,
                share_low=ends[0],
                share_high=ends[1],
                why=f"the review's {sub.population} subset gives {sub.estimate:.2f} "
                f"({sub.ci_lower:.2f} to {sub.ci_upper:.2f}) against {total.estimate:.2f} for all "
                f"its trials and {large.estimate:.2f} for its {large.population}: it closes "
                f"{share:.0%} of the gap to the large trials"
                + (
                    ", but its interval is compatible with closing none of the gap or all of it"
                    if ends[0] <= 0 and ends[1] >= 1
                    else f" (its interval allows {ends[0]:.0%} to {ends[1]:.0%})"
                ),
            )
        rows.append(row)
    table = pd.DataFrame(rows)
    order = {MEASURED: 0, POSSIBLE: 1, RULED_OUT: 2}
    table["_rank"] = [
        (order[s], -(x if not math.isnan(x) else 0))
        for s, x in zip(table.status, table.share, strict=True)
    ]
    return table.sort_values("_rank", kind="stable").drop(columns="_rank").reset_index(drop=True)


def explanation_words(table: pd.DataFrame) -> str:
    """The checked explanations in one paragraph: the most likely first, with its evidence and
    uncertainty, then what remains possible, then what the review's design excludes.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`check_explanations`.

    Returns
    -------
    str

    Examples
    --------
    >>> t = pd.DataFrame([{"explanation": "bias", "status": MEASURED, "why": "w",
    ...                    "share": 0.7, "share_low": 0.2, "share_high": 0.9}])
    >>> explanation_words(t)
    'Most likely, on the data: bias (w).'
    """
    measured = table[table.status == MEASURED]
    possible = table[table.status == POSSIBLE]
    ruled = table[table.status == RULED_OUT]
    text = ""
    if len(measured):
        first = measured.iloc[0]
        text += f"Most likely, on the data: {first.explanation} ({first.why}). "
        if first.share_low < 0 or first.share_high > 1:
            text += "This is the best-supported explanation, not a settled one. "
    if len(possible):
        text += (
            "Possible but not measured in the sources: " + "; ".join(possible.explanation) + ". "
        )
    if len(ruled):
        text += (
            "Excluded by the review's own design: "
            + "; ".join(f"{r.explanation} ({r.why})" for r in ruled.itertuples())
            + "."
        )
    return text.strip()
