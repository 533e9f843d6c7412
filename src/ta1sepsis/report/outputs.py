"""Where notebooks write figures, tables and results, and how (deterministically).

A notebook never writes into ``figures/``, ``tables/`` or ``results/`` directly. The renderer
(:mod:`ta1sepsis.pipeline.render`) sets ``TA1_OUTPUT_DIR`` to a staging folder and moves the staged files
into place only after the whole notebook has run, so a failed run cannot clobber good outputs.
Without the variable (a notebook opened interactively) outputs go to the project folders.

Output names start with the notebook's name (``02_etass_overview``); an instance of a template
(see :mod:`ta1sepsis.pipeline.render`) writes into a sub-folder, ``trials/<id>_forest``, and reads its
prefix with :func:`output_prefix`.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from ta1sepsis.paths import project_root

OUTPUT_ENV = "TA1_OUTPUT_DIR"
PREFIX_ENV = "TA1_OUTPUT_PREFIX"
OUTPUT_KINDS = ("figures", "tables", "results")
# Fonts for study labels in Chinese, Japanese or Korean, tried after DejaVu Sans (matplotlib's
# own font, which has no CJK glyphs). The first ships with the pinned environment (PyPI package
# cvttf-NotoSansCJK-Regular: Noto Sans CJK TC, SIL Open Font License), so figures are the same
# on every machine; the others are common system fonts, used when the package is absent.
CJK_FONT_PACKAGE = "cvttf_NotoSansCJK_Regular"
SYSTEM_CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
)


def output_dir(kind: str) -> Path:
    """Folder for one kind of output ('figures', 'tables' or 'results'), created if needed."""
    if kind not in OUTPUT_KINDS:
        raise ValueError(f"unknown output kind {kind!r}; expected one of {OUTPUT_KINDS}")
    base = Path(os.environ[OUTPUT_ENV]) if os.environ.get(OUTPUT_ENV) else project_root()
    folder = base / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def output_prefix(default: str) -> str:
    """The name prefix of this rendering's outputs: ``default`` unless the renderer sets one.

    A template rendered as an instance gets ``trials/<id>`` (its outputs go to
    ``figures/trials/<id>_*.png``, ``tables/trials/<id>_*.csv``, ``results/trials/<id>.json``)."""
    return os.environ.get(PREFIX_ENV) or default


def cjk_font() -> str | None:
    """Name of a font with Chinese, Japanese and Korean glyphs, registered with matplotlib.

    The packaged Noto Sans CJK first, then the system fonts in :data:`SYSTEM_CJK_FONTS`;
    ``None`` if there is none (matplotlib then warns "Glyph ... missing" when drawing such a
    label, and draws a box: a warning, not a failure)."""
    from matplotlib import font_manager

    spec = importlib.util.find_spec(CJK_FONT_PACKAGE)  # finds the package without importing it
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for path in sorted(Path(folder).glob("*.[ot]t[fc]")):
            font_manager.fontManager.addfont(str(path))
            return font_manager.FontProperties(fname=str(path)).get_name()
    available = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in SYSTEM_CJK_FONTS if name in available), None)


class _SingleWeightFilter:
    """Drops matplotlib's "Failed to find font weight ... for <font>" for the fallback font."""

    def __init__(self, family: str):
        self.family = family

    def filter(self, record) -> bool:
        message = record.getMessage()
        return not (
            message.startswith("findfont: Failed to find font weight") and self.family in message
        )

    def __eq__(self, other):  # one filter per family, however often configure is called
        return isinstance(other, _SingleWeightFilter) and other.family == self.family

    def __hash__(self):
        return hash(self.family)


