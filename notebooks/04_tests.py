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
# # TESTS: the phase 3 trial, recomputed from its counts
#
# **Question.** What did TESTS (Wu et al., *BMJ* 2025;388:e082583) show, and which of the two
# published versions of its primary hazard ratio do the counts support?
#
# TESTS is the large, double-blind, placebo-controlled trial that found no overall effect of
# thymosin α1 (Tα1) on 28-day mortality. Its primary hazard ratio circulates in two versions
# (the PubMed record carries an erratum flag and the correction notice is not available), so
# this notebook recomputes everything the counts allow and lets the arithmetic speak, then asks
# what TESTS means under reasonable prior beliefs (a Bayesian reanalysis, section 5).
#
# Conventions: ratios and differences are Tα1 relative to placebo; RR < 1 and RD < 0 favour Tα1.

# %% tags=["parameters"]
trials_file = "data/trials.csv"
estimates_file = "data/published_estimates.csv"
facts_file = "data/study_facts.csv"
study_id = "tests"
confidence = 0.95
alpha = 0.05
mcid = None
benefit_thresholds = [0.9, 0.8]
harm_threshold = 1.0
vague_sd = 10.0
meta_prior = "gu2018.mortality_28d.rr"
meta_prior_weight = 0.5
tau_scales = [0.5, 1.0]

# %%
import math

import pandas as pd

from ta1sepsis import bayes, plots
from ta1sepsis.bayes_meta import bayes_random_effects
from ta1sepsis.binary import TwoByTwo, odds_ratio
from ta1sepsis.data import fact_value, load_estimates, load_facts, load_trials, select_one
from ta1sepsis.fragility import applicable_fragility
from ta1sepsis.hazards import (
    expected_log_hr_se,
    hazard_ratio_constant_hazards,
    peto_logrank_from_counts,
    published_versions_vs_counts,
)
from ta1sepsis.narrative import ci, pct, say, show, verdict_counts
from ta1sepsis.outputs import Results, project_root, read_results, save_table, show_figure
from ta1sepsis.reported_estimates import ratio_interval_problems, recover
from ta1sepsis.trial_report import analyse_binary, published_vs_recomputed, which_test_reproduces

plots.setup()
root = project_root()
trials = load_trials(root / trials_file)
estimates = load_estimates(root / estimates_file)
facts = load_facts(root / facts_file)
results = Results("04_tests")
published = estimates.set_index("estimate_id")

OUTCOMES = {
    "mortality_28d": "28-day mortality",
    "mortality_90d": "90-day mortality",
    "new_infection_28d": "new infection by day 28",
}
available = set(trials[trials.study_id == study_id].outcome)
rows = {o: select_one(trials, "trials", study_id=study_id, outcome=o) for o in OUTCOMES if o in available}
analyses = {o: analyse_binary(TwoByTwo.from_row(r), confidence) for o, r in rows.items()}
show(
    pd.DataFrame(
        [
            {
                "outcome": OUTCOMES[o],
                "Tα1 events / N": f"{r.events_trt}/{r.n_trt}",
                "placebo events / N": f"{r.events_ctl}/{r.n_ctl}",
                "population": r.population,
                "data flag": r.value_flag,
                "how derived": r.derivation or "(read in the source)",
            }
            for o, r in rows.items()
        ]
    )
)
randomised = fact_value(facts, f"{study_id}.randomised.total")
mitt = fact_value(facts, f"{study_id}.mitt.total")
say(
    f"{randomised:.0f} patients were randomised and {mitt:.0f} received at least one dose and form "
    f"the modified intention-to-treat population ({randomised - mitt:.0f} excluded after "
    "randomisation). Rows flagged *derived* are counts reconstructed from published "
    "percentages: they are the only integers that give those percentages with the mITT "
    "denominators, and they are used as such, not as read data."
)

# %% [markdown]
# ## 1. The primary outcome: 28-day mortality

