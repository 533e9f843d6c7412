"""Tables formatted for reading: one formatter for every table a notebook shows.

:func:`ta1sepsis.report.narrative.show` passes each DataFrame through :func:`to_html` and
:func:`to_text`, so that every table in the notebooks and on the site follows the same rules:

* **P values** (``p``): two significant figures, ``<0.001`` below 0.001 (0.0123 -> ``0.012``,
  0.0623 -> ``0.062``, 0.7862 -> ``0.79``, 4e-05 -> ``<0.001``).
* **Ratios** (``ratio``: RR, OR, HR, columns named "... ratio ..."): two decimals (0.7419 ->
  ``0.74``); a ratio below 0.1 keeps two significant figures (0.0735 -> ``0.074``).
* **Counts** (``count``: events, deaths, N, n, k, patients, doses, and integer columns): whole
  numbers (180.0 -> ``180``; an expected sample size 2009.87 -> ``2010``).
* **Years** (``year``): no decimals (2013.0 -> ``2013``).
* **Percentages** (``percent``: names with ``%``, "percent" or "pp", values already in percent):
  one decimal (51.7331 -> ``51.7``), two when every value in the column is below 1.
  **Proportions** (``proportion``, by override only) are shown as percentages with a ``%`` sign
  (0.392 -> ``39.2%``).
* **Other numbers** (``number``): three significant figures at the column's largest magnitude,
  the same decimals down the column, trailing zeros the whole column shares dropped, and at least
  two significant figures for any non-zero value (so nothing shows as 0 that is not 0). A number
  on its own (in a column that mixes text and numbers) gets three significant figures without
  trailing zeros (3108.28 -> ``3108``, 0.5 -> ``0.5``).
* **Missing values** (NaN, None, NA) are empty cells; booleans are ``yes``/``no``; a pair of
  numbers (a range) is ``a to b``; text is shown whole (never truncated).

Numbers are rounded half up from their shortest decimal representation (0.125 -> ``0.13``), the
way a reader rounds a printed number. Column kinds are inferred from the column names and dtypes
(:func:`infer_kinds`) and can be overridden: ``show(frame, kinds={"estimate": "ratio"})``.

The HTML is built here (no pandas Styler, no random ids): text columns are left-aligned,
numbers right-aligned, there is no index and no index-name row, and the table sits in a box that
scrolls horizontally when it is wider than the page. The plain-text form holds every row and
column and no memory address, so rendered notebooks are byte-identical across runs. The CSV
files written by :func:`ta1sepsis.report.outputs.save_table` keep full precision and do not pass
through here.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

KINDS = ("text", "p", "ratio", "count", "year", "percent", "proportion", "number", "bool")
NUMERIC_KINDS = ("p", "ratio", "count", "year", "percent", "proportion", "number")

# Column-name rules (checked in this order after explicit overrides and booleans).
_P_NAME = re.compile(r"(?:^|\s)[Pp](?:\s|$)|\bp[ _-]?values?\b", re.I)
_PERCENT_NAME = re.compile(r"%|\bpercent|\(pp\)|\bpp\b", re.I)
_YEAR_NAME = re.compile(r"\byears?\b", re.I)
_RATIO_TOKENS = {"RR", "OR", "HR", "IRR", "aHR", "aOR", "HRs", "ORs", "RRs"}
_RATIO_NAME = re.compile(r"ratio", re.I)
_SCALE_TOKENS = {"SE", "SD", "se", "sd", "ln", "log", "logit"}  # SE(ln HR) is not a ratio
_COUNT_TOKENS = {"N", "n", "k"}
_COUNT_NAME = re.compile(
    r"\b(?:events?|deaths|patients|participants|doses|subjects)\b|^(?:n|N)_", re.I
)
_BOUND_NAME = re.compile(r"(?:^|[\s_])(?:lower|upper)$", re.I)
_TOKEN = re.compile(r"[A-Za-z]+")
_MISSING_TEXT = {"nan", "none", "<na>", "nat"}


def _tokens(name: str) -> set[str]:
    return set(_TOKEN.findall(name))


def is_missing(value) -> bool:
    """True for None, NaN, pandas NA/NaT (shown as an empty cell)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return False


