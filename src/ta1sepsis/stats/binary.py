"""Effect measures and tests for one two-arm trial with a binary outcome.

The 2x2 table is ``events_trt / n_trt`` (treatment) against ``events_ctl / n_ctl`` (control).
Ratios and differences are always treatment relative to control (RR < 1 and RD < 0 favour
treatment).

Methods and their published sources:

* Wilson score interval for one proportion: Wilson, J Am Stat Assoc 1927;22:209-212
  (statsmodels ``proportion_confint(method="wilson")``).
* Risk ratio and odds ratio with CIs on the log scale (Katz log method for RR; Woolf logit
  method for OR): Katz et al., Biometrics 1978;34:469-474; Woolf, Ann Hum Genet 1955;19:251-253
  (statsmodels ``Table2x2``).
* Risk difference with the Wald CI, and with Newcombe's hybrid score CI (method 10):
  Newcombe, Stat Med 1998;17:873-890 (statsmodels ``confint_proportions_2indep``).
* Number needed to treat, with the CI from inverting the RD limits, and the "NNTB/NNTH"
  reading when the RD CI includes zero: Altman, BMJ 1998;317:1309-1312.
* Pearson chi-square with and without Yates' continuity correction (scipy
  ``chi2_contingency``); Fisher's exact test, two-sided (scipy ``fisher_exact``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint


@dataclass(frozen=True)
class Interval:
    """A point estimate with its confidence interval at ``level``.

    Attributes
    ----------
    estimate, lower, upper : float
        The estimate and its limits, on the scale of the measure.
    level : float
        Confidence level of the interval (proportion; 0.95 for 95%).

    Examples
    --------
    >>> Interval(0.74, 0.54, 1.02).contains(1.0)
    True
    """

    estimate: float
    lower: float
    upper: float
    level: float = 0.95

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies within the interval (limits included)."""
        return self.lower <= value <= self.upper


@dataclass(frozen=True)
class TwoByTwo:
    """Events and totals per arm; validated on construction.

    Attributes
    ----------
    events_trt, n_trt : int
        Events and patients in the treatment arm.
    events_ctl, n_ctl : int
        Events and patients in the control arm.

    Examples
    --------
    >>> t = TwoByTwo(47, 181, 63, 180)
    >>> round(t.risk_trt, 3), round(t.risk_ctl, 3), t.has_zero_cell
    (0.26, 0.35, False)
    """

    events_trt: int
    n_trt: int
    events_ctl: int
    n_ctl: int

    def __post_init__(self):
        for name in ("events_trt", "n_trt", "events_ctl", "n_ctl"):
            value = getattr(self, name)
            if int(value) != value or value < 0:
                raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
        if self.n_trt == 0 or self.n_ctl == 0:
            raise ValueError("each arm needs at least one patient")
        if self.events_trt > self.n_trt or self.events_ctl > self.n_ctl:
            raise ValueError(f"events exceed N in {self}")

    @classmethod
    def from_row(cls, row) -> TwoByTwo:
        """Build from a row of ``data/trials.csv``."""
        return cls(
            int(row["events_trt"]), int(row["n_trt"]), int(row["events_ctl"]), int(row["n_ctl"])
        )

    @property
    def table(self) -> np.ndarray:
        """Rows Tα1, control; columns event, no event."""
        return np.array(
            [
                [self.events_trt, self.n_trt - self.events_trt],
                [self.events_ctl, self.n_ctl - self.events_ctl],
            ]
        )

    @property
    def risk_trt(self) -> float:
        """Risk in the treatment arm (proportion)."""
        return self.events_trt / self.n_trt

    @property
    def risk_ctl(self) -> float:
        """Risk in the control arm (proportion)."""
        return self.events_ctl / self.n_ctl

    @property
    def has_zero_cell(self) -> bool:
        """Whether any cell of the 2x2 table (events or non-events) is zero."""
        return bool((self.table == 0).any())


def z_critical(level: float) -> float:
    """Two-sided normal critical value for a CI at ``level`` (1.96 for 0.95).

    Parameters
    ----------
    level : float
        Confidence level, a proportion in (0, 1).

    Returns
    -------
    float
        The (1 + level) / 2 quantile of the standard normal distribution.

    Examples
    --------
    >>> round(z_critical(0.95), 4), round(z_critical(0.90), 4)
    (1.96, 1.6449)
    """
    if not 0 < level < 1:
        raise ValueError(f"CI level must lie strictly between 0 and 1, got {level}")
    return float(stats.norm.ppf(0.5 + level / 2))


