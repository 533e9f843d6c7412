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
# # Trial report
#
# **Question.** What exactly did this trial show? Every outcome recomputed from its counts with
# every published number of the trial beside it; which test and interval method reproduce the
# published numbers; how fragile the result is; what power it had for the design effect; what a sceptic, a neutral and an enthusiast should believe after it; and
# how it moves the pooled evidence and the trial sequential analysis.
#
# One template, rendered once per trial listed in `params/trials.yaml`; the trial is the
# parameter `study_id`. Ratios and differences are treatment relative to control (ratio < 1 and
# difference < 0 favour the treatment).

# %% tags=["parameters"]
trials_file = "data/trials.csv"
estimates_file = "data/published_estimates.csv"
facts_file = "data/study_facts.csv"
method_facts_file = "data/method_facts.csv"
study_id = "etass"
treatment_label = "Tα1"
confidence = 0.95
alpha = 0.05
power = 0.8
correction = "constant"
meta_outcome = "mortality_28d"
meta_measure = "OR"
tsa_alpha = 0.05
tsa_beta = 0.1
neutral_sd = 0.35
vague_sd = 10.0
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
from ta1sepsis.chapters.trial_report import TrialReport

chapter = TrialReport.from_namespace(globals())

# %%
chapter.bottom_line()

# %% [markdown]
# ## 1. The trial

# %%
chapter.section_trial()

# %% [markdown]
# ## 2. Every outcome recomputed from the counts

# %%
chapter.section_outcomes()

# %% [markdown]
# ## 3. The published numbers beside the recomputation
#
# Each published number gets one verdict: that of the standard method that reproduces it best
# (*reproduced*; *within rounding*: the recomputed value rounds to the printed one; *last digit
# off by one*; *not reproduced*; or *not reproducible from the available data*). The methods that
# do not reproduce it are listed after it as alternatives, not counted as failures.

# %%
chapter.section_published()

# %% [markdown]
# ## 4. Fragility
#
# The fragility index (Walsh et al., J Clin Epidemiol 2014) counts how many patients' outcomes
# would have to change to lose statistical significance; the reverse fragility index (Khan et al.,
# JAMA Netw Open 2020) how many to gain it. Both use Fisher's exact test at level α.

# %%
chapter.section_fragility()

# %% [markdown]
# ## 5. Power for the design effect
#
# What this trial could detect, given the control risk it observed: its power for the design
# effect (an assumption, set in `params/shared.yaml`), and the smallest relative reduction it had
# the target power to detect.

# %%
chapter.section_power()

# %% [markdown]
# ## 6. What should a reader believe after this trial?
#
# The risk ratio of the primary outcome (from the counts; normal likelihood on the log scale)
# combined with named priors: **sceptical** (centred on no effect, 5% probability of a reduction
# at least as large as the design effect), **neutral** (centred on no effect, 95% of the mass
# between ratios of about 0.5 and 2), **minimally informative**, and **enthusiastic** (centred on
# the design effect, 5% probability of harm). Absolute probabilities, of benefit and of harm at
# least as large as the decision thresholds, are at the trial's own control risk.

# %%
chapter.section_bayes()

# %% [markdown]
# ## 7. How this trial moves the pooled evidence

# %%
chapter.section_meta()

# %% [markdown]
# ## 8. Key numbers

# %%
chapter.key_numbers()
