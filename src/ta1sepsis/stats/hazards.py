"""What a trial's counts (and its other published numbers) imply about a published hazard ratio.

When only 28-day counts are available, a hazard ratio cannot be reproduced (it needs the death
times), but the counts and the rest of the publication constrain it:

* **Constant hazards** (exponential survival in each arm, no censoring before the time point):
  S_i = 1 - p_i = exp(-lambda_i T), so HR = ln(1 - p_trt) / ln(1 - p_ctl), the ratio of the
  cumulative hazards. Its SE on the log scale follows by the delta method on the complementary
  log-log of each proportion: Var[ln(-ln S)] = p / (n (1 - p) ln(1 - p)^2)
  (Kalbfleisch & Prentice, *The Statistical Analysis of Failure Time Data*, 2nd ed. 2002, §1.3
  and the delta method). Under the assumption it does not depend on T.
* **Peto's one-step odds ratio** from the single 2x2 table: ln OR ~ (O - E) / V with the
  hypergeometric variance V = n1 n2 d (N - d) / (N^2 (N - 1)) (Yusuf, Peto et al., Prog
  Cardiovasc Dis 1985;27:335-371). From one 2x2 table this is an *odds ratio*, not a hazard
  ratio. Its score test (O - E)^2 / V is what the log-rank test would give if every death
  happened at one time; a real log-rank test uses the death times, which are not published.
* **Expected SE of a log hazard ratio** from the deaths, sqrt(1/d1 + 1/d2) (Parmar, Torri &
  Stewart, Stat Med 1998;17:2815-2834).
* **The publication's own subgroup estimates**: the subgroup hazard ratios of one subgroup
  variable (e.g. age < 60 and age >= 60) pooled by inverse variance give a stratified estimate of
  the overall hazard ratio, which a published overall value should be near (Altman & Bland, BMJ
  2003;326:219 for recovering the SEs). Each subgroup variable gives one such estimate.

Which criteria are independent of each other matters: the four count-based criteria all use the
same two 2x2 counts (one piece of evidence, not four), and the subgroup-based criteria use the
same patients split two ways (two views of one trial, and the erratum may have changed them too).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from scipy import stats

from ta1sepsis.stats.binary import Interval, TwoByTwo, z_critical


def hazard_ratio_constant_hazards(t: TwoByTwo, level: float = 0.95) -> Interval:
    """HR implied by the two risks under constant (exponential) hazards, delta-method CI.

    Parameters
    ----------
    t : TwoByTwo
        Events and N per arm (treatment first); 0 < events < N in both arms.
    level : float
        Confidence level.

    Returns
    -------
    Interval
        Hazard ratio (ratio scale) with its CI.

    Examples
    --------
    >>> round(hazard_ratio_constant_hazards(TwoByTwo(127, 542, 132, 547)).estimate, 3)
    0.967
    """
    if t.has_zero_cell:
        raise ValueError(f"the constant-hazards HR needs 0 < events < N in both arms: {t}")
    log_hr = math.log(math.log1p(-t.risk_trt) / math.log1p(-t.risk_ctl))
    var = sum(
        p / (n * (1 - p) * math.log1p(-p) ** 2)
        for p, n in ((t.risk_trt, t.n_trt), (t.risk_ctl, t.n_ctl))
    )
    half = z_critical(level) * math.sqrt(var)
    return Interval(math.exp(log_hr), math.exp(log_hr - half), math.exp(log_hr + half), level)


@dataclass(frozen=True)
class PetoOneStep:
    """Peto's one-step (O - E)/V analysis of one 2x2 table.

    Attributes
    ----------
    observed_minus_expected : float
        O - E in the treatment arm.
    variance : float
        The hypergeometric variance V.
    odds_ratio : Interval
        exp((O - E)/V) with its CI.
    chi_square, p_value : float
        The score test (O - E)^2 / V on 1 df.
    """

    observed_minus_expected: float  # in the treatment arm
    variance: float
    odds_ratio: Interval
    chi_square: float
    p_value: float


def peto_odds_ratio_from_counts(t: TwoByTwo, level: float = 0.95) -> PetoOneStep:
    """Peto one-step odds ratio and its (O - E)^2 / V score test from one 2x2 table.

    Parameters
    ----------
    t : TwoByTwo
        Events and N per arm.
    level : float
        Confidence level.

    Returns
    -------
    PetoOneStep
        O - E, V, the Peto odds ratio with its CI, and the chi-square and P of the score test
        (the log-rank test if all events happened at one time).

    Examples
    --------
    >>> round(peto_odds_ratio_from_counts(TwoByTwo(127, 542, 132, 547)).p_value, 2)
    0.79
    """
    n1, n2 = t.n_trt, t.n_ctl
    big_n, deaths = n1 + n2, t.events_trt + t.events_ctl
    if deaths == 0 or deaths == big_n:
        raise ValueError(f"no information: {deaths} deaths among {big_n} patients")
    expected = n1 * deaths / big_n
    o_minus_e = t.events_trt - expected
    v = n1 * n2 * deaths * (big_n - deaths) / (big_n**2 * (big_n - 1))
    log_or, half = o_minus_e / v, z_critical(level) / math.sqrt(v)
    chi2 = o_minus_e**2 / v
    return PetoOneStep(
        o_minus_e,
        v,
        Interval(math.exp(log_or), math.exp(log_or - half), math.exp(log_or + half), level),
        chi2,
        float(stats.chi2.sf(chi2, 1)),
    )


def expected_log_hr_se(t: TwoByTwo) -> float:
    """Approximate SE of a log hazard ratio from the deaths per arm, sqrt(1/d1 + 1/d2).

    The large-sample variance of the log-rank / Cox log HR under proportional hazards and
    few ties (Parmar, Torri & Stewart, Stat Med 1998;17:2815-2834, eq. 4 and the d/4 rule for
    equal allocation).

    Parameters
    ----------
    t : TwoByTwo
        Deaths (events) and N per arm.

    Returns
    -------
    float

    References
    ----------
    Parmar MKB, Torri V, Stewart L. Stat Med 1998;17:2815-2834.

    Examples
    --------
    >>> round(expected_log_hr_se(TwoByTwo(127, 542, 132, 547)), 4)
    0.1243
    """
    if t.events_trt == 0 or t.events_ctl == 0:
        raise ValueError(f"no deaths in one arm: {t}")
    return math.sqrt(1 / t.events_trt + 1 / t.events_ctl)


def pooled_subgroups(subgroups: list[tuple[float, float, float]], level: float = 0.95) -> Interval:
    """Inverse-variance pool of the subgroup ratios of ONE subgroup variable.

    Parameters
    ----------
    subgroups : list of (estimate, lower, upper)
        Published subgroup ratios with CIs at ``level`` (e.g. age < 60 and age >= 60). The
        subgroups must partition the trial population.
    level : float
        Confidence level of the published CIs and of the result.

    Returns
    -------
    Interval
        The stratified estimate of the overall ratio implied by the subgroup estimates.

    References
    ----------
    Inverse-variance pooling with SEs recovered from the CIs (Altman DG, Bland JM. BMJ
    2011;343:d2090).

    Examples
    --------
    >>> i = pooled_subgroups([(1.67, 1.04, 2.67), (0.81, 0.61, 1.09)])
    >>> round(i.estimate, 3), round(i.lower, 3), round(i.upper, 3)
    (0.988, 0.772, 1.265)
    """
    from ta1sepsis.stats.reported_estimates import recover

    recovered = [recover(e, lo, hi, level) for e, lo, hi in subgroups]
    w = [r.se**-2 for r in recovered]
    mean = sum(wi * r.log_estimate for wi, r in zip(w, recovered, strict=True)) / sum(w)
    half = z_critical(level) / math.sqrt(sum(w))
    return Interval(math.exp(mean), math.exp(mean - half), math.exp(mean + half), level)


def published_versions_vs_counts(
    versions: dict[str, dict],
    t: TwoByTwo,
    level: float = 0.95,
    subgroups: dict[str, list[tuple[float, float, float]]] | None = None,
) -> pd.DataFrame:
    """Set each published (HR, CI, P) version against what the counts and the subgroups imply.

    Parameters
    ----------
    versions : dict
        Label -> ``{"hr", "lower", "upper", "p"}``.
    t : TwoByTwo
        The trial's counts for the same outcome.
    level : float
        Level of the published CIs.
    subgroups : dict, optional
        Subgroup variable -> list of its published subgroup (estimate, lower, upper); each adds
        a criterion (distance of ln HR from the pooled subgroup estimate).

    Returns
    -------
    pandas.DataFrame
        One row per criterion: ``criterion``, ``evidence`` (which data it uses: criteria with the
        same evidence are not independent), ``implied``, each version's value and ``closer``
        (the version closer to the implied value, or ``tie``).

    References
    ----------
    The count-based HR under constant hazards, the Peto one-step OR and the expected SE of a log
    HR (:func:`hazard_ratio_constant_hazards`, :func:`peto_odds_ratio_from_counts`,
    :func:`expected_log_hr_se`).

    Examples
    --------
    >>> versions = {"A": {"hr": 0.99, "lower": 0.77, "upper": 1.27, "p": 0.93},
    ...             "B": {"hr": 0.97, "lower": 0.76, "upper": 1.24, "p": 0.81}}
    >>> list(published_versions_vs_counts(versions, TwoByTwo(127, 542, 132, 547)).closer)
    ['B', 'B', 'B', 'B']
    """
    from ta1sepsis.stats.reported_estimates import recover

    const = hazard_ratio_constant_hazards(t, level)
    peto = peto_odds_ratio_from_counts(t, level)
    expected_se = expected_log_hr_se(t)
    criteria = [
        ("ln HR vs constant-hazards HR", "28-day counts", math.log(const.estimate), "log_hr"),
        (
            "ln HR vs Peto one-step OR",
            "28-day counts",
            math.log(peto.odds_ratio.estimate),
            "log_hr",
        ),
        ("P vs score-test P from counts", "28-day counts", peto.p_value, "p"),
        ("SE(ln HR) from CI vs sqrt(1/d1 + 1/d2)", "28-day counts", expected_se, "se"),
    ]
    for name, parts in (subgroups or {}).items():
        pooled = pooled_subgroups(parts, level)
        criteria.append(
            (
                f"ln HR vs pooled {name} subgroup HRs",
                f"published {name} subgroup HRs",
                math.log(pooled.estimate),
                "log_hr",
            )
        )
    rows = []
    for name, evidence, implied, kind in criteria:
        row = {"criterion": name, "evidence": evidence, "implied": implied}
        distances = {}
        for label, v in versions.items():
            rec = recover(v["hr"], v["lower"], v["upper"], level)
            row[label] = {"log_hr": math.log(v["hr"]), "p": v["p"], "se": rec.se}[kind]
            distances[label] = abs(row[label] - implied)
        best = min(distances.values())
        closest = [k for k, d in distances.items() if math.isclose(d, best, abs_tol=1e-12)]
        row["closer"] = closest[0] if len(closest) == 1 else "tie"
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class ExcludedScenario:
    """A 2x2 table with randomised-but-excluded patients added under an assumption.

    Attributes
    ----------
    name : str
        The scenario.
    table : TwoByTwo
        The counts with the excluded patients added.
    assumption : str
        What was assumed about the excluded patients, in words.
    """

    name: str
    table: TwoByTwo
    assumption: str


def modified_itt_scenarios(
    t: TwoByTwo, excluded_trt: int, excluded_ctl: int
) -> list[ExcludedScenario]:
    """Best- and worst-case tables for patients randomised but left out of the analysis.

    Parameters
    ----------
    t : TwoByTwo
        The analysed (modified intention-to-treat) counts.
    excluded_trt, excluded_ctl : int
        Patients randomised to each arm but not analysed.

    Returns
    -------
    list of ExcludedScenario
        ``as analysed``; ``best case for treatment`` (excluded treatment patients all survive,
        excluded control patients all die); ``worst case`` (the reverse); ``all excluded die``;
        ``none of the excluded die``. Every added outcome is an assumption, not data (the
        standard extreme-case sensitivity analysis; Higgins et al., Clin Trials 2008;5:225).

    References
    ----------
    Higgins JPT, White IR, Wood AM. Imputation methods for missing outcome data in
    meta-analysis of clinical trials. Clin Trials 2008;5:225-239.

    Examples
    --------
    >>> s = modified_itt_scenarios(TwoByTwo(127, 542, 132, 547), 10, 7)
    >>> s[1].name, s[1].table.events_ctl, s[1].table.n_trt
    ('best case for treatment', 139, 552)
    """
    if excluded_trt < 0 or excluded_ctl < 0:
        raise ValueError("excluded patients must be >= 0")
    n1, n2 = t.n_trt + excluded_trt, t.n_ctl + excluded_ctl
    e1, e2 = t.events_trt, t.events_ctl
    return [
        ExcludedScenario("as analysed", t, "the published modified-ITT counts"),
        ExcludedScenario(
            "best case for treatment",
            TwoByTwo(e1, n1, e2 + excluded_ctl, n2),
            f"the {excluded_trt} excluded treatment patients survive; the {excluded_ctl} "
            "excluded control patients die",
        ),
        ExcludedScenario(
            "worst case for treatment",
            TwoByTwo(e1 + excluded_trt, n1, e2, n2),
            f"the {excluded_trt} excluded treatment patients die; the {excluded_ctl} excluded "
            "control patients survive",
        ),
        ExcludedScenario(
            "all excluded patients die",
            TwoByTwo(e1 + excluded_trt, n1, e2 + excluded_ctl, n2),
            "every excluded patient dies",
        ),
        ExcludedScenario(
            "no excluded patient dies", TwoByTwo(e1, n1, e2, n2), "every excluded patient survives"
        ),
    ]
