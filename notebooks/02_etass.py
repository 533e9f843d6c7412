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
# # ETASS: every number recomputed from the 2x2 counts
#
# **Question.** What exactly did ETASS (Wu et al., *Crit Care* 2013;17:R8) show, how fragile
# was it, and what was it powered for?
#
# ETASS was the first multicentre randomised trial of thymosin α1 (Tα1) in severe sepsis. Its
# 28-day mortality result was borderline, and it is the trial most often cited for the immune
# (monocyte HLA-DR) effect. Here every published number is recomputed from the counts in
# `data/trials.csv` and set beside its published value (from `data/published_estimates.csv`)
# with a mechanical verdict: *reproduced*, *within rounding* (the recomputed value rounds to
# the printed one), *last digit off by one*, or *not reproduced*.
#
# Conventions: ratios and differences are Tα1 relative to control; RR < 1 and RD < 0 favour Tα1.
# ETASS reports an *absolute risk reduction* (ARR = control minus Tα1), so the sign flips there.

# %% tags=["parameters"]
trials_file = "data/trials.csv"
estimates_file = "data/published_estimates.csv"
facts_file = "data/study_facts.csv"
study_id = "etass"
confidence = 0.95
alpha = 0.05
power = 0.80

# %%
import math

import pandas as pd

from ta1sepsis import plots
from ta1sepsis.binary import TwoByTwo
from ta1sepsis.data import fact_value, load_estimates, load_facts, load_trials, select_one
from ta1sepsis.fragility import applicable_fragility
from ta1sepsis.narrative import ci, pct, say, show, verdict_counts
from ta1sepsis.outputs import Results, project_root, save_table, show_figure
from ta1sepsis.reported_estimates import p_value_range_from_printed, recover
from ta1sepsis.sample_size import power_two_proportions, sample_size_two_proportions
from ta1sepsis.trial_report import analyse_binary, published_vs_recomputed, which_test_reproduces
from ta1sepsis.verdicts import comparison

plots.setup()
root = project_root()
trials = load_trials(root / trials_file)
estimates = load_estimates(root / estimates_file)
facts = load_facts(root / facts_file)
results = Results("02_etass")
published = estimates.set_index("estimate_id")

OUTCOMES = {
    "mortality_28d": "28-day mortality",
    "mortality_hospital": "in-hospital mortality",
    "mortality_icu": "ICU mortality",
}
rows = {o: select_one(trials, "trials", study_id=study_id, outcome=o) for o in OUTCOMES}
analyses = {o: analyse_binary(TwoByTwo.from_row(r), confidence) for o, r in rows.items()}
show(
    pd.DataFrame(
        [
            {
                "outcome": OUTCOMES[o],
                "Tα1 deaths / N": f"{r.events_trt}/{r.n_trt}",
                "control deaths / N": f"{r.events_ctl}/{r.n_ctl}",
                "population": r.population,
                "data flag": r.value_flag,
                "source": f"{r.source}, {r.location.split(';')[0]}",
            }
            for o, r in rows.items()
        ]
    )
)

# %% [markdown]
# ## 1. The primary outcome: 28-day mortality
#
# Risks with Wilson intervals, the risk ratio with a log-scale (Katz) interval, the risk
# difference with Wald and Newcombe hybrid-score intervals, and the number needed to treat.

