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
# # ETASS: what it was designed for, the power it really had, and its immune-marker result
#
# **Question.** ETASS (Wu et al., *Crit Care* 2013;17:R8), the first multicentre randomised
# trial of thymosin α1 (Tα1) in severe sepsis, reported a borderline 28-day mortality result and a
# rise in monocyte HLA-DR (mHLA-DR). What was it designed to detect, what power did it really
# have once its control mortality was known, and do its published mHLA-DR numbers agree with
# each other?
#
# The trial's own outcomes (every mortality number recomputed from the 2×2 counts beside its
# published value, which test reproduces each P value, fragility, power for the design effect, a
# Bayesian reanalysis and its effect on the pooled evidence) are in the
# ETASS trial report, [`trials/etass`](trials/etass.ipynb); this notebook keeps what is specific
# to ETASS.

# %% tags=["parameters"]
trials_file = "data/trials.csv"
estimates_file = "data/published_estimates.csv"
facts_file = "data/study_facts.csv"
study_id = "etass"
treatment_label = "Tα1"
alpha = 0.05
power = 0.8
mhla_dr_days = [3, 7]

# %%
from ta1sepsis.chapters.etass import Etass

chapter = Etass.from_namespace(globals())

# %%
chapter.bottom_line()

# %% [markdown]
# ## 1. What ETASS was powered for, and the power it really had
#
# The methods state a planned total sample size with the control and Tα1 28-day mortality it
# assumed, a two-sided α and a power; the registry gives a different target. The two usual
# two-proportion formulas are applied to the planned values from `data/study_facts.csv`, and then
# to the control mortality the trial actually observed.

# %%
chapter.section_power()

# %% [markdown]
# ## 2. Monocyte HLA-DR: P values recomputed from the published intervals
#
# The mHLA-DR results are published as between-group differences in change from baseline with
# 95% CIs and P values; the individual data are not available. The P value implied by each CI
# (Altman & Bland, BMJ 2011) tests whether the published numbers agree with each other, allowing
# for the rounding of the printed difference and limits.

# %%
chapter.section_markers()

# %% [markdown]
# ## 3. Key numbers

# %%
chapter.key_numbers()
