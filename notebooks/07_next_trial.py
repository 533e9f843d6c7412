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
# The design is 1:1, 28-day mortality, two-sided α, with a hazard ratio turned into a
# treatment-arm risk under proportional hazards. Each design's effect is either an **estimate**
# (the raw TESTS subgroup hazard ratio, or its shrunken version from `05_subgroups`) or an
# **assumption** (the minimal clinically important difference, MCID, set once in
# `params/shared.yaml`); the tables say which. The control risk is the one the trial would
# measure: 28-day mortality in the placebo arm of TESTS, the most recent and relevant source.
# Risks from another population, time point or mixed arms appear only as a labelled
# sensitivity analysis.

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
mcid_relative_reduction = 0.15

# %%
import numpy as np
import pandas as pd

from ta1sepsis.data.loader import fact_value, load_estimates, load_facts, load_trials, select_one
from ta1sepsis.paths import project_root
from ta1sepsis.report import plots
from ta1sepsis.report.answers import bottom_line
from ta1sepsis.report.narrative import say, show
from ta1sepsis.report.outputs import save_table, show_figure
from ta1sepsis.report.results import Results, read_results
from ta1sepsis.stats.enrichment import design_trial, power_at, screened_per_enrolled

plots.setup()
root = project_root()
trials = load_trials(root / trials_file)
estimates = load_estimates(root / estimates_file)
facts = load_facts(root / facts_file)
published = estimates.set_index("estimate_id")
subgroups = read_results("05_subgroups")
results = Results("07_next_trial")


def pct(estimate_id):
    return published.loc[estimate_id].estimate / 100


control_row = select_one(trials, "trials", study_id=control_study, outcome="mortality_28d")
control_risk = (
    control_risk_override
    if control_risk_override is not None
    else control_row.events_ctl / control_row.n_ctl
)
control_source = (
    "parameter control_risk_override"
    if control_risk_override is not None
    else f"{control_row.study} placebo arm, 28-day mortality {control_row.events_ctl}/{control_row.n_ctl} (subgroup-specific placebo risks not published)"
)
mcid_hr = 1 - mcid_relative_reduction
n_pei = fact_value(facts, "pei2020.patients_with_mhla_dr")
n_old, n_young = fact_value(facts, "pei2020.elderly_n"), fact_value(facts, "pei2020.nonelderly_n")
ip_old, ip_young = (
    pct("pei2020.early_immunoparalysis.risk.elderly"),
    pct("pei2020.early_immunoparalysis.risk.nonelderly"),
)
n_ip = ip_old * n_old + ip_young * n_young  # expected number with immunoparalysis (derived)
populations = {
    "age 60 and over": {
        "effects": {
            "raw estimate": published.loc["tests.mortality_28d.hr.age_ge60"].estimate,
            "shrunken estimate": subgroups["subgroups.age.age_ge60.shrunken"]["value"],
            "MCID (assumption)": mcid_hr,
        },
        "prevalence": n_old / n_pei,
        "prevalence source": "share aged 60 and over among ETASS patients with mHLA-DR (Pei 2020), derived",
        "sensitivity risk": pct("pei2020.mortality_hospital.risk.elderly"),
        "sensitivity source": "hospital mortality, ETASS patients aged 60 and over (Pei 2020): another time point and both arms",
    },
    "diabetes": {
        "effects": {
            "raw estimate": published.loc["tests.mortality_28d.hr.diabetes_yes"].estimate,
            "shrunken estimate": subgroups["subgroups.diabetes.diabetes_yes.shrunken"]["value"],
            "MCID (assumption)": mcid_hr,
        },
        "prevalence": np.nan,
        "prevalence source": "not found in the sources",
        "sensitivity risk": np.nan,
        "sensitivity source": "no other source",
    },
    "immunoparalysis (mHLA-DR ≤ 30%)": {
        "effects": {"MCID (assumption)": mcid_hr},
        "prevalence": n_ip / n_pei,
        "prevalence source": "early immunoparalysis by age group × group sizes (Pei 2020), derived",
        "sensitivity risk": (
            pct("pei2020.mortality_hospital.risk.elderly.immunoparalysis") * ip_old * n_old
            + pct("pei2020.mortality_hospital.risk.nonelderly.immunoparalysis") * ip_young * n_young
        )
        / n_ip,
        "sensitivity source": "hospital mortality with immunoparalysis, ETASS patients, weighted by age group (Pei 2020), derived",
    },
    "all patients": {
        "effects": {"MCID (assumption)": mcid_hr},
        "prevalence": 1.0,
        "prevalence source": "everyone eligible",
        "sensitivity risk": np.nan,
        "sensitivity source": "no other source",
    },
}

