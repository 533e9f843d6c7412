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
# # Mechanism: the biological rationale, and how strong the immune-marker evidence is
#
# **Question.** Why was thymosin α1 (Tα1) expected to help in sepsis, and how does the evidence
# that it moves immune markers (monocyte HLA-DR, T cells) compare with the evidence that it
# changes mortality?
#
# The mechanism comes from the review article's cited preclinical work; it is drawn from a data
# table (`data/mechanism_steps.csv`) in which each step carries its reference, and those
# statements have not been checked against the primary papers (their bibliographic entries are
# not in the available sources). The marker and mortality results come from
# `data/published_estimates.csv` and `data/trials.csv`.

# %% tags=["parameters"]
trials_file = "data/trials.csv"
estimates_file = "data/published_estimates.csv"
facts_file = "data/study_facts.csv"
mechanism_file = "data/mechanism_steps.csv"
peptide_file = "data/peptide.csv"

# %%

import pandas as pd
from scipy import stats

from ta1sepsis import plots
from ta1sepsis.binary import TwoByTwo, risk_ratio
from ta1sepsis.data import (
    fact_value,
    load_estimates,
    load_facts,
    load_mechanism,
    load_peptide,
    load_trials,
    select_one,
)
from ta1sepsis.narrative import say, show
from ta1sepsis.outputs import Results, project_root, save_table, show_figure
from ta1sepsis.peptide import Peptide
from ta1sepsis.reported_estimates import recover
from ta1sepsis.verdicts import comparison

plots.setup()
root = project_root()
trials = load_trials(root / trials_file)
estimates = load_estimates(root / estimates_file)
facts = load_facts(root / facts_file)
steps = load_mechanism(root / mechanism_file)
peptide_facts = load_peptide(root / peptide_file)
published = estimates.set_index("estimate_id")
results = Results("01_mechanism")

# %% [markdown]
# ## 1. The proposed pathway

# %%
fig = plots.pathway(steps, "Proposed mechanism of Tα1 (as stated in the review, with its reference numbers)")
show_figure(fig, "01_mechanism_pathway")
show(steps[["step_id", "from_node", "relation", "to_node", "review_reference", "value_flag"]])
say(
    f"{len(steps)} steps, all from the review's references ({', '.join(sorted(set(r.split(' ')[0].strip(',') for r in steps.review_reference)))}); "
    "the sources give no effect sizes for any of them. The one step with data from septic patients in the "
    "sources is monocyte HLA-DR (section 2)."
)

# %% [markdown]
# ## 2. Immune markers beside mortality
#
# Markers and mortality are on different scales, so each result is shown as the strength of
# its evidence against no effect: z = estimate / SE (recovered from the published interval, or
# from the P value where only that is published), signed so that a positive value favours Tα1
# (more HLA-DR or CD4 cells; lower mortality).

# %%
def z_row(label, kind, estimate_id=None, favourable_higher=True, ratio=False, p_text=None, sign=1, source=""):
    if estimate_id is not None:
        r = published.loc[estimate_id]
        rec = recover(r.estimate, r.ci_lower, r.ci_upper, r.ci_level, ratio=ratio)
        z = rec.z if favourable_higher else -rec.z
        shown = f"{r.measure} {r.estimate_text} ({r.ci_lower_text} to {r.ci_upper_text})"
        return {"result": label, "kind": kind, "published": shown, "z (favours Tα1 > 0)": z, "basis": "CI", "source": estimate_id}
    z = sign * stats.norm.isf(float(p_text) / 2)
    return {"result": label, "kind": kind, "published": f"P = {p_text}", "z (favours Tα1 > 0)": z, "basis": "P value", "source": source}


rows = [
    z_row("ETASS: mHLA-DR change, day 3", "immune marker", "etass.mhla_dr_change_day3.md"),
    z_row("ETASS: mHLA-DR change, day 7", "immune marker", "etass.mhla_dr_change_day7.md"),
    z_row("Liu 2016 MA: HLA-DR (8 studies)", "immune marker", "liu2016.hla_dr.smd"),
    z_row("Lin 2007 (UTI + Tα1): HLA-DR at 28 d", "immune marker", p_text=published.loc["lin2007.hla_dr_28d.p"].p_value_text,
          sign=1 if fact_value(facts, "lin2007.hla_dr_28d.mean.treatment") > fact_value(facts, "lin2007.hla_dr_28d.mean.control") else -1,
          source="lin2007.hla_dr_28d.p; means in study_facts.csv"),
    z_row("Tian 2025 MA (pancreatitis): CD4+ %", "immune marker", "tian2025.cd4.md"),
    z_row("Tian 2025 MA (pancreatitis): CD4/CD8", "immune marker", "tian2025.cd4_cd8_ratio.md"),
]
for study_id, label in (("etass", "ETASS: 28-day mortality (counts)"), ("tests", "TESTS: 28-day mortality (counts)")):
    row = select_one(trials, "trials", study_id=study_id, outcome="mortality_28d")
    rr = risk_ratio(TwoByTwo.from_row(row))
    rec = recover(rr.estimate, rr.lower, rr.upper)
    rows.append({"result": label, "kind": "mortality", "published": f"RR {rr.estimate:.2f} ({rr.lower:.2f} to {rr.upper:.2f}) from counts",
                 "z (favours Tα1 > 0)": -rec.z, "basis": "counts", "source": "trials.csv"})
