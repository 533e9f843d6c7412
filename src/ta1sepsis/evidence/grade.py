"""GRADE certainty of evidence, with the mechanical parts written as rules.

A body of randomised evidence starts at **high** certainty and is rated down one level (serious)
or two (very serious) for each of risk of bias, inconsistency, indirectness, imprecision and
publication bias (GRADE Handbook, Schünemann et al. 2013, section 5). What can be decided from
numbers is decided here, by the rules below; what cannot is a sourced judgement row of
``data/grade_judgements.csv`` (passed in as ``judgements``), never typed into a notebook.

Rules (each downgrade records the rule or the data row it came from):

* **Risk of bias** (rule, when trial-level RoB 2 assessments exist): weight the trials by their
  share of the information; rate down one level when at least half of it comes from trials at
  high risk (GRADE Handbook 5.2.1; Cochrane Handbook v5.1 Table 12.2.d). When most of it comes
  from trials with "some concerns" (unclear), the Handbook allows zero or one level: that is a
  judgement, taken from its sourced row. Without trial-level assessments, the sourced row.
* **Inconsistency**. With two or three trials it is a judgement (Core GRADE 3; GRADE 36): how
  far the point estimates differ, how much the intervals overlap, where the estimates lie
  against the decision threshold, and whether a hypothesis explains a difference. Two routes are
  computed and shown (:func:`inconsistency_routes`): the I² rule below, and the criteria route
  (rate down one level when the estimates fall on opposite sides of the threshold and their
  intervals overlap over less than half of the shorter one, an operationalisation stated as an
  assumption); the rating is the sourced judgement row, and the reason says when the routes
  disagree (the rating is then fragile between two levels). With four or more trials (rule):
  rate down one level when I² >= 50% or the heterogeneity test gives P < 0.10, two levels when
  I² >= 75% and P < 0.05 (the Handbook's rough guide: 50-90% substantial, 75-100% considerable);
  when a published pooled estimate comes without I², one level when its trials split into
  subsets whose estimates differ (contrast P < 0.05). A single trial: not applicable.
* **Imprecision** (rule): against the decision thresholds for benefit and harm (assumptions, in
  events per 1000) on the absolute scale, at the assumed control risk (GRADE 34; Core GRADE 2):
  rate down two levels when the interval of the risk difference includes both an important
  benefit (<= -benefit threshold) and an important harm (>= +harm threshold); one level when it
  includes an important effect in one direction and also values on the other side of that
  threshold, or when the patients fall short of the optimal information size (the TSA's required
  information size) even though the interval does not cross a threshold.
  A continuous outcome without a decision threshold: one level when its interval includes the null value or when
  fewer than ``ois_continuous`` patients contributed (the Handbook's rule of thumb).
* **Publication bias** (rule, ten or more trials): one level when Egger's test gives P < 0.10;
  with fewer trials, the sourced judgement row.
* **Indirectness**: always the sourced judgement row.
* **A claimed subgroup effect** is not rated through an extra domain: when the credibility of
  the effect modification is low (ICEMAN, Schandelmaier et al., CMAJ 2020;192:E901), the
  summary of findings gives the subgroup the overall effect and its certainty, with the reason
  (GRADE guidance 36; :func:`ta1sepsis.evidence.synthesis.subgroup_row`).

Plain-language statements follow GRADE's informative statements (Santesso et al., J Clin
Epidemiol 2020;119:126-135): the verb carries the certainty (high: "reduces"; moderate: "probably
reduces"; low: "may reduce"; very low: "the evidence is very uncertain"), the size the effect
relative to the decision threshold ("little to no difference" when the point estimate is
smaller than it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ta1sepsis.stats.absolute import per_1000

LEVELS = ("high", "moderate", "low", "very low")
RATINGS = {0: "not serious", 1: "serious", 2: "very serious"}
DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")


@dataclass(frozen=True)
class Downgrade:
    """One GRADE domain: levels rated down (0, 1 or 2), why, and where the decision came from.

    Attributes
    ----------
    domain : str
        One of :data:`DOMAINS`.
    levels : int
        0, 1 or 2.
    reason : str
        Why, in words (with the numbers).
    basis : str
        "rule: ..." or "judgement: data/grade_judgements.csv, line N (...)".

    Examples
    --------
    >>> Downgrade("imprecision", 1, "wide", "rule: ...").rating
    'serious'
    """

    domain: str
    levels: int
    reason: str
    basis: str  # "rule: ..." or "judgement: data/grade_judgements.csv, line N"

    @property
    def rating(self) -> str:
        """'not serious', 'serious' or 'very serious'."""
        return RATINGS[self.levels]


@dataclass
class Evidence:
    """What one summary-of-findings row needs.

    Attributes
    ----------
    outcome_id, label : str
        The row's id and its words.
    measure : str
        'RR', 'OR', 'HR' (ratio of a binary outcome) or 'MD' (continuous).
    estimate, lower, upper : float
        The estimate and its interval at ``level``.
    participants, trials : int or None
        Patients (analysed, unless ``participants_analysed`` is False) and trials.
    control_risk : float or None
        Assumed control risk (binary outcomes), with ``control_risk_source``.
    source, unit : str
    trial_rob : list of (str, float)
        RoB 2 overall judgement and information share of each trial.
    i2, q_p, subset_contrast_p, information_size, egger_p : float or None
        What the rules of inconsistency, imprecision and publication bias read.
    subset_difference_counted_elsewhere : bool
        A subset difference already counted under risk of bias and publication bias.
    credibility : str or None
        ICEMAN overall rating of a subgroup claim.
    threshold_benefit, threshold_harm : float or None
        Decision thresholds as risk differences (proportions; assumptions).
    level : float
        Level of the interval.
    trial_estimates : list of (str, float, float, float)
        Each trial of a pool of two or three (label, estimate, lower, upper), for the
        inconsistency criteria.
    importance : str
        critical / important / of limited importance (a judgement).
    participants_analysed : bool
        False when ``participants`` counts those randomised.
    """

    outcome_id: str
    label: str
    measure: str  # 'RR', 'OR', 'HR' (ratio of a binary outcome) or 'MD' (continuous)
    estimate: float
    lower: float
    upper: float
    participants: int | None
    trials: int | None
    control_risk: float | None = None  # assumed control risk (binary outcomes)
    control_risk_source: str = ""
    source: str = ""
    unit: str = ""
    trial_rob: list[tuple[str, float]] = field(default_factory=list)  # (overall RoB 2, weight)
    i2: float | None = None
    q_p: float | None = None
    subset_contrast_p: float | None = None
    information_size: float | None = None
    egger_p: float | None = None
    subset_difference_counted_elsewhere: bool = False
    credibility: str | None = None  # ICEMAN overall rating of a subgroup claim
    threshold_benefit: float | None = None  # decision threshold, proportion (binary outcomes)
    threshold_harm: float | None = None  # decision threshold for harm, proportion
    level: float = 0.95  # level of the interval lower..upper, a proportion
    trial_estimates: list[tuple[str, float, float, float]] = field(default_factory=list)
    # (label, estimate, lower, upper) of each trial of a pool of two or three, on the measure's
    # scale, for the inconsistency criteria
    importance: str = ""  # critical / important / not important (a judgement)
    participants_analysed: bool = True  # False: ``participants`` counts those randomised


def risk_of_bias(e: Evidence, judgement: dict | None) -> Downgrade:
    """Risk of bias: by rule from the trials' RoB 2 judgements weighted by information, or from
    the sourced judgement row (module docstring).

    Parameters
    ----------
    e : Evidence
    judgement : dict or None
        The sourced row (rating, rationale, line, criterion) for this outcome and domain.

    Returns
    -------
    Downgrade

    Examples
    --------
    >>> e = Evidence("o", "death", "RR", 0.9, 0.8, 1.0, 1000, 2, 0.25,
    ...              trial_rob=[("high", 0.6), ("low", 0.4)])
    >>> risk_of_bias(e, None).levels
    1
    """
    if e.trial_rob:
        total = sum(w for _, w in e.trial_rob)
        concerned = sum(w for level, w in e.trial_rob if level in ("high", "some concerns")) / total
        high = sum(w for level, w in e.trial_rob if level == "high") / total
        shares = f"{high:.0%} of the information from trials at high risk of bias, {concerned:.0%} at high risk or some concerns (RoB 2)"
        if high >= 0.5:
            return Downgrade(
                "risk_of_bias",
                1,
                shares,
                "rule: rate down one level when at least half of the information comes from trials at high risk "
                "(RoB 2 overall judgements, data/risk_of_bias.csv)",
            )
        if concerned >= 0.5:
            if judgement is None:
                raise ValueError(
                    f"{e.outcome_id}: most information is at some concerns, which needs a sourced judgement "
                    "row (data/grade_judgements.csv, domain risk_of_bias)"
                )
            d = _from_judgement("risk_of_bias", judgement)
            return Downgrade(d.domain, d.levels, f"{shares}. {d.reason}", d.basis)
        return Downgrade(
            "risk_of_bias",
            0,
            shares,
            "rule: not rated down when most information comes from trials at low risk (RoB 2 overall judgements)",
        )
    return _from_judgement("risk_of_bias", judgement)


def _i2_rule(e: Evidence) -> tuple[int, str]:
    if e.i2 >= 0.75 and e.q_p < 0.05:
        levels = 2
    elif e.i2 >= 0.5 or e.q_p < 0.10:
        levels = 1
    else:
        levels = 0
    return levels, f"I² = {100 * e.i2:.0f}%, heterogeneity P = {e.q_p:.2g}"


def _absolute(e: Evidence, ratio: float) -> float:
    """A ratio of the evidence's measure as a difference per 1000 at its control risk."""
    return per_1000(e.control_risk, ratio, ratio, ratio, scale=e.measure)["difference"]


