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
from functools import lru_cache

import numpy as np
from scipy import optimize, special, stats

GRID_STEP = 0.02  # on the z scale; with Simpson weights boundaries agree with rpact to 1e-7
TAIL = 9.0  # the grid covers mean +/- TAIL standard deviations
BAND = 9.0  # the transition kernel is computed within BAND standard deviations of its centre
BLOCK = 64  # rows of the kernel computed at once
NEAR = (0.99, 1.2)  # where the futility design's drift is looked for first (x the fixed drift)


def obf_spending(t: np.ndarray | float, alpha: float) -> np.ndarray:
    """Compute the cumulative error spent by information fraction ``t`` (O'Brien-Fleming type).

    alpha*(t) = 2 - 2 Phi(Phi^-1(1 - alpha/2) / sqrt(t)), so that alpha*(1) = alpha.

    Parameters
    ----------
    t : float or numpy.ndarray
        Information fraction(s) in [0, 1] (proportion of the maximum information).
    alpha : float
        Error to spend by t = 1: the one-sided significance level (or beta, for futility
        boundaries).

    Returns
    -------
    numpy.ndarray
        Cumulative error spent by ``t`` (a probability), of the shape of ``t``.

    References
    ----------
    Lan KKG, DeMets DL. Discrete sequential boundaries for clinical trials. Biometrika
    1983;70:659-663.

    Examples
    --------
    >>> obf_spending([0.25, 0.5, 1.0], 0.025).round(5).tolist()
    [1e-05, 0.00153, 0.025]
    """
    t = np.asarray(t, float)
    # special.ndtri and ndtr are what stats.norm.ppf and .sf evaluate, without the argument
    # checks that made this function a fifth of a trial sequential analysis
    z = special.ndtri(1 - alpha / 2)
    with np.errstate(divide="ignore"):
        return 2 * special.ndtr(-(z / np.sqrt(t)))  # = 2 - 2 Phi(.), without cancellation


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
    """Sub-density of the score S = Z sqrt(t) on the continuation region after the last look.

    ``drift`` is E[Z] at full information (t = 1), so E[S_t] = drift * t and Var[S_t] = t. The
    state is the information time ``last`` of the last look and, on a grid of S values over the
    continuation region there, the quadrature weights times the sub-density (``None`` before the
    first look). Crossing probabilities at any later time t follow by one convolution, so the
    same state serves the next real look and any imagined look between two real ones (the
    boundary curves drawn by :func:`efficacy_curve` and :func:`futility_curve`).
    """

    def __init__(self, drift: float):
        self.drift = drift
        self.last = 0.0
        self.s = None
        self.w = None
        self._scaled_at = None  # (t, slope, offset, s / sqrt(t - last)) for the last t asked

    def _scaled(self, t: float) -> tuple[float, float, np.ndarray]:
        """Return (slope, offset, scaled grid) for a look at ``t``.

        The standardised increment (z sqrt(t) - s - drift dt) / sqrt(dt) is z * slope - offset
        - scaled; kept for the t last asked, as a root search asks at one t many times.
        """
        if self._scaled_at is None or self._scaled_at[0] != t:
            root = math.sqrt(t - self.last)
            self._scaled_at = (
                t,
                math.sqrt(t) / root,
                self.drift * (t - self.last) / root,
                self.s / root,
            )
        return self._scaled_at[1:]

    def prob_above(self, t: float, z: float) -> float:
        """P(continued until the last look, Z_t >= z) for a look at information time ``t``."""
        if self.s is None:
            return float(special.ndtr(-((z * math.sqrt(t) - self.drift * t) / math.sqrt(t))))
        slope, offset, scaled = self._scaled(t)
        return float(self.w @ special.ndtr(scaled - (z * slope - offset)))

    def prob_below(self, t: float, z: float) -> float:
        """P(continued until the last look, Z_t <= z) for a look at information time ``t``."""
        if self.s is None:
            return float(special.ndtr((z * math.sqrt(t) - self.drift * t) / math.sqrt(t)))
        slope, offset, scaled = self._scaled(t)
        return float(self.w @ special.ndtr((z * slope - offset) - scaled))

    def advance(self, t: float, lower_z: float, upper_z: float) -> None:
        """Look at time ``t``: keep the paths with lower_z < Z_t < upper_z."""
        mean, sd = self.drift * t, math.sqrt(t)
        lo = max(lower_z * sd, mean - TAIL * sd)
        hi = min(upper_z * sd, mean + TAIL * sd)
        if hi <= lo:
            self.s, self.w, self.last = np.array([lo]), np.array([0.0]), t
            self._scaled_at = None
            return
        s, q = _grid(lo / sd, hi / sd)
        s, q = s * sd, q * sd
        if self.s is None:
            density = np.exp(-0.5 * ((s - mean) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))
        else:
            density = self._convolve(s, t - self.last)
        self.s, self.w, self.last = s, q * density, t
        self._scaled_at = None

    def _convolve(self, s: np.ndarray, dt: float) -> np.ndarray:
        """Density at ``s`` of S after a further ``dt``: sum over the grid of N(shift, dt).

        Only the band |s_i - s_j - drift dt| <= BAND sqrt(dt) is computed, in blocks of rows:
        beyond it the normal kernel is below exp(-BAND^2 / 2) ~ 1e-18 of its peak, so leaving
        it out changes nothing at double precision, and looks close together (small dt, a
        narrow band) cost far less than a full matrix.
        """
        root = math.sqrt(dt)
        shift = self.drift * dt
        width = BAND * root
        old = self.s
        # on the standardised scale, so that each block costs one subtraction, one square and
        # one exp (in place); the normal constant is applied once at the end
        new_scaled = (s - shift) / root
        old_scaled = old / root
        density = np.empty(len(s))
        for start in range(0, len(s), BLOCK):
            rows = s[start : start + BLOCK]
            lo = np.searchsorted(old, rows[0] - shift - width, side="left")
            hi = np.searchsorted(old, rows[-1] - shift + width, side="right")
            x = np.subtract.outer(new_scaled[start : start + BLOCK], old_scaled[lo:hi])
            np.square(x, out=x)
            x *= -0.5
            np.exp(x, out=x)
            density[start : start + BLOCK] = x @ self.w[lo:hi]
        return density / math.sqrt(2 * math.pi * dt)

    def solve_above(self, t: float, target: float, near: float | None = None) -> float:
        """Find z with P(continued, Z_t >= z) = ``target`` (infinity if nothing is to be spent).

        ``near``, a value the root is expected close to (the same boundary for a nearby drift
        or look), narrows the search (:func:`_root`); the root is the same to ``xtol``.
        """
        if target <= 0:
            return math.inf
        return _root(lambda z: self.prob_above(t, z) - target, -10.0, 40.0, near, False)

    def solve_below(self, t: float, target: float, near: float | None = None) -> float:
        """Find z with P(continued, Z_t <= z) = ``target``.

        Above every path if not enough probability is left to spend (stop for futility
        everywhere). ``near`` as for :meth:`solve_above`.
        """
        below = self.prob_below(t, 40.0)
        if below <= target:
            return 40.0 + (target - below) * 100
        return _root(lambda z: self.prob_below(t, z) - target, -40.0, 40.0, near, True)


