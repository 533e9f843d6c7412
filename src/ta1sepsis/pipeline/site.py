"""``make html``: the offline site of the rendered collection (``python -m ta1sepsis.pipeline.site``).

The site is the product readers see, so each notebook is exported as a report page, not as a
notebook dump. nbconvert's template system does the work: the template
``templates/ta1site`` (shipped with the package) extends JupyterLab's ``lab`` template with

* the site header, a sidebar listing every page with the current one marked, a table of
  contents built from the page's Markdown headings, and previous/next links;
* code folded into a ``<details>`` element per code cell (summary "code"), outputs visible;
* the parameters shown once, as a table of the values used (``nb.metadata["ta1sepsis"]
  ["parameters"]``, stored by the renderer) with each parameter's description, in place of the
  ``parameters`` cell; papermill's ``injected-parameters`` cell is not shown;
* its own stylesheet, inlined, and no script, stylesheet, font or image from the network (the
  blocks that add require.js, MathJax, mermaid, widgets and JupyterLab's CSS are replaced).

Page order: the synthesis (``notebooks/09_synthesis.ipynb``, when it exists), the numbered
notebooks ``notebooks/NN_*.ipynb`` in number order, then the trial reports
``notebooks/trials/*.ipynb`` under "Trial reports" (written to ``trials/<id>.html``). The index
page has one card per page (its question, key figure and a headline number from
``results/*.json``), the synthesis first, and the claims-ledger summary.

The build is deterministic (same inputs, byte-identical site) and atomic: it is written to a
temporary folder next to the output and swapped in only when complete.
"""

from __future__ import annotations

import argparse
import base64
import functools
import html
import json
import os
import re
import shutil
import struct
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import nbformat
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from traitlets.config import Config

from ta1sepsis.data.fingerprints import json_digest
from ta1sepsis.paths import project_root
from ta1sepsis.pipeline import parameters as parameter_specs
from ta1sepsis.pipeline import site_cache, site_files
from ta1sepsis.pipeline.site_links import Linker, linkify
from ta1sepsis.pipeline.site_sof import sof_page

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "ta1site"
# where a notebook page holds its version line until written (letters only: escaping keeps it)
VERSION_SLOT = "TA1SITEVERSIONSLOT"
SYNTHESIS = "09_synthesis"
SITE_NAME = "Thymosin α1 in sepsis: a reproducible reanalysis"
TAGLINE = "every number recomputed from data with provenance"
INTRO = (
    "Every quantitative step in the story of thymosin α1 (Tα1) for sepsis — the ETASS trial, the "
    "meta-analyses, the null TESTS phase 3 trial and its subgroup signals, and dosing — "
    "re-derived from data with provenance, with modern methods beside the legacy ones, a "
    "Bayesian reanalysis, a credibility assessment of the subgroups, the design of an enriched "
    "trial, and a ledger that checks the review article number by number.",
)
READING_NOTES = (
    "Each page is a rendered notebook: prose, tables and figures. The code that computed an "
    "output is folded under the “code” button above it.",
    "The parameters a page was rendered with are listed once near its top; the defaults live in "
    "params/ in the project, and “make all” re-renders what a change affects.",
    "Ratios (RR, OR, HR) are Tα1 relative to control: below 1 favours Tα1. P values are shown to "
    "two significant figures (below 0.001 as <0.001). An empty cell has no value: the sources "
    "do not give it, or it does not apply.",
)
FOOTER = (
    "Built by “make html” from the committed notebooks. Every number on these pages is computed "
    "by the notebooks from the project's data files; nothing is typed in."
)

# What each card says: answers (direction, certainty), from results/*.json. Each entry is
# (format, {placeholder: results key}); a ratio with an interval gets its direction in words.
CHIPS = {
    "01_mechanism": [
        (
            "{n:.0f} of {total:.0f} marker results move in sepsis, from {sources:.0f} sources "
            "({alone:.0f} of Tα1 alone); no effect size links them to survival",
            {
                "n": "mechanism.markers.n_excluding_zero",
                "total": "mechanism.markers.n_results",
                "sources": "mechanism.markers.sources",
                "alone": "mechanism.markers.sources_alone",
            },
        ),
    ],
    "02_etass": [
        (
            "power for its planned relative reduction at the observed control risk: "
            "{power:.0%}; {n:.0f} patients were needed for 80%",
            {
                "power": "etass.power.planned_relative_reduction",
                "n": "etass.sample_size.n_for_target_power",
            },
        ),
    ],
    "03_meta_analyses": [
        (
            "trials with counts pooled (Mantel-Haenszel), {measure} {ratio}",
            {"ratio": "meta.pooled.mh", "measure": "meta.pooled.measure"},
        )
    ],
    "04_tests": [("TESTS 28-day mortality, OR {ratio}", {"ratio": "tests.mortality_28d.or_peto"})],
    # 05: one chip per shrunken subgroup estimate, whatever subgroups it was run with
    # (generic_chips below)
    "06_dosing": [
        (
            "dosing every 12 h gives {ratio:.1f} times the daily exposure of every 24 h, with no "
            "accumulation (ratio {acc:.2f})",
            {"ratio": "dosing.exposure_ratio", "acc": "dosing.q12h.accumulation_ratio"},
        ),
    ],
    # 07: one chip per population designed on a shrunken estimate (generic_chips below)
    "08_claims": [("{n:.0f} claims checked", {"n": "claims.total"})],
}
# A trial report's card: its 28-day risk ratio (results/trials/<id>.json, "<id>.mortality_28d.rr").
TRIAL_CHIP = ("28-day mortality, RR {ratio}", {"ratio": "{trial}.mortality_28d.rr"})
# The figure each card shows (the first figure of the notebook when not listed).
KEY_FIGURES = {
    "09_synthesis": "09_synthesis_mortality_overview.png",
    "01_mechanism": "01_mechanism_pathway.png",
    "03_meta_analyses": "03_meta_analyses_forest.png",
    "04_tests": "04_tests_bayes_priors.png",
    "05_subgroups": "05_subgroups_forest.png",
    "06_dosing": "06_dosing_concentrations.png",
    "07_next_trial": "07_next_trial_power_curves.png",
    "08_claims": "08_claims_summary.png",
    "trials/etass": "etass_overview.png",
    "trials/tests": "tests_overview.png",
}
LEDGER = "08_claims"
CSS_PIXELS_PER_INCH = 96