def inconsistency_routes(e: Evidence, overlap_needed: float = 0.5) -> dict:
    """The two routes to an inconsistency rating for a pool of two or three trials.

    Parameters
    ----------
    e : Evidence
        With ``trial_estimates`` (each trial's estimate and interval on the ratio scale),
        ``control_risk``, the decision thresholds, and ``i2`` and ``q_p``.
    overlap_needed : float
        Share of the shorter interval (log scale) over which the intervals must overlap for
        the overlap not to count as minimal (an assumption of this collection).

    Returns
    -------
    dict
        ``i2``: (levels, reason) by the I² rule; ``criteria``: (levels, reason) by the Core
        GRADE 3 criteria; ``overlap`` (share of the shorter interval), ``opposite`` (point
        estimates on opposite sides of the benefit threshold), ``per_1000`` (each trial's
        point estimate as a difference per 1000) and ``fragile`` (the routes disagree).

    References
    ----------
    Guyatt G, Eachempati P. Core GRADE 3: assessing inconsistency. BMJ 2025; Guyatt G, et al.
    GRADE guidance 36. J Clin Epidemiol 2023 (data/method_facts.csv, topic grade).

    Examples
    --------
    >>> e = Evidence("x", "death", "RR", 0.86, 0.7, 1.05, 1450, 2, 0.24,
    ...              threshold_benefit=0.01, threshold_harm=0.01, i2=0.52, q_p=0.15,
    ...              trial_estimates=[("A", 0.74, 0.54, 1.02), ("B", 0.97, 0.78, 1.20)])
    >>> r = inconsistency_routes(e)
    >>> r["i2"][0], r["criteria"][0], round(r["overlap"], 2), r["opposite"], r["fragile"]
    (1, 0, 0.62, True, True)
    """
    import math

    logs = [(math.log(lo), math.log(hi)) for _, _, lo, hi in e.trial_estimates]
    common = min(h for _, h in logs) - max(lo for lo, _ in logs)
    shortest = min(h - lo for lo, h in logs)
    overlap = max(common, 0.0) / shortest
    thr = 1000 * (e.threshold_benefit or 0)
    per_trial = [_absolute(e, est) for _, est, _, _ in e.trial_estimates]
    beyond = [d <= -thr for d in per_trial]
    opposite = any(beyond) and not all(beyond)
    words = "; ".join(
        f"{label} {d:+.0f} per 1000"
        for (label, *_), d in zip(e.trial_estimates, per_trial, strict=True)
    )
    if opposite and overlap < overlap_needed:
        criteria = (
            1,
            f"the point estimates ({words}) fall on opposite sides of the threshold of {thr:g} "
            f"per 1000 and their intervals overlap over {overlap:.0%} of the shorter one",
        )
    else:
        criteria = (
            0,
            f"the point estimates ({words}) "
            + ("fall on opposite sides of" if opposite else "lie on the same side of")
            + f" the threshold of {thr:g} per 1000, and their intervals overlap over "
            f"{overlap:.0%} of the shorter one",
        )
    i2 = _i2_rule(e) if e.i2 is not None and e.q_p is not None else None
    return {
        "i2": i2,
        "criteria": criteria,
        "overlap": overlap,
        "opposite": opposite,
        "per_1000": per_trial,
        "fragile": i2 is not None and i2[0] != criteria[0],
    }