rows, sensitivity_rows = [], []
for name, pop in populations.items():
    for effect_kind, hr in pop["effects"].items():
        d = design_trial(control_risk, hr, alpha, power, fractions=looks, futility=futility)
        screen = (
            screened_per_enrolled(pop["prevalence"], eligible_share)
            if not np.isnan(pop["prevalence"])
            else np.nan
        )
        rows.append(
            {
                "population": name,
                "effect used": effect_kind,
                "HR": hr,
                "control risk": control_risk,
                "Tα1 risk": d.treatment_risk,
                "N fixed": d.n_fixed,
                "N max (sequential)": d.n_max,
                "E[N] if no effect": d.expected_n_null,
                "E[N] at the design effect": d.expected_n_alternative,
                "screened per enrolled": screen,
                "screened for N max": screen * d.n_max if not np.isnan(screen) else np.nan,
            }
        )
        if not np.isnan(pop["sensitivity risk"]):
            ds = design_trial(pop["sensitivity risk"], hr, alpha, power, fractions=looks, futility=futility)
            sensitivity_rows.append(
                {
                    "population": name,
                    "effect used": effect_kind,
                    "HR": hr,
                    "control risk (sensitivity)": pop["sensitivity risk"],
                    "source of that risk": pop["sensitivity source"],
                    "N fixed": ds.n_fixed,
                    "N max (sequential)": ds.n_max,
                }
            )
designs = pd.DataFrame(rows)
sensitivity = pd.DataFrame(sensitivity_rows)
tests_n = fact_value(facts, "tests.mitt.total")

# %%
age = designs[designs.population == "age 60 and over"].set_index("effect used")
bottom_line(
    f"At the TESTS placebo risk of {control_risk:.1%}, a trial in patients aged 60 and over would need {age.loc['raw estimate', 'N fixed']:,.0f} "
    f"patients if the raw subgroup hazard ratio ({age.loc['raw estimate', 'HR']:.2f}) were true, {age.loc['shrunken estimate', 'N fixed']:,.0f} for the "
    f"shrunken one ({age.loc['shrunken estimate', 'HR']:.2f}, the estimate after a sceptical prior on effect modification) and {age.loc['MCID (assumption)', 'N fixed']:,.0f} "
    f"for the MCID ({mcid_hr:.2f}); the largest is {age['N fixed'].max() / tests_n:.1f} times the whole of TESTS ({tests_n:.0f}). With "
    f"O'Brien-Fleming interim analyses{' and non-binding futility stopping' if futility else ''}, a trial stopped early when Tα1 does "
    f"nothing would enrol on average {age.loc['shrunken estimate', 'E[N] if no effect']:,.0f} patients in the shrunken-effect design. "
    "No estimate exists for immunoparalysed patients: their designs rest on the MCID alone.",
    "The subgroup effects are of low credibility (05_subgroups), and no subgroup-specific placebo risk is published, so every "
    "design here uses the overall TESTS placebo risk.",
    [
        f"MCID: relative reduction {100 * mcid_relative_reduction:.0f}% (hazard ratio {mcid_hr:.2f}), an assumption (params/shared.yaml)",
        f"two-sided α = {alpha}, power {power:.0%}, looks at {', '.join(f'{x:.0%}' for x in looks)} of the information"
        + (", non-binding futility" if futility else "")
        + " (design choices)",
        f"share of marker-positive patients who are eligible and consent: {eligible_share:g} (assumption)",
    ],
)

# %% [markdown]
# ## 1. Candidate populations and where each number comes from

# %%
show(
    pd.DataFrame(
        [
            {
                "population": name,
                "effects available": ", ".join(f"{k} {v:.2f}" for k, v in pop["effects"].items()),
                "control risk": control_risk,
                "control risk source": control_source,
                "prevalence": pop["prevalence"],
                "prevalence source": pop["prevalence source"],
            }
            for name, pop in populations.items()
        ]
    )
)
say(
    "Cancer, which the 2025 pooled analysis rated as the most credible modifier, cannot be designed for: its subgroup estimate "
    "is not in the available sources. The prevalences come from ETASS patients (the only source with them), so they describe "
    "that trial's population, not necessarily the next one's."
)

# %% [markdown]
# ## 2. Sample size, with and without interim analyses

# %%
show(designs)
save_table(designs, "07_next_trial_designs")
for _, r in designs.iterrows():
    effect = r["effect used"]
    key = f"next_trial.{r['population'].split(' (')[0].replace(' ', '_')}.{effect.split(' ')[0].lower()}"
    results.add(
        f"{key}.n_fixed",
        int(r["N fixed"]),
        unit="patients",
        description=f"{r['population']}, {effect} HR {r['HR']:.3f}, control risk {r['control risk']:.3f}: fixed-design total",
    )
    results.add(
        f"{key}.n_max",
        int(r["N max (sequential)"]),
        unit="patients",
        description=f"{r['population']}, {effect}: group-sequential maximum ({len(looks)} looks)",
    )
    results.add(
        f"{key}.expected_n_null",
        r["E[N] if no effect"],
        unit="patients",
        description=f"{r['population']}, {effect}: expected size if Tα1 has no effect",
    )
    results.add(
        f"{key}.expected_n_alternative",
        r["E[N] at the design effect"],
        unit="patients",
        description=f"{r['population']}, {effect}: expected size at the design effect",
    )
    if not np.isnan(r["screened for N max"]):
        results.add(
            f"{key}.screened",
            r["screened for N max"],
            unit="patients",
            description=f"{r['population']}: patients screened to enrol the maximum",
        )
