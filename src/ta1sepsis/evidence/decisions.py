"""What an estimate says against decision thresholds: the words a bottom line uses, computed.

A decision threshold is the smallest absolute difference per 1000 patients that matters, one for
benefit and one for harm (GRADE 34; Core GRADE 2; assumptions set in ``params/shared.yaml`` with
their sources in ``data/method_facts.csv``). A point estimate is an *important* reduction or
increase, or *less than the threshold*; an interval *includes* an important benefit, an important
harm, values below the threshold, or several of these. Every bottom line that states a direction
or "little or no difference" says which threshold it used and what the same evidence says under
the sourced alternatives (:func:`threshold_sentences`).
"""

from __future__ import annotations

from ta1sepsis.stats.absolute import per_1000


def reading(point: float, lower: float, upper: float, *, benefit: float, harm: float) -> dict:
    """Where a difference per 1000 and its interval lie against the thresholds.

    Parameters
    ----------
    point, lower, upper : float
        Difference in events per 1000 (treatment minus control; negative = fewer events).
    benefit, harm : float
        Decision thresholds in events per 1000 (positive numbers).

    Returns
    -------
    dict
        ``point``: 'important benefit', 'important harm' or 'less than the thresholds';
        ``includes``: the kinds of effect inside the interval, in order benefit, trivial, harm;
        ``words``: one phrase.

    Examples
    --------
    >>> r = reading(-26, -63, 17, benefit=10, harm=10)
    >>> r["point"], r["includes"]
    ('important benefit', ['important benefit', 'less than the thresholds', 'important harm'])
    >>> reading(-26, -63, 17, benefit=35, harm=35)["words"]
    'a difference smaller than the threshold; the interval includes an important benefit and differences smaller than the threshold'
    """
    lo, hi = sorted((lower, upper))
    point_kind = (
        "important benefit"
        if point <= -benefit
        else "important harm"
        if point >= harm
        else "less than the thresholds"
    )
    includes = []
    if lo <= -benefit:
        includes.append("important benefit")
    if hi > -benefit and lo < harm:
        includes.append("less than the thresholds")
    if hi >= harm:
        includes.append("important harm")
    words = {
        "important benefit": "an important reduction",
        "important harm": "an important increase",
        "less than the thresholds": "a difference smaller than the threshold",
    }[point_kind]
    shown = [
        {
            "important benefit": "an important benefit",
            "important harm": "an important harm",
            "less than the thresholds": "differences smaller than the threshold",
        }[k]
        for k in includes
    ]
    if len(shown) == 1:
        words += f"; the whole interval shows {shown[0]}"
    else:
        words += "; the interval includes " + ", ".join(shown[:-1]) + f" and {shown[-1]}"
    return {"point": point_kind, "includes": includes, "words": words}


def threshold_sentences(
    estimate: float,
    lower: float,
    upper: float,
    *,
    control: float,
    measure: str,
    thresholds: list[tuple[str, float, float]],
    outcome: str = "deaths",
) -> str:
    """What one estimate says under each threshold, first the one used, then the alternatives.

    Parameters
    ----------
    estimate, lower, upper : float
        The estimate and its interval on the ratio scale (or a difference for RD).
    control : float
        Assumed control risk (proportion).
    measure : {"RR", "OR", "HR", "RD"}
    thresholds : list of (str, float, float)
        (label, benefit, harm) in events per 1000; the first is the one the answer uses.
    outcome : str
        The events, for the words ("deaths").

    Returns
    -------
    str
        "If 10 fewer deaths per 1000 matter (label), ...; with a higher threshold of 18 or 25 (labels), ...", alternatives with the same reading sharing one clause.

    Examples
    --------
    >>> print(threshold_sentences(0.864, 0.681, 1.094, control=0.241, measure="OR",
    ...       thresholds=[("default", 10, 10), ("a", 25, 25), ("b", 30, 30), ("c", 35, 35)]))
    If 10 fewer deaths per 1000 matter (default), the estimate is an important reduction; the interval includes an important benefit, differences smaller than the threshold and an important harm; with a higher threshold of 25 (a), the estimate is an important reduction; the interval includes an important benefit and differences smaller than the threshold; with a higher threshold of 30 or 35 (b; c), the estimate is a difference smaller than the threshold; the interval includes an important benefit and differences smaller than the threshold.
    """
    a = per_1000(control, estimate, lower, upper, scale=measure)
    groups: list[list] = []  # consecutive alternatives with the same reading share a clause
    for i, (label, benefit, harm) in enumerate(thresholds):
        words = reading(
            a["difference"],
            a["difference_lower"],
            a["difference_upper"],
            benefit=benefit,
            harm=harm,
        )["words"]
        if i > 1 and groups[-1][0] == words:
            groups[-1][1].append((label, benefit))
        else:
            groups.append([words, [(label, benefit)]])
    chosen = thresholds[0][1]
    parts = []
    for i, (words, members) in enumerate(groups):
        values = " or ".join(f"{b:g}" for _, b in members)
        labels = "; ".join(label for label, _ in members)
        if i == 0:
            lead = f"If {values} fewer {outcome} per 1000 matter"
        else:
            higher = all(b > chosen for _, b in members)
            lead = f"with a {'higher' if higher else 'lower'} threshold of {values}"
        parts.append(f"{lead} ({labels}), the estimate is {words}")
    return "; ".join(parts) + "."


def probability_at_least(fit_prob_below, control: float, measure: str, per_1000_change: float):
    """P(the true difference is at least ``per_1000_change`` per 1000 in its direction), from a
    posterior on the log ratio scale (or on the risk-difference scale for ``measure="RD"``).

    Parameters
    ----------
    fit_prob_below : callable
        P(parameter < x) of the posterior (e.g. ``BayesMetaResult.prob_below``): x is a log
        ratio, or a risk difference (proportion) for RD.
    control : float
        Control risk (proportion).
    measure : {"RR", "OR", "HR", "RD"}
    per_1000_change : float
        Negative: a reduction of at least that many per 1000; positive: an increase.

    Returns
    -------
    float
        0 when the change is impossible at this control risk (a reduction larger than the
        control risk, or an increase beyond a risk of 1).

    Examples
    --------
    >>> from scipy import stats
    >>> p = probability_at_least(lambda x: stats.norm.cdf(x, 0, 0.2), 0.25, "RR", -25)
    >>> round(p, 3)  # RR 0.9 at a control risk of 0.25: P(log RR < ln 0.9)
    0.299
    >>> probability_at_least(lambda x: 0.5, 0.009, "RR", -10)  # 10 fewer per 1000 from 9
    0.0
    >>> round(probability_at_least(lambda x: stats.norm.cdf(x, 0, 0.02), 0.3, "RD", 20), 3)
    0.159
    """
    import math

    from ta1sepsis.stats.absolute import ratio_for_risk_difference

    change = per_1000_change / 1000
    if not 0 < control + change < 1:
        return 0.0
    if measure == "RD":
        below = fit_prob_below(change)
    else:
        below = fit_prob_below(math.log(ratio_for_risk_difference(control, change, measure)))
    return float(below if per_1000_change < 0 else 1 - below)
