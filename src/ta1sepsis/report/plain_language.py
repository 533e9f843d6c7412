"""The plain-language answer that opens the site, built from the synthesis's results.

A Cochrane plain-language summary is the model: what the evidence says, how big the effect is
per 1000 people, how sure we are, what it was judged against, who might benefit, what is not
known, and what that implies for practice and for research. Every sentence here is assembled
from ``results/09_synthesis.json`` (``synthesis.*`` keys), so a new trial or another decision
threshold changes it; nothing is typed in.
"""

from __future__ import annotations

from collections.abc import Mapping

from ta1sepsis.evidence.decisions import reading

CERTAINTY_SYMBOLS = {
    "high": "⊕⊕⊕⊕",
    "moderate": "⊕⊕⊕◯",
    "low": "⊕⊕◯◯",
    "very low": "⊕◯◯◯",
}
DOMAIN_WORDS = {
    "risk_of_bias": "risk of bias",
    "inconsistency": "inconsistency",
    "indirectness": "indirectness",
    "imprecision": "imprecision",
    "publication_bias": "publication bias",
}
POOLED = "mortality_28d_large_trials"
ALL_RCTS = "mortality_28d_all_rcts"
BIAS_ADJUSTED = "mortality_28d_bias_adjusted"
HARMS = "adverse_events"


def certainty_symbols(level: str) -> str:
    """GRADE's ⊕ symbols for a certainty level ("low" -> "⊕⊕◯◯").

    Examples
    --------
    >>> certainty_symbols("moderate")
    '⊕⊕⊕◯'
    """
    try:
        return CERTAINTY_SYMBOLS[level]
    except KeyError:
        raise ValueError(
            f"unknown certainty level {level!r}; expected one of {sorted(CERTAINTY_SYMBOLS)}"
        ) from None


def per_1000_words(value: float, outcome: str = "die") -> str:
    """A difference per 1000 in words ("26 fewer would die", "3 more would die").

    Examples
    --------
    >>> per_1000_words(-25.8)
    '26 fewer would die'
    >>> per_1000_words(0.2)
    'about as many would die'
    """
    n = round(abs(value))
    if n == 0:
        return f"about as many would {outcome}"
    return f"{n:,} {'fewer' if value < 0 else 'more'} would {outcome}"


def _bound(value: float) -> str:
    n = round(abs(value))
    return "no difference" if n == 0 else f"{n:,} {'fewer' if value < 0 else 'more'}"


def reasons(downgrades: Mapping[str, int]) -> str:
    """The GRADE domains rated down, in words ("imprecision (2 levels)")."""
    parts = [
        f"{DOMAIN_WORDS.get(d, d.replace('_', ' '))} ({n} level{'s' if n != 1 else ''})"
        for d, n in downgrades.items()
        if n
    ]
    return ", ".join(parts) if parts else "nothing"