XTOL = 1e-12  # boundaries are found to this absolute precision (z scale)
NEAR_STEP = 0.05  # half-width of the first bracket around an expected root (z scale)


def _root(f, lo: float, hi: float, near: float | None, increasing: bool) -> float:
    """Find the root of a monotone ``f`` within [lo, hi] by Brent's method, to :data:`XTOL`.

    ``increasing`` is the direction of ``f``; f(lo) and f(hi) must have opposite signs (else
    ValueError, as from ``scipy.optimize.brentq``). With ``near``, the bracket starts at
    near +/- :data:`NEAR_STEP` and widens fourfold on the side of the root until ``f`` changes
    sign (never beyond [lo, hi]): a boundary for a nearby drift or a nearby look is a few
    hundredths away, and Brent's method from such a bracket needs fewer evaluations than from
    [lo, hi]. The root is the same to ``XTOL``.
    """
    if near is None or not lo < near < hi:
        return float(optimize.brentq(f, lo, hi, xtol=XTOL))
    step = NEAR_STEP
    a, b = max(lo, near - step), min(hi, near + step)
    fa, fb = f(a), f(b)
    # signs compared, not the product (two values near 1e-200 multiply to zero)
    while (fa > 0 and fb > 0) or (fa < 0 and fb < 0):
        step *= 4
        if (fa > 0) == increasing:  # the root lies below a
            if a == lo:
                break
            a = max(lo, near - step)
            fa = f(a)
        else:  # above b
            if b == hi:
                break
            b = min(hi, near + step)
            fb = f(b)
    if fa == 0:
        return a
    if fb == 0:
        return b
    return float(optimize.brentq(f, a, b, xtol=XTOL))


