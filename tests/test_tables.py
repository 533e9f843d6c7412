"""The table formatter (ta1sepsis.report.tables) against hand-written expectations.

Every expected string below is worked out by hand from the rule in the module docstring, e.g.
0.0123 to two significant figures is 0.012; 0.0996 rounds to 0.10 (two figures, not 0.100).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from ta1sepsis.report import tables
from ta1sepsis.report.tables import (
    format_frame,
    format_p,
    format_value,
    infer_kinds,
    to_html,
    to_text,
)


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (4e-05, "<0.001"),
        (0.00099, "<0.001"),
        (0.001, "0.0010"),
        (0.0123, "0.012"),
        (0.0623, "0.062"),
        (0.0679, "0.068"),
        (0.0996, "0.10"),  # rounds up into the next decade: two figures, not "0.100"
        (0.125, "0.13"),  # half up, as a reader rounds 0.125 (binary rounding gives 0.12)
        (0.7862, "0.79"),
        (0.5, "0.50"),
        (0.99996, "1.0"),
        (1.0, "1.0"),
        (float("nan"), ""),
        (None, ""),
        ("<0.0001", "<0.0001"),  # a P value as published stays as printed
    ],
)
def test_p_values_two_significant_figures(p, expected):
    assert format_value(p, "p") == expected


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (2013.0, "year", "2013"),
        (180.0, "count", "180"),
        (2009.87, "count", "2010"),
        (np.int64(47), "count", "47"),
        (0.7419, "ratio", "0.74"),
        (1.0181, "ratio", "1.02"),
        (2.675, "ratio", "2.68"),  # half up from the printed digits (binary 2.67499... -> 2.67)
        (0.0735, "ratio", "0.074"),  # a small ratio keeps two significant figures
        (27.1746, "ratio", "27.17"),
        (51.7331, "percent", "51.7"),
        (0.55, "percent", "0.55"),
        (0.392, "proportion", "39.2%"),
        (float("nan"), "ratio", ""),
        (pd.NA, "count", ""),
        (None, "text", ""),
        (True, "bool", "yes"),
        (np.False_, "bool", "no"),
        ((2.0, 3.0), "text", "2 to 3"),
        ((np.float64(30.0), np.float64(40.0)), "text", "30 to 40"),
        (math.inf, "number", "∞"),
        (-0.0001, "ratio", "-0.00010"),
        (-0.001, "number", "-0.001"),
        (3108.28, "number", "3108"),
        (0.5147, "number", "0.515"),
        ("MD 3.9 (0.2 to 7.6)", "text", "MD 3.9 (0.2 to 7.6)"),
    ],
)
def test_values(value, kind, expected):
    assert format_value(value, kind) == expected


def test_no_negative_zero():
    assert format_value(-0.001, "ratio") == "-0.0010"  # small ratio: two figures kept
    assert format_value(-0.004, "count") == "0"
    assert format_value(-0.0004, "percent", decimals=1) == "0.0"


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError, match="unknown column kind"):
        format_value(1.0, "pvalue")


def test_number_columns_share_decimals():
    # three significant figures at the largest value (0.899 -> 3 decimals), shared trailing
    # zero dropped (0.500, 0.350 -> 0.50, 0.35), small values keep two figures (0.016)
    assert tables.format_column(pd.Series([0.5, 0.35, 0.35, 0.35]), "number") == [
        "0.50",
        "0.35",
        "0.35",
        "0.35",
    ]
    assert tables.format_column(pd.Series([0.831, 0.899, 0.594]), "number") == [
        "0.831",
        "0.899",
        "0.594",
    ]
    assert tables.format_column(pd.Series([1.046, 0.016]), "number") == ["1.05", "0.016"]
    assert tables.format_column(pd.Series([361.0, 1480.0, np.nan]), "number") == [
        "361",
        "1480",
        "",
    ]
    assert tables.format_column(pd.Series([4883.963, 2009.87]), "number") == ["4884", "2010"]
    assert tables.format_column(pd.Series([0.0, 0.0394]), "number") == ["0", "0.0394"]
    # percentages: one decimal, two when every value is below 1
    assert tables.format_column(pd.Series([2.2, 2.1]), "percent") == ["2.2", "2.1"]
    assert tables.format_column(pd.Series([0.55, 0.83]), "percent") == ["0.55", "0.83"]


def test_kinds_inferred_from_names_and_dtypes():
    frame = pd.DataFrame(
        {
            "study": ["ETASS", "TESTS"],
            "year": [2013.0, 2025.0],
            "Tα1 events": [47, 127],
            "control N": [180.0, 547.0],
            "RR": [0.742, 0.971],
            "lower": [0.541, 0.8],
            "upper": [1.018, 1.2],
            "P": [0.0623, 0.79],
            "P(OR < 1)": [0.79, 0.72],  # a posterior probability, not a P value
            "p_benefit": [0.58, 0.59],  # likewise
            "I2 (%)": [51.7, 0.0],
            "SE(ln HR)": [0.128, 0.125],  # a standard error, not a ratio
            "power with the patients randomised": [0.831, 0.6],  # not a count
            "E[N] no effect": [2009.87, 564.8],
            "estimate": [0.86, 0.83],
            "PI lower": [np.nan, 0.48],
            "consistent": [True, False],
            "published": ["0.74", "0.97"],
        }
    )
    assert infer_kinds(frame) == {
        "study": "text",
        "year": "year",
        "Tα1 events": "count",
        "control N": "count",
        "RR": "ratio",
        "lower": "ratio",
        "upper": "ratio",
        "P": "p",
        "P(OR < 1)": "ratio",
        "p_benefit": "number",
        "I2 (%)": "percent",
        "SE(ln HR)": "number",
        "power with the patients randomised": "number",
        "E[N] no effect": "count",
        "estimate": "number",
        "PI lower": "number",
        "consistent": "bool",
        "published": "text",
    }
    assert infer_kinds(frame, {"estimate": "ratio"})["estimate"] == "ratio"
    with pytest.raises(KeyError, match="not in the table"):
        infer_kinds(frame, {"HR": "ratio"})
    with pytest.raises(ValueError, match="unknown kind"):
        infer_kinds(frame, {"RR": "odds"})


def test_bounds_take_the_decimals_of_their_estimate():
    frame = pd.DataFrame(
        {"method": ["a", "b"], "estimate": [0.8635, 0.8257], "lower": [0.6814, 0.0735]}
    )
    frame["upper"] = [1.0944, 9.2801]
    text, kinds = tables.format_frame(frame)
    assert kinds["upper"] == "number"
    assert text["estimate"].tolist() == ["0.864", "0.826"]
    assert text["lower"].tolist() == ["0.681", "0.074"]
    assert text["upper"].tolist() == ["1.094", "9.280"]  # 3 decimals like the estimate


def _example() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "test": ["Pearson chi-square", "Fisher exact", "x" * 300],
            "statistic": [3.4759, 0.6514, np.nan],
            "P": [0.0623, 0.0679, 4e-05],
            "year": [2013.0, 2013.0, np.nan],
            "note": ["a", None, "c"],
        }
    )


def test_html_is_complete_aligned_and_deterministic():
    frame = _example()
    first = to_html(frame)
    assert first == to_html(frame.copy())
    assert "overflow-x:auto" in first and first.startswith('<div class="ta1-table-wrap"')
    assert " id=" not in first and "uuid" not in first
    assert "x" * 300 in first  # no truncation
    assert "…" not in first and "..." not in first
    assert "NaN" not in first and "None" not in first and "nan" not in first
    assert "index" not in first.lower().replace("ta1-table", "")
    header = re.search(r"<thead>(.*?)</thead>", first).group(1)
    assert header.count("<tr>") == 1  # no index-name row
    assert '<th class="l" scope="col">test</th>' in header
    assert '<th class="r" scope="col">P</th>' in header
    assert '<td class="r" data-kind="p">&lt;0.001</td>' in first
    assert '<td class="r" data-kind="year">2013</td>' in first
    assert '<td class="r" data-kind="number">3.48</td>' in first
    assert '<td class="l" data-kind="text"></td>' in first  # None -> empty
    assert '<th scope="row" class="l long" data-kind="text">Fisher exact</th>' in first


def test_text_form_has_every_row_and_no_address():
    frame = pd.DataFrame({"n": range(200), "label": [f"row {i}" for i in range(200)]})
    text = to_text(frame, index="label")
    lines = text.splitlines()
    assert len(lines) == 202  # header, rule, 200 rows
    assert lines[0].split() == ["label", "n"]
    assert lines[-1] == "row 199  199"
    assert "..." not in text and "0x" not in text


def test_text_alignment():
    text = to_text(pd.DataFrame({"study": ["ETASS", "TESTS (2025)"], "N": [361, 1089]}))
    assert text.splitlines() == [
        "study            N",
        "------------  ----",
        "ETASS          361",
        "TESTS (2025)  1089",
    ]


def test_index_handling():
    frame = pd.DataFrame({"RR": [0.74]}, index=pd.Index(["ETASS"], name="trial"))
    text, _ = tables.format_frame(frame)
    assert list(text.columns) == ["trial", "RR"]  # a meaningful index becomes a column
    filtered = pd.DataFrame({"a": ["x", "y", "z"], "b": [1, 2, 3]}).iloc[[2, 0]]
    text, _ = tables.format_frame(filtered)
    assert list(text.columns) == ["a", "b"]  # an integer index left by filtering is dropped
    assert text["a"].tolist() == ["z", "x"]
    with pytest.raises(KeyError, match="not in the table"):
        tables.format_frame(filtered, index="c")


def test_show_displays_html_and_text(monkeypatch):
    from ta1sepsis.report import narrative

    shown = []
    monkeypatch.setattr(narrative, "display", lambda obj, raw=False: shown.append((obj, raw)))
    narrative.show(_example(), kinds={"statistic": "ratio"}, decimals={"P": 3})
    ((bundle, raw),) = shown
    assert raw is True
    assert set(bundle) == {"text/html", "text/plain"}
    assert 'data-kind="ratio">3.48<' in bundle["text/html"]
    assert "0.062" in bundle["text/plain"]  # decimals do not apply to P values


def test_identifiers_wrap_at_their_separators_and_numbers_never():
    html = to_html(
        pd.DataFrame(
            {"source": ["etass.mortality_28d.rr", "data/trials.csv"], "x": ["0.74", "2.5"]}
        )
    )
    assert "etass.<wbr>mortality_28d.<wbr>rr" in html
    assert "data/<wbr>trials.<wbr>csv" in html
    assert ">0.74<" in html and ">2.5<" in html


def test_headers_wrap_at_underscores_and_long_text_is_marked():
    # a snake_case header is shown in words; an identifier with dots keeps its underscores and
    # may wrap after them
    frame = pd.DataFrame(
        {"hours_per_day": [1.5], "a.fact_id": [2.0], "note": ["x " * 30], "short": ["abc"]}
    )
    html = to_html(frame)
    assert '<th class="r" scope="col">hours per day</th>' in html
    assert "a.<wbr>fact_<wbr>id</th>" in html
    assert '<td class="l long" data-kind="text">' + "x " * 30 + "</td>" in html  # 60 characters
    assert '<td class="l" data-kind="text">abc</td>' in html


def test_reader_headers_keep_the_kinds_of_the_original_names():
    """Kinds are inferred from the names as written (p_value is a P value, n_trt a count, a
    posterior-probability column a proportion when asked); the headers are shown in words."""
    frame = pd.DataFrame(
        {"study": ["a"], "p_value": [0.0000049], "n_trt": [1200], "p_benefit": [0.5]}
    )
    text, kinds = format_frame(frame, kinds={"p_benefit": "proportion"})
    assert list(text.columns) == ["study", "p value", "n trt", "P(benefit)"]
    assert kinds["p value"] == "p" and kinds["n trt"] == "count"
    assert text.loc[0, "p value"] == format_p(0.0000049)
    assert text.loc[0, "n trt"] == format_value(1200, "count")
