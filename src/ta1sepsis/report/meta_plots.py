"""Meta-analysis figures in the forms readers know: forest, funnel and TSA plots."""

from __future__ import annotations

import math
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.transforms import blended_transform_factory

from ta1sepsis.report.plots import BOUNDARY, ESTIMATE, MAX_WIDTH_IN, POOLED, fig_width
from ta1sepsis.stats.binary import z_critical
from ta1sepsis.stats.meta_effects import StudyEffects
from ta1sepsis.stats.meta_pooling import MetaResult


@dataclass(frozen=True)
class Diamond:
    """One pooled row of a forest plot, on the analysis scale (log for ratios)."""

    label: str
    estimate: float
    lower: float
    upper: float
    pi_lower: float | None = None
    pi_upper: float | None = None
    pi_label: str = "prediction interval"

    @classmethod
    def from_result(cls, res: MetaResult, label: str | None = None) -> Diamond:
        ci_name = {
            "wald": "",
            "hk": ", Hartung-Knapp CI",
            "hk_adhoc": ", Hartung-Knapp max(1, q) CI",
        }
        text = label or f"{res.model}{ci_name[res.ci_method]}"
        if res.model.startswith("random") and label is None:
            text += f"; τ² = {res.tau2:.3f}, I² = {100 * res.i2:.0f}%"
        return cls(text, res.estimate, res.lower, res.upper, res.pi_lower, res.pi_upper)


def forest(
    effects: StudyEffects,
    pooled: list[Diamond | MetaResult],
    title: str,
    xlabel: str,
    *,
    weights_from: MetaResult | None = None,
    labels: tuple[str, str] = ("favours treatment", "favours control"),
    arm_names: tuple[str, str] = ("treatment", "control"),
    level: float,
):
    """Study rows (events/N per arm, weight, estimate and CI), boxes sized by weight, a
    diamond per pooled row, and a prediction interval as a bar under its diamond.

    ``level`` (a proportion) is the confidence level of the studies' Wald intervals and the one
    the estimate column is headed with; the pooled rows' intervals come with their results and
    should be at the same level."""
    rows_in = [p if isinstance(p, Diamond) else Diamond.from_result(p) for p in pooled]
    table = effects.table
    ratio = effects.measure in ("RR", "OR")
    k, m = len(table), len(rows_in)
    back = np.exp if ratio else (lambda x: x)
    est, half = table["yi"].to_numpy(), z_critical(level) * np.sqrt(table["vi"].to_numpy())
    w = weights_from.weights if weights_from is not None else None
    w = w if w is not None and len(w) == k else np.full(k, 1 / k)
    fig, ax = plt.subplots(figsize=(MAX_WIDTH_IN, 1.8 + 0.42 * (k + 1.6 * m)))
    y_study = np.arange(k)[::-1] + 1.6 * m + 0.8
    for yi, e, h, wi in zip(y_study, est, half, w, strict=True):
        ax.plot(back([e - h, e + h]), [yi, yi], color=ESTIMATE, lw=1)
        ax.plot(back(e), yi, "s", color=ESTIMATE, ms=4 + 14 * math.sqrt(wi))
    text_rows = [
        (
            yi,
            f"{r.study}",
            f"{int(r.ai)}/{int(r.n1i)}",
            f"{int(r.ci)}/{int(r.n2i)}",
            f"{100 * wi:.1f}%",
            f"{back(e):.2f} ({back(e - h):.2f}, {back(e + h):.2f})",
        )
        for yi, r, wi, e, h in zip(y_study, table.itertuples(), w, est, half, strict=True)
    ]
    for j, d in enumerate(rows_in):
        yj = 1.6 * (m - j) - 0.6
        xs = back(np.array([d.lower, d.estimate, d.upper, d.estimate]))
        ax.fill(xs, [yj, yj + 0.3, yj, yj - 0.3], color=POOLED if j == 0 else "#6b6b6b", alpha=0.9)
        text_rows.append(
            (
                yj,
                d.label,
                "",
                "",
                "",
                f"{back(d.estimate):.2f} ({back(d.lower):.2f}, {back(d.upper):.2f})",
            )
        )
        if d.pi_lower is not None:
            ax.plot(
                back([d.pi_lower, d.pi_upper]), [yj - 0.55] * 2, color="#6b6b6b", lw=3, alpha=0.4
            )
            text_rows.append(
                (
                    yj - 0.55,
                    f"   {d.pi_label}",
                    "",
                    "",
                    "",
                    f"({back(d.pi_lower):.2f}, {back(d.pi_upper):.2f})",
                )
            )
    if ratio:
        ax.set_xscale("log")
        ax.axvline(1, color="grey", lw=1)
        lo, hi = ax.get_xlim()
        wide = hi / lo > 20
        grid = (0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100) if wide else (0.25, 0.5, 0.7, 1, 1.5, 2, 4)
        ticks = [t for t in grid if lo <= t <= hi]
        ax.set_xticks(ticks)
        ax.set_xticklabels([f"{t:g}" for t in ticks])
        ax.minorticks_off()
    else:
        ax.axvline(0, color="grey", lw=1)
    trans = blended_transform_factory(fig.transFigure, ax.transData)
    header = y_study.max() + 1
    columns = (0.01, 0.27, 0.34, 0.41, 0.75)
    for x, text in zip(
        columns,
        ("study", arm_names[0], arm_names[1], "weight", f"estimate ({100 * level:g}% CI)"),
        strict=True,
    ):
        ax.text(x, header, text, transform=trans, fontsize=9, fontweight="bold", ha="left")
    for yi, *cells in text_rows:
        for x, t in zip(columns, cells, strict=True):
            ax.text(x, yi, t, transform=trans, fontsize=8.5, va="center", ha="left")
    ax.set_yticks([])
    ax.set_ylim(-1.6, header + 0.8)
    ax.set_xlabel(f"{xlabel}\n← {labels[0]}      {labels[1]} →")
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    ax.spines["left"].set_visible(False)
    fig.subplots_adjust(left=0.47, right=0.73)
    return fig


