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

# %%
import numpy as np
import pandas as pd

from ta1sepsis.data.loader import (
    fact_value,
    load_estimates,
    load_facts,
    load_mechanism,
    load_peptide,
    load_trials,
    select_one,
)
from ta1sepsis.evidence.verdicts import comparison
from ta1sepsis.paths import project_root
from ta1sepsis.report import plots
from ta1sepsis.report.answers import bottom_line, fmt_ci
from ta1sepsis.report.narrative import say, show
from ta1sepsis.report.outputs import save_table, show_figure
from ta1sepsis.report.results import Results, read_results
from ta1sepsis.stats.binary import TwoByTwo, risk_ratio
from ta1sepsis.stats.markers import (
    mean_difference_from_p,
    rtm_expected_difference,
    rtm_rho_threshold,
)
from ta1sepsis.stats.peptide import Peptide

plots.setup()
root = project_root()
trials = load_trials(root / trials_file)
estimates = load_estimates(root / estimates_file)
facts = load_facts(root / facts_file)
steps = load_mechanism(root / mechanism_file)
peptide_facts = load_peptide(root / peptide_file)
published = estimates.set_index("estimate_id")
results = Results("01_mechanism")
meta = read_results("03_meta_analyses")

MARKER_NAMES = {
    "mhla_dr_change_day3": "monocyte HLA-DR, change to day 3",
    "mhla_dr_change_day7": "monocyte HLA-DR, change to day 7",
    "hla_dr": "HLA-DR",
    "hla_dr_28d": "monocyte HLA-DR at day 28",
    "cd4": "CD4+ T cells",
    "cd8": "CD8+ T cells",
    "cd4_cd8_ratio": "CD4/CD8 ratio",
    "tnf_alpha": "TNF-α",
    "il6": "IL-6",
    "crp": "C-reactive protein",
}
UNIT_WORDS = {
    "percentage_points": "percentage points",
    "SD_units": "SD units",
    "ratio": "ratio units",
    "ng/L": "ng/L",
    "mg/L": "mg/L",
    "": "unit not stated",
}
CONTEXT = {"trial": "sepsis trial", "meta_analysis": "meta-analysis"}


def context(r):
    words = CONTEXT.get(r.study_type, r.study_type)
    if "UTI" in r.study or "ulinastatin" in r.population.lower():
        words += ", Tα1 + ulinastatin"
    if r.study_id.startswith("tian"):
        words += ", severe acute pancreatitis (not sepsis)"
    return words


def n_text(r):
    parts = []
    if not pd.isna(r.k_studies):
        parts.append(f"{int(r.k_studies)} studies")
    if not pd.isna(r.n_patients):
        parts.append(f"{int(r.n_patients)} patients")
    if not parts and r.study_id in set(trials.study_id):
        rr = trials[trials.study_id == r.study_id].iloc[0]
        parts.append(f"{int(rr.n_trt + rr.n_ctl)} randomised; analysed n not stated")
    return ", ".join(parts) or "n not stated"


marker_rows = []
for r in estimates[
    estimates.outcome.isin(marker_outcomes) & estimates.measure.isin(["MD", "SMD", "WMD"])
].itertuples():
    scale = "SMD" if r.measure == "SMD" else "mean difference"
    marker_rows.append(
        {
            "panel": f"{MARKER_NAMES.get(r.outcome, r.outcome)}: {scale} ({UNIT_WORDS.get(r.unit, r.unit)})",
            "scale": "difference",
            "label": f"{r.study} ({context(r)})"
            + ("" if r.population == "all" else f", {r.population}"),
            "estimate": r.estimate,
            "lower": r.ci_lower,
            "upper": r.ci_upper,
            "n": n_text(r),
            "kind": "published",
            "source": r.estimate_id,
            "ci excludes 0": not (r.ci_lower <= 0 <= r.ci_upper),
        }
    )
# Lin 2007 reports HLA-DR means with a P value only: the CI is derived from them (Altman & Bland 2011)
if "lin2007.hla_dr_28d.p" in published.index:
    lin = mean_difference_from_p(
        fact_value(facts, "lin2007.hla_dr_28d.mean.treatment"),
        fact_value(facts, "lin2007.hla_dr_28d.mean.control"),
        published.loc["lin2007.hla_dr_28d.p"].p_value,
    )
    marker_rows.append(
        {
            "panel": "monocyte HLA-DR at day 28: mean difference (percentage points)",
            "scale": "difference",
            "label": "Lin 2007 phase 2 (sepsis trial, Tα1 + ulinastatin); CI derived from the means and P",
            "estimate": lin.estimate,
            "lower": lin.lower,
            "upper": lin.upper,
            "n": "arm sizes not stated",
            "kind": "derived",
            "source": "lin2007.hla_dr_28d.p; means in study_facts.csv",
            "ci excludes 0": lin.lower > 0 or lin.upper < 0,
        }
    )
