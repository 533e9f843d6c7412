"""What the site ships beside its pages: the project's files, row views of the data, a glossary,
a search index and how to cite.

* :func:`shipped_files` lists the project files copied into the site (data, tables, results,
  parameters, the notebooks as ``.ipynb`` and ``.py``, the package source, ``CITATION.cff``),
  so that every file a page names is one click away;
* :func:`row_page` renders a data table as an HTML page with one anchor per row (``#L17`` is the
  row ending on line 17 of the file, the convention of the data validator's messages);
* :func:`glossary_terms` and :func:`glossary_page` read ``data/glossary.csv`` (each definition
  with its source, looked up in ``data/method_facts.csv`` by ``source_ref``);
* :func:`search_records` extracts each page's text for the offline search;
* :func:`citation` and :func:`version` say what to cite and which build this is.
"""

from __future__ import annotations

import csv
import html
import re
import subprocess
from pathlib import Path

import yaml

# project files the site ships (globs relative to the project root)
SHIPPED = (
    "data/*.csv",
    "data/*.json",
    "data/*.md",
    "tables/*.csv",
    "tables/*/*.csv",
    "results/*.json",
    "results/*/*.json",
    "params/*.yaml",
    "params/*.json",
    "notebooks/*.ipynb",
    "notebooks/*.py",
    "notebooks/*/*.ipynb",
    "src/ta1sepsis/*.py",
    "src/ta1sepsis/*/*.py",
    "CITATION.cff",
)
GLOSSARY_FILE = "data/glossary.csv"
METHOD_FACTS_FILE = "data/method_facts.csv"


def shipped_files(root: Path) -> list[str]:
    """Project-relative paths of the files the site ships, sorted.

    Parameters
    ----------
    root : pathlib.Path
        The project folder.

    Returns
    -------
    list of str
        POSIX paths such as ``data/trials.csv``; files that do not exist are not listed.
    """
    found = set()
    for pattern in SHIPPED:
        for path in root.glob(pattern):
            if path.is_file():
                found.add(path.relative_to(root).as_posix())
    return sorted(found)


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """A CSV file's header and its rows, each with the line it ends on (header: line 1)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        rows = [(reader.line_num, fields) for fields in reader if any(f.strip() for f in fields)]
    return header, rows


def row_page(relative: str, header: list[str], rows: list[tuple[int, list[str]]]) -> str:
    """The body of a data table's row view: one table row per record, anchored ``L<line>``.

    Parameters
    ----------
    relative : str
        The file's project-relative path (``data/trials.csv``), for the heading and download.
    header : list of str
        Column names.
    rows : list of (int, list of str)
        Each record with the line of the file it ends on.

    Returns
    -------
    str
        HTML (heading, download link, table); the caller wraps it in the site's layout.
    """
    name = Path(relative).name
    head = "".join(f'<th scope="col" class="l">{html.escape(c)}</th>' for c in header)
    body = []
    for line, fields in rows:
        cells = "".join(f'<td class="l">{html.escape(value)}</td>' for value in fields)
        body.append(
            f'<tr id="L{line}"><th scope="row" class="r"><a href="#L{line}">{line}</a></th>'
            f"{cells}</tr>"
        )
    return (
        f"<h1>{html.escape(relative)}</h1>\n"
        f'<p>{len(rows)} rows. <a class="download" href="{html.escape(name)}" download>'
        f"Download {html.escape(name)}</a>. The first column is the line of the file each row "
        "ends on (the header is line 1), as the project's messages and tables cite it; each "
        "links to itself.</p>\n"
        f'<div class="ta1-table-wrap"><table class="ta1-table data-rows long-table">'
        f'<thead><tr><th scope="col" class="r">line</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>\n"
    )


def _method_sources(root: Path) -> dict[str, tuple[str, str, str]]:
    path = root / METHOD_FACTS_FILE
    if not path.is_file():
        return {}
    header, rows = read_rows(path)
    out = {}
    for line, fields in rows:
        row = dict(zip(header, fields, strict=False))
        out[row.get("fact_id", "")] = (row.get("source", ""), row.get("url", ""), str(line))
    return out


def glossary_terms(root: Path) -> list[dict]:
    """The glossary (``data/glossary.csv``) with each definition's source.

    Returns
    -------
    list of dict
        ``id``, ``term``, ``aliases`` (list), ``definition``, ``source`` (text), ``url`` and
        ``source_line`` (the line of ``data/method_facts.csv`` it comes from, or ``None``);
        ``[]`` when the project has no glossary.

    Raises
    ------
    ValueError
        A ``source_ref`` that is not a ``fact_id`` of ``data/method_facts.csv`` (named with
        its line).
    """
    path = root / GLOSSARY_FILE
    if not path.is_file():
        return []
    header, rows = read_rows(path)
    facts = _method_sources(root)
    terms = []
    for line, fields in rows:
        row = dict(zip(header, fields, strict=False))
        ref = row.get("source_ref", "").strip()
        source, url, source_line = row.get("source", ""), "", None
        if ref:
            if ref not in facts:
                raise ValueError(
                    f"{GLOSSARY_FILE}, line {line}, column source_ref: {ref!r} is not a fact_id "
                    f"of {METHOD_FACTS_FILE}"
                )
            source, url, source_line = facts[ref]
        terms.append(
            {
                "id": row["term_id"],
                "term": row["term"],
                "aliases": [a for a in row.get("aliases", "").split("|") if a],
                "definition": row["definition"],
                "source": source,
                "url": url.split(" ; ")[0].strip(),
                "source_line": source_line,
            }
        )
    return terms


def glossary_patterns(terms: list[dict]) -> list[tuple[str, str]]:
    """(term or alias, anchor id) pairs, longest first, for linking first uses."""
    pairs = [(t["term"], t["id"]) for t in terms]
    pairs += [(alias, t["id"]) for t in terms for alias in t["aliases"]]
    return sorted(pairs, key=lambda pair: (-len(pair[0]), pair[0]))


def glossary_page(terms: list[dict]) -> str:
    """The body of the glossary page: one definition list entry per term, anchored by its id."""
    items = []
    for t in terms:
        also = (
            f' <span class="aka">(also: {html.escape(", ".join(t["aliases"]))})</span>'
            if t["aliases"]
            else ""
        )
        source = html.escape(t["source"])
        if t["source_line"]:
            source += (
                f' (<a href="data/method_facts.csv.html#L{t["source_line"]}">'
                f"data/method_facts.csv, line {t['source_line']}</a>)"
            )
        items.append(
            f'<dt id="{html.escape(t["id"])}">{html.escape(t["term"])}{also}</dt>'
            f'<dd><p>{html.escape(t["definition"])}</p><p class="source">Source: {source}</p></dd>'
        )
    return (
        "<h1>Glossary</h1>\n<p>Terms a reader may not know, each in one sentence with a source. "
        "The first use of a term on each page links here.</p>\n"
        f'<dl class="glossary">{"".join(items)}</dl>\n'
    )


_TAGS = re.compile(r"<[^>]+>")
_SKIPPED = re.compile(r"<(script|style|details|nav|header|footer|head)\b.*?</\1>", re.S | re.I)


def page_text(page_html: str) -> str:
    """The readable text of a page (no code, navigation, scripts), whitespace collapsed."""
    text = _SKIPPED.sub(" ", page_html)
    text = _TAGS.sub(" ", text.replace("<wbr>", ""))
    return " ".join(html.unescape(text).split())


def headings(page_html: str) -> list[tuple[str, str]]:
    """(anchor id, text) of the page's h2 and h3 headings that carry an id."""
    out = []
    for match in re.finditer(r"<h([23])[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</h\1>", page_html, re.S):
        text = " ".join(html.unescape(_TAGS.sub(" ", match.group(3))).replace("¶", "").split())
        out.append((match.group(2), text))
    return out