# %%
primary = analyses["mortality_28d"]
t = primary.table
comparisons = {
    o: published_vs_recomputed(a, estimates, study_id, o, OUTCOMES[o]) for o, a in analyses.items()
}
show(comparisons["mortality_28d"])
show(which_test_reproduces(primary, f"{primary.pearson.p_value:.2f}").drop(columns=["published", "verdict"]))
say(
    f"Tα1 {pct(primary.risk_trt.estimate)} vs placebo {pct(primary.risk_ctl.estimate)}: "
    f"RR {ci(primary.rr, 3)}, OR {ci(primary.odds, 3)}, risk difference "
    f"{ci(primary.rd_wald, 2, 100, ' pp')} (Wald; Newcombe "
    f"{ci(primary.rd_newcombe, 2, 100, ' pp')}). {primary.nnt.describe()}. "
    f"The interval excludes an absolute benefit larger than {-100 * primary.rd_wald.lower:.1f} "
    f"percentage points and an absolute harm larger than {100 * primary.rd_wald.upper:.1f}."
)

# %% [markdown]
# ## 2. Two published hazard ratios: which one do the counts support?
#
# A hazard ratio needs the times to death, which are not published, so no count reproduces it
# exactly. The counts still constrain it in four ways: the hazard ratio implied by the two
# 28-day risks under constant hazards; Peto's one-step (O − E)/V estimate with its
# log-rank-type P value (the log-rank test when all deaths share one time); and the standard
# error of a log hazard ratio that the number of deaths allows, √(1/d₁ + 1/d₂). Each published
# version is also checked for internal consistency: the standard error and P value its own
# interval implies, and whether its interval is centred (on the log scale) on its estimate.

# %%
version_rows = estimates[
    (estimates.study_id == study_id)
    & (estimates.outcome == "mortality_28d")
    & (estimates.measure == "HR")
    & (estimates.population == "all")
]
const = hazard_ratio_constant_hazards(t, confidence)
peto = peto_logrank_from_counts(t, confidence)
se_deaths = expected_log_hr_se(t)
internal = []
for row in version_rows.itertuples():
    rec = recover(row.estimate, row.ci_lower, row.ci_upper, row.ci_level)
    internal.append(
        {
            "version": row.version,
            "HR (CI) as printed": f"{row.estimate_text} ({row.ci_lower_text} to {row.ci_upper_text}), {100 * row.ci_level:g}% CI",
            "published P": row.p_value_text or "",
            "SE(ln HR) implied by the CI": round(rec.se, 4),
            "SE allowed by the deaths": round(se_deaths, 4),
            "P implied by the CI": round(rec.p_value, 3),
            "CI centre (geometric mean)": round(rec.centre, 3),
            "arithmetic check": "; ".join(
                ratio_interval_problems(row.estimate, row.ci_lower, row.ci_upper, row.ci_level, se_deaths)
            )
            or "consistent",
            "source": row.source,
        }
    )
internal = pd.DataFrame(internal)
show(internal)

primary_versions = version_rows[version_rows.version.isin(["A", "B"])].set_index("version")
versions = {
    f"version {v}": {"hr": r.estimate, "lower": r.ci_lower, "upper": r.ci_upper, "p": r.p_value}
    for v, r in primary_versions.iterrows()
}
criteria = published_versions_vs_counts(versions, t, confidence)
show(criteria.round(4))
support = criteria["closer"].value_counts()
favoured = support.idxmax() if support.max() > len(criteria) / 2 else None
say(
    f"Implied by the counts: constant-hazards HR {ci(const, 3)}; Peto (O − E)/V HR "
    f"{ci(peto.hazard_ratio, 3)} with log-rank-type P = {peto.p_value:.2f}. "
    + (
        f"**The counts support {favoured}** "
        f"({support[favoured]} of {len(criteria)} criteria): its hazard ratio, its P value and the "
        "width of its interval are all closer to what the deaths imply. "
        if favoured
        else "**The counts do not clearly favour either version.** "
    )
    + "This is evidence, not proof: the trial's own analysis used the times to death (and "
    "possibly stratification by age and centre), which can move a hazard ratio a little away "
    "from the count-based approximations, and the correction notice that would settle which "
    "version is current is not in the available sources. Both versions lead to the same "
    "conclusion — no detectable effect on 28-day mortality."
)

