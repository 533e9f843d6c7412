"""The trial reports (notebooks/trials/<id>.ipynb from notebooks/trial_report.py) give the same
numbers as the notebooks they replaced: every per-trial key of results/02_etass.json and
results/04_tests.json as rendered before the move (tests/reference/legacy_results/, see its
README) has the same value and interval in results/trials/<id>.json."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LEGACY = ROOT / "tests" / "reference" / "legacy_results"

# the per-trial statistics that must have carried over, for every outcome of the trial
PER_TRIAL = ("risk_trt", "risk_ctl", "rr", "or", "rd_wald", "rd_newcombe", "nnt", "p_fisher")
CASES = {
    "etass": ("02_etass", ("mortality_28d", "mortality_hospital", "mortality_icu")),
    "tests": ("04_tests", ("mortality_28d", "mortality_90d", "new_infection_28d")),
}
# keys whose meaning changed on purpose: the verdict counts now count each published number
# once, under the method that reproduces it best (issue 10, item 7), so they are not compared
CHANGED = ("verdicts",)


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("trial", list(CASES))
def test_trial_report_keeps_the_numbers_of_the_notebook_it_replaced(trial):
    legacy_name, outcomes = CASES[trial]
    old = _load(LEGACY / f"{legacy_name}.json")
    new = _load(ROOT / "results" / "trials" / f"{trial}.json")
    expected = {f"{trial}.{o}.{s}" for o in outcomes for s in PER_TRIAL}
    assert expected <= set(old), sorted(expected - set(old))
    shared = [k for k in old if k in new and k.split(".")[-1] not in CHANGED]
    assert expected <= set(shared), sorted(expected - set(shared))
    for key in shared:
        for field in ("value", "lower", "upper", "level", "unit"):
            a, b = old[key].get(field), new[key].get(field)
            if isinstance(a, float):
                assert b == pytest.approx(a, rel=1e-9, abs=1e-12), (key, field)
            else:
                assert a == b, (key, field)


def test_etass_risk_ratio_by_hand():
    """ETASS 28-day deaths 47/181 (Tα1) and 63/180 (placebo): RR and its log-scale Wald CI."""
    got = _load(ROOT / "results" / "trials" / "etass.json")["etass.mortality_28d.rr"]
    rr = (47 / 181) / (63 / 180)
    se = math.sqrt(1 / 47 - 1 / 181 + 1 / 63 - 1 / 180)
    z = 1.959963984540054
    assert got["value"] == pytest.approx(rr, rel=1e-9)
    assert got["lower"] == pytest.approx(rr * math.exp(-z * se), rel=1e-9)
    assert got["upper"] == pytest.approx(rr * math.exp(z * se), rel=1e-9)