# %%
primary = analyses["mortality_28d"]
comparisons = {
    o: published_vs_recomputed(a, estimates, study_id, o, OUTCOMES[o]) for o, a in analyses.items()
}
show(comparisons["mortality_28d"])
say(
    f"Recomputed: Tα1 {pct(primary.risk_trt.estimate)} vs control {pct(primary.risk_ctl.estimate)}; "
    f"RR {ci(primary.rr)}; risk difference {ci(primary.rd_wald, 1, 100, ' pp')} (Wald), "
    f"{ci(primary.rd_newcombe, 1, 100, ' pp')} (Newcombe); odds ratio {ci(primary.odds)}. "
    f"{primary.nnt.describe()}: the interval for the NNT runs through infinity because the "
    "risk-difference interval includes zero."
)
arr = comparisons["mortality_28d"]
arr = arr[arr.quantity.str.contains("ARR") & arr.quantity.str.contains("CI")]
matched = {
    limit: sorted(set(arr[arr.quantity.str.contains(limit) & arr.verdict.eq("within rounding")].method))
    for limit in ("lower", "upper")
}
say(
    "The published absolute risk reduction interval: "
    + "; ".join(
        f"its {limit} limit is matched by {' and '.join(m) if m else 'no standard'} method"
        for limit, m in matched.items()
    )
    + ". "
    + (
        "No single standard method reproduces both limits, so the authors' method is not "
        "identifiable from the paper; the discrepancy is a tenth of a percentage point."
        if not set(matched["lower"]) & set(matched["upper"])
        else ""
    )
)

# %% [markdown]
# ### Which test gives the published P value?
#
# ETASS reports a non-stratified P value for the 28-day comparison and, separately, a log-rank
# P value from its Kaplan-Meier analysis. The three standard tests of a 2x2 table are compared
# with the non-stratified value.

# %%
rr_row = published.loc[f"{study_id}.mortality_28d.rr"]
tests_table = which_test_reproduces(primary, rr_row.p_value_text)
show(tests_table)
matching = tests_table[tests_table.verdict.isin(["reproduced", "within rounding"])]["test"].tolist()
logrank = published.loc[f"{study_id}.mortality_28d.p.logrank"]
say(
    f"The published non-stratified P = {rr_row.p_value_text} is reproduced by: "
    f"**{', '.join(matching) if matching else 'none of the standard tests'}**. "
    f"The log-rank P = {logrank.p_value_text} cannot be recomputed: it needs the death times "
    "(the Kaplan-Meier data and numbers at risk are not in the available sources). That the "
    "time-to-event test crosses the conventional threshold while the 2x2 test does not is "
    "itself a sign of how borderline the result is."
)

# %% [markdown]
# ## 2. Secondary mortality outcomes: in hospital and in the ICU

# %%
secondary = pd.concat([comparisons["mortality_hospital"], comparisons["mortality_icu"]])
show(secondary)
hosp, icu = analyses["mortality_hospital"], analyses["mortality_icu"]
p_rows = secondary[secondary.quantity.str.contains(", P ")]
p_match = p_rows.verdict.isin(["reproduced", "within rounding"]).all()
say(
    f"In-hospital: RR {ci(hosp.rr)}, Pearson P = {hosp.pearson.p_value:.3f}, "
    f"Fisher P = {hosp.fisher.p_value:.3f}. ICU: RR {ci(icu.rr)}, Pearson P = "
    f"{icu.pearson.p_value:.3f}. "
    + (
        "Both published P values round to the uncorrected Pearson chi-square, the same test "
        "that reproduces the primary P value."
        if p_match
        else "Not every published P value here matches the uncorrected Pearson chi-square; "
        "see the verdicts above."
    )
)

# %% [markdown]
# ## 3. What the trial was powered for, and the power it really had
#
# The methods state a planned total sample size with the control and Tα1 28-day mortality it
# assumed, a two-sided α and a power; the registry gives a different target. The two usual
# two-proportion formulas are applied to the planned values from `data/study_facts.csv`, and
# then to the control mortality the trial actually observed.