def _is_number(value) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _round_half_up(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` decimals, rounded half up from its shortest representation."""
    quantum = Decimal(1).scaleb(-decimals)
    text = format(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP), "f")
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]  # no "-0.00"
    return text


def _magnitude(value: float) -> int:
    """floor(log10(|value|)) for a non-zero finite value."""
    return math.floor(math.log10(abs(value)))


def _sig_decimals(value: float, figures: int) -> int:
    """Decimals that give ``value`` (non-zero) ``figures`` significant figures, after rounding."""
    decimals = max(0, figures - 1 - _magnitude(value))
    rounded = float(_round_half_up(value, decimals))
    if rounded != 0 and _magnitude(rounded) > _magnitude(value):  # 0.0996 -> 0.10, not 0.100
        decimals = max(0, decimals - 1)
    return decimals


def _infinite(value: float) -> str:
    return "∞" if value > 0 else "-∞"


def format_p(value) -> str:
    """A P value to two significant figures, ``<0.001`` below 0.001.

    Parameters
    ----------
    value : float or str
        The P value (probability scale, 0 to 1). Text (a P value as published, e.g. ``"<0.0001"``)
        is returned unchanged; a missing value gives ``""``.

    Returns
    -------
    str
        e.g. 4e-05 -> ``"<0.001"``, 0.0123 -> ``"0.012"``, 0.5 -> ``"0.50"``, 1.0 -> ``"1.0"``.
    """
    if is_missing(value):
        return ""
    if not _is_number(value):
        return str(value)
    value = float(value)
    if value < 0.001:
        return "<0.001"
    return _round_half_up(value, _sig_decimals(value, 2))


def format_value(value, kind: str, decimals: int | None = None) -> str:
    """One value as text under the rules of ``kind`` (see the module docstring).

    Parameters
    ----------
    value : object
        The cell value. Missing values (None, NaN, NA) give ``""``; text is returned whole;
        booleans give ``"yes"``/``"no"``; a tuple or list of numbers is joined (``"2 to 3"`` for
        a pair).
    kind : str
        One of :data:`KINDS`.
    decimals : int, optional
        Fixed number of decimals for ``ratio``, ``percent``, ``proportion`` and ``number``
        (default: the kind's rule; for ``number`` alone, three significant figures).

    Returns
    -------
    str
        e.g. ``format_value(2013.0, "year") == "2013"``,
        ``format_value(0.7419, "ratio") == "0.74"``, ``format_value(float("nan"), "p") == ""``.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown column kind {kind!r}; expected one of {KINDS}")
    if is_missing(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, tuple | list | np.ndarray):
        items = [format_value(v, kind if kind != "text" else "number", decimals) for v in value]
        if len(items) == 2 and all(_is_number(v) for v in value):
            return f"{items[0]} to {items[1]}"
        return ", ".join(items)
    if not _is_number(value):
        return str(value)
    value = float(value)
    if math.isinf(value):
        return _infinite(value)
    if kind == "p":
        return format_p(value)
    if kind in ("count", "year"):
        return _round_half_up(value, 0)
    if kind == "ratio":
        places = 2 if decimals is None else decimals
        if decimals is None and value != 0 and abs(value) < 0.1:
            places = max(places, _sig_decimals(value, 2))
        return _round_half_up(value, places)
    if kind == "percent":
        places = (1 if abs(value) >= 1 or value == 0 else 2) if decimals is None else decimals
        return _round_half_up(value, places)
    if kind == "proportion":
        return _round_half_up(100 * value, 1 if decimals is None else decimals) + "%"
    # "number", and a number in a text column
    if value == 0:
        return "0"
    if decimals is not None:
        return _round_half_up(value, decimals)
    # a lone number: three significant figures, no trailing zeros (0.5 -> "0.5")
    text = _round_half_up(value, _sig_decimals(value, 3))
    return text.rstrip("0").rstrip(".") if "." in text else text


def _column_values(series: pd.Series) -> list:
    return [None if is_missing(v) else v for v in series.tolist()]


def _finite_nonzero(values: Sequence) -> list[float]:
    return [float(v) for v in values if _is_number(v) and math.isfinite(float(v)) and float(v) != 0]


def number_decimals(series: pd.Series) -> int:
    """Decimals of a ``number`` column: three significant figures at its largest magnitude (at
    most 4), less any trailing zero every value shares; 0 for whole numbers or no numbers."""
    finite = _finite_nonzero(_column_values(series))
    if not finite or all(v == int(v) for v in finite):
        return 0
    places = min(4, max(0, 2 - _magnitude(max(abs(v) for v in finite))))
    # a value ending in 0 at d decimals rounds to the same number at d - 1
    while places > 0 and all(_round_half_up(v, places).endswith("0") for v in finite):
        places -= 1
    return places


def format_column(
    series: pd.Series, kind: str, decimals: int | None = None, *, places: int | None = None
) -> list[str]:
    """Every value of a column as text, with the same decimals down the column where it matters.

    Parameters
    ----------
    series : pandas.Series
        The column.
    kind : str
        One of :data:`KINDS`.
    decimals : int, optional
        Fixed decimals (see :func:`format_value`).
    places : int, optional
        For ``number`` columns: the decimals to use instead of the column's own (a CI bound
        takes its estimate's), still with two significant figures for small values.

    Returns
    -------
    list of str
        One string per row. ``number`` columns get three significant figures at the column's
        largest magnitude (at most 4 decimals), trailing zeros the whole column shares dropped,
        and at least two significant figures for every non-zero value; ``percent`` columns get
        one decimal, or two when every value is below 1.
    """
    values = _column_values(series)
    finite = _finite_nonzero(values)
    if kind == "percent" and decimals is None and finite:
        decimals = 1 if max(abs(v) for v in finite) >= 1 else 2
    if kind != "number" or decimals is not None or not finite:
        return [format_value(v, kind, decimals) for v in values]
    if places is None:
        places = number_decimals(series)
    out = []
    for v in values:
        if not _is_number(v) or not math.isfinite(float(v)) or float(v) == 0:
            out.append(format_value(v, kind))
            continue
        v = float(v)
        own = places
        if abs(v) < 10 ** (1 - places) and float(_round_half_up(v, places)) != v:
            own = _sig_decimals(v, 2)  # fewer than two significant figures would show
        out.append(_round_half_up(v, own))
    return out


def _name(column) -> str:
    if isinstance(column, tuple):
        return " ".join(str(c) for c in column if str(c) != "")
    return str(column)


def _kind_from_name(name: str, integral: bool) -> str | None:
    """The kind a column name implies; ``integral``: every value is a whole number (a name
    such as "power with the patients randomised" must not make 0.83 a count)."""
    tokens = _tokens(name)
    if _P_NAME.search(name):
        return "p"
    if _PERCENT_NAME.search(name):
        return "percent"
    if _YEAR_NAME.search(name):
        return "year"
    if (tokens & _RATIO_TOKENS or _RATIO_NAME.search(name)) and not tokens & _SCALE_TOKENS:
        return "ratio"
    if tokens & _COUNT_TOKENS:
        return "count"
    if _COUNT_NAME.search(name) and not tokens & _SCALE_TOKENS and integral:
        return "count"
    return None


def _anchor(names: Sequence[str], position: int) -> str | None:
    """For a "lower"/"upper" column, the nearest column before it that is not a bound."""
    if not _BOUND_NAME.search(names[position]):
        return None
    for previous in reversed(names[:position]):
        if not _BOUND_NAME.search(previous):
            return previous
    return None


def _kind_from_dtype(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series.dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(series.dtype):
        return "count"
    if pd.api.types.is_float_dtype(series.dtype):
        return "number"
    values = [v for v in _column_values(series) if v is not None]
    if values and all(isinstance(v, bool | np.bool_) for v in values):
        return "bool"
    if values and all(_is_number(v) for v in values):
        return "count" if all(float(v) == int(float(v)) for v in values) else "number"
    return "text"


def infer_kinds(frame: pd.DataFrame, kinds: Mapping[str, str] | None = None) -> dict[str, str]:
    """The kind of every column: explicit ``kinds`` first, then booleans, names, dtypes.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    kinds : mapping of str to str, optional
        Overrides, column name -> one of :data:`KINDS`.

    Returns
    -------
    dict
        Column name (as text) -> kind. Name rules: a separate ``P``/``p`` or "p value" -> ``p``
        ("P(OR < 1)" and "p_benefit" are not P values); ``%``, "percent", "(pp)" -> ``percent``;
        "year" -> ``year``; RR, OR, HR or "ratio" -> ``ratio``; N, n, k, events, deaths,
        patients, doses -> ``count`` (the last four only when every value is whole); names with
        SE, SD, ln or log are never ratios or counts. A column named "lower"/"upper" (or
        "... lower") takes the ratio or number kind of the nearest column before it that is not
        a bound (and, for numbers, its decimals). A name rule applies only to numeric columns;
        text stays text. Otherwise integer columns are counts, float columns numbers, the rest
        text.
    """
    kinds = dict(kinds or {})
    names = [_name(c) for c in frame.columns]
    unknown = set(kinds) - set(names)
    if unknown:
        raise KeyError(f"kinds given for columns not in the table: {sorted(unknown)}")
    for name, kind in kinds.items():
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r} for column {name!r}; expected one of {KINDS}")
    result: dict[str, str] = {}
    for position, name in enumerate(names):
        if name in kinds:
            result[name] = kinds[name]
            continue
        series = frame.iloc[:, position]
        by_dtype = _kind_from_dtype(series)
        if by_dtype in ("bool", "text"):
            result[name] = by_dtype
            continue
        numbers = [float(v) for v in _column_values(series) if _is_number(v)]
        integral = all(math.isinf(v) or v == int(v) for v in numbers)
        by_name = _kind_from_name(name, integral)
        anchor = _anchor(names, position)
        if by_name is None and anchor is not None and result.get(anchor) in ("ratio", "number"):
            by_name = result[anchor]
        result[name] = by_name or by_dtype
    return result


def _prepared(frame: pd.DataFrame | pd.Series, index: str | None) -> pd.DataFrame:
    """A copy with a meaningful index turned into columns and ``index`` moved first."""
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    frame = frame.copy()
    default_index = frame.index.names == [None] and pd.api.types.is_integer_dtype(frame.index.dtype)
    if not default_index:
        frame = frame.reset_index()
    if isinstance(frame.columns, pd.MultiIndex):
        frame.columns = [_name(c) for c in frame.columns]
    frame.columns = [_name(c) for c in frame.columns]
    if len(set(frame.columns)) != len(frame.columns):
        raise ValueError(f"duplicate column names: {list(frame.columns)}")
    if index is not None:
        if index not in frame.columns:
            raise KeyError(f"column {index!r} is not in the table")
        frame = frame[[index, *[c for c in frame.columns if c != index]]]
    return frame


def format_frame(
    frame: pd.DataFrame,
    kinds: Mapping[str, str] | None = None,
    decimals: Mapping[str, int] | None = None,
    index: str | None = None,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The table with every cell as display text, and the kind of every column.

    Parameters
    ----------
    frame : pandas.DataFrame or pandas.Series
        The table. A default integer index is dropped; any other index becomes columns.
    kinds : mapping, optional
        Column kind overrides (see :func:`infer_kinds`).
    decimals : mapping, optional
        Column name -> fixed number of decimals (ratio, percent, proportion, number columns).
    index : str, optional
        A column to move to the front (it becomes the row header).

    Returns
    -------
    (pandas.DataFrame, dict)
        String cells (no NaN: missing values are ``""``) and column name -> kind.
    """
    frame = _prepared(frame, index)
    column_kinds = infer_kinds(frame, kinds)
    decimals = dict(decimals or {})
    unknown = set(decimals) - set(frame.columns)
    if unknown:
        raise KeyError(f"decimals given for columns not in the table: {sorted(unknown)}")
    names = list(frame.columns)
    places = {}
    for position, name in enumerate(names):
        anchor = _anchor(names, position)
        if column_kinds[name] == "number" and anchor and column_kinds[anchor] == "number":
            places[name] = (
                decimals[anchor] if anchor in decimals else number_decimals(frame[anchor])
            )
    text = pd.DataFrame(
        {
            name: format_column(
                frame[name], column_kinds[name], decimals.get(name), places=places.get(name)
            )
            for name in names
        },
        index=range(len(frame)),
        columns=list(frame.columns),
        dtype=object,
    )
    # headers for readers (kinds were inferred from the original names): snake_case names in
    # words, the posterior-probability columns as P(...); a clash keeps the original names
    shown = [reader_name(c) for c in names]
    if len(set(shown)) == len(shown):
        text.columns = shown
        column_kinds = {reader_name(c): k for c, k in column_kinds.items()}
    return text, column_kinds


_SNAKE = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+$")


def reader_name(name: str) -> str:
    """A column header in words: ``p_value`` -> ``p value``, ``p_arr_ge_1pp`` ->
    ``P(risk ≥ 1 point lower)``; identifiers with dots (data ids) and names already in words are
    kept.

    Examples
    --------
    >>> reader_name("accumulation_ratio"), reader_name("p_below_0.85"), reader_name("HR (95% CI)")
    ('accumulation ratio', 'P(ratio < 0.85)', 'HR (95% CI)')
    """
    from ta1sepsis.stats.bayes import summary_headers

    probability = summary_headers([name])
    if probability:
        return probability[name]
    return name.replace("_", " ") if _SNAKE.match(name) else name


_NUMERIC_TEXT = re.compile(r"^(?:[<>=≤≥~]\s*)?[-−+]?\d[\d,]*(?:\.\d+)?\s*%?$")


def alignments(text: pd.DataFrame, kinds: Mapping[str, str]) -> dict[str, str]:
    """``"r"`` (right) for numeric columns and text columns holding only numbers as printed
    (e.g. ``"0.74"``, ``"<0.001"``, ``"23.4%"``), ``"l"`` (left) for the rest."""
    result = {}
    for column in text.columns:
        values = [v for v in text[column] if v != ""]
        numeric = kinds[column] in NUMERIC_KINDS
        if kinds[column] == "text" and values:
            numeric = all(_NUMERIC_TEXT.match(v) for v in values)
        result[column] = "r" if numeric else "l"
    return result


_BREAK_AFTER = re.compile(r"(?<=[A-Za-z][./])(?=\w)")
_BREAK_AFTER_IN_HEADER = re.compile(r"(?<=[A-Za-z][./_])(?=\w)")
LONG_TEXT = 60  # characters: a text column this long gets a wider minimum (class "long")


def _cell_html(text: str, header: bool = False) -> str:
    """Escaped cell text with line-break opportunities (``<wbr>``) after the dots and slashes
    of identifiers (``etass.mortality_28d.rr``, ``data/trials.csv``; in headers also after
    underscores, ``hours_per_day``), so a narrow column wraps them there instead of inside a
    word. Numbers are never broken."""
    pattern = _BREAK_AFTER_IN_HEADER if header else _BREAK_AFTER
    return pattern.sub("<wbr>", html.escape(text))


STYLE = (
    "<style>.ta1-table{border-collapse:collapse}"
    ".ta1-table th,.ta1-table td{padding:0.25em 0.6em;vertical-align:top}"
    ".ta1-table .l{text-align:left}.ta1-table .r{text-align:right;white-space:nowrap}</style>"
)


def to_html(
    frame: pd.DataFrame,
    kinds: Mapping[str, str] | None = None,
    decimals: Mapping[str, int] | None = None,
    index: str | None = None,
    *,
    caption: str | None = None,
) -> str:
    """The table as deterministic HTML in a horizontally scrolling box.

    Parameters
    ----------
    frame, kinds, decimals, index
        As for :func:`format_frame`.
    caption : str, optional
        A caption shown above the table.

    Returns
    -------
    str
        ``<div class="ta1-table-wrap" style="overflow-x:auto">`` holding a
        ``<table class="ta1-table">`` whose cells carry ``class="l"`` (text, left-aligned) or
        ``class="r"`` (numbers, right-aligned), ``long`` on text columns holding 60 characters
        or more (so a stylesheet can keep prose readable) and ``data-kind``; the first column
        is the row header; identifiers may wrap after their dots and slashes (``<wbr>``).
        No ids, no index, no truncation.
    """
    text, column_kinds = format_frame(frame, kinds, decimals, index)
    align = alignments(text, column_kinds)
    esc = html.escape
    head = "".join(
        f'<th class="{align[c]}" scope="col">{_cell_html(c, header=True)}</th>'
        for c in text.columns
    )
    css = {
        c: align[c] + (" long" if max((len(v) for v in text[c]), default=0) >= LONG_TEXT else "")
        for c in text.columns
    }
    rows = []
    for row in text.itertuples(index=False):
        cells = []
        for position, (column, value) in enumerate(zip(text.columns, row, strict=True)):
            kind = column_kinds[column]
            tag = "th" if position == 0 else "td"
            scope = ' scope="row"' if position == 0 else ""
            cells.append(
                f'<{tag}{scope} class="{css[column]}" data-kind="{kind}">'
                f"{_cell_html(value)}</{tag}>"
            )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (
        f'<div class="ta1-table-wrap" style="overflow-x:auto;max-width:100%">{STYLE}'
        f'<table class="ta1-table">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def to_text(
    frame: pd.DataFrame,
    kinds: Mapping[str, str] | None = None,
    decimals: Mapping[str, int] | None = None,
    index: str | None = None,
) -> str:
    """The table as aligned plain text: every row and column, no index, no memory address.

    Parameters
    ----------
    frame, kinds, decimals, index
        As for :func:`format_frame`.

    Returns
    -------
    str
        A header line, a rule and one line per row; text left-aligned, numbers right-aligned,
        columns separated by two spaces, trailing spaces removed.
    """
    text, column_kinds = format_frame(frame, kinds, decimals, index)
    align = alignments(text, column_kinds)
    columns = list(text.columns)
    widths = [max([len(c), *(len(v) for v in text[c])]) for c in columns]

    def line(values: Sequence[str]) -> str:
        cells = [
            v.rjust(w) if align[c] == "r" else v.ljust(w)
            for c, v, w in zip(columns, values, widths, strict=True)
        ]
        return "  ".join(cells).rstrip()

    lines = [line(columns), "  ".join("-" * w for w in widths)]
    lines += [line(list(row)) for row in text.itertuples(index=False)]
    return "\n".join(lines)