@dataclass
class Page:
    """One rendered notebook and where it goes on the site."""

    name: str  # "02_etass", "09_synthesis", "trials/etass"
    path: Path
    group: str  # "synthesis", "analyses" or "trials"
    nb: nbformat.NotebookNode = field(repr=False)
    title: str = ""
    label: str = ""
    number: str = ""
    question: str = ""

    @property
    def href(self) -> str:
        return f"{self.name}.html"

    @property
    def root(self) -> str:
        """Relative path from this page back to the site root ("" or "../")."""
        return "../" * self.name.count("/")

    def link(self) -> dict:
        return {
            "name": self.name,
            "href": self.href,
            "title": self.title,
            "label": self.label,
            "number": self.number,
        }


# --- reading the notebooks ------------------------------------------------------------------


def _summary(nb) -> tuple[str, str]:
    """The first level-1 heading and the text after "**Question.**" in the Markdown cells."""
    title, question = "", ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if not title and line.startswith("# "):
                title = line[2:].strip()
        match = re.search(r"\*\*Question\.\*\*(.+?)(\n\n|$)", cell.source, re.S)
        if match and not question:
            question = " ".join(match.group(1).replace("*", "").split())
        if title and question:
            break
    return title, question


def _page(path: Path, name: str, group: str) -> Page:
    nb = nbformat.read(path, as_version=4)
    title, question = _summary(nb)
    title = title or name
    label = title.split(":")[0].strip() or title
    number = ""
    if group == "analyses" and re.match(r"\d\d_", path.stem):
        number = path.stem[:2]
    return Page(name, path, group, nb, title, label, number, question)


def discover(root: Path) -> list[Page]:
    """Every rendered notebook in site order: synthesis, NN_* by number, trial reports.

    Parameters
    ----------
    root : pathlib.Path
        The project folder (holding ``notebooks/``).

    Returns
    -------
    list of Page
        ``notebooks/09_synthesis.ipynb`` first if it exists, then ``notebooks/NN_*.ipynb``
        sorted by name (number order), then ``notebooks/trials/*.ipynb`` sorted by trial id.
    """
    folder = root / "notebooks"
    pages = []
    synthesis = folder / f"{SYNTHESIS}.ipynb"
    if synthesis.is_file():
        pages.append(_page(synthesis, SYNTHESIS, "synthesis"))
    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        if path.stem != SYNTHESIS:
            pages.append(_page(path, path.stem, "analyses"))
    for path in sorted((folder / "trials").glob("*.ipynb")):
        page = _page(path, f"trials/{path.stem}", "trials")
        # one template, one title: name each report after its trial (from its results)
        study = _read_results(root, page.name).get(f"{path.stem}.study", {}).get("value")
        if study:
            page.title, page.label = f"{page.title}: {study}", str(study)
        pages.append(page)
    for path in sorted((folder / "analyses").glob("*.ipynb")):
        # meta-analyses of other data sets (params/analyses.yaml): listed apart from the story
        page = _page(path, f"analyses/{path.stem}", "other data")
        page.title, page.label = f"{page.title}: {path.stem}", path.stem
        pages.append(page)
    return pages


def table_of_contents(nb, levels: tuple[int, ...] = (2, 3)) -> list[dict]:
    """The Markdown headings of a notebook as ``{"level", "id", "text"}`` entries.

    The anchor ids are computed by nbconvert's own Markdown renderer on each heading line, so
    they are the ids the exported page carries. Headings inside fenced code are skipped.
    """
    entries = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            sources = [cell.source]
        else:  # headings in Markdown outputs (the Bottom line a code cell displays)
            sources = [
                "".join(out.get("data", {}).get("text/markdown", ""))
                for out in cell.get("outputs", [])
                if out.get("data", {}).get("text/markdown")
            ]
        for source in sources:
            entries += _headings(source, levels)
    return entries