def inconsistency(e: Evidence, judgement: dict | None = None) -> Downgrade:
    """Inconsistency: judged with two or three trials, by rule with more (module docstring).

    Parameters
    ----------
    e : Evidence
    judgement : dict, optional
        The sourced row for this outcome and domain.

    Returns
    -------
    Downgrade

    Examples
    --------
    >>> e = Evidence("o", "death", "RR", 0.9, 0.8, 1.0, 5000, 8, 0.25, i2=0.8, q_p=0.01)
    >>> inconsistency(e).levels
    2
    """
    if e.trials is not None and e.trials < 2:
        return Downgrade(
            "inconsistency", 0, "a single trial: not applicable", "rule: needs two or more trials"
        )
    if e.trial_estimates and 2 <= len(e.trial_estimates) <= 3 and e.control_risk is not None:
        routes = inconsistency_routes(e)
        i2 = routes["i2"]
        shown = (
            f"Criteria (Core GRADE 3): {routes['criteria'][1]} ({RATINGS[routes['criteria'][0]]})"
            + (f"; I² rule: {i2[1]} ({RATINGS[i2[0]]})" if i2 else "")
            + (
                "; the two routes disagree, so the rating is fragile between "
                f"{RATINGS[min(i2[0], routes['criteria'][0])]} and "
                f"{RATINGS[max(i2[0], routes['criteria'][0])]}"
                if routes["fragile"]
                else ""
            )
        )
        if judgement is not None:
            d = _from_judgement("inconsistency", judgement)
            return Downgrade(d.domain, d.levels, f"{d.reason} {shown}.", d.basis)
        return Downgrade(
            "inconsistency",
            routes["criteria"][0],
            shown,
            "rule: with two or three trials, the Core GRADE 3 criteria (opposite sides of the "
            "threshold and less than half of the shorter interval overlapping: one level)",
        )
    if e.i2 is not None and e.q_p is not None:
        levels, reason = _i2_rule(e)
        return Downgrade(
            "inconsistency",
            levels,
            reason,
            "rule: one level when I² >= 50% or P < 0.10; two when I² >= 75% and P < 0.05",
        )
    if e.subset_contrast_p is not None and e.subset_difference_counted_elsewhere:
        return Downgrade(
            "inconsistency",
            0,
            f"I² not reported; the trials outside the large-trial subset differ from it "
            f"(P = {e.subset_contrast_p:.2g}), but that pattern is already counted under risk "
            "of bias and publication bias and is not counted twice",
            "rule: a difference between subsets explained by study limitations is rated once "
            "(GRADE Handbook 5.2.2)",
        )
    if e.subset_contrast_p is not None:
        levels = 1 if e.subset_contrast_p < 0.05 else 0
        return Downgrade(
            "inconsistency",
            levels,
            "I² not reported; the trials outside the large-trial subset differ from it "
            f"(P = {e.subset_contrast_p:.2g})",
            "rule: when I² is not reported, one level when subsets of the trials differ "
            "(contrast P < 0.05)",
        )
    return _from_judgement("inconsistency", judgement)


