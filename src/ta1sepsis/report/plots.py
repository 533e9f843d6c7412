"""Figures for the notebooks (matplotlib with seaborn styling).

Conventions: the treatment arm (Tα1) is always ``TA1`` blue and the control arm ``CONTROL`` red,
and those two colours are used for nothing else; estimates that are not one arm are drawn in
``ESTIMATE`` (near black), pooled estimates in ``POOLED`` (green), monitoring boundaries in
``BOUNDARY`` (orange) and categories in ``CATEGORY`` colours. Ratio scales are logarithmic with the
line of no effect drawn; published values are open markers, recomputed values filled, so the two
can be compared at a glance. Titles say what a figure shows in plain words.
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from ta1sepsis.report.outputs import configure_matplotlib  # noqa: E402

TA1 = "#1b6ca8"
CONTROL = "#d1495b"
PUBLISHED = "#333333"
ESTIMATE = "#222222"
POOLED = "#1a7f5a"
BOUNDARY = "#c46a00"
ASSUMPTION = "#8a8a8a"
CATEGORY = ("#1a7f5a", "#7a4fa3", "#c46a00", "#5f6b73", "#a3333d")

# The widest figure, in inches: the site shows figures in a column of
# outputs.DISPLAY_WIDTH_PX CSS pixels (11.67 in at 96 px per inch); a wider figure is scaled
# down, its 8 pt labels with it, below the 8 pt minimum the text audit enforces.
MAX_WIDTH_IN = 11.5


def fig_width(inches: float) -> float:
    """``inches``, capped at :data:`MAX_WIDTH_IN` so that the site shows text at its size."""
    return min(float(inches), MAX_WIDTH_IN)


def _xerr(estimate: float, lower: float, upper: float) -> list[list[float]]:
    """Error-bar lengths below and above an estimate, never negative: a bound computed a hair
    beyond its estimate (a Wilson interval at 0 or 1 events, rounding) draws as no bar."""
    return [[max(estimate - lower, 0.0)], [max(upper - estimate, 0.0)]]


def setup() -> None:
    """Apply the collection's style (call once per notebook)."""
    sns.set_theme(style="whitegrid", context="notebook")
    configure_matplotlib()


def _ratio_axis(ax, values):
    ax.set_xscale("log")
    ax.axvline(1, color="grey", lw=1)
    lo, hi = np.nanmin(values), np.nanmax(values)
    grid = (
        (0.25, 0.5, 0.6, 0.7, 0.8, 1, 1.25, 1.5, 2, 3, 4)
        if hi / lo < 3
        else (0.1, 0.25, 0.5, 1, 2, 4)
    )
    ticks = [t for t in grid if lo / 1.2 <= t <= hi * 1.2]
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{t:g}" for t in ticks])
    ax.minorticks_off()


def _legend_below(ax) -> None:
    """One legend entry per label, under the axis."""
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    ax.legend(
        unique.values(),
        unique.keys(),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.3),
        fontsize=8,
        frameon=False,
        ncol=2,
    )