# %%
plan = {
    k: fact_value(facts, f"{study_id}.sample_size.{k}")
    for k in ("planned_total", "planned_control_mortality", "planned_treatment_mortality", "alpha", "power")
}
p_c, p_t = plan["planned_control_mortality"], plan["planned_treatment_mortality"]
n_unpooled = sample_size_two_proportions(p_c, p_t, plan["alpha"], plan["power"], "unpooled")
n_pooled = sample_size_two_proportions(p_c, p_t, plan["alpha"], plan["power"], "pooled")
planned_total = int(plan["planned_total"])
registry = fact_value(facts, f"{study_id}.sample_size.registry_target")
plan_table = pd.DataFrame(
    [
        comparison("total sample size, unpooled variance", str(planned_total), 2 * math.ceil(n_unpooled), "Chow et al. 2008 §4.2"),
        comparison("total sample size, pooled variance", str(planned_total), 2 * math.ceil(n_pooled), "Fleiss et al. 2003 (R power.prop.test)"),
    ]
)
show(plan_table)

t = primary.table
observed_ctl = t.risk_ctl
relative = p_t / p_c
scenarios = pd.DataFrame(
    [
        {
            "scenario": name,
            "control risk": round(pc, 4),
            "Tα1 risk": round(pt, 4),
            "power with the patients randomised": round(
                power_two_proportions(pc, pt, t.n_trt, t.n_ctl, alpha, "unpooled"), 3
            ),
            "total N for the target power": 2 * math.ceil(sample_size_two_proportions(pc, pt, alpha, power)),
        }
        for name, pc, pt in (
            ("as planned", p_c, p_t),
            ("observed control risk, planned absolute reduction", observed_ctl, observed_ctl - (p_c - p_t)),
            ("observed control risk, planned relative reduction", observed_ctl, observed_ctl * relative),
            ("observed risks in both arms", observed_ctl, t.risk_trt),
        )
    ]
)
show(scenarios)
realistic = scenarios.iloc[2]
say(
    f"The plan needed {planned_total} patients (reproduced by the unpooled formula: "
    f"{2 * math.ceil(n_unpooled)}; the pooled formula gives {2 * math.ceil(n_pooled)}); the "
    f"registry target was {registry:.0f}, and {t.n_trt + t.n_ctl} were randomised. But control "
    f"mortality was {pct(observed_ctl)}, not the planned {pct(p_c, 0)}. Keeping the planned "
    f"*relative* reduction (RR {relative:.2f}), the trial had a power of "
    f"{realistic['power with the patients randomised']:.0%} and would have needed "
    f"{realistic['total N for the target power']} patients for {power:.0%} power. The last row "
    "is the 'observed power', shown only to make the point that it adds nothing to the P value "
    "(Hoenig & Heisey, Am Stat 2001;55:19-24)."
)

# %% [markdown]
# ## 4. Monocyte HLA-DR: P values recomputed from the published intervals
#
# The mHLA-DR results are published as between-group differences in change from baseline with
# 95% CIs and P values; the individual data are not available. A P value implied by each CI
# (Altman & Bland, BMJ 2011) tests whether the published numbers agree with each other.

# %%
marker_rows = []
for day in (3, 7):
    row = published.loc[f"{study_id}.mhla_dr_change_day{day}.md"]
    rec = recover(row.estimate, row.ci_lower, row.ci_upper, row.ci_level, ratio=False)
    p_low, p_high = p_value_range_from_printed(
        row.estimate_text, row.ci_lower_text, row.ci_upper_text, row.ci_level, ratio=False
    )
    marker_rows.append(
        {
            "day": day,
            "difference (pp)": row.estimate_text,
            "95% CI": f"{row.ci_lower_text} to {row.ci_upper_text}",
            "SE from CI": round(rec.se, 3),
            "published P": row.p_value_text,
            "P from CI": round(rec.p_value, 4),
            "verdict": comparison("P", row.p_value_text, rec.p_value, "normal")["verdict"],
            "P range the printed rounding allows": f"{p_low:.4f} to {p_high:.4f}",
            "published P inside that range": p_low <= row.p_value <= p_high,
        }
    )
    results.add(f"etass.mhla_dr.day{day}.p_from_ci", rec.p_value, lower=p_low, upper=p_high, description=f"P implied by the published CI of the day-{day} mHLA-DR difference; lower/upper: range allowed by the rounding of the printed numbers")
