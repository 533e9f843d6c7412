"""The offline site: its structure (on the real notebooks and on a small synthetic project with a
synthesis page and trial reports), and every page in headless Chromium.

The browser test fails on: a JavaScript error, a broken image, a broken internal link or anchor,
an error or stderr output, a bare execute result (``Out[n]:``), a table cell whose text ends in
"…" or "...", text overflowing its box horizontally (other than the scroll wrappers), a page
without a table of contents, and any external URL in a script, stylesheet or image (or any
resource fetched over the network). It reports every problem of every page at once.

Screenshots, for people to look at (they assert nothing), are taken only by ``make screenshots``
(``TA1_SCREENSHOTS=1``): a full-page screenshot of every page at 1400 px into ``screenshots/``
and the reader's views into ``screenshots/reader/`` (git-ignored). Rasterising pages up to
25,000 px tall was two thirds of the browser tests' time.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from ta1sepsis.pipeline import site

# the site in headless Chromium: make test, not make check
pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
# one site per pytest-xdist worker: tests of this module may run on both at once
SITE = ROOT / "build" / f"test-site-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
SHOTS = ROOT / "screenshots"
# screenshots only when asked for (make screenshots); the checks run either way
TAKE_SHOTS = os.environ.get("TA1_SCREENSHOTS", "") not in ("", "0")
WIDTH = 1400
EXTERNAL = ("http://", "https://", "//")


def _rendered_notebooks(root: Path) -> list[Path]:
    folder = root / "notebooks"
    return sorted(folder.glob("[0-9][0-9]_*.ipynb")) + sorted((folder / "trials").glob("*.ipynb"))


def _site_name(path: Path, root: Path) -> str:
    relative = path.relative_to(root / "notebooks").with_suffix("")
    return relative.as_posix()


@pytest.fixture(scope="module")
def pages():
    subprocess.run(
        [sys.executable, "-m", "ta1sepsis.pipeline.site", "--out", str(SITE.relative_to(ROOT))],
        cwd=ROOT,
        check=True,
    )
    built = sorted(SITE.rglob("*.html"))
    assert built, f"the site build wrote no pages into {SITE}"
    return built


@pytest.fixture(scope="module")
def browser():
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.fail(
            "Chromium is not installed: run `make browser` (Debian packages chromium, chromium-driver)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--window-size={WIDTH},1000",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


# --- the real site ------------------------------------------------------------------------------


def test_site_has_an_index_and_a_page_per_notebook(pages):
    names = {p.relative_to(SITE).with_suffix("").as_posix() for p in pages}
    notebooks = {_site_name(p, ROOT) for p in _rendered_notebooks(ROOT)}
    data_tables = {f"{p.relative_to(ROOT).as_posix()}" for p in (ROOT / "data").glob("*.csv")}
    reference = {"glossary", "downloads", "search", "summary-of-findings"}
    assert names == notebooks | {"index"} | data_tables | reference
    # every shipped data table is there to download beside its row page
    assert all((SITE / f).is_file() for f in data_tables)


def test_no_error_output_cells():
    for path in _rendered_notebooks(ROOT):
        nb = nbformat.read(path, as_version=4)
        errors = [
            o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
        ]
        assert not errors, f"{path.name} has an error output"


def test_build_is_deterministic_and_offline(pages, tmp_path):
    again = tmp_path / "again"
    site.build(ROOT, again)
    first = {p.relative_to(SITE): p.read_bytes() for p in SITE.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for element in soup.find_all(tag):
                value = element.get(attr) or ""
                assert not value.startswith(EXTERNAL), f"{page.name}: external {tag} {value}"
        # scripts: the site's own (site.js; the search page's index), beside the pages; and
        # the claims ledger's filter, inline (nothing is fetched from elsewhere)
        scripts = soup.find_all("script")
        local = [s["src"] for s in scripts if s.get("src")]
        assert all(src.split("/")[-1] in ("site.js", "search-index.js") for src in local), (
            f"{page.name}: a script file {local}"
        )
        assert (page.parent / local[0]).is_file() if local else True
        styles = " ".join(s.get_text() for s in soup.find_all("style"))
        for needle in ("@import", "url(http", "url(//", "@font-face"):
            assert needle not in styles, f"{page.name}: {needle} in a stylesheet"
        text = page.read_text(encoding="utf-8").lower()
        for needle in ("require.js", "mathjax", "mermaid", "cdn.", "unpkg", "jsdelivr"):
            assert needle not in text, f"{page.name}: {needle}"


def test_code_is_folded_and_parameters_shown_once(pages):
    for path in _rendered_notebooks(ROOT):
        name = _site_name(path, ROOT)
        nb = nbformat.read(path, as_version=4)
        soup = BeautifulSoup((SITE / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
        code_cells = [
            c
            for c in nb.cells
            if c.cell_type == "code"
            and not {"parameters", "injected-parameters"} & set(c.metadata.get("tags", []))
        ]
        folded = soup.select("details.code")
        assert len(folded) == len(code_cells), name
        assert all(d.find("summary").get_text() == "code" for d in folded)
        assert not any(d.has_attr("open") for d in folded)
        # the parameters: one table with every value, no parameters or injected cell shown
        values = nb.metadata.get("ta1sepsis", {}).get("parameters", {})
        tables = soup.select("section.parameters table")
        assert len(tables) == (1 if values else 0), name
        if not values:
            continue
        shown = [th.get_text() for th in tables[0].select("tbody th")]
        assert shown == list(values), name
        assert "# Parameters" not in soup.get_text()
        descriptions = site.describe_parameters(name)
        for row in tables[0].select("tbody tr"):
            parameter = row.th.get_text()
            if descriptions.get(parameter):
                assert descriptions[parameter] in row.get_text(), (name, parameter)


def test_parameter_table_shows_the_values_used(pages):
    soup = BeautifulSoup((SITE / "02_etass.html").read_text(encoding="utf-8"), "html.parser")
    rows = {
        tr.th.get_text(): [td.get_text() for td in tr.find_all("td")]
        for tr in soup.select("section.parameters tbody tr")
    }
    nb = nbformat.read(ROOT / "notebooks" / "02_etass.ipynb", as_version=4)
    used = nb.metadata["ta1sepsis"]["parameters"]
    assert rows["alpha"][0] == str(used["alpha"])
    assert rows["study_id"][0] == used["study_id"]
    assert rows["alpha"][1] == "yes"  # the default
    assert rows["alpha"][2].startswith("two-sided significance level")


def test_navigation_order(pages):
    soup = BeautifulSoup((SITE / "index.html").read_text(encoding="utf-8"), "html.parser")
    order = [
        a["href"].removesuffix(".html")
        for a in soup.select("nav.sidebar ol a")
        if a["href"]
        not in ("glossary.html", "downloads.html", "search.html", "summary-of-findings.html")
    ]
    expected = [_site_name(p, ROOT) for p in _rendered_notebooks(ROOT)]
    if site.SYNTHESIS in expected:
        expected.remove(site.SYNTHESIS)
        expected.insert(0, site.SYNTHESIS)
    assert order == expected
    # previous/next walk the same order
    for position, name in enumerate(order):
        page = BeautifulSoup((SITE / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
        nxt = page.select_one('nav.prevnext a[rel="next"]')
        if position + 1 < len(order):
            assert nxt["href"].endswith(f"{order[position + 1]}.html"), name
        else:
            assert nxt is None
        current = page.select("nav.sidebar a.current")
        assert [a["href"].split("/")[-1] for a in current] == [f"{name.split('/')[-1]}.html"]


# --- a synthetic project with a synthesis page and trial reports ------------------------------


def _png(width: int, height: int, dpi: float) -> str:
    """A minimal valid PNG (grey, 8-bit) with a pHYs chunk, base64-encoded."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    ppm = round(dpi / 0.0254)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return base64.b64encode(data).decode("ascii")