def _headings(source: str, levels: tuple[int, ...]) -> list[dict]:
    entries = []
    fenced = False
    for line in source.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        match = re.match(r"^(#{1,6})\s+\S", line)
        if fenced or not match or len(match.group(1)) not in levels:
            continue
        element = ElementTree.fromstring(markdown2html_mistune(line.strip()))
        anchor = element.find("a")
        if anchor is not None:
            element.remove(anchor)
        text = " ".join("".join(element.itertext()).split())
        entries.append({"level": len(match.group(1)), "id": element.get("id"), "text": text})
    return entries


def template_of(name: str, root: Path | None = None) -> str:
    """The notebook a page was rendered from: its template for an instance, else itself.

    An instance page ``<folder>/<id>`` belongs to the template whose schema declares
    ``x-instances`` with that ``x-output-folder`` (``trials/etass`` -> ``trial_report``).

    Examples
    --------
    >>> template_of("trials/etass"), template_of("02_etass")
    ('trial_report', '02_etass')
    """
    folder, _, rest = name.partition("/")
    return _instance_folders(root or project_root()).get(folder, name) if rest else name


@functools.lru_cache(maxsize=8)
def _instance_folders(root: Path) -> dict[str, str]:
    """Output folder -> template, from the parameter schemas that declare ``x-instances``."""
    from ta1sepsis.pipeline.deps import DEFAULT_FOLDER

    folders = {}
    for path in sorted((root / "params").glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        if schema.get("x-instances"):
            template = path.name.removesuffix(".schema.json")
            folders[schema.get("x-output-folder", DEFAULT_FOLDER)] = template
    return folders


def describe_parameters(name: str) -> dict[str, str]:
    """Parameter descriptions for a page's notebook (its template's for an instance), ``{}``
    when it has no parameter schema."""
    try:
        return dict(parameter_specs.describe(template_of(name)))
    except parameter_specs.ParameterError:
        return {}


def default_parameters(name: str) -> dict:
    """The default parameters of a page's notebook (its template's for an instance): its
    ``params/<notebook>.yaml`` with the shared values it takes, as a rendering gets them.

    Returns ``{}`` when they cannot be read (the page then shows its values only)."""
    try:
        return parameter_specs.load_parameters(template_of(name))
    except parameter_specs.ParameterError:
        return {}


def non_default(values: dict, defaults: dict) -> dict:
    """The parameters whose value differs from its default (or that have no default).

    Examples
    --------
    >>> non_default({"confidence": 0.9, "measure": "OR"}, {"confidence": 0.95, "measure": "OR"})
    {'confidence': 0.9}
    """
    return {k: v for k, v in values.items() if k not in defaults or defaults[k] != v}


def parameter_note(values: dict, defaults: dict) -> str:
    """One line on the parameters a page was rendered with, naming those off their default.

    Examples
    --------
    >>> parameter_note({"a": 1, "b": 2}, {"a": 1, "b": 2})
    'Rendered with the default value of all 2 parameters.'
    >>> parameter_note({"a": 1, "b": 3}, {"a": 1, "b": 2})
    'Rendered with 1 of 2 parameters changed from its default: b = 3.'
    """
    changed = non_default(values, defaults)
    n = len(values)
    noun = "parameter" if n == 1 else "parameters"
    if not changed:
        return f"Rendered with the default value of {'its' if n == 1 else f'all {n}'} {noun}."
    listed = "; ".join(f"{k} = {_value_text(v)}" for k, v in changed.items())
    verb = "its" if len(changed) == 1 else "their"
    return (
        f"Rendered with {len(changed)} of {n} {noun} changed from {verb} default"
        f"{'' if len(changed) == 1 else 's'}: {listed}."
    )


def _value_text(value) -> str:
    """A parameter value as a reader (and the YAML file) would write it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value if value else "'' (empty)"
    if isinstance(value, list | tuple):
        return ", ".join(_value_text(v) for v in value) if value else "[] (none)"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value_text(v)}" for k, v in value.items())
    return str(value)


def parameter_rows(page: Page, defaults: dict) -> tuple[list[dict], bool]:
    """The parameters a page was rendered with, each against its default (``defaults``), and
    whether any has a description."""
    values = page.nb.metadata.get("ta1sepsis", {}).get("parameters", {}) or {}
    descriptions = describe_parameters(page.name)
    rows = [
        {
            "name": name,
            "value": _value_text(value),
            "default": "yes"
            if name in defaults and defaults[name] == value
            else f"no (default {_value_text(defaults[name])})"
            if name in defaults
            else "no default",
            "description": descriptions.get(name, ""),
        }
        for name, value in values.items()
    ]
    return rows, any(row["description"] for row in rows)


def _png_css_width(data: bytes) -> int | None:
    """Width in CSS pixels at which a PNG shows at its physical size (pixels / dpi * 96)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    width = struct.unpack(">I", data[16:20])[0]
    offset = 8
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if kind == b"pHYs" and length == 9:
            per_unit, _, unit = struct.unpack(">IIB", data[offset + 8 : offset + 17])
            if unit == 1 and per_unit:  # pixels per metre
                dpi = per_unit * 0.0254
                return round(width * CSS_PIXELS_PER_INCH / dpi)
            return None
        if kind == b"IDAT":
            return None
        offset += 12 + length
    return None


def extract_figures(nb, page: Page) -> dict[str, bytes]:
    """Move each PNG output of ``nb`` into a file beside the page and size it.

    The page shows the figure from ``figures/<notebook>/cell-NNN-K.png`` (relative to the
    page) at the width it was drawn at (pixels / dpi x 96; the stylesheet scales it down to
    the content width when wider) and links it, so a click opens it at full resolution.

    Returns
    -------
    dict
        Site-relative path -> PNG bytes, for the caller to write.
    """
    files = {}
    stem = Path(page.name).name
    folder = Path(page.name).parent
    number = 0
    for index, cell in enumerate(nb.cells):
        count = 0
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if not png:
                continue
            data = base64.b64decode(png)
            relative = f"figures/{stem}/cell-{index:03d}-{count}.png"
            count += 1
            files[(folder / relative).as_posix()] = data
            metadata = output.setdefault("metadata", {})
            metadata.setdefault("filenames", {})["image/png"] = relative
            width = _png_css_width(data)
            if width and not metadata.get("image/png", {}).get("width"):
                metadata.setdefault("image/png", {})["width"] = width
            number += 1
            metadata.setdefault("image/png", {})["number"] = number
    return files


def _has_parameters_cell(nb) -> bool:
    return any(
        "parameters" in cell.metadata.get("tags", [])
        for cell in nb.cells
        if cell.cell_type == "code"
    )


# --- the index page ---------------------------------------------------------------------------


def _read_results(root: Path, name: str) -> dict:
    path = root / "results" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def direction_words(lower: float, upper: float, null: float = 1.0) -> tuple[str, str]:
    """Which way an interval of a ratio points, in words, and a CSS class for it.

    Ratios below ``null`` favour the treatment (lower is better: deaths).

    Examples
    --------
    >>> direction_words(0.68, 1.09)
    ('interval includes no effect', 'neutral')
    >>> direction_words(0.59, 0.90)
    ('favours treatment', 'benefit')
    """
    if upper < null:
        return "favours treatment", "benefit"
    if lower > null:
        return "favours control", "harm"
    return "interval includes no effect", "neutral"


def _ratio_text(item: dict) -> tuple[str, str]:
    if item.get("lower") is None or item.get("upper") is None:
        return f"{item['value']:.2f}", ""
    words, kind = direction_words(item["lower"], item["upper"])
    level = f"{item['level']:.0%} CI " if item.get("level") else ""
    unit = f"{item['unit']} " if item.get("unit") in ("OR", "RR", "HR") else ""
    return (
        f"{unit}{item['value']:.2f} ({level}{item['lower']:.2f} to {item['upper']:.2f}): {words}",
        kind,
    )


def chips(page: Page, results: dict) -> list[dict]:
    """The answers a page's card states, from its results (``[]`` when a key is missing).

    Each is ``{"text", "kind"}``; ``kind`` is ``benefit``, ``harm``, ``neutral`` (the
    direction of a ratio's interval) or ``""``. The synthesis's card states the answer on
    mortality and its certainty (from ``synthesis.*`` keys).
    """
    if page.name == SYNTHESIS:
        from ta1sepsis.report.plain_language import index_answer

        answer = index_answer(results)
        if answer is None:
            return []
        return [
            {"text": answer["statement"], "kind": ""},
            {"text": f"certainty {answer['certainty']} {answer['symbols']} (GRADE)", "kind": ""},
        ]
    if page.group == "trials":
        trial = page.name.split("/", 1)[1]
        entries = [(TRIAL_CHIP[0], {k: v.format(trial=trial) for k, v in TRIAL_CHIP[1].items()})]
    else:
        entries = CHIPS.get(page.name, []) + generic_chips(page.name, results)
    out = []
    for fmt, keys in entries:
        if any(key not in results for key in keys.values()):
            continue
        values, kind = {}, ""
        for name, key in keys.items():
            item = results[key]
            if name == "ratio" and "{ratio}" in fmt:
                values[name], kind = _ratio_text(item)
            else:
                values[name] = item["value"]
        out.append({"text": fmt.format(**values), "kind": kind})
    return out


SHRUNKEN_KEY = re.compile(r"^subgroups\.[^.]+\.[^.]+\.shrunken$")
NEXT_TRIAL_KEY = re.compile(r"^next_trial\.([^.]+)\.shrunken\.n_fixed$")


def generic_chips(name: str, results: dict) -> list[tuple[str, dict]]:
    """Chips found by the form of their keys, so that a page run on other subgroups still
    states its answers: 05's shrunken subgroup estimates, labelled by their description, and
    07's sizes and assurance of each population designed on a shrunken estimate."""
    out = []
    if name == "05_subgroups":
        for key in sorted(k for k in results if SHRUNKEN_KEY.match(k)):
            label = results[key].get("description", key).split(" (")[0]
            out.append((f"{_braces(label)} {{ratio}}", {"ratio": key}))
    elif name == "07_next_trial":
        for key in sorted(k for k in results if NEXT_TRIAL_KEY.match(k)):
            slug = NEXT_TRIAL_KEY.match(key)[1]
            assurance = f"next_trial.{slug}.shrunken.assurance"
            if assurance in results:
                out.append(
                    (
                        f"{_braces(slug.replace('_', ' '))}: {{n:,.0f}} patients at the shrunken "
                        "effect; assurance {a:.0%}",
                        {"n": key, "a": assurance},
                    )
                )
    return out


def _braces(text: str) -> str:
    """``text`` safe inside a format string (its braces doubled)."""
    return text.replace("{", "{{").replace("}", "}}")


def key_figure(root: Path, page: Page) -> Path | None:
    """The figure on a page's card: the listed one if it exists, else its first figure."""
    folder = root / "figures" / Path(page.name).parent
    stem = Path(page.name).name
    listed = KEY_FIGURES.get(page.name)
    if listed and (folder / listed).is_file():
        return folder / listed
    figures = sorted(folder.glob(f"{stem}_*.png"))
    return figures[0] if figures else None


def _ledger(root: Path) -> dict | None:
    """The ledger's summary for the index: claims by how they were checked (rows) and what the
    check found (columns), from ``claims.method_by_verdict`` in the ledger's results."""
    results = _read_results(root, LEDGER)
    table = results.get("claims.method_by_verdict", {}).get("value")
    if not table:
        return None
    from ta1sepsis.evidence.claims import method_verdict_frame

    frame = method_verdict_frame(table, total="all")
    body = frame.drop(index="all")
    rows = [
        (m, [f"{n:.0f}" for n in body.loc[m].drop("all")], f"{body.loc[m, 'all']:.0f}")
        for m in body.index
    ]

    def count(key):
        item = results.get(key)
        return None if item is None else f"{item['value']:.0f}"

    return {
        "columns": [v for v in frame.columns if v != "all"],
        "rows": rows,
        "totals": [f"{n:.0f}" for n in frame.loc["all"].drop("all")],
        "total": f"{frame.loc['all', 'all']:.0f}",
        "sentences": count("claims.sentences"),
        "not_claims": count("claims.not_claims"),
        "omissions": count("claims.omissions"),
        "href": f"{LEDGER}.html",
    }


# --- building -----------------------------------------------------------------------------------


# what nbconvert's HTMLExporter adds to a page with BeautifulSoup, added to the template's
# output directly: parsing and re-serialising every page was half of its conversion time
_FOCUSABLE = re.compile(
    r'(<div class="(?:[^"]* )?jp-(?:Cell-inputWrapper|OutputArea-output)(?: [^"]*)?")'
)
_NO_ALT = re.compile(r"<img(?![^>]*\salt=)")


class _PageExporter(HTMLExporter):
    """nbconvert's HTML exporter without its BeautifulSoup pass.

    That pass gives every image without alt text a generic one (the site's figures carry
    their own, checked in tests/test_site.py) and makes every cell input and output focusable
    (``tabindex="0"``); both are done here on the template's output. The filters registered
    first are those ``HTMLExporter.from_notebook_node`` registers (nbconvert 7, as locked).
    """

    def from_notebook_node(self, nb, resources=None, **kw):
        from nbconvert.exporters.templateexporter import TemplateExporter
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
        )
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources
        )
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        html = _FOCUSABLE.sub(r'\1 tabindex="0"', html)
        html = _NO_ALT.sub('<img alt="No description has been provided for this image"', html)
        return html, resources


