"""One-compartment pharmacokinetics with first-order absorption (subcutaneous dosing).

Single dose D at time 0 (Bateman function; Gibaldi & Perrier, *Pharmacokinetics*, 2nd ed.
1982, ch. 1): C(t) = D ka / (V (ka - ke)) (exp(-ke t) - exp(-ka t)), with V the apparent volume
V/F (bioavailability F is not reported, so it is folded into V as Rost et al. report Vz/F).

* ke = ln 2 / t_half; t_max = ln(ka/ke) / (ka - ke), solved for ka given t_max (ka > ke);
* C_max = C(t_max); AUC(0-inf) = D / (V ke);
* repeated doses every tau (n doses so far, time t' since the last): by superposition,
  C = D ka / (V (ka - ke)) [exp(-ke t') (1 - r_e^n)/(1 - r_e) - exp(-ka t') (1 - r_a^n)/(1 - r_a)],
  r = exp(-k tau); the accumulation ratio at steady state is 1 / (1 - exp(-ke tau)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize


@dataclass(frozen=True)
class OneCompartment:
    """Apparent volume ``volume`` (L), absorption and elimination rate constants (1/h).

    Attributes
    ----------
    volume : float
        Apparent volume of distribution V/F (litres; bioavailability folded in).
    ka : float
        First-order absorption rate constant (per hour).
    ke : float
        First-order elimination rate constant (per hour).

    Examples
    --------
    Thymalfasin: label half-life about 2 h; Rost et al. 1999 t_max 1-2 h and Vz/F 30-40 L
    (``data/study_facts.csv``), taking the midpoints of the ranges:

    >>> model = OneCompartment.from_half_life_and_tmax(half_life=2.0, tmax=1.5, volume=35.0)
    >>> print(f"ka {model.ka:.3f}/h, ke {model.ke:.4f}/h, t_max {model.tmax:.2f} h")
    ka 1.141/h, ke 0.3466/h, t_max 1.50 h
    """

    volume: float
    ka: float
    ke: float

    def __post_init__(self):
        """Reject parameters that are not positive, and ka equal to ke."""
        if min(self.volume, self.ka, self.ke) <= 0:
            raise ValueError("volume and rate constants must be positive")
        if math.isclose(self.ka, self.ke):
            raise ValueError("ka equal to ke needs the limiting form, which is not implemented")

    @classmethod
    def from_half_life_and_tmax(
        cls, half_life: float, tmax: float, volume: float
    ) -> OneCompartment:
        """Build the model from an elimination half-life and a time to peak (both in hours).

        ke = ln 2 / half_life; ka > ke is the root of ln(ka/ke) / (ka - ke) = tmax.

        Parameters
        ----------
        half_life : float
            Elimination half-life (hours).
        tmax : float
            Time to peak concentration after a single dose (hours), below 1/ke.
        volume : float
            Apparent volume of distribution V/F (litres).

        Returns
        -------
        OneCompartment
            The model with these parameters.

        Raises
        ------
        ValueError
            If ``tmax`` cannot be reached with this half-life.
        """
        ke = math.log(2) / half_life
        # t_max(ka) decreases from 1/ke (ka -> ke) to 0 (ka -> inf): a root exists if tmax < 1/ke
        if not 0 < tmax < 1 / ke:
            raise ValueError(f"t_max {tmax} h is not reachable with t_half {half_life} h")
        ka = optimize.brentq(
            lambda k: math.log(k / ke) / (k - ke) - tmax, ke * (1 + 1e-9), ke * 1e6, xtol=1e-14
        )
        return cls(volume, ka, ke)

    @property
    def tmax(self) -> float:
        """Time to peak after a single dose, ln(ka/ke) / (ka - ke) (hours)."""
        return math.log(self.ka / self.ke) / (self.ka - self.ke)

    def single_dose(self, t, dose: float) -> np.ndarray:
        """Compute the concentration after one dose at t = 0 (the Bateman function).

        C(t) = D ka / (V (ka - ke)) (exp(-ke t) - exp(-ka t)); zero before the dose.

        Parameters
        ----------
        t : float or numpy.ndarray
            Time since the dose (hours).
        dose : float
            Dose (e.g. µg).

        Returns
        -------
        numpy.ndarray
            Concentration in dose units per litre (µg/L for a dose in µg).
        """
        t = np.asarray(t, float)
        c = (
            dose
            * self.ka
            / (self.volume * (self.ka - self.ke))
            * (np.exp(-self.ke * t) - np.exp(-self.ka * t))
        )
        return np.where(t >= 0, c, 0.0)

    def cmax(self, dose: float) -> float:
        """Compute the peak concentration after one dose, C(t_max).

        Parameters
        ----------
        dose : float
            Dose (e.g. µg).

        Returns
        -------
        float
            Concentration in dose units per litre.
        """
        return float(self.single_dose(self.tmax, dose))

    def auc(self, dose: float) -> float:
        """Compute the area under the curve from 0 to infinity after one dose, D / (V ke).

        Parameters
        ----------
        dose : float
            Dose (e.g. µg).

        Returns
        -------
        float
            AUC in dose units x hours per litre (µg h/L for a dose in µg).
        """
        return dose / (self.volume * self.ke)

    def repeated(self, t, dose: float, interval: float, n_doses: int) -> np.ndarray:
        """Compute the concentration for ``n_doses`` doses every ``interval`` hours from t = 0.

        Closed form of the superposition of single doses: with n doses given so far and t' the
        time since the last, C = D ka / (V (ka - ke)) [exp(-ke t') (1 - r_e^n)/(1 - r_e) -
        exp(-ka t') (1 - r_a^n)/(1 - r_a)], r = exp(-k interval).

        Parameters
        ----------
        t : float or numpy.ndarray
            Time since the first dose (hours).
        dose : float
            Dose per administration (e.g. µg).
        interval : float
            Dosing interval (hours).
        n_doses : int
            Number of doses in the course.

        Returns
        -------
        numpy.ndarray
            Concentration in dose units per litre; zero before the first dose.
        """
        t = np.asarray(t, float)
        n = np.clip(np.floor(t / interval) + 1, 0, n_doses)
        since = t - (n - 1) * interval
        scale = dose * self.ka / (self.volume * (self.ka - self.ke))

        def part(k):
            r = math.exp(-k * interval)
            return np.exp(-k * since) * (1 - r**n) / (1 - r)

        return np.where(t >= 0, scale * (part(self.ke) - part(self.ka)), 0.0)

    def superposition(self, t, dose: float, dose_times) -> np.ndarray:
        """Sum single-dose curves at arbitrary dosing times (the check on :meth:`repeated`).

        Parameters
        ----------
        t : float or numpy.ndarray
            Time (hours).
        dose : float
            Dose per administration (e.g. µg).
        dose_times : sequence of float
            Times of the doses (hours).

        Returns
        -------
        numpy.ndarray
            Concentration in dose units per litre.
        """
        t = np.asarray(t, float)
        return sum(self.single_dose(t - s, dose) for s in dose_times)

    def accumulation_ratio(self, interval: float) -> float:
        """Compute the accumulation ratio at steady state, 1 / (1 - exp(-ke interval)).

        Parameters
        ----------
        interval : float
            Dosing interval (hours).

        Returns
        -------
        float
            Ratio of steady-state to single-dose exposure (>= 1).
        """
        return 1 / (1 - math.exp(-self.ke * interval))


def exposure_metrics(
    model: OneCompartment,
    dose: float,
    interval: float,
    days: int,
    *,
    threshold: float,
    step: float = 0.01,
) -> dict:
    """Summarise the exposure of a regimen over its last full day (trapezoid rule).

    Concentrations come from :meth:`OneCompartment.repeated` on a grid of times in hours.

    Parameters
    ----------
    model : OneCompartment
        The pharmacokinetic model.
    dose : float
        Dose per administration (e.g. µg; concentrations are then in µg/L).
    interval : float
        Dosing interval (hours).
    days : int
        Length of the course (days); round(days * 24 / interval) doses are given.
    threshold : float
        Concentration of interest (dose units per litre, e.g. µg/L).
    step : float
        Time step of the grid (hours).

    Returns
    -------
    dict
        ``doses`` (number given), ``daily_auc`` (AUC over the last day, dose units x hours per
        litre), ``cmax`` (highest concentration of the course), ``trough`` (just before the last
        dose), ``accumulation_ratio`` (ratio) and ``hours_per_day_above`` (hours of the last day
        above ``threshold``).

    References
    ----------
    Gibaldi M, Perrier D. *Pharmacokinetics*, 2nd ed. Marcel Dekker 1982, ch. 1 (one-compartment
    model, first-order absorption) and ch. 3 (multiple dosing). Gabrielsson J, Weiner D.
    *Pharmacokinetic and Pharmacodynamic Data Analysis: Concepts and Applications*, 4th ed.
    Swedish Pharmaceutical Press 2006.

    Examples
    --------
    1.6 mg (1600 µg) every 12 hours for 7 days, as in TESTS, with a threshold of 10 µg/L:

    >>> model = OneCompartment.from_half_life_and_tmax(2.0, 1.5, 35.0)
    >>> m = exposure_metrics(model, dose=1600, interval=12, days=7, threshold=10.0)
    >>> print(m["doses"], f"{m['daily_auc']:.1f} {m['cmax']:.1f} {m['hours_per_day_above']:.2f}")
    14 263.8 27.8 10.46
    """
    n_doses = int(round(days * 24 / interval))
    t = np.arange(0, days * 24 + step / 2, step)
    c = model.repeated(t, dose, interval, n_doses)
    last_day = t >= (days - 1) * 24
    before_last_dose = (n_doses - 1) * interval
    trough_t = before_last_dose - step  # just before the last dose
    return {
        "doses": n_doses,
        "daily_auc": float(np.trapezoid(c[last_day], t[last_day])),
        "cmax": float(c.max()),
        "trough": float(model.repeated(np.array([trough_t]), dose, interval, n_doses)[0]),
        "accumulation_ratio": model.accumulation_ratio(interval),
        "hours_per_day_above": float(np.sum(c[last_day] > threshold) * step),
    }
