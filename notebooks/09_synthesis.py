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
# # Synthesis: what the evidence says about thymosin α1 in sepsis, and how sure we can be
#
# **Question.** Does thymosin α1 (Tα1) reduce mortality in unselected sepsis; what did the small
# trials show and why might they differ; which subgroup signals deserve a trial; what do the immune
# markers tell and not tell; and what does the next trial need? For each outcome, how certain is
# the evidence (risk of bias by RoB 2, certainty by GRADE) and what does it mean per 1000 patients,
# judged against an explicit minimal clinically important difference (MCID)?
#
# Every number here is read from the other notebooks' `results/*.json` or computed from `data/`;
# every certainty rating comes from a rule written in `src/ta1sepsis/grade.py` or from a sourced
# judgement row in `data/grade_judgements.csv`. This page is rendered last and shown first.

# %% tags=["parameters"]
trials_file = "data/trials.csv"
estimates_file = "data/published_estimates.csv"
facts_file = "data/study_facts.csv"
method_facts_file = "data/method_facts.csv"
risk_of_bias_file = "data/risk_of_bias.csv"
grade_judgements_file = "data/grade_judgements.csv"
credibility_file = "data/subgroup_credibility.csv"
intervention_label = "Tα1"
baseline_study = "tests"
all_rcts_estimate = "gu2025.mortality_28d.or"
subgroup_claims = {
    "subgroup_age": ["tests.mortality_28d.hr.age_ge60", "tests.age"],
    "subgroup_diabetes": ["tests.mortality_28d.hr.diabetes_yes", "tests.diabetes"],
}
mcid_alternatives = [
    "mcid.bmj_rr_steroids.risk_difference",
    "mcid.ridgeon2017.plausible_arr_median",
]
ois_continuous = 400
mcid_relative_reduction = 0.15
mcid_absolute_reduction = 0.035

# %%

import pandas as pd

from ta1sepsis.data.evidence_tables import (
    load_grade_judgements,
    load_method_facts,
    load_risk_of_bias,
    method_fact,
)
from ta1sepsis.data.loader import (
    load_credibility,
    load_estimates,
    load_facts,
    load_trials,
    select_one,
)
from ta1sepsis.evidence.claims import method_verdict_frame
from ta1sepsis.evidence.grade import Evidence, rate
from ta1sepsis.evidence.rob import assessments
from ta1sepsis.paths import project_root
from ta1sepsis.report import plots
from ta1sepsis.report.answers import bottom_line, fmt_ci, fmt_p
from ta1sepsis.report.narrative import say, show
from ta1sepsis.report.outputs import save_table, show_figure
from ta1sepsis.report.results import Results, read_results
from ta1sepsis.stats.absolute import per_1000
from ta1sepsis.stats.meta_effects import study_effects
from ta1sepsis.stats.meta_methods import trials_to_studies

plots.setup()
root = project_root()
trials = load_trials(root / trials_file)
estimates = load_estimates(root / estimates_file)
facts = load_facts(root / facts_file)
method_facts = load_method_facts(root / method_facts_file)
rob_table = load_risk_of_bias(root / risk_of_bias_file)
judgement_rows = load_grade_judgements(root / grade_judgements_file)
credibility = load_credibility(root / credibility_file)
published = estimates.set_index("estimate_id")
results = Results("09_synthesis")
R = {
    name: read_results(name)
    for name in (
        "01_mechanism",
        "02_etass",
        "03_meta_analyses",
        "04_tests",
        "05_subgroups",
        "06_dosing",
        "07_next_trial",
        "08_claims",
    )
}
trial_ids = [
    t
    for t in dict.fromkeys(trials.study_id)
    if (root / "results" / "trials" / f"{t}.json").is_file()
]
T = {t: read_results(f"trials/{t}") for t in trial_ids}
meta = R["03_meta_analyses"]
rob = assessments(rob_table).set_index("assessment_id")
judgements = {
    (r.outcome_id, r.domain): {
        "rating": r.rating,
        "rationale": r.rationale,
        "line": r.line,
        "criterion": r.criterion,
    }
    for r in judgement_rows.itertuples()
}
ratings_iceman = credibility[credibility["item"] == "overall"].set_index("claim_id")["response"]

