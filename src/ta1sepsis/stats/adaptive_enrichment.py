"""Two-stage adaptive enrichment designs with a binary endpoint, simulated.

A trial starts in the full population F, made of a subgroup S (prevalence ``prevalence``) and
its complement R, randomising 1:1. At the interim the observed effects select the populations
that continue (the better one, both, or S only if it beats F by a margin); the second stage
recruits only from what was selected. H_S (no benefit in S) and H_F (no benefit in F) are tested
by a closed test: each hypothesis is rejected when it and the intersection H_S ∩ H_F are both
rejected, the intersection by Simes, Bonferroni or Šidák on the stage-wise p-values of the
populations still in the trial, and the two stages combined by the inverse normal method with
weights sqrt(t) and sqrt(1 - t) fixed in advance (t: the interim fraction). This controls the
family-wise error rate in the strong sense whatever the selection (Bauer P, Köhne K. Biometrics
1994;50:1029; Brannath W, Zuber E, Branson M, et al. Stat Med 2009;28:1445-1463,
doi:10.1002/sim.3559; Wassmer G, Brannath W. Group Sequential and Confirmatory Adaptive Designs
in Clinical Trials. Springer 2016, chapter 11).

The conventions follow R's rpact 3.3.4 ``getSimulationEnrichmentRates`` (the reference the tests
check against): stage-wise z-statistics for a difference in proportions with the pooled
variance; for F either stratified by S and R (a sum of the strata's differences over the square
root of the sum of their variances) or unstratified; arm sizes rounded half to even from the
planned stage sizes times the prevalence; the interim selection on the observed risk
differences (lower mortality is better); a population whose effect is at or below
``threshold`` is dropped, and the trial stops for futility when none is left or when every
hypothesis's combination statistic is at or below the futility bound.

Every replication is drawn at once (numpy), so 10,000 replications of a scenario take a few
tens of milliseconds; the results are byte-reproducible for a given seed.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

from ta1sepsis.stats.group_sequential import efficacy_boundaries

SELECTIONS = ("best", "epsilon", "all")
INTERSECTIONS = ("simes", "bonferroni", "sidak")


@dataclass(frozen=True)
class EnrichmentDesign:
    """A two-stage adaptive enrichment design.

    Attributes
    ----------
    n_interim, n_total : int
        Patients randomised by the interim analysis and in all (cumulative; the second stage
        recruits ``n_total - n_interim`` from the selected populations).
    prevalence : float
        Share of the subgroup S in the full population, in (0, 1).
    alpha : float
        One-sided family-wise error rate.
    selection : {"best", "epsilon", "all"}
        Interim rule: the population with the larger observed effect; every population within
        ``epsilon`` of the larger (so S alone only when it beats F by more than ``epsilon``);
        or both.
    epsilon : float
        Margin of the "epsilon" rule (risk difference, proportion).
    threshold : float
        A population whose observed effect (control minus treatment risk) is at or below this
        is dropped at the interim (-inf: never).
    futility : float or None
        Non-binding futility bound on the inverse-normal combination statistic at the interim
        (None: none).
    early_efficacy : bool
        Allow stopping for efficacy at the interim (O'Brien-Fleming-type alpha spending);
        otherwise the interim only selects and the final critical value is the fixed one.
    intersection : {"simes", "bonferroni", "sidak"}
        Test of the intersection hypothesis.
    stratified : bool
        Analyse F stratified by S and its complement.
    """

    n_interim: int
    n_total: int
    prevalence: float
    alpha: float = 0.025
    selection: str = "best"
    epsilon: float = 0.0
    threshold: float = -math.inf
    futility: float | None = None
    early_efficacy: bool = False
    intersection: str = "simes"
    stratified: bool = True

    def __post_init__(self):
        """Refuse impossible designs, naming the field."""
        if not 0 < self.prevalence < 1:
            raise ValueError(f"prevalence = {self.prevalence} must be in (0, 1)")
        if not 0 < self.n_interim < self.n_total:
            raise ValueError(
                f"stage sizes must increase: n_interim = {self.n_interim}, n_total = "
                f"{self.n_total} (need 0 < n_interim < n_total)"
            )
        if not 0 < self.alpha < 0.5:
            raise ValueError(f"alpha = {self.alpha} must be in (0, 0.5)")
        if self.selection not in SELECTIONS:
            raise ValueError(
                f"selection = {self.selection!r}: unknown rule; use one of {SELECTIONS}"
            )
        if self.intersection not in INTERSECTIONS:
            raise ValueError(
                f"intersection = {self.intersection!r}: unknown test; use one of {INTERSECTIONS}"
            )
        if self.epsilon < 0:
            raise ValueError(f"epsilon = {self.epsilon} must be >= 0")
        for n, name in ((self.n_interim, "n_interim"), (self.n_total - self.n_interim, "stage 2")):
            if min(_arm(n * self.prevalence), _arm(n * (1 - self.prevalence))) < 1:
                raise ValueError(
                    f"{name}: {n} patients at prevalence {self.prevalence} leave an arm of a "
                    "subgroup empty; enlarge the stage or change the prevalence"
                )

    @property
    def fraction(self) -> float:
        """The interim's share of the total (the information fraction)."""
        return self.n_interim / self.n_total

    @property
    def critical_values(self) -> tuple[float, float]:
        """Critical values of the combination statistic at the interim and at the end."""
        if self.early_efficacy:
            c = efficacy_boundaries([self.fraction, 1.0], self.alpha)
            return float(c[0]), float(c[1])
        return math.inf, float(stats.norm.isf(self.alpha))


@dataclass(frozen=True)
class Scenario:
    """True 28-day risks in the subgroup S and its complement R, by arm.

    Attributes
    ----------
    name : str
        What the scenario is, in words.
    control_s, control_r, treatment_s, treatment_r : float or numpy.ndarray
        Risks (proportions in (0, 1)) with control and with treatment in S and in R; an array
        gives one risk per simulated trial.
    """

    name: str
    control_s: float
    control_r: float
    treatment_s: float
    treatment_r: float

    def __post_init__(self):
        """Refuse risks outside (0, 1), naming the field."""
        for field in ("control_s", "control_r", "treatment_s", "treatment_r"):
            value = np.asarray(getattr(self, field), float)
            if np.any((value <= 0) | (value >= 1)) or not np.all(np.isfinite(value)):
                raise ValueError(f"scenario {self.name!r}: {field} must be in (0, 1)")


@dataclass(frozen=True)
class Operating:
    """Operating characteristics of one design in one scenario, with Monte Carlo SEs.

    Attributes
    ----------
    scenario : str
    replications : int
    reject_any, reject_s, reject_f : float
        Probability of rejecting at least one hypothesis, H_S, H_F.
    select_s, select_f : float
        Probability that S (F) is selected for the second stage (0 for a trial that stopped
        at the interim).
    early_stop, futility_stop : float
        Probability of stopping at the interim (for any reason; for futility).
    expected_n : float
        Expected number of patients.
    max_n : int
        Maximum number of patients.
    right_population : float
        Probability of the claim the scenario calls right (see :func:`simulate`); NaN when
        none was named.
    mcse : dict
        Monte Carlo standard error of each probability and of ``expected_n``.
    """

    scenario: str
    replications: int
    reject_any: float
    reject_s: float
    reject_f: float
    select_s: float
    select_f: float
    early_stop: float
    futility_stop: float
    expected_n: float
    max_n: int
    right_population: float
    mcse: dict

    def as_dict(self) -> dict:
        """Return the fields as a plain dict (for tables and results)."""
        return asdict(self)


def _arm(n: float | np.ndarray):
    """Patients per arm of a stage's share ``n`` (1:1, rounded half to even as R's round)."""
    return np.round(np.asarray(n, float) / 2).astype(np.int64)


def _z(x_t, x_c, n):
    """Stage-wise z for benefit (fewer events on treatment), pooled variance; 0 if degenerate."""
    n = np.asarray(n, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rm = (x_t + x_c) / n
        z = -(x_t - x_c) / np.sqrt(n * rm * (1 - rm))
    return np.where((rm > 0) & (rm < 1) & (n > 0), z, 0.0)


def _z_stratified(xs, ns):
    """Stratified z over strata (lists of (x_t, x_c) and sizes); a degenerate stratum adds 0."""
    num, var = 0.0, 0.0
    for (x_t, x_c), n in zip(xs, ns, strict=True):
        n = np.asarray(n, float)
        with np.errstate(divide="ignore", invalid="ignore"):
            rm = np.where(n > 0, (x_t + x_c) / np.where(n > 0, n, 1), 0.0)
        rm = np.where((rm > 0) & (rm < 1), rm, 0.0)
        num = num + (x_t - x_c)
        var = var + rm * (1 - rm) * n
    with np.errstate(divide="ignore", invalid="ignore"):
        z = -num / np.sqrt(var)
    return np.where(var > 0, z, 0.0)


def _intersection(p_s, p_f, kind: str):
    """Return the adjusted p of H_S ∩ H_F from the available (non-NaN) p-values; NaN if none."""
    has_s, has_f = ~np.isnan(p_s), ~np.isnan(p_f)
    m = has_s.astype(int) + has_f.astype(int)
    low = np.fmin(p_s, p_f)  # ignores a NaN
    high = np.fmax(p_s, p_f)
    if kind == "simes":
        adjusted = np.where(m == 2, np.minimum(2 * low, high), low)
    elif kind == "bonferroni":
        adjusted = np.minimum(m * low, 1.0)
    else:
        adjusted = 1 - (1 - low) ** m
    return np.where(m > 0, adjusted, np.nan)


def _select(effect_s, effect_f, design: EnrichmentDesign, rng):
    """Return the populations selected for stage 2 (boolean arrays for S and F)."""
    # ties broken at random, as rpact does (uniform noise of 1e-5)
    noise = rng.uniform(-1e-5, 1e-5, size=(2, len(effect_s)))
    e_s, e_f = effect_s + noise[0], effect_f + noise[1]
    if design.selection == "all":
        sel_s, sel_f = np.ones_like(e_s, bool), np.ones_like(e_f, bool)
    elif design.selection == "best":
        sel_s = e_s > e_f
        sel_f = ~sel_s
    else:
        best = np.maximum(e_s, e_f)
        sel_s, sel_f = best - e_s <= design.epsilon, best - e_f <= design.epsilon
    # the threshold is applied to the same perturbed effects (an effect of exactly the
    # threshold is then dropped half the time, as in rpact)
    return sel_s & (e_s > design.threshold), sel_f & (e_f > design.threshold)


def _right(right: str | None, reject_s, reject_f) -> float:
    """Return the probability of the claim called right.

    "S": H_S rejected and H_F not; "F": H_F rejected; "none": nothing rejected; NaN for None.
    """
    if right is None:
        return math.nan
    if right == "S":
        return float(np.mean(reject_s & ~reject_f))
    if right == "F":
        return float(np.mean(reject_f))
    if right == "none":
        return float(np.mean(~(reject_s | reject_f)))
    raise ValueError(f"right = {right!r}: use 'S', 'F', 'none' or None")


def _risks(scenario: Scenario, reps: int) -> tuple[np.ndarray, ...]:
    """Treatment and control risks in S and R, one per replication: (t_S, t_R, c_S, c_R)."""
    s = scenario
    return tuple(
        np.broadcast_to(np.asarray(v, float), (reps,))
        for v in (s.treatment_s, s.treatment_r, s.control_s, s.control_r)
    )


def _z_full(t_s, c_s, t_r, c_r, n_s, n_r, stratified: bool):
    """Stage-wise z for F from its two subsets, stratified by them or pooled."""
    if stratified:
        return _z_stratified([(t_s, c_s), (t_r, c_r)], [n_s, n_r])
    return _z(t_s + t_r, c_s + c_r, n_s + n_r)


def _operating(
    scenario: Scenario, reps: int, out: dict, right_p: float, *, expected_n, max_n, spread
) -> Operating:
    """Assemble the operating characteristics with their Monte Carlo SEs.

    ``spread`` is the number of patients a stop at the interim saves: the SE of the expected
    size is ``spread`` times that of the stopping probability.
    """
    probabilities = {**{k: float(v) for k, v in out.items()}, "right_population": right_p}
    mcse = {k: math.sqrt(v * (1 - v) / reps) for k, v in probabilities.items()}
    mcse["expected_n"] = spread * mcse["early_stop"]
    return Operating(
        scenario=scenario.name,
        replications=reps,
        **probabilities,
        expected_n=float(expected_n),
        max_n=int(max_n),
        mcse=mcse,
    )


def _draw(rng, n_stage, share, p_t, p_c, reps):
    """Events per arm in one subset: (treatment, control), each an array over replications."""
    arm = _arm(n_stage * share)
    return rng.binomial(arm, p_t, size=reps), rng.binomial(arm, p_c, size=reps)


def simulate(
    design: EnrichmentDesign,
    scenario: Scenario,
    *,
    replications: int = 10000,
    seed: int = 1,
    right: str | None = None,
) -> Operating:
    """Simulate the design in a scenario.

    Parameters
    ----------
    design : EnrichmentDesign
    scenario : Scenario
        True risks; each may also be an array of one value per replication (for assurance,
        risks drawn from a posterior).
    replications : int
        Number of simulated trials.
    seed : int
        Seed of numpy's default generator: the same seed gives the same numbers.
    right : {"S", "F", "none"}, optional
        The right claim in this scenario: "S" (reject H_S but not H_F: the benefit is the
        subgroup's), "F" (reject H_F), or "none" (reject nothing); None leaves
        ``right_population`` NaN.

    Returns
    -------
    Operating

    Examples
    --------
    Under the global null the family-wise error stays below alpha:

    >>> d = EnrichmentDesign(400, 1000, 0.4)
    >>> r = simulate(d, Scenario("null", 0.3, 0.3, 0.3, 0.3), replications=20000, seed=3)
    >>> r.reject_any < 0.025 + 3 * r.mcse["reject_any"]
    True
    """
    if replications < 1:
        raise ValueError(f"replications = {replications} must be at least 1")
    rng = np.random.default_rng(seed)
    reps, d, s = replications, design, scenario
    prev = d.prevalence
    pts, ptr, pcs, pcr = _risks(s, reps)
    c1, c2 = d.critical_values
    w1, w2 = math.sqrt(d.fraction), math.sqrt(1 - d.fraction)
    fut = -math.inf if d.futility is None else d.futility
    # stage 1: both populations
    n1 = float(d.n_interim)
    t_s, c_s = _draw(rng, n1, prev, pts, pcs, reps)
    t_r, c_r = _draw(rng, n1, 1 - prev, ptr, pcr, reps)
    z_s1 = _z(t_s, c_s, n1 * prev)
    z_f1 = _z_full(t_s, c_s, t_r, c_r, n1 * prev, n1 * (1 - prev), d.stratified)
    p_s1, p_f1 = stats.norm.sf(z_s1), stats.norm.sf(z_f1)
    p_i1 = _intersection(p_s1, p_f1, d.intersection)
    z_i1 = stats.norm.isf(p_i1)
    z_s1c, z_f1c = stats.norm.isf(p_s1), stats.norm.isf(p_f1)
    rej_i1, rej_s1, rej_f1 = z_i1 >= c1, z_s1c >= c1, z_f1c >= c1
    reject_s1, reject_f1 = rej_i1 & rej_s1, rej_i1 & rej_f1
    success1 = reject_s1 & reject_f1
    futile1 = ((z_i1 <= fut) | (z_s1c <= fut)) & ((z_i1 <= fut) | (z_f1c <= fut))
    # interim selection on the observed risk differences (control minus treatment)
    arm_s, arm_f = _arm(n1 * prev), _arm(n1)
    effect_s = c_s / arm_s - t_s / arm_s
    effect_f = (c_s + c_r) / arm_f - (t_s + t_r) / arm_f
    sel_s, sel_f = _select(effect_s, effect_f, d, rng)
    futile1 = futile1 | ~(sel_s | sel_f)
    stop1 = success1 | futile1
    # stage 2: S is recruited if S or F continues, R only if F continues
    n2 = float(d.n_total - d.n_interim)
    n2_s = np.where(sel_f, n2 * prev, n2)
    n2_r = np.where(sel_f, n2 * (1 - prev), 0.0)
    a_s, a_r = _arm(n2_s), _arm(n2_r)
    t_s2, c_s2 = rng.binomial(a_s, pts), rng.binomial(a_s, pcs)
    t_r2, c_r2 = rng.binomial(a_r, ptr), rng.binomial(a_r, pcr)
    z_s2 = np.where(sel_s, _z(t_s2, c_s2, n2_s), np.nan)
    z_f2 = np.where(sel_f, _z_full(t_s2, c_s2, t_r2, c_r2, n2_s, n2_r, d.stratified), np.nan)
    p_s2, p_f2 = stats.norm.sf(z_s2), stats.norm.sf(z_f2)
    p_i2 = _intersection(p_s2, p_f2, d.intersection)

    def combined(p1, p2):
        return w1 * stats.norm.isf(p1) + w2 * stats.norm.isf(p2)

    with np.errstate(invalid="ignore"):
        rej_i = rej_i1 | (combined(p_i1, p_i2) >= c2)
        rej_s = rej_s1 | (combined(p_s1, p_s2) >= c2)
        rej_f = rej_f1 | (combined(p_f1, p_f2) >= c2)
    reject_s = np.where(stop1, reject_s1, (rej_i & rej_s & sel_s) | reject_s1)
    reject_f = np.where(stop1, reject_f1, (rej_i & rej_f & sel_f) | reject_f1)
    go = ~stop1
    out = {
        "reject_any": np.mean(reject_s | reject_f),
        "reject_s": np.mean(reject_s),
        "reject_f": np.mean(reject_f),
        "select_s": np.mean(go & sel_s),
        "select_f": np.mean(go & sel_f),
        "early_stop": np.mean(stop1),
        "futility_stop": np.mean(futile1 & ~success1),
    }
    spread = d.n_total - d.n_interim
    return _operating(
        s,
        reps,
        out,
        _right(right, reject_s, reject_f),
        expected_n=d.n_interim + (1 - out["early_stop"]) * spread,
        max_n=d.n_total,
        spread=spread,
    )


def simulate_fixed(
    n_total: int,
    prevalence: float,
    scenario: Scenario,
    *,
    population: str,
    alpha: float = 0.025,
    stratified: bool = True,
    replications: int = 10000,
    seed: int = 1,
    right: str | None = None,
) -> Operating:
    """Simulate a fixed (single-stage) design in F (all-comers) or in S only (enriched).

    The test statistics are those of :func:`simulate`.

    Parameters
    ----------
    n_total : int
        Patients randomised.
    prevalence : float
        Share of S in F (all-comers: the mix of S and R recruited; enriched: not used for
        recruitment).
    scenario : Scenario
    population : {"F", "S"}
        All-comers, testing H_F; or enriched, testing H_S with every patient from S.
    alpha, stratified, replications, seed, right
        As in :func:`simulate` (one-sided alpha; "right" as there).

    Returns
    -------
    Operating
        ``reject_s`` or ``reject_f`` (the other is 0), ``select_s`` and ``select_f`` NaN (no
        selection), ``expected_n = max_n = n_total``.

    Examples
    --------
    >>> r = simulate_fixed(1000, 0.4, Scenario("null", 0.3, 0.3, 0.3, 0.3),
    ...                    population="F", replications=20000, seed=5)
    >>> abs(r.reject_f - 0.025) < 3 * r.mcse["reject_f"]
    True
    """
    if population not in ("F", "S"):
        raise ValueError(f"population = {population!r}: use 'F' (all-comers) or 'S' (enriched)")
    if not 0 < prevalence < 1:
        raise ValueError(f"prevalence = {prevalence} must be in (0, 1)")
    rng = np.random.default_rng(seed)
    reps, s = replications, scenario
    pts, ptr, pcs, pcr = _risks(s, reps)
    n = float(n_total)
    if population == "S":
        t_s, c_s = _draw(rng, n, 1.0, pts, pcs, reps)
        z = _z(t_s, c_s, n)
    else:
        t_s, c_s = _draw(rng, n, prevalence, pts, pcs, reps)
        t_r, c_r = _draw(rng, n, 1 - prevalence, ptr, pcr, reps)
        z = _z_full(t_s, c_s, t_r, c_r, n * prevalence, n * (1 - prevalence), stratified)
    reject = z >= stats.norm.isf(alpha)
    reject_s = reject if population == "S" else np.zeros(reps, bool)
    reject_f = reject if population == "F" else np.zeros(reps, bool)
    out = {
        "reject_any": float(np.mean(reject)),
        "reject_s": float(np.mean(reject_s)),
        "reject_f": float(np.mean(reject_f)),
        # nothing is selected in a single-stage design
        "select_s": math.nan,
        "select_f": math.nan,
        "early_stop": 0.0,
        "futility_stop": 0.0,
    }
    return _operating(
        s,
        reps,
        out,
        _right(right, reject_s, reject_f),
        expected_n=n_total,
        max_n=n_total,
        spread=0,
    )