def configure_matplotlib() -> None:
    """Settings that make figures byte-identical across runs and readable in print.

    Text is drawn in DejaVu Sans (shipped with matplotlib, so the same everywhere); characters
    it lacks (Chinese study labels, say) fall back to :func:`cjk_font`."""
    import logging

    import matplotlib

    fallback = cjk_font()
    if fallback:
        # the CJK font has one weight: bold text draws its CJK glyphs in regular weight, which
        # matplotlib would log (into every notebook with bold text) each time
        logging.getLogger("matplotlib.font_manager").addFilter(_SingleWeightFilter(fallback))
    matplotlib.rcParams.update(
        {
            "svg.hashsalt": "ta1sepsis",
            # labels come from data files: a '$' in one is text, never mathtext (which would
            # fail to parse or hide characters); the collection's own labels use Unicode
            "text.parse_math": False,
            # figures are laid out at the resolution they are saved at: the layout made for
            # the text audit is the one saved, and savefig need not lay the figure out again
            "figure.dpi": FIGURE_DPI,
            "savefig.dpi": "figure",
            "font.size": 10,
            # named families, not the generic "sans-serif": matplotlib falls back glyph by
            # glyph only along an explicit family list
            "font.family": ["DejaVu Sans", *([fallback] if fallback else [])],
            "axes.spines.top": False,
            "axes.spines.right": False,
            # titles at the top of their axes: matplotlib otherwise searches every axes' top
            # decorations for a place above them at each layout (most of the layout time of a
            # figure of many panels); only the risk-of-bias chart has decorations on top, and
            # it asks for the search (plots.rob_traffic_light)
            "axes.titley": 1.0,
        }
    )


# The width of the site's content column at 1400 px (CSS pixels): a figure drawn wider is shown
# scaled down, and its text with it.
DISPLAY_WIDTH_PX = 1120
FIGURE_DPI = 150  # the saved PNGs' resolution (dots per inch)
CSS_PX_PER_INCH = 96
MIN_FONT_PT = 8.0


def describe_figure(fig) -> tuple[str, str]:
    """A figure's title and a one-sentence description of what it plots, from its artists.

    Returns
    -------
    title : str
        The figure's suptitle, else its axes' titles joined by "; " ("" when untitled).
    description : str
        "Panels: ...; x axis: ...; y axis: ..." from the axes' titles and labels.
    """
    suptitle = fig._suptitle.get_text().strip() if getattr(fig, "_suptitle", None) else ""
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.axison]
    titles = [ax.get_title().strip() for ax in axes if ax.get_title().strip()]
    title = suptitle or "; ".join(dict.fromkeys(titles))
    parts = []
    if suptitle and titles:
        parts.append("panels: " + "; ".join(dict.fromkeys(titles)))
    xl = list(dict.fromkeys(ax.get_xlabel().strip() for ax in axes if ax.get_xlabel().strip()))
    yl = list(dict.fromkeys(ax.get_ylabel().strip() for ax in axes if ax.get_ylabel().strip()))
    if xl:
        parts.append("horizontal axis: " + "; ".join(xl))
    if yl:
        parts.append("vertical axis: " + "; ".join(yl))
    description = "; ".join(parts)
    return title, (description[0].upper() + description[1:] + ".") if description else ""


def text_audit(fig) -> dict:
    """Overlapping labels and text too small to read, in a drawn figure.

    Every visible, non-empty text artist is measured in display coordinates (call after the
    figure is laid out, e.g. after ``draw_without_rendering`` or ``savefig``); two texts
    overlap when their boxes intersect by more than one pixel (at 100 dpi) each way. Font sizes
    are judged at the size the site shows the figure: scaled down when the figure is wider than
    :data:`DISPLAY_WIDTH_PX`.

    Returns
    -------
    dict
        ``overlaps`` (list of pairs of texts), ``min_font_pt`` (smallest displayed size, in
        points) and ``small`` (texts displayed below :data:`MIN_FONT_PT`).
    """
    from matplotlib.text import Text

    renderer = fig.canvas.get_renderer()
    scale = min(1.0, DISPLAY_WIDTH_PX / (fig.get_figwidth() * CSS_PX_PER_INCH))
    # an axis keeps tick labels for ticks outside its view limits; they are not drawn
    # (matplotlib's Axis._update_ticks returns the ticks that are), so they are not judged
    undrawn = set()
    for ax in fig.axes:
        for axis in ax._axis_map.values():
            drawn = {id(t) for t in axis._update_ticks()}
            for tick in axis.majorTicks + axis.minorTicks:
                if id(tick) not in drawn:
                    undrawn.update((id(tick.label1), id(tick.label2)))
    boxes, small, sizes = [], [], []
    for text in fig.findobj(Text):
        content = text.get_text().strip()
        if (
            not content
            or not text.get_visible()
            or id(text) in undrawn
            or text.axes is not None
            and not (text.axes.get_visible())
        ):
            continue
        shown = text.get_fontsize() * scale
        sizes.append(shown)
        if shown < MIN_FONT_PT - 1e-9:
            small.append(content)
        box = text.get_window_extent(renderer)
        if box.width > 0 and box.height > 0:
            boxes.append((content, box))
    overlaps = []
    pixel = fig.dpi / 100  # one pixel at 100 dpi, in the figure's own pixels
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            dx = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            dy = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            if dx > pixel and dy > pixel:
                overlaps.append((a, b))
    return {"overlaps": overlaps, "min_font_pt": min(sizes, default=None), "small": small}