# %% [markdown]
# ### Two restatements that the arithmetic rules out
#
# One trial summary labels the version-A limits with a different confidence level, and the BMJ
# editorial prints a different upper limit (both rows of `data/published_estimates.csv`, shown
# in the table above). If a printed interval were right, the standard error it implies would
# have to be compatible with the number of deaths, and the interval would have to be centred
# (on the log scale) on its estimate.

# %%
checks = internal[~internal.version.isin(["A", "B"])]
show(checks[["version", "HR (CI) as printed", "SE(ln HR) implied by the CI", "SE allowed by the deaths", "CI centre (geometric mean)", "arithmetic check"]])
say(
    " ".join(f"*{r['version']}*: {r['arithmetic check']}." for _, r in internal.iterrows())
    + (
        " Both published versions pass; each restatement fails at least one check, so they "
        "are transcription errors, not alternative results."
        if (internal.version.isin(["A", "B"]) == internal["arithmetic check"].eq("consistent")).all()
        else " The checks do not separate the published versions from the restatements cleanly; "
        "see the table."
    )
)

# %% [markdown]
# ## 3. Secondary outcomes: 90-day mortality and new infections
#
# The counts for these outcomes are derived from the published percentages (see the table at
# the top). For 90-day mortality the percentages therefore agree by construction; the hazard
# ratio is the informative check. For new infections the published risk-difference interval is
# an independent check of the derived counts and of the mITT denominators.

# %%
secondary = pd.concat([comparisons[o] for o in ("mortality_90d", "new_infection_28d") if o in comparisons])
show(secondary)
if "mortality_90d" in analyses:
    a90 = analyses["mortality_90d"]
    hr90 = published.loc[f"{study_id}.mortality_90d.hr"]
    const90 = hazard_ratio_constant_hazards(a90.table, confidence)
    say(
        f"90-day mortality: RR {ci(a90.rr, 3)}; constant-hazards HR from the derived counts "
        f"{ci(const90, 3)} against the published HR {hr90.estimate_text} "
        f"({hr90.ci_lower_text} to {hr90.ci_upper_text})."
    )
clearance = estimates[(estimates.study_id == study_id) & (estimates.outcome == "pathogen_clearance_28d")]
show(clearance[["estimate_id", "measure", "arm", "estimate_text", "ci_lower_text", "ci_upper_text", "source"]])
say(
    "Pathogen clearance by day 28 is published only as percentages and a difference; its "
    "denominators are not in the available sources, so it is shown and not recomputed."
)

# %% [markdown]
# ## 4. Fragility

# %%
fragility_rows = []
for o, a in analyses.items():
    f = applicable_fragility(a.table, alpha)
    fragility_rows.append(
        {
            "outcome": OUTCOMES[o],
            "data flag": rows[o].value_flag,
            "Fisher P": round(a.fisher.p_value, 4),
            "index": f.kind,
            "value": f.index,
            "arm changed": f.arm,
            "as % of patients": round(100 * f.index / (a.table.n_trt + a.table.n_ctl), 1),
        }
    )
fragility = pd.DataFrame(fragility_rows)
show(fragility)
rfi = fragility.iloc[0]
say(
    f"To turn the 28-day result 'significant', the outcomes of {rfi['value']} patients in the "
    f"{rfi['arm changed']} arm would have to change ({rfi['as % of patients']}% of the "
    f"{t.n_trt + t.n_ctl} analysed). A null result is fragile when a handful of patients could "
    "flip it; this one is not."
)

# %% [markdown]
# ## 5. Figures

# %%
def published_ratio(o, measure):
    key = f"{study_id}.{o}.{measure}"
    return tuple(published.loc[key, ["estimate", "ci_lower", "ci_upper"]]) if key in published.index else None