def imprecision(e: Evidence, ois_continuous: int = 400) -> Downgrade:
    """Imprecision against the decision thresholds on the absolute scale, or for a continuous
    outcome by the rule of thumb (module docstring).

    Parameters
    ----------
    e : Evidence
    ois_continuous : int
        Patients below which a continuous outcome is rated down (GRADE's rule of thumb).

    Returns
    -------
    Downgrade

    Examples
    --------
    >>> e = Evidence("o", "death", "RR", 0.9, 0.85, 1.10, 1000, 2, 0.25,
    ...              threshold_benefit=0.02, threshold_harm=0.02)
    >>> imprecision(e).levels  # -37.5 to +25 per 1000: important benefit and harm
    2
    """
    if e.measure == "MD" or e.control_risk is None:
        includes_null = e.lower <= 0 <= e.upper
        short = e.participants is not None and e.participants < ois_continuous
        levels = 1 if includes_null or short else 0
        why = []
        if includes_null:
            why.append("the interval includes the null value")
        if short:
            why.append(
                f"{e.participants} patients, fewer than the {ois_continuous} of the rule of thumb"
            )
        return Downgrade(
            "imprecision",
            levels,
            "; ".join(why) or "the interval excludes the null value and the sample is large enough",
            "rule (no decision threshold for this outcome): one level when the CI includes no "
            f"effect or fewer than {ois_continuous} patients",
        )
    absolute = per_1000(e.control_risk, e.estimate, e.lower, e.upper, scale=e.measure)
    lo, hi = sorted((absolute["difference_lower"], absolute["difference_upper"]))
    benefit_thr, harm_thr = 1000 * e.threshold_benefit, 1000 * e.threshold_harm
    benefit = lo <= -benefit_thr
    harm = hi >= harm_thr
    if benefit and harm:
        levels, why = (
            2,
            f"the interval ({lo:.0f} to {hi:.0f} per 1000) includes both an important benefit "
            "and an important harm",
        )
    elif benefit and hi > -benefit_thr:
        levels, why = (
            1,
            f"the interval ({lo:.0f} to {hi:.0f} per 1000) runs from an important benefit to "
            "less than the threshold",
        )
    elif harm and lo < harm_thr:
        levels, why = (
            1,
            f"the interval ({lo:.0f} to {hi:.0f} per 1000) runs from an important harm to less "
            "than the threshold",
        )
    else:
        levels, why = 0, f"the interval ({lo:.0f} to {hi:.0f} per 1000) does not cross a threshold"
    if (
        levels == 0
        and e.information_size
        and e.participants
        and e.participants < e.information_size
    ):
        levels = 1
        why += (
            f", but {e.participants} patients fall short of the optimal information size "
            f"({e.information_size:,.0f})"
        )
    return Downgrade(
        "imprecision",
        levels,
        why,
        f"rule: against the decision thresholds of {benefit_thr:g} per 1000 for benefit and "
        f"{harm_thr:g} for harm (assumptions) at the assumed control risk, and the optimal "
        "information size",
    )


