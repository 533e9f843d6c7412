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
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "font.size": 10,
            # named families, not the generic "sans-serif": matplotlib falls back glyph by
            # glyph only along an explicit family list
            "font.family": ["DejaVu Sans", *([fallback] if fallback else [])],
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def save_figure(fig, name: str) -> Path:
    """Save ``fig`` as ``figures/<name>.png`` without timestamps in its metadata."""
    path = output_dir("figures") / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, bbox_inches="tight", metadata={"Software": None})
    return path


def show_figure(fig, name: str) -> None:
    """Save ``fig`` (see :func:`save_figure`), show that same PNG in the notebook, close it.

    Showing the saved file instead of letting the inline backend draw the figure again halves
    the drawing time and guarantees the notebook shows exactly the committed figure. Returns
    nothing, so no temporary path is echoed into the notebook.
    """
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    path = save_figure(fig, name)
    plt.close(fig)
    display(Image(data=path.read_bytes(), format="png"))


def save_table(frame, name: str, float_digits: int = 6) -> None:
    """Save a DataFrame as ``tables/<name>.csv`` with a fixed float format and ``\\n`` endings.

    Returns nothing, so that a notebook cell ending in it echoes no (temporary) path."""
    path = output_dir("tables") / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, float_format=f"%.{float_digits}g", lineterminator="\n")
