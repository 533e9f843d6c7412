"""The claims resolver and verdict rule on small hand-made cases."""

import json

import pandas as pd
import pytest

from ta1sepsis.claims import ClaimError, Resolver, judge
from ta1sepsis.data import load_claims


@pytest.fixture
def resolver(tmp_path):
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "nb.json").write_text(
        json.dumps(
            {
                "x.rr": {"value": 0.7419, "lower": 0.5407, "upper": 1.0181},
                "x.p": {"value": 0.0388, "lower": 0.0339, "upper": 0.0442},
            }
        ),
        encoding="utf-8",
    )
    estimates = pd.DataFrame(
        [
            {
                "estimate_id": "e.rr",
                "estimate": 0.68,
                "ci_lower": 0.59,
                "ci_upper": 0.78,
                "p_value": None,
                "k_studies": 12,
            }
        ]
    )
    facts = pd.DataFrame([{"fact_id": "f.n", "value": 1089.0}])
    trials = pd.DataFrame([{"study_id": "t", "outcome": "m", "events_trt": 127}])
    return Resolver(tmp_path, estimates, facts, trials, {"d": 0.25809})


def claim(stated, reference, rule="rounding", **extra):
    return {"claim_id": "c", "stated": stated, "reference": reference, "rule": rule, **extra}


def test_resolution_and_rules(resolver):
    assert judge(claim("0.74", "result:nb:x.rr"), resolver)["verdict"] == "within rounding"
    assert judge(claim("1.02", "result:nb:x.rr:upper"), resolver)["verdict"] == "within rounding"
    assert judge(claim("12", "estimate:e.rr:k_studies"), resolver)["verdict"] == "reproduced"
    assert judge(claim("1089", "fact:f.n"), resolver)["verdict"] == "reproduced"
    assert judge(claim("127", "trial:t:m:events_trt"), resolver)["verdict"] == "reproduced"
    # 1 - 0.25809 = 0.742 -> 74% when scaled by 100 and complemented from 100
    assert judge(claim("26", "derived:d", scale=100.0, complement=100.0), resolver)[
        "recomputed"
    ] == pytest.approx(74.191)
    assert (
        judge(claim("0.037", "result:nb:x.p", rule="interval"), resolver)["verdict"] == "consistent"
    )
    assert (
        judge(claim("0.030", "result:nb:x.p", rule="interval"), resolver)["verdict"]
        == "not reproduced"
    )
    assert judge(claim("<0.05", "result:nb:x.p", rule="bound"), resolver)["verdict"] == "consistent"
    assert judge(claim("11", "missing:x", rule="not_reproducible"), resolver)["verdict"].startswith(
        "not reproducible"
    )
    assert (
        judge(claim("0", "missing:-", rule="contradicted"), resolver)["verdict"] == "contradicted"
    )


def test_a_result_missing_from_this_run_is_reported_not_fatal(resolver):
    got = judge(claim("0.86", "result:nb:meta.absent"), resolver)
    assert (
        got["verdict"].startswith("not reproducible")
        and "no key 'meta.absent'" in got["missing_result"]
    )


def test_committed_ledger_has_no_missing_results():
    from ta1sepsis.outputs import read_results

    assert read_results("08_claims")["claims.missing_results"]["value"] == 0


def test_unresolvable_references_are_named(resolver):
    with pytest.raises(ClaimError, match="nb2.json does not exist"):
        judge(claim("1", "result:nb2:k"), resolver)
    with pytest.raises(ClaimError, match="cannot resolve reference 'fact:nope'"):
        judge(claim("1", "fact:nope"), resolver)


def test_committed_claims_file_is_valid_and_large_enough():
    claims = load_claims()
    assert len(claims) > 40
    assert claims.claim_id.is_unique
    assert (claims[claims.rule == "not_reproducible"].explanation.str.len() > 0).all()
    assert (claims[claims.rule == "contradicted"].explanation.str.len() > 0).all()
