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
# # Dosing: once or twice daily, and what the pharmacokinetics predict
#
# **Question.** The sepsis trials gave thymosin α1 (Tα1) subcutaneously once or twice daily. A
# 2016 meta-analysis reported that once-daily dosing improved APACHE II scores and twice-daily
# dosing did not. Is that pharmacologically plausible?
#
# A one-compartment model with first-order absorption is built from the published
# pharmacokinetics (the Zadaxin label and Rost et al. 1999: half-life, time to peak and apparent
# volume, all in `data/study_facts.csv`). Its parameters are derived from those facts, not fitted
# to concentration data, which are not available; the model is checked against the reported
# peak concentration and exposure ranges, then used to compare the regimens.

# %% tags=["parameters"]
facts_file = "data/study_facts.csv"
estimates_file = "data/published_estimates.csv"
dose_mg = None
intervals_h = [12.0, 24.0]
duration_days = None
half_life_h = None
tmax_h = None
volume_l = None
threshold_ug_per_l = 10.0
threshold_range = [1.0, 30.0]
label_source = "zadaxin"
pk_study = "rost1999"
duration_fact = "tests.max_duration_days"
apache_estimates = ["liu2016.apache_ii.smd.once_daily", "liu2016.apache_ii.smd.twice_daily"]
mortality_estimates = [
    "liu2016.mortality_any.rr.dose_frequency_subgroup1",
    "liu2016.mortality_any.rr.dose_frequency_subgroup2",
]
drug_label = "Tα1"

# %%
from ta1sepsis.chapters.dosing import Dosing

chapter = Dosing.from_namespace(globals())
chapter.section_model()

# %%
chapter.bottom_line()

# %% [markdown]
# ## 1. Does the model reproduce the published single-dose exposure?

# %%
chapter.section_single_dose()

# %% [markdown]
# ## 2. Once versus twice daily over a course

# %%
chapter.section_regimens()

# %% [markdown]
# ## 3. The APACHE II contrast of the 2016 meta-analysis
#
# Once-daily and twice-daily subgroups of different trials were compared; the test for subgroup
# difference treats the two pooled standardised mean differences as independent.

# %%
chapter.section_apache_contrast()
chapter.write_results()
