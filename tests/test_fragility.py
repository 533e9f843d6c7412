"""Fragility and reverse fragility indices: the defining boundary property, checked with
scipy's Fisher test directly on the tables the definition describes."""

import functools

import pytest
from scipy.stats import fisher_exact

from ta1sepsis.stats.binary import TwoByTwo
from ta1sepsis.stats.fragility import fragility_index, reverse_fragility_index


@functools.cache  # the reference walks at three levels test the same tables again
def p(a, n1, c, n2):
    return fisher_exact([[a, n1 - a], [c, n2 - c]]).pvalue


def test_fragility_index_etass_in_hospital():
    # 52/181 vs 71/180, Fisher P = 0.035: add events to the Tα1 arm (fewer events)
    result = fragility_index(TwoByTwo(52, 181, 71, 180))
    k = result.index
    assert result.arm == "treatment"
    assert p(52 + k, 181, 71, 180) >= 0.05
    assert all(p(52 + j, 181, 71, 180) < 0.05 for j in range(k))
    # Fisher P: 52 -> 0.0351, 53 -> 0.0464, 54 -> 0.0605, so two added deaths suffice
    assert k == 2


def test_reverse_fragility_index_etass_28d():
    # 47/181 vs 63/180, Fisher P = 0.068: the smallest switch count making P < 0.05
    result = reverse_fragility_index(TwoByTwo(47, 181, 63, 180))
    k = result.index
    candidates = []
    for step in range(1, 30):
        if p(47 - step, 181, 63, 180) < 0.05:
            candidates.append((step, "treatment"))
            break
    for step in range(1, 30):
        if p(47, 181, 63 + step, 180) < 0.05:
            candidates.append((step, "control"))
            break
    assert k == min(c[0] for c in candidates)
    assert result.p_after < 0.05 <= result.p_before
    # Fisher P: 47 -> 0.0679, 46 -> 0.0518, 45 -> 0.0389 (two fewer Tα1 deaths);
    # 63 -> 0.0679, 64 -> 0.0530, 65 -> 0.0409 (two more control deaths): a tie at 2
    assert (k, result.arm) == (2, "treatment")


def test_walsh_definition_textbook_case():
    # 1/100 vs 10/100: Fisher P = 0.0099; FI counts additions to the 1-event arm
    result = fragility_index(TwoByTwo(1, 100, 10, 100))
    k = result.index
    assert p(1 + k, 100, 10, 100) >= 0.05 > p(1 + k - 1, 100, 10, 100)


def test_wrong_index_for_the_result_is_refused():
    with pytest.raises(ValueError, match="reverse_fragility_index"):
        fragility_index(TwoByTwo(47, 181, 63, 180))
    with pytest.raises(ValueError, match="use fragility_index"):
        reverse_fragility_index(TwoByTwo(1, 100, 10, 100))


def test_applicable_fragility_picks_the_index_by_significance():
    from ta1sepsis.stats.fragility import applicable_fragility

    assert applicable_fragility(TwoByTwo(52, 181, 71, 180)).kind == "fragility index"
    assert applicable_fragility(TwoByTwo(47, 181, 63, 180)).kind == "reverse fragility index"


def _exhaustive(t, arm, direction, until):
    """The definition: one switch at a time until the condition holds (the reference)."""
    from ta1sepsis.stats.fragility import _switch

    steps = 0
    while True:
        steps += 1
        moved = _switch(t, arm, direction * steps)
        if moved is None:
            return None
        if until(p(moved.events_trt, moved.n_trt, moved.events_ctl, moved.n_ctl)):
            return steps


def _walks(t, alpha):
    if p(t.events_trt, t.n_trt, t.events_ctl, t.n_ctl) < alpha:
        arm = "trt" if t.events_trt <= t.events_ctl else "ctl"
        return [(arm, +1, lambda q: q >= alpha)]
    fewer, more = ("trt", "ctl") if t.risk_trt <= t.risk_ctl else ("ctl", "trt")
    return [(fewer, -1, lambda q: q < alpha), (more, +1, lambda q: q < alpha)]


def _tables():
    import random

    small = [
        TwoByTwo(a, n1, c, n2)
        for n1 in range(1, 8)
        for n2 in range(1, 8)
        for a in range(n1 + 1)
        for c in range(n2 + 1)
    ]
    rng = random.Random(20250115)
    larger = []
    for _ in range(20):
        n1, n2 = rng.randint(20, 120), rng.randint(20, 120)
        larger.append(TwoByTwo(rng.randint(0, n1), n1, rng.randint(0, n2), n2))
    return small + larger


def test_bisection_finds_the_same_index_as_the_exhaustive_walk():
    from ta1sepsis.stats.fragility import _walk

    compared = 0
    for t in _tables():
        for alpha in (0.01, 0.05, 0.1):
            for arm, direction, until in _walks(t, alpha):
                found = _walk(t, arm, direction, until)
                assert (found[0] if found else None) == _exhaustive(t, arm, direction, until), (
                    t,
                    alpha,
                    arm,
                    direction,
                )
                compared += 1
    assert compared > 3000


def test_very_large_trials_finish_at_once(monkeypatch):
    """A billion patients per arm: a few dozen Fisher tests, not millions of steps (counted,
    not timed: make bench measures time, tests do not)."""
    from ta1sepsis.stats import fragility

    calls = []
    counted = fragility.fisher_exact

    def counting(*args, **kwargs):
        calls.append(1)
        return counted(*args, **kwargs)

    monkeypatch.setattr(fragility, "fisher_exact", counting)
    big = TwoByTwo(300_000_000, 10**9, 300_100_000, 10**9)  # P about 1e-51
    fi = fragility_index(big)
    assert p(300_000_000 + fi.index, 10**9, 300_100_000, 10**9) >= 0.05
    assert p(300_000_000 + fi.index - 1, 10**9, 300_100_000, 10**9) < 0.05
    near = TwoByTwo(300_000_000, 10**9, 300_010_000, 10**9)  # P about 0.3
    rfi = reverse_fragility_index(near)
    assert rfi.p_after < 0.05 <= rfi.p_before
    # bisection over up to 1e9 steps: about log2(1e9) = 30 tests per walk, a few walks
    assert 0 < len(calls) <= 400, len(calls)
