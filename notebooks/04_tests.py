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
# # TESTS: two published hazard ratios, the excluded patients, and what to believe after it
#
# **Question.** TESTS (Wu et al., *BMJ* 2025;388:e082583) found no overall effect of thymosin α1
# (Tα1) on 28-day mortality. Its primary hazard ratio circulates in two published versions (the
# PubMed record carries an erratum flag; the correction notice is not in the available sources).
# How do the two versions compare with everything else the publication reports; does the
# analysis population matter; and what should a reader believe after TESTS, under named priors,
# on the relative and the absolute scale?
#
# The trial's own numbers (every outcome recomputed from its counts, every published number
# checked, fragility, power, a Bayesian reanalysis of the risk ratio, its effect on the pooled
# evidence) are in the TESTS trial report, [`trials/tests`](trials/tests.ipynb); this notebook keeps
# what is specific to TESTS.

# %% tags=["parameters"]
trials_file = "data/trials.csv"
estimates_file = "data/published_estimates.csv"
facts_file = "data/study_facts.csv"
method_facts_file = "data/method_facts.csv"
study_id = "tests"
treatment_label = "Tα1"
hr_check_outcome = "mortality_90d"
modifiers = {
    "age": ["tests.mortality_28d.hr.age_lt60", "tests.mortality_28d.hr.age_ge60"],
    "diabetes": ["tests.mortality_28d.hr.diabetes_yes", "tests.mortality_28d.hr.diabetes_no"],
}
confidence = 0.95
neutral_sd = 0.35
vague_sd = 10.0
meta_prior = "gu2018.mortality_28d.rr"
heterogeneity_prior = "heterogeneity_prior.turner2015.mortality_pharm_vs_placebo"
robust_weight = 0.5
robust_vague_sd = 2.0
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
from ta1sepsis.chapters.hr_versions import HazardRatioVersions

chapter = HazardRatioVersions.from_namespace(globals())

# %%
chapter.bottom_line()

# %% [markdown]
# ## 1. Two published hazard ratios against everything else the publication reports
#
# A hazard ratio needs the death times, which are not published, so no count reproduces it. The
# counts constrain it in four ways (the hazard ratio implied by the 28-day risks under constant
# hazards; Peto's one-step odds ratio from the 2×2 table, with the score-test P value the
# log-rank test would give if all deaths occurred at one time; and the standard error the deaths
# allow, √(1/d₁ + 1/d₂)); these four use the same counts and are **one** piece of evidence. The
# publication also reports subgroup hazard ratios: pooled by inverse variance within a subgroup
# variable, they give a stratified estimate of the overall hazard ratio. Those are a second,
# independent kind of evidence, though the two subgroup variables split the same patients, and
# whether the erratum also changed the subgroup results is not known.

# %%
chapter.section_versions()

# %% [markdown]
# ### Is each printed interval internally consistent? Two restatements checked
#
# A log-scale Wald interval is centred on its estimate, and its width must fit the number of
# deaths. The two published versions are checked, with two restatements found elsewhere (a summary
# site that labels the version-A limits a 99% interval, and an editorial that prints a different
# upper limit), recorded in the data only to be checked.

# %%
chapter.section_internal_consistency()

# %% [markdown]
# ## 2. The patients randomised but not analysed
#
# TESTS analysed a modified intention-to-treat population (patients who received at least one
# dose). The patients randomised but not analysed are derived as randomised minus analysed per
# arm. Their outcomes are unknown; the extreme cases bound what they could do to the result.

# %%
chapter.section_excluded()

# %% [markdown]
# ## 3. 90-day mortality: the published hazard ratio against the derived counts
#
# The 90-day counts are derived from the published percentages (the only integers on the
# analysed denominators that give them); the report recomputes their risk ratio. Here the published
# 90-day hazard ratio is set beside the one those counts imply under constant hazards.

# %%
chapter.section_second_outcome()

# %% [markdown]
# ## 4. What should a reader believe after TESTS?
#
# A P value cannot say how probable a benefit is; a posterior distribution can, given a stated
# prior. Normal approximation on the log hazard-ratio scale (conjugate, closed form), with every
# published hazard-ratio version as the likelihood side by side, and the count-based hazard ratio
# as a third. Priors, all labelled assumptions: **sceptical** and **enthusiastic** built on the
# design effect (5% prior probability of an effect at least as large as it, and of harm,
# respectively); **neutral** (95% of the mass between ratios of about 0.5 and 2 at the default
# SD); **minimally informative**; and the pre-TESTS meta-analysis as a **predictive** prior for
# the effect in a new trial (its between-trial variance integrated over an empirical
# heterogeneity prior, since the review reports none), also **robust**: mixed with a vague
# component, so that a prior-data conflict discounts it. Beside each probability of benefit at
# least as large as the decision threshold stands the probability of harm at least as large as
# the threshold for harm.

# %%
chapter.section_bayes()

# %% [markdown]
# ### ETASS and TESTS together
#
# The Bayesian random-effects synthesis of the two large trials is computed with the
# meta-analysis, in `03_meta_analyses`, once per heterogeneity prior: half-normal priors on τ
# (their scales are assumptions) and, for the odds ratio, the empirical log-normal prior for
# all-cause mortality of Turner et al. 2015. Its results are read here, so that the reader sees
# how much the answer depends on the prior for the between-trial variance.

# %%
chapter.section_pooled_bayes()

# %% [markdown]
# ## 5. Key numbers

# %%
chapter.key_numbers()
