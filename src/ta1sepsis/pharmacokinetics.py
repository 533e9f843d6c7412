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
    """Apparent volume ``volume`` (L), absorption and elimination rate constants (1/h)."""

    volume: float
    ka: float
    ke: float

    def __post_init__(self):
        if min(self.volume, self.ka, self.ke) <= 0:
            raise ValueError("volume and rate constants must be positive")
        if math.isclose(self.ka, self.ke):
            raise ValueError("ka equal to ke needs the limiting form, which is not implemented")

    @classmethod
    def from_half_life_and_tmax(
        cls, half_life: float, tmax: float, volume: float
    ) -> OneCompartment:
        """Parameters from an elimination half-life and a time to peak (both in hours)."""
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
        return math.log(self.ka / self.ke) / (self.ka - self.ke)

    def single_dose(self, t, dose: float) -> np.ndarray:
        """Concentration (dose units per L) after one dose at t = 0; zero before it."""
        t = np.asarray(t, float)
        c = (
            dose
            * self.ka
            / (self.volume * (self.ka - self.ke))
            * (np.exp(-self.ke * t) - np.exp(-self.ka * t))
        )
        return np.where(t >= 0, c, 0.0)

    def cmax(self, dose: float) -> float:
        return float(self.single_dose(self.tmax, dose))

    def auc(self, dose: float) -> float:
        return dose / (self.volume * self.ke)

    def repeated(self, t, dose: float, interval: float, n_doses: int) -> np.ndarray:
        """Closed form for ``n_doses`` doses every ``interval`` hours starting at t = 0."""
        t = np.asarray(t, float)
        n = np.clip(np.floor(t / interval) + 1, 0, n_doses)
        since = t - (n - 1) * interval
        scale = dose * self.ka / (self.volume * (self.ka - self.ke))

        def part(k):
            r = math.exp(-k * interval)
            return np.exp(-k * since) * (1 - r**n) / (1 - r)

        return np.where(t >= 0, scale * (part(self.ke) - part(self.ka)), 0.0)

    def superposition(self, t, dose: float, dose_times) -> np.ndarray:
        """Sum of single-dose curves at arbitrary dosing times (the check on :meth:`repeated`)."""
        t = np.asarray(t, float)
        return sum(self.single_dose(t - s, dose) for s in dose_times)

    def accumulation_ratio(self, interval: float) -> float:
        return 1 / (1 - math.exp(-self.ke * interval))


def exposure_metrics(
    model: OneCompartment,
    dose: float,
    interval: float,
    days: int,
    threshold: float,
    step: float = 0.01,
) -> dict:
    """Exposure of a regimen over its last full day (grid in hours, trapezoid rule)."""
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
