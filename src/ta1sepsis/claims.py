"""The claims ledger: each quantitative claim of the review, resolved against the collection.

A claim (a row of ``data/claims.csv``) names where its recomputed value comes from, with one of
these references:

* ``result:<notebook>:<key>[:field]`` — a number in ``results/<notebook>.json`` (field ``value``,
  ``lower`` or ``upper``);
* ``estimate:<estimate_id>[:field]`` — a published number in ``data/published_estimates.csv``
  (field ``estimate``, ``ci_lower``, ``ci_upper``, ``p_value``, ``k_studies``, ``n_patients``),
  i.e. the claim is checked against its primary source as recorded;
* ``fact:<fact_id>`` — a number in ``data/study_facts.csv``;
* ``trial:<study_id>:<outcome>:<column>`` — a count in ``data/trials.csv``;
* ``derived:<name>`` — a number computed in the ledger notebook from the data (the notebook
  lists each derivation);
* ``missing:<what>`` — the number cannot be checked; ``<what>`` says what is missing.

A ``result:`` key that the results file lacks (its notebook was run on another trials file, for
example) makes the claim not reproducible in that run, and says so in ``missing_result``; an
unknown notebook or any other unresolvable reference is an error.

``scale`` multiplies the resolved value (100 turns a proportion into a percentage). The rule
decides the verdict (:mod:`ta1sepsis.verdicts`): ``rounding`` compares at the printed
precision; ``bound`` checks a printed inequality such as P<0.001; ``interval`` checks that the
printed value lies within the resolved result's [lower, upper] (for P values recomputed from
rounded intervals); ``contradicted`` marks a claim the sources contradict (with the reason).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from .verdicts import NOT_REPRODUCIBLE, verdict

CONTRADICTED = "contradicted"
RULES = ("rounding", "bound", "interval", "contradicted", "not_reproducible")


class ClaimError(ValueError):
    """A claim's reference cannot be resolved; the message names the claim."""


class MissingResult(ClaimError):
    """A results file exists but lacks the key: the notebook ran with other parameters or data."""


class Resolver:
    """Looks up references in the results files and the validated data tables."""

    def __init__(
        self,
        root: Path,
        estimates: pd.DataFrame,
        facts: pd.DataFrame,
        trials: pd.DataFrame,
        derived: dict,
    ):
        self.root = root
        self.estimates = estimates.set_index("estimate_id")
        self.facts = facts.set_index("fact_id")
        self.trials = trials.set_index(["study_id", "outcome"])
        self.derived = derived
        self._results: dict[str, dict] = {}

    def _result(self, notebook: str) -> dict:
        if notebook not in self._results:
            path = self.root / "results" / f"{notebook}.json"
            if not path.is_file():
                raise ClaimError(f"results/{notebook}.json does not exist: render {notebook} first")
            self._results[notebook] = json.loads(path.read_text(encoding="utf-8"))
        return self._results[notebook]

    def resolve(self, reference: str) -> tuple[float | None, dict | None]:
        """The value a reference points to, and the whole result item for ``result:`` refs."""
        kind, _, rest = reference.partition(":")
        parts = rest.split(":")
        try:
            if kind == "result":
                notebook, key = parts[0], parts[1]
                results = self._result(notebook)
                if key not in results:
                    raise MissingResult(f"results/{notebook}.json has no key {key!r}")
                item = results[key]
                field = parts[2] if len(parts) > 2 else "value"
                return float(item[field]), item
            if kind == "estimate":
                field = parts[1] if len(parts) > 1 else "estimate"
                return float(self.estimates.loc[parts[0], field]), None
            if kind == "fact":
                return float(self.facts.loc[parts[0], "value"]), None
            if kind == "trial":
                return float(self.trials.loc[(parts[0], parts[1]), parts[2]]), None
            if kind == "derived":
                return float(self.derived[parts[0]]), None
            if kind == "missing":
                return None, None
        except MissingResult:
            raise
        except (KeyError, IndexError, TypeError, ValueError) as error:
            raise ClaimError(f"cannot resolve reference {reference!r}: {error}") from None
        raise ClaimError(f"unknown reference kind {kind!r} in {reference!r}")


def _number(x) -> float | None:
    """A float, or None for an empty cell (None or NaN)."""
    if x is None or (isinstance(x, float) and math.isnan(x)) or x == "":
        return None
    return float(x)


def judge(claim: dict, resolver: Resolver) -> dict:
    """Recomputed value and verdict for one claim (a row of data/claims.csv as a dict)."""
    rule = claim["rule"]
    if rule not in RULES:
        raise ClaimError(f"claim {claim['claim_id']}: unknown rule {rule!r}")
    out = {
        "claim_id": claim["claim_id"],
        "stated": claim["stated"],
        "recomputed": None,
        "verdict": None,
        "missing_result": "",
    }
    if rule == "not_reproducible":
        out["verdict"] = NOT_REPRODUCIBLE
        return out
    try:
        value, item = resolver.resolve(claim["reference"]) if claim["reference"] else (None, None)
    except MissingResult as missing:
        out.update(verdict=NOT_REPRODUCIBLE, missing_result=str(missing))
        return out
    scale, complement = _number(claim.get("scale")), _number(claim.get("complement"))
    if value is not None and scale is not None:
        value *= scale
    if value is not None and complement is not None:
        value = complement - value
    out["recomputed"] = value
    if rule == "contradicted":
        out["verdict"] = CONTRADICTED
        return out
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ClaimError(f"claim {claim['claim_id']}: rule {rule} needs a value")
    stated = claim["stated"].lstrip("<=").strip()
    if rule == "bound":
        out["verdict"] = verdict(stated, value, "<")
    elif rule == "interval":
        if item is None or item.get("lower") is None:
            raise ClaimError(
                f"claim {claim['claim_id']}: rule interval needs a result with lower/upper"
            )
        inside = item["lower"] <= float(stated) <= item["upper"]
        out["verdict"] = "consistent" if inside else verdict(stated, value)
    else:
        out["verdict"] = verdict(stated, value)
    return out