markers = pd.DataFrame(marker_rows)
# keep each marker's panels together (HLA-DR first), in the order of the parameter list
rank = {o: i for i, o in enumerate(marker_outcomes)}
markers["order"] = [
    rank.get(next((o for o in marker_outcomes if MARKER_NAMES.get(o, o) in p), ""), 99)
    if "HLA-DR" not in p
    else 0
    for p in markers["panel"]
]
markers = markers.sort_values("order", kind="stable").drop(columns="order").reset_index(drop=True)

# Mortality: the trials with counts and the back-calculated remaining trials do not overlap
mortality_rows = []
for study_id in ("etass", "tests"):
    if ((trials.study_id == study_id) & (trials.outcome == "mortality_28d")).any():
        row = select_one(trials, "trials", study_id=study_id, outcome="mortality_28d")
        rr = risk_ratio(TwoByTwo.from_row(row))
        mortality_rows.append(
            {
                "panel": "28-day mortality, non-overlapping evidence: ratio (log scale)",
                "scale": "ratio",
                "label": f"{row.study}: risk ratio from counts",
                "estimate": rr.estimate,
                "lower": rr.lower,
                "upper": rr.upper,
                "n": f"{int(row.n_trt + row.n_ctl)} patients",
                "kind": "recomputed",
                "source": trials_file,
            }
        )
if "meta.small_trials.backcalculated" in meta:
    b = meta["meta.small_trials.backcalculated"]
    mortality_rows.append(
        {
            "panel": "28-day mortality, non-overlapping evidence: ratio (log scale)",
            "scale": "ratio",
            "label": "remaining trials of Gu 2025: odds ratio, back-calculated (03)",
            "estimate": b["value"],
            "lower": b["lower"],
            "upper": b["upper"],
            "n": f"{meta['meta.small_trials.patients']['value']:.0f} patients (derived)",
            "kind": "derived",
            "source": "results/03_meta_analyses.json",
        }
    )
for estimate_id in (
    "li2015.mortality_any.rr",
    "liu2016.mortality_any.rr",
    "gu2018.mortality_28d.rr",
    "gu2025.mortality_28d.or",
):
    if estimate_id in published.index:
        r = published.loc[estimate_id]
        mortality_rows.append(
            {
                "panel": "mortality, published pooled estimates (they share trials with each other and with the rows above)",
                "scale": "ratio",
                "label": f"{r.study}: {r.measure}",
                "estimate": r.estimate,
                "lower": r.ci_lower,
                "upper": r.ci_upper,
                "n": n_text(r),
                "kind": "published",
                "source": estimate_id,
            }
        )
mortality = pd.DataFrame(mortality_rows)

# Regression to the mean in the ETASS mHLA-DR change scores
base_t = fact_value(facts, "etass.baseline_mhla_dr.treatment")
base_c = fact_value(facts, "etass.baseline_mhla_dr.control")
rtm_rows = []
for day in (3, 7):
    key = f"etass.mhla_dr_change_day{day}.md"
    if key in published.index:
        obs = published.loc[key]
        threshold = rtm_rho_threshold(obs.estimate, base_t, base_c)
        rtm_rows.append(
            {
                "day": day,
                "published difference in change (pp)": obs.estimate,
                "95% CI": f"{obs.ci_lower_text} to {obs.ci_upper_text}",
                "baseline gap, control minus Tα1 (pp)": base_c - base_t,
                **{
                    f"expected from RTM alone if ρ = {r:g} (pp)": rtm_expected_difference(
                        base_t, base_c, r
                    )
                    for r in rtm_correlations
                },
                "ρ below which RTM alone gives at least the published difference": threshold,
            }
        )
rtm = pd.DataFrame(rtm_rows)

