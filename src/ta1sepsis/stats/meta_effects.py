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
    """Effect sizes ``yi`` and sampling variances ``vi`` for the studies that enter a model.

    Attributes
    ----------
    measure : str
        ``"RR"`` or ``"OR"`` (``yi`` on the natural log scale), ``"RD"`` (``yi`` a difference of
        proportions, 0-1 scale), or ``"log ratio"`` / ``"difference"`` for effects built from
        published estimates (:func:`effects_from_estimates`).
    table : pandas.DataFrame
        The studies used, one row each: the input columns, the cells after any continuity
        correction (``a_used``, ``b_used``, ``c_used``, ``d_used``; events) and ``yi``, ``vi``.
    notes : list of str
        Every exclusion or continuity correction applied, in words.

    Examples
    --------
    >>> studies = pd.read_csv("tests/reference/datasets/etass_tests.csv")
    >>> eff = study_effects(studies, "RR")
    >>> eff.k, eff.measure
    (2, 'RR')
    """

    measure: str
    table: pd.DataFrame  # the studies used, with yi, vi and the (corrected) cells
    notes: list[str] = field(default_factory=list)

    @property
    def yi(self) -> np.ndarray:
        """Effect sizes, one per study (natural log scale for RR and OR, 0-1 scale for RD)."""
        return self.table["yi"].to_numpy(float)

    @property
    def vi(self) -> np.ndarray:
        """Sampling variances of ``yi``, one per study (the square of the scale of ``yi``)."""
        return self.table["vi"].to_numpy(float)

    @property
    def k(self) -> int:
        """Number of studies in the model."""
        return len(self.table)