def trial_overview(
    outcomes: list[dict],
    title: str,
    control_label: str = "control",
    treatment_label: str = "treatment",
):
    """Three panels per outcome row: risks with Wilson CIs per arm, RR, and RD.

    Each item of ``outcomes`` has ``label``, ``analysis`` (a BinaryAnalysis) and optionally
    ``published_rr`` (estimate, lower, upper) and ``published_rd`` (in percentage points, Tα1
    minus control).
    """
    n = len(outcomes)
    fig, axes = plt.subplots(
        1,
        3,
        figsize=(MAX_WIDTH_IN, 2.0 + 0.9 * n),
        sharey=True,
        gridspec_kw={"width_ratios": [1.2, 1, 1]},
    )
    y = np.arange(n)[::-1].astype(float)
    labels = [o["label"] for o in outcomes]
    ax = axes[0]
    for offset, arm, colour, name in (
        (0.15, "risk_trt", TA1, treatment_label),
        (-0.15, "risk_ctl", CONTROL, control_label),
    ):
        iv = [getattr(o["analysis"], arm) for o in outcomes]
        est = np.array([100 * i.estimate for i in iv])
        err = np.clip(
            np.array(
                [
                    [100 * (i.estimate - i.lower) for i in iv],
                    [100 * (i.upper - i.estimate) for i in iv],
                ]
            ),
            0.0,
            None,
        )
        ax.errorbar(est, y + offset, xerr=err, fmt="o", color=colour, capsize=3, label=name)
        for xi, yi, o in zip(est, y + offset, outcomes, strict=True):
            t = o["analysis"].table
            events, total = (
                (t.events_trt, t.n_trt) if arm == "risk_trt" else (t.events_ctl, t.n_ctl)
            )
            ax.annotate(
                f"{events}/{total}",
                (xi, yi),
                xytext=(0, 5),
                textcoords="offset points",
                ha="center",
                fontsize=8,
                color=colour,
            )
    # the level the arms' intervals were computed at (one level per figure)
    levels = {
        getattr(o["analysis"], arm).level for o in outcomes for arm in ("risk_trt", "risk_ctl")
    }
    if len(levels) != 1:
        raise ValueError(f"the outcomes' arm risks have different levels: {sorted(levels)}")
    ax.set_xlabel(f"risk, % ({100 * levels.pop():g}% Wilson CI)")
    ax.set_yticks(y)
    ax.set_yticklabels(labels)
    _legend_below(ax)
    ax.set_title("A. Risk per arm", loc="left", fontsize=10)

    ax = axes[1]
    values = []
    for yi, o in zip(y, outcomes, strict=True):
        rr = o["analysis"].rr
        ax.errorbar(
            rr.estimate,
            yi + 0.1,
            xerr=_xerr(rr.estimate, rr.lower, rr.upper),
            fmt="s",
            color=ESTIMATE,
            capsize=3,
            label="recomputed",
        )
        values += [rr.lower, rr.upper]
        if o.get("published_rr"):
            est, lo, hi = o["published_rr"]
            ax.errorbar(
                est,
                yi - 0.15,
                xerr=_xerr(est, lo, hi),
                fmt="o",
                mfc="white",
                color=PUBLISHED,
                capsize=3,
                label="published",
            )
            values += [lo, hi]
        ax.annotate(
            f"{rr.estimate:.2f} ({rr.lower:.2f}-{rr.upper:.2f})",
            (rr.estimate, yi + 0.1),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
    _ratio_axis(ax, values)
    ax.set_xlabel(f"risk ratio, {treatment_label} vs {control_label}\n(log scale)")
    _legend_below(ax)
    ax.set_title("B. Relative effect", loc="left", fontsize=10)

    ax = axes[2]
    for yi, o in zip(y, outcomes, strict=True):
        a = o["analysis"]
        for off, iv, name, mk in (
            (0.15, a.rd_wald, "Wald", "s"),
            (-0.05, a.rd_newcombe, "Newcombe", "D"),
        ):
            ax.errorbar(
                100 * iv.estimate,
                yi + off,
                xerr=_xerr(100 * iv.estimate, 100 * iv.lower, 100 * iv.upper),
                fmt=mk,
                color=ESTIMATE,
                alpha=1 if name == "Wald" else 0.6,
                capsize=3,
                label=f"recomputed, {name} CI",
            )
        if o.get("published_rd"):
            est, lo, hi = o["published_rd"]
            ax.errorbar(
                est,
                yi - 0.25,
                xerr=_xerr(est, lo, hi),
                fmt="o",
                mfc="white",
                color=PUBLISHED,
                capsize=3,
                label="published",
            )
    ax.axvline(0, color="grey", lw=1)
    ax.set_xlabel(
        f"risk difference, percentage points\n({treatment_label} minus {control_label}; < 0 favours {treatment_label})"
    )
    _legend_below(ax)
    ax.set_title("C. Absolute effect", loc="left", fontsize=10)
    fig.suptitle(title, x=0.01, ha="left", fontsize=12)
    fig.tight_layout()
    return fig


def estimate_comparison(rows: pd.DataFrame, title: str, xlabel: str, ratio: bool = True):
    """Forest-style comparison of several estimates of one quantity.

    ``rows`` has columns ``label``, ``estimate``, ``lower``, ``upper`` and ``kind``
    ('published' is drawn open, anything else filled).
    """
    fig, ax = plt.subplots(figsize=(10, 0.9 + 0.5 * len(rows)))
    y = np.arange(len(rows))[::-1]
    for yi, row in zip(y, rows.itertuples(), strict=True):
        published = row.kind == "published"
        ax.errorbar(
            row.estimate,
            yi,
            xerr=_xerr(row.estimate, row.lower, row.upper),
            fmt="o",
            mfc="white" if published else ESTIMATE,
            color=PUBLISHED if published else ESTIMATE,
            capsize=3,
            ms=7,
        )
        ax.annotate(
            f"{row.estimate:.3f} ({row.lower:.3f} to {row.upper:.3f})",
            (row.upper, yi),
            xytext=(6, -3),
            textcoords="offset points",
            fontsize=8,
        )
    ax.set_yticks(y)
    ax.set_yticklabels(rows["label"])
    if ratio:
        _ratio_axis(ax, np.r_[rows["lower"], rows["upper"]])
        ax.set_xlim(right=ax.get_xlim()[1] * 1.35)
    else:
        ax.axvline(0, color="grey", lw=1)
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left", fontsize=11)
    fig.tight_layout()
    return fig


def prior_likelihood_posterior(
    priors: dict,
    likelihood,
    title: str,
    likelihood_label: str = "likelihood",
    *,
    ratio_label: str = "hazard ratio",
    ratios=(0.4, 2.0),
):
    """One small panel per prior: prior, likelihood and posterior densities on a log ratio axis.

    ``priors`` maps a name to a :class:`ta1sepsis.stats.bayes.Normal` or ``Mixture``; ``likelihood``
    has ``log_estimate`` and ``se``.
    """
    from ta1sepsis.stats.bayes import Normal, density_curve, posterior

    n = len(priors)
    cols = 3 if n > 4 else 2 if n > 1 else 1
    rows = -(-n // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(fig_width(4.2 * cols), 3.0 * rows), sharex=True, squeeze=False
    )
    grid = np.exp(np.linspace(np.log(ratios[0]), np.log(ratios[1]), 400))
    lik = Normal(likelihood.log_estimate, likelihood.se)
    for ax, (name, prior) in zip(axes.ravel(), priors.items(), strict=False):
        post = posterior(prior, likelihood.log_estimate, likelihood.se)
        ax.fill_between(
            grid, density_curve(prior, grid), color=ASSUMPTION, alpha=0.35, label="prior"
        )
        ax.plot(grid, density_curve(lik, grid), color=PUBLISHED, ls="--", label=likelihood_label)
        ax.plot(grid, density_curve(post, grid), color=POOLED, lw=2, label="posterior")
        ax.axvline(1, color="grey", lw=1)
        ax.set_xscale("log")
        ticks = [t for t in (0.5, 0.7, 1, 1.4, 2) if ratios[0] <= t <= ratios[1]]
        ax.set_xticks(ticks)
        ax.set_xticklabels([f"{t:g}" for t in ticks])
        ax.minorticks_off()
        ax.set_yticks([])
        ax.set_title(f"{name}\nP(ratio < 1) = {post.prob_below(1.0):.2f}", fontsize=9, loc="left")
    for ax in axes.ravel()[n:]:
        ax.axis("off")
    axes[0, 0].legend(fontsize=8, loc="upper left", frameon=False)
    for ax in axes[-1]:
        ax.set_xlabel(f"{ratio_label} (log scale)")
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    fig.tight_layout()
    return fig


REFERENCE = re.compile(r"\[\d+\]")


def pathway(steps: pd.DataFrame, title: str):
    """The mechanism as a directed graph laid out by networkx in layers (left to right).

    ``steps`` is ``data/mechanism_steps.csv``: one edge per row, with the layer of each end
    (each step goes from one layer to the next, so edges never pass behind a node).
    """
    import networkx as nx

    graph = nx.DiGraph()
    for row in steps.itertuples():
        graph.add_node(row.from_node, layer=int(row.from_layer))
        graph.add_node(row.to_node, layer=int(row.to_layer))
        graph.add_edge(row.from_node, row.to_node, relation=row.relation, ref=row.review_reference)
    pos = nx.multipartite_layout(graph, subset_key="layer", align="vertical", scale=1.0)
    # order the nodes within each layer by the mean height of their predecessors (the barycentre
    # step of Sugiyama-style layered drawing), which removes most edge crossings
    layers: dict[int, list] = {}
    for node, data in graph.nodes(data=True):
        layers.setdefault(data["layer"], []).append(node)
    for layer in sorted(layers)[1:]:
        nodes = layers[layer]
        slots = sorted(pos[n][1] for n in nodes)

        def centre(n):
            preds = list(graph.predecessors(n))
            return float(np.mean([pos[p][1] for p in preds])) if preds else pos[n][1]

        for n, y in zip(sorted(nodes, key=centre), slots, strict=True):
            pos[n] = np.array([pos[n][0], y])
    fig, ax = plt.subplots(figsize=(MAX_WIDTH_IN, 6.5))
    nx.draw_networkx_edges(
        graph, pos, ax=ax, arrowstyle="-|>", arrowsize=14, edge_color="grey", node_size=3800
    )
    nx.draw_networkx_nodes(
        graph, pos, ax=ax, node_size=3800, node_color="#e8f1f8", edgecolors=ESTIMATE
    )
    labels = {n: "\n".join(_wrap(n, 12)) for n in graph.nodes}
    nx.draw_networkx_labels(graph, pos, labels=labels, ax=ax, font_size=8)
    edge_labels = {
        (a, b): d["relation"] + "\n" + ", ".join(REFERENCE.findall(d["ref"]))
        for a, b, d in graph.edges(data=True)
    }
    nx.draw_networkx_edge_labels(
        graph,
        pos,
        edge_labels=edge_labels,
        ax=ax,
        font_size=8,
        font_color=BOUNDARY,
        rotate=False,
        bbox={"alpha": 0},
    )
    ax.set_title(title, loc="left", fontsize=11)
    ax.axis("off")
    fig.tight_layout()
    return fig


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [text]


def panel_forest(rows: pd.DataFrame, title: str, note: str = ""):
    """Estimates grouped into panels, each on its own natural scale.

    ``rows`` has columns ``panel`` (panel title, with its unit), ``scale`` ('ratio' draws a log
    axis with 1 marked, 'difference' a linear axis with 0 marked), ``label``, ``estimate``,
    ``lower``, ``upper``, ``n`` (text shown beside the row) and ``kind`` ('published' drawn open,
    'derived' or 'recomputed' filled). Panels keep the order of first appearance.
    """
    panels = list(dict.fromkeys(rows["panel"]))
    heights = [max(1.0, 0.42 * (rows["panel"] == p).sum() + 0.6) for p in panels]
    fig, axes = plt.subplots(
        len(panels),
        1,
        figsize=(11, sum(heights) + 0.8),
        gridspec_kw={"height_ratios": heights},
        squeeze=False,
    )
    for ax, panel in zip(axes[:, 0], panels, strict=True):
        part = rows[rows["panel"] == panel].reset_index(drop=True)
        y = np.arange(len(part))[::-1]
        for yi, r in zip(y, part.itertuples(), strict=True):
            filled = r.kind != "published"
            ax.errorbar(
                r.estimate,
                yi,
                xerr=_xerr(r.estimate, r.lower, r.upper),
                fmt="o",
                mfc=ESTIMATE if filled else "white",
                color=ESTIMATE if filled else PUBLISHED,
                capsize=3,
                ms=6,
            )
            ax.annotate(
                f"{r.estimate:.3g} ({r.lower:.3g} to {r.upper:.3g}); {r.n}",
                (r.upper, yi),
                xytext=(6, -3),
                textcoords="offset points",
                fontsize=8,
            )
        ax.set_yticks(y)
        ax.set_yticklabels(part["label"], fontsize=8.5)
        ax.set_ylim(-0.7, len(part) - 0.3)
        if part["scale"].iloc[0] == "ratio":
            _ratio_axis(ax, np.r_[part["lower"], part["upper"]])
        else:
            ax.axvline(0, color="grey", lw=1)
        lo, hi = ax.get_xlim()
        ax.set_xlim(lo, hi + (hi - lo) * 0.55 if part["scale"].iloc[0] != "ratio" else hi * 2.2)
        ax.set_title(panel, loc="left", fontsize=9.5)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    if note:
        fig.text(0.01, 0.005, note, fontsize=8, ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.03 if note else 0, 1, 0.975))
    return fig