def publication_bias(e: Evidence, judgement: dict | None, min_trials: int = 10) -> Downgrade:
    """Publication bias: Egger's test with ten or more trials, else the sourced judgement row.

    Parameters
    ----------
    e : Evidence
    judgement : dict or None
    min_trials : int
        Fewest trials for a funnel-plot test.

    Returns
    -------
    Downgrade

    Examples
    --------
    >>> e = Evidence("o", "death", "RR", 0.9, 0.8, 1.0, 3000, 12, 0.25, egger_p=0.04)
    >>> publication_bias(e, None).levels
    1
    """
    if e.trials is not None and e.trials >= min_trials and e.egger_p is not None:
        levels = 1 if e.egger_p < 0.10 else 0
        return Downgrade(
            "publication_bias",
            levels,
            f"Egger's test P = {e.egger_p:.2g}",
            "rule: one level when Egger's test P < 0.10 (ten or more trials)",
        )
    return _from_judgement("publication_bias", judgement)


def _from_judgement(domain: str, judgement: dict | None) -> Downgrade:
    if judgement is None:
        return Downgrade(domain, 0, "no judgement recorded", "no information")
    levels = {"not serious": 0, "serious": 1, "very serious": 2}[judgement["rating"]]
    return Downgrade(
        domain,
        levels,
        judgement["rationale"],
        f"judgement: data/grade_judgements.csv, line {judgement['line']} ({judgement['criterion']})",
    )


def effect_size(difference_per_1000: float, e: Evidence) -> str:
    """'decrease', 'increase' or 'trivial': a difference per 1000 against the thresholds.

    Parameters
    ----------
    difference_per_1000 : float
        Treatment minus control, events per 1000.
    e : Evidence
        With the decision thresholds (proportions).

    Returns
    -------
    str

    Examples
    --------
    >>> e = Evidence("o", "d", "RR", 1, 1, 1, 1, 1, 0.2, threshold_benefit=0.01,
    ...              threshold_harm=0.02)
    >>> effect_size(-12, e), effect_size(15, e)
    ('decrease', 'trivial')
    """
    if difference_per_1000 <= -1000 * e.threshold_benefit:
        return "decrease"
    if difference_per_1000 >= 1000 * e.threshold_harm:
        return "increase"
    return "trivial"