# %%
sepsis_markers = markers[~markers["label"].str.contains("pancreatitis")]
favour = (sepsis_markers["ci excludes 0"]).sum()
rtm_text = ""
if len(rtm):
    lo, hi = min(rtm_correlations), max(rtm_correlations)
    rtm_text = (
        f" In ETASS, the arm given Tα1 started {base_c - base_t:.1f} points lower in mHLA-DR; with a baseline-to-follow-up "
        f"correlation between {lo:g} and {hi:g} (an assumption: it is not reported), regression to the mean alone would produce a "
        f"difference in change of {rtm_expected_difference(base_t, base_c, hi):.1f} to {rtm_expected_difference(base_t, base_c, lo):.1f} "
        f"points, against the published {', '.join(f'{v:g}' for v in rtm['published difference in change (pp)'])} (days "
        f"{', '.join(str(d) for d in rtm['day'])}): the mHLA-DR result cannot be separated from that artefact with the published data."
    )
bottom_line(
    f"The review's mechanism is a chain of preclinical statements ({len(steps)} links, none with an effect size in the sources). "
    f"In septic patients, {favour} of the {len(sepsis_markers)} marker results available (HLA-DR, T cells, cytokines; some from "
    "trials combining Tα1 with ulinastatin) have intervals excluding no difference; "
    + (
        f"the trials with mortality counts pool to {meta['meta.pooled.or_mh']['description'].split(',')[0].replace('common (MH)', 'a common-effect')} "
        f"odds ratio of {fmt_ci(meta['meta.pooled.or_mh']['value'], meta['meta.pooled.or_mh']['lower'], meta['meta.pooled.or_mh']['upper'])}, "
        "an interval that includes no effect on mortality."
        if "meta.pooled.or_mh" in meta
        else "mortality is summarised in 03_meta_analyses."
    )
    + rtm_text,
    "A marker that moves is not evidence that patients live longer: mHLA-DR is a marker of immune state, not a validated "
    "surrogate for survival, and several marker results come from combination therapy or another disease.",
    [
        f"correlation between baseline and follow-up mHLA-DR {min(rtm_correlations):g} to {max(rtm_correlations):g} (assumption; not reported)"
    ],
)

# %% [markdown]
# ## 1. The proposed pathway
#
# Each arrow is a link the review states (with its reference numbers); a link the review does not
# state is not drawn.

# %%
fig = plots.pathway(
    steps,
    "The mechanism as the review states it: Tα1 acts on dendritic cells, monocytes and cytokine signalling (links with the review's reference numbers)",
)
show_figure(fig, "01_mechanism_pathway")
show(steps[["step_id", "from_node", "relation", "to_node", "review_reference", "value_flag"]])

# %% [markdown]
# ## 2. Immune markers on their own scales, and mortality beside them
#
# Every marker result in the data, each on its natural scale (mean difference in its units, or a
# standardised mean difference), with the number of studies and patients where published, grouped
# by marker. Mortality is in its own panels: the trials with counts and the back-calculated
# remaining trials of the 2025 review do not overlap; the published pooled estimates do, with each
# other and with those rows, so they are not independent evidence.