def evidence_overview(rows: pd.DataFrame, title: str, baseline_text: str, *, treatment: str):
    """The mortality evidence on one page: each row's ratio with its CI on a log axis, and beside
    it the absolute difference per 1000 patients at the assumed baseline risk.

    ``rows`` has ``group`` (shown as a heading), ``label``, ``measure``, ``estimate``, ``lower``,
    ``upper``, ``per1000`` (text), ``kind`` ('published' open markers, else filled) and
    ``weight`` (marker size, 0 to 1). ``treatment`` names the treatment on the axis.
    """
    groups = list(dict.fromkeys(rows["group"]))
    lines = []
    for g in groups:
        lines.append(("heading", g, None))
        lines += [("row", r.label, r) for r in rows[rows["group"] == g].itertuples()]
    fig, ax = plt.subplots(figsize=(MAX_WIDTH_IN, 0.9 + 0.36 * len(lines)))
    y = np.arange(len(lines))[::-1]
    values = []
    for yi, (kind, text, r) in zip(y, lines, strict=True):
        if kind == "heading":
            ax.text(
                0.005,
                yi,
                text,
                transform=blended_transform(ax),
                fontsize=9.5,
                fontweight="bold",
                va="center",
            )
            continue
        filled = r.kind != "published"
        ax.errorbar(
            r.estimate,
            yi,
            xerr=_xerr(r.estimate, r.lower, r.upper),
            fmt="o" if r.kind != "pooled" else "D",
            mfc=(POOLED if r.kind == "pooled" else ESTIMATE) if filled else "white",
            color=(POOLED if r.kind == "pooled" else ESTIMATE) if filled else PUBLISHED,
            capsize=3,
            ms=5 + 6 * float(r.weight),
        )
        ax.text(0.005, yi, "   " + text, transform=blended_transform(ax), fontsize=8.5, va="center")
        ax.text(
            1.01,
            yi,
            f"{r.measure} {r.estimate:.2f} ({r.lower:.2f} to {r.upper:.2f})   {r.per1000}",
            transform=blended_transform(ax, right=True),
            fontsize=8.5,
            va="center",
        )
        values += [r.lower, r.upper]
    _ratio_axis(ax, values)
    ax.set_yticks([])
    ax.set_ylim(-0.8, len(lines) - 0.2)
    ax.set_xlabel(
        f"ratio, {treatment} vs control (log scale; < 1 = fewer deaths with {treatment})"
        f"\n{baseline_text}"
    )
    ax.spines["left"].set_visible(False)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    fig.subplots_adjust(
        left=0.40,
        right=0.62,
        top=1 - 0.55 / (0.9 + 0.36 * len(lines)),
        bottom=0.9 / (0.9 + 0.36 * len(lines)),
    )
    return fig