def _exporter() -> HTMLExporter:
    config = Config()
    # the CSS preprocessor would also inline a user's custom.css from their Jupyter config
    # folder (machine-dependent); the site's stylesheet carries the code colours instead
    config.CSSHTMLHeaderPreprocessor.enabled = False
    exporter = _PageExporter(
        config=config, template_name=TEMPLATE, extra_template_basedirs=[str(TEMPLATES)]
    )
    exporter.exclude_input_prompt = True
    return exporter


def stylesheet() -> str:
    """The site's CSS with the code colours (Pygments' default style)."""
    from pygments.formatters import HtmlFormatter

    css = (TEMPLATES / TEMPLATE / "static" / "site.css").read_text(encoding="utf-8")
    return css + "\n/* code colours (Pygments) */\n" + HtmlFormatter().get_style_defs(".highlight")


def _groups(pages: list[Page]) -> list[dict]:
    titles = {
        "synthesis": "Start here",
        "analyses": "Analyses",
        "trials": "Trial reports",
        "other data": "Other data sets",
    }
    return [
        {"title": title, "pages": [p.link() for p in pages if p.group == group]}
        for group, title in titles.items()
        if any(p.group == group for p in pages)
    ]


def _common(pages: list[Page], css: str, extras: dict | None = None, root: str = "") -> dict:
    extras = extras or {}
    return {
        "name": SITE_NAME,
        "tagline": TAGLINE,
        "css": css,
        "groups": _groups(pages),
        "footer": FOOTER,
        "root": root,
        "version": extras.get("version", ""),
        "citation": extras.get("citation", {}),
        "has_sof": extras.get("sof") is not None,
    }


