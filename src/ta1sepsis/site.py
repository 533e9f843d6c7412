"""``make html``: an offline static site of the rendered collection (``site/``).

An index page (the collection's purpose, one card per notebook with its question, a key figure
thumbnail and its main result, and the claims-ledger summary) and one page per rendered
notebook, exported by nbconvert. Everything is local: images are embedded or copied, and
nbconvert's links to external scripts (MathJax, require.js, fonts) are removed, so the site opens
from the file system with no network.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from .outputs import project_root

# The number each card shows: (results key, how to print it).
HEADLINES = {
    "01_mechanism": (
        "mechanism.peptide.average_mass",
        "average mass of thymalfasin {value:.1f} Da (label: 3108)",
    ),
    "02_etass": (
        "etass.mortality_28d.rr",
        "ETASS 28-day RR {value:.2f} ({lower:.2f} to {upper:.2f})",
    ),
    "03_meta_analyses": (
        "meta.etass_tests.or_mh",
        "ETASS + TESTS pooled OR {value:.2f} ({lower:.2f} to {upper:.2f})",
    ),
    "04_tests": (
        "tests.mortality_28d.rr",
        "TESTS 28-day RR {value:.2f} ({lower:.2f} to {upper:.2f})",
    ),
    "05_subgroups": (
        "subgroups.age.age_ge60.shrunken",
        "shrunken HR at age 60 and over {value:.2f} ({lower:.2f} to {upper:.2f})",
    ),
    "06_dosing": ("dosing.single_dose.auc", "predicted AUC of one 1.6 mg dose {value:.0f} µg·h/L"),
    "07_next_trial": (
        "next_trial.age_60_and_over.shrunken.n_fixed",
        "patients needed, age 60+ (shrunken effect): {value:.0f}",
    ),
    "08_claims": ("claims.total", "{value:.0f} claims checked"),
}
EXTERNAL = re.compile(
    r"<(script|link)\b[^>]*(src|href)=\"https?://[^\"]*\"[^>]*>(\s*</script>)?", re.I
)
# inline scripts that would fetch code from the network (nbconvert's mermaid loader)
NETWORK_SCRIPT = re.compile(
    r"<script\b[^>]*>(?:(?!</script>).)*?import\(\s*\"https?://(?:(?!</script>).)*</script>", re.S
)
HEADER_STYLE = (
    "header.site{background:#1b6ca8;padding:0.6em 1.2em;font-family:system-ui,sans-serif}"
    "header.site a{color:white;font-weight:bold;text-decoration:none}"
)
STYLE = """
body { font-family: system-ui, sans-serif; margin: 0; color: #222; }
header.site { background: #1b6ca8; color: white; padding: 0.6em 1.2em; }
header.site a { color: white; font-weight: bold; text-decoration: none; }
main.index { max-width: 1100px; margin: 1.5em auto; padding: 0 1em; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 1em; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.8em; background: #fafafa; }
.card img { width: 100%; height: 160px; object-fit: contain; background: white; }
.card h2 { font-size: 1.05em; margin: 0.2em 0; }
.card p { font-size: 0.9em; }
.headline { font-weight: bold; color: #1b6ca8; }
table.ledger td, table.ledger th { padding: 0.2em 0.8em; border-bottom: 1px solid #ddd; text-align: left; }
"""


def _notebook_summary(nb) -> tuple[str, str]:
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


def _headline(name: str, results: dict) -> str:
    key, fmt = HEADLINES.get(name, (None, None))
    if key is None or key not in results:
        return ""
    item = results[key]
    return fmt.format(
        value=item["value"], lower=item.get("lower") or 0, upper=item.get("upper") or 0
    )


def _page(title: str, body: str, head: str = "") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{STYLE}</style>{head}</head><body>"
        f'<header class="site"><a href="index.html">Tα1 in sepsis: the reanalysis</a></header>{body}</body></html>\n'
    )


def build(root: Path, out: Path) -> list[Path]:
    """Write the site into ``out`` (replaced as a whole) and return the pages written."""
    notebooks = sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise SystemExit("no rendered notebooks: run make all first")
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "figures").mkdir(parents=True)
    exporter = HTMLExporter(template_name="lab")
    cards, pages = [], []
    for path in notebooks:
        name = path.stem
        nb = nbformat.read(path, as_version=4)
        body, _ = exporter.from_notebook_node(nb)
        body = NETWORK_SCRIPT.sub("", EXTERNAL.sub("", body))
        body = body.replace("<body", f'<body data-notebook="{name}"', 1)
        body = body.replace("</head>", f"<style>{HEADER_STYLE}</style></head>", 1)
        body = re.sub(
            r"(<body[^>]*>)",
            r'\1<header class="site"><a href="index.html">← all notebooks</a></header>',
            body,
            count=1,
        )
        (tmp / f"{name}.html").write_text(body, encoding="utf-8")
        pages.append(out / f"{name}.html")
        figures = sorted((root / "figures").glob(f"{name}_*.png"))
        for fig in figures:
            shutil.copyfile(fig, tmp / "figures" / fig.name)
        results_path = root / "results" / f"{name}.json"
        results = (
            json.loads(results_path.read_text(encoding="utf-8")) if results_path.is_file() else {}
        )
        title, question = _notebook_summary(nb)
        thumb = (
            f'<img src="figures/{figures[0].name}" alt="key figure of {name}">' if figures else ""
        )
        cards.append(
            f'<div class="card">{thumb}<h2><a href="{name}.html">{html.escape(title or name)}</a></h2>'
            f'<p>{html.escape(question)}</p><p class="headline">{html.escape(_headline(name, results))}</p></div>'
        )
    ledger = root / "results" / "08_claims.json"
    ledger_html = ""
    if ledger.is_file():
        counts = {
            k.split(".")[-1].replace("_", " "): v["value"]
            for k, v in json.loads(ledger.read_text(encoding="utf-8")).items()
            if k.startswith("claims.count.")
        }
        rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{v}</td></tr>" for k, v in counts.items())
        ledger_html = (
            "<h2>Claims ledger: which of the review's numbers hold</h2>"
            f'<table class="ledger"><tr><th>verdict</th><th>claims</th></tr>{rows}</table>'
            '<p><a href="08_claims.html">The full ledger</a></p>'
        )
    index = _page(
        "Thymosin α1 in sepsis: a reproducible reanalysis",
        '<main class="index"><h1>Thymosin α1 in sepsis: a reproducible reanalysis</h1>'
        "<p>Every quantitative step in the story of thymosin α1 for sepsis — the ETASS trial, the meta-analyses, "
        "the null TESTS phase 3 trial and its subgroup signals, and dosing — re-derived from data with provenance, "
        "with modern methods beside the legacy ones, a Bayesian reanalysis, a credibility assessment of the "
        "subgroups, the design of an enriched trial, and a ledger that checks the review article number by number.</p>"
        f'<div class="cards">{"".join(cards)}</div>{ledger_html}</main>',
    )
    (tmp / "index.html").write_text(index, encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return [out / "index.html", *pages]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="site", help="output folder (default: site)")
    args = parser.parse_args(argv)
    root = project_root()
    pages = build(root, root / args.out)
    print(f"[html] {len(pages)} pages in {args.out}/ — open {args.out}/index.html in a browser")
    return 0


if __name__ == "__main__":
    sys.exit(main())