def blended_transform(ax, right: bool = False):
    """x in figure coordinates (a text column at the left, or right of the axes), y in data."""
    from matplotlib.transforms import blended_transform_factory

    return blended_transform_factory(ax.transAxes if right else ax.figure.transFigure, ax.transData)


# RoB 2 judgements as robvis draws them (McGuinness & Higgins, Res Synth Methods 2021;12:55,
# doi:10.1002/jrsm.1411): colour and a symbol, so that colour is never the only carrier
ROB_STYLE = {
    "low": ("#02c100", "+"),
    "some concerns": ("#e2df07", "!"),
    "high": ("#bf0000", "−"),
    "no information": ("#4ec4e8", "?"),
}
ROB_DOMAINS = {
    "D1": "randomisation process",
    "D2": "deviations from intended interventions",
    "D3": "missing outcome data",
    "D4": "measurement of the outcome",
    "D5": "selection of the reported result",
}


LABEL_CHARS = 60  # longest row label a figure shows in full (a user's study label can be longer)


def fit_label(text: str, width: int = LABEL_CHARS) -> str:
    """``text`` cut to ``width`` characters with an ellipsis, so that one long label (a study
    name is whatever the data file says) cannot squeeze a figure's panels to nothing; the
    tables next to the figure keep the full label.

    Parameters
    ----------
    text : str
        The label.
    width : int
        Most characters shown, the ellipsis included.

    Returns
    -------
    str

    Examples
    --------
    >>> fit_label("ETASS (Wu 2013)")
    'ETASS (Wu 2013)'
    >>> fit_label("a" * 70, width=10)
    'aaaaaaaaa…'
    """
    text = str(text)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def rob_traffic_light(table: pd.DataFrame, title: str, labels: pd.Series | None = None):
    """RoB 2 traffic-light plot: one row per assessment, one column per domain and overall.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per assessment with columns ``D1`` to ``D5`` and ``overall`` holding RoB 2
        judgements (low, some concerns, high, no information), as
        :func:`ta1sepsis.evidence.rob.assessments` returns.
    title : str
    labels : pandas.Series, optional
        Row labels (trial and outcome), aligned with ``table``; its index by default. Labels
        longer than :data:`LABEL_CHARS` are cut (:func:`fit_label`).
    """
    columns = [*ROB_DOMAINS, "overall"]
    unknown = sorted(set(table[columns].to_numpy().ravel()) - set(ROB_STYLE))
    if unknown:
        raise ValueError(f"unknown RoB 2 judgement(s) {unknown}; expected {sorted(ROB_STYLE)}")
    names = [fit_label(x) for x in (labels if labels is not None else table.index.astype(str))]
    n = len(table)
    # the domain labels are on top: the title is placed above them (titley None: searched)
    with plt.rc_context({"axes.titley": None}):
        fig, ax = plt.subplots(figsize=(fig_width(7.5), 1.9 + 0.5 * n))
        _rob_chart(fig, ax, table, names, columns, title)
    return fig


