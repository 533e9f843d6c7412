"""The figure words and the text audit that every saved figure carries (report.outputs)."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402

from ta1sepsis.report import outputs  # noqa: E402


def test_describe_figure_reads_titles_and_axes():
    fig, (a, b) = plt.subplots(1, 2)
    fig.suptitle("Two panels")
    a.set_title("left")
    b.set_title("right")
    a.set_xlabel("odds ratio")
    b.set_xlabel("odds ratio")  # said once
    a.set_ylabel("trial")
    title, description = outputs.describe_figure(fig)
    plt.close(fig)
    assert title == "Two panels"
    assert description == "Panels: left; right; horizontal axis: odds ratio; vertical axis: trial."
    fig, ax = plt.subplots()
    ax.set_title("only one")
    assert outputs.describe_figure(fig) == ("only one", "")
    plt.close(fig)


def test_text_audit_finds_overlaps_and_small_text():
    # 4 inches wide = 384 CSS px: shown at its own size, so a 6 pt label is 6 pt
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.text(0.5, 0.5, "first label", fontsize=10)
    ax.text(0.5, 0.5, "second label", fontsize=10)  # drawn on top of the first
    ax.text(0.1, 0.9, "far away", fontsize=6)
    fig.canvas.draw()
    audit = outputs.text_audit(fig)
    plt.close(fig)
    assert ("first label", "second label") in audit["overlaps"]
    assert not any("far away" in pair for pair in audit["overlaps"])
    assert audit["small"] == ["far away"] and audit["min_font_pt"] == 6


def test_wide_figures_are_judged_at_their_displayed_size():
    # twice the content width: 10 pt text is shown at 5 pt
    width = 2 * outputs.DISPLAY_WIDTH_PX / outputs.CSS_PX_PER_INCH
    fig, ax = plt.subplots(figsize=(width, 3))
    ax.text(0.5, 0.5, "ten points", fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    fig.canvas.draw()
    audit = outputs.text_audit(fig)
    plt.close(fig)
    assert audit["small"] == ["ten points"] and abs(audit["min_font_pt"] - 5) < 1e-9


def test_saved_figure_carries_caption_description_and_audit(tmp_path, monkeypatch):
    monkeypatch.setenv(outputs.OUTPUT_ENV, str(tmp_path))
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_xlabel("risk ratio")
    ax.text(0.5, 0.5, "a", fontsize=10)
    ax.text(0.5, 0.5, "b", fontsize=10)
    path = outputs.save_figure(fig, "probe_figure")
    plt.close(fig)
    with Image.open(path) as image:
        text = dict(image.text)
    # no title and no caption: the file's title is the figure's name
    assert text["Title"] == "probe_figure"
    assert text["Description"] == "Horizontal axis: risk ratio."
    assert json.loads(text["ta1:overlaps"]) == [["a", "b"]]
    assert json.loads(text["ta1:small-text"]) == []


def test_ticks_outside_the_view_are_not_judged():
    # the axis keeps a label for the tick at 6 that the limits hide; it is not drawn
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_xticks([0, 2, 4, 6])
    ax.set_xlim(0, 5)
    fig.canvas.draw()
    hidden = next(t for t in ax.xaxis.majorTicks if t.label1.get_text() == "6").label1
    box = hidden.get_window_extent(fig.canvas.get_renderer())
    # a label drawn exactly where the hidden tick's label would be
    x, y = fig.transFigure.inverted().transform(box.p0)
    fig.text(x, y, "where the 6 would be", fontsize=10)
    fig.canvas.draw()
    audit = outputs.text_audit(fig)
    plt.close(fig)
    assert audit["overlaps"] == []
    # and a drawn tick label is judged: the same label at the tick 4 overlaps it
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_xticks([0, 2, 4, 6])
    ax.set_xlim(0, 5)
    fig.canvas.draw()
    shown = next(t for t in ax.xaxis.majorTicks if t.label1.get_text() == "4").label1
    x, y = fig.transFigure.inverted().transform(shown.get_window_extent().p0)
    fig.text(x, y, "on the 4", fontsize=10)
    fig.canvas.draw()
    audit = outputs.text_audit(fig)
    plt.close(fig)
    assert ("4", "on the 4") in audit["overlaps"]


def test_every_rendered_figure_passes_the_text_audit():
    """The committed figures (written by make all): no two labels overlap and no text is
    shown smaller than outputs.MIN_FONT_PT at the site's column width."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "figures"
    pngs = sorted(root.rglob("*.png"))
    assert len(pngs) >= 20
    failures = {}
    for path in pngs:
        with Image.open(path) as image:
            text = dict(image.text)
        overlaps = json.loads(text["ta1:overlaps"])
        small = json.loads(text["ta1:small-text"])
        if overlaps or small:
            failures[path.name] = {"overlaps": overlaps, "small": small}
    assert failures == {}