# The assumed control risk: the placebo arm of the baseline study, from its counts
base_row = select_one(trials, "trials", study_id=baseline_study, outcome="mortality_28d")
baseline = base_row.events_ctl / base_row.n_ctl
baseline_text = f"{base_row.study} control arm, 28-day mortality {base_row.events_ctl}/{base_row.n_ctl} = {baseline:.1%}"


def item(source, key):
    return source[key] if key in source else None


def evidence_rows(mcid_absolute: float) -> list[Evidence]:
    """Every summary-of-findings outcome, built from the results and the data."""
    rows = []
    pooled, k = item(meta, "meta.pooled.or_mh"), item(meta, "meta.pooled.k")
    outcome28 = trials[trials.outcome == "mortality_28d"]
    if pooled and k:
        # each trial's share of the information (inverse variance of its log OR, the constant
        # continuity correction where a cell is zero) and its RoB 2 judgement
        v = study_effects(
            trials_to_studies(trials, "mortality_28d"), "OR", correction="constant"
        ).vi
        weights = (1 / v) / (1 / v).sum()
        trial_rob = [
            (
                rob.loc[f"{s}.mortality_28d", "overall"]
                if f"{s}.mortality_28d" in rob.index
                else "not assessed",
                float(w),
            )
            for s, w in zip(outcome28.study_id, weights, strict=True)
        ]
        rows.append(
            Evidence(
                "mortality_28d_large_trials",
                "28-day mortality",
                "OR",
                pooled["value"],
                pooled["lower"],
                pooled["upper"],
                meta["meta.pooled.patients"]["value"],
                int(k["value"]),
                baseline,
                baseline_text,
                f"the {int(k['value'])} trials with counts ({', '.join(outcome28.study)}), Mantel-Haenszel (03_meta_analyses)",
                trial_rob=trial_rob,
                i2=meta["meta.pooled.i2"]["value"],
                q_p=meta["meta.pooled.q_p"]["value"],
                information_size=item(meta, "meta.tsa.fixed.information_size")["value"]
                if item(meta, "meta.tsa.fixed.information_size")
                else None,
                mcid_absolute=mcid_absolute,
            )
        )
    if all_rcts_estimate in published.index:
        e = published.loc[all_rcts_estimate]
        rows.append(
            Evidence(
                "mortality_28d_all_rcts",
                "28-day mortality (all randomised trials)",
                e.measure,
                e.estimate,
                e.ci_lower,
                e.ci_upper,
                None if pd.isna(e.n_patients) else int(e.n_patients),
                None if pd.isna(e.k_studies) else int(e.k_studies),
                baseline,
                baseline_text,
                f"{e.study}, published pooled estimate",
                subset_contrast_p=item(meta, "meta.small_vs_large.p")["value"]
                if item(meta, "meta.small_vs_large.p")
                else None,
                subset_difference_counted_elsewhere=True,
                information_size=item(meta, "meta.tsa.fixed.information_size")["value"]
                if item(meta, "meta.tsa.fixed.information_size")
                else None,
                mcid_absolute=mcid_absolute,
            )
        )
    for outcome_id, label in (
        ("mortality_90d", "90-day mortality"),
        ("new_infection_28d", "new infection by day 28"),
    ):
        tr = T.get(baseline_study, {})
        rr = item(tr, f"{baseline_study}.{outcome_id}.rr")
        if rr:
            row = select_one(trials, "trials", study_id=baseline_study, outcome=outcome_id)
            control = row.events_ctl / row.n_ctl
            rows.append(
                Evidence(
                    outcome_id,
                    label,
                    "RR",
                    rr["value"],
                    rr["lower"],
                    rr["upper"],
                    int(row.n_trt + row.n_ctl),
                    1,
                    control,
                    f"{row.study} control arm {row.events_ctl}/{row.n_ctl} = {control:.1%}"
                    + (" (derived counts)" if row.value_flag == "derived" else ""),
                    f"{row.study} trial report (counts {'derived from percentages' if row.value_flag == 'derived' else 'read'})",
                    mcid_absolute=mcid_absolute,
                )
            )
    if "etass.mhla_dr_change_day7.md" in published.index and "etass.mhla_dr_change" in rob.index:
        e = published.loc["etass.mhla_dr_change_day7.md"]
        n = select_one(trials, "trials", study_id="etass", outcome="mortality_28d")
        rows.append(
            Evidence(
                "mhla_dr_change",
                "monocyte HLA-DR (change to day 7, percentage points)",
                "MD",
                e.estimate,
                e.ci_lower,
                e.ci_upper,
                int(n.n_trt + n.n_ctl),
                1,
                None,
                "",
                f"{e.study}, published difference in change (randomised patients; analysed n not stated)",
                unit="percentage points",
                trial_rob=[(rob.loc["etass.mhla_dr_change", "overall"], 1.0)],
            )
        )
    for outcome_id, (estimate_id, claim_id) in subgroup_claims.items():
        if estimate_id in published.index:
            e = published.loc[estimate_id]
            rows.append(
                Evidence(
                    outcome_id,
                    f"28-day mortality, {e.population}",
                    "HR",
                    e.estimate,
                    e.ci_lower,
                    e.ci_upper,
                    None,
                    1,
                    baseline,
                    baseline_text + " (subgroup-specific control risk not published)",
                    f"{e.study}, published subgroup hazard ratio",
                    credibility=ratings_iceman.get(claim_id),
                    mcid_absolute=mcid_absolute,
                )
            )
    return rows


