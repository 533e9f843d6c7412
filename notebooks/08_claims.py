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
# # The claims ledger: which of the review's numbers hold?
#
# Every quantitative claim of the review article is a row of `data/claims.csv`, paraphrased,
# with the number as printed and a reference to where the collection recomputes or records it:
# a key in another notebook's `results/*.json`, a row of the data tables, or a derivation made
# here. The verdict is mechanical (`ta1sepsis.verdicts`): *reproduced*, *within rounding* (the
# recomputed value rounds to the printed one), *consistent* (a printed bound or a P value inside
# the range its own rounded interval allows), *last digit off by one*, *not reproduced*, *not
# reproducible from the available data* (the row says what is missing) or *contradicted* (the
# row says by what).
#
# A claim checked against a published estimate "as recorded" confirms that the review copied
# the primary source correctly; a claim checked against a recomputation confirms the number
# itself.

# %% tags=["parameters"]
claims_file = "data/claims.csv"
trials_file = "data/trials.csv"
estimates_file = "data/published_estimates.csv"
facts_file = "data/study_facts.csv"

# %%
import pandas as pd

from ta1sepsis import plots
from ta1sepsis.claims import Resolver, judge
from ta1sepsis.data import (
    load_claims,
    load_estimates,
    load_facts,
    load_trials,
    select_one,
)
from ta1sepsis.narrative import say, show
from ta1sepsis.outputs import Results, project_root, save_table, show_figure
from ta1sepsis.reported_estimates import recover

plots.setup()
root = project_root()
claims = load_claims(root / claims_file)
trials = load_trials(root / trials_file)
estimates = load_estimates(root / estimates_file)
facts = load_facts(root / facts_file)
published = estimates.set_index("estimate_id")
results = Results("08_claims")

# %% [markdown]
# ## 1. Derivations used by the ledger
#
# Numbers the review states that are not a single stored value are derived here, from the data.

# %%
etass = select_one(trials, "trials", study_id="etass", outcome="mortality_28d")
tests = select_one(trials, "trials", study_id="tests", outcome="mortality_28d")


def p_from_ci(estimate_id, ratio=True):
    r = published.loc[estimate_id]
    return recover(r.estimate, r.ci_lower, r.ci_upper, r.ci_level, ratio=ratio).p_value


derived = {
    "etass_n": etass.n_trt + etass.n_ctl,
    "etass_year": etass.year,
    "li2015_p_from_ci": p_from_ci("li2015.mortality_any.rr"),
    "liu2016_p_from_ci": p_from_ci("liu2016.mortality_any.rr"),
    "liu2016_hla_p_from_ci": p_from_ci("liu2016.hla_dr.smd", ratio=False),
    "liu2016_once_p_from_ci": p_from_ci("liu2016.apache_ii.smd.once_daily", ratio=False),
    "liu2016_twice_p_from_ci": p_from_ci("liu2016.apache_ii.smd.twice_daily", ratio=False),
    "gu2025_p_from_ci": p_from_ci("gu2025.mortality_28d.or"),
    "gu2025_hq_p_from_ci": p_from_ci("gu2025.mortality_28d.or.high_quality"),
    "gu2025_mc_p_from_ci": p_from_ci("gu2025.mortality_28d.or.multicentre"),
    "ipd_share_percent": 100 * (etass.n_trt + etass.n_ctl + tests.n_trt + tests.n_ctl) / published.loc["gu2025.mortality_28d.or"].n_patients,
    "ipd_trials": len({"etass", "tests"} & set(trials.study_id)),
}
show(pd.DataFrame([{"derivation": k, "value": v} for k, v in derived.items()]).round(6))

# %% [markdown]
# ## 2. The ledger