def _check_fractions(fractions) -> np.ndarray:
    t = np.asarray(fractions, float)
    if t.ndim != 1 or len(t) == 0:
        raise ValueError("information fractions must be a non-empty sequence")
    if np.any(t <= 0) or np.any(t > 1) or np.any(np.diff(t) <= 0):
        raise ValueError(f"information fractions must increase within (0, 1], got {list(t)}")
    return t


def efficacy_boundaries(fractions, alpha: float = 0.025) -> np.ndarray:
    """Compute one-sided Lan-DeMets O'Brien-Fleming efficacy boundaries at ``fractions``.

    Look by look, the boundary c_k solves P(no earlier crossing, Z_k >= c_k) =
    alpha*(t_k) - alpha*(t_{k-1}) under no effect, by recursive numerical integration.

    Parameters
    ----------
    fractions : sequence of float
        Information fractions of the looks, increasing within (0, 1].
    alpha : float
        One-sided significance level spent by t = 1 (0.025 for a symmetric two-sided design at
        level 0.05, the convention of rpact and of the TSA software).

    Returns
    -------
    numpy.ndarray
        Critical values on the z scale, one per look.

    References
    ----------
    Lan & DeMets, Biometrika 1983;70:659-663; Jennison & Turnbull 2000, ch. 19; Armitage P,
    McPherson CK, Rowe BC, J R Stat Soc A 1969;132:235-244 (recursive integration).

    Examples
    --------
    Two equally spaced looks, one-sided alpha 0.025:

    >>> efficacy_boundaries([0.5, 1.0]).round(3).tolist()
    [2.963, 1.969]
    """
    t = _check_fractions(fractions)
    return np.array(_efficacy(tuple(float(x) for x in t), float(alpha)))


@lru_cache(maxsize=256)
def _efficacy(t: tuple, alpha: float) -> tuple:
    increments = np.diff(np.r_[0.0, obf_spending(np.array(t), alpha)])
    prop = _Propagator(0.0)
    bounds = []
    for tk, target in zip(t, increments, strict=True):
        c = prop.solve_above(tk, target)
        bounds.append(c)
        prop.advance(tk, -math.inf, c)
    return tuple(bounds)