def rate_all(mcid_absolute: float):
    return [
        rate(
            e,
            {d: judgements[(e.outcome_id, d)] for (o, d) in judgements if o == e.outcome_id},
            intervention_label,
            ois_continuous,
        )
        for e in evidence_rows(mcid_absolute)
    ]


rated = rate_all(mcid_absolute_reduction)
by_id = {r.evidence.outcome_id: r for r in rated}

# %%
big = by_id.get("mortality_28d_large_trials")
allr = by_id.get("mortality_28d_all_rcts")
tsa_fixed, tsa_random = (
    item(meta, "meta.tsa.fixed.fraction"),
    item(meta, "meta.tsa.random_dl.fraction"),
)
block = item(meta, "meta.small_trials.backcalculated")
sub = R["05_subgroups"]
nxt = R["07_next_trial"]
answer = []
if big:
    a = big.absolute
    answer.append(
        f"**Mortality in unselected sepsis.** The trials with counts pool to an odds ratio of {fmt_ci(big.evidence.estimate, big.evidence.lower, big.evidence.upper)}: "
        f"{a['difference']:+.0f} deaths per 1000 ({a['difference_lower']:+.0f} to {a['difference_upper']:+.0f}) at a control risk of {baseline:.0%}. "
        f"Certainty **{big.certainty}**: {big.statement}"
        + (
            f" They hold {min(tsa_fixed['value'], tsa_random['value']):.0%} to {max(tsa_fixed['value'], tsa_random['value']):.0%} of the information needed to detect the MCID (trial sequential analysis: "
            f"{meta['meta.tsa.fixed.conclusion']['value']})."
            if tsa_fixed and tsa_random
            else ""
        )
    )
pooled_large = item(meta, "meta.pooled.or_mh")
if allr and block:
    answer.append(
        f"**The small trials.** All randomised trials pooled by the 2025 review give {allr.evidence.measure} {fmt_ci(allr.evidence.estimate, allr.evidence.lower, allr.evidence.upper)} "
        f"(certainty **{allr.certainty}**). Back-calculated from the review, the trials not available here give "
        f"{fmt_ci(block['value'], block['lower'], block['upper'])}"
        + (
            f", against {fmt_ci(pooled_large['value'], pooled_large['lower'], pooled_large['upper'])} for the trials with counts"
            if pooled_large
            else ""
        )
        + (
            ": without them, the pooled interval includes no effect. "
            if pooled_large
            and pooled_large["lower"] <= 1 <= pooled_large["upper"]
            and allr.evidence.upper < 1
            else ". "
        )
        + "Small-study bias, weaker design, combination therapy, non-randomised "
        "trials, other time points and a different era are all possible explanations; these data cannot choose between them."
    )
for outcome_id, name in (("subgroup_age", "age"), ("subgroup_diabetes", "diabetes")):
    r = by_id.get(outcome_id)
    if r and f"subgroups.{name}.interaction_p_recomputed" in sub:
        answer.append(
            f"**Subgroup, {r.evidence.label.split(', ')[1]}.** HR {fmt_ci(r.evidence.estimate, r.evidence.lower, r.evidence.upper)} as published; "
            f"interaction {fmt_p(sub[f'subgroups.{name}.interaction_p_recomputed']['value'])} recomputed; ICEMAN credibility {r.evidence.credibility}; "
            f"certainty **{r.certainty}**. A hypothesis for an enriched trial, not an established effect."
        )
