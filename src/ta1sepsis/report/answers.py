"""The 'Bottom line' that opens every notebook: the answer, its main caveat and the assumptions it
depends on, each sentence built by the notebook from its own computed results."""

from __future__ import annotations

from IPython.display import Markdown, display


def bottom_line(answer: str, caveat: str, assumptions: list[str] | tuple[str, ...] = ()) -> None:
    """Display the bottom line of a notebook.

    Parameters
    ----------
    answer : str
        One to three sentences answering the notebook's question, numbers formatted from results.
    caveat : str
        The main reason the answer could be wrong or is uncertain.
    assumptions : sequence of str
        The assumed inputs (design effect, decision thresholds, prior widths, ...) the answer depends on, each
        naming its value and that it is an assumption.
    """
    text = f"## Bottom line\n\n{answer}\n\n**Main caveat.** {caveat}"
    if assumptions:
        text += "\n\n**Assumptions this answer depends on:**\n\n" + "\n".join(
            f"- {a}" for a in assumptions
        )
    from ta1sepsis.report.narrative import safe_markdown

    display(Markdown(safe_markdown(text)))


def fmt_ci(
    estimate: float, lower: float, upper: float, digits: int = 2, *, level: float, kind: str = "CI"
) -> str:
    """'0.86 (95% CI 0.68 to 1.09)': the interval named by its own ``level`` and ``kind``
    ("CI", or "CrI" for a credible interval)."""
    return (
        f"{estimate:.{digits}f} ({100 * level:g}% {kind} {lower:.{digits}f} to {upper:.{digits}f})"
    )


def fmt_p(p: float) -> str:
    """A P value as a reader expects it: two significant figures, '<0.001' below that."""
    if p < 0.001:
        return "P < 0.001"
    return f"P = {p:.2g}" if p < 0.1 else f"P = {p:.2f}"


def fmt_per_1000(difference: float, lower: float, upper: float, noun: str = "deaths") -> str:
    """A difference per 1000 in words: '26 fewer deaths per 1000 (63 fewer to 17 more)'.

    Parameters
    ----------
    difference, lower, upper : float
        Treatment minus control, events per 1000 (negative: fewer events).
    noun : str
        What is counted.

    Returns
    -------
    str

    Examples
    --------
    >>> fmt_per_1000(-25.7, -63.3, 16.8)
    '26 fewer deaths per 1000 (63 fewer to 17 more)'
    >>> fmt_per_1000(4.2, 0.4, 9.0, "infections")
    '4 more infections per 1000 (0 more to 9 more)'
    """

    def one(x: float) -> str:
        n = round(abs(x))
        return f"{n:.0f} fewer" if x < 0 and n else f"{n:.0f} more"

    return f"{one(difference)} {noun} per 1000 ({one(lower)} to {one(upper)})"