# %%
show(markers.drop(columns=["scale"]))
save_table(markers, "01_mechanism_markers")
fig = plots.panel_forest(
    pd.concat([markers, mortality], ignore_index=True),
    "Immune-marker results on their natural scales (positive = higher with Tα1), and mortality ratios (< 1 = fewer deaths with Tα1)",
    "Open circles: published; filled: recomputed or derived. Marker panels: 0 = no difference. Rows from Tα1 + ulinastatin trials and from pancreatitis are labelled.",
)
show_figure(fig, "01_mechanism_markers_and_mortality")
show(mortality.drop(columns=["scale"]))
save_table(mortality, "01_mechanism_mortality")
null_markers = markers[~markers["ci excludes 0"]]
say(
    f"{len(markers)} marker results: {markers['ci excludes 0'].sum()} with intervals excluding no difference; "
    + (
        "the others, whose intervals include no difference, are: "
        + "; ".join(
            f"{r.label} ({MARKER_NAMES.get(r.source.split('.')[1], '')})".replace(" ()", "")
            for r in null_markers.itertuples()
        )
        + ". "
        if len(null_markers)
        else "none include no difference. "
    )
    + "A non-significant marker result is not evidence that the marker does not change; it is an imprecise estimate."
)

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
if len(rtm):
    show(rtm)
    save_table(rtm, "01_mechanism_regression_to_mean")
    rho = np.linspace(0, 1, 101)
    fig, ax = plots.plt.subplots(figsize=(8, 4.2))
    ax.plot(
        rho,
        rtm_expected_difference(base_t, base_c, rho),
        color=plots.ESTIMATE,
        lw=2,
        label="expected from regression to the mean alone",
    )
    ax.axvspan(
        min(rtm_correlations),
        max(rtm_correlations),
        color=plots.ASSUMPTION,
        alpha=0.2,
        label="assumed range of ρ",
    )
    for (_, r), colour in zip(rtm.iterrows(), plots.CATEGORY, strict=False):
        obs = r["published difference in change (pp)"]
        ax.axhline(
            obs,
            color=colour,
            ls="--",
            lw=1.3,
            label=f"published difference, day {r['day']:.0f} ({obs:g} points)",
        )
    ax.set_xlabel("correlation ρ between baseline and follow-up mHLA-DR")
    ax.set_ylabel("difference in change, Tα1 minus control\n(percentage points)")
    ax.set_title(
        "ETASS mHLA-DR: the published differences in change and what regression to the mean alone would give",
        loc="left",
        fontsize=10,
    )
    ax.legend(fontsize=8)
    show_figure(fig, "01_mechanism_regression_to_mean")
    thr = "ρ below which RTM alone gives at least the published difference"
    say(
        " ".join(
            f"Day {r['day']:.0f}: regression to the mean alone would give at least the published {r['published difference in change (pp)']:g} "
            f"points whenever ρ is below {r[thr]:.2f}."
            if not pd.isna(r[thr])
            else f"Day {r['day']:.0f}: regression to the mean alone cannot reach the published difference."
            for _, r in rtm.iterrows()
        )
        + " This does not show that Tα1 has no effect on mHLA-DR; it shows that the published change scores cannot distinguish an "
        "effect from the artefact of the baseline imbalance. A baseline-adjusted analysis of the trial data would."
    )
    for _, r in rtm.iterrows():
        day = int(r["day"])
        if not pd.isna(r[thr]):
            results.add(
                f"mechanism.rtm.day{day}.rho_threshold",
                r[thr],
                description=f"correlation below which regression to the mean alone gives at least the published day-{day} mHLA-DR difference",
            )
    for rr in rtm_correlations:
        results.add(
            f"mechanism.rtm.expected_at_rho_{rr:g}",
            float(rtm_expected_difference(base_t, base_c, rr)),
            unit="percentage_points",
            description=f"difference in change expected from regression to the mean alone if rho = {rr:g} (assumption)",
        )

# %% [markdown]
# ## 4. The molecule, computed from its sequence

# %%
sequence = select_one(peptide_facts, "peptide", fact_id="thymalfasin.sequence")["text"]
molecule = Peptide.parse(sequence)
labelled = select_one(facts, "study_facts", fact_id="zadaxin.molecular_weight")
vial = fact_value(facts, "zadaxin.vial_mg")
peptide_table = pd.DataFrame(
    [
        {
            "quantity": "residues",
            "computed": str(molecule.length),
            "method": "count of the sequence",
        },
        {
            "quantity": "composition",
            "computed": ", ".join(f"{k} {v}" for k, v in molecule.composition.items()),
            "method": "count",
        },
        {
            "quantity": "average mass (Da)",
            "computed": f"{molecule.average_mass:.2f}",
            "method": "pyteomics average residue masses + water + N-acetyl (C2H2O)",
        },
        {
            "quantity": f"amount per {vial:g} mg vial (µmol)",
            "computed": f"{molecule.micromoles(vial):.3f}",
            "method": "mass / molar mass",
        },
    ]
)
show(peptide_table)
mass_check = comparison(
    "average mass (Da)", labelled["value_text"], molecule.average_mass, "pyteomics"
)
say(
    f"Computed average mass {molecule.average_mass:.1f} Da against the labelled {labelled['value_text']} Da: {mass_check['verdict']}."
)
results.add(
    "mechanism.peptide.residues",
    molecule.length,
    description="residues in the thymalfasin sequence",
)
results.add(
    "mechanism.peptide.average_mass",
    molecule.average_mass,
    unit="Da",
    description="average molecular mass, N-acetylated (pyteomics)",
)
results.add(
    "mechanism.peptide.umol_per_vial",
    molecule.micromoles(vial),
    unit="umol",
    description="amount per vial",
)