mh = by_id.get("mhla_dr_change")
if mh:
    rtm_thr = item(R["01_mechanism"], "mechanism.rtm.day7.rho_threshold")
    answer.append(
        f"**Immune markers.** ETASS reported a larger rise in monocyte HLA-DR with Tα1 ({fmt_ci(mh.evidence.estimate, mh.evidence.lower, mh.evidence.upper, 1)} "
        f"points at day 7; certainty **{mh.certainty}**)"
        + (
            f", but its Tα1 arm started lower and regression to the mean alone would produce that much whenever the baseline-to-follow-up correlation is below {rtm_thr['value']:.2f}"
            if rtm_thr
            else ""
        )
        + "; a marker is not a survival benefit."
    )
if "next_trial.age_60_and_over.shrunken.n_fixed" in nxt:
    n_next = nxt["next_trial.age_60_and_over.shrunken.n_fixed"]["value"]
    n_base = int(base_row.n_trt + base_row.n_ctl)
    answer.append(
        f"**The next trial.** Testing the age signal at the shrunken effect needs {n_next:,.0f} patients "
        f"aged 60 and over ({nxt['next_trial.age_60_and_over.mcid.n_fixed']['value']:,.0f} for the MCID), "
        f"{n_next / n_base:.1f} times the {n_base:,} patients of {base_row.study}."
    )
q_p, i2, k_pooled = (
    item(meta, "meta.pooled.q_p"),
    item(meta, "meta.pooled.i2"),
    item(meta, "meta.pooled.k"),
)
if q_p and k_pooled and k_pooled["value"] >= 2:
    spread = (
        f"the {int(k_pooled['value'])} trials with counts differ in their estimates by more than chance readily explains "
        f"(heterogeneity P = {q_p['value']:.2g}, I² = {100 * i2['value']:.0f}%)"
        if q_p["value"] < 0.10
        else f"the {int(k_pooled['value'])} trials with counts differ in their point estimates (heterogeneity "
        f"P = {q_p['value']:.2g}, I² = {100 * i2['value']:.0f}%), and with so few trials the test cannot show whether "
        "they truly agree or disagree"
    )
else:
    spread = "a single trial with counts carries the pooled analysis"
caveat = (
    f"{spread[0].upper()}{spread[1:]}; the small trials behind the published benefit are not available to "
    "re-analyse; and every certainty rating depends on the MCID, an assumption."
)
bottom_line(
    "\n\n".join(answer),
    caveat,
    [
        f"MCID for mortality: {100 * mcid_relative_reduction:.0f}% relative or {100 * mcid_absolute_reduction:g} percentage points absolute "
        "(assumption; params/shared.yaml; rationale in data/method_facts.csv, topic mcid)",
        f"assumed control risk: {baseline_text}",
        "judgements not made by rule: data/grade_judgements.csv and data/risk_of_bias.csv, each with its source",
    ],
)

# %% [markdown]
# ## 1. Summary of findings
#
# Relative effects with their 95% CIs; the corresponding risk and the difference per 1000 patients
# at the assumed control risk (stated per row); the number of participants and trials; the
# certainty (GRADE) and GRADE's standard wording. Each downgrade, its reason and where it came
# from are in the next table.

# %%
sof_rows = []
for r in rated:
    e, a = r.evidence, r.absolute
    sof_rows.append(
        {
            "outcome": e.label,
            "relative effect (95% CI)": f"{e.measure} {e.estimate:.2f} ({e.lower:.2f} to {e.upper:.2f})"
            if e.measure != "MD"
            else f"MD {e.estimate:g} ({e.lower:g} to {e.upper:g}) {e.unit}",
            "assumed control risk per 1000": f"{a['control']:.0f}" if a else "",
            "with Tα1 per 1000 (95% CI)": f"{a['treatment']:.0f} ({a['treatment_lower']:.0f} to {a['treatment_upper']:.0f})"
            if a
            else "",
            "difference per 1000 (95% CI)": f"{a['difference']:+.0f} ({a['difference_lower']:+.0f} to {a['difference_upper']:+.0f})"
            if a
            else "",
            "participants (trials)": f"{e.participants if e.participants else 'not stated'} ({e.trials})",
            "certainty": r.certainty,
            "what it means": r.statement,
            "source of the estimate": e.source,
            "control risk source": e.control_risk_source,
        }
    )