def _rob_chart(fig, ax, table, names: list[str], columns: list[str], title: str) -> None:
    n = len(table)
    for i, (_, row) in enumerate(table.iterrows()):
        y = n - 1 - i
        for j, col in enumerate(columns):
            colour, symbol = ROB_STYLE[row[col]]
            ax.scatter(j, y, s=520, color=colour, edgecolor="#333333", lw=0.6, zorder=3)
            ax.text(j, y, symbol, ha="center", va="center", fontsize=12, fontweight="bold")
    ax.set_xticks(range(len(columns)))
    ax.set_xticklabels([*ROB_DOMAINS, "Overall"])
    ax.xaxis.tick_top()
    ax.set_yticks(range(n))
    ax.set_yticklabels(names[::-1])
    ax.set_xlim(-0.6, len(columns) - 0.4)
    ax.set_ylim(-0.6, n - 0.4)
    ax.grid(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    key = "; ".join(f"{d}: {words}" for d, words in ROB_DOMAINS.items())
    judgements = "   ".join(f"{symbol} {name}" for name, (_, symbol) in ROB_STYLE.items())
    fig.text(0.01, 0.01, f"{key}.\nJudgement: {judgements}", fontsize=8, ha="left", va="bottom")
    ax.set_title(title, loc="left", fontsize=11, pad=28)
    fig.tight_layout(rect=(0, 0.1 + 0.1 / max(n, 1), 1, 1))


def trust_curves(
    curves: dict,
    points: pd.DataFrame,
    title: str,
    *,
    benefit_ratio: float,
    benefit_words: str,
    harm_words: str,
    level: float,
):
    """The answer as a function of how much the small trials are trusted.

    Parameters
    ----------
    curves : dict of str to pandas.DataFrame
        Name -> rows over the power prior weight (``weight``, ``median``, ``lower``,
        ``upper``, ``p_benefit``, ``p_reduction``, ``p_harm``).
    points : pandas.DataFrame
        Single answers drawn at the right of panel A (``scenario``, ``median``, ``lower``,
        ``upper``), e.g. each published bias prior at full weight.
    title : str
    benefit_ratio : float
        The odds ratio at the decision threshold for benefit (drawn as a line).
    benefit_words, harm_words : str
        The thresholds in words ("at least 10 fewer deaths per 1000").
    level : float
        Level of the credible intervals (for the labels).
    """
    fig, (a, b) = plt.subplots(1, 2, figsize=(MAX_WIDTH_IN, 7.0))
    styles = ("-", "--", ":")
    for (name, c), colour, ls in zip(curves.items(), CATEGORY, styles, strict=False):
        a.fill_between(c["weight"], c["lower"], c["upper"], color=colour, alpha=0.12, lw=0)
        a.plot(c["weight"], c["median"], ls=ls, color=colour, label=f"{name}: median")
        for col, words in (("p_reduction", f"P({benefit_words})"), ("p_harm", f"P({harm_words})")):
            b.plot(
                c["weight"],
                c[col],
                ls=ls,
                color=colour,
                marker="o" if col == "p_reduction" else "v",
                markevery=5,
                label=f"{words}, {name}",
            )
    offsets = np.linspace(1.04, 1.04 + 0.035 * (len(points) - 1), len(points))
    markers = ("D", "s", "^", "P", "X", "*")
    for i, (x, r) in enumerate(zip(offsets, points.to_dict("records"), strict=True)):
        a.errorbar(
            x,
            r["median"],
            yerr=_xerr(r["median"], r["lower"], r["upper"]),
            fmt=markers[i % len(markers)],
            ms=5,
            color=CATEGORY[(i + 2) % len(CATEGORY)],
            capsize=2,
            label=f"at full weight, bias prior {r['bias prior']}",
        )
    a.axhline(1, color="grey", lw=1)
    a.axhline(benefit_ratio, color="grey", ls=":", lw=1, label=f"odds ratio at {benefit_words}")
    a.set_xticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    a.set_yscale("log")
    low = min(min(c["lower"].min() for c in curves.values()), points["lower"].min(), 1.0)
    high = max(max(c["upper"].max() for c in curves.values()), points["upper"].max(), 1.0)
    grid = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25, 1.5, 2.0, 3.0)
    ticks = [t for t in grid if low / 1.15 <= t <= high * 1.15]
    a.set_yticks(ticks)
    a.set_yticklabels([f"{t:g}" for t in ticks])
    a.minorticks_off()
    a.set_xlabel("weight given to the small trials (power prior)")
    a.set_ylabel(f"odds ratio (median, {level:.0%} CrI)")
    a.set_title("A. Pooled odds ratio", loc="left", fontsize=10)
    b.set_ylim(0, 1.02)
    b.set_xlabel("weight given to the small trials (power prior)")
    b.set_ylabel("posterior probability")
    b.set_title("B. Probabilities a panel decides on", loc="left", fontsize=10)
    # each panel's legend under it
    for ax, left in ((a, 0.0), (b, 0.52)):
        handles, labels = ax.get_legend_handles_labels()
        fig.legend(
            handles, labels, loc="lower left", bbox_to_anchor=(left, 0.0), fontsize=8, frameon=False
        )
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    # the legends take the lower third, under both panels
    fig.subplots_adjust(left=0.08, right=0.98, top=0.88, bottom=0.4, wspace=0.3)
    return fig