markers = pd.DataFrame(marker_rows)
show(markers)
say(
    "P values recomputed from the published intervals: "
    + "; ".join(
        f"day {r['day']}: {r['P from CI']:.3f} vs published {r['published P']} ({r['verdict']}; "
        + ("inside" if r["published P inside that range"] else "outside")
        + f" the range {r['P range the printed rounding allows']} that the rounding of the "
        "printed difference and limits allows)"
        for r in marker_rows
    )
    + ". "
    + (
        "So every published P agrees with its own interval once rounding is allowed for. "
        if markers["published P inside that range"].all()
        else "At least one published P cannot be reconciled with its interval even allowing "
        "for rounding. "
    )
)
base_t = fact_value(facts, f"{study_id}.baseline_mhla_dr.treatment")
base_c = fact_value(facts, f"{study_id}.baseline_mhla_dr.control")
say(
    f"Baseline mHLA-DR: Tα1 {base_t:.1f}% vs control {base_c:.1f}% positive monocytes. "
    + (
        "It started lower in the Tα1 arm, so part of the larger rise from a lower starting "
        "point may be regression towards the mean rather than drug effect."
        if base_t < base_c
        else ""
    )
)

# %% [markdown]
# ## 5. Fragility
#
# The fragility index (Walsh et al. 2014) counts how many patients' outcomes would have to
# change to lose significance; the reverse fragility index (Khan et al. 2020) how many would
# have to change to gain it. Both use Fisher's exact test, as Walsh et al. did.

# %%
fragility_rows = []
for o, a in analyses.items():
    f = applicable_fragility(a.table, alpha)
    fragility_rows.append(
        {
            "outcome": OUTCOMES[o],
            "Fisher P": round(a.fisher.p_value, 4),
            "index": f.kind,
            "value": f.index,
            "arm changed": f.arm,
            "P after the change": round(f.p_after, 4),
            "as % of patients": round(100 * f.index / (a.table.n_trt + a.table.n_ctl), 2),
        }
    )
    results.add(f"etass.{o}.{'fragility' if f.kind == 'fragility index' else 'reverse_fragility'}_index", f.index, unit="patients", description=f"{f.kind} of {OUTCOMES[o]} (Fisher exact, alpha {alpha})")
fragility = pd.DataFrame(fragility_rows)
show(fragility)
rfi = fragility.iloc[0]
say(
    " ".join(
        f"{r['outcome'][0].upper()}{r['outcome'][1:]}: Fisher P = {r['Fisher P']:.3f}; "
        + (
            f"{r['value']} patient(s) in the {r['arm changed']} arm with a different outcome "
            "would have made it significant"
            if r["index"] == "reverse fragility index"
            else f"{r['value']} patient(s) in the {r['arm changed']} arm with a different "
            "outcome would have made it non-significant"
        )
        + f" ({r['as % of patients']}% of the {t.n_trt + t.n_ctl} randomised)."
        for r in fragility_rows
    )
    + (
        " Indices this small (a handful of patients) mean the mortality evidence sits on a "
        "knife-edge whichever side of the threshold it fell."
        if fragility["value"].max() <= 5
        else ""
    )
)

# %% [markdown]
# ## 6. The picture a clinician would show

# %%
fig = plots.trial_overview(
    [
        {
            "label": OUTCOMES[o],
            "analysis": a,
            "published_rr": (
                tuple(published.loc[f"{study_id}.{o}.rr", ["estimate", "ci_lower", "ci_upper"]])
                if f"{study_id}.{o}.rr" in published.index
                else None
            ),
            "published_rd": (
                tuple(-published.loc[f"{study_id}.{o}.arr", ["estimate", "ci_upper", "ci_lower"]].to_numpy())
                if f"{study_id}.{o}.arr" in published.index
                else None
            ),
        }
        for o, a in analyses.items()
    ],
    f"ETASS ({t.n_trt + t.n_ctl} patients): mortality with Tα1 vs control",
)
show_figure(fig, "02_etass_overview")

