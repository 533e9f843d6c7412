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
# # Synthesis: what the evidence says about thymosin α1 in sepsis, and how sure we can be
#
# **Question.** Does thymosin α1 (Tα1) reduce mortality in unselected sepsis; what did the small
# trials show and why might they differ; which subgroup signals deserve a trial; what do the immune
# markers tell and not tell; and what does the next trial need? For each outcome, how certain is
# the evidence (risk of bias by RoB 2, certainty by GRADE) and what does it mean per 1000 patients,
# judged against an explicit minimal clinically important difference (MCID)?
#
# Every number here is read from the other notebooks' `results/*.json` or computed from `data/`;
# every certainty rating comes from a rule written in `src/ta1sepsis/grade.py` or from a sourced
# judgement row in `data/grade_judgements.csv`. This page is rendered last and shown first.

# %% tags=["parameters"]
trials_file = "data/trials.csv"
estimates_file = "data/published_estimates.csv"
facts_file = "data/study_facts.csv"
method_facts_file = "data/method_facts.csv"
risk_of_bias_file = "data/risk_of_bias.csv"
grade_judgements_file = "data/grade_judgements.csv"
credibility_file = "data/subgroup_credibility.csv"
intervention_label = "Tα1"
baseline_study = "tests"
all_rcts_estimate = "gu2025.mortality_28d.or"
subgroup_claims = {
    "subgroup_age": ["tests.mortality_28d.hr.age_ge60", "tests.age"],
    "subgroup_diabetes": ["tests.mortality_28d.hr.diabetes_yes", "tests.diabetes"],
}
mcid_alternatives = [
    "mcid.bmj_rr_steroids.risk_difference",
    "mcid.ridgeon2017.plausible_arr_median",
]
ois_continuous = 400
secondary_outcomes = ["mortality_90d", "new_infection_28d"]
marker_outcome = {
    "estimate": "etass.mhla_dr_change_day7.md",
    "assessment": "etass.mhla_dr_change",
    "regression_to_mean": "mechanism.rtm.day7.rho_threshold",
}
overview_estimates = [
    "li2015.mortality_any.rr",
    "liu2016.mortality_any.rr",
    "gu2018.mortality_28d.rr",
]
next_trial_population = "age_60_and_over"
mcid_relative_reduction = 0.15
mcid_absolute_reduction = 0.035

# %%
from ta1sepsis.chapters.synthesis import Synthesis

chapter = Synthesis.from_namespace(globals())

# %%
chapter.bottom_line()

# %% [markdown]
# ## 1. Summary of findings
#
# Relative effects with their 95% CIs; the corresponding risk and the difference per 1000 patients
# at the assumed control risk (stated per row); the number of participants and trials; the
# certainty (GRADE) and GRADE's standard wording. Each downgrade, its reason and where it came
# from are in the next table.

# %%
chapter.section_sof()

# %% [markdown]
# ### Why each certainty is what it is

# %%
chapter.section_downgrades()

# %% [markdown]
# ## 2. Risk of bias (RoB 2)
#
# Domain judgements from `data/risk_of_bias.csv` (each signalling answer there carries its supporting
# fact and source); the overall judgement follows the RoB 2 algorithm (`src/ta1sepsis/rob.py`). The
# small trials of the published reviews have no trial-level assessment in the sources; what the
# reviews say about them follows.

# %%
chapter.section_rob()

# %% [markdown]
# ## 3. The mortality evidence on one page

# %%
chapter.section_overview()

# %% [markdown]
# ## 4. How the answer depends on the MCID
#
# The MCID is an assumption. The certainty and the wording of the mortality outcomes under the
# project's value and under two others found in the sources (what a guideline panel treated as
# important, and what critical-care clinicians called the largest plausible effect).

# %%
chapter.section_mcid()

# %% [markdown]
# ## 5. How the review article fares

# %%
chapter.section_ledger()

# %% [markdown]
# ## 6. Key numbers

# %%
chapter.key_numbers()