def design_comparison(frame: pd.DataFrame, title: str, designs: tuple[str, ...]):
    """Designs compared by scenario: probability of a positive trial, of the right claim and
    the expected number of patients (horizontal bars, one colour and hatch per design).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per design and scenario with ``design``, ``scenario``, ``reject_any``,
        ``power_mcse``, ``right_population`` (NaN where no claim is right by definition) and
        ``expected_n``.
    title : str
    designs : tuple of str
        The designs in the order to draw.
    """
    names = list(dict.fromkeys(frame["scenario"]))
    fig, axes = plt.subplots(
        1,
        3,
        figsize=(MAX_WIDTH_IN, 1.6 + 0.62 * len(names) * len(designs) / 3 + 1.0),
        sharey=True,
    )
    height = 0.8 / len(designs)
    y = np.arange(len(names))[::-1]
    hatches = ("", "//", "..")
    panels = (
        ("reject_any", "A. Positive trial (power)", "probability"),
        ("right_population", "B. The right claim", "probability"),
        ("expected_n", "C. Expected patients", "patients"),
    )
    for ax, (column, heading, unit) in zip(axes, panels, strict=True):
        for k, design in enumerate(designs):
            part = frame[frame.design == design].set_index("scenario").reindex(names)
            offset = (len(designs) - 1) / 2 - k
            values = part[column].to_numpy(float)
            ax.barh(
                y + offset * height,
                np.nan_to_num(values),
                height=height * 0.92,
                color=CATEGORY[k % len(CATEGORY)],
                hatch=hatches[k % len(hatches)],
                edgecolor="white",
                label=design,
            )
            for yi, v in zip(y + offset * height, values, strict=True):
                if np.isfinite(v):
                    text = f"{v:,.0f}" if column == "expected_n" else f"{v:.2f}"
                    ax.text(v, yi, f" {text}", va="center", fontsize=8)
        ax.set_title(heading, loc="left", fontsize=10)
        ax.set_xlabel(unit)
        if column != "expected_n":
            ax.set_xlim(0, 1.25)
            ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
        else:
            ax.set_xlim(0, frame["expected_n"].max() * 1.3)
        ax.grid(axis="y", visible=False)
    axes[0].set_yticks(y)
    axes[0].set_yticklabels(["\n".join(_wrap(n, 26)) for n in names], fontsize=8.5)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(designs), fontsize=8, frameon=False)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig
