# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The claims ledger: what the review says, how each statement was checked, what the check found
#
# **Question.** Which of the review article's statements hold when checked against the sources,
# and how was each one checked: recomputed, derived, looked up, or not checkable?
#
# The review under check is the web article *Thymosin Alpha-1 for Sepsis: Critical Care Data*
# (no DOI). Every checkable statement in it — every number, count, design statement and every
# "no difference", "significant", "approved", "largest" or "first" — is one row of
# `data/claims.csv`, paraphrased, with every place it appears (a statement repeated in the key
# takeaways is one claim). The article's other sentences are listed in
# `data/claims_not_claims.csv` with the reason they are not claims, and evidence the sources hold
# that the article leaves out is in `data/claims_omissions.csv`.
#
# Each claim is described on two axes:
#
# * **how it was checked** — *recomputed* by the collection's own code from counts or data,
#   *derived* by arithmetic from other published numbers (a P value from a published interval,
#   1 − RR as a percentage), *looked up* in the primary source as recorded in `data/`, or
#   *not checkable* (the claim says what is missing);
# * **what the check found** — *holds*, *within rounding*, *differs*, *contradicted by the
#   primary source*, *conflicting sources* (the sources give two versions and the article shows
#   one), or *not assessed*.
#
# No verdict is typed anywhere: each follows from the values and the claim's rule
# (`ta1sepsis.evidence.claims`), and numbers are compared at the precision the article prints them
# (`ta1sepsis.evidence.verdicts`, the rule every notebook uses). A claim that was looked up only confirms
# that the article copied its source; where a claim was recomputed or derived, the ledger also
# shows the check against the primary source as printed.

# %% tags=["parameters"]
ledger_file = "data/claims.csv"
claim_facts_file = "data/claim_facts.csv"
not_claims_file = "data/claims_not_claims.csv"
omissions_file = "data/claims_omissions.csv"
trials_file = "data/trials.csv"
estimates_file = "data/published_estimates.csv"
facts_file = "data/study_facts.csv"
credibility_file = "data/subgroup_credibility.csv"
alpha = 0.05

# %%
import pandas as pd
from IPython.display import HTML, display