def _notebook(title: str, parameters: dict) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["ta1sepsis"] = {"parameters": parameters}
    source = "\n".join(f"{k} = {v!r}" for k, v in parameters.items())
    nb.cells = [
        new_markdown_cell(f"# {title}\n\n**Question.** Does {title} hold?\n\nIntro."),
        new_code_cell(source, metadata={"tags": ["parameters"]}),
        new_code_cell("# Parameters\n" + source, metadata={"tags": ["injected-parameters"]}),
        new_markdown_cell("## 1. First section: counts\n\nText.\n\n```\n## not a heading\n```"),
        new_code_cell(
            "show(table)",
            outputs=[
                new_output(
                    "display_data",
                    data={"text/html": "<p>a table</p>", "text/plain": "a table"},
                ),
                new_output(
                    "display_data",
                    data={"image/png": _png(300, 20, 150.0), "text/plain": "<Image>"},
                ),
            ],
        ),
        new_markdown_cell("### A sub-section\n\nMore."),
    ]
    return nb


@pytest.fixture()
def project(tmp_path):
    (tmp_path / "notebooks" / "trials").mkdir(parents=True)
    (tmp_path / "results" / "trials").mkdir(parents=True)
    (tmp_path / "figures" / "trials").mkdir(parents=True)
    notebooks = {
        "notebooks/02_etass.ipynb": _notebook("ETASS: recomputed", {"alpha": 0.05}),
        "notebooks/01_mechanism.ipynb": _notebook("Mechanism: pathway", {"trials_file": "x"}),
        "notebooks/09_synthesis.ipynb": _notebook("Synthesis: what holds", {}),
        "notebooks/trials/tests.ipynb": _notebook("TESTS: trial report", {"study_id": "tests"}),
        "notebooks/trials/etass.ipynb": _notebook("ETASS: trial report", {"study_id": "etass"}),
    }
    for relative, nb in notebooks.items():
        nbformat.write(nb, tmp_path / relative)
    result = {"value": 0.7419, "lower": 0.5407, "upper": 1.0181, "description": ""}
    (tmp_path / "results" / "trials" / "etass.json").write_text(
        json.dumps({"etass.mortality_28d.rr": result, "etass.study": {"value": "ETASS (Wu 2013)"}}),
        encoding="utf-8",
    )
    (tmp_path / "figures" / "trials" / "etass_overview.png").write_bytes(
        base64.b64decode(_png(40, 30, 150.0))
    )
    return tmp_path


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_synthesis_first_and_trial_reports_under_their_own_heading(project):
    out = project / "site"
    written = site.build(project, out)
    assert [p.relative_to(out).as_posix() for p in written] == [
        "index.html",
        "09_synthesis.html",
        "01_mechanism.html",
        "02_etass.html",
        "trials/etass.html",
        "trials/tests.html",
    ]
    index = _soup(out / "index.html")
    assert [h.get_text() for h in index.select("nav.sidebar h2")] == [
        "Start here",
        "Analyses",
        "Trial reports",
        "Reference",
    ]
    # the index leads to the synthesis first: its first card and its "next" link
    cards = [a["href"] for a in index.select("article.card h3 a")]
    assert cards == [
        "09_synthesis.html",
        "01_mechanism.html",
        "02_etass.html",
        "trials/etass.html",
        "trials/tests.html",
    ]
    assert index.select_one('nav.prevnext a[rel="next"]')["href"] == "09_synthesis.html"
    # from results/trials/etass.json, with its direction in words (the interval crosses 1)
    assert "28-day mortality, RR 0.74 (0.54 to 1.02): interval includes no effect" in (
        index.get_text()
    )
    # a report is named after its trial where its results give the label
    titles = [a.get_text() for a in index.select("article.card h3 a")]
    assert "ETASS: trial report: ETASS (Wu 2013)" in titles and "TESTS: trial report" in titles
    assert (out / "figures" / "trials" / "etass_overview.png").is_file()

    # a trial page one folder down: every relative link resolves inside the site
    trial = _soup(out / "trials" / "etass.html")
    for a in trial.find_all("a", href=True):
        target = a["href"].split("#")[0]
        if target:
            assert (out / "trials" / target).resolve().is_file(), a["href"]

    def target(selector):
        return (out / "trials" / trial.select_one(selector)["href"]).resolve()

    assert target("nav.sidebar a.current") == out / "trials" / "etass.html"
    assert target('nav.prevnext a[rel="prev"]') == out / "02_etass.html"
    assert target('nav.prevnext a[rel="next"]') == out / "trials" / "tests.html"
    # a trial report without a known specification shows the values only
    headers = [th.get_text() for th in trial.select("section.parameters thead th")]
    described = bool(site.describe_parameters("trials/etass").get("study_id"))
    assert headers == ["parameter", "value", "default?", "description"][: 4 if described else 3]
    assert trial.select_one("section.parameters td").get_text() == "etass"


