"""Small helpers that let notebooks state computed numbers in prose and show tables plainly.

Numbers in notebook prose are always formatted from computed values with these helpers, never
typed into Markdown cells.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd
from IPython.display import Markdown, display

from ta1sepsis.report import tables
from ta1sepsis.stats.binary import Interval

_LINK = re.compile(r"\]\(\s*(?P<target>[^)\s]*)")
_SAFE_TARGET = re.compile(r"(https?://|#|\.{0,2}/?[\w-][\w./#-]*$)", re.IGNORECASE)


def safe_markdown(text: str) -> str:
    r"""Markdown whose text may carry strings from data files or parameters, made inert.

    The collection's own prose uses Markdown emphasis, code spans and relative links, never raw
    HTML, maths or other link schemes. So: ``&``, ``<`` and ``>`` become HTML entities (no tag or
    attribute from a study label can reach a page); ``$`` is escaped (no maths rendering); a link
    whose target is not http(s), an anchor or a relative path loses its link syntax
    (``javascript:`` and ``data:`` links do not survive).

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> print(safe_markdown('<img src=x onerror=alert(1)> costs $5 [x](javascript:alert(1))'))
    &lt;img src=x onerror=alert(1)&gt; costs \$5 [x]\(javascript:alert(1))
    >>> safe_markdown("see [the report](trials/etass.ipynb) & more")
    'see [the report](trials/etass.ipynb) &amp; more'
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("$", "\\$")

    def link(match: re.Match) -> str:
        target = match.group("target")
        return match.group(0) if _SAFE_TARGET.match(target) else "]\\(" + match.group(0)[2:]

    return _LINK.sub(link, text)


def say(text: str) -> None:
    """Display a Markdown paragraph (numbers in it come from f-string fields); text from data
    or parameters is made inert (:func:`safe_markdown`)."""
    display(Markdown(safe_markdown(text)))


def show(
    frame: pd.DataFrame,
    index: str | None = None,
    *,
    kinds: Mapping[str, str] | None = None,
    decimals: Mapping[str, int] | None = None,
    caption: str | None = None,
) -> None:
    """Display a table formatted for reading (see :mod:`ta1sepsis.report.tables` for the rules).

    Parameters
    ----------
    frame : pandas.DataFrame or pandas.Series
        The table, at full precision (the formatter rounds for display only). A default
        0, 1, 2, ... index is not shown; any other index is shown as columns.
    index : str, optional
        A column to show first, as the row header (default: the first column).
    kinds : mapping of str to str, optional
        Column kind overrides, e.g. ``{"P": "p", "estimate": "ratio"}``; kinds are ``text``,
        ``p``, ``ratio``, ``count``, ``year``, ``percent``, ``proportion``, ``number``,
        ``bool``. Other columns' kinds are inferred from their names and dtypes.
    decimals : mapping of str to int, optional
        Fixed decimals for some columns, e.g. ``{"HR": 3}``.
    caption : str, optional
        A caption above the table.

    Notes
    -----
    The output carries deterministic HTML (every row and column, no random ids) and an aligned
    plain-text form with no memory address, so the rendered notebook is byte-identical across
    runs. CSV tables (:func:`ta1sepsis.report.outputs.save_table`) are written separately at full
    precision.
    """
    bundle = {
        "text/html": tables.to_html(frame, kinds, decimals, index, caption=caption),
        "text/plain": tables.to_text(frame, kinds, decimals, index),
    }
    display(bundle, raw=True)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``count`` with the noun in the right number: "1 trial", "2 trials", "0 trials".

    Parameters
    ----------
    count : int
        How many.
    singular : str
        The noun for one ("patient", "degree of freedom").
    plural_form : str, optional
        The noun for other counts; ``singular + "s"`` when not given.

    Examples
    --------
    >>> plural(1, "trial"), plural(2, "trial"), plural(3, "degree of freedom", "degrees of freedom")
    ('1 trial', '2 trials', '3 degrees of freedom')
    """
    noun = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {noun}"


def ci(interval: Interval, digits: int = 2, scale: float = 1.0, unit: str = "") -> str:
    """'0.74 (95% CI 0.54 to 1.02)' from an Interval."""
    level = f"{100 * interval.level:g}%"
    e, lo, hi = (scale * interval.estimate, scale * interval.lower, scale * interval.upper)
    return f"{e:.{digits}f}{unit} ({level} CI {lo:.{digits}f}{unit} to {hi:.{digits}f}{unit})"


def pct(x: float, digits: int = 1) -> str:
    return f"{100 * x:.{digits}f}%"
