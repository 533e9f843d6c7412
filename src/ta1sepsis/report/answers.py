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
        The assumed inputs (MCID, thresholds, prior widths, ...) the answer depends on, each
        naming its value and that it is an assumption.
    """
    text = f"## Bottom line\n\n{answer}\n\n**Main caveat.** {caveat}"
    if assumptions:
        text += "\n\n**Assumptions this answer depends on:**\n\n" + "\n".join(
            f"- {a}" for a in assumptions
        )
    display(Markdown(text))


def fmt_ci(estimate: float, lower: float, upper: float, digits: int = 2, *, level: float) -> str:
    """'0.86 (95% CI 0.68 to 1.09)': the interval named by its own ``level``."""
    return f"{estimate:.{digits}f} ({100 * level:g}% CI {lower:.{digits}f} to {upper:.{digits}f})"


def fmt_p(p: float) -> str:
    """A P value as a reader expects it: two significant figures, '<0.001' below that."""
    if p < 0.001:
        return "P < 0.001"
    return f"P = {p:.2g}" if p < 0.1 else f"P = {p:.2f}"