say(
    f"Shrinkage multiplies the size of the age trial by {age.loc['shrunken estimate', 'N fixed'] / age.loc['raw estimate', 'N fixed']:.1f}: "
    "planning on the raw subgroup effect would give an underpowered trial if the truth is closer to the shrunken one. "
    + (
        "With non-binding futility boundaries, a trial of an ineffective drug stops early on average: its expected size under no "
        f"effect is {(designs['E[N] if no effect'] / designs['N max (sequential)']).median():.0%} of its maximum (the share depends only "
        "on the looks and the boundaries, not on the population)."
        if futility
        else ""
    )
)

# %% [markdown]
# ### Sensitivity: control risks from another population or time point
#
# The only subgroup-specific risks in the sources are in-hospital mortality among ETASS patients
# of both arms (Pei 2020): a different time point and a mix of treated and control patients. They
# are shown as a sensitivity analysis, not used for the designs above.

# %%
if len(sensitivity):
    show(sensitivity)
    save_table(sensitivity, "07_next_trial_control_risk_sensitivity")
    say(
        "Higher assumed control risks shrink the required sizes; these are not the risks the next trial would measure."
    )

# %% [markdown]
# ## 3. Power if the truth differs from the design effect

# %%
grid = np.linspace(0.55, 1.0, 46)
panels = [p for p in populations if len(populations[p]["effects"]) > 1] + ["all patients"]
fig, axes = plots.plt.subplots(
    1, len(panels), figsize=(5.2 * len(panels), 4.2), sharey=True, squeeze=False
)
styles = {
    "raw estimate": ("-", "o"),
    "shrunken estimate": ("--", "s"),
    "MCID (assumption)": (":", "^"),
}
for ax, name in zip(axes[0], panels, strict=True):
    part = designs[designs.population == name]
    for (_, row), colour in zip(part.iterrows(), plots.CATEGORY, strict=False):
        ls, marker = styles[row["effect used"]]
        ax.plot(
            grid,
            [power_at(row["control risk"], h, int(row["N fixed"]), alpha) for h in grid],
            ls=ls,
            marker=marker,
            markevery=9,
            color=colour,
            label=f"planned on the {row['effect used']} (N = {int(row['N fixed']):,})",
        )
        ax.axvline(row["HR"], color=colour, lw=0.8, alpha=0.5)
    ax.axhline(power, color="grey", ls=":", lw=1)
    ax.set_title(name, loc="left", fontsize=10)
    ax.set_xlabel("true hazard ratio")
    ax.legend(fontsize=7.5, loc="lower left")
axes[0, 0].set_ylabel("power")
fig.suptitle(
    "Power of each design if the true hazard ratio differs from the one it was planned on (fixed designs)",
    x=0.01,
    ha="left",
    fontsize=11,
)
fig.tight_layout()
show_figure(fig, "07_next_trial_power_curves")

# %% [markdown]
# ## 4. For a steering committee

# %%
summary = designs[
    [
        "population",
        "effect used",
        "HR",
        "control risk",
        "N fixed",
        "N max (sequential)",
        "E[N] if no effect",
        "screened per enrolled",
    ]
].copy()
summary.insert(
    2,
    "effect is",
    summary["effect used"].map(lambda e: "assumption" if "assumption" in e else "estimate"),
)
show(summary)
save_table(summary, "07_next_trial_summary")
larger = summary.loc[summary["N fixed"] > tests_n, ["population", "effect used"]]
say(
    f"Design: 1:1, 28-day mortality, two-sided α = {alpha}, power {power:.0%}, O'Brien-Fleming interim analyses at "
    f"{', '.join(f'{x:.0%}' for x in looks)} of the information"
    + (" with non-binding futility boundaries" if futility else "")
    + ". "
    f"{len(larger)} of the {len(summary)} designs need more patients than TESTS analysed. Screening per patient enrolled ranges "
    f"from {summary['screened per enrolled'].min():.1f} to {summary['screened per enrolled'].max():.1f} where a prevalence is known. "
    "The immunoparalysis designs also need an mHLA-DR measurement fast enough to enrol on, and their effect is an assumption: no "
    "trial has measured Tα1's effect on mortality in immunoparalysed patients."
)
results.add(
    "next_trial.control_risk",
    control_risk,
    unit="proportion",
    description=f"control risk used for every design: {control_source}",
)
results.add(
    "next_trial.mcid_hazard_ratio",
    mcid_hr,
    unit="ratio",
    description="design hazard ratio for the MCID (assumption)",
)
results.write()
say(f"{len(results)} key numbers written to `results/07_next_trial.json`.")