def published_rd(o):
    key = f"{study_id}.{o}.rd"
    return tuple(published.loc[key, ["estimate", "ci_lower", "ci_upper"]]) if key in published.index else None


fig = plots.trial_overview(
    [
        {"label": OUTCOMES[o] + ("\n(derived counts)" if rows[o].value_flag == "derived" else ""),
         "analysis": a, "published_rr": published_ratio(o, "rr"), "published_rd": published_rd(o)}
        for o, a in analyses.items()
    ],
    f"TESTS ({t.n_trt + t.n_ctl} patients, mITT): outcomes with Tα1 vs placebo",
    control_label="placebo",
)
show_figure(fig, "04_tests_overview")

hr_rows = pd.DataFrame(
    [
        {"label": f"published, version {v}", "estimate": r.estimate, "lower": r.ci_lower, "upper": r.ci_upper, "kind": "published"}
        for v, r in primary_versions.iterrows()
    ]
    + [
        {"label": "counts: constant-hazards HR", "estimate": const.estimate, "lower": const.lower, "upper": const.upper, "kind": "recomputed"},
        {"label": "counts: Peto (O-E)/V HR", "estimate": peto.hazard_ratio.estimate, "lower": peto.hazard_ratio.lower, "upper": peto.hazard_ratio.upper, "kind": "recomputed"},
        {"label": "counts: risk ratio", "estimate": primary.rr.estimate, "lower": primary.rr.lower, "upper": primary.rr.upper, "kind": "recomputed"},
    ]
)
fig = plots.estimate_comparison(hr_rows, "TESTS 28-day mortality: published hazard ratios vs the counts", "hazard ratio / risk ratio, Tα1 vs placebo (log scale)")
show_figure(fig, "04_tests_hazard_ratio_versions")

# %% [markdown]
# ## 6. Bayesian reanalysis: what should a reader believe after TESTS?
#
# A P value cannot say how probable a benefit is; a posterior distribution can, given a stated
# prior. The analysis uses the normal approximation on the log hazard-ratio scale (conjugate,
# closed form) with priors that are named and sourced (`../shared/sources/bayesian_priors.md`):
#
# * **sceptical**: centred on no effect, with only a 5% prior probability of an effect as large
#   as the clinically important one (Spiegelhalter's convention);
# * **enthusiastic**: centred on the clinically important effect, with 5% prior probability of harm;
# * **neutral**: centred on no effect, SD 0.35 (95% of the mass between ratios of about 0.5 and 2);
# * **minimally informative**: centred on no effect with a very wide SD;
# * **meta-analytic**: the pre-TESTS pooled estimate, at full weight and down-weighted (power prior).
#
# The clinically important effect defaults to the one ETASS was designed to detect (its planned
# risk ratio, from `data/study_facts.csv`); TESTS's own sample-size assumptions are not in the
# available sources. The likelihood is each published hazard-ratio version and the hazard ratio
# implied by the counts, so the sensitivity to the erratum is visible.

# %%
if mcid is None:
    planned_c = fact_value(facts, "etass.sample_size.planned_control_mortality")
    planned_t = fact_value(facts, "etass.sample_size.planned_treatment_mortality")
    mcid_value, mcid_source = planned_t / planned_c, "ETASS planned risk ratio (study_facts.csv)"
else:
    mcid_value, mcid_source = mcid, "parameter"
