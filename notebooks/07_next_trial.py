# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The enrichment trial the field needs
#
# **Question.** If the subgroup hypotheses are to be confirmed or refuted, what would a
# prospective trial enriched for older patients, patients with diabetes or patients with
# immunoparalysis need: how many patients, how many screened, and with what interim analyses?
#
# Effects come from `05_subgroups` (the raw subgroup hazard ratios and their shrunken
# versions); control risks and prevalences come from the sources, each with its provenance in
# the table below. Where the sources have no number, the notebook says so and uses either a
# stated, sourced stand-in or nothing. The design is 1:1, 28-day mortality, two-sided α, with
# the hazard ratio turned into a treatment-arm risk under proportional hazards.

# %% tags=["parameters"]
estimates_file = "data/published_estimates.csv"
facts_file = "data/study_facts.csv"
alpha = 0.05
power = 0.8
looks = [0.3333, 0.6667, 1.0]
futility = False
eligible_share = 1.0
control_risk_override = None
immunoparalysis_hr = None

# %%
import numpy as np
import pandas as pd

from ta1sepsis import plots
from ta1sepsis.data import fact_value, load_estimates, load_facts
from ta1sepsis.enrichment import design_trial, power_at, screened_per_enrolled
from ta1sepsis.narrative import say, show
from ta1sepsis.outputs import Results, project_root, read_results, save_table, show_figure

plots.setup()
root = project_root()
estimates = load_estimates(root / estimates_file)
facts = load_facts(root / facts_file)
published = estimates.set_index("estimate_id")
subgroups = read_results("05_subgroups")
results = Results("07_next_trial")


def pct(estimate_id):
    return published.loc[estimate_id].estimate / 100


# %% [markdown]
# ## 1. Candidate populations and where each number comes from

# %%
n_pei = fact_value(facts, "pei2020.patients_with_mhla_dr")
n_old, n_young = fact_value(facts, "pei2020.elderly_n"), fact_value(facts, "pei2020.nonelderly_n")
ip_old, ip_young = pct("pei2020.early_immunoparalysis.risk.elderly"), pct("pei2020.early_immunoparalysis.risk.nonelderly")
mort_ip_old, mort_ip_young = pct("pei2020.mortality_hospital.risk.elderly.immunoparalysis"), pct("pei2020.mortality_hospital.risk.nonelderly.immunoparalysis")
n_ip = ip_old * n_old + ip_young * n_young  # expected number with immunoparalysis (derived)
if immunoparalysis_hr is not None:
    ip_effect, ip_effect_source = immunoparalysis_hr, "parameter"
else:
    ip_effect = fact_value(facts, "etass.sample_size.planned_treatment_mortality") / fact_value(facts, "etass.sample_size.planned_control_mortality")
    ip_effect_source = "no estimate exists: the effect ETASS was designed to detect, as a design target"
populations = [
    {
        "population": "age 60 and over",
        "raw HR": published.loc["tests.mortality_28d.hr.age_ge60"].estimate,
        "shrunken HR": subgroups["subgroups.age.age_ge60.shrunken"]["value"],
        "effect source": "TESTS subgroup (05_subgroups)",
        "control risk": pct("pei2020.mortality_hospital.risk.elderly"),
        "control risk source": "ETASS patients aged >=60, hospital mortality (Pei 2020); 28-day risk by age not found",
        "prevalence": n_old / n_pei,
        "prevalence source": "share aged >=60 among ETASS patients with mHLA-DR (Pei 2020), derived",
    },
    {
        "population": "diabetes",
        "raw HR": published.loc["tests.mortality_28d.hr.diabetes_yes"].estimate,
        "shrunken HR": subgroups["subgroups.diabetes.diabetes_yes.shrunken"]["value"],
        "effect source": "TESTS subgroup (05_subgroups)",
        "control risk": pct("tests.mortality_28d.risk.control"),
        "control risk source": "TESTS placebo 28-day mortality, all patients (risk in diabetes not found)",
        "prevalence": np.nan,
        "prevalence source": "not found in the sources",
    },
    {
        "population": "immunoparalysis (mHLA-DR <= 30%)",
        "raw HR": ip_effect,
        "shrunken HR": ip_effect,
        "effect source": ip_effect_source,
        "control risk": (mort_ip_old * ip_old * n_old + mort_ip_young * ip_young * n_young) / n_ip,
        "control risk source": "hospital mortality with immunoparalysis in ETASS patients, weighted by age group (Pei 2020), derived",
        "prevalence": n_ip / n_pei,
        "prevalence source": "early immunoparalysis by age group x group sizes (Pei 2020), derived",
    },
    {
        "population": "age 60 and over with immunoparalysis",
        "raw HR": published.loc["tests.mortality_28d.hr.age_ge60"].estimate,
        "shrunken HR": subgroups["subgroups.age.age_ge60.shrunken"]["value"],
        "effect source": "TESTS age subgroup (no estimate for the combination)",
        "control risk": mort_ip_old,
        "control risk source": "hospital mortality, ETASS patients >=60 with immunoparalysis (Pei 2020)",
        "prevalence": ip_old * n_old / n_pei,
        "prevalence source": "derived from Pei 2020 (share >=60 x their immunoparalysis prevalence)",
    },
]
pop = pd.DataFrame(populations)
if control_risk_override is not None:
    pop["control risk"] = control_risk_override
    pop["control risk source"] = "parameter control_risk_override"