def test_page_toc_parameters_code_and_figure_width(project):
    out = project / "site"
    site.build(project, out)
    page = _soup(out / "02_etass.html")
    toc = [
        (li["class"][0], a["href"], a.get_text())
        for li in page.select("nav.toc li")
        for a in li("a")
    ]
    # the sections in order; the parameters (folded) and the page's sources at the end
    assert toc == [
        ("level-2", "#1.-First-section:-counts", "1. First section: counts"),
        ("level-3", "#A-sub-section", "A sub-section"),
        ("level-2", "#parameters-used", "Parameters used"),
        ("level-2", "#page-sources", "Source of this page"),
    ]
    note = page.select_one("p.parameter-note").get_text()
    assert note.startswith("Rendered with the default value of its 1 parameter.") or (
        note.startswith("Rendered with")
    )
    for _, href, _ in toc:
        assert page.find(id=href[1:]) is not None, href  # every entry has its anchor
    rows = page.select("section.parameters tbody tr")
    assert len(rows) == 1 and rows[0].th.get_text() == "alpha"
    assert [td.get_text() for td in rows[0].find_all("td")] == [
        "0.05",
        "yes",
        site.describe_parameters("02_etass")["alpha"],
    ]
    assert "# Parameters" not in page.get_text()
    folded = page.select("details.code")
    assert len(folded) == 1 and "show(table)" in folded[0].get_text()
    image = page.select_one(".jp-RenderedImage img")
    assert image["width"] == "192"  # 300 px drawn at 150 dpi = 2 inches = 192 CSS px
    # the synthesis has no parameters: no table, no table-of-contents entry for it
    synthesis = _soup(out / "09_synthesis.html")
    assert not synthesis.select("section.parameters")
    assert synthesis.select_one("nav.toc a")["href"] != "#parameters-used"


