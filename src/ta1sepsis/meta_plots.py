"""Meta-analysis figures in the forms readers know: forest, funnel and TSA plots."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.transforms import blended_transform_factory

from .meta_effects import StudyEffects
from .meta_pooling import MetaResult
from .plots import CONTROL, PUBLISHED, TA1


def forest(
    effects: StudyEffects,
    pooled: list[MetaResult],
    title: str,
    xlabel: str,
    weights_from: MetaResult | None = None,
    labels: tuple[str, str] = ("favours Tα1", "favours control"),
):
    """Study rows (events/N per arm, weight, estimate and CI), boxes sized by weight, a
    diamond per pooled model, and the prediction interval as a bar under its diamond."""
    table = effects.table
    ratio = effects.measure in ("RR", "OR")
    k, m = len(table), len(pooled)
    back = np.exp if ratio else (lambda x: x)
    est, half = table["yi"].to_numpy(), 1.959964 * np.sqrt(table["vi"].to_numpy())
    w = (weights_from or pooled[-1]).weights
    w = w if w is not None and len(w) == k else np.full(k, 1 / k)
    fig, ax = plt.subplots(figsize=(12, 1.8 + 0.42 * (k + 1.6 * m)))
    y_study = np.arange(k)[::-1] + 1.6 * m + 0.8
    for yi, e, h, wi in zip(y_study, est, half, w, strict=True):
        ax.plot(back([e - h, e + h]), [yi, yi], color="black", lw=1)
        ax.plot(back(e), yi, "s", color=TA1, ms=4 + 14 * math.sqrt(wi))
    for j, res in enumerate(pooled):
        yj = 1.6 * (m - j) - 0.6
        xs = back(np.array([res.lower, res.estimate, res.upper, res.estimate]))
        ax.fill(
            xs, [yj, yj + 0.3, yj, yj - 0.3], color=CONTROL if j == 0 else PUBLISHED, alpha=0.85
        )
        if res.pi_lower is not None:
            ax.plot(
                back([res.pi_lower, res.pi_upper]),
                [yj - 0.55] * 2,
                color=PUBLISHED,
                lw=3,
                alpha=0.4,
            )
    rows = [
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
    for j, res in enumerate(pooled):
        s = res.summary()
        ci_name = {"wald": "", "hk": ", HK", "hk_adhoc": ", HK max(1,q)"}[res.ci_method]
        text = f"{s['estimate']:.2f} ({s['lower']:.2f}, {s['upper']:.2f})"
        label = f"{res.model}{ci_name}"
        if res.model.startswith("random"):
            label += f"; tau²={res.tau2:.3f}, I²={100 * res.i2:.0f}%"
        rows.append((1.6 * (m - j) - 0.6, label, "", "", "", text))
        if res.pi_lower is not None:
            rows.append(
                (
                    1.6 * (m - j) - 1.15,
                    "   prediction interval",
                    "",
                    "",
                    "",
                    f"({back(res.pi_lower):.2f}, {back(res.pi_upper):.2f})",
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
    # text columns in figure coordinates (x) and data coordinates (y)
    trans = blended_transform_factory(fig.transFigure, ax.transData)
    header = y_study.max() + 1
    columns = (0.01, 0.25, 0.32, 0.39, 0.75)
    for x, text in zip(
        columns, ("study", "Tα1", "control", "weight", "estimate (95% CI)"), strict=True
    ):
        ax.text(x, header, text, transform=trans, fontsize=9, fontweight="bold", ha="left")
    for yi, *cells in rows:
        for x, t in zip(columns, cells, strict=True):
            ax.text(x, yi, t, transform=trans, fontsize=8.5, va="center", ha="left")
    ax.set_yticks([])
    ax.set_ylim(-1.6, header + 0.8)
    ax.set_xlabel(f"{xlabel}\n← {labels[0]}      {labels[1]} →")
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    ax.spines["left"].set_visible(False)
    fig.subplots_adjust(left=0.46, right=0.73)
    return fig


def funnel(effects: StudyEffects, pooled: MetaResult, title: str, xlabel: str):
    """Effect against standard error with the pseudo 95% limits around the pooled estimate."""
    se = np.sqrt(effects.vi)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    top = se.max() * 1.1
    grid = np.linspace(0, top, 50)
    ax.plot(pooled.estimate - 1.96 * grid, grid, "--", color="grey", lw=1)
    ax.plot(pooled.estimate + 1.96 * grid, grid, "--", color="grey", lw=1)
    ax.axvline(pooled.estimate, color=CONTROL, lw=1)
    ax.scatter(effects.yi, se, color=TA1, zorder=3)
    ax.set_ylim(top, 0)
    ax.set_ylabel("standard error")
    ax.set_xlabel(xlabel + (" (log scale)" if effects.measure in ("RR", "OR") else ""))
    ax.set_title(title, loc="left", fontsize=11)
    fig.tight_layout()
    return fig


def tsa_plot(looks: pd.DataFrame, information_size: int, title: str, alpha: float = 0.05):
    """Cumulative Z-curve (positive favours Tα1) against patients, with the monitoring
    boundaries, the conventional thresholds and the required information size."""
    from scipy import stats

    from .group_sequential import efficacy_boundaries

    fig, ax = plt.subplots(figsize=(8, 4.8))
    n = looks["patients"].to_numpy(float)
    # boundaries as the TSA software draws them: at each look, then at the information size
    inside = n < information_size
    fractions = np.r_[n[inside] / information_size, 1.0]
    curve = efficacy_boundaries(fractions, alpha / 2)
    xs = fractions * information_size
    shown = curve < 8
    for sign in (1, -1):
        ax.plot(
            xs[shown],
            sign * curve[shown],
            "-",
            color=CONTROL,
            lw=1.5,
            label="monitoring boundaries (O'Brien-Fleming)" if sign == 1 else None,
        )
    conv = stats.norm.ppf(1 - alpha / 2)
    for sign in (1, -1):
        ax.axhline(
            sign * conv,
            color="grey",
            ls=":",
            lw=1,
            label=f"conventional |Z| = {conv:.2f}" if sign == 1 else None,
        )
    if "futility_boundary" in looks:
        fb = looks.dropna(subset=["futility_boundary"])
        ax.plot(
            fb["patients"],
            fb["futility_boundary"],
            "v--",
            color="grey",
            label="futility (beta spending)",
        )
    ax.plot(
        np.r_[0, n],
        np.r_[0, looks["z_benefit"]],
        "-o",
        color=TA1,
        label="cumulative Z (positive favours Tα1)",
    )
    for x, z, name in zip(n, looks["z_benefit"], looks["study"], strict=True):
        ax.annotate(str(name), (x, z), xytext=(4, 6), textcoords="offset points", fontsize=8)
    ax.axvline(information_size, color="black", lw=1)
    ax.annotate(
        f"required information size\n{information_size} patients",
        (information_size, -7.5),
        xytext=(-6, 0),
        textcoords="offset points",
        ha="right",
        fontsize=8,
    )
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_ylim(-8, 8)
    ax.set_xlim(0, max(information_size, n.max()) * 1.05)
    ax.set_xlabel("cumulative number of patients")
    ax.set_ylabel("cumulative Z")
    ax.legend(loc="upper right", fontsize=8, frameon=True)
    ax.set_title(title, loc="left", fontsize=11)
    fig.tight_layout()
    return fig