@dataclass
class Rating:
    """One rated outcome.

    Attributes
    ----------
    evidence : Evidence
    downgrades : list of Downgrade
        One per domain.
    certainty : str
        high, moderate, low or very low.
    absolute : dict or None
        The effect per 1000 (:func:`ta1sepsis.stats.absolute.per_1000`).
    statement : str
        GRADE's informative statement.
    """

    evidence: Evidence
    downgrades: list[Downgrade]
    certainty: str
    absolute: dict | None
    statement: str


def certainty(downgrades: list[Downgrade], start: str = "high") -> str:
    """Certainty after subtracting the levels of every downgrade from ``start`` (floor: very low).

    Parameters
    ----------
    downgrades : list of Downgrade
    start : str
        "high" for randomised evidence.

    Returns
    -------
    str

    Examples
    --------
    >>> certainty([Downgrade("a", 1, "", ""), Downgrade("b", 2, "", "")])
    'very low'
    """
    total = sum(d.levels for d in downgrades)
    return LEVELS[min(LEVELS.index(start) + total, len(LEVELS) - 1)]


def statement(label: str, intervention: str, level: str, size: str) -> str:
    """GRADE informative statement (Santesso et al. 2020) for a certainty level and effect size.

    Parameters
    ----------
    label : str
        The outcome.
    intervention : str
    level : str
        The certainty.
    size : str
        'decrease' or 'increase' (an important change in that direction) or 'trivial'.

    Returns
    -------
    str

    Examples
    --------
    >>> statement("28-day mortality", "Tα1", "low", "decrease")
    'Tα1 may reduce 28-day mortality.'
    """
    if level == "very low":
        return f"The evidence is very uncertain about the effect of {intervention} on {label}."
    verb = {
        ("high", "decrease"): "reduces",
        ("moderate", "decrease"): "probably reduces",
        ("low", "decrease"): "may reduce",
        ("high", "increase"): "increases",
        ("moderate", "increase"): "probably increases",
        ("low", "increase"): "may increase",
        ("high", "trivial"): "results in little to no difference in",
        ("moderate", "trivial"): "probably results in little to no difference in",
        ("low", "trivial"): "may result in little to no difference in",
    }[(level, size)]
    return f"{intervention[0].upper() + intervention[1:]} {verb} {label}."


def rate(
    e: Evidence,
    judgements: dict[str, dict],
    intervention: str = "the intervention",
    ois_continuous: int = 400,
) -> Rating:
    """Every domain for one outcome, the certainty and the plain-language statement.

    Parameters
    ----------
    e : Evidence
    judgements : dict
        Domain -> sourced judgement row, for this outcome.
    intervention : str
        The intervention's name in the statement.
    ois_continuous : int
        See :func:`imprecision`.

    Returns
    -------
    Rating

    Examples
    --------
    >>> e = Evidence("o", "28-day mortality", "RR", 0.8, 0.6, 1.1, 400, 1, 0.25,
    ...              threshold_benefit=0.01, threshold_harm=0.01)
    >>> r = rate(e, {}, "T")
    >>> r.certainty, r.statement
    ('low', 'T may reduce 28-day mortality.')
    """
    downgrades = [
        risk_of_bias(e, judgements.get("risk_of_bias")),
        inconsistency(e, judgements.get("inconsistency")),
        _from_judgement("indirectness", judgements.get("indirectness")),
        imprecision(e, ois_continuous),
        publication_bias(e, judgements.get("publication_bias")),
    ]
    level = certainty(downgrades)
    absolute = None
    if e.measure != "MD" and e.control_risk is not None:
        absolute = per_1000(e.control_risk, e.estimate, e.lower, e.upper, scale=e.measure)
        size = effect_size(absolute["difference"], e)
    else:
        # no threshold for a continuous outcome: the direction of an interval that excludes no
        # effect
        size = "increase" if e.lower > 0 else "decrease" if e.upper < 0 else "trivial"
    if math.isnan(e.estimate):
        raise ValueError(f"{e.outcome_id}: no estimate")
    return Rating(e, downgrades, level, absolute, statement(e.label, intervention, level, size))
