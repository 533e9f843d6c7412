"""Fragility index and reverse fragility index of a two-arm binary outcome.

* Fragility index (FI): Walsh M et al., "The statistical significance of randomized controlled
  trial results is frequently fragile", J Clin Epidemiol 2014;67:622-628. For a result with
  two-sided Fisher exact P < alpha, events are added (and non-events removed) one at a time in
  the arm with fewer events until P >= alpha; the FI is the number of such changes.
* Reverse fragility index (RFI): Khan MS et al., "Application of the reverse fragility index to
  statistically nonsignificant randomized clinical trial results", JAMA Netw Open
  2020;3:e2012469. For a result with P >= alpha, outcomes are switched one at a time in the
  direction that widens the observed difference until P < alpha. Here both ways of doing so
  (fewer events in the arm with fewer events, or more events in the other arm) are searched and
  the smaller count is reported with the arm it applies to.

Fisher's exact test is the test Walsh et al. used; the search is exhaustive (no shortcuts), so a
result is the exact minimal count for the stated procedure.
"""

from __future__ import annotations

from dataclasses import dataclass

from .binary import TwoByTwo, fisher_exact


@dataclass(frozen=True)
class Fragility:
    kind: str  # "fragility index" or "reverse fragility index"
    index: int | None  # None when no number of switches in the allowed direction suffices
    arm: str  # the arm whose outcomes are switched: "Tα1" or "control"
    p_before: float
    p_after: float | None
    table_after: TwoByTwo | None


def _switch(t: TwoByTwo, arm: str, step: int) -> TwoByTwo | None:
    if arm == "trt":
        events = t.events_trt + step
        return TwoByTwo(events, t.n_trt, t.events_ctl, t.n_ctl) if 0 <= events <= t.n_trt else None
    events = t.events_ctl + step
    return TwoByTwo(t.events_trt, t.n_trt, events, t.n_ctl) if 0 <= events <= t.n_ctl else None


def _walk(t: TwoByTwo, arm: str, direction: int, until) -> tuple[int, TwoByTwo, float] | None:
    steps = 0
    while True:
        steps += 1
        moved = _switch(t, arm, direction * steps)
        if moved is None:
            return None
        p = fisher_exact(moved).p_value
        if until(p):
            return steps, moved, p


_ARM_LABEL = {"trt": "Tα1", "ctl": "control"}


def fragility_index(t: TwoByTwo, alpha: float = 0.05) -> Fragility:
    """Walsh et al. (2014) fragility index; raises if the result is not significant."""
    p = fisher_exact(t).p_value
    if p >= alpha:
        raise ValueError(
            f"Fisher P = {p:.4f} >= {alpha}: the fragility index applies to significant "
            "results; use reverse_fragility_index"
        )
    arm = "trt" if t.events_trt <= t.events_ctl else "ctl"
    found = _walk(t, arm, +1, lambda q: q >= alpha)
    if found is None:
        return Fragility("fragility index", None, _ARM_LABEL[arm], p, None, None)
    steps, moved, p_after = found
    return Fragility("fragility index", steps, _ARM_LABEL[arm], p, p_after, moved)


def reverse_fragility_index(t: TwoByTwo, alpha: float = 0.05) -> Fragility:
    """Khan et al. (2020) reverse fragility index; raises if the result is significant."""
    p = fisher_exact(t).p_value
    if p < alpha:
        raise ValueError(
            f"Fisher P = {p:.4f} < {alpha}: the reverse fragility index applies to "
            "non-significant results; use fragility_index"
        )
    fewer, more = ("trt", "ctl") if t.risk_trt <= t.risk_ctl else ("ctl", "trt")
    candidates = []
    for arm, direction in ((fewer, -1), (more, +1)):
        found = _walk(t, arm, direction, lambda q: q < alpha)
        if found is not None:
            candidates.append((found[0], arm, found[1], found[2]))
    if not candidates:
        return Fragility("reverse fragility index", None, _ARM_LABEL[fewer], p, None, None)
    steps, arm, moved, p_after = min(candidates, key=lambda c: (c[0], c[1] != fewer))
    return Fragility("reverse fragility index", steps, _ARM_LABEL[arm], p, p_after, moved)


def applicable_fragility(t: TwoByTwo, alpha: float = 0.05) -> Fragility:
    """The index that applies: fragility for a significant result, reverse fragility otherwise."""
    if fisher_exact(t).p_value < alpha:
        return fragility_index(t, alpha)
    return reverse_fragility_index(t, alpha)
