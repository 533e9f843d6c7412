"""Links in the site's pages: every file, row, reference and term one click from its source.

:func:`linkify` rewrites the text of a rendered page (never its tags, attributes, code cells or
existing links) so that

* a project file named in prose or a table (``data/trials.csv``, ``results/03_meta_analyses.json``,
  ``params/shared.yaml``, ``src/ta1sepsis/evidence/grade.py``) links to the copy the site ships;
  a data table with a row ("``data/grade_judgements.csv, line 17``") links to that row of the
  table's HTML view (anchor ``L17``: the file's line number, the header being line 1);
* a DOI (``10.1186/cc11932``), a PubMed id (``PMID 39814420``), a ClinicalTrials.gov number
  (``NCT02867267``) and a web address link out;
* the name of a page of the site (``05_subgroups``) links to that page;
* the first use of each glossary term on the page links to its definition (:data:`GLOSSARY`
  is read from ``data/glossary.csv``).

The table formatter puts ``<wbr>`` break opportunities inside identifiers; they are kept in the
link text and removed from the address.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable

_WBR = "\u200b"  # stands for <wbr> while the text is rewritten
_WBR_TAG = re.compile(r"<wbr\s*/?>", re.I)
_TAG = re.compile(r"(<!--.*?-->|<[^>]+>)", re.S)
# text inside these elements is left alone (code, existing links, headings, the page head)
_SKIP = {
    "a",
    "pre",
    "script",
    "style",
    "title",
    "head",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "summary",
    "button",
    "textarea",
    "label",
    "option",
}
_Z = f"[{_WBR}]?"
_PATH_CHAR = rf"[A-Za-z0-9_.\-{_WBR}]"
FILE = re.compile(
    rf"(?<![\w/])((?:data|tables|results|params|notebooks|src){_Z}/(?:{_PATH_CHAR}+/)*"
    rf"{_PATH_CHAR}+?\.{_Z}(?:csv|json|yaml|md|py|ipynb))"
    rf"(?:(,?\s(?:line|row)s?\s)(\d+))?(?!\w)(?!\.\w)"
)
DOI = re.compile(r"(?<![\w/])(10\.\d{4,9}/[^\s;,<>\"'()]*[^\s;,.<>\"'()\]])")
PMID = re.compile(r"\b(PMID:?\s?)(\d{5,9})\b")
NCT = re.compile(r"\b(NCT\d{8})\b")
URL = re.compile(r"\b(https?://[^\s<>\"']*[^\s<>\"'.,;:)\]])")


_LINK_PIECE = re.compile(r"(<a [^>]*>.*?</a>)", re.S)


class Linker:
    """Rewrites the text of one page.

    Parameters
    ----------
    root : str
        Relative path from the page to the site root (``""`` or ``"../"``).
    files : set of str
        Project-relative paths the site ships (``data/trials.csv``); only these are linked.
    row_pages : set of str
        Data files with a row view (``data/trials.csv`` -> ``data/trials.csv.html``).
    pages : dict
        Page name (``05_subgroups``) -> its site-relative address (``05_subgroups.html``).
    glossary : list of (str, str)
        Glossary terms with their anchor ids, longest first.
    current : str
        The page's own name (not linked to itself).
    """

    def __init__(
        self,
        root: str,
        files: Iterable[str],
        row_pages: Iterable[str],
        pages: dict[str, str],
        glossary: list[tuple[str, str]],
        current: str = "",
    ):
        self.root = root
        self.files = set(files)
        self.row_pages = set(row_pages)
        self.pages = {k: v for k, v in pages.items() if k != current and "/" not in k}
        self.glossary = glossary
        self.glossary_seen: set[str] = set()
        names = sorted(self.pages, key=len, reverse=True)
        self.page_pattern = (
            re.compile(r"(?<![\w/.])(" + "|".join(map(re.escape, names)) + r")(?![\w.])")
            if names
            else None
        )
        self.term_pattern = (
            re.compile(r"(?<![\w-])(" + "|".join(re.escape(t) for t, _ in glossary) + r")(?![\w-])")
            if glossary
            else None
        )
        self.term_ids = dict(glossary)
        # one kind of reference at a time, each on the text the previous ones left unlinked
        self.steps: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
            (URL, self._url),
            (FILE, self._file),
            (DOI, self._doi),
            (PMID, self._pmid),
            (NCT, self._nct),
        ]
        if self.page_pattern is not None:
            self.steps.append((self.page_pattern, self._page))
        if self.term_pattern is not None:
            self.steps.append((self.term_pattern, self._term))

    def _file(self, match: re.Match) -> str:
        text = match.group(1)
        path = text.replace(_WBR, "")
        if path not in self.files:
            return match.group(0)
        if match.group(3) and path in self.row_pages:
            href = f"{self.root}{path}.html#L{match.group(3)}"
            return f'<a class="src" href="{href}">{text}{match.group(2)}{match.group(3)}</a>'
        href = f"{self.root}{path}.html" if path in self.row_pages else f"{self.root}{path}"
        rest = "" if match.group(3) is None else f"{match.group(2)}{match.group(3)}"
        return f'<a class="src" href="{href}">{text}</a>{rest}'

    def _url(self, match: re.Match) -> str:
        return f'<a class="ext" href="{match.group(1)}">{match.group(1)}</a>'

    def _doi(self, match: re.Match) -> str:
        doi = match.group(1)
        return f'<a class="ext" href="https://doi.org/{doi}">{doi}</a>'

    def _pmid(self, match: re.Match) -> str:
        return (
            f'{match.group(1)}<a class="ext" href="https://pubmed.ncbi.nlm.nih.gov/'
            f'{match.group(2)}/">{match.group(2)}</a>'
        )

    def _nct(self, match: re.Match) -> str:
        return (
            f'<a class="ext" href="https://clinicaltrials.gov/study/{match.group(1)}">'
            f"{match.group(1)}</a>"
        )

    def _page(self, match: re.Match) -> str:
        return (
            f'<a class="page" href="{self.root}{self.pages[match.group(1)]}">{match.group(1)}</a>'
        )

    def _term(self, match: re.Match) -> str:
        term = match.group(1)
        anchor = self.term_ids[term]
        if anchor in self.glossary_seen:
            return term
        self.glossary_seen.add(anchor)
        return (
            f'<a class="term" href="{self.root}glossary.html#{anchor}" '
            f'title="glossary: {html.escape(term, quote=True)}">{term}</a>'
        )

    def text(self, text: str) -> str:
        """Links in one text node (HTML-escaped text, ``<wbr>`` as U+200B)."""
        pieces = [text]
        for pattern, replace in self.steps:
            out = []
            for piece in pieces:
                if piece.startswith("<a "):
                    out.append(piece)
                    continue
                position = 0
                for match in pattern.finditer(piece):
                    out.append(piece[position : match.start()])
                    link = replace(match)
                    # a link is one piece (later steps leave it alone); text around it is not
                    out.extend(_LINK_PIECE.split(link))
                    position = match.end()
                out.append(piece[position:])
            pieces = [p for p in out if p]
        return "".join(pieces)


def linkify(page_html: str, linker: Linker, start: str = "<main") -> str:
    """Apply ``linker`` to the text nodes of ``page_html`` from ``start`` on.

    Text inside links, code (``pre``), headings, scripts and styles is left alone; so is
    everything before the first occurrence of ``start`` (the header and navigation).
    """
    begin = page_html.find(start)
    if begin < 0:
        return page_html
    head, body = page_html[:begin], _WBR_TAG.sub(_WBR, page_html[begin:])
    out = []
    skip: list[str] = []
    for token in _TAG.split(body):
        if not token:
            continue
        if token.startswith("<"):
            match = re.match(r"<(/?)([A-Za-z][A-Za-z0-9]*)", token)
            if match:
                closing, name = match.group(1) == "/", match.group(2).lower()
                if name in _SKIP and not token.endswith("/>"):
                    if closing:
                        if name in skip:
                            while skip and skip.pop() != name:
                                pass
                    else:
                        skip.append(name)
            out.append(token)
        elif skip or not token.strip():
            out.append(token)
        else:
            out.append(linker.text(token))
    return head + "".join(out).replace(_WBR, "<wbr>")
