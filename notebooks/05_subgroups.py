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
# # Subgroups: are the age and diabetes signals in TESTS credible?
#
# **Question.** TESTS found no overall effect of thymosin α1 (Tα1), but its abstract reports
# effect modification by age (harm under 60, possible benefit from 60) and by diabetes
# (possible benefit with diabetes). The review article leans on these signals. How credible are
# they? This notebook recomputes the interaction tests from the published subgroup hazard
# ratios, applies the ICEMAN credibility instrument (Schandelmaier et al., CMAJ 2020) with every
# answer tied to a sourced fact, measures how often chance alone produces such signals in a
# trial of this size, and shrinks the subgroup estimates under a sceptical prior.

# %% tags=["parameters"]
trials_file = "data/trials.csv"
estimates_file = "data/published_estimates.csv"
credibility_file = "data/subgroup_credibility.csv"
study_id = "tests"
treatment_label = "Tα1"
confidence = 0.95
overall = ["tests.mortality_28d.hr.version_a", "tests.mortality_28d.hr.version_b"]
modifiers = {
    "age": ["tests.mortality_28d.hr.age_lt60", "tests.mortality_28d.hr.age_ge60"],
    "diabetes": ["tests.mortality_28d.hr.diabetes_yes", "tests.mortality_28d.hr.diabetes_no"],
}
candidate_modifiers = 10
prevalence_range = [0.2, 0.5]
n_simulations = 4000
significance = 0.05
seed = 20250115
interaction_prior_ratio = 2.0
interaction_prior_mass = 0.95
context_studies = ["pei2020", "shang2023"]
prevalence_estimates = [
    "pei2020.early_immunoparalysis.risk.elderly",
    "pei2020.early_immunoparalysis.risk.nonelderly",
]

# %%
from ta1sepsis.chapters.subgroups import Subgroups

chapter = Subgroups.from_namespace(globals())

# %%
chapter.bottom_line()

# %% [markdown]
# ## 1. The reported subgroups beside the overall effect

# %%
chapter.section_reported()

# %% [markdown]
# ## 2. Interaction tests recomputed from the published subgroup estimates
#
# The test compares the two subgroup log hazard ratios, with standard errors recovered from
# their intervals (Altman & Bland, BMJ 2003). Because the printed numbers are rounded, the range
# of P values that any unrounded numbers consistent with the printed ones could give is also
# shown: a published P outside that range was not computed this way from these estimates.

# %%
chapter.section_interactions()

# %% [markdown]
# ## 3. How often does chance alone produce such signals?
#
# A trial the size of TESTS is simulated many times with **no** treatment effect and **no**
# effect modification, with K independent candidate modifiers of varying prevalence; in each
# simulated trial every modifier gets the interaction test. The share of trials with at least
# one (or two) 'significant' interactions is the false-positive rate of subgroup hunting.

# %%
chapter.section_chance()

# %% [markdown]
# ## 4. Shrunken subgroup estimates
#
# A sceptical prior on the interaction — centred on no effect modification, with 95% of its mass
# on ratios of hazard ratios between 1/r and r (r is a parameter) — pulls the two subgroup
# estimates towards each other (Dixon & Simon 1991). The result is what a reader should expect
# the subgroup effects to be, given that large true interactions are rare.

# %%
chapter.section_shrinkage()

# %% [markdown]
# ## 5. Credibility (ICEMAN)
#
# Each answer comes from `data/subgroup_credibility.csv`, where its basis, source and whether it
# is a read fact or a judgement are recorded. The review of the pooled ETASS+TESTS data (Gu 2025)
# rated its own subgroup findings; those ratings are shown as reported, since its subgroup
# numbers are not available to check.

# %%
chapter.section_credibility()

# %% [markdown]
# ## 6. Context for the age signal (indirect evidence)
#
# Two pieces of evidence bear on age without testing it as a modifier of the Tα1 effect in a
# sepsis trial; both are labelled indirect.

# %%
chapter.section_context()

# %% [markdown]
# ## 7. One table for each subgroup claim

# %%
chapter.section_summary()
chapter.write_results()
