# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
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
early_studies = ["etass"]
reviews_fact = "meta_analyses.sepsis_ta1_2015_2025"
cutoff_study = "tests"
ipd_trials = ["etass", "tests"]
ipd_review = "gu2025.mortality_28d.or"

# %%
from ta1sepsis.chapters.claims_ledger import ClaimsLedger

chapter = ClaimsLedger.from_namespace(globals())

# %%
chapter.bottom_line()

# %% [markdown]
# ## How the ledger was built
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
chapter.section_derivations()

# %% [markdown]
# ## 2. The verdicts

# %%
chapter.section_verdicts()

# %%
chapter.section_figure()

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
chapter.section_ledger()

# %% [markdown]
# ## 4. What does not hold
#
# Claims that differ from the recomputation or derivation, that the primary source contradicts,
# or that rest on conflicting published versions.

# %%
chapter.section_problems()

# %% [markdown]
# ## 5. What cannot be checked, and what is missing

# %%
chapter.section_unchecked()

# %% [markdown]
# ## 6. Sentences that are not claims
#
# Every sentence of the article is either part of a claim above or listed here with the reason it
# is not one. Some sentences appear in both: their numbers are claims, their framing is not.

# %%
chapter.section_not_claims()

# %% [markdown]
# ## 7. What the article leaves out
#
# Evidence in the sources that bears on the article's story but is not mentioned. The values are
# read from the data and results by their references, never typed.


# %%
chapter.section_omissions()

# %% [markdown]
# ## 8. Key numbers

# %%
chapter.key_numbers()