prior_row = published.loc[meta_prior]
conflict = read_results("03_meta_analyses").get(f"meta.conflict.{meta_prior.split('.')[0]}.p")
priors = {
    "sceptical": bayes.sceptical_prior(mcid_value),
    "neutral": bayes.Normal(0.0, 0.35),
    "minimally informative": bayes.Normal(0.0, vague_sd),
    "enthusiastic": bayes.enthusiastic_prior(mcid_value),
    f"meta-analytic ({prior_row.study})": bayes.meta_analytic_prior(prior_row.estimate, prior_row.ci_lower, prior_row.ci_upper),
    f"meta-analytic, weight {meta_prior_weight:g}": bayes.meta_analytic_prior(prior_row.estimate, prior_row.ci_lower, prior_row.ci_upper, meta_prior_weight),
}
likelihoods = {f"published version {v}": recover(r.estimate, r.ci_lower, r.ci_upper, r.ci_level) for v, r in primary_versions.iterrows()}
likelihoods["counts (constant hazards)"] = recover(const.estimate, const.lower, const.upper, const.level)
main_likelihood = f"published {favoured}" if favoured else "published version A"
bayes_rows = []
for lik_name, lik in likelihoods.items():
    for prior_name, prior in priors.items():
        post = bayes.posterior(prior, lik.log_estimate, lik.se)
        s = bayes.summarise(post, benefit_thresholds, harm_threshold)
        bayes_rows.append({"likelihood": lik_name, "prior": prior_name, "prior median HR": prior.median_ratio, "prior SD (log)": prior.sd, **s})
bayes_table = pd.DataFrame(bayes_rows)
show(bayes_table[bayes_table.likelihood == main_likelihood].drop(columns="likelihood").round(3))
main_rows = bayes_table[bayes_table.likelihood == main_likelihood].set_index("prior")
t_min = min(benefit_thresholds)
meta_names = [p for p in priors if p.startswith("meta-analytic")]
say(
    f"Clinically important effect: HR {mcid_value:.2f} ({mcid_source}). With the {main_likelihood} "
    f"likelihood (HR {likelihoods[main_likelihood].centre:.2f}), the posterior probability of any benefit "
    "(HR < 1) and of a clinically important one (HR < " + f"{t_min:g}" + ") is: "
    + "; ".join(
        f"{name}: {main_rows.loc[name, 'p_benefit']:.0%} and {main_rows.loc[name, f'p_below_{t_min:g}']:.0%}"
        for name in priors
    )
    + ". "
    + (
        "Only the meta-analytic priors make an important benefit likely. "
        if all(main_rows.loc[n, f"p_below_{t_min:g}"] > 0.5 for n in meta_names)
        and all(main_rows.loc[n, f"p_below_{t_min:g}"] < 0.5 for n in priors if n not in meta_names)
        else ""
    )
    + (
        f"But TESTS is statistically incompatible with that pre-TESTS pooled estimate (conflict test "
        f"in 03_meta_analyses, P = {conflict['value']:.3f}), so a prior built from it encodes exactly "
        "the belief the trial was run to test and should be heavily discounted, if used at all. "
        if conflict is not None and conflict["value"] < 0.05
        else ""
    )
    + "The pooled risk ratio serves as a prior for the hazard ratio, an approximation."
)
sensitivity = bayes_table.pivot(index="prior", columns="likelihood", values="p_benefit").reindex(list(priors))
show(sensitivity.round(3).reset_index())
published_cols = [c for c in sensitivity.columns if c.startswith("published")]
say(
    "Probability of any benefit (HR < 1) by likelihood: the choice between the two published "
    f"versions moves it by at most {(sensitivity[published_cols].max(axis=1) - sensitivity[published_cols].min(axis=1)).max():.2f} "
    "for any prior; the hazard ratio implied by the counts gives values in between or close. The "
    "erratum does not change what TESTS means."
)
fig = plots.prior_likelihood_posterior(priors, likelihoods[main_likelihood], f"TESTS 28-day mortality: prior, likelihood ({main_likelihood}) and posterior")
show_figure(fig, "04_tests_bayes_priors")
save_table(bayes_table, "04_tests_bayes")

# %% [markdown]
# ### ETASS and TESTS together: a Bayesian random-effects synthesis
#
# With two trials the between-trial standard deviation τ cannot be estimated from the data
# (section 2 of the meta-analysis notebook); a Bayesian analysis makes the necessary assumption
# explicit with a weakly informative half-normal prior on τ (Friede, Röver et al. 2017 recommend
# scales of 0.5 or 1 on the log odds ratio scale for two-study meta-analyses), integrates over τ
# numerically, and gives the posterior for the mean effect and the predictive distribution for
# the effect in a new trial.