def test_without_synthesis_or_trials(project):
    (project / "notebooks" / "09_synthesis.ipynb").unlink()
    shutil.rmtree(project / "notebooks" / "trials")
    out = project / "site"
    site.build(project, out)
    index = _soup(out / "index.html")
    assert [h.get_text() for h in index.select("nav.sidebar h2")] == ["Analyses", "Reference"]
    assert "Trial reports" not in index.get_text()
    assert index.select_one('nav.prevnext a[rel="next"]')["href"] == "01_mechanism.html"
    first = _soup(out / "01_mechanism.html")
    assert first.select_one('nav.prevnext a[rel="prev"]')["href"] == "index.html"


def test_build_replaces_the_site_atomically(project, monkeypatch):
    out = project / "site"
    site.build(project, out)
    (out / "stale.html").write_text("old", encoding="utf-8")
    site.build(project, out)
    assert not (out / "stale.html").exists()  # replaced as a whole
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def fail(*args, **kwargs):
        raise RuntimeError("simulated failure while rendering")

    monkeypatch.setattr(site, "render_index", fail)
    with pytest.raises(RuntimeError, match="simulated"):
        site.build(project, out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not [p for p in project.iterdir() if p.name.startswith(".site.")]  # no leftovers


# --- every page in headless Chromium ------------------------------------------------------------

CHECKS = r"""
const problems = [];
const where = (el) => {
  const cell = el.closest('.jp-Cell');
  const id = cell && cell.id ? cell.id.replace('cell-id=', '') + ' ' : '';
  const text = (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 70);
  return `${id}<${el.tagName.toLowerCase()} class="${el.className}"> "${text}"`;
};
const allowed = (el) => el.matches('.ta1-table-wrap, details.code pre, .sidebar, .toc, .visually-hidden');
const overflowing = Array.from(document.querySelectorAll('body *')).filter(
  (el) => el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && !allowed(el));
for (const el of overflowing) {  // the innermost box only, not each of its ancestors
  if (!overflowing.some((other) => other !== el && el.contains(other))) {
    problems.push('text overflows its box: ' + where(el));
  }
}
const page = document.documentElement;
if (page.scrollWidth > page.clientWidth + 1) problems.push('the page scrolls sideways');
if (arguments[0]) return problems;  // overflow only (second pass, code unfolded)
for (const cell of document.querySelectorAll('td, th')) {
  const text = cell.innerText.trim();
  if (text.endsWith('…') || text.endsWith('...')) problems.push('truncated table cell: ' + where(cell));
}
for (const out of document.querySelectorAll('.jp-OutputArea-executeResult, .jp-OutputPrompt')) {
  problems.push('bare execute result (Out[...]): ' + where(out.closest('.jp-OutputArea-child') || out));
}
for (const err of document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')) {
  problems.push('error or warning output: ' + where(err));
}
const toc = document.querySelectorAll('nav.toc a[href^="#"]');
if (toc.length === 0 && !document.querySelector('main.plain')) problems.push('no table of contents');
for (const a of document.querySelectorAll('a[href^="#"]')) {
  const id = decodeURIComponent(a.getAttribute('href').slice(1));
  // nbconvert percent-encodes non-ASCII heading ids; a browser matches the raw fragment first
  const raw = a.getAttribute('href').slice(1);
  if (id && !document.getElementById(id) && !document.getElementById(raw)) problems.push('broken anchor ' + a.getAttribute('href'));
}
for (const el of document.querySelectorAll('script[src], link[href], img[src], iframe[src], source[src]')) {
  const url = el.getAttribute('src') || el.getAttribute('href');
  if (/^(https?:)?\/\//i.test(url)) problems.push('external URL ' + url);
}
for (const entry of performance.getEntriesByType('resource')) {
  if (/^https?:/i.test(entry.name)) problems.push('fetched from the network: ' + entry.name);
}
for (const img of document.images) {
  if (!img.complete || img.naturalWidth === 0) problems.push('broken image ' + img.src.slice(0, 80));
}
return problems;
"""


def _full_page_screenshot(browser, path: Path) -> None:
    height = browser.execute_script(
        "return Math.ceil(Math.max(document.documentElement.scrollHeight,"
        " document.body.scrollHeight));"
    )
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": WIDTH, "height": int(height), "deviceScaleFactor": 1, "mobile": False},
    )
    try:
        shot = browser.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
        )
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    path.write_bytes(base64.b64decode(shot["data"]))