def funnel(effects: StudyEffects, pooled: MetaResult, title: str, xlabel: str, *, level: float):
    """Effect against standard error with the pseudo-confidence limits at ``level`` (a
    proportion) around the pooled estimate, named in the legend."""
    se = np.sqrt(effects.vi)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    top = se.max() * 1.1
    grid = np.linspace(0, top, 50)
    z = z_critical(level)
    for sign in (-1, 1):
        ax.plot(
            pooled.estimate + sign * z * grid,
            grid,
            "--",
            color="grey",
            lw=1,
            label=f"pseudo {100 * level:g}% confidence limits" if sign == 1 else None,
        )
    ax.axvline(pooled.estimate, color=POOLED, lw=1, label="pooled estimate")
    ax.scatter(effects.yi, se, color=ESTIMATE, zorder=3, label="trials")
    ax.set_ylim(top, 0)
    ax.set_ylabel("standard error")
    ax.set_xlabel(xlabel + (" (log scale)" if effects.measure in ("RR", "OR") else ""))
    ax.set_title(title, loc="left", fontsize=11)
    # under the axis: the lower corners are where small trials with large effects would be
    ax.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3)
    fig.tight_layout()
    return fig


def tsa_plot(results: dict, title: str, alpha: float = 0.05, max_z: float = 8.0):
    """One panel per trial sequential analysis in ``results`` (label -> TSAResult): the
    cumulative Z-curve (positive favours the treatment) against patients, the monitoring
    boundaries drawn as curves over a fine grid of information fractions, the non-binding
    futility wedge, the conventional thresholds and the (inflated) required information size."""
    from scipy import stats

    n = len(results)
    fig, axes = plt.subplots(1, n, figsize=(fig_width(6.2 * n), 5.4), squeeze=False)
    conv = stats.norm.ppf(1 - alpha / 2)
    for ax, (label, res) in zip(axes[0], results.items(), strict=True):
        curve = res.curve
        x = curve["patients"].to_numpy()
        shown = curve["efficacy"].to_numpy() < max_z
        for sign in (1, -1):
            ax.plot(
                x[shown],
                sign * curve["efficacy"].to_numpy()[shown],
                "-",
                color=BOUNDARY,
                lw=1.6,
                label="monitoring boundaries (O'Brien-Fleming)" if sign == 1 else None,
            )
        if "futility" in curve:
            fut = curve["futility"].to_numpy()
            keep = fut > 0
            for sign in (1, -1):
                ax.plot(
                    x[keep],
                    sign * fut[keep],
                    "--",
                    color=BOUNDARY,
                    lw=1.1,
                    alpha=0.8,
                    label="futility wedge (non-binding)" if sign == 1 else None,
                )
        for sign in (1, -1):
            ax.axhline(
                sign * conv,
                color="grey",
                ls=":",
                lw=1,
                label=f"conventional |Z| = {conv:.2f}" if sign == 1 else None,
            )
        looks = res.looks
        ax.plot(
            np.r_[0, looks["patients"]],
            np.r_[0, looks["z_benefit"].fillna(0)],
            "-o",
            color=ESTIMATE,
            label="cumulative Z (positive favours the treatment)",
        )
        # names above and below the curve in turn, so neighbouring looks' names do not collide
        points = zip(looks["patients"], looks["z_benefit"], looks["study"], strict=True)
        for i, (xp, z, name) in enumerate(points):
            if np.isfinite(z):
                ax.annotate(
                    str(name),
                    (xp, z),
                    xytext=(4, 6) if i % 2 == 0 else (4, -14),
                    textcoords="offset points",
                    fontsize=8,
                )
        info = res.information_size
        ax.axvline(info, color="black", lw=1)
        ax.annotate(
            f"required information size\n{info:,.0f} patients",
            (info, -max_z + 0.5),
            xytext=(-6, 0),
            textcoords="offset points",
            ha="right",
            fontsize=8,
        )
        ax.axhline(0, color="grey", lw=0.5)
        ax.set_ylim(-max_z, max_z)
        ax.set_xlim(0, max(info, float(looks["patients"].max())) * 1.05)
        ax.set_xlabel("cumulative number of patients")
        ax.set_ylabel("cumulative Z")
        ax.set_title(label, loc="left", fontsize=10)
    # one legend under the panels, clear of the curves and their labels
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0.09, 1, 1))
    return fig