def interval_reading(lower: float, upper: float, benefit: float, harm: float) -> str:
    """Where an interval of differences per 1000 lies against the decision thresholds.

    Parameters
    ----------
    lower, upper : float
        Interval of the difference in events per 1000 (negative = fewer events with treatment).
    benefit, harm : float
        Decision thresholds per 1000 (positive numbers): an important benefit is at least
        ``benefit`` fewer events, an important harm at least ``harm`` more.

    Returns
    -------
    str
        "an important benefit only", "an important benefit and no important difference",
        "an important benefit, no important difference and an important harm", ...

    Examples
    --------
    >>> interval_reading(-63.1, 16.9, 10, 10)
    'an important benefit, differences smaller than the threshold and an important harm'
    >>> interval_reading(-83.3, -18.8, 10, 10)
    'an important benefit only'
    """
    shown = {
        "important benefit": "an important benefit",
        "important harm": "an important harm",
        "less than the thresholds": "differences smaller than the threshold",
    }
    parts = [shown[k] for k in reading(lower, lower, upper, benefit=benefit, harm=harm)["includes"]]
    if len(parts) == 1:
        return f"{parts[0]} only"
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def index_answer(results: Mapping, intervention: str = "Tα1") -> dict | None:
    """The index page's plain-language answer, from the synthesis's results.

    Parameters
    ----------
    results : mapping
        ``results/09_synthesis.json`` as read (key -> {"value", "lower", ...}).
    intervention : str
        How the intervention is named.

    Returns
    -------
    dict or None
        ``statement``, ``size``, ``certainty`` (level), ``symbols``, ``why``, ``threshold``,
        ``all_evidence``, ``who`` (list), ``unknown`` (list), ``practice``, ``research``
        (sentences; optional parts are ``None`` or empty when their results are absent);
        ``None`` when the synthesis has no pooled mortality answer.
    """

    def value(key):
        item = results.get(f"synthesis.{key}")
        return None if item is None else item["value"]

    if value(f"{POOLED}.statement") is None or f"synthesis.{POOLED}.difference_per_1000" not in (
        results
    ):
        return None
    diff = results[f"synthesis.{POOLED}.difference_per_1000"]
    level = diff.get("level")
    baseline = value("baseline_risk")
    threshold = value("threshold.mortality") or {}
    benefit, harm = threshold.get("benefit"), threshold.get("harm")
    certainty = value(f"{POOLED}.certainty")
    interval = f"{level:.0%} CI" if level else "interval"
    size = (
        f"For 1000 people with sepsis at a 28-day risk of death of {baseline:.0%} without it, "
        f"{per_1000_words(diff['value'])} with {intervention} "
        f"({interval}: {_bound(diff['lower'])} to {_bound(diff['upper'])})."
    )
    why = reasons(value(f"{POOLED}.downgrades") or {})
    answer = {
        "statement": value(f"{POOLED}.statement"),
        "size": size,
        "certainty": certainty,
        "symbols": certainty_symbols(certainty),
        "why": f"Rated down for {why}." if why != "nothing" else "Not rated down.",
        "threshold": None,
        "all_evidence": None,
        "who": [],
        "unknown": [],
        "practice": None,
        "research": None,
    }
    if benefit is not None and harm is not None:
        reading = interval_reading(diff["lower"], diff["upper"], benefit, harm)
        depends = value(f"{POOLED}.depends_on_threshold")
        answer["threshold"] = (
            f"Judged against a decision threshold of {benefit:g} fewer deaths per 1000 for "
            f"benefit and {harm:g} more for harm (assumptions, params/shared.yaml), the interval "
            f"includes {reading}."
            + (
                f" Across the sourced alternative thresholds, what changes: {depends}."
                if depends
                else ""
            )
        )
        answer["practice"] = _practice(certainty, reading, intervention)
    if value(f"{ALL_RCTS}.statement") is not None:
        all_diff = results.get(f"synthesis.{ALL_RCTS}.difference_per_1000")
        words = (
            f": {per_1000_words(all_diff['value'])} per 1000 "
            f"({_bound(all_diff['lower'])} to {_bound(all_diff['upper'])})"
            if all_diff
            else ""
        )
        answer["all_evidence"] = (
            f"Counting every randomised trial as the latest review pooled them{words}, but "
            f"certainty is {value(f'{ALL_RCTS}.certainty')}. "
            f"{value(f'{ALL_RCTS}.statement')} The small trials that make the difference cannot "
            "be re-analysed trial by trial from the sources."
        )
    adjusted = results.get(f"synthesis.{BIAS_ADJUSTED}.difference_per_1000")
    if adjusted is not None and value(f"{BIAS_ADJUSTED}.statement") is not None:
        answer["all_evidence"] = (answer["all_evidence"] or "") + (
            " With the small trials' estimate adjusted for the bias that small trials show on "
            f"average (a Bayesian synthesis of all the evidence): {per_1000_words(adjusted['value'])}"
            f" per 1000 ({_bound(adjusted['lower'])} to {_bound(adjusted['upper'])}, credible "
            f"interval), certainty {value(f'{BIAS_ADJUSTED}.certainty')}; the answer moves with "
            "how far one trusts the small trials (09_synthesis, section 4)."
        )
    # a subgroup claim is whatever the synthesis rated for credibility (ICEMAN), whatever its id
    for key in sorted(results):
        if key.startswith("synthesis.") and key.endswith(".credibility"):
            name = key[len("synthesis.") : -len(".credibility")]
            credibility = results[key]["value"]
            item = results[f"synthesis.{name}.estimate"]  # written beside it; KeyError if not
            label = item["description"].split(": ", 1)[-1]
            answer["who"].append(
                f"{label}: {item.get('unit') or 'ratio'} {item['value']:.2f} "
                f"({item['lower']:.2f} to {item['upper']:.2f}) as published; credibility "
                f"{credibility} (ICEMAN): a hypothesis to test, not an established effect."
            )
    harms = value(f"{HARMS}.statement")
    if harms is not None:
        answer["unknown"].append(
            "Harms: the sources give no adverse-event counts per arm, so the size of any harm "
            f"cannot be estimated ({harms}); this is not evidence of no harm."
        )
    nxt = value("next_trial")
    if nxt:
        answer["research"] = (
            f"A trial testing the {nxt['population']} signal at its shrunken effect would need "
            f"{nxt['n_fixed']:,.0f} patients, {nxt['n_fixed'] / nxt['largest_trial_n']:.1f} times "
            f"{nxt['largest_trial']} ({nxt['largest_trial_n']:,}); planned for "
            f"{nxt['nominal_power']:.0%} power, it would succeed with probability "
            f"{nxt['assurance']:.0%} given what is now known (its assurance)."
        )
    return answer


def _practice(certainty: str, reading: str, intervention: str) -> str:
    """Implications for practice from the certainty and where the interval lies."""
    if reading == "an important benefit only":
        if certainty in ("high", "moderate"):
            return (
                f"The evidence supports an important reduction in mortality with {intervention} "
                f"({certainty} certainty); a recommendation would still weigh harms, costs and "
                "values."
            )
        return (
            f"The interval lies beyond the benefit threshold, but at {certainty} certainty the "
            "true effect may be substantially different: any recommendation would be "
            "conditional."
        )
    if "benefit" in reading:
        return (
            f"The evidence neither establishes nor excludes an important reduction in mortality "
            f"with {intervention} ({certainty} certainty; the interval includes {reading}): "
            "these data do not establish that routine use reduces mortality, and a decision to "
            "use it rests on values, costs and the uncertain harms."
        )
    return (
        f"The evidence does not include an important reduction in mortality with {intervention} "
        f"within its interval ({certainty} certainty; the interval includes {reading})."
    )
