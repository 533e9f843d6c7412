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

Fisher's exact test is the test Walsh et al. used. The result is the exact minimal count for the
stated procedure (the first step of the one-at-a-time walk that crosses alpha), found by bisection
in O(log n) Fisher tests instead of walking step by step, so that tables with very large counts
(1e9 patients) finish at once:

* Reverse fragility: each walk moves the table away from no difference, and the two-sided Fisher
  P only falls along it; once P < alpha it stays so, and bisection between the start and the
  end of the walk finds the first such step.
* Fragility: the walk moves the arm with fewer events towards the other arm's risk. P rises
  until the two risks meet (the balance step ``b``) and falls beyond it; the first step with
  P >= alpha, if there is one, lies at or before ``b + 1`` and bisection on ``1..b+1`` finds it
  (when neither ``b`` nor ``b + 1`` reaches alpha, P falls afterwards and no step does).

These monotonicity properties are what the search relies on; they were checked by comparing the
bisection with the exhaustive walk on every table with up to 20 patients per arm at alpha 0.01,
0.05 and 0.1 (260,838 walks, no difference), and ``tests/test_fragility.py`` repeats the
comparison on every table with up to 7 patients per arm and on random tables up to 120 per arm.
"""

from __future__ import annotations

from dataclasses import dataclass

from ta1sepsis.stats.binary import TwoByTwo, fisher_exact


@dataclass(frozen=True)
class Fragility:
    """A fragility or reverse fragility index and the table it leads to.

    Attributes
    ----------
    kind : str
        "fragility index" or "reverse fragility index".
    index : int or None
        The number of switched outcomes; None when no number in the allowed direction suffices.
    arm : str
        The arm whose outcomes are switched: "treatment" or "control".
    p_before, p_after : float
        Two-sided Fisher P of the observed table and of the table after the switches.
    table_after : TwoByTwo or None
    """

    kind: str  # "fragility index" or "reverse fragility index"
    index: int | None  # None when no number of switches in the allowed direction suffices
    arm: str  # the arm whose outcomes are switched: "treatment" or "control"
    p_before: float
    p_after: float | None
    table_after: TwoByTwo | None


def _switch(t: TwoByTwo, arm: str, step: int) -> TwoByTwo | None:
    if arm == "trt":
        events = t.events_trt + step
        return TwoByTwo(events, t.n_trt, t.events_ctl, t.n_ctl) if 0 <= events <= t.n_trt else None
    events = t.events_ctl + step
    return TwoByTwo(t.events_trt, t.n_trt, events, t.n_ctl) if 0 <= events <= t.n_ctl else None


def _limit(t: TwoByTwo, arm: str, direction: int) -> int:
    """The number of steps the walk can take before an arm runs out of patients or events."""
    events, n = (t.events_trt, t.n_trt) if arm == "trt" else (t.events_ctl, t.n_ctl)
    return n - events if direction > 0 else events


def _first_step(t: TwoByTwo, arm: str, direction: int, until, lo: int, hi: int):
    """Smallest step in ``lo+1..hi`` at which ``until(P)`` holds, given that it holds at ``hi``,
    not at ``lo`` (or ``lo == 0``), and stays so from its first step up to ``hi``.
    """
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if until(fisher_exact(_switch(t, arm, direction * mid)).p_value):
            hi = mid
        else:
            lo = mid
    moved = _switch(t, arm, direction * hi)
    return hi, moved, fisher_exact(moved).p_value


def _walk(t: TwoByTwo, arm: str, direction: int, until) -> tuple[int, TwoByTwo, float] | None:
    """First step of the one-at-a-time walk at which ``until(P)`` holds (None: no step does)."""
    limit = _limit(t, arm, direction)
    if limit < 1:
        return None

    def holds(step: int) -> bool:
        return until(fisher_exact(_switch(t, arm, direction * step)).p_value)

    events, n = (t.events_trt, t.n_trt) if arm == "trt" else (t.events_ctl, t.n_ctl)
    other_events, other_n = (t.events_ctl, t.n_ctl) if arm == "trt" else (t.events_trt, t.n_trt)
    # the balance step: the first at which this arm's risk reaches the other arm's
    gap = direction * (other_events * n - events * other_n)  # (other risk - risk) x n x other_n
    if gap <= 0:  # moving away from no difference: P only falls along the walk
        return _first_step(t, arm, direction, until, 0, limit) if holds(limit) else None
    balance = min(-(-gap // other_n), limit)  # ceil(gap / other_n) steps
    for end in (balance, min(balance + 1, limit)):
        if holds(end):
            return _first_step(t, arm, direction, until, 0, end)
    return None


_ARM_LABEL = {"trt": "treatment", "ctl": "control"}


def fragility_index(t: TwoByTwo, alpha: float = 0.05) -> Fragility:
    """Walsh et al. (2014) fragility index; raises if the result is not significant.

    Parameters
    ----------
    t : TwoByTwo
    alpha : float
        Two-sided significance level of Fisher's exact test.

    Returns
    -------
    Fragility

    References
    ----------
    Walsh M, et al. J Clin Epidemiol 2014;67:622-628 (module docstring).

    Examples
    --------
    >>> f = fragility_index(TwoByTwo(10, 100, 25, 100))
    >>> f.index, f.arm
    (4, 'treatment')
    """
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
    """Khan et al. (2020) reverse fragility index; raises if the result is significant.

    Parameters
    ----------
    t : TwoByTwo
    alpha : float
        Two-sided significance level of Fisher's exact test.

    Returns
    -------
    Fragility

    References
    ----------
    Khan MS, et al. JAMA Netw Open 2020;3:e2012469 (module docstring).

    Examples
    --------
    >>> f = reverse_fragility_index(TwoByTwo(47, 181, 63, 180))
    >>> f.index, f.arm, f.table_after.events_trt
    (2, 'treatment', 45)
    """
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
    """The index that applies: fragility for a significant result, reverse fragility otherwise.

    Parameters
    ----------
    t : TwoByTwo
    alpha : float
        Two-sided significance level of Fisher's exact test.

    Returns
    -------
    Fragility

    Examples
    --------
    >>> applicable_fragility(TwoByTwo(47, 181, 63, 180)).kind
    'reverse fragility index'
    """
    if fisher_exact(t).p_value < alpha:
        return fragility_index(t, alpha)
    return reverse_fragility_index(t, alpha)