def efficacy_curve(fractions, grid, alpha: float = 0.025) -> np.ndarray:
    """Draw the efficacy boundary as a curve over the information fractions ``grid``.

    At each ``grid`` point t the curve is the critical value a look at t would have, given the
    real looks at ``fractions`` before it. This is how the boundaries of a trial sequential
    analysis are drawn: between two looks the curve shows where the next look's boundary would
    lie wherever that look falls, instead of a straight segment joining two boundary values. At
    a real look the curve equals :func:`efficacy_boundaries`. Because Lan-DeMets boundaries do
    not depend on future looks, the value at t equals the boundary of a design with looks
    ``(earlier looks, t)`` (checked against rpact with information rates ``c(earlier, t, 1)``).

    Parameters
    ----------
    fractions : sequence of float
        Information fractions of the real looks, increasing within (0, 1].
    grid : sequence of float
        Information fractions in (0, 1] at which to evaluate the curve (any order).
    alpha : float
        One-sided level spent by t = 1.

    Returns
    -------
    numpy.ndarray
        Critical values (z) at ``grid``.

    References
    ----------
    Lan KKG, DeMets DL. Biometrika 1983;70:659-663. Wetterslev J, Thorlund K, Brok J, Gluud C.
    J Clin Epidemiol 2008;61:64-75 (monitoring boundaries of a trial sequential analysis).

    Examples
    --------
    One real look at half the information:

    >>> efficacy_curve([0.5], [0.25, 0.5, 0.75, 1.0]).round(3).tolist()
    [4.333, 2.963, 2.359, 1.969]
    """
    t = _check_fractions(fractions)
    grid = np.asarray(grid, float)
    bounds = efficacy_boundaries(t, alpha)
    out = np.empty(len(grid))
    order = np.argsort(grid, kind="stable")
    prop, k, spent, near = _Propagator(0.0), 0, 0.0, None
    for i in order:
        g = grid[i]
        while k < len(t) and t[k] < g:
            prop.advance(t[k], -math.inf, bounds[k])
            spent = float(obf_spending(t[k], alpha))
            k += 1
        # the curve's value at the previous grid point is where to look first
        out[i] = near = prop.solve_above(g, float(obf_spending(g, alpha)) - spent, near)
    return out


@dataclass(frozen=True)
class Design:
    """Efficacy and non-binding futility boundaries with the drift that makes them meet.

    Attributes
    ----------
    fractions : numpy.ndarray
        Information fractions of the looks, increasing within (0, 1].
    efficacy : numpy.ndarray
        Efficacy critical values (z scale), one per look.
    futility : numpy.ndarray
        Futility critical values (z scale), one per look; the last equals the last efficacy
        value.
    drift : float
        E[Z] at full information under the alternative (z scale).
    inflation : float
        Maximum information relative to a fixed design, (drift / (z_alpha + z_beta))^2 (ratio).
    beta : float
        Type II error spent by the futility boundaries (probability).
    """

    fractions: np.ndarray
    efficacy: np.ndarray
    futility: np.ndarray  # futility[K-1] equals efficacy[K-1]
    drift: float  # E[Z] at full information under the alternative
    inflation: float  # (drift / (z_alpha + z_beta))^2
    beta: float = 0.2


def _futility_for_drift(
    t: np.ndarray, efficacy: np.ndarray, beta: float, drift: float, near=None
) -> np.ndarray:
    """Futility boundaries for ``drift``; ``near``: those of a nearby drift, to look first at."""
    spent = np.diff(np.r_[0.0, obf_spending(t, beta)])
    prop = _Propagator(drift)
    bounds = []
    for k, (tk, target) in enumerate(zip(t, spent, strict=True)):
        b = prop.solve_below(tk, target, None if near is None else float(near[k]))
        bounds.append(b)
        if k < len(t) - 1:
            prop.advance(tk, b, efficacy[k])
    return np.array(bounds)


def design_with_futility(fractions, alpha: float = 0.025, beta: float = 0.2) -> Design:
    """Compute efficacy and non-binding O'Brien-Fleming beta-spending futility boundaries.

    Efficacy boundaries ignore futility (:func:`efficacy_boundaries`); futility boundaries b_k
    solve P(continue before k, Z_k <= b_k | drift) = beta*(t_k) - beta*(t_{k-1}), with the
    drift for which the last futility boundary meets the last efficacy boundary.

    Parameters
    ----------
    fractions : sequence of float
        Information fractions of the looks, increasing within (0, 1], the last normally 1.
    alpha : float
        One-sided significance level.
    beta : float
        Type II error spent by the futility boundaries (1 - power).

    Returns
    -------
    Design
        Boundaries (z), the drift under the alternative at which the last futility boundary
        meets the last efficacy boundary, and the inflation of the maximum information over a
        fixed design, (drift / (z_alpha + z_beta))^2.

    References
    ----------
    rpact ``getDesignGroupSequential(typeBetaSpending = "bsOF", bindingFutility = FALSE)``;
    Jennison & Turnbull 2000, section 7.2; Lan KKG, DeMets DL, Biometrika 1983;70:659-663.

    Examples
    --------
    >>> design = design_with_futility([0.5, 1.0], alpha=0.025, beta=0.10)
    >>> print(design.futility.round(3).tolist(), f"{design.inflation:.3f}")
    [0.267, 1.969] 1.025
    """
    t = _check_fractions(fractions)
    return _design_with_futility(tuple(float(x) for x in t), float(alpha), float(beta))