rows += [
    z_row("Gu 2025 MA: high-quality trials", "mortality", "gu2025.mortality_28d.or.high_quality", favourable_higher=False, ratio=True),
    z_row("Gu 2025 MA: multicentre trials", "mortality", "gu2025.mortality_28d.or.multicentre", favourable_higher=False, ratio=True),
    z_row("Liu 2016 MA: mortality (10 trials)", "mortality", "liu2016.mortality_any.rr", favourable_higher=False, ratio=True),
]
evidence = pd.DataFrame(rows)
show(evidence.round(2))
save_table(evidence, "01_mechanism_marker_vs_mortality")
fig, ax = plots.plt.subplots(figsize=(10, 0.8 + 0.42 * len(evidence)))
y = list(range(len(evidence)))[::-1]
colours = [plots.TA1 if k == "immune marker" else plots.CONTROL for k in evidence["kind"]]
ax.barh(y, evidence["z (favours Tα1 > 0)"], color=colours)
ax.set_yticks(y)
ax.set_yticklabels(evidence["result"])
for x in (-1.96, 1.96):
    ax.axvline(x, color="grey", ls=":", lw=1)
ax.axvline(0, color="black", lw=0.8)
ax.set_xlabel("z against no effect (positive favours Tα1; dotted: |z| = 1.96)")
ax.set_title("Immune markers (blue) move; mortality in the large and high-quality data (red) does not", loc="left", fontsize=10)
show_figure(fig, "01_mechanism_marker_vs_mortality")
markers = evidence[evidence.kind == "immune marker"]
deaths = evidence[evidence.kind == "mortality"]
big = deaths[deaths["result"].str.contains("TESTS|high-quality|multicentre")]
say(
    f"Every immune-marker result favours Tα1 ({(markers['z (favours Tα1 > 0)'] > 1.96).sum()} of {len(markers)} beyond |z| = 1.96). "
    f"Of the mortality results, the large and high-quality ones ({', '.join(big['result'])}) have |z| at most "
    f"{big['z (favours Tα1 > 0)'].abs().max():.2f}; the mortality results beyond |z| = 1.96 are "
    + (", ".join(deaths[deaths["z (favours Tα1 > 0)"].abs() > 1.96]["result"]) or "none")
    + ". A drug can move a biomarker without moving mortality: mHLA-DR is a marker of immune state, not a "
    "validated surrogate for survival. Note too that in "
    "ETASS baseline mHLA-DR was lower in the Tα1 arm, so part of its larger rise may be regression to the mean "
    "(02_etass)."
)

# %% [markdown]
# ## 3. The molecule, computed from its sequence

# %%
sequence = select_one(peptide_facts, "peptide", fact_id="thymalfasin.sequence")["text"]
molecule = Peptide.parse(sequence)
labelled = select_one(facts, "study_facts", fact_id="zadaxin.molecular_weight")
vial = fact_value(facts, "zadaxin.vial_mg")
peptide_table = pd.DataFrame([
    {"quantity": "residues", "computed": molecule.length, "method": "count of the sequence"},
    {"quantity": "composition", "computed": ", ".join(f"{k} {v}" for k, v in molecule.composition.items()), "method": "count"},
    {"quantity": "average mass (Da)", "computed": round(molecule.average_mass, 2), "method": "pyteomics average residue masses + water + N-acetyl (C2H2O)"},
    {"quantity": f"amount per {vial:g} mg vial (µmol)", "computed": round(molecule.micromoles(vial), 3), "method": "mass / molar mass"},
])
show(peptide_table)
mass_check = comparison("average mass (Da)", labelled["value_text"], molecule.average_mass, "pyteomics")
say(f"Computed average mass {molecule.average_mass:.1f} Da against the labelled {labelled['value_text']} Da: {mass_check['verdict']}.")
results.add("mechanism.peptide.residues", molecule.length, description="residues in the thymalfasin sequence")
results.add("mechanism.peptide.average_mass", molecule.average_mass, unit="Da", description="average molecular mass, N-acetylated (pyteomics)")
results.add("mechanism.peptide.umol_per_vial", molecule.micromoles(vial), unit="umol", description="amount per vial")