# %% [markdown]
# ## 5. Immunoparalysis by age in ETASS patients (indirect evidence)
#
# A post hoc analysis of ETASS (Pei 2020) measured mHLA-DR within 48 h of sepsis onset and defined
# early immunoparalysis as mHLA-DR at or below a threshold. It connects age, immune state and
# outcome in a Tα1 trial population; it is not a comparison of Tα1 with control.

# %%
threshold = fact_value(facts, "pei2020.immunoparalysis_threshold")
n_old, n_young = fact_value(facts, "pei2020.elderly_n"), fact_value(facts, "pei2020.nonelderly_n")
d_old, d_young = (
    fact_value(facts, "pei2020.hospital_deaths.elderly"),
    fact_value(facts, "pei2020.hospital_deaths.nonelderly"),
)
recomputed = pd.DataFrame(
    [
        comparison(
            "hospital mortality, elderly (%)",
            published.loc["pei2020.mortality_hospital.risk.elderly"].estimate_text,
            100 * d_old / n_old,
            "deaths / N",
        ),
        comparison(
            "hospital mortality, non-elderly (%)",
            published.loc["pei2020.mortality_hospital.risk.nonelderly"].estimate_text,
            100 * d_young / n_young,
            "deaths / N",
        ),
    ]
)
show(recomputed)
prev = {
    g: published.loc[f"pei2020.early_immunoparalysis.risk.{g}"].estimate
    for g in ("elderly", "nonelderly")
}
fig, axes = plots.plt.subplots(1, 2, figsize=(10, 3.8))
axes[0].bar(
    ["60 and over", "under 60"], [prev["elderly"], prev["nonelderly"]], color=plots.CATEGORY[:2]
)
axes[0].set_ylabel("% of patients")
axes[0].set_title(
    f"Early immunoparalysis (mHLA-DR ≤ {threshold:g}%) by age", loc="left", fontsize=10
)
groups = [("60 and over", "elderly"), ("under 60", "nonelderly")]
width = 0.38
for j, (status, key) in enumerate(
    (("immunoparalysis", "immunoparalysis"), ("no immunoparalysis", "no_immunoparalysis"))
):
    values = [
        published.loc[f"pei2020.mortality_hospital.risk.{g}.{key}"].estimate for _, g in groups
    ]
    axes[1].bar(
        [i + (j - 0.5) * width for i in range(2)],
        values,
        width,
        label=status,
        color=plots.CATEGORY[2 + j],
    )
axes[1].set_xticks(range(2))
axes[1].set_xticklabels([g for g, _ in groups])
axes[1].set_ylabel("hospital mortality, %")
axes[1].set_title("Hospital mortality by age and immune status", loc="left", fontsize=10)
axes[1].legend(fontsize=8)
fig.suptitle(
    "ETASS patients, post hoc (Pei 2020): immunoparalysis was twice as common at 60 and over (indirect evidence, not Tα1 vs control)",
    x=0.01,
    ha="left",
    fontsize=10.5,
)
fig.tight_layout()
show_figure(fig, "01_mechanism_immunoparalysis_by_age")
p_abs, p_fig = (
    published.loc["pei2020.early_immunoparalysis.p.abstract"].p_value_text,
    published.loc["pei2020.early_immunoparalysis.p.fig3"].p_value_text,
)
say(
    f"Early immunoparalysis: {prev['elderly']:g}% of patients aged 60 and over vs {prev['nonelderly']:g}% of younger patients "
    f"(P = {p_abs} in the abstract, {p_fig} in the figure legend: the source disagrees with itself). If Tα1 acted by reversing "
    "immunoparalysis, older patients, who have more of it, are where an effect would be expected; that makes the TESTS age "
    "signal plausible in direction for patients 60 and over, but it does not explain apparent harm under 60 (05_subgroups), "
    "and it is an association in one trial's patients, not evidence of a differential drug effect."
)
results.add(
    "mechanism.pei2020.prevalence_ratio",
    prev["elderly"] / prev["nonelderly"],
    description="early immunoparalysis, elderly vs non-elderly (ratio of percentages)",
)
results.add("mechanism.markers.n_results", len(markers), description="marker results in the data")
results.add(
    "mechanism.markers.n_excluding_zero",
    int(markers["ci excludes 0"].sum()),
    description="marker results whose interval excludes no difference",
)
results.write()
say(f"{len(results)} key numbers written to `results/01_mechanism.json`.")