def save_figure(fig, name: str, caption: str | None = None) -> Path:
    """Save ``fig`` as ``figures/<name>.png`` without timestamps in its metadata.

    The PNG carries the figure's caption (``caption``, else its title, else ``name``) and
    description (``Title``, ``Description``: :func:`describe_figure`) and the result of
    :func:`text_audit` (``ta1:overlaps``, ``ta1:small-text``: a JSON list each).
    """
    return _save(fig, name, caption)[0]


def _save(fig, name: str, caption: str | None) -> tuple[Path, str, str]:
    """Lay ``fig`` out, audit its text, save it; return the path, caption and alt text.

    The audit needs the layout (text positions and sizes), not the pixels: the figure is laid
    out once, at the resolution it is saved at, with
    :meth:`~matplotlib.figure.Figure.draw_without_rendering`; its tight bounding box comes from
    that layout, and ``savefig`` draws it once (``bbox_inches="tight"`` would lay it out again,
    and a full draw before saving cost a third of the time spent on figures)."""
    import json

    path = output_dir("figures") / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.draw_without_rendering()
    title, description = describe_figure(fig)
    # the caption: the one given, else the figure's title, else its name; the alt text: the
    # caption as a sentence, then the description of the axes
    shown = caption or title or name.replace("_", " ")
    alt = " ".join(x for x in (shown if shown[-1:] in ".?!" else f"{shown}.", description) if x)
    audit = text_audit(fig)
    metadata = {
        "Software": None,
        "Title": caption or title or name,
        "Description": description,
        "ta1:overlaps": json.dumps(audit["overlaps"], ensure_ascii=False),
        "ta1:small-text": json.dumps(audit["small"], ensure_ascii=False),
    }
    # the tight box of the layout just made, padded as bbox_inches="tight" pads it (which would
    # lay the figure out a second time inside savefig)
    import matplotlib as mpl

    box = fig.get_tightbbox().padded(mpl.rcParams["savefig.pad_inches"])
    fig.savefig(path, bbox_inches=box, metadata=metadata)
    return path, shown, alt


def show_figure(fig, name: str, caption: str | None = None) -> None:
    """Save ``fig`` (see :func:`save_figure`), show that same PNG in the notebook, close it.

    Showing the saved file instead of letting the inline backend draw the figure again halves
    the drawing time and guarantees the notebook shows exactly the committed figure. The output
    carries the figure's caption and alt text (see :func:`save_figure`) in its metadata, for
    the site. Returns nothing, so no temporary path is echoed into the notebook.
    """
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    path, shown, alt = _save(fig, name, caption)
    plt.close(fig)
    display(Image(data=path.read_bytes(), format="png", metadata={"alt": alt, "caption": shown}))


def save_table(frame, name: str, float_digits: int = 6) -> None:
    """Save a DataFrame as ``tables/<name>.csv`` with a fixed float format and ``\\n`` endings.

    Returns nothing, so that a notebook cell ending in it echoes no (temporary) path."""
    path = output_dir("tables") / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, float_format=f"%.{float_digits}g", lineterminator="\n")