# %% [markdown]
# ## 4. Immunoparalysis by age in ETASS patients: the bridge to the subgroup question
#
# A post hoc analysis of ETASS (Pei 2020) measured mHLA-DR within 48 h of sepsis onset and
# defined early immunoparalysis as mHLA-DR at or below a threshold. This is the one piece of
# patient data connecting age, immune state and outcome in a Tα1 trial population; it is not a
# comparison of Tα1 with control.

# %%
pei = published.loc[[i for i in published.index if i.startswith("pei2020.")]].reset_index()
show(pei[["estimate_id", "population", "measure", "estimate_text", "p_value_text", "notes"]])
threshold = fact_value(facts, "pei2020.immunoparalysis_threshold")
n_old, n_young = fact_value(facts, "pei2020.elderly_n"), fact_value(facts, "pei2020.nonelderly_n")
d_old, d_young = fact_value(facts, "pei2020.hospital_deaths.elderly"), fact_value(facts, "pei2020.hospital_deaths.nonelderly")
recomputed = pd.DataFrame([
    comparison("hospital mortality, elderly (%)", published.loc["pei2020.mortality_hospital.risk.elderly"].estimate_text, 100 * d_old / n_old, "deaths / N"),
    comparison("hospital mortality, non-elderly (%)", published.loc["pei2020.mortality_hospital.risk.nonelderly"].estimate_text, 100 * d_young / n_young, "deaths / N"),
])
show(recomputed)
prev = {g: published.loc[f"pei2020.early_immunoparalysis.risk.{g}"].estimate for g in ("elderly", "nonelderly")}
fig, axes = plots.plt.subplots(1, 2, figsize=(10, 3.8))
axes[0].bar(["≥60", "<60"], [prev["elderly"], prev["nonelderly"]], color=[plots.TA1, plots.CONTROL])
axes[0].set_ylabel("%")
axes[0].set_title(f"Early immunoparalysis (mHLA-DR ≤ {threshold:g}%)", loc="left", fontsize=10)
groups = [("≥60", "elderly"), ("<60", "nonelderly")]
width = 0.38
for j, (status, key) in enumerate((("immunoparalysis", "immunoparalysis"), ("none", "no_immunoparalysis"))):
    values = [published.loc[f"pei2020.mortality_hospital.risk.{g}.{key}"].estimate for _, g in groups]
    axes[1].bar([i + (j - 0.5) * width for i in range(2)], values, width, label=status, color=[plots.CONTROL, plots.TA1][j])
axes[1].set_xticks(range(2))
axes[1].set_xticklabels([g for g, _ in groups])
axes[1].set_ylabel("hospital mortality, %")
axes[1].set_title("Hospital mortality by immune status", loc="left", fontsize=10)
axes[1].legend(fontsize=8)
fig.suptitle("ETASS patients, post hoc (Pei 2020): indirect evidence only", x=0.01, ha="left", fontsize=11)
fig.tight_layout()
show_figure(fig, "01_mechanism_immunoparalysis_by_age")
p_abs, p_fig = published.loc["pei2020.early_immunoparalysis.p.abstract"].p_value_text, published.loc["pei2020.early_immunoparalysis.p.fig3"].p_value_text
say(
    f"Early immunoparalysis: {prev['elderly']:g}% of the elderly vs {prev['nonelderly']:g}% of younger patients "
    f"(P = {p_abs} in the abstract, {p_fig} in the figure legend: the source disagrees with itself). If Tα1 works by "
    "reversing immunoparalysis, older patients — who have more of it — are where an effect would be expected, which "
    "makes the TESTS age signal biologically plausible in direction for patients 60 and over, but offers no "
    "explanation for apparent harm under 60 (05_subgroups)."
)
results.add("mechanism.pei2020.prevalence_ratio", prev["elderly"] / prev["nonelderly"], description="early immunoparalysis, elderly vs non-elderly (ratio of percentages)")
results.add("mechanism.marker_vs_mortality.max_abs_z_large_mortality", float(big["z (favours Tα1 > 0)"].abs().max()), description="largest |z| among the large/high-quality mortality results")
results.add("mechanism.marker_vs_mortality.min_z_markers", float(markers["z (favours Tα1 > 0)"].min()), description="smallest z among the immune-marker results")
results.write()
say(f"{len(results)} key numbers written to `results/01_mechanism.json`.")