# %%
resolver = Resolver(root, estimates, facts, trials, derived)
judged = pd.DataFrame([judge(row, resolver) for row in claims.to_dict("records")])
ledger = claims[["claim_id", "section", "paraphrase", "article_citation", "stated", "reference", "rule", "explanation"]].merge(
    judged[["claim_id", "recomputed", "verdict", "missing_result"]], on="claim_id"
)
missing = ledger[ledger["missing_result"] != ""]
if len(missing):
    say(
        f"**{len(missing)} claim(s) could not be checked in this run** because a notebook they rely on was run "
        "with other parameters or data: " + "; ".join(f"{r.claim_id} ({r.missing_result})" for r in missing.itertuples())
    )
results.add("claims.missing_results", len(missing), description="claims whose results key was not produced in this run")
ledger["recomputed"] = ledger["recomputed"].map(lambda v: "" if v is None or pd.isna(v) else f"{v:.6g}")
show(ledger[["claim_id", "section", "paraphrase", "stated", "recomputed", "verdict", "explanation"]])
save_table(ledger, "08_claims_ledger")

# %% [markdown]
# ## 3. Summary

# %%
order = ["reproduced", "within rounding", "consistent", "last digit off by one", "not reproduced", "not reproducible from the available data", "contradicted"]
counts = ledger["verdict"].value_counts().reindex(order).fillna(0).astype(int)
by_section = pd.crosstab(ledger["section"], ledger["verdict"]).reindex(columns=[o for o in order if o in ledger["verdict"].unique()])
show(by_section.reset_index())
fig, ax = plots.plt.subplots(figsize=(9, 4))
colours = ["#1b6ca8", "#5b9bd5", "#9cc3e6", "#f4b183", "#d1495b", "#a6a6a6", "#7f0000"]
ax.barh(range(len(counts))[::-1], counts.to_numpy(), color=colours)
ax.set_yticks(range(len(counts))[::-1])
ax.set_yticklabels(counts.index)
for y, v in zip(range(len(counts))[::-1], counts.to_numpy(), strict=True):
    ax.annotate(str(v), (v, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=9)
ax.set_xlabel("number of claims")
ax.set_title(f"The review's {len(ledger)} quantitative claims, checked", loc="left", fontsize=11)
show_figure(fig, "08_claims_summary")
held = counts[["reproduced", "within rounding", "consistent"]].sum()
say(
    f"{held} of {len(ledger)} claims hold (reproduced, within rounding or consistent); "
    f"{counts['last digit off by one']} differ by one unit in the last printed digit; "
    f"{counts['not reproduced']} are not reproduced; {counts['not reproducible from the available data']} cannot "
    f"be checked with the available sources; {counts['contradicted']} are contradicted by them."
)
for v in order:
    results.add(f"claims.count.{v.replace(' ', '_')}", int(counts[v]), description=f"claims with verdict '{v}'")
results.add("claims.total", len(ledger), description="claims in the ledger")

# %% [markdown]
# ## 4. What does not hold, and why

# %%
problems = ledger[~ledger["verdict"].isin(["reproduced", "within rounding", "consistent"])]
show(problems[["claim_id", "paraphrase", "stated", "recomputed", "verdict", "explanation"]])
for row in problems.itertuples():
    results.add(f"claims.{row.claim_id}", row.verdict, description=f"{row.paraphrase} (stated {row.stated})")
say(
    "Beyond single numbers, the review's two qualitative statements about ETASS's control arm — standard care alone, "
    "no placebo injection; and TESTS being placebo-controlled *unlike* ETASS — are contradicted by the ETASS methods "
    "and registry, which describe a saline placebo with patients blinded. Its TESTS hazard ratio is the more widely "
    "copied of two published versions; the counts favour the other (04_tests). Its diabetes interaction P value "
    "cannot be reproduced from the published subgroup estimates (05_subgroups)."
    if {"etass.no_placebo", "tests.vs_etass_blinding"} <= set(problems.claim_id)
    else "See the table above."
)
results.write()
say(f"{len(results)} key numbers written to `results/08_claims.json`.")