@lru_cache(maxsize=512)
def _design_with_futility(t: tuple, alpha: float, beta: float) -> Design:
    """Compute :func:`design_with_futility` once per process for the same looks.

    A trial sequential analysis asks for the same design many times.
    """
    t = np.asarray(t, float)
    efficacy = efficacy_boundaries(t, alpha)
    fixed = stats.norm.ppf(1 - alpha) + stats.norm.ppf(1 - beta)

    # drift -> futility boundaries, so that the root's boundaries are not solved twice; the
    # boundaries of the drift tried last are where those of the next are looked for first
    seen = {}

    def gap(drift):
        near = next(reversed(seen.values())) if seen else None
        seen[drift] = _futility_for_drift(t, efficacy, beta, drift, near)
        return seen[drift][-1] - efficacy[-1]

    # the drift of an O'Brien-Fleming beta-spending design is a few per cent above the fixed
    # design's (the inflation is 1 to about 1.3): search there first, then everywhere
    try:
        drift = optimize.brentq(gap, fixed * NEAR[0], fixed * NEAR[1], xtol=1e-10)
    except ValueError:  # no sign change in the near bracket
        drift = optimize.brentq(gap, fixed * 0.5, fixed * 3.0, xtol=1e-10)
    futility = seen.get(drift)
    if futility is None:
        futility = _futility_for_drift(t, efficacy, beta, drift, next(reversed(seen.values())))
    return Design(t, efficacy, futility, drift, (drift / fixed) ** 2, beta)


def futility_curve(design: Design, grid) -> np.ndarray:
    """Draw the non-binding futility boundary of ``design`` as a curve over ``grid``.

    At each t the curve is the futility critical value a look at t would have, given the
    design's looks before it and the design's drift (the inner wedge of a trial sequential
    analysis plot).

    Parameters
    ----------
    design : Design
        From :func:`design_with_futility`.
    grid : sequence of float
        Information fractions in (0, 1].

    Returns
    -------
    numpy.ndarray
        Futility critical values (z) at ``grid``; at a real look they equal ``design.futility``.

    References
    ----------
    Jennison C, Turnbull BW. *Group Sequential Methods with Applications to Clinical Trials*.
    Chapman & Hall/CRC 2000, section 7.2. Thorlund K, et al. *User manual for Trial Sequential
    Analysis (TSA)*. Copenhagen Trial Unit 2017.

    Examples
    --------
    >>> design = design_with_futility([0.5, 1.0], alpha=0.025, beta=0.10)
    >>> futility_curve(design, [0.25, 0.5, 0.75, 1.0]).round(3).tolist()
    [-1.448, 0.267, 1.213, 1.969]
    """
    t, eff, fut = design.fractions, design.efficacy, design.futility
    grid = np.asarray(grid, float)
    out = np.empty(len(grid))
    prop, k, spent, near = _Propagator(design.drift), 0, 0.0, None
    for i in np.argsort(grid, kind="stable"):
        g = grid[i]
        while k < len(t) and t[k] < g:
            prop.advance(t[k], fut[k], eff[k])
            spent = float(obf_spending(t[k], design.beta))
            k += 1
        # the curve's value at the previous grid point is where to look first
        out[i] = near = prop.solve_below(g, float(obf_spending(g, design.beta)) - spent, near)
    return out


@dataclass(frozen=True)
class OperatingCharacteristics:
    """Stopping probabilities per look and the expected information, for one drift.

    Attributes
    ----------
    drift : float
        E[Z] at full information (z scale).
    stop_efficacy : numpy.ndarray
        P(stop for efficacy at look k), one per look.
    stop_futility : numpy.ndarray
        P(stop for futility at look k); zeros without futility boundaries.
    expected_fraction : float
        Expected information fraction at stopping (proportion of the maximum information).
    """

    drift: float
    stop_efficacy: np.ndarray  # P(stop for efficacy at look k)
    stop_futility: np.ndarray  # P(stop for futility at look k); zeros without futility bounds
    expected_fraction: float  # E[information fraction at stopping]

    @property
    def power(self) -> float:
        """Probability of stopping for efficacy at any look."""
        return float(self.stop_efficacy.sum())