OVERVIEW = {"name": "index", "href": "index.html", "title": SITE_NAME, "label": "Overview"}


def page_sources(root: Path, page: Page) -> dict:
    """The files behind a page: its notebook (``.py``, ``.ipynb``), the package modules it
    imports (transitively; package ``__init__`` files left out) and its results file."""
    from ta1sepsis.pipeline.deps import imported_modules

    template = template_of(page.name, root)
    source = root / "notebooks" / f"{template}.py"
    modules = []
    if source.is_file():
        modules = [m for m in imported_modules(root, source) if not m.endswith("__init__.py")]
    notebook = [f"notebooks/{template}.py", f"notebooks/{page.name}.ipynb"]
    results = f"results/{page.name}.json"
    return {
        "notebook": [n for n in notebook if (root / n).is_file()],
        "modules": modules,
        "results": results if (root / results).is_file() else None,
    }


def render_page(
    exporter: HTMLExporter,
    pages: list[Page],
    position: int,
    css: str,
    *,
    extras: dict | None = None,
) -> tuple[str, dict[str, bytes]]:
    """The HTML of one page of the site, and its figure files (site-relative path -> bytes)."""
    extras = extras or {}
    page = pages[position]
    nb = nbformat.from_dict(json.loads(json.dumps(page.nb)))  # a copy: the file is not changed
    figures = extract_figures(nb, page)
    defaults = default_parameters(page.name)
    rows, described = parameter_rows(page, defaults)
    values = page.nb.metadata.get("ta1sepsis", {}).get("parameters", {}) or {}
    site = _common(pages, css, extras, page.root)
    site.update(
        page={**page.link(), "is_index": False},
        toc=table_of_contents(nb),
        prev=pages[position - 1].link() if position > 0 else OVERVIEW,
        next=pages[position + 1].link() if position + 1 < len(pages) else None,
        parameters=rows,
        parameters_described=described,
        parameter_note=parameter_note(values, defaults) if rows else "",
        has_parameters_cell=_has_parameters_cell(nb),
        sources=extras.get("sources", {}).get(page.name),
    )
    if rows:
        site["toc"].append({"level": 2, "id": "parameters-used", "text": "Parameters used"})
    if site["sources"]:
        site["toc"].append({"level": 2, "id": "page-sources", "text": "Source of this page"})
    body, _ = exporter.from_notebook_node(
        nb, resources={"ta1site": site, "metadata": {"name": page.name}}
    )
    body = _IPYNB_LINK.sub(r'href="\1.html\2"', body)
    if extras.get("linker"):
        body = linkify(body, extras["linker"](page.root, page.name))
    return (body if body.endswith("\n") else body + "\n"), figures