def test_every_page_renders_cleanly_in_chromium(pages, browser):
    if TAKE_SHOTS:
        SHOTS.mkdir(exist_ok=True)
    report = {}
    for page in pages:
        name = page.relative_to(SITE).with_suffix("").as_posix()
        browser.get(page.as_uri())
        problems = [
            f"console {e['level']}: {e['message']}"
            for e in browser.get_log("browser")
            if e["level"] in ("SEVERE", "ERROR")
        ]
        problems += browser.execute_script(CHECKS, False)
        for link in browser.execute_script("return Array.from(document.links).map(a => a.href);"):
            parsed = urlparse(link)
            if parsed.scheme == "file" and not Path(unquote(parsed.path)).is_file():
                problems.append(f"broken link {link}")
        if TAKE_SHOTS and not name.startswith("data/"):  # data row pages: checked, not pictured
            _full_page_screenshot(browser, SHOTS / f"{name.replace('/', '-')}.png")
        # unfolded code must not overflow either (code boxes scroll)
        browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
        problems += [f"{p} (code unfolded)" for p in browser.execute_script(CHECKS, True)]
        if problems:
            report[name] = sorted(set(problems))
    if TAKE_SHOTS:
        pictured = [p for p in pages if "data" not in p.relative_to(SITE).parts]
        assert len(list(SHOTS.glob("*.png"))) >= len(pictured) > 1
    assert not report, "\n" + "\n".join(
        f"{name}:\n  " + "\n  ".join(items) for name, items in report.items()
    )


