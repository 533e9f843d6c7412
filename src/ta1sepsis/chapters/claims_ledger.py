"""08_claims: the claims ledger. Every checkable claim of the review article, how it was
checked (recomputed, derived, looked up, not checkable) and what the check found."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML, display

from ta1sepsis.chapters.base import Chapter, row_by_id
from ta1sepsis.data.claims_tables import (
    COPIED,
    load_claim_facts,
    load_claims_ledger,
    load_not_claims,
    load_omissions,
)
from ta1sepsis.data.loader import (
    load_credibility,
    load_estimates,
    load_facts,
    load_trials,
    select_one,
)
from ta1sepsis.evidence.claims import (
    LEDGER_STYLE,
    METHODS,
    NOT_ASSESSED,
    SECTIONS,
    VERDICTS,
    Resolver,
    html_table,
    judge,
    method_verdict_table,
    reductions_from_risk_ratios,
    resolve_softly,
    sentences,
    split,
    trial_sizes,
    uncovered_sentences,
)
from ta1sepsis.report import plots
from ta1sepsis.report.answers import bottom_line
from ta1sepsis.report.narrative import plural, say, show
from ta1sepsis.report.outputs import save_table, show_figure

VERDICT_COLOURS = {
    "holds": "#1b6ca8",
    "within rounding": "#7fb3d5",
    "source copied correctly; recomputation differs": "#c9d9a5",
    "differs": "#f4a261",
    "contradicted by the primary source": "#b2182b",
    "conflicting sources": "#e9c46a",
    NOT_ASSESSED: "#bdbdbd",
}


def first_sentence(places: str, section: str) -> int:
    """The first sentence number a claim has in ``section`` (0 for the heading)."""
    own = [p.split(":")[1] for p in split(places) if p.startswith(section + ":")]
    return min(0 if n == "h" else int(n) for n in own)


def ordered_ledger(claims: pd.DataFrame, judged: pd.DataFrame) -> pd.DataFrame:
    """Claims with their judgements, by section of the article and first place, in reading
    order."""
    order = {code: i for i, code in enumerate(SECTIONS)}
    ledger = claims.drop(columns=["method", "line"]).merge(
        judged, on="claim_id", validate="one_to_one"
    )
    ledger["order"] = [
        (order[s], first_sentence(p, s)) for s, p in zip(ledger.section, ledger.places, strict=True)
    ]
    return (
        ledger.sort_values(["order", "claim_id"], kind="stable")
        .drop(columns="order")
        .reset_index(drop=True)
    )


def cell_checked(r) -> str:
    """What a claim was checked against, as the ledger shows it."""
    if r.method == "not checkable":
        return (
            f"missing: {r.checked}"
            if not r.missing_result
            else f"not in this run: {r.missing_result}"
        )
    return (
        f"version A: {r.checked} | version B: {r.alternative_checked}"
        if r.alternative_checked
        else r.checked
    )


def cell_note(r) -> str:
    """The claim's note, its context values and the per-part findings that are not plain
    matches."""
    parts = [r.note] if r.note else []
    if r.context_values:
        parts.append(f"Context: {r.context_values}.")
    if (
        r.detail
        and r.method != "not checkable"
        and set(split(r.detail.replace("; ", " ; "))) - {"match", "reproduced"}
    ):
        parts.append(f"Per part: {r.detail}.")
    return " ".join(parts)


class ClaimsLedger(Chapter):
    """The review's claims, checked (notebook 08_claims)."""

    notebook = "08_claims"

    def __init__(self, **parameters):
        super().__init__(**parameters)
        p = self.p
        self.claims = load_claims_ledger(self.path(p.ledger_file))
        claim_facts = load_claim_facts(self.path(p.claim_facts_file))
        self.not_claims = load_not_claims(self.path(p.not_claims_file))
        self.omissions = load_omissions(self.path(p.omissions_file))
        trials = load_trials(self.path(p.trials_file))
        estimates = load_estimates(self.path(p.estimates_file))
        facts = load_facts(self.path(p.facts_file))
        credibility = load_credibility(self.path(p.credibility_file))
        display(HTML(LEDGER_STYLE))
        cutoff = select_one(trials, "trials", study_id=p.cutoff_study, outcome="mortality_28d")
        reviews = split(
            row_by_id(
                claim_facts,
                "fact_id",
                p.reviews_fact,
                file=p.claim_facts_file,
                parameter="reviews_fact",
            )["value"]
        )
        self.early = reductions_from_risk_ratios(
            estimates, [*p.early_studies, *reviews], before_year=int(cutoff.year)
        )
        self.sizes = sizes = trial_sizes(trials)
        review = row_by_id(
            estimates, "estimate_id", p.ipd_review, file=p.estimates_file, parameter="ipd_review"
        )
        missing = [t for t in p.ipd_trials if t not in sizes.index]
        if missing:
            raise KeyError(f"parameter 'ipd_trials': {missing} not in {p.trials_file}")
        self.derived = {
            "early_reduction_min": float(self.early.reduction_percent.min()),
            "early_reduction_max": float(self.early.reduction_percent.max()),
            "largest_trial": str(sizes.index[0]),
            "ipd_share_percent": float(100 * sizes[p.ipd_trials].sum() / review.n_patients),
            # the review's patients outside its largest trial (context for "the largest trial")
            "gu2025_other_trials_patients": float(review.n_patients - sizes.iloc[0]),
        }
        # where result: references look: remap a notebook name here if its results move, e.g.
        # {"02_etass": "trials/etass"} (the ledger's references already name the trial reports)
        self.resolver = Resolver(
            self.root, estimates, facts, trials, claim_facts, credibility, self.derived, aliases={}
        )
        # every results file a claim refers to was computed from this ledger's data files
        referenced = {
            ref.strip().split(":")[1]
            for column in ("reference", "alternative", "primary", "context")
            for cell in self.claims[column].fillna("")
            for ref in str(cell).split(";")
            if ref.strip().startswith("result:")
        }
        for notebook in sorted(referenced):
            if (self.root / "results" / f"{notebook}.json").is_file():
                self.read(notebook)
        judged = pd.DataFrame(
            [judge(row, self.resolver, p.alpha) for row in self.claims.to_dict("records")]
        )
        self.ledger = ledger = ordered_ledger(self.claims, judged)
        self.missing = ledger[ledger["missing_result"] != ""]
        self.table = method_verdict_table(ledger)
        self.n = len(ledger)
        self.by_method = ledger["method"].value_counts().reindex(list(METHODS), fill_value=0)
        self.by_verdict = ledger["verdict"].value_counts().reindex(list(VERDICTS), fill_value=0)
        ok = ledger["verdict"].isin(["holds", "within rounding"])
        self.ok_beyond = int((ok & ledger["method"].isin(["recomputed", "derived"])).sum())

    def bottom_line(self) -> None:
        m, v, n = self.by_method, self.by_verdict, self.n
        checked = n - m["not checkable"]
        beyond = m["recomputed"] + m["derived"]

        def verb(count, one, many):
            return one if count == 1 else many

        answer = (
            f"The review makes {n} checkable claims. {m['recomputed']} were recomputed from counts "
            f"or data and {m['derived']} derived from other published numbers; {m['looked up']} "
            "could only be compared with the primary source as recorded, which confirms "
            f"transcription, not the analysis; {m['not checkable']} cannot be checked with the "
            f"sources. Of the {beyond} claims checked beyond transcription, {self.ok_beyond} hold "
            f"or hold within rounding. Across all {checked} checked claims: {v['holds']} hold, "
            f"{v['within rounding']} hold within rounding, "
            f"{v[COPIED]} {verb(v[COPIED], 'copies', 'copy')} its source correctly where the "
            "source's own number differs from this project's recomputation (a finding about the "
            f"source, not an error of the article), {v['differs']} "
            f"{verb(v['differs'], 'differs', 'differ')}, "
            f"{v['contradicted by the primary source']} "
            f"{verb(v['contradicted by the primary source'], 'is', 'are')} contradicted by the "
            f"primary source and {v['conflicting sources']} "
            f"{verb(v['conflicting sources'], 'rests', 'rest')} on conflicting sources (two "
            "published versions, the article showing one)."
            + (
                f" {plural(len(self.missing), 'claim')} could not be checked in this run because a "
                "results key was not produced (section 2)."
                if len(self.missing)
                else ""
            )
        )
        bottom_line(
            answer,
            "A claim that was looked up and holds shows only that the article copied its source, "
            "not that the source's analysis is right; and which sentences count as claims is a "
            "judgement, listed sentence by sentence with its reason in section 6.",
            [
                f"significance level α = {self.p.alpha} for claims that a result is or is not "
                "significant (assumption)",
                "numbers compared at the precision the article prints them "
                "(ta1sepsis.evidence.verdicts)",
            ],
        )

    def section_derivations(self) -> None:
        show(self.early)
        show(self.sizes.rename("patients analysed").reset_index())
        show(
            pd.DataFrame(
                {
                    "derivation": list(self.derived),
                    "value": [
                        str(v) if isinstance(v, str) else round(v, 4) for v in self.derived.values()
                    ],
                }
            )
        )

    def section_verdicts(self) -> None:
        missing = self.missing
        if len(missing):
            say(
                f"**{plural(len(missing), 'claim')} could not be checked in this run** because a results "
                "key they rely on was not produced (a notebook ran with other parameters or data); "
                "they count as not checkable here: "
                + "; ".join(f"{r.claim_id} ({r.missing_result})" for r in missing.itertuples())
            )
        self.results.add(
            "claims.missing_results",
            len(missing),
            description="claims whose results key was not produced in this run",
        )
        show(self.table.reset_index().rename(columns={"method": "how checked"}))

    def section_figure(self) -> None:
        ledger, by_method = self.ledger, self.by_method
        fig, ax = plots.plt.subplots(figsize=(9.5, 3.8))
        ys = list(range(len(METHODS)))[::-1]
        left = pd.Series(0, index=list(METHODS))
        for v in VERDICTS:
            counts = (
                ledger[ledger.verdict == v]["method"]
                .value_counts()
                .reindex(list(METHODS), fill_value=0)
            )
            if counts.sum() == 0:
                continue
            ax.barh(
                ys,
                counts.to_numpy(),
                left=left.to_numpy(),
                color=VERDICT_COLOURS[v],
                label=f"{v} ({counts.sum()})",
                edgecolor="white",
            )
            for y, c, l0 in zip(ys, counts.to_numpy(), left.to_numpy(), strict=True):
                if c:
                    dark = v in ("holds", "contradicted by the primary source")
                    ax.annotate(
                        str(c),
                        (l0 + c / 2, y),
                        ha="center",
                        va="center",
                        fontsize=8,
                        color="white" if dark else "black",
                    )
            left += counts
        ax.set_yticks(ys)
        ax.set_yticklabels([f"{m} ({by_method[m]})" for m in METHODS])
        ax.set_xlabel("number of claims")
        ax.set_title(
            f"The review's {self.n} checkable claims: how each was checked and what the check found",
            loc="left",
            fontsize=10,
        )
        ax.legend(
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=8,
            frameon=False,
            title="what the check found",
            title_fontsize=8,
        )
        show_figure(fig, "08_claims_summary")

    def view(self) -> pd.DataFrame:
        ledger = self.ledger
        return pd.DataFrame(
            {
                "section": ledger.section,
                "claim": ledger.claim_id,
                "where": ledger.places.str.replace(" ; ", ", "),
                "statement": ledger.statement
                + " "
                + ledger.article_citation.where(ledger.article_citation != "none", ""),
                "stated": ledger.stated.str.replace(" ; ", "; "),
                "checked": [cell_checked(r) for r in ledger.itertuples()],
                "method": ledger.method,
                "verdict": ledger.verdict,
                "primary source": [
                    f"{r.primary_checked} ({r.primary_verdict})" if r.primary_checked else ""
                    for r in ledger.itertuples()
                ],
                "reference": ledger.reference.str.replace(" ; ", "; ")
                + ledger.alternative.map(lambda a: f" | version B: {a}" if a else ""),
                "note": [cell_note(r) for r in ledger.itertuples()],
            }
        )

    def section_ledger(self) -> None:
        ledger = self.ledger
        titles = {
            code: f"{heading} ({(ledger.section == code).sum()} claims)"
            for code, (heading, _) in SECTIONS.items()
        }
        widths = {
            "claim": "9%",
            "where": "6%",
            "statement": "16%",
            "stated": "7%",
            "checked": "10%",
            "method": "7%",
            "verdict": "8%",
            "primary source": "7%",
            "reference": "13%",
            "note": "17%",
        }
        display(
            HTML(
                html_table(
                    self.view(),
                    widths,
                    "claims-ledger",
                    group="section",
                    group_titles=titles,
                    verdict_column="verdict",
                    filters=("verdict", "method"),
                )
            )
        )
        save_table(ledger.drop(columns=["values", "alternative_values"]), "08_claims_ledger")
        save_table(self.table.reset_index(), "08_claims_summary")

    def section_problems(self) -> None:
        ledger, view = self.ledger, self.view()
        bad = ~ledger.verdict.isin(["holds", "within rounding", NOT_ASSESSED])
        display(
            HTML(
                html_table(
                    view[bad].drop(columns=["reference"]),
                    {"claim": "10%", "where": "7%", "statement": "20%", "note": "28%"},
                    verdict_column="verdict",
                )
            )
        )
        say(
            "In words: "
            + " ".join(
                f"**{r.claim_id}** ({r.verdict}): the article states "
                f"{r.stated.replace(' ; ', '; ')}; the check found "
                + (
                    r.checked
                    if not r.alternative_checked
                    else "version A " + r.checked + " and version B " + r.alternative_checked
                )
                + "."
                for r in ledger[bad].itertuples()
            )
        )

    def section_unchecked(self) -> None:
        unchecked = self.ledger[self.ledger.method == "not checkable"]
        display(
            HTML(
                html_table(
                    pd.DataFrame(
                        {
                            "claim": unchecked.claim_id,
                            "where": unchecked.places,
                            "statement": unchecked.statement
                            + " "
                            + unchecked.article_citation.where(
                                unchecked.article_citation != "none", ""
                            ),
                            "what is missing": unchecked.checked,
                        }
                    ),
                    {"claim": "16%", "where": "10%", "statement": "40%"},
                )
            )
        )
        cited = unchecked.checked.str.startswith("the cited").sum()
        say(
            f"{len(unchecked)} claims cannot be checked: {cited} rest on a paper the review cites "
            "that is not among the sources (the review publishes no reference list with its "
            f"text); the other {len(unchecked) - cited} need facts outside the sources (trial "
            "registries, regulatory records, global statistics, a literature search) or parts of "
            "trial reports that are not available."
        )

    def section_not_claims(self) -> None:
        not_claims, claims = self.not_claims, self.claims
        display(
            HTML(
                html_table(
                    not_claims.drop(columns=["line"]).rename(
                        columns={"item_id": "item", "places": "where"}
                    ),
                    {"item": "14%", "where": "7%", "part": "30%", "reason": "12%"},
                )
            )
        )
        reasons = not_claims.reason.value_counts()
        say(
            f"{len(not_claims)} sentences or parts of sentences are not claims: "
            + ", ".join(f"{v} {k}" for k, v in reasons.items())
            + "."
        )
        self.all_sentences = sentences()
        in_claims = {p for ps in claims.places for p in split(ps)}
        self.uncovered = uncovered_sentences(claims, not_claims)
        if self.uncovered:
            raise ValueError(
                f"sentences neither claimed nor listed as not claims: {self.uncovered} (add them "
                f"to {self.p.ledger_file} or {self.p.not_claims_file})"
            )
        say(
            f"Coverage: the article has {len(self.all_sentences)} sentences (headings aside); "
            f"{len(in_claims & set(self.all_sentences))} carry at least one claim and every one of "
            f"the others is listed above ({len(self.uncovered)} unaccounted for)."
        )

    def values_of(self, references: str) -> str:
        """The values a row of the omissions table refers to, read, never typed."""
        shown = []
        for ref in split(references):
            r = resolve_softly(self.resolver, ref)
            value = (
                r.text
                if r.text is not None
                else (f"{r.value:.4g}" if isinstance(r.value, float) else str(r.value))
            )
            shown.append(f"{ref.partition(':')[2]} = {value}")
        return "; ".join(shown)

    def section_omissions(self) -> None:
        o = self.omissions
        omitted = pd.DataFrame(
            {
                "topic": o.topic,
                "what the sources hold": o.finding,
                "why it matters": o.relevance,
                "values": [self.values_of(refs) for refs in o.references],
                "related claims": o.related_claims.str.replace(" ; ", ", "),
                "source": o.source + " (" + o.location + ")",
            }
        )
        display(
            HTML(
                html_table(
                    omitted,
                    {
                        "topic": "10%",
                        "what the sources hold": "22%",
                        "why it matters": "20%",
                        "values": "22%",
                        "related claims": "10%",
                    },
                )
            )
        )
        save_table(omitted, "08_claims_omissions")

    def key_numbers(self) -> None:
        add, table = self.results.add, self.table
        add(
            "claims.total", self.n, description="checkable claims in the ledger (one row per claim)"
        )
        for v in VERDICTS:
            add(
                f"claims.count.{v.replace(' ', '_')}",
                int(self.by_verdict[v]),
                description=f"claims with verdict '{v}'",
            )
        for m in METHODS:
            add(
                f"claims.method.{m.replace(' ', '_')}",
                int(self.by_method[m]),
                description=f"claims checked by method '{m}'",
            )
        add(
            "claims.method_by_verdict",
            {m: {v: int(table.loc[m, v]) for v in table.columns if v != "total"} for m in METHODS},
            description="claims by how they were checked (outer key) and what the check found "
            "(inner key)",
        )
        add(
            "claims.held_beyond_transcription",
            self.ok_beyond,
            description="recomputed or derived claims that hold or hold within rounding",
        )
        add(
            "claims.not_claims",
            len(self.not_claims),
            description="sentences or parts of sentences judged not to be claims",
        )
        add(
            "claims.omissions",
            len(self.omissions),
            description="omissions: evidence in the sources the article leaves out",
        )
        add(
            "claims.sentences",
            len(self.all_sentences),
            description="sentences of the article (headings aside)",
        )
        add(
            "claims.sentences_unaccounted",
            len(self.uncovered),
            description="sentences neither in a claim nor listed as not a claim",
        )
        for r in self.ledger.itertuples():
            add(
                f"claim.{r.claim_id}",
                {
                    "section": r.section,
                    "places": split(r.places),
                    "statement": r.statement,
                    "stated": split(r.stated),
                    "checked": r.values,
                    "checked_text": r.checked,
                    "alternative_checked": r.alternative_values,
                    "alternative_text": r.alternative_checked,
                    "method": r.method,
                    "verdict": r.verdict,
                    "reference": split(r.reference),
                    "alternative": split(r.alternative),
                    "primary": r.primary_checked,
                    "primary_verdict": r.primary_verdict,
                    "context": r.context_values,
                    "note": r.note,
                    "missing_result": r.missing_result,
                },
                description=r.statement,
            )
        self.add_provenance()
        self.results.write()
        say(
            f"{len(self.results)} entries written to `results/08_claims.json`, one per claim plus "
            "the counts."
        )