# a notebook's relative link to another notebook ("trials/etass.ipynb", "../02_etass.ipynb#x"):
# the site mirrors notebooks/, so the same path with .html is the page
# (the page's own source links, ``notebooks/x.ipynb`` under the site root, stay downloads)
_IPYNB_LINK = re.compile(
    r'href="(?![a-zA-Z][a-zA-Z0-9+.-]*:)(?!(?:\.\./)*notebooks/)([^"#]*?)\.ipynb(#[^"]*)?"'
)


def render_index(
    exporter: HTMLExporter, root: Path, pages: list[Page], css: str, *, extras: dict | None = None
) -> tuple:
    """The HTML of the index page and the figures its cards show (source, site-relative path)."""
    from ta1sepsis.report.plain_language import index_answer

    extras = extras or {}
    figures = []

    def card(page: Page) -> dict:
        figure = key_figure(root, page)
        thumbnail = None
        if figure is not None:
            thumbnail = (Path("figures") / Path(page.name).parent / figure.name).as_posix()
            figures.append((figure, thumbnail))
        return {
            "page": page.link(),
            "question": page.question,
            "chips": chips(page, _read_results(root, page.name)),
            "thumbnail": thumbnail,
        }

    synthesis = [card(p) for p in pages if p.group == "synthesis"]
    cards = [card(p) for p in pages if p.group == "analyses"]
    trial_cards = [card(p) for p in pages if p.group == "trials"]
    ledger = _ledger(root) if any(p.name == LEDGER for p in pages) else None
    answer = index_answer(_read_results(root, SYNTHESIS)) if synthesis else None
    toc = [
        *([{"level": 2, "id": "the-answer", "text": "The answer"}] if answer else []),
        *([{"level": 2, "id": "start-here", "text": "Start here"}] if synthesis else []),
        {"level": 2, "id": "analyses", "text": "The analyses"},
        *([{"level": 2, "id": "trial-reports", "text": "Trial reports"}] if trial_cards else []),
        *([{"level": 2, "id": "claims-ledger", "text": "Claims ledger"}] if ledger else []),
        {"level": 2, "id": "how-to-read", "text": "How to read these pages"},
    ]
    site = _common(pages, css, extras)
    site.update(
        page={**OVERVIEW, "is_index": True},
        toc=toc,
        prev=None,
        next=pages[0].link() if pages else None,
        intro=INTRO,
        reading_notes=READING_NOTES,
        synthesis=synthesis[0] if synthesis else None,
        answer=answer,
        cards=cards,
        trial_cards=trial_cards,
        ledger=ledger,
    )
    template = exporter.environment.get_template("site_index.html.j2")
    body = template.render(site=site) + "\n"
    if extras.get("linker"):
        body = linkify(body, extras["linker"]("", "index"))
    return body, figures