def test_notebook_links_become_page_links_and_the_ledger_has_both_axes(project):
    """A notebook's link to another notebook (``trials/etass.ipynb``) points at its page on the
    site; the index summarises the ledger as claims by how they were checked and what was
    found, with row and column totals that add up."""
    nb = _notebook("Synthesis: what holds", {})
    nb.cells.append(
        new_markdown_cell(
            "See [the ETASS report](trials/etass.ipynb), [a section](02_etass.ipynb#A-sub-section) "
            "and [the web](https://example.org/x.ipynb)."
        )
    )
    nbformat.write(nb, project / "notebooks" / "09_synthesis.ipynb")
    nbformat.write(_notebook("Claims: ledger", {}), project / "notebooks" / "08_claims.ipynb")
    table = {
        "looked up": {"holds": 5, "differs": 0, "not assessed": 0},
        "recomputed": {"holds": 2, "differs": 1, "not assessed": 0},
        "not checkable": {"holds": 0, "differs": 0, "not assessed": 3},
    }
    results = {
        "claims.method_by_verdict": {"value": table, "description": ""},
        "claims.sentences": {"value": 20, "description": ""},
        "claims.not_claims": {"value": 9, "description": ""},
        "claims.omissions": {"value": 2, "description": ""},
        "claims.total": {"value": 11, "description": ""},
    }
    (project / "results" / "08_claims.json").write_text(json.dumps(results), encoding="utf-8")
    out = project / "site"
    site.build(project, out)
    page = _soup(out / "09_synthesis.html")
    hrefs = [a["href"] for a in page.select("div.jp-RenderedMarkdown a, .jp-MarkdownOutput a")]
    assert "trials/etass.html" in hrefs and "02_etass.html#A-sub-section" in hrefs
    assert "https://example.org/x.ipynb" in hrefs  # not a notebook of the site: left alone
    index = _soup(out / "index.html")
    ledger = index.select_one("section#claims-ledger table")
    header = [th.get_text() for th in ledger.select("thead th")]
    assert header == ["how checked", "holds", "differs", "not assessed", "all"]
    rows = {
        tr.th.get_text(): [td.get_text() for td in tr.find_all("td")]
        for tr in ledger.select("tbody tr")
    }
    assert list(rows) == ["recomputed", "looked up", "not checkable", "all"]  # claims.METHODS order
    assert rows["recomputed"] == ["2", "1", "0", "3"]
    assert rows["all"] == ["7", "1", "3", "11"]
    text = index.select_one("section#claims-ledger").get_text()
    assert "20 sentences" in text and "9 sentences or parts of sentences" in text


# --- the reader's layout at four widths ---------------------------------------------------------

READER_WIDTHS = (390, 1024, 1400, 1920)
FIRST_SCREEN = 900  # px: the Bottom line starts within it on desktop widths
READER_SHOTS = ("index", "09_synthesis", "08_claims")
LAYOUT = r"""
const out = {overflow: [], bottom: null, figures: [], downloads: 0, tables: 0, labels: 0};
for (const t of document.querySelectorAll('main table')) {
  out.tables++;
  const box = t.closest('.ta1-table-wrap') || t.parentElement;
  if (t.scrollWidth > box.clientWidth + 1) {
    out.overflow.push(`table ${out.tables} (${t.scrollWidth} px in ${box.clientWidth} px): ` +
      Array.from(t.tHead ? t.tHead.rows[0].cells : []).map(c => c.textContent.trim()).join(' | ').slice(0, 80));
  }
  if (t.querySelector('td[data-label]')) out.labels++;
}
const bl = document.getElementById('Bottom-line');
out.bottom = bl ? Math.round(bl.getBoundingClientRect().top + window.scrollY) : null;
for (const f of document.querySelectorAll('main figure')) {
  const img = f.querySelector('img'), cap = f.querySelector('figcaption');
  out.figures.push([img ? img.getAttribute('alt') : '', cap ? cap.textContent.trim() : '']);
}
out.downloads = document.querySelectorAll('.table-tools button').length;
out.tables -= document.querySelectorAll('section.parameters table').length;
return out;
"""


def _emulate(browser, width: int, height: int = FIRST_SCREEN, media: str = "") -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": media})