sof = pd.DataFrame(sof_rows)
show(sof, index="outcome")
save_table(sof, "09_synthesis_summary_of_findings")

# %% [markdown]
# ### Why each certainty is what it is

# %%
downgrade_rows = [
    {
        "outcome": r.evidence.label,
        "domain": d.domain.replace("_", " "),
        "rating": d.rating,
        "levels": d.levels,
        "reason": d.reason,
        "decided by": d.basis,
    }
    for r in rated
    for d in r.downgrades
]
downgrades = pd.DataFrame(downgrade_rows)
show(downgrades, index="outcome")
save_table(downgrades, "09_synthesis_certainty_domains")
say(
    "Ratings marked *rule* follow from the numbers by the rules in `src/ta1sepsis/grade.py` (tested in `tests/test_grade.py`); "
    "ratings marked *judgement* are rows of `data/grade_judgements.csv` with their rationale, criterion and sources. "
    "Certainty starts at high for randomised evidence and drops one level per serious and two per very serious concern."
)

# %% [markdown]
# ## 2. Risk of bias (RoB 2)
#
# Domain judgements from `data/risk_of_bias.csv` (each signalling answer there carries its supporting
# fact and source); the overall judgement follows the RoB 2 algorithm (`src/ta1sepsis/rob.py`). The
# small trials of the published reviews have no trial-level assessment in the sources; what the
# reviews say about them follows.

# %%
rob_show = assessments(rob_table).rename(
    columns={
        "D1": "randomisation",
        "D2": "deviations",
        "D3": "missing data",
        "D4": "measurement",
        "D5": "reported result",
    }
)
show(rob_show, index="assessment_id")
save_table(rob_show, "09_synthesis_risk_of_bias")
reviews = rob_table[rob_table.domain == "review"][["assessment_id", "fact", "source", "location"]]
show(reviews, index="assessment_id")

# %% [markdown]
# ## 3. The mortality evidence on one page

# %%
over = []


def add_row(group, label, measure, est, lo, hi, kind, weight=0.5):
    a = per_1000(baseline, est, lo, hi, scale=measure if measure in ("RR", "OR", "HR") else "RR")
    over.append(
        {
            "group": group,
            "label": label,
            "measure": measure,
            "estimate": est,
            "lower": lo,
            "upper": hi,
            "kind": kind,
            "weight": weight,
            "per1000": f"{a['difference']:+.0f} per 1000 ({a['difference_lower']:+.0f} to {a['difference_upper']:+.0f})",
        }
    )


for t in trial_ids:
    rr = item(T[t], f"{t}.mortality_28d.rr")
    if rr:
        add_row(
            "trials with counts (28-day mortality)",
            select_one(trials, "trials", study_id=t, outcome="mortality_28d").study,
            "RR",
            rr["value"],
            rr["lower"],
            rr["upper"],
            "recomputed",
        )
if big:
    add_row(
        "trials with counts (28-day mortality)",
        f"pooled, Mantel-Haenszel (certainty: {big.certainty})",
        "OR",
        big.evidence.estimate,
        big.evidence.lower,
        big.evidence.upper,
        "pooled",
        1.0,
    )
if block:
    add_row(
        "trials known only through a review",
        "remaining trials of Gu 2025, back-calculated",
        "OR",
        block["value"],
        block["lower"],
        block["upper"],
        "recomputed",
    )
for estimate_id in (
    "li2015.mortality_any.rr",
    "liu2016.mortality_any.rr",
    "gu2018.mortality_28d.rr",
    all_rcts_estimate,
):
    if estimate_id in published.index:
        e = published.loc[estimate_id]
        suffix = (
            f" (certainty: {allr.certainty})" if estimate_id == all_rcts_estimate and allr else ""
        )
        add_row(
            "published pooled estimates (overlapping: they share trials)",
            f"{e.study}{suffix}",
            e.measure,
            e.estimate,
            e.ci_lower,
            e.ci_upper,
            "published",
        )
overview = pd.DataFrame(over)
fig = plots.evidence_overview(
    overview,
    "Tα1 and mortality: the large trials, the small trials behind the reviews, and the reviews, with deaths per 1000",
    f"per 1000: difference in deaths at the assumed control risk ({baseline_text})",
)
show_figure(fig, "09_synthesis_mortality_overview")
save_table(overview, "09_synthesis_mortality_overview")