def render_plain(
    exporter: HTMLExporter,
    pages: list[Page],
    css: str,
    *,
    extras: dict,
    name: str,
    title: str,
    body: str,
    toc: list | None = None,
    wide: bool = False,
) -> str:
    """A page of the site that is not a notebook (``name``: its site path without ``.html``)."""
    root = "../" * name.count("/")
    site = _common(pages, css, extras, root)
    site.update(
        page={
            "name": name,
            "href": f"{name}.html",
            "title": title,
            "label": title,
            "is_index": False,
        },
        toc=toc or [],
        body=body,
        wide=wide,
    )
    return exporter.environment.get_template("site_plain.html.j2").render(site=site) + "\n"


def _downloads_body(files: list[str], row_pages: set[str]) -> str:
    groups = {
        "data": "Data (the inputs, each row with its source)",
        "params": "Parameters (defaults and their JSON Schemas)",
        "results": "Results (every number the pages show, with its description)",
        "tables": "Tables (as the notebooks wrote them)",
        "notebooks": "Notebooks (the .py sources and the rendered .ipynb)",
        "src": "Package source (the tested functions the notebooks call)",
    }
    parts = [
        "<h1>Data and downloads</h1>",
        "<p>Every file the pages are computed from or write, as it was when the site was built. "
        "The data tables also open as pages with one anchor per row, which is where the pages' "
        "“data/x.csv, line N” references lead.</p>",
    ]
    for folder, heading in groups.items():
        listed = [f for f in files if f.startswith(folder + "/")]
        if not listed:
            continue
        items = []
        for f in listed:
            rows = f' · <a href="{f}.html">rows</a>' if f in row_pages else ""
            items.append(f'<li><a href="{f}" download>{html.escape(f)}</a>{rows}</li>')
        parts.append(
            f'<h2 id="{folder}">{html.escape(heading)}</h2><ul class="files">'
            + "".join(items)
            + "</ul>"
        )
    if "CITATION.cff" in files:
        parts.append(
            '<h2 id="citation">Citation</h2><p><a href="CITATION.cff" download>CITATION.cff</a></p>'
        )
    return "\n".join(parts) + "\n"


def _search_body() -> str:
    return (
        "<h1>Search</h1>\n"
        '<form class="search-page" role="search" onsubmit="return false">'
        '<label for="search-q">Words to find in every page (all must occur)</label> '
        '<input id="search-q" type="search" autocomplete="off"></form>\n'
        '<p id="search-status" aria-live="polite">The search runs in your browser over an index '
        "built with the site; it needs JavaScript.</p>\n"
        '<ol id="search-results"></ol>\n'
        '<script src="search-index.js"></script>\n'
    )


_PAGE_JOB: tuple = ()  # (exporter, pages, css, extras), set before the page workers fork


def _convert_page(position: int) -> tuple[str, dict[str, bytes]]:
    exporter, pages, css, extras = _PAGE_JOB
    return render_page(exporter, pages, position, css, extras=extras)


def _convert_pages(positions: list[int], job: tuple) -> dict[int, tuple[str, dict[str, bytes]]]:
    """:func:`render_page` for each position, on every core (forked workers: each page is
    converted on its own, so the pages are the same bytes whichever process made them)."""
    global _PAGE_JOB
    _PAGE_JOB = job
    workers = min(len(positions), os.cpu_count() or 1)
    try:
        if workers < 2:
            return {i: _convert_page(i) for i in positions}
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # the longest pages first (notebook size), so that no worker is left with one at the end
        order = sorted(positions, key=lambda i: -job[1][i].path.stat().st_size)
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            done = dict(zip(order, pool.map(_convert_page, order), strict=True))
        return {i: done[i] for i in positions}
    finally:
        _PAGE_JOB = ()


