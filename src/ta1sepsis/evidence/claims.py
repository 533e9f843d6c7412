"""The claims ledger: every checkable statement of the review article, how it was checked and
what the check found.

The review under check is the web article "Thymosin Alpha-1 for Sepsis: Critical Care Data"
(no DOI). Its statements are paraphrased in ``data/claims.csv``, one row per claim; a statement
the article repeats (the key takeaways repeat the body) is one claim with every place it
appears. Places are ``<section>:<sentence>`` (sentences numbered from 1 within each section of
:data:`SECTIONS`, headings excluded) or ``<section>:h`` for a section heading.

Two axes describe every claim:

* **method** (typed in the data, validated against the references): ``recomputed`` (by the
  collection's own code from counts or data, a ``result:`` key or a ``derived:`` value),
  ``derived`` (arithmetic on other published numbers, e.g. a P value from a published CI),
  ``looked up`` (compared with the primary source as recorded in ``data/``), ``not checkable``
  (the sources lack it; the ``missing:`` reference says what is missing);
* **verdict** (never typed: computed here from the values and the rule): ``holds``,
  ``within rounding``, ``source copied correctly; recomputation differs`` (a recomputed or
  derived claim that differs from the recomputation while the article printed its primary source
  correctly: a finding about the source, not an error of the article), ``differs``,
  ``contradicted by the primary source``, ``conflicting sources``, or ``not assessed`` for a
  claim that could not be checked.

References (several are separated by ``" ; "``):

* ``result:<notebook>:<key>[:value|lower|upper]`` — ``results/<notebook>.json``; the notebook
  may be a path such as ``trials/etass`` (``results/trials/etass.json``), and
  :class:`Resolver` takes ``aliases`` that remap notebook names (``{"02_etass": "trials/etass"}``);
* ``estimate:<estimate_id>[:field]`` — ``data/published_estimates.csv``;
* ``fact:<fact_id>`` — ``data/study_facts.csv``;
* ``trial:<study_id>:<outcome>:<column>`` — ``data/trials.csv``;
* ``claim_fact:<fact_id>`` — ``data/claim_facts.csv`` (sourced categorical facts and lists);
* ``credibility:<claim_id>:<item>`` — the response in ``data/subgroup_credibility.csv``;
* ``p_from_ci:<estimate_id>`` — the two-sided P implied by a published estimate and its CI
  (Altman & Bland, BMJ 2011;343:d2304), with the range the printed rounding allows;
* ``derived:<name>`` — a value computed by the ledger notebook from the data;
* ``missing:<what>`` — nothing to check against; ``<what>`` says what is missing.

Rules (the only way a verdict is reached):

* ``rounding``: each stated number against its reference at printed precision
  (:func:`ta1sepsis.evidence.verdicts.verdict`);
* ``bound``: a printed bound such as ``<0.0001`` satisfied by the value;
* ``p_range``: a printed P value inside the range that the rounding of the printed estimates
  allows (the references carry ``lower``/``upper``), else the ``rounding`` rule on the central
  value;
* ``count``: a stated count against the number of items of a listed fact (or a number);
* ``category``: the stated category equals the sourced category (case and spacing ignored);
* ``significance``: ``significant`` / ``not significant`` against a P value at level ``alpha``;
* ``within``: every referenced value lies inside the stated range ``low ; high``;
* ``none``: not checkable.

A claim whose ``alternative`` column names a second published version of the same numbers gets
``conflicting sources`` when the stated numbers agree with one version and not with the other.
The optional ``primary`` column checks the stated numbers against the primary source as printed
as well (so a recomputed claim also shows whether the article copied its source correctly), and
``context`` names values shown beside the claim without a verdict.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ta1sepsis.data.claims_tables import (
    CONFLICT,
    CONTRADICTED,
    COPIED,
    DIFFERS,
    HOLDS,
    METHODS,
    NOT_ASSESSED,
    NUMERIC_VERDICTS,
    RATIO_MEASURES,
    ROUNDING,
    RULES,
    SECTIONS,
    VERDICTS,
    split,
)
from ta1sepsis.evidence.verdicts import decimals, verdict


class ClaimError(ValueError):
    """A claim's reference or rule cannot be applied; the message names the claim.

    Attributes
    ----------
    args : tuple
        The message (as for any exception).
    """


class MissingResult(ClaimError):
    """A results file exists but lacks the key: the notebook ran with other parameters or data.

    Attributes
    ----------
    args : tuple
        The message, naming the key and the file.
    """


def sentences() -> list[str]:
    """Every sentence place of the article, ``intro:1`` ... ``bottom:5``, in article order.

    Returns
    -------
    list of str

    Examples
    --------
    >>> sentences()[:2]
    ['intro:1', 'intro:2']
    """
    return [f"{code}:{n}" for code, (_, count) in SECTIONS.items() for n in range(1, count + 1)]


def uncovered_sentences(claims: pd.DataFrame, not_claims: pd.DataFrame) -> list[str]:
    """Sentences that neither a claim nor a not-a-claim row names (should be none).

    Parameters
    ----------
    claims, not_claims : pandas.DataFrame
        The ledger and the not-a-claim table, each with a ``places`` column ("intro:1 ; ...").

    Returns
    -------
    list of str
        The sentence places no row names.

    Examples
    --------
    >>> every = pd.DataFrame({"places": [" ; ".join(sentences())]})
    >>> uncovered_sentences(every, pd.DataFrame({"places": []}))
    []
    """
    named = {p for places in pd.concat([claims.places, not_claims.places]) for p in split(places)}
    return [s for s in sentences() if s not in named]


# --- resolving references ---------------------------------------------------------------------


@dataclass(frozen=True)
class Resolved:
    """A referenced value: a number (with the range a result or a rounded CI allows) or text.

    Attributes
    ----------
    reference : str
        The reference as written in the ledger ("result:02_etass:etass.rr", ...).
    value : float, str or None
    lower, upper : float or None
        The range a result or a rounded CI allows.
    text : str or None
        The number as printed in the data file, where there is one.
    """

    reference: str
    value: float | str | None
    lower: float | None = None
    upper: float | None = None
    text: str | None = None  # the number as printed in the data file, where there is one

    @property
    def is_number(self) -> bool:
        """Whether the value is a number."""
        return isinstance(self.value, float)


def _as_value(x) -> float | str | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int | float):
        return float(x)
    if hasattr(x, "item"):
        return _as_value(x.item())
    return str(x)


def _printed(row: pd.Series, field: str) -> str | None:
    text = row.get(f"{field}_text")
    return str(text) if isinstance(text, str) and text else None


class Resolver:
    """Looks references up in the results files and the validated data tables.

    Parameters
    ----------
    root : Path
        Project root; ``result:`` references read ``root/results/<notebook>.json``.
    estimates, facts, trials : DataFrame
        The validated ``published_estimates``, ``study_facts`` and ``trials`` tables.
    claim_facts, credibility : DataFrame, optional
        The validated ``claim_facts`` and ``subgroup_credibility`` tables.
    derived : dict, optional
        ``name -> number, text or {"value", "lower", "upper"}`` computed by the ledger notebook.
    aliases : dict, optional
        ``notebook -> notebook`` applied to ``result:`` references before reading, e.g.
        ``{"02_etass": "trials/etass"}`` once the trial reports replace the trial notebooks.
    """

    def __init__(
        self,
        root: Path,
        estimates: pd.DataFrame,
        facts: pd.DataFrame,
        trials: pd.DataFrame,
        claim_facts: pd.DataFrame | None = None,
        credibility: pd.DataFrame | None = None,
        derived: dict | None = None,
        aliases: dict | None = None,
    ):
        self.root = Path(root)
        self.estimates = estimates.set_index("estimate_id")
        self.facts = facts.set_index("fact_id")
        self.trials = trials.set_index(["study_id", "outcome"])
        self.claim_facts = claim_facts.set_index("fact_id") if claim_facts is not None else None
        self.credibility = (
            credibility.set_index(["claim_id", "item"]) if credibility is not None else None
        )
        self.derived = derived or {}
        self.aliases = aliases or {}
        self._results: dict[str, dict] = {}

    def results(self, notebook: str) -> dict:
        """The parsed ``results/<notebook>.json`` (after aliasing); ClaimError if absent."""
        notebook = self.aliases.get(notebook, notebook)
        if notebook not in self._results:
            path = self.root / "results" / f"{notebook}.json"
            if not path.is_file():
                raise ClaimError(f"results/{notebook}.json does not exist: render {notebook} first")
            self._results[notebook] = json.loads(path.read_text(encoding="utf-8"))
        return self._results[notebook]

    def resolve(self, reference: str) -> Resolved:
        """The value one reference points to (raises ClaimError, or MissingResult)."""
        kind, _, rest = reference.partition(":")
        parts = rest.split(":")
        try:
            if kind == "result":
                notebook, key = parts[0], parts[1]
                results = self.results(notebook)
                if key not in results:
                    shown = self.aliases.get(notebook, notebook)
                    raise MissingResult(f"results/{shown}.json has no key {key!r}")
                item = results[key]
                field = parts[2] if len(parts) > 2 else "value"
                if field == "value":
                    return Resolved(
                        reference, _as_value(item["value"]), item.get("lower"), item.get("upper")
                    )
                return Resolved(reference, _as_value(item[field]))
            if kind == "estimate":
                field = parts[1] if len(parts) > 1 else "estimate"
                row = self.estimates.loc[parts[0]]
                return Resolved(reference, _as_value(row[field]), text=_printed(row, field))
            if kind == "fact":
                row = self.facts.loc[parts[0]]
                return Resolved(reference, _as_value(row["value"]), text=_printed(row, "value"))
            if kind == "trial":
                row = self.trials.loc[(parts[0], parts[1])]
                return Resolved(reference, _as_value(row[parts[2]]), text=_printed(row, parts[2]))
            if kind == "claim_fact":
                return Resolved(reference, str(self.claim_facts.loc[parts[0], "value"]))
            if kind == "credibility":
                row = self.credibility.loc[(parts[0], parts[1])]
                return Resolved(reference, str(row["response"]))
            if kind == "p_from_ci":
                return self._p_from_ci(reference, parts[0])
            if kind == "derived":
                item = self.derived[parts[0]]
                if isinstance(item, dict):
                    return Resolved(
                        reference, _as_value(item["value"]), item.get("lower"), item.get("upper")
                    )
                return Resolved(reference, _as_value(item))
            if kind == "missing":
                return Resolved(reference, None)
        except ClaimError:
            raise
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
            raise ClaimError(f"cannot resolve reference {reference!r}: {error!r}") from None
        raise ClaimError(f"unknown reference kind {kind!r} in {reference!r}")

    def _p_from_ci(self, reference: str, estimate_id: str) -> Resolved:
        # imported here: the site reads this module's tables of verdicts, without scipy
        from ta1sepsis.stats.reported_estimates import p_value_range_from_printed, recover

        row = self.estimates.loc[estimate_id]
        ratio = row["measure"] in RATIO_MEASURES
        rec = recover(
            row["estimate"], row["ci_lower"], row["ci_upper"], row["ci_level"], ratio=ratio
        )
        low, high = p_value_range_from_printed(
            row["estimate_text"],
            row["ci_lower_text"],
            row["ci_upper_text"],
            row["ci_level"],
            ratio=ratio,
        )
        return Resolved(reference, rec.p_value, low, high)


# --- rules ------------------------------------------------------------------------------------


def _normalise(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split()).casefold()


def _number(resolved: Resolved, claim_id: str) -> float:
    if resolved.value is None:
        raise ClaimError(f"claim {claim_id}: {resolved.reference} has no value")
    try:
        return float(resolved.value)
    except ValueError:
        raise ClaimError(f"claim {claim_id}: {resolved.reference} is not a number") from None


def count_of(resolved: Resolved, claim_id: str = "") -> int:
    """The number of items of a listed fact (``"a ; b ; c"`` -> 3), or a number as an integer.

    Parameters
    ----------
    resolved : Resolved
    claim_id : str
        For the error message.

    Returns
    -------
    int

    Examples
    --------
    >>> count_of(Resolved("fact:x", "a ; b ; c")), count_of(Resolved("fact:y", 4.0))
    (3, 4)
    """
    if isinstance(resolved.value, str):
        return len(split(resolved.value))
    return int(round(_number(resolved, claim_id)))


def part_check(
    rule: str, stated: str, resolved: Resolved, alpha: float, *, claim_id: str = ""
) -> str:
    """The detailed finding for one stated part against one resolved value.

    Returns a word of :mod:`ta1sepsis.evidence.verdicts` for numeric rules (``reproduced``, ``within
    rounding``, ``consistent``, ``last digit off by one``, ``not reproduced``) and ``match`` /
    ``mismatch`` for ``category``, ``significance``, ``count`` and ``within`` (``count`` uses
    the numeric words).

    Parameters
    ----------
    rule : str
        One of :data:`RULES` except ``none`` (``within`` takes ``stated`` as ``"low ; high"``).
    stated : str
        The part as printed in the article (``"0.062"``, ``"<0.0001"``, ``"not significant"``).
    resolved : Resolved
        The referenced value (for ``p_range`` its ``lower``/``upper`` are the P values the
        printed rounding allows).
    alpha : float
        Two-sided significance level of the ``significance`` rule (0-1 scale).
    claim_id : str
        For error messages.

    Returns
    -------
    str

    Examples
    --------
    >>> part_check("rounding", "0.74", Resolved("r", 0.742), 0.05)
    'within rounding'
    >>> part_check("significance", "not significant", Resolved("r", 0.06), 0.05)
    'match'
    """
    if rule == "rounding":
        return verdict(stated, _number(resolved, claim_id))
    if rule == "bound":
        return verdict(stated.lstrip("<").strip(), _number(resolved, claim_id), "<")
    if rule == "p_range":
        value = _number(resolved, claim_id)
        if resolved.lower is not None and resolved.upper is not None:
            if resolved.lower <= float(stated) <= resolved.upper:
                return "within rounding" if verdict(stated, value) != "reproduced" else "reproduced"
        return verdict(stated, value)
    if rule == "count":
        return "match" if int(float(stated)) == count_of(resolved, claim_id) else "mismatch"
    if rule == "category":
        return "match" if _normalise(stated) == _normalise(resolved.value) else "mismatch"
    if rule == "significance":
        found = "significant" if _number(resolved, claim_id) < alpha else "not significant"
        return "match" if found == stated else "mismatch"
    if rule == "within":
        low, high = (float(x) for x in split(stated))
        return "match" if low <= _number(resolved, claim_id) <= high else "mismatch"
    raise ClaimError(f"claim {claim_id}: rule {rule!r} has no part check")


def combine(details: list[str], method: str) -> str:
    """The ledger verdict from the detailed findings of a claim's parts.

    Any difference makes the claim differ (``contradicted by the primary source`` when the
    claim was looked up in that source); otherwise any rounding makes it ``within rounding``;
    otherwise it ``holds``. :data:`NUMERIC_VERDICTS` gives the mapping of the numeric words.

    Parameters
    ----------
    details : list of str
        The part findings (:func:`part_check`).
    method : str
        How the claim was checked (``looked up``, ``recomputed``, ...).

    Returns
    -------
    str
        A verdict of :data:`VERDICTS`.

    Examples
    --------
    >>> combine(["reproduced", "within rounding"], "recomputed")
    'within rounding'
    >>> combine(["not reproduced"], "looked up")
    'contradicted by the primary source'
    """
    mapped = [NUMERIC_VERDICTS.get(d, HOLDS if d == "match" else DIFFERS) for d in details]
    if DIFFERS in mapped:
        return CONTRADICTED if method == "looked up" else DIFFERS
    return ROUNDING if ROUNDING in mapped else HOLDS


def _ok(v: str) -> bool:
    return v in (HOLDS, ROUNDING)


def format_resolved(resolved: Resolved, like: str | None = None, with_range: bool = False) -> str:
    """A resolved value for display: two digits more than the printed number it is set against
    (``like``), and with ``with_range`` the range a rounded CI allows, in brackets.

    Parameters
    ----------
    resolved : Resolved
    like : str, optional
        The printed number the value is compared with.
    with_range : bool
        Add the allowed range.

    Returns
    -------
    str

    Examples
    --------
    >>> format_resolved(Resolved("r", 0.74213), "0.74")
    '0.7421'
    >>> format_resolved(Resolved("r", 0.05, 0.04, 0.07), "0.05", with_range=True)
    '0.05 [0.04 to 0.07]'
    """
    value = resolved.value
    if value is None:
        return "—"
    if not isinstance(value, float):
        return str(value)
    if like is None and resolved.text is not None:
        return resolved.text
    try:
        digits = decimals(like) + 2 if like is not None else None
    except ValueError:
        digits = None

    def fmt(x: float) -> str:
        if 0 < abs(x) < 1e-4:
            return f"{x:.2e}"
        if digits is not None:
            printed = digits - 2
            exact = abs(x - round(x, printed)) < 1e-12 * max(1.0, abs(x))
            return f"{x:.{printed if exact else digits}f}"
        return f"{x:.0f}" if float(x).is_integer() else f"{x:.4g}"

    text = fmt(value)
    if with_range and resolved.lower is not None and resolved.upper is not None:
        text += f" [{fmt(resolved.lower)} to {fmt(resolved.upper)}]"
    return text


def resolve_softly(resolver: Resolver, reference: str) -> Resolved:
    """Resolve a reference shown for information only: a results key absent in this run (a
    notebook ran on other data) gives a text value saying so instead of an error.

    Parameters
    ----------
    resolver : Resolver
    reference : str

    Returns
    -------
    Resolved

    Examples
    --------
    >>> class Missing:
    ...     def resolve(self, reference):
    ...         raise MissingResult("no key x")
    >>> resolve_softly(Missing(), "result:01:x").value
    'not in this run (no key x)'
    """
    try:
        return resolver.resolve(reference)
    except MissingResult as missing:
        return Resolved(reference, f"not in this run ({missing})")


def _aligned(stated: list[str], n: int) -> list[str]:
    return stated * n if len(stated) == 1 else stated


def judge(claim: dict, resolver: Resolver, alpha: float = 0.05) -> dict:
    """Check one claim (a row of ``data/claims.csv`` as a dict).

    Returns a dict with the claim id, the ``method`` actually achieved (``not checkable`` when a
    ``result:`` key is absent in this run, with ``missing_result`` saying which), the checked
    ``values`` (raw) and their display text, the alternative version's, the ``detail`` findings
    per part, the ``verdict``, and the check against the primary source as printed.

    Parameters
    ----------
    claim : dict
        A ledger row: claim_id, rule, method, stated, references, scale, ...
    resolver : Resolver
        Looks the references up.
    alpha : float
        Two-sided significance level for significance claims.

    Returns
    -------
    dict

    Examples
    --------
    >>> class One:
    ...     def resolve(self, reference):
    ...         return Resolved(reference, 0.742)
    >>> claim = {"claim_id": "c", "rule": "rounding", "method": "recomputed",
    ...          "stated": "0.74", "reference": "result:02:etass.rr", "scale": None,
    ...          "primary": "", "alternative": "", "context": ""}
    >>> judge(claim, One())["verdict"]
    'within rounding'
    """
    cid, rule, method = claim["claim_id"], claim["rule"], claim["method"]
    if rule not in RULES:
        raise ClaimError(f"claim {cid}: unknown rule {rule!r}")
    scale = claim.get("scale")
    scale = None if scale is None or (isinstance(scale, float) and math.isnan(scale)) else scale
    stated = split(claim["stated"])
    out = {
        "claim_id": cid,
        "method": method,
        "values": [],
        "checked": "",
        "alternative_values": [],
        "alternative_checked": "",
        "detail": "",
        "verdict": NOT_ASSESSED,
        "primary_checked": "",
        "primary_verdict": "",
        "context_values": "",
        "missing_result": "",
    }
    if rule == "none":
        out["checked"] = "; ".join(r.partition(":")[2] for r in split(claim["reference"]))
        return out

    def resolve_all(column: str) -> list[Resolved]:
        resolved = [resolver.resolve(r) for r in split(claim.get(column) or "")]
        if scale is not None and column in ("reference", "alternative"):
            resolved = [
                Resolved(
                    r.reference,
                    r.value * scale,
                    *((None, None) if r.lower is None else (r.lower * scale, r.upper * scale)),
                )
                if r.is_number
                else r
                for r in resolved
            ]
        return resolved

    try:
        main = resolve_all("reference")
        alternative = resolve_all("alternative")
        primary = resolve_all("primary")
    except MissingResult as missing:
        out.update(method="not checkable", missing_result=str(missing))
        return out
    context = [resolve_softly(resolver, r) for r in split(claim.get("context") or "")]

    def details_for(resolved: list[Resolved]) -> list[str]:
        if rule == "within":
            return [part_check(rule, claim["stated"], r, alpha, claim_id=cid) for r in resolved]
        if rule == "count" and len(stated) == 1 and len(resolved) == 1:
            return [part_check(rule, stated[0], resolved[0], alpha, claim_id=cid)]
        parts = _aligned(stated, len(resolved))
        return [
            part_check(rule, s, r, alpha, claim_id=cid)
            for s, r in zip(parts, resolved, strict=True)
        ]

    def shown(resolved: list[Resolved]) -> str:
        if rule == "count":
            return "; ".join(
                f"{count_of(r, cid)} ({', '.join(split(r.value))})"
                if isinstance(r.value, str)
                else format_resolved(r)
                for r in resolved
            )
        if rule == "significance":
            return "; ".join(
                f"P = {format_resolved(r)} ({'significant' if _number(r, cid) < alpha else 'not significant'})"
                for r in resolved
            )
        parts = _aligned(stated, len(resolved)) if rule not in ("within", "count") else []
        likes = [p.lstrip("<") if rule in ("rounding", "bound", "p_range") else None for p in parts]
        likes += [None] * (len(resolved) - len(likes))
        return "; ".join(
            format_resolved(r, like, with_range=rule == "p_range")
            for r, like in zip(resolved, likes, strict=True)
        )

    details = details_for(main)
    result = combine(details, method)
    out["values"] = [r.value for r in main]
    out["checked"] = shown(main)
    out["detail"] = "; ".join(details)
    if alternative:
        alt_result = combine(details_for(alternative), method)
        out["alternative_values"] = [r.value for r in alternative]
        out["alternative_checked"] = shown(alternative)
        if _ok(result) != _ok(alt_result):
            result = CONFLICT
        elif _ok(result) and alt_result == ROUNDING:
            result = ROUNDING
    out["verdict"] = result
    if primary:
        primary_rule = "rounding" if rule in ("p_range", "count") else rule
        if primary_rule == "bound":
            p_details = [
                verdict(s.lstrip("<"), _number(r, cid))
                for s, r in zip(stated, primary, strict=True)
            ]
        else:
            p_details = [
                part_check(primary_rule, s, r, alpha, claim_id=cid)
                for s, r in zip(stated, primary, strict=True)
            ]
        out["primary_checked"] = "; ".join(
            r.text or format_resolved(r, s.lstrip("<") if primary_rule != "significance" else None)
            for s, r in zip(stated, primary, strict=True)
        )
        out["primary_verdict"] = combine(p_details, "looked up")
        # the article printed its source correctly and the source's own analysis differs from
        # the recomputation: a finding about the source, not an error of the article
        if result == DIFFERS and _ok(out["primary_verdict"]):
            out["verdict"] = COPIED
    if context:
        out["context_values"] = "; ".join(
            f"{r.reference.partition(':')[2]} = {format_resolved(r)}" for r in context
        )
    return out


# --- derivations used by the ledger -----------------------------------------------------------


def reductions_from_risk_ratios(
    estimates: pd.DataFrame, study_ids: list[str], before_year: int
) -> pd.DataFrame:
    """Relative mortality reductions, 100 x (1 - RR), of the published risk ratios of the given
    studies (whole population, any mortality outcome) published before ``before_year``.

    Parameters
    ----------
    estimates : DataFrame
        The validated ``published_estimates`` table.
    study_ids : list of str
        Studies to include (e.g. ETASS and the Tα1 meta-analyses in sepsis).
    before_year : int
        Only estimates with ``year < before_year`` (e.g. the publication year of TESTS).

    Returns
    -------
    DataFrame
        ``estimate_id``, ``study``, ``year``, ``rr`` (as printed) and ``reduction_percent``.

    Examples
    --------
    >>> est = pd.DataFrame({"estimate_id": ["a.rr"], "study": ["A"], "study_id": ["a"],
    ...                     "year": [2015], "measure": ["RR"], "outcome": ["mortality_28d"],
    ...                     "population": ["all"], "estimate": [0.68]})
    >>> round(float(reductions_from_risk_ratios(est, ["a"], 2025).reduction_percent.iloc[0]), 1)
    32.0
    """
    rows = estimates[
        estimates.measure.eq("RR")
        & estimates.outcome.str.startswith("mortality")
        & estimates.population.eq("all")
        & estimates.study_id.isin(study_ids)
        & (estimates.year < before_year)
    ]
    out = rows[["estimate_id", "study", "year", "estimate"]].rename(columns={"estimate": "rr"})
    out = out.assign(reduction_percent=100 * (1 - out.rr), year=out.year.astype(int))
    return out.sort_values(["year", "estimate_id"]).reset_index(drop=True)


def trial_sizes(trials: pd.DataFrame) -> pd.Series:
    """Patients analysed per trial (the largest n_trt + n_ctl over its outcomes), largest first.

    Parameters
    ----------
    trials : pandas.DataFrame
        A trials table (study_id, n_trt, n_ctl).

    Returns
    -------
    pandas.Series
        Patients by study_id.

    Examples
    --------
    >>> t = pd.DataFrame({"study_id": ["a", "a", "b"], "n_trt": [10, 12, 50], "n_ctl": [10, 12, 50]})
    >>> trial_sizes(t).to_dict()
    {'b': 100, 'a': 24}
    """
    sizes = (trials.n_trt + trials.n_ctl).groupby(trials.study_id).max()
    return sizes.sort_values(ascending=False, kind="stable")


# --- tables and HTML --------------------------------------------------------------------------


def method_verdict_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """Claims counted by method (rows, in :data:`METHODS` order) and verdict (columns).

    Parameters
    ----------
    ledger : pandas.DataFrame
        The judged ledger (method, verdict).

    Returns
    -------
    pandas.DataFrame
        As :func:`method_verdict_frame`.

    Examples
    --------
    >>> ledger = pd.DataFrame({"method": ["recomputed", "looked up"],
    ...                        "verdict": ["holds", "holds"]})
    >>> int(method_verdict_table(ledger).loc["total", "total"])
    2
    """
    counts = pd.crosstab(ledger["method"], ledger["verdict"])
    counts = counts.reindex(index=list(METHODS), columns=list(VERDICTS), fill_value=0)
    return method_verdict_frame(counts.T.to_dict())


def method_verdict_frame(counts: dict, total: str = "total") -> pd.DataFrame:
    """The method-by-verdict table from counts ``{method: {verdict: n}}`` (as stored in
    ``results/08_claims.json`` under ``claims.method_by_verdict``): methods in
    :data:`METHODS` order and verdicts in :data:`VERDICTS` order (others after them,
    sorted), verdicts no claim has left out, and a ``total`` row and column.

    Parameters
    ----------
    counts : dict
        ``{method: {verdict: n}}``.
    total : str
        Label of the total row and column.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> t = method_verdict_frame({"recomputed": {"holds": 3, "differs": 1},
    ...                           "looked up": {"holds": 5}})
    >>> t.loc["total"].to_dict()
    {'holds': 8, 'differs': 1, 'total': 9}
    """
    table = pd.DataFrame(counts).T.fillna(0).astype(int)
    methods = [m for m in METHODS if m in table.index] + sorted(set(table.index) - set(METHODS))
    verdicts = [v for v in VERDICTS if v in table.columns] + sorted(
        set(table.columns) - set(VERDICTS)
    )
    table = table.reindex(index=methods, columns=verdicts, fill_value=0)
    table = table.loc[:, table.sum(axis=0) > 0]
    table.index.name, table.columns.name = "method", "verdict"
    table[total] = table.sum(axis=1)
    table.loc[total] = table.sum(axis=0)
    return table


LEDGER_STYLE = """
<style>
table.ta1-ledger {border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 12px;}
table.ta1-ledger th, table.ta1-ledger td {border: 1px solid #ccc !important; padding: 3px 5px !important;
  vertical-align: top !important; text-align: left !important; white-space: normal !important;
  overflow-wrap: break-word; word-break: normal; max-width: none !important;}
