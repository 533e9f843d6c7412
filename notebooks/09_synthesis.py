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
# judged against explicit decision thresholds for benefit and harm?
#
# Every number here is read from the other notebooks' `results/*.json` or computed from `data/`;
# every certainty rating comes from a rule written in `src/ta1sepsis/evidence/grade.py` or from a
# sourced judgement row in `data/grade_judgements.csv`. The decision thresholds (the smallest
# difference per 1000 that matters, GRADE's minimally contextualised approach) are assumptions set
# in `params/shared.yaml`, apart from the design effect a trial is sized for; every answer that
# depends on one says what the same evidence says under the sourced alternatives. This page is
# rendered last and shown first.

# %% tags=["parameters"]
trials_file = "data/trials.csv"
estimates_file = "data/published_estimates.csv"
facts_file = "data/study_facts.csv"
method_facts_file = "data/method_facts.csv"
risk_of_bias_file = "data/risk_of_bias.csv"
grade_judgements_file = "data/grade_judgements.csv"
credibility_file = "data/subgroup_credibility.csv"
importance_file = "data/outcome_importance.csv"
claim_facts_file = "data/claim_facts.csv"
intervention_label = "Tα1"
baseline_study = "tests"
second_baseline_study = "etass"
all_rcts_estimate = "gu2025.mortality_28d.or"
subgroup_claims = {
    "subgroup_age": ["tests.mortality_28d.hr.age_ge60", "tests.age"],
    "subgroup_diabetes": ["tests.mortality_28d.hr.diabetes_yes", "tests.diabetes"],
}
ois_continuous = 400
secondary_outcomes = ["mortality_90d", "new_infection_28d"]
harms_facts = ["etass.serious_drug_related_aes", "tests.adverse_events"]
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
heterogeneity_prior = "heterogeneity_prior.turner2015.mortality_pharm_vs_placebo"
bias_priors = [
    "bias.zhang2013.small_trials",
    "bias.dechartres2013.smallest_quarter",
    "bias.wood2008.concealment_objective",
    "bias.page2016.concealment",
    "bias.wood2008.blinding_objective",
]
primary_bias_prior = "bias.zhang2013.small_trials"
power_prior_weights = [0, 0.25, 0.5, 0.75, 1]
design_relative_reduction = 0.15
design_absolute_reduction = 0.035
decision_thresholds = {
    "mortality": {"benefit": 10, "harm": 10},
    "serious_events": {"benefit": 10, "harm": 10},
}
threshold_alternatives = [
    "threshold.lamontagne2018.panel_difference",
    "threshold.neumann2022.small_upper",
    "threshold.ridgeon2017.plausible_arr",
]

# %%
from ta1sepsis.chapters.synthesis import Synthesis

chapter = Synthesis.from_namespace(globals())

# %%
chapter.bottom_line()

# %% [markdown]
# ## 1. Summary of findings
#
# For each outcome: its importance (critical or important, a judgement); the relative effect with
# its interval (the level is in the column header); the control risk, the risk with treatment and
# the difference per 1000 at the assumed control risk, and the difference at a higher control risk
# where the sources show the risk varies; the participants analysed (or that the number is not
# stated); the certainty (GRADE) and GRADE's standard wording, judged against the decision
# thresholds. Where two or three trials are pooled, the largest trial is shown alone beside the
# pool. Adverse events, which the sources report only in words, get a narrative row. A subgroup
# whose effect modification has low credibility is given the overall effect, with the reason.
# Each downgrade, its reason and where it came from are in the next table.

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
# fact and source); the overall judgement follows the RoB 2 algorithm (`src/ta1sepsis/evidence/rob.py`). The
# small trials of the published reviews have no trial-level assessment in the sources; what the
# reviews say about them follows.

# %%
chapter.section_rob()

# %% [markdown]
# ## 3. The mortality evidence on one page

# %%
chapter.section_overview()

# %% [markdown]
# ## 4. All the evidence in one bias-adjusted answer
#
# The trials with counts and the small trials known only from a published pooled estimate,
# combined in one Bayesian random-effects model in which the small trials' estimate may be biased:
# the bias has a prior taken from published meta-epidemiological studies of how much small or
# poorly concealed trials exaggerate effects (Turner et al. 2009; Welton et al. 2009). The answer
# is shown with each published bias estimate, and with the small trials given any weight from none
# (left out) to full (taken at face value, a power prior), so a panel can read it at the trust it
# places in them. The table gives each scenario; the figure the whole range.

# %%
chapter.section_all_evidence()

# %% [markdown]
# ## 5. How the answer depends on the decision threshold
#
# The decision threshold is an assumption. The certainty and the wording of the mortality outcomes
# under the default and under the sourced alternatives (parameter `threshold_alternatives`: what a
# guideline panel treated as an important difference, the upper end of a small effect in GRADE's
# guidance, and what critical-care clinicians called a plausible effect).

# %%
chapter.section_thresholds()

# %% [markdown]
# ## 6. How the review article fares

# %%
chapter.section_ledger()

# %% [markdown]
# ## 7. Key numbers

# %%
chapter.key_numbers()
