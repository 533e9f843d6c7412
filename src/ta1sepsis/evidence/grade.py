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
* **Inconsistency** (rule, two or more trials): rate down one level when I² >= 50% or the
  heterogeneity test gives P < 0.10, two levels when I² >= 75% and P < 0.05 (the Handbook's
  rough guide: 50-90% substantial, 75-100% considerable); when a published pooled estimate comes
  without I², one level when its trials split into subsets whose estimates differ (contrast
  P < 0.05). A single trial: not applicable.
* **Imprecision** (rule): against the minimal clinically important difference (MCID, an
  assumption) on the absolute scale, at the assumed control risk: rate down two levels when the
  interval of the risk difference includes both an important benefit (<= -MCID) and an important
  harm (>= +MCID); one level when it includes an important effect in one direction and also
  values on the other side of that threshold, or when the patients fall short of the optimal
  information size (the TSA's required information size) even though the interval does not cross
  a threshold (GRADE guidelines 6, Guyatt et al., J Clin Epidemiol 2011;64:1283; GRADE 34/35).
  A continuous outcome without an MCID: one level when its interval includes no effect or when
  fewer than ``ois_continuous`` patients contributed (the Handbook's rule of thumb).
* **Publication bias** (rule, ten or more trials): one level when Egger's test gives P < 0.10;
  with fewer trials, the sourced judgement row.
* **Indirectness**: always the sourced judgement row.
* **Credibility of a claimed subgroup effect** (our rule, an assumption, stated): the certainty
  of an effect claimed for a subgroup cannot exceed the credibility of the effect modification
  (ICEMAN, Schandelmaier et al., CMAJ 2020;192:E901): rate down two levels for low or very low
  credibility, one for moderate.

Plain-language statements follow GRADE's informative statements (Santesso et al., J Clin
Epidemiol 2020;119:126-135): the verb carries the certainty (high: "reduces"; moderate: "probably
reduces"; low: "may reduce"; very low: "the evidence is very uncertain"), the size the effect
relative to the MCID ("little to no difference" when the point estimate is smaller than it).
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
    """One GRADE domain: levels rated down (0, 1 or 2), why, and where the decision came from."""

    domain: str
    levels: int
    reason: str
    basis: str  # "rule: ..." or "judgement: data/grade_judgements.csv, line N"

    @property
    def rating(self) -> str:
        return RATINGS[self.levels]


@dataclass
class Evidence:
    """What one summary-of-findings row needs."""

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
    mcid_absolute: float | None = None  # proportion (binary) or in the outcome's units
    level: float = 0.95  # level of the interval lower..upper, a proportion


def risk_of_bias(e: Evidence, judgement: dict | None) -> Downgrade:
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


def inconsistency(e: Evidence, judgement: dict | None = None) -> Downgrade:
    if e.trials is not None and e.trials < 2:
        return Downgrade(
            "inconsistency", 0, "a single trial: not applicable", "rule: needs two or more trials"
        )
    if e.i2 is not None and e.q_p is not None:
        if e.i2 >= 0.75 and e.q_p < 0.05:
            levels = 2
        elif e.i2 >= 0.5 or e.q_p < 0.10:
            levels = 1
        else:
            levels = 0
        return Downgrade(
            "inconsistency",
            levels,
            f"I² = {100 * e.i2:.0f}%, heterogeneity P = {e.q_p:.2g}",
            "rule: one level when I² >= 50% or P < 0.10; two when I² >= 75% and P < 0.05",
        )
    if e.subset_contrast_p is not None and e.subset_difference_counted_elsewhere:
        return Downgrade(
            "inconsistency",
            0,
            f"I² not reported; the trials outside the large-trial subset differ from it (P = {e.subset_contrast_p:.2g}), "
            "but that pattern is already counted under risk of bias and publication bias and is not counted twice",
            "rule: a difference between subsets explained by study limitations is rated once (GRADE Handbook 5.2.2)",
        )
    if e.subset_contrast_p is not None:
        levels = 1 if e.subset_contrast_p < 0.05 else 0
        return Downgrade(
            "inconsistency",
            levels,
            f"I² not reported; the trials outside the large-trial subset differ from it (P = {e.subset_contrast_p:.2g})",
            "rule: when I² is not reported, one level when subsets of the trials differ (contrast P < 0.05)",
        )
    return _from_judgement("inconsistency", judgement)


def imprecision(e: Evidence, ois_continuous: int = 400) -> Downgrade:
    if e.measure == "MD" or e.control_risk is None:
        includes_null = e.lower <= 0 <= e.upper
        short = e.participants is not None and e.participants < ois_continuous
        levels = 1 if includes_null or short else 0
        why = []
        if includes_null:
            why.append("the interval includes no effect")
        if short:
            why.append(
                f"{e.participants} patients, fewer than the {ois_continuous} of the rule of thumb"
            )
        return Downgrade(
            "imprecision",
            levels,
            "; ".join(why) or "the interval excludes no effect and the sample is large enough",
            f"rule (no MCID for this outcome): one level when the CI includes no effect or fewer than {ois_continuous} patients",
        )
    mcid = e.mcid_absolute
    absolute = per_1000(e.control_risk, e.estimate, e.lower, e.upper, scale=e.measure)
    lo, hi = sorted((absolute["difference_lower"], absolute["difference_upper"]))
    thr = 1000 * mcid
    benefit = lo <= -thr
    harm = hi >= thr
    if benefit and harm:
        levels, why = (
            2,
            f"the interval ({lo:.0f} to {hi:.0f} per 1000) includes both an important benefit and an important harm",
        )
    elif benefit and hi > -thr:
        levels, why = (
            1,
            f"the interval ({lo:.0f} to {hi:.0f} per 1000) runs from an important benefit to less than the MCID",
        )
    elif harm and lo < thr:
        levels, why = (
            1,
            f"the interval ({lo:.0f} to {hi:.0f} per 1000) runs from an important harm to less than the MCID",
        )
    else:
        levels, why = 0, f"the interval ({lo:.0f} to {hi:.0f} per 1000) does not cross the MCID"
    if (
        levels == 0
        and e.information_size
        and e.participants
        and e.participants < e.information_size
    ):
        levels = 1
        why += f", but {e.participants} patients fall short of the optimal information size ({e.information_size:,.0f})"
    return Downgrade(
        "imprecision",
        levels,
        why,
        f"rule: against the MCID of {thr:g} per 1000 (an assumption) at the assumed control risk, and the optimal information size",
    )


def publication_bias(e: Evidence, judgement: dict | None, min_trials: int = 10) -> Downgrade:
    if e.trials is not None and e.trials >= min_trials and e.egger_p is not None:
        levels = 1 if e.egger_p < 0.10 else 0
        return Downgrade(
            "publication_bias",
            levels,
            f"Egger's test P = {e.egger_p:.2g}",
            "rule: one level when Egger's test P < 0.10 (ten or more trials)",
        )
    return _from_judgement("publication_bias", judgement)


def credibility_downgrade(e: Evidence) -> Downgrade | None:
    if e.credibility is None:
        return None
    levels = {"very low": 2, "low": 2, "moderate": 1, "high": 0}[e.credibility]
    return Downgrade(
        "subgroup_credibility",
        levels,
        f"the effect modification has {e.credibility} credibility (ICEMAN)",
        "rule (an assumption of this collection): a subgroup effect is rated down two levels for low or "
        "very low ICEMAN credibility, one for moderate",
    )


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


@dataclass
class Rating:
    evidence: Evidence
    downgrades: list[Downgrade]
    certainty: str
    absolute: dict | None
    statement: str


def certainty(downgrades: list[Downgrade], start: str = "high") -> str:
    """Certainty after subtracting the levels of every downgrade from ``start`` (floor: very low)."""
    total = sum(d.levels for d in downgrades)
    return LEVELS[min(LEVELS.index(start) + total, len(LEVELS) - 1)]


def statement(label: str, intervention: str, level: str, size: str) -> str:
    """GRADE informative statement (Santesso et al. 2020) for a certainty level and effect size.

    ``size`` is 'decrease' or 'increase' (an important change in that direction) or 'trivial'.

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
    e: Evidence, judgements: dict[str, dict], intervention: str = "Tα1", ois_continuous: int = 400
) -> Rating:
    """Every domain for one outcome, the certainty and the plain-language statement."""
    downgrades = [
        risk_of_bias(e, judgements.get("risk_of_bias")),
        inconsistency(e, judgements.get("inconsistency")),
        _from_judgement("indirectness", judgements.get("indirectness")),
        imprecision(e, ois_continuous),
        publication_bias(e, judgements.get("publication_bias")),
    ]
    extra = credibility_downgrade(e)
    if extra is not None:
        downgrades.append(extra)
    level = certainty(downgrades)
    absolute = None
    if e.measure != "MD" and e.control_risk is not None:
        absolute = per_1000(e.control_risk, e.estimate, e.lower, e.upper, scale=e.measure)
        diff = absolute["difference"]
        thr = 1000 * (e.mcid_absolute or 0)
        size = "decrease" if diff <= -thr else "increase" if diff >= thr else "trivial"
    else:
        thr = e.mcid_absolute
        if thr is None:  # no MCID: the direction of an interval that excludes no effect
            size = "increase" if e.lower > 0 else "decrease" if e.upper < 0 else "trivial"
        else:
            size = (
                "increase" if e.estimate >= thr else "decrease" if e.estimate <= -thr else "trivial"
            )
    if math.isnan(e.estimate):
        raise ValueError(f"{e.outcome_id}: no estimate")
    return Rating(e, downgrades, level, absolute, statement(e.label, intervention, level, size))
