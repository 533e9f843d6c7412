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
# # Meta-analysis of a binary outcome
#
# **Question.** What do the trials of this data set say when pooled, with legacy methods
# (Mantel-Haenszel, DerSimonian-Laird) and current ones (REML, Hartung-Knapp, a prediction
# interval, a Bayesian random-effects model); is the evidence consistent and large enough for a
# firm conclusion (trial sequential analysis); and how robust is it (leave-one-out, cumulative,
# subgroups, small-study tests)?
#
# This is one instance of the meta-analysis template (`notebooks/meta_analysis.py`), listed in
# `params/analyses.yaml` with the parameters it sets over `params/meta_analysis.yaml`. It runs on
# any binary-outcome trials file in the `data/trials.csv` format and writes only under
# `analyses/`: the thymosin α1 notebooks never read it. The sections about published pooled
# estimates apply only when the instance names them, and say so otherwise.

# %% tags=["parameters"]
trials_file = "data/trials.csv"
estimates_file = "data/published_estimates.csv"
facts_file = "data/study_facts.csv"
outcome = "mortality_28d"
outcome_label = "the outcome"
outcome_class = "mortality"
treatment_label = "treatment"
control_label = "control"
confidence = 0.95
measure = "OR"
tau2_method = "REML"
ci_method = "hk_adhoc"
correction = "constant"
subgroup_column = ""
compare_with = ""
trajectory = []
small_trials_total = ""
small_trials_large = ""
conflict_with = []
pair_trials = []
tsa_control_risk = None
tsa_alpha = 0.05
tsa_beta = 0.1
tsa_futility = True
tsa_diversity_upper = 0.75
tau_scales = [0.5, 1.0]
method_facts_file = "data/method_facts.csv"
explanations_file = "data/small_trial_explanations.csv"
claim_facts_file = "data/claim_facts.csv"
heterogeneity_prior = ""
design_relative_reduction = 0.15
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
from ta1sepsis.chapters.meta_analyses import MetaAnalysisInstance

chapter = MetaAnalysisInstance.from_namespace(globals())

# %%
chapter.bottom_line()

# %% [markdown]
# ## 1. The trials

# %%
chapter.section_trials()

# %% [markdown]
# ## 2. Published pooled estimates over time (when the instance names them)

# %%
chapter.section_trajectory()

# %% [markdown]
# ## 3. Pooling: common effect, random effects, and what few trials allow
#
# Legacy defaults (Mantel-Haenszel common effect; DerSimonian-Laird with a Wald interval) beside
# current ones (REML with the Hartung-Knapp interval, max(1, q) variant, and a prediction
# interval), and a Bayesian random-effects model whose prior on the between-trial SD τ is stated
# (half-normal scales in the parameters). With few trials τ is barely estimable, so the priors
# are varied.

# %%
chapter.section_pooling()

# %%
chapter.section_compare()

# %% [markdown]
# ## 4. Trials known only through a published pooled estimate (when the instance names one)

# %%
chapter.section_block()

# %% [markdown]
# ## 5. Was the newest trial compatible with earlier pooled estimates (when named)?

# %%
chapter.section_conflict()

# %% [markdown]
# ## 6. Trial sequential analysis
#
# Lan-DeMets O'Brien-Fleming boundaries (α/2 in each tail) with non-binding futility boundaries,
# the Z-curve and the required information size from the same model (common effect with the
# unadjusted size; random effects with the size inflated by D²). The effect to detect is the
# design effect of `params/shared.yaml` (an assumption; set it to what matters for this
# question). The conclusion is the status at the last trial; earlier crossings are history.

# %%
chapter.section_tsa()

# %%
chapter.section_d2()

# %%
chapter.section_tsa_block()

# %% [markdown]
# ## 7. Sensitivity: leave-one-out, cumulative, subgroups and small-study tests

# %%
chapter.section_sensitivity()

# %% [markdown]
# ## 8. Key numbers

# %%
chapter.key_numbers()
