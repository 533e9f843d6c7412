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
# # Meta-analysis: the pooled evidence, how it moved, and whether it is enough
#
# **Question.** What do the trials with counts say when pooled, with the methods the published
# reviews used and with current ones; how does that compare with the published pooled estimates
# and what they imply for the trials not available here; and has enough information accrued for
# a firm conclusion (trial sequential analysis)?
#
# The notebook runs on any binary-outcome trials file in the documented format (see the README):
# the sections that need published pooled estimates are driven by parameters and say so when
# they do not apply.

# %% tags=["parameters"]
trials_file = "data/trials.csv"
estimates_file = "data/published_estimates.csv"
facts_file = "data/study_facts.csv"
outcome = "mortality_28d"
outcome_label = "28-day mortality"
outcome_class = "mortality"
treatment_label = "Tα1"
control_label = "control"
confidence = 0.95
measure = "OR"
tau2_method = "REML"
ci_method = "hk_adhoc"
correction = "constant"
subgroup_column = ""
compare_with = "gu2025.mortality_28d.or.multicentre"
trajectory = [
    "li2015.mortality_any.rr",
    "liu2016.mortality_any.rr",
    "gu2018.mortality_28d.rr",
    "gu2025.mortality_28d.or",
    "gu2025.mortality_28d.or.high_quality",
    "gu2025.mortality_28d.or.multicentre",
]
small_trials_total = "gu2025.mortality_28d.or"
small_trials_large = "gu2025.mortality_28d.or.multicentre"
conflict_with = ["li2015.mortality_any.rr", "liu2016.mortality_any.rr", "gu2018.mortality_28d.rr"]
pair_trials = ["etass", "tests"]
tsa_control_risk = None
tsa_alpha = 0.05
tsa_beta = 0.1
tsa_futility = True
tsa_diversity_upper = 0.75
tau_scales = [0.5, 1.0]
method_facts_file = "data/method_facts.csv"
explanations_file = "data/small_trial_explanations.csv"
claim_facts_file = "data/claim_facts.csv"
heterogeneity_prior = "heterogeneity_prior.turner2015.mortality_pharm_vs_placebo"
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
from ta1sepsis.chapters.meta_analyses import MetaAnalyses

chapter = MetaAnalyses.from_namespace(globals())

# %%
chapter.bottom_line()

# %% [markdown]
# ## 1. The trials with counts

# %%
chapter.section_trials()

# %% [markdown]
# ## 2. How the published pooled estimates moved
#
# Each published pooled estimate named in the parameters, by year, beside the single trials of this
# file recomputed from their counts. The reviews differ in measure (risk or odds ratio), time point
# and included trials, and they share trials with each other, so the figure shows how the *summary
# claims* moved, not one consistent analysis.

# %%
chapter.section_trajectory()

# %% [markdown]
# ## 3. Pooling the trials: common effect, random effects, and what few trials allow
#
# The published reviews used Review Manager's defaults of their time: Mantel-Haenszel common
# effect or DerSimonian-Laird random effects with a normal (Wald) interval. Current guidance
# prefers REML for the between-trial variance, the Hartung-Knapp interval (here with the
# max(1, q) modification, which is never narrower than the Wald interval, Röver et al. 2015) and
# a prediction interval for the effect in a new trial. With very few trials the between-trial
# variance is barely estimable; a Bayesian random-effects model states the assumption about it
# openly as a prior (half-normal on τ, Friede, Röver et al. 2017, or the empirical log-normal
# prior for the outcome type of Turner et al. 2015) and integrates over it. Several priors are
# tried, so that the reader sees how much the answer depends on the choice.

# %%
chapter.section_pooling()

# %% [markdown]
# ### Does pooling these trials reproduce a published subset?

# %%
chapter.section_compare()

# %% [markdown]
# ## 4. What the published pooled estimates imply for the trials not available here
#
# When a review publishes an overall estimate and the estimate of a subset (here, by inference, the
# trials with counts), the remaining trials' pooled estimate can be back-calculated by inverse
# variance: w_rest = w_all − w_subset with w = 1/SE² recovered from each interval. This is exact for
# a common-effect pool and an approximation for a random-effects pool (random-effects weights are
# not additive), so the result is indicative, not a re-analysis.

# %%
chapter.section_block()

# %% [markdown]
# ## 5. Was the newest trial compatible with the earlier pooled estimates?
#
# The newest trial in the file is compared with each earlier pooled estimate named in the
# parameters, against its pooled mean and, where the review's between-trial variance is known,
# against its prediction for a new trial. The earlier reviews share trials with each other, so
# their tests are not independent evidence.

# %%
chapter.section_conflict()

# %% [markdown]
# ## 6. Trial sequential analysis
#
# Trial sequential analysis asks whether the accumulated trials reach the information size one
# adequately powered trial would need, with significance thresholds adjusted for repeated looks
# (Lan-DeMets O'Brien-Fleming boundaries, α/2 in each tail) and non-binding futility boundaries
# (the inner wedge). The Z-curve and the required information size (RIS) come from the same
# model: the common-effect (Mantel-Haenszel) Z-curve with the unadjusted RIS, and the
# random-effects (DerSimonian-Laird) Z-curves with the RIS inflated by the diversity D². The
# effect to detect is the design effect (an assumption set in `params/shared.yaml`; a plausible
# effect to size a trial for, not a threshold of importance).
#
# **Where these numbers will differ from the R package RTSA** (read from its source; rows
# `tsa.rtsa.*` of `data/method_facts.csv`): RTSA's `RTSA()` adjusts the random-effects
# information size by τ² (`NR_tau_full`), not by D² as the CTU manual and this notebook do; it
# takes the control risk from both arms pooled, where this notebook uses the control arms (or
# the `tsa_control_risk` parameter); and it inflates the information size for the sequential
# design also when there are no futility boundaries, where this notebook inflates it only with
# futility boundaries (on by default). The boundaries themselves (Lan-DeMets O'Brien-Fleming
# α- and β-spending) are the same and agree with rpact to 1e-6.

# %%
chapter.section_tsa()

# %% [markdown]
# ### Does the verdict depend on the heterogeneity adjustment?

# %%
chapter.section_d2()

# %% [markdown]
# ### What the TSA covers, and an approximate TSA with the back-calculated trials
#
# The TSA above uses only the trials with counts in the trials file. An approximate version adds the
# trials known only through a published pooled estimate as one pseudo-trial, entered before the
# others: its estimate and standard error are the back-calculation of section 4 (an approximation),
# and putting it first is an assumption (most small trials predate the large ones, but their dates
# are not in the sources). With no counts for the block, its common-effect Z-curve is
# inverse-variance, not Mantel-Haenszel.

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