def search_records(pages: list[tuple[str, str, str]]) -> list[dict]:
    """One search record per page: ``href``, ``title``, its headings and its text.

    Parameters
    ----------
    pages : list of (str, str, str)
        (site-relative address, title, page HTML).
    """
    return [
        {
            "href": href,
            "title": title,
            "headings": [{"id": i, "text": t} for i, t in headings(body)],
            "text": page_text(body),
        }
        for href, title, body in pages
    ]


def version(root: Path) -> str:
    """The build's version: the git commit and its date, and whether files were changed.

    Deterministic for a given checkout (no clock is read). ``"not under version control"``
    outside a git work tree.
    """

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=20,
        ).stdout.strip()

    try:
        out = git("log", "-1", "--format=%h %cs")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "not under version control"
    if not out:
        return "not under version control"
    commit, date = out.split()
    return f"commit {commit} of {date}" + (", with uncommitted changes" if dirty else "")


def citation(root: Path) -> dict:
    """How to cite the collection, from ``CITATION.cff`` (``{}`` when absent).

    Returns
    -------
    dict
        ``text`` (a reference line), ``licence``, ``message`` and ``version`` (the release).
    """
    path = root / "CITATION.cff"
    if not path.is_file():
        return {}
    cff = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    authors = ", ".join(
        a.get("name") or " ".join(x for x in (a.get("given-names"), a.get("family-names")) if x)
        for a in cff.get("authors", [])
    )
    year = str(cff.get("date-released", ""))[:4]
    text = f"{authors}. {cff.get('title', '')}"
    if cff.get("version"):
        text += f", version {cff['version']}"
    if year:
        text += f" ({year})"
    return {
        "text": text + ".",
        "licence": cff.get("license", ""),
        "message": cff.get("message", ""),
        "version": str(cff.get("version", "")),
    }