show(pop.round(3))
say(
    "Cancer, which the 2025 pooled analysis rated as the most credible modifier, cannot be designed for: "
    "its subgroup estimate and its baseline risk are not in the available sources. Control risks taken from "
    "ETASS are in-hospital, not 28-day, mortality — probably higher than the 28-day risk, which makes the "
    "sample sizes below optimistic."
)

# %% [markdown]
# ## 2. Sample size, with and without interim analyses

# %%
rows = []
for r in pop.itertuples():
    for effect_name, hr in (("raw", r._2), ("shrunken", r._3)):
        d = design_trial(r._5, hr, alpha, power, looks, futility)
        screen = screened_per_enrolled(r.prevalence, eligible_share) if not np.isnan(r.prevalence) else np.nan
        rows.append({
            "population": r.population, "effect": effect_name, "HR": hr, "control risk": r._5,
            "Tα1 risk": d.treatment_risk, "N fixed": d.n_fixed, "N max (sequential)": d.n_max,
            "E[N] no effect": d.expected_n_null, "E[N] design effect": d.expected_n_alternative,
            "screened per enrolled": screen, "screened for N max": screen * d.n_max if not np.isnan(screen) else np.nan,
        })
        key = f"next_trial.{r.population.split(' (')[0].replace(' ', '_')}.{effect_name}"
        results.add(f"{key}.n_fixed", d.n_fixed, unit="patients", description=f"{r.population}, {effect_name} HR {hr:.3f}, control risk {r._5:.3f}: fixed-design total")
        results.add(f"{key}.n_max", d.n_max, unit="patients", description=f"{r.population}, {effect_name}: group-sequential maximum ({len(looks)} looks)")
        results.add(f"{key}.expected_n_null", d.expected_n_null, unit="patients", description=f"{r.population}, {effect_name}: expected size if Tα1 has no effect")
        results.add(f"{key}.expected_n_alternative", d.expected_n_alternative, unit="patients", description=f"{r.population}, {effect_name}: expected size at the design effect")
        if not np.isnan(screen):
            results.add(f"{key}.screened", screen * d.n_max, unit="patients", description=f"{r.population}: patients screened to enrol the maximum")
designs = pd.DataFrame(rows)
show(designs.round(3))
save_table(designs, "07_next_trial_designs")
tests_n = fact_value(facts, "tests.mitt.total")
age = designs[(designs.population == "age 60 and over")].set_index("effect")
say(
    f"For patients aged 60 and over, the raw subgroup estimate implies {age.loc['raw', 'N fixed']:.0f} patients; the "
    f"shrunken one, which is what a sceptical reader should plan for, {age.loc['shrunken', 'N fixed']:.0f} — "
    f"{age.loc['shrunken', 'N fixed'] / tests_n:.1f} times the whole of TESTS ({tests_n:.0f}). Shrinkage multiplies "
    f"the required size by {age.loc['shrunken', 'N fixed'] / age.loc['raw', 'N fixed']:.1f}: planning on the raw subgroup "
    "effect would produce an underpowered trial if the truth is closer to the shrunken one."
)

# %% [markdown]
# ## 3. Power if the truth differs from the design effect

# %%
grid = np.linspace(0.6, 1.0, 41)
fig, ax = plots.plt.subplots(figsize=(8, 4.5))
for (name, group), colour in zip(designs[designs.effect == "shrunken"].groupby("population", sort=False), (plots.TA1, plots.CONTROL, plots.PUBLISHED, "#7a9e3f"), strict=False):
    row = group.iloc[0]
    ax.plot(grid, [power_at(row["control risk"], h, int(row["N fixed"]), alpha) for h in grid], color=colour, label=f"{name} (N = {int(row['N fixed'])})")
ax.axhline(power, color="grey", ls=":", lw=1)
ax.set_xlabel("true hazard ratio")
ax.set_ylabel("power")
ax.set_title("Power of each shrunken-effect design if the true effect is different", loc="left", fontsize=10)
ax.legend(fontsize=8)
show_figure(fig, "07_next_trial_power_curves")

# %% [markdown]
# ## 4. For a steering committee

# %%
summary = designs[designs.effect == "shrunken"][["population", "HR", "control risk", "N fixed", "N max (sequential)", "E[N] no effect", "E[N] design effect", "screened per enrolled"]].copy()
summary = summary.merge(pop[["population", "control risk source", "prevalence source"]], on="population")
show(summary.round(2))
save_table(summary, "07_next_trial_summary")
say(
    f"Design: 1:1, 28-day mortality, two-sided α = {alpha}, power {power:.0%}, O'Brien-Fleming interim analyses at "
    f"{', '.join(f'{x:.0%}' for x in looks)} of the information"
    + (" with non-binding futility boundaries" if futility else "")
    + ". Designs needing more patients than TESTS analysed: "
    + (", ".join(summary.loc[summary["N fixed"] > tests_n, "population"]) or "none")
    + ". Screening per patient enrolled ranges from "
    + f"{summary['screened per enrolled'].min():.1f} to {summary['screened per enrolled'].max():.1f} where a prevalence is known. "
    "The immunoparalysis designs also need an mHLA-DR measurement fast enough to enrol on, and their effect is a "
    "design target, not an estimate: no trial has measured Tα1's effect on mortality in immunoparalysed patients."
)
results.write()
say(f"{len(results)} key numbers written to `results/07_next_trial.json`.")