# %%
pair = trials[(trials.outcome == "mortality_28d") & trials.study_id.isin(["etass", study_id])]
pair_tables = [TwoByTwo.from_row(r) for _, r in pair.iterrows()]
log_or = [math.log(odds_ratio(tb).estimate) for tb in pair_tables]
se_or = [math.sqrt(sum(1 / x for x in tb.table.ravel())) for tb in pair_tables]
re_rows = []
for scale in tau_scales:
    fit = bayes_random_effects(log_or, se_or, tau_scale=scale)
    for what, predictive in (("mean effect", False), ("new trial", True)):
        s = fit.summary(predictive)
        re_rows.append({"tau prior": f"half-normal({scale:g})", "quantity": what, "median OR": s["median"], "lower": s["lower"], "upper": s["upper"], "P(OR < 1)": s["p_benefit"], "posterior median tau": fit.tau_median})
        key = f"tests.bayes_meta.tau{scale:g}.{'mean' if not predictive else 'new_trial'}"
        results.add(key, s["median"], lower=s["lower"], upper=s["upper"], level=0.95, unit="ratio", description=f"ETASS+TESTS Bayesian random-effects OR, half-normal({scale:g}) prior on tau, {what}")
        results.add(key + ".p_benefit", s["p_benefit"], unit="probability", description=f"P(OR < 1), {what}, half-normal({scale:g})")
re_table = pd.DataFrame(re_rows)
show(re_table.round(3))
save_table(re_table, "04_tests_bayes_meta")
say(
    f"Pooling the two trials with τ integrated out, the mean odds ratio is "
    f"{re_rows[0]['median OR']:.2f} ({re_rows[0]['lower']:.2f} to {re_rows[0]['upper']:.2f}) under the "
    f"{re_rows[0]['tau prior']} prior; for a new trial the interval widens to "
    f"{re_rows[1]['lower']:.2f} to {re_rows[1]['upper']:.2f}. Two trials that disagree this much leave the "
    "effect in the next trial genuinely uncertain, in both directions."
)

# %% [markdown]
# ## 7. Verdicts and key numbers

# %%
all_comparisons = pd.concat(list(comparisons.values()))
save_table(all_comparisons, "04_tests_published_vs_recomputed")
save_table(internal, "04_tests_hazard_ratio_versions")
save_table(criteria, "04_tests_hazard_ratio_criteria")
save_table(fragility, "04_tests_fragility")
say(f"Across {len(all_comparisons)} published numbers: {verdict_counts(all_comparisons)}.")

for o, a in analyses.items():
    k = f"tests.{o}"
    what = OUTCOMES[o] + (" (derived counts)" if rows[o].value_flag == "derived" else "")
    results.add(f"{k}.risk_trt", a.risk_trt.estimate, lower=a.risk_trt.lower, upper=a.risk_trt.upper, level=confidence, unit="proportion", description=f"{what}, Tα1 arm (Wilson CI)")
    results.add(f"{k}.risk_ctl", a.risk_ctl.estimate, lower=a.risk_ctl.lower, upper=a.risk_ctl.upper, level=confidence, unit="proportion", description=f"{what}, placebo arm (Wilson CI)")
    results.add(f"{k}.rr", a.rr.estimate, lower=a.rr.lower, upper=a.rr.upper, level=confidence, unit="ratio", description=f"{what}, risk ratio (log CI)")
    results.add(f"{k}.or", a.odds.estimate, lower=a.odds.lower, upper=a.odds.upper, level=confidence, unit="ratio", description=f"{what}, odds ratio (logit CI)")
    results.add(f"{k}.rd_wald", a.rd_wald.estimate, lower=a.rd_wald.lower, upper=a.rd_wald.upper, level=confidence, unit="proportion", description=f"{what}, risk difference Tα1 minus placebo (Wald CI)")
    results.add(f"{k}.rd_newcombe", a.rd_newcombe.estimate, lower=a.rd_newcombe.lower, upper=a.rd_newcombe.upper, level=confidence, unit="proportion", description=f"{what}, risk difference (Newcombe CI)")
    results.add(f"{k}.nnt", a.nnt.estimate, unit="patients", description=f"{what}: {a.nnt.describe()}")
    results.add(f"{k}.p_pearson", a.pearson.p_value, description=f"{what}: Pearson chi-square P")
    results.add(f"{k}.p_fisher", a.fisher.p_value, description=f"{what}: Fisher exact P")
    hr = hazard_ratio_constant_hazards(a.table, confidence)
    results.add(f"{k}.hr_constant_hazards", hr.estimate, lower=hr.lower, upper=hr.upper, level=confidence, unit="ratio", description=f"{what}: HR implied by the risks under constant hazards")
