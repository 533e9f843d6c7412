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
# # Mechanism: the biological rationale, and how strong the immune-marker evidence is
#
# **Question.** Why was thymosin α1 (Tα1) expected to help in sepsis, what do the immune-marker
# results (monocyte HLA-DR, T cells, cytokines) show on their own scales, and how do they sit
# beside the mortality evidence?
#
# The mechanism comes from the review article's cited preclinical work, drawn from a data table
# (`data/mechanism_steps.csv`) with one edge per link the review states; those statements have not
# been checked against the primary papers, whose bibliographic entries are not in the available
# sources. Marker and mortality results come from `data/published_estimates.csv`,
# `data/trials.csv` and the meta-analysis notebook.

# %% tags=["parameters"]
trials_file = "data/trials.csv"
estimates_file = "data/published_estimates.csv"
facts_file = "data/study_facts.csv"
mechanism_file = "data/mechanism_steps.csv"
peptide_file = "data/peptide.csv"
marker_outcomes = [
    "mhla_dr_change_day3",
    "mhla_dr_change_day7",
    "hla_dr",
    "cd4",
    "cd8",
    "cd4_cd8_ratio",
    "tnf_alpha",
    "il6",
    "crp",
]
rtm_correlations = [0.3, 0.8]
treatment_label = "Tα1"
mortality_trials = ["etass", "tests"]
pooled_estimates = [
    "li2015.mortality_any.rr",
    "liu2016.mortality_any.rr",
    "gu2018.mortality_28d.rr",
    "gu2025.mortality_28d.or",
]
means_markers = ["lin2007.hla_dr_28d"]
other_disease = {"tian2025": "severe acute pancreatitis"}
rtm_study = "etass"
rtm_days = [3, 7]
peptide_sequence = "thymalfasin.sequence"
label_source = "zadaxin"
immunoparalysis_study = "pei2020"

# %%
from ta1sepsis.chapters.mechanism import Mechanism

chapter = Mechanism.from_namespace(globals())

# %%
chapter.bottom_line()

# %% [markdown]
# ## 1. The proposed pathway
#
# Each arrow is a link the review states (with its reference numbers); a link the review does not
# state is not drawn.

# %%
chapter.section_pathway()

# %% [markdown]
# ## 2. Immune markers on their own scales, and mortality beside them
#
# Every marker result in the data, each on its natural scale (mean difference in its units, or a
# standardised mean difference), with the number of studies and patients where published, grouped
# by marker. Mortality is in its own panels: the trials with counts and the back-calculated
# remaining trials of the 2025 review do not overlap; the published pooled estimates do, with each
# other and with those rows, so they are not independent evidence.

# %%
chapter.section_markers()

# %% [markdown]
# ## 3. How much of the ETASS mHLA-DR difference could regression to the mean explain?
#
# ETASS reports between-group differences in the *change* of mHLA-DR from baseline, and its Tα1 arm
# started lower. With no treatment effect at all, a group that starts lower is expected to rise
# more: by (1 − ρ) times the baseline gap, where ρ is the correlation between baseline and
# follow-up values (Barnett, van der Pols & Dobson, Int J Epidemiol 2005;34:215-220; analysis of
# covariance would remove it, Vickers & Altman, BMJ 2001;323:1123). ρ is not reported, so a range
# is shown (an assumption).

# %%
chapter.section_regression_to_mean()

# %% [markdown]
# ## 4. The molecule, computed from its sequence

# %%
chapter.section_peptide()

# %% [markdown]
# ## 5. Immunoparalysis by age in ETASS patients (indirect evidence)
#
# A post hoc analysis of ETASS (Pei 2020) measured mHLA-DR within 48 h of sepsis onset and defined
# early immunoparalysis as mHLA-DR at or below a threshold. It connects age, immune state and
# outcome in a Tα1 trial population; it is not a comparison of Tα1 with control.

# %%
chapter.section_immunoparalysis()
chapter.write_results()