def check_counts(studies: pd.DataFrame) -> pd.DataFrame:
    """Validate the 2x2 counts; raise ValueError naming the study and column.

    Parameters
    ----------
    studies : pandas.DataFrame
        One row per study with the columns ``study`` (a unique label), ``ai`` and ``n1i``
        (events and patients in the treatment arm) and ``ci`` and ``n2i`` (events and patients in
        the control arm); the counts are non-negative whole numbers of patients.

    Returns
    -------
    pandas.DataFrame
        ``studies`` itself, unchanged, when every check passes.

    Raises
    ------
    ValueError
        If a column is missing, a label is repeated, a count is missing, negative or not whole,
        events exceed the patients of their arm, an arm has no patients, or there is no study.

    References
    ----------
    Viechtbauer W. Conducting meta-analyses in R with the metafor package. J Stat Softw
    2010;36(3):1-48 (the ``ai``, ``n1i``, ``ci``, ``n2i`` layout of ``escalc``).

    Examples
    --------
    >>> studies = pd.read_csv("tests/reference/datasets/etass_tests.csv")
    >>> len(check_counts(studies))
    2
    >>> check_counts(studies.assign(ai=[200, 127]))
    Traceback (most recent call last):
    ...
    ValueError: study 'ETASS': events exceed N
    """
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
    *,
    add: float = 0.5,
) -> StudyEffects:
    """Compute each study's effect size and sampling variance from its 2x2 counts.

    The formulas are those of metafor's ``escalc`` (module docstring): for RR
    y = ln[(a/n1)/(c/n2)], v = 1/a - 1/n1 + 1/c - 1/n2; for OR y = ln[(a d)/(b c)],
    v = 1/a + 1/b + 1/c + 1/d; for RD y = a/n1 - c/n2, v = p1(1 - p1)/n1 + p2(1 - p2)/n2. Zero
    cells and double-zero studies are handled as the module docstring describes, and every
    correction or exclusion is listed in ``notes``.

    Parameters
    ----------
    studies : pandas.DataFrame
        Columns ``study``, ``ai``, ``n1i``, ``ci``, ``n2i`` (events and patients, treatment arm
        then control arm; counts), checked by :func:`check_counts`. Other columns (``year``, a
        subgroup label) are carried through to ``table``.
    measure : {"RR", "OR", "RD"}
        Risk ratio or odds ratio (``yi`` on the natural log scale), or risk difference (``yi`` a
        difference of proportions, treatment minus control, 0-1 scale).
    correction : {"constant", "treatment_arm", "none"}
        Continuity correction for a study with a zero cell: ``add`` to every cell, the
        treatment-arm correction of Sweeting et al., or none (such studies are then left out of
        the ratio measures).
    double_zero : {"include", "exclude"}
        Keep studies with no events (or only events) in both arms, with the correction, or
        drop them.
    add : float
        Number added to each cell by ``correction="constant"`` (events; 0.5 by default).

    Returns
    -------
    StudyEffects
        ``yi`` (log RR, log OR or RD) and ``vi`` (its variance) for the studies kept, with the
        notes.

    Raises
    ------
    ValueError
        For an unknown option, invalid counts, or when no study has an estimable effect.

    References
    ----------
    Viechtbauer W. J Stat Softw 2010;36(3):1-48 (metafor ``escalc``). Sweeting MJ, Sutton AJ,
    Lambert PC. Stat Med 2004;23:1351-1375 (continuity corrections). Woolf B. Ann Hum Genet
    1955;19:251-253 (variance of the log odds ratio).

    Examples
    --------
    ETASS (47/181 vs 63/180 deaths at 28 days) and TESTS (127/542 vs 132/547):

    >>> studies = pd.read_csv("tests/reference/datasets/etass_tests.csv")
    >>> eff = study_effects(studies, "RR")
    >>> print(np.exp(eff.yi).round(3), eff.vi.round(4))
    [0.742 0.971] [0.0261 0.0118]
    """
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
    if double_zero == "include" and both_zero.any() and measure != "RD":
        notes.append(
            "no events in either arm (or every patient with the event in both arms): "
            + ", ".join(data.loc[both_zero, "study"].astype(str))
            + "; such a trial says almost nothing about a ratio, adds nothing to the Mantel-Haenszel "
            "estimate, and is kept with the continuity correction in the inverse-variance and "
            "random-effects analyses (as metafor's escalc keeps it)"
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
    """Build study effects from published estimates with a standard error or a CI.

    Parameters
    ----------
    studies : pandas.DataFrame
        Columns ``study``, ``estimate`` and either ``se`` (standard error on the analysis scale:
        natural log scale for ratios) or ``lower`` and ``upper`` (the published confidence
        limits at ``level``, on the reporting scale: ratios for ratio measures).
    ratio : bool
        True if the estimates are ratios (RR, OR, HR; analysed on the natural log scale), False
        for differences (analysed as given).
    level : float
        Confidence level of the published intervals (proportion; 0.95 for 95%).

    Returns
    -------
    StudyEffects
        Measure ``"log ratio"`` or ``"difference"``; ``yi`` is the (log) estimate and ``vi``
        the squared standard error, SE = (ln upper - ln lower) / (2 z) for ratios and
        (upper - lower) / (2 z) for differences, with z = Phi^-1(0.5 + level/2).

    References
    ----------
    Higgins JPT, Li T, Deeks JJ (eds). Choosing effect measures and computing estimates of
    effect. *Cochrane Handbook for Systematic Reviews of Interventions*, version 6, ch. 6
    (standard errors from confidence intervals).

    Examples
    --------
    ETASS's published 28-day risk ratio, 0.74 (0.54 to 1.02):

    >>> pub = pd.read_csv("data/published_estimates.csv", index_col="estimate_id")
    >>> row = pub.loc[["etass.mortality_28d.rr"], ["study", "estimate", "ci_lower", "ci_upper"]]
    >>> eff = effects_from_estimates(row.set_axis(["study", "estimate", "lower", "upper"], axis=1))
    >>> print(f"log RR {eff.yi[0]:.3f}, SE {eff.vi[0] ** 0.5:.3f}")
    log RR -0.301, SE 0.162
    """
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
