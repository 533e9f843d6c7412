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
# # What an enriched trial would need
#
# **Question.** If the subgroup hypotheses are to be confirmed or refuted, what would a
# prospective trial enriched for older patients, patients with diabetes or patients with
# immunoparalysis need: how many patients, how many screened, and with what interim analyses?
#
# The design is 1:1, 28-day mortality, two-sided α, with a hazard ratio turned into a
# treatment-arm risk under proportional hazards. Each design's effect is either an **estimate**
# (the raw TESTS subgroup hazard ratio, or its shrunken version from `05_subgroups`) or an
# **assumption** (the design effect, set once in `params/shared.yaml`); the tables say which.
# Beside each design's nominal power stands its **assurance**: the probability of a significant
# benefit when the true effect is drawn from what is now known (the posterior of the subgroup
# effect after shrinkage, or of the overall effect) instead of being fixed at the design value.
# The control risk is the one the trial would measure: 28-day mortality in the placebo arm of
# the most recent large trial. No subgroup's own placebo risk is published, so each subgroup
# design is also shown over a sourced range of control risks, and risks from another
# population, time point or mixed arms appear only as a labelled sensitivity analysis.

# %% tags=["parameters"]
trials_file = "data/trials.csv"
estimates_file = "data/published_estimates.csv"
facts_file = "data/study_facts.csv"
control_study = "tests"
alpha = 0.05
power = 0.8
looks = [0.3333, 0.6667, 1.0]
futility = True
eligible_share = 1.0
control_risk_override = None
overall_posterior = "tests.bayes.counts.neutral"
control_risk_range = ["tests", "etass"]
populations = {
    "age 60 and over": {
        "estimate": "tests.mortality_28d.hr.age_ge60",
        "shrunken": "subgroups.age.age_ge60.shrunken",
        "prevalence_groups": [[1, "pei2020.elderly_n"]],
        "prevalence_total": "pei2020.patients_with_mhla_dr",
        "sensitivity_risks": ["pei2020.mortality_hospital.risk.elderly"],
    },
    "diabetes": {
        "estimate": "tests.mortality_28d.hr.diabetes_yes",
        "shrunken": "subgroups.diabetes.diabetes_yes.shrunken",
        "prevalence_groups": [],
        "prevalence_total": 1,
        "sensitivity_risks": [],
    },
    "immunoparalysis (mHLA-DR ≤ 30%)": {
        "estimate": None,
        "shrunken": None,
        "prevalence_groups": [
            ["pei2020.early_immunoparalysis.risk.elderly", "pei2020.elderly_n"],
            ["pei2020.early_immunoparalysis.risk.nonelderly", "pei2020.nonelderly_n"],
        ],
        "prevalence_total": "pei2020.patients_with_mhla_dr",
        "sensitivity_risks": [
            "pei2020.mortality_hospital.risk.elderly.immunoparalysis",
            "pei2020.mortality_hospital.risk.nonelderly.immunoparalysis",
        ],
    },
    "all patients": {
        "estimate": None,
        "shrunken": None,
        "prevalence_groups": [[1, 1]],
        "prevalence_total": 1,
        "sensitivity_risks": [],
    },
}
trial_size_fact = "tests.mitt.total"
treatment_label = "Tα1"
adaptive_enrichment = {
    "complements": {
        "age 60 and over": "subgroups.age.age_lt60.shrunken",
        "diabetes": "subgroups.diabetes.diabetes_no.shrunken",
    },
    "n_total": None,
    "interim_fraction": 0.5,
    "selection": "epsilon",
    "epsilon": 0.02,
    "futility": 0.0,
    "early_efficacy": False,
    "intersection": "simes",
    "stratified": True,
    "replications": 10000,
    "seed": 20261204,
    "jobs": 2,
}
design_relative_reduction = 0.15
decision_thresholds = {
    "mortality": {"benefit": 10, "harm": 10},
    "serious_events": {"benefit": 10, "harm": 10},
}

# %%
from ta1sepsis.chapters.next_trial import NextTrial

chapter = NextTrial.from_namespace(globals())

# %%
chapter.bottom_line()

# %% [markdown]
# ## 1. Candidate populations and where each number comes from

# %%
chapter.section_populations()

# %% [markdown]
# ## 2. Sample size, with and without interim analyses

# %%
chapter.section_designs()

# %% [markdown]
# ### Sensitivity: other control risks
#
# Each design whose population has no published placebo risk of its own is sized again at the
# two ends of a sourced range of 28-day control-arm risks (parameter `control_risk_range`). The
# only subgroup-specific risks in the sources are in-hospital mortality among patients of both
# arms of an earlier trial: a different time point and a mix of treated and control patients,
# shown here too but not used for the designs above.

# %%
chapter.section_sensitivity()

# %% [markdown]
# ## 3. Power if the truth differs from the design effect

# %%
chapter.section_power_curves()

# %% [markdown]
# ## 4. Fixed or adaptive: three designs compared
#
# For each candidate population with a subgroup estimate, an estimate for the patients outside it
# and a sourced prevalence: a fixed trial in all comers, a fixed trial in the subgroup only, and a
# two-stage adaptive enrichment trial that starts in everyone and decides at an interim analysis
# whether to continue in everyone or only in the subgroup (closed testing with a combination test,
# so the family-wise error stays controlled). All three have the same maximum size; each is
# simulated when nothing works, when only the subgroup benefits, when everyone benefits, at the
# current estimates, and with the effects drawn from what is now known (assurance). The engine is
# checked against R's rpact (`tests/test_enrichment_adaptive.py`).

# %%
chapter.section_adaptive()

# %% [markdown]
# ## 5. For a steering committee

# %%
chapter.section_summary()
chapter.write_results()
