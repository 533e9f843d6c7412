"""Group-sequential boundaries by alpha (and beta) spending, computed by recursive integration.

* Lan-DeMets O'Brien-Fleming-type spending (Lan & DeMets, Biometrika 1983;70:659):
  alpha*(t) = 2 - 2 Phi(Phi^-1(1 - alpha/2) / sqrt(t)) for a one-sided level ``alpha``, so that
  alpha*(1) = alpha. A symmetric two-sided design at level 2*alpha uses the same boundaries in
  each tail (the convention of the TSA software and of RTSA's ``esOF(alpha/side)``).
* Boundaries solve, look by look, P(no earlier crossing, Z_k >= c_k) = alpha*(t_k) -
  alpha*(t_{k-1}), with the joint law of the Z statistics of a Brownian motion observed at
  information fractions t_k. The probabilities are computed by propagating the sub-density of
  the score statistic S_k = Z_k sqrt(t_k) over the continuation region on a fine grid with
  Simpson weights (Armitage, McPherson & Rowe, J R Stat Soc A 1969;132:235; Jennison &
  Turnbull, *Group Sequential Methods with Applications to Clinical Trials*, 2000, ch. 19).
* Optional non-binding futility boundaries by beta spending with the same O'Brien-Fleming
  shape: efficacy boundaries are computed ignoring futility; futility boundaries b_k solve
  P(continue before k, Z_k <= b_k | drift) = beta*(t_k) - beta*(t_{k-1}); the drift is the one
  for which b_K = c_K (the design's maximum information is inflated accordingly), as in rpact's
  ``typeBetaSpending = "bsOF"`` with ``bindingFutility = FALSE``.

Checked against rpact (``getDesignGroupSequential(typeOfDesign = "asOF")``) in the tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

GRID_STEP = 0.01  # on the z scale; with Simpson weights boundaries agree with rpact to 1e-7
TAIL = 9.0  # the grid covers mean +/- TAIL standard deviations


def obf_spending(t: np.ndarray | float, alpha: float) -> np.ndarray:
    """Cumulative error spent by information fraction ``t`` (O'Brien-Fleming type)."""
    t = np.asarray(t, float)
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore"):
        return 2 * stats.norm.sf(z / np.sqrt(t))  # = 2 - 2 Phi(.), without cancellation


def _simpson(n: int) -> np.ndarray:
    if n % 2 == 0:
        n += 1
    w = np.ones(n)
    w[1:-1:2], w[2:-1:2] = 4, 2
    return w / 3


def _grid(lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """Odd number of equally spaced points on [lo, hi] with Simpson weights (times step)."""
    n = max(3, int(math.ceil((hi - lo) / GRID_STEP)))
    n += 1 - n % 2  # odd
    x = np.linspace(lo, hi, n)
    return x, _simpson(n) * (x[1] - x[0])


class _Propagator:
    """Sub-density of S_k = Z_k sqrt(t_k) on the continuation region, look by look."""

    def __init__(self, fractions: np.ndarray, drift: float):
        self.t = fractions
        self.drift = drift  # mean of Z at t = 1
        self.s = None  # grid of S values in the continuation region of the current look
        self.w = None  # quadrature weights times density

    def _mean_sd(self, k: int) -> tuple[float, float]:
        return self.drift * self.t[k], math.sqrt(self.t[k])

    def prob_above(self, k: int, z: float) -> float:
        """P(continued to look k, Z_k >= z)."""
        if k == 0:
            mean, sd = self._mean_sd(0)
            return float(stats.norm.sf((z * math.sqrt(self.t[0]) - mean) / sd))
        dt = self.t[k] - self.t[k - 1]
        arg = (z * math.sqrt(self.t[k]) - self.s - self.drift * dt) / math.sqrt(dt)
        return float(np.sum(self.w * stats.norm.sf(arg)))

    def prob_below(self, k: int, z: float) -> float:
        """P(continued to look k, Z_k <= z)."""
        if k == 0:
            mean, sd = self._mean_sd(0)
            return float(stats.norm.cdf((z * math.sqrt(self.t[0]) - mean) / sd))
        dt = self.t[k] - self.t[k - 1]
        arg = (z * math.sqrt(self.t[k]) - self.s - self.drift * dt) / math.sqrt(dt)
        return float(np.sum(self.w * stats.norm.cdf(arg)))

    def advance(self, k: int, lower_z: float, upper_z: float) -> None:
        """Restrict look k to lower_z < Z_k < upper_z and store the sub-density there."""
        mean, sd = self._mean_sd(k)
        lo = max(lower_z * math.sqrt(self.t[k]), mean - TAIL * sd)
        hi = min(upper_z * math.sqrt(self.t[k]), mean + TAIL * sd)
        if hi <= lo:
            self.s, self.w = np.array([lo]), np.array([0.0])
            return
        s, q = _grid(lo / math.sqrt(self.t[k]), hi / math.sqrt(self.t[k]))
        s = s * math.sqrt(self.t[k])
        q = q * math.sqrt(self.t[k])
        if k == 0:
            density = stats.norm.pdf(s, mean, sd)
        else:
            dt = self.t[k] - self.t[k - 1]
            kernel = stats.norm.pdf(
                (s[:, None] - self.s[None, :] - self.drift * dt) / math.sqrt(dt)
            ) / math.sqrt(dt)
            density = kernel @ self.w
        self.s, self.w = s, q * density


def _check_fractions(fractions) -> np.ndarray:
    t = np.asarray(fractions, float)
    if t.ndim != 1 or len(t) == 0:
        raise ValueError("information fractions must be a non-empty sequence")
    if np.any(t <= 0) or np.any(t > 1) or np.any(np.diff(t) <= 0):
        raise ValueError(f"information fractions must increase within (0, 1], got {list(t)}")
    return t


def efficacy_boundaries(fractions, alpha: float = 0.025) -> np.ndarray:
    """One-sided Lan-DeMets O'Brien-Fleming efficacy boundaries (z) at ``fractions``."""
    t = _check_fractions(fractions)
    spent = obf_spending(t, alpha)
    increments = np.diff(np.r_[0.0, spent])
    prop = _Propagator(t, 0.0)
    bounds = []
    for k, target in enumerate(increments):
        if target <= 0:
            c = math.inf
        else:
            c = optimize.brentq(
                lambda z, k=k, a=target: prop.prob_above(k, z) - a, -10, 40, xtol=1e-12
            )
        bounds.append(c)
        prop.advance(k, -math.inf, c)
    return np.array(bounds)


@dataclass(frozen=True)
class Design:
    """Efficacy and non-binding futility boundaries with the drift that makes them meet."""

    fractions: np.ndarray
    efficacy: np.ndarray
    futility: np.ndarray  # futility[K-1] equals efficacy[K-1]
    drift: float  # E[Z] at full information under the alternative
    inflation: float  # (drift / (z_alpha + z_beta))^2


def _futility_for_drift(t: np.ndarray, efficacy: np.ndarray, beta: float, drift: float):
    spent = np.diff(np.r_[0.0, obf_spending(t, beta)])
    prop = _Propagator(t, drift)
    bounds = []
    for k, target in enumerate(spent):
        below = prop.prob_below(k, 40.0)  # P(continued to look k)
        if below <= target:  # not enough mass left to spend: stop for futility everywhere
            b = 40.0 + (target - below) * 100
        else:
            b = optimize.brentq(
                lambda z, k=k, a=target: prop.prob_below(k, z) - a, -40, 40, xtol=1e-12
            )
        bounds.append(b)
        if k < len(t) - 1:
            prop.advance(k, b, efficacy[k])
    return np.array(bounds)


def design_with_futility(fractions, alpha: float = 0.025, beta: float = 0.2) -> Design:
    """Efficacy boundaries plus non-binding O'Brien-Fleming beta-spending futility bounds."""
    t = _check_fractions(fractions)
    efficacy = efficacy_boundaries(t, alpha)
    fixed = stats.norm.ppf(1 - alpha) + stats.norm.ppf(1 - beta)

    def gap(drift):
        return _futility_for_drift(t, efficacy, beta, drift)[-1] - efficacy[-1]

    drift = optimize.brentq(gap, fixed * 0.5, fixed * 3.0, xtol=1e-10)
    futility = _futility_for_drift(t, efficacy, beta, drift)
    return Design(t, efficacy, futility, drift, (drift / fixed) ** 2)


@dataclass(frozen=True)
class OperatingCharacteristics:
    """Stopping probabilities per look and the expected information, for one drift."""

    drift: float
    stop_efficacy: np.ndarray  # P(stop for efficacy at look k)
    stop_futility: np.ndarray  # P(stop for futility at look k); zeros without futility bounds
    expected_fraction: float  # E[information fraction at stopping]

    @property
    def power(self) -> float:
        return float(self.stop_efficacy.sum())


def operating_characteristics(
    fractions, efficacy, drift: float, futility=None
) -> OperatingCharacteristics:
    """Probabilities of stopping at each look when E[Z_k] = drift * sqrt(t_k); a futility
    boundary, if given, is treated as a stopping rule (its last value is ignored)."""
    t = _check_fractions(fractions)
    efficacy = np.asarray(efficacy, float)
    lower = np.full(len(t), -np.inf) if futility is None else np.asarray(futility, float)
    prop = _Propagator(t, drift)
    eff, fut = np.zeros(len(t)), np.zeros(len(t))
    for k in range(len(t)):
        eff[k] = prop.prob_above(k, efficacy[k])
        if k < len(t) - 1:
            fut[k] = prop.prob_below(k, lower[k]) if np.isfinite(lower[k]) else 0.0
            prop.advance(k, lower[k], efficacy[k])
    stop = eff + fut
    reach_last = 1 - stop[:-1].sum()
    expected = float(np.sum(t[:-1] * stop[:-1]) + t[-1] * reach_last)
    return OperatingCharacteristics(drift, eff, fut, expected)


def drift_for_power(fractions, efficacy, power: float, futility=None) -> float:
    """The drift (E[Z] at full information) at which the design has the given power."""
    fixed = stats.norm.ppf(power) + float(np.asarray(efficacy)[-1])
    return float(
        optimize.brentq(
            lambda d: operating_characteristics(fractions, efficacy, d, futility).power - power,
            0.5 * fixed,
            2.0 * fixed,
            xtol=1e-10,
        )
    )
