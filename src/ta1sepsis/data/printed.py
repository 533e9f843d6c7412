"""Numbers as a source prints them: how many decimals a printed value carries, so that a
recomputed value can be compared at the printed precision."""

from __future__ import annotations


def decimals(text: str) -> int:
    """Number of decimals printed in a published number, e.g. '0.30' -> 2, '334' -> 0."""
    text = str(text).strip()
    if not text:
        raise ValueError("empty published value")
    float(text)  # raises on non-numbers
    mantissa = text.lower().split("e")[0]
    return len(mantissa.split(".")[1]) if "." in mantissa else 0