def test_reader_layout_at_four_widths(pages, browser):
    """At 1024, 1400 and 1920 px no table is wider than its box (no sideways scrolling), the
    Bottom line starts on the first screen, every figure has a caption and an alt text that is
    not generic, every table has its CSV download; at 390 px wide tables become one card per
    row (cells labelled) and the page never scrolls sideways. With ``make screenshots``,
    screenshots of the index, 09 and 08 at 1400 and 390 px go to screenshots/reader/."""
    if TAKE_SHOTS:
        (SHOTS / "reader").mkdir(parents=True, exist_ok=True)
    notebook_pages = [
        p
        for p in pages
        if p.relative_to(SITE).parts[0] not in ("data",)
        and p.stem not in ("glossary", "downloads", "search", "summary-of-findings")
    ]
    problems = []
    try:
        # each page loaded once and laid out at each width in turn (the site's script does not
        # depend on the width, so a resized page is laid out as one loaded at that width)
        for page in notebook_pages:
            name = page.relative_to(SITE).with_suffix("").as_posix()
            _emulate(browser, READER_WIDTHS[0])
            browser.get(page.as_uri())
            for width in READER_WIDTHS:
                _emulate(browser, width)
                got = browser.execute_script(LAYOUT)
                where = f"{name} at {width} px"
                if width >= 1024:
                    problems += [f"{where}: {o}" for o in got["overflow"]]
                    if name != "index" and got["bottom"] is None:
                        problems.append(f"{where}: no Bottom line")
                    elif got["bottom"] is not None and got["bottom"] > FIRST_SCREEN:
                        problems.append(f"{where}: Bottom line starts at {got['bottom']} px")
                    if got["downloads"] < got["tables"]:
                        problems.append(
                            f"{where}: {got['tables'] - got['downloads']} tables "
                            "without a CSV download"
                        )
                for alt, caption in got["figures"]:
                    if not caption or alt.strip().lower() in ("", "figure", "image"):
                        problems.append(f"{where}: figure without caption or alt ({alt[:40]!r})")
                if width < 600:
                    wide = browser.execute_script(
                        "return document.documentElement.scrollWidth > window.innerWidth + 1"
                    )
                    if wide:
                        problems.append(f"{where}: the page scrolls sideways")
                if TAKE_SHOTS and name in READER_SHOTS and width in (390, 1400):
                    browser.get(page.as_uri())  # pictured as loaded at this width
                    height = browser.execute_script(
                        "return Math.ceil(document.documentElement.scrollHeight)"
                    )
                    _emulate(browser, width, int(height))
                    shot = browser.execute_cdp_cmd(
                        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
                    )
                    (SHOTS / "reader" / f"{name}-{width}.png").write_bytes(
                        base64.b64decode(shot["data"])
                    )
                    _emulate(browser, width)
        # printed (A4 landscape, 12 mm margins: about 1030 CSS px of text width): the summary
        # of findings keeps every column on the page
        _emulate(browser, 1030, media="print")
        browser.get((SITE / "09_synthesis.html").as_uri())
        printed = browser.execute_script(
            "const t = document.querySelector('main table');"
            "const cells = Array.from(t.tHead.rows[0].cells);"
            "const right = document.documentElement.clientWidth;"
            "return [cells.length, cells.filter(c => c.getBoundingClientRect().right <= right + 1"
            " && c.getBoundingClientRect().width > 0).length];"
        )
        if printed[0] != printed[1]:
            problems.append(f"printed 09: {printed[1]} of {printed[0]} SoF columns on the page")
        # the printable summary of findings: A4 landscape with 8 mm margins is 281 x 194 mm,
        # 1062 x 733 CSS px; the whole page (table with every column, footnotes, version line)
        # fits one sheet
        _emulate(browser, 1062, 733, media="print")
        browser.get((SITE / "summary-of-findings.html").as_uri())
        sof = browser.execute_script(
            "const t = document.querySelector('table.sof-table');"
            "const cells = Array.from(t.tHead.rows[0].cells);"
            "const notes = document.querySelector('ol.sof-notes');"
            "return [cells.length, cells.filter(c => c.getBoundingClientRect().right <= 1063)"
            ".length, document.documentElement.scrollHeight, notes.children.length];"
        )
        if sof[0] != sof[1]:
            problems.append(f"printable SoF: {sof[1]} of {sof[0]} columns on the page")
        if sof[2] > 733:
            problems.append(f"printable SoF: the page is {sof[2]:.0f} px tall, beyond one page")
        if sof[3] == 0:
            problems.append("printable SoF: no footnotes")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert not problems, "\n".join(problems)
    if TAKE_SHOTS:
        assert {p.name for p in (SHOTS / "reader").glob("*.png")} >= {
            f"{n}-{w}.png" for n in READER_SHOTS for w in (390, 1400)
        }
