"""Setting a recomputed number beside its published value, with a verdict.

The rule is explicit and mechanical, so a reader can check every verdict:

* ``reproduced``: the recomputed value equals the published one (to 1e-9), e.g. a count or a
  percentage that was published with all its digits;
* ``within rounding``: the recomputed value rounds to the published value at the number of
  decimals printed (a value published as 0.74 matches anything in [0.735, 0.745]);
* ``last digit off by one``: within 1.5 units of the last printed digit (typically a different
  CI method or an intermediate rounding by the authors);
* ``not reproduced``: further away than that.

A published bound such as ``P<0.001`` is ``consistent`` when the recomputed value satisfies it
and ``not reproduced`` otherwise. A number that needs data the sources do not give (a log-rank
P without death times) is ``not reproducible from the available data``, never a failure.
"""

from __future__ import annotations

import math

from ta1sepsis.data.printed import decimals

NOT_REPRODUCIBLE = "not reproducible from the available data"

VERDICTS = (
    "reproduced",
    "within rounding",
    "consistent",
    "last digit off by one",
    "not reproduced",
    NOT_REPRODUCIBLE,
)


def verdict(published_text: str, computed: float, operator: str = "=") -> str:
    """Verdict for one published number (given as printed) against a recomputed value.

    Parameters
    ----------
    published_text : str
        The number as printed (its decimals define the rounding).
    computed : float
        The recomputed value.
    operator : {"=", "<"}
        "<" for a published bound such as P<0.001.

    Returns
    -------
    str
        One of :data:`VERDICTS` (module docstring).

    Examples
    --------
    >>> verdict("0.74", 0.742), verdict("0.74", 0.751), verdict("0.001", 0.0004, "<")
    ('within rounding', 'last digit off by one', 'consistent')
    """
    if computed is None or (isinstance(computed, float) and math.isnan(computed)):
        raise ValueError("no recomputed value to compare")
    published = float(published_text)
    if operator == "<":
        return "consistent" if computed < published else "not reproduced"
    if operator != "=":
        raise ValueError(f"operator must be '=' or '<', got {operator!r}")
    gap = abs(computed - published)
    unit = 10.0 ** -decimals(published_text)
    if gap <= 1e-9 * max(1.0, abs(published)):
        return "reproduced"
    if gap <= 0.5 * unit + 1e-12:
        return "within rounding"
    if gap <= 1.5 * unit + 1e-12:
        return "last digit off by one"
    return "not reproduced"


def comparison(
    quantity: str,
    published_text: str,
    computed: float,
    method: str,
    *,
    operator: str = "=",
    source: str = "",
) -> dict:
    """One row of a published-vs-recomputed table.

    Parameters
    ----------
    quantity : str
        What is compared.
    published_text : str
        The number as printed.
    computed : float
        The recomputed value (shown with two more decimals than printed).
    method : str
        How it was recomputed.
    operator : {"=", "<"}
    source : str

    Returns
    -------
    dict
        quantity, published, recomputed, method, verdict, source.

    Examples
    --------
    >>> comparison("RR", "0.74", 0.7418, "Katz log CI")["recomputed"]
    '0.7418'
    """
    shown = decimals(published_text) + 2
    return {
        "quantity": quantity,
        "published": f"{operator}{published_text}" if operator == "<" else published_text,
        "recomputed": f"{computed:.{shown}f}",
        "method": method,
        "verdict": verdict(published_text, computed, operator),
        "source": source,
    }