def build(root: Path, out: Path, *, stats: dict | None = None) -> list[Path]:
    """Write the site into ``out`` (replaced as a whole, atomically) and return its pages.

    A notebook page whose inputs are unchanged is taken from the page cache
    (:mod:`ta1sepsis.pipeline.site_cache`) instead of being converted again.

    Parameters
    ----------
    root : pathlib.Path
        The project folder (``notebooks/``, ``figures/``, ``results/``).
    out : pathlib.Path
        The site folder; built in a temporary folder beside it and swapped in when complete.
    stats : dict, optional
        Filled with ``converted`` and ``cached``: the notebook pages converted by nbconvert and
        those taken from the cache.

    Returns
    -------
    list of pathlib.Path
        ``out/index.html`` and one page per notebook, in site order.
    """
    pages = discover(root)
    if not pages:
        raise SystemExit("no rendered notebooks: run make all first")
    exporter = _exporter()
    css = stylesheet()
    files = site_files.shipped_files(root)
    row_pages = {f for f in files if f.startswith("data/") and f.endswith(".csv")}
    terms = site_files.glossary_terms(root)
    patterns = site_files.glossary_patterns(terms)
    page_hrefs = {p.name: p.href for p in pages}

    def linker(page_root: str, current: str) -> Linker:
        return Linker(page_root, files, row_pages, page_hrefs, patterns, current)

    extras = {
        "linker": linker,
        "version": site_files.version(root),
        "citation": site_files.citation(root),
        "sources": {p.name: page_sources(root, p) for p in pages},
        "sof": sof_page(root),
    }
    # what every notebook page shares: a page whose key is cached is not converted again
    cache = site_cache.PageCache(root / site_cache.CACHE_DIR)
    shared = json_digest(
        {
            "code": site_cache.tree_digest(root / "src" / "ta1sepsis"),
            "params": site_cache.tree_digest(root / "params"),
            "pages": [{**p.link(), "group": p.group} for p in pages],
            "css": css,
            "files": files,
            "terms": terms,
            "citation": extras["citation"],
            "sof": extras["sof"] is not None,
            "tools": site_cache.tools(),
        }
    )
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        written = [out / "index.html"]
        searchable = []
        keys = [
            site_cache.page_key(
                shared,
                page.name,
                position=position,
                notebook=page.path,
                sources=extras["sources"][page.name],
            )
            for position, page in enumerate(pages)
        ]
        found = [cache.get(key) for key in keys]
        # notebook pages are converted (and cached) with a slot for the version line, filled in
        # as each page is written: a new commit, or the first edit after one, changes the version
        # of every page but converts none of them again
        slotted = {**extras, "version": VERSION_SLOT}
        # escaped as the template escapes it (the version has no quote or markup characters,
        # for which html.escape and Jinja's escaping differ only in entity spelling)
        version = html.escape(extras["version"])
        converted = _convert_pages(
            [i for i, hit in enumerate(found) if hit is None], (exporter, pages, css, slotted)
        )
        for position, page in enumerate(pages):
            target = tmp / page.href
            target.parent.mkdir(parents=True, exist_ok=True)
            if found[position] is None:
                body, figures = converted[position]
                cache.put(keys[position], body, figures)
            else:
                body, figures = found[position]
            body = body.replace(VERSION_SLOT, version)
            target.write_text(body, encoding="utf-8")
            searchable.append((page.href, page.title, body))
            for relative, data in figures.items():
                (tmp / relative).parent.mkdir(parents=True, exist_ok=True)
                (tmp / relative).write_bytes(data)
            written.append(out / page.href)
        index, figures = render_index(exporter, root, pages, css, extras=extras)
        (tmp / "index.html").write_text(index, encoding="utf-8")
        searchable.insert(0, ("index.html", "Overview", index))
        for source, relative in figures:
            (tmp / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, tmp / relative)
        # the project's files, and a page of rows for each data table
        for relative in files:
            (tmp / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / relative, tmp / relative)
        for relative in sorted(row_pages):
            # a data table's page depends on what the notebook pages share and on the table's
            # bytes: cached like them (linking every cell of 16 tables was a third of a build
            # that converted nothing)
            key = site_cache.page_key(
                shared, relative, position=-1, notebook=root / relative, sources={}
            )
            hit = cache.get(key)
            if hit is not None:
                text = hit[0]
            else:
                header, rows = site_files.read_rows(root / relative)
                text = render_plain(
                    exporter,
                    pages,
                    css,
                    extras=slotted,
                    name=relative,
                    title=relative,
                    body=site_files.row_page(relative, header, rows),
                    wide=True,
                )
                text = linkify(text, linker("../", relative))
                cache.put(key, text, {})
            text = text.replace(VERSION_SLOT, version)
            (tmp / f"{relative}.html").write_text(text, encoding="utf-8")
        extra_pages = [
            ("glossary", "Glossary", site_files.glossary_page(terms)),
            ("downloads", "Data and downloads", _downloads_body(files, row_pages)),
        ]
        sof = extras["sof"]
        if sof is not None:
            extra_pages.append(("summary-of-findings", "Summary of findings (printable)", sof))
        for name, title, body in extra_pages:
            text = render_plain(
                exporter, pages, css, extras=extras, name=name, title=title, body=body
            )
            if name in ("glossary", "summary-of-findings"):
                text = linkify(text, Linker("", files, row_pages, page_hrefs, [], name))
            (tmp / f"{name}.html").write_text(text, encoding="utf-8")
            searchable.append((f"{name}.html", title, text))
        (tmp / "search.html").write_text(
            render_plain(
                exporter,
                pages,
                css,
                extras=extras,
                name="search",
                title="Search",
                body=_search_body(),
            ),
            encoding="utf-8",
        )
        records = site_files.search_records(searchable)
        (tmp / "search-index.js").write_text(
            "window.TA1_SEARCH = "
            + json.dumps(records, ensure_ascii=False, sort_keys=True)
            + ";\n",
            encoding="utf-8",
        )
        shutil.copyfile(TEMPLATES / TEMPLATE / "static" / "site.js", tmp / "site.js")
        for folder in sorted({p.parent for p in tmp.rglob("*")} | {tmp}):
            os.chmod(folder, 0o755)  # mkdtemp makes 0700
        old = out.with_name(f".{out.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if out.exists():
            os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    cache.prune()
    if stats is not None:
        cached = sum(hit is not None for hit in found)
        stats.update(converted=len(pages) - cached, cached=cached)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="site", help="output folder (default: site)")
    args = parser.parse_args(argv)
    root = project_root()
    stats: dict = {}
    pages = build(root, root / args.out, stats=stats)
    print(
        f"[html] {len(pages)} pages in {args.out}/ ({stats['converted']} notebook pages "
        f"converted, {stats['cached']} unchanged) — open {args.out}/index.html in a browser"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
