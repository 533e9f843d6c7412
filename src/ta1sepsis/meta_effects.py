"""Study-level effect sizes for meta-analysis of two-arm binary outcomes.

Per study: events ``ai`` of ``n1i`` (Tα1 or treatment) and ``ci`` of ``n2i`` (control). The
formulas are those of metafor's ``escalc`` (Viechtbauer, J Stat Softw 2010;36(3)):

* RR: y = ln[(a/n1)/(c/n2)], v = 1/a - 1/n1 + 1/c - 1/n2;
* OR: y = ln[(a d)/(b c)], v = 1/a + 1/b + 1/c + 1/d;
* RD: y = a/n1 - c/n2, v = p1(1 - p1)/n1 + p2(1 - p2)/n2.

Zero cells (Sweeting, Sutton & Lambert, Stat Med 2004;23:1351-1375):

* ``correction="constant"`` adds 0.5 to every cell of a table with a zero cell (metafor's
  default ``add=1/2, to="only0"``);
* ``correction="treatment_arm"`` adds n2/(n1+n2) to both cells of the treatment arm and
  n1/(n1+n2) to those of the control arm (the "treatment-arm" correction, which sums to 1 and
  equals 0.5 per arm when the arms are balanced);
* ``correction="none"`` leaves zero-cell studies out of ratio measures (and says so).

Double-zero studies (no events in either arm) carry no information on a ratio scale. With
``double_zero="include"`` they are kept with the correction, as metafor's ``escalc`` does by
default (``drop00=FALSE``); with ``"exclude"`` they are dropped (metafor's ``rma.mh``/``rma.peto``
default, ``drop00=TRUE``). Every exclusion or correction is listed in ``notes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MEASURES = ("RR", "OR", "RD")
CORRECTIONS = ("constant", "treatment_arm", "none")


@dataclass
class StudyEffects:
    """Effect sizes ``yi`` and sampling variances ``vi`` for the studies that enter a model."""

    measure: str
    table: pd.DataFrame  # the studies used, with yi, vi and the (corrected) cells
    notes: list[str] = field(default_factory=list)

    @property
    def yi(self) -> np.ndarray:
        return self.table["yi"].to_numpy(float)

    @property
    def vi(self) -> np.ndarray:
        return self.table["vi"].to_numpy(float)

    @property
    def k(self) -> int:
        return len(self.table)


def check_counts(studies: pd.DataFrame) -> pd.DataFrame:
    """Validate the 2x2 counts; raise ValueError naming the study and column."""
    needed = ["study", "ai", "n1i", "ci", "n2i"]
    missing = [c for c in needed if c not in studies.columns]
    if missing:
        raise ValueError(f"study table lacks column(s) {missing}")
    if studies["study"].duplicated().any():
        dupes = sorted(set(studies.loc[studies["study"].duplicated(), "study"]))
        raise ValueError(f"duplicate study label(s): {dupes}")
    for row in studies.itertuples():
        for col in ("ai", "n1i", "ci", "n2i"):
            value = getattr(row, col)
            if pd.isna(value) or value < 0 or float(value) != int(value):
                raise ValueError(f"study {row.study!r}, column {col}: {value!r} is not a count")
        if row.ai > row.n1i or row.ci > row.n2i:
            raise ValueError(f"study {row.study!r}: events exceed N")
        if row.n1i == 0 or row.n2i == 0:
            raise ValueError(f"study {row.study!r}: an arm has no patients")
    if studies.empty:
        raise ValueError("no studies to analyse")
    return studies


def study_effects(
    studies: pd.DataFrame,
    measure: str = "RR",
    correction: str = "constant",
    double_zero: str = "include",
    add: float = 0.5,
) -> StudyEffects:
    """Effect sizes per study; see the module docstring for zero-cell handling."""
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, got {measure!r}")
    if correction not in CORRECTIONS:
        raise ValueError(f"correction must be one of {CORRECTIONS}, got {correction!r}")
    if double_zero not in ("include", "exclude"):
        raise ValueError(f"double_zero must be 'include' or 'exclude', got {double_zero!r}")
    data = check_counts(studies).copy()
    a, n1 = data["ai"].to_numpy(float), data["n1i"].to_numpy(float)
    c, n2 = data["ci"].to_numpy(float), data["n2i"].to_numpy(float)
    b, d = n1 - a, n2 - c
    notes: list[str] = []
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    both_zero = ((a == 0) & (c == 0)) | ((b == 0) & (d == 0))
    keep = np.ones(len(data), bool)
    if double_zero == "exclude" and both_zero.any():
        keep &= ~both_zero
        notes.append(
            "double-zero studies excluded: " + ", ".join(data.loc[both_zero, "study"].astype(str))
        )
    if measure != "RD" or correction != "none":
        if correction == "none":
            dropped = zero & keep
            if dropped.any():
                notes.append(
                    "studies with a zero cell excluded (no continuity correction): "
                    + ", ".join(data.loc[dropped, "study"].astype(str))
                )
            keep &= ~zero
            inc_t = inc_c = np.zeros(len(data))
        elif correction == "constant":
            inc_t = inc_c = np.where(zero, add, 0.0)
        else:
            inc_t = np.where(zero, n2 / (n1 + n2), 0.0)
            inc_c = np.where(zero, n1 / (n1 + n2), 0.0)
        corrected = zero & keep & (inc_t > 0)
        if corrected.any():
            notes.append(
                f"{correction.replace('_', '-')} continuity correction applied to "
                + ", ".join(data.loc[corrected, "study"].astype(str))
            )
        a, b, c, d = a + inc_t, b + inc_t, c + inc_c, d + inc_c
        n1, n2 = a + b, c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "RR":
            yi = np.log((a / n1) / (c / n2))
            vi = 1 / a - 1 / n1 + 1 / c - 1 / n2
        elif measure == "OR":
            yi = np.log((a * d) / (b * c))
            vi = 1 / a + 1 / b + 1 / c + 1 / d
        else:
            p1, p2 = a / n1, c / n2
            yi = p1 - p2
            vi = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
    out = data.assign(a_used=a, b_used=b, c_used=c, d_used=d, yi=yi, vi=vi)[keep]
    bad = ~np.isfinite(out["yi"]) | ~np.isfinite(out["vi"]) | (out["vi"] <= 0)
    if bad.any():
        notes.append(
            "studies without a finite effect or positive variance left out: "
            + ", ".join(out.loc[bad, "study"].astype(str))
        )
        out = out[~bad]
    if out.empty:
        raise ValueError(f"no study has an estimable {measure}; notes: {'; '.join(notes)}")
    return StudyEffects(measure, out.reset_index(drop=True), notes)


def effects_from_estimates(
    studies: pd.DataFrame, ratio: bool = True, level: float = 0.95
) -> StudyEffects:
    """Effects from published estimates: columns ``study``, ``estimate`` and either ``se`` (on
    the analysis scale) or ``lower``/``upper`` (CI at ``level``; log scale used for ratios)."""
    from scipy import stats

    data = studies.copy()
    if "se" not in data.columns:
        z = stats.norm.ppf(0.5 + level / 2)
        lo, hi = data["lower"].astype(float), data["upper"].astype(float)
        if (lo > hi).any():
            raise ValueError("a CI lower limit exceeds its upper limit")
        if ratio:
            data["se"] = (np.log(hi) - np.log(lo)) / (2 * z)
        else:
            data["se"] = (hi - lo) / (2 * z)
    est = data["estimate"].astype(float)
    data["yi"] = np.log(est) if ratio else est
    data["vi"] = data["se"].astype(float) ** 2
    return StudyEffects("log ratio" if ratio else "difference", data.reset_index(drop=True), [])