def operating_characteristics(
    fractions, efficacy, drift: float, futility=None
) -> OperatingCharacteristics:
    """Compute the probabilities of stopping at each look when E[Z_k] = drift * sqrt(t_k).

    A futility boundary, if given, is treated as a stopping rule (its last value is ignored).

    Parameters
    ----------
    fractions : sequence of float
        Information fractions of the looks, increasing within (0, 1].
    efficacy : sequence of float
        Efficacy critical values (z scale), one per look.
    drift : float
        E[Z] at full information (z scale); 0 gives the behaviour under no effect.
    futility : sequence of float, optional
        Futility critical values (z scale), one per look.

    Returns
    -------
    OperatingCharacteristics
        Stopping probabilities per look, the power and the expected information fraction.

    References
    ----------
    Armitage P, McPherson CK, Rowe BC. J R Stat Soc A 1969;132:235-244. Jennison C, Turnbull
    BW. *Group Sequential Methods with Applications to Clinical Trials*. Chapman & Hall/CRC
    2000, ch. 19.

    Examples
    --------
    >>> bounds = efficacy_boundaries([0.5, 1.0])
    >>> oc = operating_characteristics([0.5, 1.0], bounds, drift=3.0)
    >>> print(oc.stop_efficacy.round(3).tolist(), f"{oc.power:.3f} {oc.expected_fraction:.3f}")
    [0.2, 0.649] 0.850 0.900
    >>> round(operating_characteristics([0.5, 1.0], bounds, drift=0.0).power, 4)
    0.025
    """
    t = _check_fractions(fractions)
    efficacy = np.asarray(efficacy, float)
    lower = np.full(len(t), -np.inf) if futility is None else np.asarray(futility, float)
    prop = _Propagator(drift)
    eff, fut = np.zeros(len(t)), np.zeros(len(t))
    for k, tk in enumerate(t):
        eff[k] = prop.prob_above(tk, efficacy[k])
        if k < len(t) - 1:
            fut[k] = prop.prob_below(tk, lower[k]) if np.isfinite(lower[k]) else 0.0
            prop.advance(tk, lower[k], efficacy[k])
    stop = eff + fut
    reach_last = 1 - stop[:-1].sum()
    expected = float(np.sum(t[:-1] * stop[:-1]) + t[-1] * reach_last)
    return OperatingCharacteristics(drift, eff, fut, expected)


def drift_for_power(fractions, efficacy, power: float, futility=None) -> float:
    """Find the drift (E[Z] at full information) at which the design has the given power.

    Parameters
    ----------
    fractions : sequence of float
        Information fractions of the looks, increasing within (0, 1].
    efficacy : sequence of float
        Efficacy critical values (z scale), one per look.
    power : float
        Target probability of stopping for efficacy (proportion, e.g. 0.90).
    futility : sequence of float, optional
        Futility critical values (z scale), treated as a stopping rule.

    Returns
    -------
    float
        The drift (z scale); its square over that of a fixed design gives the information
        inflation.

    References
    ----------
    Jennison C, Turnbull BW. *Group Sequential Methods with Applications to Clinical Trials*.
    Chapman & Hall/CRC 2000, ch. 19.

    Examples
    --------
    >>> bounds = efficacy_boundaries([0.5, 1.0])
    >>> round(drift_for_power([0.5, 1.0], bounds, power=0.90), 3)
    3.247
    """
    fixed = stats.norm.ppf(power) + float(np.asarray(efficacy)[-1])
    return float(
        optimize.brentq(
            lambda d: operating_characteristics(fractions, efficacy, d, futility).power - power,
            0.5 * fixed,
            2.0 * fixed,
            xtol=1e-10,
        )
    )