def _etass_tests():
    """ETASS and TESTS 28-day deaths (data/trials.csv), in the columns the meta functions read."""
    import pandas as pd

    return pd.DataFrame(
        {"study": ["ETASS", "TESTS"], "ai": [47, 127], "n1i": [181, 542], "ci": [63, 132]}
    ).assign(n2i=[180, 547])


def test_the_forest_plot_names_and_draws_the_level_it_is_given():
    """At a 90% level the studies' intervals are exp(yi +/- z_0.95 se) and the estimate column
    is headed "90% CI", not 95% (by hand: ETASS OR 47/181 vs 63/180)."""
    import math

    from ta1sepsis.report.meta_plots import forest
    from ta1sepsis.stats.meta_effects import study_effects
    from ta1sepsis.stats.meta_pooling import mantel_haenszel

    trials = _etass_tests()
    effects = study_effects(trials, "OR")
    fig = forest(effects, [mantel_haenszel(trials, "OR", 0.90)], "t", "OR", level=0.90)
    texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    plt.close(fig)
    assert "estimate (90% CI)" in texts and not any("95%" in t for t in texts)
    y = math.log(47 * (180 - 63) / ((181 - 47) * 63))
    se = math.sqrt(1 / 47 + 1 / (181 - 47) + 1 / 63 + 1 / (180 - 63))
    z = 1.6448536269514722  # the 0.95 normal quantile
    row = f"{math.exp(y):.2f} ({math.exp(y - z * se):.2f}, {math.exp(y + z * se):.2f})"
    assert row in texts, (row, texts)


def test_the_trial_overview_names_the_level_of_its_wilson_intervals():
    """The arms' risk panel is labelled with the level the intervals were computed at."""
    from ta1sepsis.evidence.trial_checks import analyse_binary
    from ta1sepsis.report.plots import trial_overview
    from ta1sepsis.stats.binary import TwoByTwo

    labels = {}
    for level in (0.9, 0.95):
        a = analyse_binary(TwoByTwo(47, 181, 63, 180), level=level)
        fig = trial_overview([{"label": "28-day mortality", "analysis": a}], "ETASS")
        labels[level] = fig.axes[0].get_xlabel()
        plt.close(fig)
    assert labels == {0.9: "risk, % (90% Wilson CI)", 0.95: "risk, % (95% Wilson CI)"}


def test_the_funnel_plot_draws_and_names_its_pseudo_confidence_level():
    """The limits are pooled +/- z se at the level given (z_0.95 = 1.6449 for 90%), named so."""
    import numpy as np

    from ta1sepsis.report.meta_plots import funnel
    from ta1sepsis.stats.meta_effects import study_effects
    from ta1sepsis.stats.meta_pooling import mantel_haenszel

    trials = _etass_tests()
    pooled = mantel_haenszel(trials, "OR", 0.90)
    fig = funnel(study_effects(trials, "OR"), pooled, "t", "OR", level=0.90)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()][0] == (
        "pseudo 90% confidence limits"
    )
    upper = ax.get_lines()[1]  # pooled + z se
    x, se = upper.get_xdata(), upper.get_ydata()
    np.testing.assert_allclose(x, pooled.estimate + 1.6448536269514722 * se, rtol=1e-12)
    plt.close(fig)
