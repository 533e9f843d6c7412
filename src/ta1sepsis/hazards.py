"""What a trial's 28-day counts imply about a hazard ratio, when only counts are available.

Two estimators, each with its assumption stated:

* **Constant hazards** (exponential survival in each arm, no censoring before the time point):
  S_i = 1 - p_i = exp(-lambda_i T), so HR = ln(1 - p_trt) / ln(1 - p_ctl), the ratio of the
  cumulative hazards. Its SE on the log scale follows by the delta method on the complementary
  log-log of each proportion: Var[ln(-ln S)] = p / (n (1 - p) ln(1 - p)^2)
  (Kalbfleisch & Prentice, *The Statistical Analysis of Failure Time Data*, 2nd ed. 2002, §1.3
  and the delta method). Under the assumption it does not depend on T.
* **Peto's one-step (O - E)/V estimator** from the single 2x2 table: ln HR ~ (O - E) / V with
  the hypergeometric variance V = n1 n2 d (N - d) / (N^2 (N - 1)) (Yusuf, Peto et al., Prog
  Cardiovasc Dis 1985;27:335-371). The score test (O - E)^2 / V is the log-rank test in the
  special case where every death happens at one time, so its P value is the "log-rank-type"
  P value implied by the counts. A real log-rank test uses the death times, which are not
  published.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from .binary import Interval, TwoByTwo, z_critical


def hazard_ratio_constant_hazards(t: TwoByTwo, level: float = 0.95) -> Interval:
    """HR implied by the two risks under constant (exponential) hazards, delta-method CI."""
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
class PetoLogRank:
    observed_minus_expected: float  # in the Tα1 arm
    variance: float
    hazard_ratio: Interval
    chi_square: float
    p_value: float


def peto_logrank_from_counts(t: TwoByTwo, level: float = 0.95) -> PetoLogRank:
    """Peto (O - E)/V hazard ratio and the one-time-point log-rank test from a 2x2 table."""
    n1, n2 = t.n_trt, t.n_ctl
    big_n, deaths = n1 + n2, t.events_trt + t.events_ctl
    if deaths == 0 or deaths == big_n:
        raise ValueError(f"no information: {deaths} deaths among {big_n} patients")
    expected = n1 * deaths / big_n
    o_minus_e = t.events_trt - expected
    v = n1 * n2 * deaths * (big_n - deaths) / (big_n**2 * (big_n - 1))
    log_hr, half = o_minus_e / v, z_critical(level) / math.sqrt(v)
    chi2 = o_minus_e**2 / v
    return PetoLogRank(
        o_minus_e,
        v,
        Interval(math.exp(log_hr), math.exp(log_hr - half), math.exp(log_hr + half), level),
        chi2,
        float(stats.chi2.sf(chi2, 1)),
    )


def expected_log_hr_se(t: TwoByTwo) -> float:
    """Approximate SE of a log hazard ratio from the deaths per arm, sqrt(1/d1 + 1/d2).

    The large-sample variance of the log-rank / Cox log HR under proportional hazards and
    few ties (Parmar, Torri & Stewart, Stat Med 1998;17:2815-2834, eq. 4 and the d/4 rule for
    equal allocation).
    """
    if t.events_trt == 0 or t.events_ctl == 0:
        raise ValueError(f"no deaths in one arm: {t}")
    return math.sqrt(1 / t.events_trt + 1 / t.events_ctl)


def published_versions_vs_counts(versions: dict[str, dict], t: TwoByTwo, level: float = 0.95):
    """Set each published (HR, CI, P) version against what the counts imply.

    ``versions`` maps a label to ``{"hr", "lower", "upper", "p"}``. Returns a DataFrame with one
    row per criterion: the count-implied value, each version's value, and which version is
    closer. The criteria are (1) distance of ln HR from the constant-hazards HR and (2) from
    Peto's (O-E)/V HR, (3) distance of the published P from the count-implied log-rank-type P,
    and (4) distance of the SE recovered from the CI from the SE expected from the deaths.
    """
    import pandas as pd

    from .reported_estimates import recover

    const = hazard_ratio_constant_hazards(t, level)
    peto = peto_logrank_from_counts(t, level)
    expected_se = expected_log_hr_se(t)
    criteria = [
        ("ln HR vs constant-hazards HR", math.log(const.estimate), lambda v, r: math.log(v["hr"])),
        (
            "ln HR vs Peto (O-E)/V HR",
            math.log(peto.hazard_ratio.estimate),
            lambda v, r: math.log(v["hr"]),
        ),
        ("P vs log-rank-type P from counts", peto.p_value, lambda v, r: v["p"]),
        ("SE(ln HR) from CI vs sqrt(1/d1 + 1/d2)", expected_se, lambda v, r: r.se),
    ]
    rows = []
    for name, implied, get in criteria:
        row = {"criterion": name, "implied by counts": implied}
        distances = {}
        for label, v in versions.items():
            rec = recover(v["hr"], v["lower"], v["upper"], level)
            row[label] = get(v, rec)
            distances[label] = abs(row[label] - implied)
        best = min(distances.values())
        closest = [k for k, d in distances.items() if math.isclose(d, best, abs_tol=1e-12)]
        row["closer"] = closest[0] if len(closest) == 1 else "tie"
        rows.append(row)
    return pd.DataFrame(rows)
