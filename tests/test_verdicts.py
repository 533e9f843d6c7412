"""The published-vs-recomputed rule."""

import pytest

from ta1sepsis.evidence.verdicts import comparison, decimals, verdict


def test_decimals_keep_trailing_zeros():
    assert decimals("0.30") == 2
    assert decimals("334") == 0
    assert decimals("-0.5") == 1
    assert decimals("1e-5") == 0


@pytest.mark.parametrize(
    "published, computed, expected",
    [
        ("0.74", 0.7419, "within rounding"),
        ("0.74", 0.745, "within rounding"),
        ("0.74", 0.7451, "last digit off by one"),
        ("-0.5", -0.42, "last digit off by one"),
        ("0.93", 0.82, "not reproduced"),
        ("334", 334, "reproduced"),
        ("0.062", 0.06227, "within rounding"),
    ],
)
def test_verdict_rule(published, computed, expected):
    assert verdict(published, computed) == expected


def test_bounds():
    assert verdict("0.00001", 3e-6, "<") == "consistent"
    assert verdict("0.001", 0.002, "<") == "not reproduced"
    with pytest.raises(ValueError):
        verdict("0.1", 0.1, ">")


def test_comparison_row():
    row = comparison("RR", "0.74", 0.74191, "log CI")
    assert row["verdict"] == "within rounding" and row["recomputed"] == "0.7419"
