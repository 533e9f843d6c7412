"""Fixed all-comers, fixed enriched and adaptive enrichment designs compared (notebook 07).

For a population with a subgroup estimate, a complement estimate and a sourced prevalence, the
three designs share one maximum size and are simulated under scenarios the evidence supports
(no effect; an effect only in the subgroup; the design effect in everyone; the current shrunken
estimates in both) and under the current posterior of the two effects (assurance). The
simulation engine is :mod:`ta1sepsis.stats.adaptive_enrichment`; the scenario grid runs on
several cores with joblib when it is large, each task with its own seed, so the numbers do not
depend on the number of cores.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ta1sepsis.stats.absolute import treatment_risk
from ta1sepsis.stats.adaptive_enrichment import (
    EnrichmentDesign,
    Scenario,
    simulate,
    simulate_fixed,
)

DESIGNS = ("fixed all-comers", "fixed enriched", "adaptive enrichment")
# below this many simulated trials in a grid, starting worker processes costs more than it saves
PARALLEL_FROM = 2_000_000


@dataclass(frozen=True)
class Task:
    """One design in one scenario."""

    population: str
    design: str
    scenario: Scenario
    right: str | None
    seed: int


def _run(task: Task, n_total: int, prevalence: float, settings: dict, replications: int):
    alpha = settings["alpha"]
    if task.design == "adaptive enrichment":
        d = EnrichmentDesign(
            n_interim=int(round(settings["interim_fraction"] * n_total)),
            n_total=n_total,
            prevalence=prevalence,
            alpha=alpha,
            selection=settings["selection"],
            epsilon=settings["epsilon"],
            futility=settings["futility"],
            early_efficacy=settings["early_efficacy"],
            intersection=settings["intersection"],
            stratified=settings["stratified"],
        )
        r = simulate(d, task.scenario, replications=replications, seed=task.seed, right=task.right)
    else:
        r = simulate_fixed(
            n_total,
            prevalence,
            task.scenario,
            population="F" if task.design == "fixed all-comers" else "S",
            alpha=alpha,
            stratified=settings["stratified"],
            replications=replications,
            seed=task.seed,
            right=task.right,
        )
    row = {"population": task.population, "design": task.design, **r.as_dict()}
    row["right"] = task.right or ""
    return row


def scenarios(
    control: float,
    *,
    shrunken_s: float,
    shrunken_r: float,
    design_hr: float,
    posterior_s: tuple[float, float],
    posterior_r: tuple[float, float],
    replications: int,
    seed: int,
) -> list[tuple[Scenario, str | None]]:
    """The scenarios of one population and the claim each calls right.

    Parameters
    ----------
    control : float
        Control risk in the subgroup and its complement (an assumption: no subgroup-specific
        placebo risk is published).
    shrunken_s, shrunken_r : float
        Shrunken hazard ratios in the subgroup and its complement.
    design_hr : float
        Hazard ratio of the design effect (assumption).
    posterior_s, posterior_r : (float, float)
        Mean and SD of the two log hazard ratios (normal approximations of the posteriors).
    replications, seed : int
        For the draws of the assurance scenario (one pair of hazard ratios per simulated trial).
    """
    rng = np.random.default_rng(seed)
    draw_s = np.exp(rng.normal(posterior_s[0], posterior_s[1], replications))
    draw_r = np.exp(rng.normal(posterior_r[0], posterior_r[1], replications))

    def sc(name, hr_s, hr_r):
        return Scenario(
            name,
            control,
            control,
            treatment_risk(control, hr_s, "HR"),
            treatment_risk(control, hr_r, "HR"),
        )

    current_right = "S" if shrunken_r >= 1 and shrunken_s < 1 else "F" if shrunken_s < 1 else "none"
    return [
        (sc("no effect", 1.0, 1.0), "none"),
        (sc(f"only the subgroup benefits (HR {shrunken_s:.2f})", shrunken_s, 1.0), "S"),
        (sc(f"everyone benefits (design effect, HR {design_hr:.2f})", design_hr, design_hr), "F"),
        (
            sc(
                f"current estimates (HR {shrunken_s:.2f} in, {shrunken_r:.2f} outside the subgroup)",
                shrunken_s,
                shrunken_r,
            ),
            current_right,
        ),
        (sc("assurance: effects drawn from the posterior", draw_s, draw_r), None),
    ]


def compare(
    population: str,
    *,
    n_total: int,
    prevalence: float,
    scenario_list: list[tuple[Scenario, str | None]],
    settings: dict,
    jobs: int = 1,
) -> pd.DataFrame:
    """Simulate the three designs in every scenario.

    Parameters
    ----------
    population : str
        The population's name (the subgroup S).
    n_total : int
        Maximum size of every design.
    prevalence : float
        Share of S among all patients, in (0, 1).
    scenario_list : list of (Scenario, str or None)
        From :func:`scenarios`.
    settings : dict
        alpha (one-sided), interim_fraction, selection, epsilon, futility, early_efficacy,
        intersection, stratified, replications, seed.
    jobs : int
        Processes for a large grid (joblib); the results do not depend on it.

    Returns
    -------
    pandas.DataFrame
        One row per design and scenario: the operating characteristics with their Monte Carlo
        standard errors.
    """
    reps, seed = settings["replications"], settings["seed"]
    tasks = [
        Task(population, design, sc, right, seed + 101 * i + j)
        for i, (sc, right) in enumerate(scenario_list)
        for j, design in enumerate(DESIGNS)
    ]
    if jobs > 1 and reps * len(tasks) >= PARALLEL_FROM:
        from joblib import Parallel, delayed

        rows = Parallel(n_jobs=jobs)(
            delayed(_run)(t, n_total, prevalence, settings, reps) for t in tasks
        )
    else:
        rows = [_run(t, n_total, prevalence, settings, reps) for t in tasks]
    frame = pd.DataFrame(rows)
    frame["power_mcse"] = [m["reject_any"] for m in frame.pop("mcse")]
    frame["screened"] = np.where(frame.design == "fixed enriched", frame.max_n / prevalence, np.nan)
    return frame


def best_design(frame: pd.DataFrame) -> dict:
    """Per scenario, the design with the highest probability of the right claim (power for
    assurance), and its margin over the next."""
    out = {}
    for name, part in frame.groupby("scenario", sort=False):
        right = part["right"].iloc[0]
        if right == "none":
            # nothing works: every design is almost always (correctly) negative; what differs is
            # how many patients it exposes
            ranked = part.sort_values("expected_n", kind="stable")
            key, sign = "expected_n", -1
        else:
            key = "right_population" if right else "reject_any"
            ranked = part.sort_values(key, ascending=False, kind="stable")
            sign = 1
        first, second = ranked.iloc[0], ranked.iloc[1]
        out[name] = {
            "design": first.design,
            "value": float(first[key]),
            "margin": float(sign * (first[key] - second[key])),
            "measure": key,
        }
    return out


def as_records(frame: pd.DataFrame) -> list[dict]:
    """Rows for results JSON: NaN (not defined) becomes None."""
    records = []
    for r in frame.to_dict("records"):
        records.append(
            {
                k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in r.items()
            }
        )
    return records
