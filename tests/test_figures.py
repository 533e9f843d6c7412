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