table.ta1-ledger th {background: #eee;}
table.ta1-ledger tr.ta1-section td {background: #dde6f0; font-weight: bold;}
table.ta1-ledger td.v-holds, table.ta1-ledger td.v-within-rounding {background: #e3f1e3;}
table.ta1-ledger td.v-differs {background: #fbe3d6;}
table.ta1-ledger td.v-source-copied-correctly-recomputation-differs {background: #eef3e0;}
table.ta1-ledger td.v-contradicted-by-the-primary-source {background: #f4c2c2;}
table.ta1-ledger td.v-conflicting-sources {background: #fff0b3;}
table.ta1-ledger td.v-not-assessed {background: #eeeeee;}
</style>
"""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).casefold()).strip("-")


def html_table(
    frame: pd.DataFrame,
    widths: dict[str, str] | None = None,
    table_id: str = "",
    group: str | None = None,
    *,
    group_titles: dict[str, str] | None = None,
    verdict_column: str | None = None,
    filters: tuple[str, ...] = (),
) -> str:
    """A readable HTML table: wrapped text, optional group header rows and an offline filter.

    Parameters
    ----------
    frame : DataFrame
        The rows to show, in order; every cell is HTML-escaped.
    widths : dict, optional
        Column name -> CSS width (``"8%"``); the table layout is fixed so text wraps.
    table_id : str
        The table's id (needed for filters; must be unique on the page).
    group : str, optional
        Column whose value starts a new group; a header row is inserted at each change and the
        column itself is not shown.
    group_titles : dict, optional
        Group value -> header text.
    verdict_column : str, optional
        Column whose cells are coloured by value (``td class="v-<value>"``).
    filters : tuple of str
        Columns offered in ``<select>`` filters above the table (inline JavaScript, no network).

    Returns
    -------
    str
        The HTML.

    Examples
    --------
    >>> "&lt;b&gt;" in html_table(pd.DataFrame({"a": ["<b>"]}))
    True
    """
    widths = widths or {}
    shown = [c for c in frame.columns if c != group]
    head = "".join(
        f'<th style="width:{widths[c]}">{html.escape(c)}</th>'
        if c in widths
        else f"<th>{html.escape(c)}</th>"
        for c in shown
    )
    rows, current = [], None
    for record in frame.to_dict("records"):
        if group and record[group] != current:
            current = record[group]
            title = (group_titles or {}).get(current, current)
            rows.append(
                f'<tr class="ta1-section" data-group="{html.escape(_slug(current))}">'
                f'<td colspan="{len(shown)}">{html.escape(str(title))}</td></tr>'
            )
        attrs = "".join(f' data-{_slug(c)}="{html.escape(_slug(record[c]))}"' for c in filters)
        if group:
            attrs += f' data-group="{html.escape(_slug(record[group]))}"'
        cells = []
        for c in shown:
            value = (
                ""
                if record[c] is None or (isinstance(record[c], float) and math.isnan(record[c]))
                else record[c]
            )
            klass = f' class="v-{_slug(value)}"' if c == verdict_column else ""
            cells.append(f"<td{klass}>{html.escape(str(value))}</td>")
        rows.append(f'<tr class="ta1-row"{attrs}>{"".join(cells)}</tr>')
    selects = ""
    script = ""
    if filters:
        if not table_id:
            raise ValueError("a filtered table needs a table_id")
        controls = []
        for c in filters:
            options = sorted({str(v) for v in frame[c]}, key=lambda v: _slug(v))
            opts = '<option value="">all</option>' + "".join(
                f'<option value="{html.escape(_slug(v))}">{html.escape(v)}</option>'
                for v in options
            )
            controls.append(
                f'<label>{html.escape(c)}: <select data-filter="{_slug(c)}" '
                f'data-table="{table_id}">{opts}</select></label>'
            )
        selects = '<p class="ta1-filters">' + " &nbsp; ".join(controls) + "</p>"
        script = (
            "<script>(function(){var t=document.getElementById('" + table_id + "');"
            "var s=document.querySelectorAll('select[data-table=\"" + table_id + "\"]');"
            "function apply(){var shown={};"
            "t.querySelectorAll('tr.ta1-row').forEach(function(r){var ok=true;"
            "s.forEach(function(x){if(x.value&&r.getAttribute('data-'+x.getAttribute('data-filter'))!==x.value){ok=false;}});"
            "r.style.display=ok?'':'none';if(ok){shown[r.getAttribute('data-group')]=true;}});"
            "t.querySelectorAll('tr.ta1-section').forEach(function(h){"
            "h.style.display=shown[h.getAttribute('data-group')]?'':'none';});}"
            "s.forEach(function(x){x.addEventListener('change',apply);});})();</script>"
        )
    ident = f' id="{table_id}"' if table_id else ""
    return (
        f'{selects}<table class="ta1-ledger"{ident}><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{script}"
    )