# %% [markdown]
# ## 7. Verdicts and key numbers

# %%
all_comparisons = pd.concat([comparisons[o] for o in OUTCOMES] + [plan_table])
save_table(all_comparisons, "02_etass_published_vs_recomputed")
save_table(tests_table, "02_etass_tests_of_p")
save_table(scenarios, "02_etass_power_scenarios")
save_table(fragility, "02_etass_fragility")
say(f"Across {len(all_comparisons)} published numbers: {verdict_counts(all_comparisons)}.")
show(all_comparisons[~all_comparisons.verdict.isin(["reproduced", "within rounding"])])

for o, a in analyses.items():
    k = f"etass.{o}"
    results.add(f"{k}.risk_trt", a.risk_trt.estimate, lower=a.risk_trt.lower, upper=a.risk_trt.upper, level=confidence, unit="proportion", description=f"{OUTCOMES[o]}, Tα1 arm (Wilson CI)")
    results.add(f"{k}.risk_ctl", a.risk_ctl.estimate, lower=a.risk_ctl.lower, upper=a.risk_ctl.upper, level=confidence, unit="proportion", description=f"{OUTCOMES[o]}, control arm (Wilson CI)")
    results.add(f"{k}.rr", a.rr.estimate, lower=a.rr.lower, upper=a.rr.upper, level=confidence, unit="ratio", description=f"{OUTCOMES[o]}, risk ratio (log CI)")
    results.add(f"{k}.or", a.odds.estimate, lower=a.odds.lower, upper=a.odds.upper, level=confidence, unit="ratio", description=f"{OUTCOMES[o]}, odds ratio (logit CI)")
    results.add(f"{k}.rd_wald", a.rd_wald.estimate, lower=a.rd_wald.lower, upper=a.rd_wald.upper, level=confidence, unit="proportion", description=f"{OUTCOMES[o]}, risk difference Tα1 minus control (Wald CI)")
    results.add(f"{k}.rd_newcombe", a.rd_newcombe.estimate, lower=a.rd_newcombe.lower, upper=a.rd_newcombe.upper, level=confidence, unit="proportion", description=f"{OUTCOMES[o]}, risk difference (Newcombe hybrid score CI)")
    results.add(f"{k}.nnt", a.nnt.estimate, unit="patients", description=f"{OUTCOMES[o]}: {a.nnt.describe()}")
    for test in a.tests:
        name = {"Pearson chi-square": "p_pearson", "Pearson chi-square with Yates correction": "p_yates", "Fisher exact": "p_fisher"}[test.name]
        results.add(f"{k}.{name}", test.p_value, description=f"{OUTCOMES[o]}: {test.name} P")
results.add("etass.sample_size.total_unpooled", 2 * math.ceil(n_unpooled), unit="patients", description="recomputed planned total, unpooled-variance formula")
results.add("etass.sample_size.total_pooled", 2 * math.ceil(n_pooled), unit="patients", description="recomputed planned total, pooled-variance formula")
results.add("etass.power.planned_relative_reduction", realistic["power with the patients randomised"], unit="probability", description="power with the randomised patients for the planned relative reduction from the observed control risk")
results.add("etass.power.planned_absolute_reduction", scenarios.iloc[1]["power with the patients randomised"], unit="probability", description="power with the randomised patients for the planned absolute reduction from the observed control risk")
results.add("etass.p_published_reproduced_by", "; ".join(matching), description="2x2 tests whose P rounds to the published non-stratified P")
results.add("etass.verdicts", all_comparisons.verdict.value_counts().sort_index().to_dict(), description="count of published-vs-recomputed verdicts")
results.write()
say(f"{len(results)} key numbers written to `results/02_etass.json`.")