from ta1sepsis.data.claims_tables import (
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
from ta1sepsis.paths import project_root
from ta1sepsis.report import plots
from ta1sepsis.report.answers import bottom_line
from ta1sepsis.report.narrative import say, show
from ta1sepsis.report.outputs import save_table, show_figure
from ta1sepsis.report.results import Results

plots.setup()
root = project_root()
claims = load_claims_ledger(root / ledger_file)
claim_facts = load_claim_facts(root / claim_facts_file)
not_claims = load_not_claims(root / not_claims_file)
omissions = load_omissions(root / omissions_file)
trials = load_trials(root / trials_file)
estimates = load_estimates(root / estimates_file)
facts = load_facts(root / facts_file)
credibility = load_credibility(root / credibility_file)
results = Results("08_claims")
display(HTML(LEDGER_STYLE))

# %%
tests_row = select_one(trials, "trials", study_id="tests", outcome="mortality_28d")
ma_ids = split(claim_facts.set_index("fact_id").loc["meta_analyses.sepsis_ta1_2015_2025", "value"])
early = reductions_from_risk_ratios(estimates, ["etass", *ma_ids], before_year=int(tests_row.year))
sizes = trial_sizes(trials)
gu = estimates.set_index("estimate_id").loc["gu2025.mortality_28d.or"]
derived = {
    "early_reduction_min": float(early.reduction_percent.min()),
    "early_reduction_max": float(early.reduction_percent.max()),
    "largest_trial": str(sizes.index[0]),
    "ipd_share_percent": float(100 * (sizes["etass"] + sizes["tests"]) / gu.n_patients),
    "gu2025_other_trials_patients": float(gu.n_patients - sizes["tests"]),
}
# Where result: references look: remap a notebook name here if its results move, e.g.
# {"02_etass": "trials/etass"} (the ledger's references already name the trial reports).
result_aliases = {}
resolver = Resolver(
    root, estimates, facts, trials, claim_facts, credibility, derived, aliases=result_aliases
)
judged = pd.DataFrame([judge(row, resolver, alpha) for row in claims.to_dict("records")])
section_order = {code: i for i, code in enumerate(SECTIONS)}


def first_sentence(places, section):
    own = [p.split(":")[1] for p in split(places) if p.startswith(section + ":")]
    return min(0 if n == "h" else int(n) for n in own)


ledger = claims.drop(columns=["method", "line"]).merge(judged, on="claim_id", validate="one_to_one")
ledger["order"] = [
    (section_order[s], first_sentence(p, s))
    for s, p in zip(ledger.section, ledger.places, strict=True)
]
ledger = (
    ledger.sort_values(["order", "claim_id"], kind="stable")
    .drop(columns="order")
    .reset_index(drop=True)
)
missing = ledger[ledger["missing_result"] != ""]
table = method_verdict_table(ledger)
n = len(ledger)
by_method = ledger["method"].value_counts().reindex(list(METHODS), fill_value=0)
by_verdict = ledger["verdict"].value_counts().reindex(list(VERDICTS), fill_value=0)
checked = n - by_method["not checkable"]
beyond = by_method["recomputed"] + by_method["derived"]
ok = ledger["verdict"].isin(["holds", "within rounding"])
ok_beyond = (ok & ledger["method"].isin(["recomputed", "derived"])).sum()

# %%
answer = (
    f"The review makes {n} checkable claims. {by_method['recomputed']} were recomputed from counts or "
    f"data and {by_method['derived']} derived from other published numbers; {by_method['looked up']} could only be "
    f"compared with the primary source as recorded, which confirms transcription, not the analysis; "
    f"{by_method['not checkable']} cannot be checked with the sources. Of the {beyond} claims checked beyond "
    f"transcription, {ok_beyond} hold or hold within rounding. Across all {checked} checked claims: "
    f"{by_verdict['holds']} hold, {by_verdict['within rounding']} hold within rounding, {by_verdict['differs']} "
    f"{'differs' if by_verdict['differs'] == 1 else 'differ'}, {by_verdict['contradicted by the primary source']} "
    f"{'is' if by_verdict['contradicted by the primary source'] == 1 else 'are'} contradicted by the primary source and "
    f"{by_verdict['conflicting sources']} {'rests' if by_verdict['conflicting sources'] == 1 else 'rest'} on conflicting "
    "sources (two published versions, the article showing one)."
    + (
        f" {len(missing)} claim(s) could not be checked in this run because a results key was not produced (section 2)."
        if len(missing)
        else ""
    )
)
bottom_line(
    answer,
    "A claim that was looked up and holds shows only that the article copied its source, not that the source's "
    "analysis is right; and which sentences count as claims is a judgement, listed sentence by sentence with its "
    "reason in section 6.",
    [
        f"significance level α = {alpha} for claims that a result is or is not significant (assumption)",
        "numbers compared at the precision the article prints them (ta1sepsis.evidence.verdicts)",
    ],
)

# %% [markdown]
# ## 1. Derivations made here
#
# A few claims compare the article with a number no other notebook produces. They are derived
# here from the data, in the open:
#
# * the range of mortality reductions "reported by early RCTs and meta-analyses": 100 × (1 − RR)
#   over the risk ratios of ETASS and of the Tα1 meta-analyses in sepsis (the list is the sourced
#   fact `meta_analyses.sepsis_ta1_2015_2025` in `data/claim_facts.csv`) published before TESTS;
# * which trial is the largest, among the trials whose arm sizes are in `data/trials.csv`;
# * the share of the Gu 2025 patients contributed by ETASS and TESTS, and how many patients the
#   other Gu 2025 trials had between them.

# %%
show(early)
show(sizes.rename("patients analysed").reset_index())
show(
    pd.DataFrame(
        {
            "derivation": list(derived),
            "value": [str(v) if isinstance(v, str) else round(v, 4) for v in derived.values()],
        }
    )
)

# %% [markdown]
# ## 2. The verdicts

# %%
if len(missing):
    say(
        f"**{len(missing)} claim(s) could not be checked in this run** because a results key they rely on was not "
        "produced (a notebook ran with other parameters or data); they count as not checkable here: "
        + "; ".join(f"{r.claim_id} ({r.missing_result})" for r in missing.itertuples())
    )
results.add(
    "claims.missing_results",
    len(missing),
    description="claims whose results key was not produced in this run",
)
show(table.reset_index().rename(columns={"method": "how checked"}))

# %%
colours = {
    "holds": "#1b6ca8",
    "within rounding": "#7fb3d5",
    "differs": "#f4a261",
    "contradicted by the primary source": "#b2182b",
    "conflicting sources": "#e9c46a",
    NOT_ASSESSED: "#bdbdbd",
}
fig, ax = plots.plt.subplots(figsize=(9.5, 3.8))
ys = list(range(len(METHODS)))[::-1]
left = pd.Series(0, index=list(METHODS))
for v in VERDICTS:
    counts = (
        ledger[ledger.verdict == v]["method"].value_counts().reindex(list(METHODS), fill_value=0)
    )
    if counts.sum() == 0:
        continue
    ax.barh(
        ys,
        counts.to_numpy(),
        left=left.to_numpy(),
        color=colours[v],
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
    f"The review's {n} checkable claims: how each was checked and what the check found",
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

# %% [markdown]
# ## 3. The whole ledger
#
# Grouped by section of the article, in reading order. *Where* gives every place the statement
# appears (`section:sentence`, sentences numbered within each section; `h` is the section
# heading). *Checked* is the value the claim was compared with (for P values checked against
# their own interval, the bracket is the range the rounding of the printed numbers allows; for a
# claim with two published versions, both). *Primary source* is the check against the primary
# source as printed, for claims that were recomputed or derived. The two menus filter the table
# (in the browser; no network needed).


# %%
def cell_checked(r):
    if r.method == "not checkable":
        return (
            f"missing: {r.checked}"
            if not r.missing_result
            else f"not in this run: {r.missing_result}"
        )
    text = r.checked
    if r.alternative_checked:
        text = f"version A: {text} | version B: {r.alternative_checked}"
    return text


def cell_note(r):
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


view = pd.DataFrame(
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
            view,
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
save_table(table.reset_index(), "08_claims_summary")

# %% [markdown]
# ## 4. What does not hold
#
# Claims that differ from the recomputation or derivation, that the primary source contradicts,
# or that rest on conflicting published versions.

# %%
problems = view[~ledger.verdict.isin(["holds", "within rounding", NOT_ASSESSED])]
display(
    HTML(
        html_table(
            problems.drop(columns=["reference"]),
            {"claim": "10%", "where": "7%", "statement": "20%", "note": "28%"},
            verdict_column="verdict",
        )
    )
)
say(
    "In words: "
    + " ".join(
        f"**{r.claim_id}** ({r.verdict}): the article states {r.stated.replace(' ; ', '; ')}; the check found "
        f"{r.checked if not r.alternative_checked else 'version A ' + r.checked + ' and version B ' + r.alternative_checked}."
        for r in ledger[
            ~ledger.verdict.isin(["holds", "within rounding", NOT_ASSESSED])
        ].itertuples()
    )
)

# %% [markdown]
# ## 5. What cannot be checked, and what is missing

# %%
unchecked = ledger[ledger.method == "not checkable"]
display(
    HTML(
        html_table(
            pd.DataFrame(
                {
                    "claim": unchecked.claim_id,
                    "where": unchecked.places,
                    "statement": unchecked.statement
                    + " "
                    + unchecked.article_citation.where(unchecked.article_citation != "none", ""),
                    "what is missing": unchecked.checked,
                }
            ),
            {"claim": "16%", "where": "10%", "statement": "40%"},
        )
    )
)
cited = unchecked.checked.str.startswith("the cited").sum()
say(
    f"{len(unchecked)} claims cannot be checked: {cited} rest on a paper the review cites that is not among the "
    "sources (the review publishes no reference list with its text); the other "
    f"{len(unchecked) - cited} need facts outside the sources (trial registries, regulatory records, global "
    "statistics, a literature search) or parts of trial reports that are not available."
)

# %% [markdown]
# ## 6. Sentences that are not claims
#
# Every sentence of the article is either part of a claim above or listed here with the reason it
# is not one. Some sentences appear in both: their numbers are claims, their framing is not.

# %%
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
all_sentences = sentences()
in_claims = {p for ps in claims.places for p in split(ps)}
uncovered = uncovered_sentences(claims, not_claims)
assert not uncovered, f"sentences neither claimed nor listed as not claims: {uncovered}"
say(
    f"Coverage: the article has {len(all_sentences)} sentences (headings aside); {len(in_claims & set(all_sentences))} "
    f"carry at least one claim and every one of the others is listed above ({len(uncovered)} unaccounted for)."
)

# %% [markdown]
# ## 7. What the article leaves out
#
# Evidence in the sources that bears on the article's story but is not mentioned. The values are
# read from the data and results by their references, never typed.


# %%
def values_of(references):
    shown = []
    for ref in split(references):
        r = resolve_softly(resolver, ref)
        value = (
            r.text
            if r.text is not None
            else (f"{r.value:.4g}" if isinstance(r.value, float) else str(r.value))
        )
        shown.append(f"{ref.partition(':')[2]} = {value}")
    return "; ".join(shown)


omitted = pd.DataFrame(
    {
        "topic": omissions.topic,
        "what the sources hold": omissions.finding,
        "why it matters": omissions.relevance,
        "values": [values_of(refs) for refs in omissions.references],
        "related claims": omissions.related_claims.str.replace(" ; ", ", "),
        "source": omissions.source + " (" + omissions.location + ")",
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

# %% [markdown]
# ## 8. Key numbers

# %%
results.add("claims.total", n, description="checkable claims in the ledger (one row per claim)")
for v in VERDICTS:
    results.add(
        f"claims.count.{v.replace(' ', '_')}",
        int(by_verdict[v]),
        description=f"claims with verdict '{v}'",
    )
for m in METHODS:
    results.add(
        f"claims.method.{m.replace(' ', '_')}",
        int(by_method[m]),
        description=f"claims checked by method '{m}'",
    )
results.add(
    "claims.method_by_verdict",
    {m: {v: int(table.loc[m, v]) for v in table.columns if v != "total"} for m in METHODS},
    description="claims by how they were checked (outer key) and what the check found (inner key)",
)
results.add(
    "claims.held_beyond_transcription",
    int(ok_beyond),
    description="recomputed or derived claims that hold or hold within rounding",
)
results.add(
    "claims.not_claims",
    len(not_claims),
    description="sentences or parts of sentences judged not to be claims",
)
results.add(
    "claims.omissions",
    len(omissions),
    description="omissions: evidence in the sources the article leaves out",
)
results.add(
    "claims.sentences", len(all_sentences), description="sentences of the article (headings aside)"
)
results.add(
    "claims.sentences_unaccounted",
    len(uncovered),
    description="sentences neither in a claim nor listed as not a claim",
)
for r in ledger.itertuples():
    results.add(
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
results.write()
say(f"{len(results)} entries written to `results/08_claims.json`, one per claim plus the counts.")
