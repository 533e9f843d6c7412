"""Two-stage adaptive enrichment simulations (stats.adaptive_enrichment) against rpact 3.3.4.

tests/reference/enrichment.R ran getSimulationEnrichmentRates on twelve designs x four
scenarios (20,000 iterations each) and pinned the results in enrichment.json. The Python
engine, with its own 20,000 replications, must agree within 3 combined Monte Carlo standard
errors on every probability and within 2% on the expected sample size.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from ta1sepsis.stats.adaptive_enrichment import (
    EnrichmentDesign,
    Scenario,
    simulate,
    simulate_fixed,
)

REFERENCE = json.loads(
    (Path(__file__).parent / "reference" / "enrichment.json").read_text(encoding="utf-8")
)
PROBABILITIES = (
    "reject_at_least_one",
    "reject_s",
    "reject_f",
    "select_s",
    "select_f",
    "early_stop",
    "futility_stop",
)
OURS = {"reject_at_least_one": "reject_any"}


def _design(config: dict) -> EnrichmentDesign:
    n1, n2 = REFERENCE["planned_subjects"]
    return EnrichmentDesign(
        n_interim=n1,
        n_total=n2,
        prevalence=REFERENCE["prevalence"],
        alpha=REFERENCE["alpha"],
        selection=config["selection"],
        epsilon=config.get("epsilon", 0.0),
        threshold=config.get("threshold", -math.inf),
        futility=config.get("futility"),
        early_efficacy=config.get("design") == "asOF",
        intersection=config["intersection"].lower(),
        stratified=config["stratified"],
    )


@pytest.mark.parametrize(
    "entry", REFERENCE["designs"], ids=[d["config"]["id"] for d in REFERENCE["designs"]]
)
def test_operating_characteristics_agree_with_rpact(entry):
    design = _design(entry["config"])
    # the critical values: the fixed one, or O'Brien-Fleming-type alpha spending
    assert design.critical_values[1] == pytest.approx(entry["critical_values"][1], abs=1e-6)
    if entry["config"].get("design") == "asOF":
        assert design.critical_values[0] == pytest.approx(entry["critical_values"][0], abs=1e-5)
    n_r = REFERENCE["iterations"]
    control = REFERENCE["control"]
    problems = []
    for i, (spec, ref) in enumerate(zip(REFERENCE["scenarios"], entry["scenarios"], strict=True)):
        scenario = Scenario(spec["name"], control[0], control[1], *spec["treat"])
        got = simulate(design, scenario, replications=n_r, seed=1000 + i).as_dict()
        for key in PROBABILITIES:
            p_r, p_py = ref[key], got[OURS.get(key, key)]
            se = math.sqrt(p_r * (1 - p_r) / n_r + p_py * (1 - p_py) / n_r)
            if abs(p_r - p_py) > max(3 * se, 1e-12):
                problems.append(
                    f"{spec['name']}: {key} rpact {p_r:.4f}, here {p_py:.4f} (3 SE {3 * se:.4f})"
                )
        if abs(got["expected_n"] - ref["expected_n"]) > 0.02 * ref["expected_n"]:
            problems.append(
                f"{spec['name']}: expected N rpact {ref['expected_n']:.1f}, here {got['expected_n']:.1f}"
            )
    assert not problems, "\n".join(problems)


def test_same_seed_same_numbers_and_array_risks():
    d = EnrichmentDesign(400, 1000, 0.4, futility=0.0)
    s = Scenario("x", 0.3, 0.3, 0.24, 0.28)
    kw = {"replications": 5000, "seed": 7, "right": "S"}
    assert simulate(d, s, **kw) == simulate(d, s, **kw)
    # one risk per replication (assurance): constant arrays give the scalar answer
    arrays = Scenario("x", 0.3, 0.3, np.full(5000, 0.24), np.full(5000, 0.28))
    assert simulate(d, arrays, **kw) == simulate(d, s, **kw)


def test_fixed_designs_match_the_normal_approximation():
    """Power of the fixed z-test for two proportions, by hand: n = 2000 all in S, risks 0.30 vs
    0.25: z_power = (0.05 / sqrt(2 pbar qbar / 1000) - z_0.025) with pbar = 0.275 (pooled-
    variance test, equal arms of 1000); the simulated power lies within 3 MC SE of it."""
    from scipy import stats

    r = simulate_fixed(
        2000,
        0.4,
        Scenario("x", 0.30, 0.30, 0.25, 0.30),
        population="S",
        replications=40000,
        seed=11,
    )
    pbar = 0.275
    se0 = math.sqrt(2 * pbar * (1 - pbar) / 1000)
    se1 = math.sqrt((0.3 * 0.7 + 0.25 * 0.75) / 1000)
    power = stats.norm.cdf((0.05 - stats.norm.isf(0.025) * se0) / se1)
    assert abs(r.reject_s - power) < 3 * r.mcse["reject_s"] + 0.003
    assert r.reject_f == 0 and r.expected_n == r.max_n == 2000
    assert math.isnan(r.select_s) and math.isnan(r.select_f)  # nothing is selected


def test_bad_designs_are_named():
    with pytest.raises(ValueError, match="prevalence"):
        EnrichmentDesign(400, 1000, 1.2)
    with pytest.raises(ValueError, match="stage sizes must increase"):
        EnrichmentDesign(1000, 400, 0.4)
    with pytest.raises(ValueError, match="unknown rule"):
        EnrichmentDesign(400, 1000, 0.4, selection="worst")
    with pytest.raises(ValueError, match="unknown test"):
        EnrichmentDesign(400, 1000, 0.4, intersection="holm")
    with pytest.raises(ValueError, match="control_s must be in"):
        Scenario("bad", 1.3, 0.3, 0.2, 0.2)
    with pytest.raises(ValueError, match="leave an arm"):
        EnrichmentDesign(10, 20, 0.01)


@pytest.mark.slow
@pytest.mark.parametrize("intersection", ["simes", "bonferroni", "sidak"])
@pytest.mark.parametrize("stratified", [True, False])
def test_family_wise_error_at_most_alpha(intersection, stratified):
    """100,000 replications under the global null and under H_S true with a benefit only in
    the complement (the configuration that most tempts the closed test to reject H_S): the
    probability of any false rejection stays below alpha + 2.33 MC SE (one-sided 1%)."""
    reps = 100_000
    for selection in ("best", "all"):
        d = EnrichmentDesign(
            400, 1000, 0.4, selection=selection, intersection=intersection, stratified=stratified
        )
        null = simulate(d, Scenario("null", 0.3, 0.3, 0.3, 0.3), replications=reps, seed=21)
        assert null.reject_any <= 0.025 + 2.33 * math.sqrt(0.025 * 0.975 / reps), (selection, null)
        only_r = simulate(d, Scenario("H_S true", 0.3, 0.3, 0.3, 0.24), replications=reps, seed=22)
        assert only_r.reject_s <= 0.025 + 2.33 * math.sqrt(0.025 * 0.975 / reps), (
            selection,
            only_r,
        )


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"interim_fraction": 1.0}, "adaptive_enrichment"),
        ({"interim_fraction": 0.0}, "adaptive_enrichment"),
        ({"selection": "worst"}, "adaptive_enrichment"),
        ({"intersection": "holm"}, "adaptive_enrichment"),
        ({"replications": 10}, "adaptive_enrichment"),
    ],
)
def test_bad_07_parameters_are_refused_with_their_name(change, named):
    """The schema of params/07_next_trial.yaml stops a bad adaptive design before any run."""
    from ta1sepsis.pipeline.parameters import (
        ParameterError,
        load_parameters,
        validate_parameters,
    )

    values = load_parameters("07_next_trial")
    own = {
        k: v
        for k, v in values.items()
        if k not in ("design_relative_reduction", "decision_thresholds")
    }
    own["adaptive_enrichment"] = {**own["adaptive_enrichment"], **change}

    with pytest.raises(ParameterError, match=named) as caught:
        validate_parameters("07_next_trial", own)
    assert list(change)[0] in str(caught.value)