def risk_wilson(events: int, n: int, level: float = 0.95) -> Interval:
    """Risk (proportion) with the Wilson score interval.

    Parameters
    ----------
    events, n : int
        Events and patients.
    level : float
        Confidence level.

    Returns
    -------
    Interval
        The proportion events / n with its Wilson interval (Wilson 1927; statsmodels).

    Examples
    --------
    >>> i = risk_wilson(63, 180)
    >>> round(i.estimate, 3), round(i.lower, 3), round(i.upper, 3)
    (0.35, 0.284, 0.422)
    """
    lower, upper = proportion_confint(events, n, alpha=1 - level, method="wilson")
    return Interval(events / n, float(lower), float(upper), level)


def _table_for_ratio(t: TwoByTwo, measure: str, correction: float) -> np.ndarray:
    """The 2x2 table, with ``correction`` added to every cell if one is zero (Sweeting et al.,
    Stat Med 2004;23:1351); without a correction a zero cell is refused.
    """
    if not t.has_zero_cell:
        return t.table
    if correction <= 0:
        raise ValueError(
            f"{measure} on the log scale is undefined with a zero cell in {t}; "
            "use a continuity correction or an exact method"
        )
    if (t.events_trt == 0 and t.events_ctl == 0) or (
        t.events_trt == t.n_trt and t.events_ctl == t.n_ctl
    ):
        raise ValueError(f"{measure}: no events (or no non-events) in either arm of {t}")
    return t.table + correction


def risk_ratio(t: TwoByTwo, level: float = 0.95, correction: float = 0.0) -> Interval:
    """Risk ratio with the log (Katz) CI: SE(ln RR) = sqrt(1/a - 1/n1 + 1/c - 1/n2).

    Parameters
    ----------
    t : TwoByTwo
    level : float
        Confidence level.
    correction : float
        Added to every cell when a cell is zero (0.5 is metafor's default); 0 refuses zero cells.

    Returns
    -------
    Interval
        RR (treatment vs control) with its CI.

    Examples
    --------
    >>> round(risk_ratio(TwoByTwo(47, 181, 63, 180)).estimate, 3)
    0.742
    """
    table = Table2x2(_table_for_ratio(t, "the risk ratio", correction))
    lower, upper = table.riskratio_confint(alpha=1 - level)
    return Interval(float(table.riskratio), float(lower), float(upper), level)


def odds_ratio(t: TwoByTwo, level: float = 0.95, correction: float = 0.0) -> Interval:
    """Odds ratio with the logit (Woolf) CI: SE(ln OR) = sqrt(1/a + 1/b + 1/c + 1/d).

    Parameters
    ----------
    t : TwoByTwo
    level : float
        Confidence level.
    correction : float
        Added to every cell when a cell is zero, as in :func:`risk_ratio`.

    Returns
    -------
    Interval
        OR (treatment vs control) with its CI.

    Examples
    --------
    >>> round(odds_ratio(TwoByTwo(47, 181, 63, 180)).estimate, 3)
    0.651
    """
    table = Table2x2(_table_for_ratio(t, "the odds ratio", correction))
    lower, upper = table.oddsratio_confint(alpha=1 - level)
    return Interval(float(table.oddsratio), float(lower), float(upper), level)


def risk_difference(t: TwoByTwo, level: float = 0.95, method: str = "wald") -> Interval:
    """Risk difference (treatment minus control) with a Wald or Newcombe hybrid score CI.

    Parameters
    ----------
    t : TwoByTwo
    level : float
        Confidence level.
    method : {"wald", "newcombe"}
        Wald, or Newcombe's hybrid score interval (method 10; statsmodels "newcomb").

    Returns
    -------
    Interval
        RD (proportion; negative = fewer events with treatment) with its CI.

    Examples
    --------
    >>> rd = risk_difference(TwoByTwo(47, 181, 63, 180), method="newcombe")
    >>> round(rd.estimate, 4), round(rd.lower, 4), round(rd.upper, 4)
    (-0.0903, -0.1832, 0.0046)
    """
    methods = {"wald": "wald", "newcombe": "newcomb"}
    if method not in methods:
        raise ValueError(f"method must be one of {sorted(methods)}, got {method!r}")
    lower, upper = confint_proportions_2indep(
        t.events_trt,
        t.n_trt,
        t.events_ctl,
        t.n_ctl,
        method=methods[method],
        compare="diff",
        alpha=1 - level,
    )
    return Interval(t.risk_trt - t.risk_ctl, float(lower), float(upper), level)


@dataclass(frozen=True)
class NNT:
    """Number needed to treat for one patient to benefit (NNTB) or be harmed (NNTH).

    ``estimate`` is 1/|RD|, with ``benefit`` telling the direction. When the RD CI excludes
    zero, ``lower``/``upper`` are the NNT limits in the same direction. When it includes zero,
    the CI runs from NNTB ``nntb_limit`` through infinity to NNTH ``nnth_limit`` (Altman 1998).

    Attributes
    ----------
    estimate : float
        1 / |RD|.
    benefit : bool
        True when the risk difference favours treatment.
    ci_excludes_zero : bool
        Whether the RD interval excludes zero.
    lower, upper : float or None
        NNT limits when the RD interval excludes zero.
    nntb_limit, nnth_limit : float or None
        The two finite ends of the NNT interval when it passes through infinity.
    """

    estimate: float
    benefit: bool
    ci_excludes_zero: bool
    lower: float | None = None
    upper: float | None = None
    nntb_limit: float | None = None
    nnth_limit: float | None = None

    def describe(self) -> str:
        """The NNT in words, 'NNTB 11.1 (CI: NNTB 5.5 to infinity to NNTH 223.4)'."""
        kind = "NNTB" if self.benefit else "NNTH"
        if self.ci_excludes_zero:
            return f"{kind} {self.estimate:.1f} ({self.lower:.1f} to {self.upper:.1f})"
        return (
            f"{kind} {self.estimate:.1f} (CI: NNTB {self.nntb_limit:.1f} to infinity "
            f"to NNTH {self.nnth_limit:.1f})"
        )


def number_needed_to_treat(rd: Interval) -> NNT:
    """Number needed to treat from a risk difference (Altman, BMJ 1998;317:1309).

    Parameters
    ----------
    rd : Interval
        Risk difference, treatment minus control (negative = fewer events with treatment).

    Returns
    -------
    NNT

    Examples
    --------
    >>> number_needed_to_treat(Interval(-0.09, -0.18, 0.004)).describe()
    'NNTB 11.1 (CI: NNTB 5.6 to infinity to NNTH 250.0)'
    """
    if rd.estimate == 0:
        raise ValueError("NNT is infinite when the risk difference is exactly zero")
    benefit = rd.estimate < 0
    if rd.lower > 0 or rd.upper < 0:
        limits = sorted(1 / abs(x) for x in (rd.lower, rd.upper))
        return NNT(1 / abs(rd.estimate), benefit, True, lower=limits[0], upper=limits[1])
    return NNT(
        1 / abs(rd.estimate),
        benefit,
        False,
        nntb_limit=1 / abs(rd.lower) if rd.lower < 0 else math.inf,
        nnth_limit=1 / rd.upper if rd.upper > 0 else math.inf,
    )


@dataclass(frozen=True)
class TestResult:
    """A test's statistic, P value and name.

    Attributes
    ----------
    statistic : float
    p_value : float
        Two-sided P value.
    name : str
    """

    statistic: float
    p_value: float
    name: str


def chi_square(t: TwoByTwo, yates: bool = False) -> TestResult:
    """Pearson chi-square test of the 2x2 table (1 df), optionally with Yates' correction.

    Parameters
    ----------
    t : TwoByTwo
    yates : bool
        Apply Yates' continuity correction.

    Returns
    -------
    TestResult

    Examples
    --------
    >>> round(chi_square(TwoByTwo(47, 181, 63, 180)).p_value, 3)
    0.062
    """
    statistic, p, _, _ = stats.chi2_contingency(t.table, correction=yates)
    name = "Pearson chi-square" + (" with Yates correction" if yates else "")
    return TestResult(float(statistic), float(p), name)


def fisher_exact(t: TwoByTwo) -> TestResult:
    """Fisher's exact test, two-sided; the statistic is the sample odds ratio.

    Parameters
    ----------
    t : TwoByTwo

    Returns
    -------
    TestResult

    Examples
    --------
    >>> round(fisher_exact(TwoByTwo(1, 10, 6, 10)).p_value, 4)
    0.0573
    """
    result = stats.fisher_exact(t.table, alternative="two-sided")
    return TestResult(float(result.statistic), float(result.pvalue), "Fisher exact")