# %% [markdown]
# ## 4. How the answer depends on the MCID
#
# The MCID is an assumption. The certainty and the wording of the mortality outcomes under the
# project's value and under two others found in the sources (what a guideline panel treated as
# important, and what critical-care clinicians called the largest plausible effect).

# %%
alternatives = []
for fact_id in mcid_alternatives:
    row = method_facts[method_facts.fact_id == fact_id].iloc[0]
    value = method_fact(method_facts, fact_id)
    proportion = value / 1000 if "1000" in row["unit"] else value / 100
    alternatives.append((f"{row['item']} ({row['source'].split('.')[0]})", proportion))
sens_rows = []
for label, value in [("project MCID (assumption)", mcid_absolute_reduction), *alternatives]:
    for r in rate_all(value):
        if r.evidence.outcome_id.startswith("mortality_28d"):
            sens_rows.append(
                {
                    "MCID": label,
                    "absolute MCID (points)": 100 * value,
                    "outcome": r.evidence.label,
                    "certainty": r.certainty,
                    "what it means": r.statement,
                }
            )
sensitivity = pd.DataFrame(sens_rows)
show(sensitivity)
save_table(sensitivity, "09_synthesis_mcid_sensitivity")
changes = sensitivity.groupby("outcome")[["certainty", "what it means"]].nunique()
say(
    "Across these MCIDs, "
    + "; ".join(
        f"{o}: {'the certainty changes' if c['certainty'] > 1 else 'the certainty stays the same'} and "
        f"{'the wording changes' if c['what it means'] > 1 else 'the wording stays the same'}"
        for o, c in changes.iterrows()
    )
    + "."
)

# %% [markdown]
# ## 5. How the review article fares

# %%
claims = R["08_claims"]
mbv = item(claims, "claims.method_by_verdict")
if mbv:
    table = method_verdict_frame(mbv["value"], total="all")
    show(table.reset_index().rename(columns={"method": "how it was checked"}))
    total = item(claims, "claims.total")
    beyond = item(claims, "claims.held_beyond_transcription")
    methods = {m: int(sum(v.values())) for m, v in mbv["value"].items()}
    checked_beyond = methods.get("recomputed", 0) + methods.get("derived", 0)
    say(
        f"The claims ledger (08_claims) checks {total['value'] if total else sum(methods.values()):.0f} claims of the review article. "
        f"{checked_beyond} were recomputed from data or derived from other published numbers"
        + (f", and {beyond['value']:.0f} of them hold or hold within rounding" if beyond else "")
        + f"; {methods.get('looked up', 0)} could only be compared with the primary source as recorded (this confirms "
        f"transcription, not the analysis); {methods.get('not checkable', 0)} cannot be checked with the sources. "
        "Rows: how each claim was checked; columns: what the check found."
    )
else:
    say("The claims ledger (08_claims) did not run with this data; see its notebook.")

# %% [markdown]
# ## 6. Key numbers

# %%
for r in rated:
    key = f"synthesis.{r.evidence.outcome_id}"
    results.add(f"{key}.certainty", r.certainty, description=f"GRADE certainty: {r.evidence.label}")
    results.add(
        f"{key}.statement",
        r.statement,
        description=f"GRADE informative statement: {r.evidence.label}",
    )
    results.add(
        f"{key}.downgrades",
        {d.domain: d.levels for d in r.downgrades},
        description="levels rated down per domain",
    )
    if r.absolute:
        results.add(
            f"{key}.difference_per_1000",
            r.absolute["difference"],
            lower=r.absolute["difference_lower"],
            upper=r.absolute["difference_upper"],
            level=0.95,
            unit="per 1000",
            description=f"difference in risk per 1000 at the assumed control risk: {r.evidence.label}",
        )
results.add(
    "synthesis.baseline_risk",
    baseline,
    unit="proportion",
    description=f"assumed control risk: {baseline_text}",
)
results.add(
    "synthesis.mcid_absolute",
    mcid_absolute_reduction,
    unit="proportion",
    description="MCID, absolute (assumption)",
)
results.add(
    "synthesis.mcid_relative",
    mcid_relative_reduction,
    unit="proportion",
    description="MCID, relative (assumption)",
)
results.write()
say(f"{len(results)} key numbers written to `results/09_synthesis.json`.")