results.add("tests.mortality_28d.hr_peto", peto.hazard_ratio.estimate, lower=peto.hazard_ratio.lower, upper=peto.hazard_ratio.upper, level=confidence, unit="ratio", description="Peto (O-E)/V hazard ratio from the 28-day counts")
results.add("tests.mortality_28d.p_logrank_type", peto.p_value, description="log-rank-type P implied by the 28-day counts (all deaths at one time)")
results.add("tests.mortality_28d.se_log_hr_from_deaths", se_deaths, description="SE of a log HR allowed by the deaths, sqrt(1/d1 + 1/d2)")
for v, r in primary_versions.iterrows():
    rec = recover(r.estimate, r.ci_lower, r.ci_upper, r.ci_level)
    results.add(f"tests.mortality_28d.hr_version_{v.lower()}.se_from_ci", rec.se, description=f"SE(ln HR) implied by the CI of published version {v}")
    results.add(f"tests.mortality_28d.hr_version_{v.lower()}.p_from_ci", rec.p_value, description=f"P implied by the CI of published version {v}")
results.add("tests.mortality_28d.hr_version_supported", favoured or "neither", description="published HR version closer to the counts on most criteria")
results.add("tests.mortality_28d.hr_version_criteria_won", {k: int(v) for k, v in support.items()}, description="criteria (of 4) on which each version is closer to the counts")
results.add("tests.mortality_28d.reverse_fragility_index", int(rfi["value"]), unit="patients", description="reverse fragility index of 28-day mortality (Fisher exact)")
for r in bayes_table.itertuples():
    lik_key = {"published version A": "version_a", "published version B": "version_b", "counts (constant hazards)": "counts"}.get(r.likelihood, r.likelihood)
    prior_key = r.prior.split(" (")[0].split(",")[0].replace(" ", "_").replace("-", "_") + ("_weighted" if "weight" in r.prior else "")
    base = f"tests.bayes.{lik_key}.{prior_key}"
    results.add(base, r.median, lower=r.lower, upper=r.upper, level=0.95, unit="ratio", description=f"posterior median HR and 95% credible interval: {r.prior} prior, {r.likelihood} likelihood")
    results.add(base + ".p_benefit", r.p_benefit, unit="probability", description="P(HR < 1)")
    results.add(base + ".p_harm", r.p_harm, unit="probability", description=f"P(HR > {harm_threshold:g})")
    for t in benefit_thresholds:
        results.add(base + f".p_below_{t:g}", bayes_table.loc[r.Index, f"p_below_{t:g}"], unit="probability", description=f"P(HR < {t:g})")
results.add("tests.bayes.mcid", mcid_value, unit="ratio", description=f"clinically important HR anchoring the priors ({mcid_source})")
results.add("tests.verdicts", all_comparisons.verdict.value_counts().sort_index().to_dict(), description="count of published-vs-recomputed verdicts")
results.write()
say(f"{len(results)} key numbers written to `results/04_tests.json`.")
