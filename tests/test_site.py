"""The offline site in headless Chromium: every page loads with no JavaScript error, no broken
image, no broken internal link and no error output cell; screenshots go to screenshots/."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "build" / "test-site"
SHOTS = ROOT / "screenshots"


@pytest.fixture(scope="module")
def pages():
    subprocess.run(
        [sys.executable, "-m", "ta1sepsis.site", "--out", str(SITE.relative_to(ROOT))],
        cwd=ROOT,
        check=True,
    )
    built = sorted(SITE.glob("*.html"))
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
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


def test_site_has_an_index_and_a_page_per_notebook(pages):
    names = {p.stem for p in pages}
    notebooks = {p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert names == notebooks | {"index"}


def test_no_error_output_cells():
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        errors = [
            o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
        ]
        assert not errors, f"{path.name} has an error output"


def test_every_page_renders_cleanly_in_chromium(pages, browser):
    SHOTS.mkdir(exist_ok=True)
    visited = 0
    for page in pages:
        browser.get(page.as_uri())
        problems = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
        assert not problems, f"{page.name}: {problems}"
        broken = browser.execute_script(
            "return Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
            ".map(i => i.src.slice(0, 80));"
        )
        assert not broken, f"{page.name}: broken images {broken}"
        links = browser.execute_script("return Array.from(document.links).map(a => a.href);")
        for link in links:
            parsed = urlparse(link)
            if parsed.scheme == "file":
                assert Path(parsed.path).is_file(), f"{page.name}: broken link {link}"
        browser.save_screenshot(str(SHOTS / f"{page.stem}.png"))
        visited += 1
    assert visited == len(pages) > 1
