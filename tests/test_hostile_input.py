"""Text a user can type never becomes active on the site, and never crashes a rendering.

The whole collection is rendered in a temporary copy with hostile study labels in the trials
file and a hostile treatment label for a trial report (a script tag, an event attribute, a
``javascript:`` link, Markdown and LaTeX specials, right-to-left text, 500 characters), then the
site is built; no page may carry any of them as live HTML, a live link or maths.
"""

from __future__ import annotations

import csv
import re

import pytest
from bs4 import BeautifulSoup
from test_pipeline import make, project  # noqa: F401

pytestmark = pytest.mark.pipeline

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'
LINK = "[click](javascript:alert(1))"
HOSTILE = f"ETASS {SCRIPT} {IMG} {LINK} $\\frac{{a}}{{b}}$ *em* _u_ `c` \u202eevil\u202c"


def test_hostile_labels_are_inert_on_the_site(project):  # noqa: F811
    trials = project / "data" / "trials.csv"
    rows = list(csv.DictReader(trials.open(encoding="utf-8")))
    fields = list(rows[0])
    for row in rows:
        if row["study_id"] == "etass":
            row["study"] = (HOSTILE + " " + "x" * 500)[:600]
    with trials.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    listing = project / "params" / "trials.yaml"
    listing.write_text(
        listing.read_text(encoding="utf-8").replace(
            "etass:\n  study_id: etass",
            f'etass:\n  study_id: etass\n  treatment_label: "{SCRIPT} {LINK}"',
        ),
        encoding="utf-8",
    )
    make(project, "all")
    make(project, "html")
    pages = sorted((project / "site").rglob("*.html"))
    assert pages
    problems = []
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for script in soup.find_all("script"):
            if "alert(" in script.get_text():
                problems.append(f"{page.name}: a script from a label")
        for tag in soup.find_all(True):
            for name, value in tag.attrs.items():
                if name.lower().startswith("on") and "alert(" in str(value):
                    problems.append(f"{page.name}: event attribute {name} on <{tag.name}>")
                if name in ("href", "src") and re.match(r"\s*(javascript|data):", str(value), re.I):
                    problems.append(f"{page.name}: {name}={value!r}")
        if soup.find("img", src="x"):
            problems.append(f"{page.name}: an <img> from a label")
        if re.search(r"\\frac\{a\}\{b\}", str(soup)) and soup.find(class_="MathJax"):
            problems.append(f"{page.name}: maths rendered from a label")
    assert not problems, problems
