"""Small helpers that let notebooks state computed numbers in prose and show tables plainly.

Numbers in notebook prose are always formatted from computed values with these helpers, never
typed into Markdown cells.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown, display

from .binary import Interval


def say(text: str) -> None:
    """Display a Markdown paragraph (numbers in it come from f-string fields)."""
    display(Markdown(text))


def show(frame: pd.DataFrame, index: str | None = None) -> None:
    """Display a table indexed by its first column (or ``index``) instead of 0, 1, 2, ...

    A plain DataFrame is shown (not a Styler, whose text form carries a memory address), so
    the rendered notebook is byte-identical across runs.
    """
    display(frame.set_index(index or frame.columns[0]))


def ci(interval: Interval, digits: int = 2, scale: float = 1.0, unit: str = "") -> str:
    """'0.74 (95% CI 0.54 to 1.02)' from an Interval."""
    level = f"{100 * interval.level:g}%"
    e, lo, hi = (scale * interval.estimate, scale * interval.lower, scale * interval.upper)
    return f"{e:.{digits}f}{unit} ({level} CI {lo:.{digits}f}{unit} to {hi:.{digits}f}{unit})"


def pct(x: float, digits: int = 1) -> str:
    return f"{100 * x:.{digits}f}%"


def verdict_counts(table: pd.DataFrame) -> str:
    """'5 within rounding, 1 last digit off by one' from a comparison table."""
    counts = table["verdict"].value_counts()
    return ", ".join(f"{n} {v}" for v, n in counts.items())
