"""Leave-one-out, cumulative, subgroup and Egger analyses against metafor (meta.json)."""

import numpy as np
import pandas as pd
import pytest

from conftest import REFERENCE, load_reference
from ta1sepsis.stats.meta_effects import study_effects
from ta1sepsis.stats.meta_sensitivity import (
    cumulative,
    egger_test,
    leave_one_out,
    model_function,
    subgroup_analysis,
)

REF = load_reference("meta.json")["datasets"]


def effects(name, measure):
    return study_effects(pd.read_csv(REFERENCE / "datasets" / f"{name}.csv"), measure)


@pytest.mark.parametrize("name", ["bcg", "egger2001"])
@pytest.mark.parametrize("measure", ["RR", "OR"])
@pytest.mark.parametrize("method", ["FE", "REML"])
def test_leave_one_out(name, measure, method):
    ref = REF[name][measure][f"leave1out.{method}"]
    got = leave_one_out(effects(name, measure), model_function(method))
    np.testing.assert_allclose(np.log(got["estimate"]), ref["estimate"], atol=1e-6)
    np.testing.assert_allclose(np.log(got["lower"]), ref["ci.lb"], atol=1e-6)
    np.testing.assert_allclose(np.log(got["upper"]), ref["ci.ub"], atol=1e-6)


def test_cumulative_by_year():
    ref = REF["bcg"]["RR"]["cumul.REML"]
    got = cumulative(effects("bcg", "RR"), model_function("REML"), order="year")
    np.testing.assert_allclose(np.log(got["estimate"]), ref["estimate"], atol=1e-6)
    np.testing.assert_allclose(np.log(got["upper"]), ref["ci.ub"], atol=1e-6)
    np.testing.assert_allclose(got["tau2"], ref["tau2"], atol=1e-6)


def test_subgroup_differences():
    ref = REF["bcg"]["RR"]["subgroup"]
    got = subgroup_analysis(effects("bcg", "RR"), by="group")
    groups = got.groups.set_index("group")
    for level, r in ref["groups"].items():
        assert groups.loc[level, "log_estimate"] == pytest.approx(r["b"], abs=1e-6)
        assert groups.loc[level, "se"] == pytest.approx(r["se"], abs=1e-6)
        assert groups.loc[level, "tau2"] == pytest.approx(r["tau2"], abs=1e-6)
    assert got.q_between_random == pytest.approx(ref["test_random"]["Q"], abs=1e-6)
    assert got.p_between_random == pytest.approx(ref["test_random"]["pval"], abs=1e-6)
    assert got.q_between_common == pytest.approx(ref["test_fixed"]["Q"], abs=1e-6)
    assert got.df == ref["test_fixed"]["df"]


@pytest.mark.parametrize("name", ["bcg", "egger2001"])
@pytest.mark.parametrize("measure", ["RR", "OR"])
def test_egger(name, measure):
    ref = REF[name][measure]["regtest"]
    got = egger_test(effects(name, measure))
    assert got.t == pytest.approx(ref["zval"], abs=1e-6)
    assert got.p_value == pytest.approx(ref["pval"], abs=1e-6)
    assert got.df == ref["dfs"]
    assert got.bias == pytest.approx(ref["egger_bias"], abs=1e-6)
    assert got.limit_estimate == pytest.approx(ref["limit_estimate"], abs=1e-6)


def test_egger_refuses_few_studies():
    got = egger_test(effects("hine1989", "RR"))
    assert got.p_value is None and "6 studies, fewer than the 10" in got.message
