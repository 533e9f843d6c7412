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
treatment_label = "Tα1"
control_label = "control"
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
tsa_control_risk = None
tsa_alpha = 0.05
tsa_beta = 0.10
tsa_futility = True
tsa_diversity_upper = 0.75
tau_scales = [0.5, 1.0]
method_facts_file = "data/method_facts.csv"
heterogeneity_prior = "heterogeneity_prior.turner2015.mortality_pharm_vs_placebo"
mcid_relative_reduction = 0.15

# %%
import math

import numpy as np
import pandas as pd
from scipy import stats

from ta1sepsis.data.evidence_tables import load_method_facts, method_fact
from ta1sepsis.data.loader import load_estimates, load_facts, load_trials
from ta1sepsis.evidence.verdicts import comparison
from ta1sepsis.paths import project_root
from ta1sepsis.report import meta_plots, plots
from ta1sepsis.report.answers import bottom_line, fmt_ci, fmt_p
from ta1sepsis.report.meta_plots import Diamond
from ta1sepsis.report.narrative import say, show
from ta1sepsis.report.outputs import save_table, show_figure
from ta1sepsis.report.results import Results
from ta1sepsis.stats.bayes_meta import bayes_random_effects
from ta1sepsis.stats.meta_effects import study_effects
from ta1sepsis.stats.meta_methods import methods_table, trials_to_studies
from ta1sepsis.stats.meta_pooling import mantel_haenszel
from ta1sepsis.stats.meta_sensitivity import (
    cumulative,
    egger_test,
    leave_one_out,
    model_function,
    subgroup_analysis,
)
from ta1sepsis.stats.meta_workflow import (
    conflict_tests,
    order_studies,
    per_study_intervals,
    tsa_bundle,
)
from ta1sepsis.stats.reported_estimates import interaction_test, remaining_after_removing
from ta1sepsis.stats.tsa import CONCLUSIONS, MODEL_LABELS, SHORT, excluded_effects

plots.setup()
root = project_root()
trials = load_trials(root / trials_file)
estimates = load_estimates(root / estimates_file)
facts = load_facts(root / facts_file)
method_facts = load_method_facts(root / method_facts_file)
published = estimates.set_index("estimate_id")
results = Results("03_meta_analyses")
RATIO = measure in ("RR", "OR")
back = math.exp if RATIO else (lambda x: x)
LEVEL = 0.95
absent = [
    i
    for i in [compare_with, small_trials_total, small_trials_large, *trajectory, *conflict_with]
    if i and i not in published.index
]
if absent:
    raise ValueError(
        f"estimate_id(s) named in the parameters are not in {estimates_file}: {absent}"
    )

# The trials, in analysis order, and their effects (with the chosen zero-cell correction)
studies, order_note = order_studies(trials_to_studies(trials, outcome))
effects = study_effects(studies, measure, correction=correction)
k = effects.k
table, fits = methods_table(studies, effects, measure, tau2_method, ci_method=ci_method)
common = fits["legacy: Mantel-Haenszel common effect"]
current = fits[f"current: {tau2_method}, {ci_method} CI"]
s_common, s_current = common.summary(), current.summary()

# Bayesian random effects: tau integrated over each prior in turn. Half-normal priors on tau
# (weakly informative, scales are assumptions) and, for the odds ratio, the empirical
# log-normal prior on tau^2 of Turner et al. 2015 for the outcome type (a sourced prior).
# name -> (label, short label for the figure and the bottom line, arguments)
priors = {
    f"tau{scale:g}": (
        f"half-normal({scale:g}) prior on τ (assumption)",
        f"half-normal({scale:g}) prior on τ",
        {"tau_scale": scale},
    )
    for scale in tau_scales
}
turner_note = ""
if heterogeneity_prior:
    turner = tuple(
        method_fact(method_facts, f"{heterogeneity_prior}.{part}_log_tau2")
        for part in ("mean", "sd")
    )
    if measure == "OR":
        priors["turner"] = (
            f"log-normal prior on τ², log τ² ~ N({turner[0]:g}, {turner[1]:g}²) "
            "(Turner et al. 2015, read from data/method_facts.csv)",
            "Turner log-normal prior on τ²",
            {"log_tau2_prior": turner},
        )
    else:
        turner_note = (
            f"The empirical prior `{heterogeneity_prior}` is for the log odds ratio; with measure "
            f"{measure} it does not apply and is left out."
        )
bayes = (
    {
        name: bayes_random_effects(effects.yi, np.sqrt(effects.vi), **kwargs)
        for name, (_, _, kwargs) in priors.items()
    }
    if k >= 2
    else {}
)
prior_label = {name: label for name, (label, _, _) in priors.items()}
short_label = {name: short for name, (_, short, _) in priors.items()}
first_prior = next(iter(bayes), None)
# how much the Bayesian answer depends on the heterogeneity prior: the spread over the priors
bayes_spread = (
    {
        "median": [fit.summary()["median"] for fit in bayes.values()],
        "p_benefit": [fit.prob_below(0.0) for fit in bayes.values()],
    }
    if bayes
    else None
)

# Trial sequential analysis (ratio measures): each Z-curve with the information size of its model
tsa_measure = measure if RATIO else "RR"
control_risk = (
    tsa_control_risk
    if tsa_control_risk is not None
    else float(studies["ci"].sum() / studies["n2i"].sum())
)
block = None
block_reason = (
    "No published overall and subset estimates on this scale (parameters `small_trials_total`, "
    "`small_trials_large`); this section does not apply."
)
if (
    small_trials_total
    and small_trials_large
    and published.loc[small_trials_total].measure == tsa_measure
):
    total_row, large_row = published.loc[small_trials_total], published.loc[small_trials_large]
    rest = remaining_after_removing(
        (total_row.estimate, total_row.ci_lower, total_row.ci_upper),
        (large_row.estimate, large_row.ci_lower, large_row.ci_upper),
    )
    counted = int((studies["n1i"] + studies["n2i"]).sum())
    if pd.isna(total_row.n_patients):
        block_reason = (
            f"{total_row.study} gives no patient count for `{small_trials_total}`, so the trials outside the "
            "subset cannot be sized; this section does not apply."
        )
    elif total_row.n_patients <= counted:
        block_reason = (
            f"{total_row.study} counts {int(total_row.n_patients)} patients in all, not more than the {counted} "
            "with counts here, so no trials are left to back-calculate; this section does not apply."
        )
    else:
        block = {
            "label": f"small trials of {total_row.study} (back-calculated block)",
            "log_estimate": rest.log_estimate,
            "se": rest.se,
            "patients": int(total_row.n_patients) - counted,
        }
tsa = tsa_bundle(studies, control_risk, mcid_relative_reduction, tsa_measure, alpha=tsa_alpha, beta=tsa_beta, futility=tsa_futility, correction=correction, d2_upper=tsa_diversity_upper, block=block)
fixed_tsa, random_tsa = tsa.pairings["fixed"], tsa.pairings["random_dl"]

# %%
mcid_text = f"a {100 * mcid_relative_reduction:.0f}% relative reduction in {outcome_label} (the minimal clinically important difference, an assumption set in params/shared.yaml)"
answer = (
    (
        f"The {k} trials with counts in `{trials_file}` pooled with a common-effect (Mantel-Haenszel) model give "
        if k > 1
        else f"There is one trial with counts in `{trials_file}`, so nothing is pooled; it gives "
    )
    + f"{measure} {fmt_ci(s_common['estimate'], s_common['lower'], s_common['upper'])}"
    + (
        f"; a Bayesian random-effects model that admits between-trial differences ({short_label[first_prior]}, an assumption) gives "
        f"{fmt_ci(*(bayes[first_prior].summary()[x] for x in ('median', 'lower', 'upper')))}"
        + (
            f", and across the {len(bayes)} heterogeneity priors tried the posterior median runs from "
            f"{min(bayes_spread['median']):.2f} to {max(bayes_spread['median']):.2f} and the probability of any benefit "
            f"from {min(bayes_spread['p_benefit']):.0%} to {max(bayes_spread['p_benefit']):.0%}"
            if len(bayes) > 1
            else ""
        )
        if bayes
        else ""
    )
    + f". The trials hold {fixed_tsa.adjusted['fraction']:.0%} (common-effect model) and "
    f"{random_tsa.adjusted['fraction']:.0%} (random-effects model) of the information needed to detect {mcid_text}; "
    + (
        f"the trial sequential analysis concludes: {SHORT[fixed_tsa.conclusion]}, under both models."
        if fixed_tsa.conclusion == random_tsa.conclusion
        else f"the trial sequential analysis gives {fixed_tsa.conclusion_text} (common effect) but {random_tsa.conclusion_text} (random effects)."
    )
    + (
        " An inconclusive TSA is not evidence of no effect: it says the data are too few to tell."
        if fixed_tsa.conclusion == "inconclusive"
        else ""
    )
)
caveat = (
    "With one trial there is no pooling, no between-trial variance and no Bayesian synthesis (they need at least "
    "two trials); everything below rests on that single trial"
    if k == 1
    else f"With only {k} trials the between-trial variance cannot be estimated from the data, so every random-effects "
    "interval depends on an assumption about it"
    if k <= 3
    else "The pooled estimate averages trials that may differ in population and design; see the heterogeneity and small-study sections"
)
if block is not None:
    caveat += (
        f". The published reviews also include trials without counts here; their back-calculated block suggests "
        f"{measure} {math.exp(block['log_estimate']):.2f}, a much larger apparent benefit than in the trials with counts"
    )
bottom_line(
    answer,
    caveat + ".",
    [
        f"MCID: relative risk reduction {100 * mcid_relative_reduction:.0f}% (assumption; drives the required information size)",
        f"control risk for the information size: {control_risk:.3f} ({'parameter' if tsa_control_risk is not None else 'pooled control arms of these trials'})",
        f"α = {tsa_alpha}, β = {tsa_beta} (power {1 - tsa_beta:.0%}); upper D² for the sensitivity table {tsa_diversity_upper} (assumption)",
        f"half-normal prior scales for τ: {', '.join(f'{x:g}' for x in tau_scales)} (assumption)",
        *(
            [f"empirical heterogeneity prior: {prior_label['turner']}"]
            if "turner" in prior_label
            else []
        ),
    ],
)

# %% [markdown]
# ## 1. The trials with counts

# %%
show(
    studies[["study", "year", "ai", "n1i", "ci", "n2i", "population", "value_flag"]].rename(
        columns={
            "ai": f"{treatment_label} events",
            "n1i": f"{treatment_label} N",
            "ci": f"{control_label} events",
            "n2i": f"{control_label} N",
            "value_flag": "data flag",
        }
    )
)
say(
    f"{k} trial(s) report `{outcome}` in `{trials_file}`, ordered {order_note}; measure **{measure}**. "
    + (
        " ".join(f"{note[0].upper()}{note[1:]}." for note in effects.notes)
        if effects.notes
        else "No zero cells: no continuity correction was needed."
    )
)

# %% [markdown]
# ## 2. How the published pooled estimates moved
#
# Each published pooled estimate named in the parameters, by year, beside the single trials of this
# file recomputed from their counts. The reviews differ in measure (risk or odds ratio), time point
# and included trials, and they share trials with each other, so the figure shows how the *summary
# claims* moved, not one consistent analysis.

# %%
if trajectory:
    rows = [
        {
            "label": f"{r.study}: {r.measure}"
            + ("" if r.population == "all" else f", {r.population}"),
            "year": r.year,
            "estimate": r.estimate,
            "lower": r.ci_lower,
            "upper": r.ci_upper,
            "trials": r.k_studies,
            "patients": r.n_patients,
            "kind": "published",
            "source": r.Index,
        }
        for r in published.loc[trajectory].itertuples()
    ]
    for r, iv in zip(studies.itertuples(), per_study_intervals(effects).itertuples(), strict=True):
        rows.append(
            {
                "label": f"{r.study}: {measure} from counts",
                "year": r.year,
                "estimate": iv.estimate,
                "lower": iv.lower,
                "upper": iv.upper,
                "trials": 1,
                "patients": int(r.n1i + r.n2i),
                "kind": "recomputed",
                "source": trials_file,
            }
        )
    trajectory_table = (
        pd.DataFrame(rows).sort_values(["year", "kind"], kind="stable").reset_index(drop=True)
    )
    show(trajectory_table.drop(columns="kind"))
    fig = plots.estimate_comparison(
        trajectory_table,
        f"{treatment_label} and {outcome_label}: published pooled estimates and single trials, by year",
        f"risk ratio or odds ratio, {treatment_label} vs {control_label} (log scale)",
    )
    show_figure(fig, "03_meta_analyses_trajectory")
    save_table(trajectory_table, "03_meta_analyses_trajectory")
else:
    say(
        "No published pooled estimates named (parameter `trajectory`); this section does not apply."
    )

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
show(table)
save_table(table, "03_meta_analyses_methods")
diamonds = [
    Diamond.from_result(common, f"common effect (Mantel-Haenszel); I² = {100 * common.i2:.0f}%")
]
for name, fit in bayes.items():
    mean, pred = fit.summary(), fit.summary(predictive=True)
    diamonds.append(
        Diamond(
            f"Bayesian random effects, {short_label[name]}",
            math.log(mean["median"]),
            math.log(mean["lower"]),
            math.log(mean["upper"]),
            math.log(pred["lower"]),
            math.log(pred["upper"]),
            "predictive interval for a new trial",
        )
    )
diamonds.append(Diamond.from_result(current))
fig = meta_plots.forest(
    effects,
    diamonds,
    f"{outcome_label}: the trials pooled by common-effect, Bayesian and current random-effects methods",
    f"{measure} (log scale)" if RATIO else measure,
    weights_from=fits["other: inverse-variance common effect"],
    labels=(f"favours {treatment_label}", f"favours {control_label}"),
    arm_names=(treatment_label, control_label),
)
show_figure(fig, "03_meta_analyses_forest")
hk_vs_wald = (
    fits[f"other: {tau2_method}, hk CI"] if f"other: {tau2_method}, hk CI" in fits else current
)
wald = fits.get(f"other: {tau2_method}, wald CI")
say(
    f"Common effect (Mantel-Haenszel): {measure} {fmt_ci(s_common['estimate'], s_common['lower'], s_common['upper'])}"
    + (
        f"; heterogeneity Q = {common.q:.2f} on {common.q_df} df ({fmt_p(common.q_p)}), I² = {100 * common.i2:.0f}%. "
        if common.q_df > 0
        else ". "
    )
    + (
        " ".join(
            f"Bayesian random effects with a {prior_label[s]}: mean {fmt_ci(*(f.summary()[x] for x in ('median', 'lower', 'upper')))}, "
            f"probability of benefit ({measure} < 1) {f.prob_below(0.0):.0%}; effect in a new trial {f.summary(True)['lower']:.2f} to {f.summary(True)['upper']:.2f}."
            for s, f in bayes.items()
        )
        + " "
        + (
            f"How much this depends on the heterogeneity prior: over the {len(bayes)} priors the posterior median "
            f"{measure} runs from {min(bayes_spread['median']):.2f} to {max(bayes_spread['median']):.2f} and the "
            f"probability of benefit from {min(bayes_spread['p_benefit']):.0%} to {max(bayes_spread['p_benefit']):.0%}. "
            if len(bayes) > 1
            else ""
        )
        + (turner_note + " " if turner_note else "")
        if bayes
        else ""
    )
    + (
        "With one trial, random-effects pooling, the heterogeneity statistics, the prediction interval and the "
        "Bayesian synthesis do not apply (they need at least two trials); the estimate above is the trial's own."
        if k == 1
        else f"Current method ({tau2_method}, {ci_method} interval): {fmt_ci(s_current['estimate'], s_current['lower'], s_current['upper'])}"
        + (
            f", prediction interval {s_current['pi_lower']:.2f} to {s_current['pi_upper']:.2f}"
            if s_current["pi_lower"] is not None
            else ""
        )
        + ". "
    )
    + (
        f"With {k} trials the Hartung-Knapp interval uses a t distribution on {k - 1} degree(s) of freedom "
        f"(critical value {stats.t.ppf(0.975, k - 1):.1f} instead of 1.96), which is why it is so wide: "
        "the data cannot estimate the between-trial variance, and the method does not pretend they can. The common-effect "
        "and Bayesian results above are the more informative summaries for so few trials, each with its stated assumption."
        if 2 <= k <= 3 and ci_method != "wald"
        else ""
    )
    + (
        f" Note: the plain Hartung-Knapp interval ({hk_vs_wald.summary()['lower']:.2f} to {hk_vs_wald.summary()['upper']:.2f}) is "
        f"narrower than the Wald one ({wald.summary()['lower']:.2f} to {wald.summary()['upper']:.2f}) here, which happens when τ² is "
        "near 0; the max(1, q) variant avoids that."
        if wald is not None
        and (hk_vs_wald.upper - hk_vs_wald.lower) < (wald.upper - wald.lower) - 1e-12
        else ""
    )
)

# %% [markdown]
# ### Does pooling these trials reproduce a published subset?

# %%
if compare_with and published.loc[compare_with].measure == measure:
    row = published.loc[compare_with]
    compare_rows = []
    for label, fit in (
        ("Mantel-Haenszel", common),
        ("inverse-variance common effect", fits["other: inverse-variance common effect"]),
        ("DerSimonian-Laird", fits["legacy: DerSimonian-Laird, Wald CI"]),
    ):
        s = fit.summary()
        for part, value, text in (
            ("estimate", s["estimate"], row.estimate_text),
            ("CI lower", s["lower"], row.ci_lower_text),
            ("CI upper", s["upper"], row.ci_upper_text),
        ):
            compare_rows.append(
                comparison(f"{label}: {part}", text, value, label, source=compare_with)
            )
    compare_table = pd.DataFrame(compare_rows)
    show(compare_table)
    matched = (
        compare_table.assign(m=compare_table["verdict"].isin(["reproduced", "within rounding"]))
        .groupby("method", sort=False)["m"]
        .sum()
    )
    say(
        f"Published: {row.study}, {row.population}: {measure} {row.estimate_text} ({row.ci_lower_text} to {row.ci_upper_text}). "
        "Numbers matched within rounding, per method: "
        + ", ".join(f"{m}: {n} of 3" for m, n in matched.items())
        + ". "
        + (
            "A common-effect pool of these trials comes closest; that this published subset consists of exactly these trials is "
            "an inference from the patient numbers, not stated in the available sources."
            if matched.max() >= 2
            else "The published subset is not reproduced by pooling these trials."
        )
    )
else:
    say(
        "No published estimate on the same scale to compare with (parameter `compare_with`); this section does not apply."
    )

# %% [markdown]
# ## 4. What the published pooled estimates imply for the trials not available here
#
# When a review publishes an overall estimate and the estimate of a subset (here, by inference, the
# trials with counts), the remaining trials' pooled estimate can be back-calculated by inverse
# variance: w_rest = w_all − w_subset with w = 1/SE² recovered from each interval. This is exact for
# a common-effect pool and an approximation for a random-effects pool (random-effects weights are
# not additive), so the result is indicative, not a re-analysis.

# %%
if block is not None:
    contrast = interaction_test(
        (rest.interval.estimate, rest.interval.lower, rest.interval.upper),
        (large_row.estimate, large_row.ci_lower, large_row.ci_upper),
    )
    small_rows = pd.DataFrame(
        [
            {
                "label": f"remaining trials (back-calculated from {total_row.study})",
                "estimate": rest.interval.estimate,
                "lower": rest.interval.lower,
                "upper": rest.interval.upper,
                "kind": "recomputed",
            },
            {
                "label": f"{large_row.study}, {large_row.population}",
                "estimate": large_row.estimate,
                "lower": large_row.ci_lower,
                "upper": large_row.ci_upper,
                "kind": "published",
            },
            {
                "label": f"{total_row.study}, all trials",
                "estimate": total_row.estimate,
                "lower": total_row.ci_lower,
                "upper": total_row.ci_upper,
                "kind": "published",
            },
        ]
        + [
            {
                "label": f"{r.study} (counts)",
                "estimate": r.estimate,
                "lower": r.lower,
                "upper": r.upper,
                "kind": "recomputed",
            }
            for r in per_study_intervals(effects).itertuples()
        ]
    )
    show(small_rows.drop(columns="kind"))
    fig = plots.estimate_comparison(
        small_rows,
        "The trials outside the subset (back-calculated) against the subset and the whole",
        f"{measure}, {treatment_label} vs {control_label} (log scale)",
    )
    show_figure(fig, "03_meta_analyses_small_study_contrast")
    say(
        f"The trials of {total_row.study} outside its {large_row.population} subset imply {measure} "
        f"{fmt_ci(rest.interval.estimate, rest.interval.lower, rest.interval.upper)} ({block['patients']} patients, derived as "
        f"{int(total_row.n_patients)} minus the {counted} with counts here), against {large_row.estimate_text} "
        f"({large_row.ci_lower_text} to {large_row.ci_upper_text}) for the subset: a ratio of {measure}s of "
        f"{fmt_ci(contrast.ratio_or_difference.estimate, contrast.ratio_or_difference.lower, contrast.ratio_or_difference.upper)}, "
        f"{fmt_p(contrast.p_value)}. They carry {rest.weight_share:.0%} of the review's statistical information. "
        "Several explanations fit a larger benefit confined to the smaller trials, and these data cannot choose between them: "
        "small-study effects (selective publication or weaker design; the reviews judged many included trials small and of low "
        "quality), differences in what was tested (some small trials combined Tα1 with ulinastatin; some may not have been "
        "randomised), different mortality time points, and a different era of sepsis care."
    )
    results.add(
        "meta.small_trials.backcalculated",
        rest.interval.estimate,
        lower=rest.interval.lower,
        upper=rest.interval.upper,
        level=LEVEL,
        unit="ratio",
        description=f"pooled {measure} of the trials outside {small_trials_large}, back-calculated from {small_trials_total} (inverse-variance approximation)",
    )
    results.add(
        "meta.small_trials.patients",
        block["patients"],
        unit="patients",
        description="patients in the back-calculated block (derived: review total minus the trials with counts)",
    )
    results.add(
        "meta.small_trials.weight_share",
        rest.weight_share,
        unit="proportion",
        description="share of the review's information carried by the back-calculated trials",
    )
    results.add(
        "meta.small_vs_large.ratio",
        contrast.ratio_or_difference.estimate,
        lower=contrast.ratio_or_difference.lower,
        upper=contrast.ratio_or_difference.upper,
        level=LEVEL,
        unit="ratio",
        description="ratio of the back-calculated to the subset pooled estimate",
    )
    results.add(
        "meta.small_vs_large.p", contrast.p_value, description="test of that ratio (Altman-Bland)"
    )
else:
    say(block_reason)

# %% [markdown]
# ## 5. Was the newest trial compatible with the earlier pooled estimates?
#
# The newest trial in the file is compared with each earlier pooled estimate named in the
# parameters, against its pooled mean and, where the review's between-trial variance is known,
# against its prediction for a new trial. The earlier reviews share trials with each other, so
# their tests are not independent evidence.

# %%
if conflict_with:
    newest = studies.iloc[-1]
    earlier_rows = []
    for estimate_id in conflict_with:
        r = published.loc[estimate_id]
        if (
            not pd.isna(r.year) and not pd.isna(newest.year) and r.year >= newest.year
        ) or not RATIO:
            continue
        i2_fact = facts[facts.fact_id == f"{estimate_id}.i2"]
        tau2 = 0.0 if len(i2_fact) and float(i2_fact.iloc[0].value) == 0 else math.nan
        earlier_rows.append(
            {
                "label": f"{r.study} ({'k = ' + str(int(r.k_studies)) if not pd.isna(r.k_studies) else 'k not stated'}): {r.measure} {r.estimate_text} ({r.ci_lower_text} to {r.ci_upper_text})",
                "estimate": r.estimate,
                "lower": r.ci_lower,
                "upper": r.ci_upper,
                "tau2": tau2,
                "source": estimate_id,
            }
        )
    new_eff = study_effects(studies.iloc[[-1]], "RR", correction)
    conflict = conflict_tests(
        (float(new_eff.yi[0]), float(np.sqrt(new_eff.vi[0]))),
        f"{newest.study} RR",
        pd.DataFrame(earlier_rows),
    )
    show(conflict.table)
    save_table(conflict.table, "03_meta_analyses_conflict")
    for _, r in conflict.table.iterrows():
        key = r["source"].split(".")[0]
        results.add(
            f"meta.conflict.{key}.p",
            r["P vs pooled mean"],
            description=f"conflict test: {newest.study} RR vs the {key} pooled mean",
        )
        results.add(
            f"meta.conflict.{key}.ratio",
            r["ratio of ratios"],
            lower=r["lower"],
            upper=r["upper"],
            level=LEVEL,
            unit="ratio",
            description=f"{newest.study} RR divided by the {key} pooled RR",
        )
        if not math.isnan(r["P vs prediction"]):
            results.add(
                f"meta.conflict.{key}.p_prediction",
                r["P vs prediction"],
                description=f"conflict test against the {key} prediction for a new trial (tau2 from its reported I2)",
            )
    known = conflict.table.dropna(subset=["P vs prediction"])
    name = lambda r: r["earlier pooled estimate"].split(" (")[0]  # noqa: E731
    say(
        f"{newest.study} (RR from counts {math.exp(new_eff.yi[0]):.2f}) against each earlier pooled mean: "
        + "; ".join(
            f"{name(r)} {fmt_p(r['P vs pooled mean'])}" for _, r in conflict.table.iterrows()
        )
        + ". "
        + (
            "Against the prediction for a new trial, where the review's heterogeneity is known: "
            + "; ".join(f"{name(r)} {fmt_p(r['P vs prediction'])}" for _, r in known.iterrows())
            + ". "
            if len(known)
            else ""
        )
        + f"For {len(conflict.table) - len(known)} review(s) the between-trial variance is not reported, so only the test "
        "against the pooled mean is possible, and it overstates the conflict if the reviewed trials differed among themselves. "
        "An incompatibility says the newest trial and the earlier pooled estimate are unlikely to estimate one common effect; "
        "it does not say which is wrong or why (see the explanations listed in section 4)."
    )
else:
    say(
        "No earlier pooled estimates named (parameter `conflict_with`); this section does not apply."
    )

# %% [markdown]
# ## 6. Trial sequential analysis
#
# Trial sequential analysis asks whether the accumulated trials reach the information size one
# adequately powered trial would need, with significance thresholds adjusted for repeated looks
# (Lan-DeMets O'Brien-Fleming boundaries, α/2 in each tail) and non-binding futility boundaries
# (the inner wedge). The Z-curve and the required information size (RIS) come from the same
# model: the common-effect (Mantel-Haenszel) Z-curve with the unadjusted RIS, and the
# random-effects (DerSimonian-Laird) Z-curves with the RIS inflated by the diversity D². The
# effect to detect is the minimal clinically important difference (an assumption).
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
pair_rows = []
for model, res in tsa.pairings.items():
    pair_rows.append(
        {
            "Z-curve": MODEL_LABELS[model],
            "RIS heterogeneity adjustment": f"D² = {res.ris['diversity']:.2f}",
            "RIS (patients)": res.ris["ris"],
            "information size with futility inflation": res.information_size,
            "patients accrued": int(res.looks["patients"].iloc[-1]),
            "fraction": res.adjusted["fraction"],
            "last Z (positive favours treatment)": float(res.looks["z_benefit"].iloc[-1]),
            "boundary at last look": float(res.looks["efficacy_boundary"].iloc[-1]),
            f"conventional {measure} (95% CI)": fmt_ci(
                res.adjusted["estimate"], res.adjusted["naive_lower"], res.adjusted["naive_upper"]
            ),
            f"TSA-adjusted {measure} CI": f"{res.adjusted['adjusted_lower']:.2f} to {res.adjusted['adjusted_upper']:.2f}",
            "conclusion": CONCLUSIONS[res.conclusion],
        }
    )
pairings = pd.DataFrame(pair_rows)
show(pairings)
save_table(pairings, "03_meta_analyses_tsa_pairings")
save_table(
    pd.concat([r.looks.assign(model=m) for m, r in tsa.pairings.items()]),
    "03_meta_analyses_tsa_looks",
)
fig = meta_plots.tsa_plot(
    {
        "common-effect Z-curve, unadjusted information size": fixed_tsa,
        "random-effects (DL) Z-curve, D²-adjusted information size": random_tsa,
    },
    f"Trial sequential analysis of {outcome_label} ({tsa_measure}); effect to detect: {100 * mcid_relative_reduction:.0f}% relative reduction (MCID, assumption)",
    tsa_alpha,
)
show_figure(fig, "03_meta_analyses_tsa")
excluded = excluded_effects(s_common["lower"], s_common["upper"]) if RATIO else None
excluded_text = ""
if excluded:
    low, high = s_common["lower"], s_common["upper"]
    mcid_ratio_tsa = 1 - mcid_relative_reduction
    if high < 1:
        excluded_text = (
            f"Independently of the TSA, the conventional common-effect interval ({low:.2f} to {high:.2f}) excludes no effect "
            f"and any increase, and excludes relative reductions larger than {excluded['rrr_excluded_above']:.0%}"
        )
    elif low > 1:
        excluded_text = (
            f"Independently of the TSA, the conventional common-effect interval ({low:.2f} to {high:.2f}) excludes no effect "
            f"and any reduction, and excludes relative increases larger than {excluded['rri_excluded_above']:.0%}"
        )
    else:
        excluded_text = (
            f"Independently of the TSA, the conventional common-effect interval ({low:.2f} to {high:.2f}) excludes relative "
            f"reductions larger than {excluded['rrr_excluded_above']:.0%} and relative increases larger than "
            f"{excluded['rri_excluded_above']:.0%} of the {measure}"
        )
    excluded_text += (
        f"; an effect of the size assumed above ({measure} {mcid_ratio_tsa:.2f}) lies inside it (not excluded)."
        if low <= mcid_ratio_tsa <= high
        else f"; an effect of the size assumed above ({measure} {mcid_ratio_tsa:.2f}) lies outside it."
    )

say(
    f"Assumptions: control risk {control_risk:.3f} ({'parameter' if tsa_control_risk is not None else 'pooled control arms'}), "
    f"relative risk reduction {100 * mcid_relative_reduction:.0f}% (the MCID, an assumption), α = {tsa_alpha}, β = {tsa_beta}. "
    + " ".join(
        f"{MODEL_LABELS[m][0].upper() + MODEL_LABELS[m][1:]}: RIS {r.ris['ris']:,} patients ({r.information_size:,.0f} with the futility inflation), "
        f"{r.adjusted['fraction']:.0%} accrued; {r.conclusion_text}."
        for m, r in tsa.pairings.items()
    )
    + (
        " With two trials the Hartung-Knapp-Sidik-Jonkman factor equals 1 for the DerSimonian-Laird estimate, so the two "
        "random-effects Z-curves coincide."
        if np.allclose(
            tsa.stats_table["z_random_dl"], tsa.stats_table["z_random_dl_hksj"], equal_nan=True
        )
        and k == 2
        else ""
    )
    + (" " + excluded_text if excluded_text else "")
)

# %% [markdown]
# ### Does the verdict depend on the heterogeneity adjustment?

# %%
d2_table = tsa.d2_table.assign(conclusion=tsa.d2_table["conclusion"].map(CONCLUSIONS))
show(d2_table)
save_table(tsa.d2_table, "03_meta_analyses_tsa_d2_sensitivity")
verdicts = set(tsa.d2_table["conclusion"])
say(
    "Across no adjustment, the I²-based, the estimated and a stated upper D² (the last an assumption), the verdict is "
    + (
        f"the same every time: {CONCLUSIONS[verdicts.pop()]}."
        if len(verdicts) == 1
        else "not the same: "
        + "; ".join(
            f"{r['heterogeneity adjustment']}: {CONCLUSIONS[r['conclusion']]}"
            for _, r in tsa.d2_table.iterrows()
        )
        + "."
    )
    + " The required information size moves from "
    + f"{tsa.d2_table['RIS (patients)'].min():,} to {tsa.d2_table['RIS (patients)'].max():,} patients."
)

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
if tsa.block:
    block_rows = pd.DataFrame(
        [
            {
                "Z-curve": MODEL_LABELS[m].replace("Mantel-Haenszel", "inverse variance"),
                "RIS (patients)": r.ris["ris"],
                "information size with futility inflation": r.information_size,
                "fraction": r.adjusted["fraction"],
                "last Z (positive favours treatment)": float(r.looks["z_benefit"].iloc[-1]),
                "conclusion": r.conclusion_text,
            }
            for m, r in tsa.block.items()
        ]
    )
    show(block_rows)
    save_table(block_rows, "03_meta_analyses_tsa_with_block")
    fig = meta_plots.tsa_plot(
        {
            "with the back-calculated block (approximation): common effect": tsa.block["fixed"],
            "with the back-calculated block (approximation): random effects (DL)": tsa.block[
                "random_dl"
            ],
        },
        "Approximate trial sequential analysis including the trials known only from a published pooled estimate",
        tsa_alpha,
    )
    show_figure(fig, "03_meta_analyses_tsa_with_block")
    say(
        f"With the block of {block['patients']} patients first, the common-effect analysis reaches "
        f"{tsa.block['fixed'].adjusted['fraction']:.0%} of its information size: {tsa.block['fixed'].conclusion_text}; the random-effects one "
        f"{tsa.block['random_dl'].adjusted['fraction']:.0%}: {tsa.block['random_dl'].conclusion_text}. This is an approximation: the block is "
        "not a trial, its variance comes from a back-calculation, and its position in time is assumed."
    )
else:
    say(
        "No back-calculated block applies (see section 4), so there is no approximate TSA; the TSA above covers the "
        "trials in the trials file, and only those."
    )

# %% [markdown]
# ## 7. Sensitivity: leave-one-out, cumulative, subgroups and small-study tests

# %%
model = model_function(tau2_method, ci_method)
if k >= 2:
    loo = leave_one_out(effects, model)
    show(loo)
    save_table(loo, "03_meta_analyses_leave_one_out")
cum = cumulative(effects, model, order="order")
show(cum.drop(columns="order"))
save_table(cum, "03_meta_analyses_cumulative")
if subgroup_column:
    sub = subgroup_analysis(effects, subgroup_column)
    show(sub.groups.drop(columns=["log_estimate", "se", "fe_log_estimate", "fe_se"]))
    say(
        f"Test for subgroup differences by `{subgroup_column}` (random effects per subgroup, as RevMan): "
        f"Q = {sub.q_between_random:.2f} on {sub.df} df, {fmt_p(sub.p_between_random)}; "
        f"common-effect version Q = {sub.q_between_common:.2f}, {fmt_p(sub.p_between_common)}."
    )
    results.add(
        "meta.subgroup.p_random",
        sub.p_between_random,
        description=f"test for subgroup differences by {subgroup_column}",
    )
else:
    say("No subgroup column given (parameter `subgroup_column`); subgroup analysis skipped.")
egger = egger_test(effects)
if egger.p_value is None:
    say(egger.message + ".")
else:
    re_vs_fe = (
        s_current["estimate"] / fits["other: inverse-variance common effect"].summary()["estimate"]
        if RATIO
        else None
    )
    say(
        f"Egger's test: bias coefficient {egger.bias:.2f} (SE {egger.bias_se:.2f}), t = {egger.t:.2f} on {egger.df} df, {fmt_p(egger.p_value)}."
        + (
            f" **Caution:** the funnel plot is asymmetric beyond what chance readily explains. Random-effects weights favour small "
            f"studies relative to the common-effect model, so the random-effects estimate ({s_current['estimate']:.2f}) leans towards "
            f"the small studies (common effect: {fits['other: inverse-variance common effect'].summary()['estimate']:.2f}); asymmetry can "
            "come from small-study bias, from true differences between small and large studies, or from chance."
            if egger.p_value < 0.10
            else ""
        )
    )
    show_figure(
        meta_plots.funnel(effects, current, f"Funnel plot of {outcome_label}", measure),
        "03_meta_analyses_funnel",
    )
    results.add("meta.egger.p", egger.p_value, description="Egger's regression test P")
    results.add("meta.egger.bias", egger.bias, description="Egger's bias coefficient")

# %% [markdown]
# ## 8. Key numbers

# %%
prefix = "meta.pooled"
for key, fit in (
    ("mh", common),
    ("dl_wald", fits["legacy: DerSimonian-Laird, Wald CI"]),
    ("current", current),
    ("iv_common", fits["other: inverse-variance common effect"]),
):
    s = fit.summary()
    results.add(
        f"{prefix}.{measure.lower()}_{key}",
        s["estimate"],
        lower=s["lower"],
        upper=s["upper"],
        level=LEVEL,
        unit="ratio" if RATIO else "difference",
        description=f"{fit.model}, {fit.ci_method} CI, {outcome}, k = {s['k']}",
    )
if s_current["pi_lower"] is not None:
    results.add(
        f"{prefix}.{measure.lower()}_current_prediction_interval",
        s_current["estimate"],
        lower=s_current["pi_lower"],
        upper=s_current["pi_upper"],
        level=LEVEL,
        unit="ratio" if RATIO else "difference",
        description="prediction interval of the current method (metafor convention)",
    )
tau2_ci = (current.tau2_lower, current.tau2_upper)
tau2_ci_defined = all(x is not None and math.isfinite(x) for x in tau2_ci)
results.add(
    f"{prefix}.tau2_{tau2_method.lower()}",
    current.tau2,
    lower=tau2_ci[0] if tau2_ci_defined else None,
    upper=tau2_ci[1] if tau2_ci_defined else None,
    level=LEVEL if tau2_ci_defined else None,
    description="between-trial variance with Q-profile CI"
    if tau2_ci_defined
    else "between-trial variance (no Q-profile CI: it needs at least two trials with information)",
)
results.add(f"{prefix}.i2", common.i2, unit="proportion", description="I² (common-effect Q)")
results.add(
    f"{prefix}.q_p",
    common.q_p if common.q_df > 0 else 1.0,
    description="P of Cochran's Q (1 when k = 1)",
)
results.add(f"{prefix}.k", k, unit="trials", description=f"trials pooled for {outcome}")
results.add(
    f"{prefix}.patients",
    int((studies["n1i"] + studies["n2i"]).sum()),
    unit="patients",
    description="patients in the pooled trials",
)
for name, fit in bayes.items():
    for what, predictive in (("mean", False), ("new_trial", True)):
        s = fit.summary(predictive)
        results.add(
            f"meta.bayes.{name}.{what}",
            s["median"],
            lower=s["lower"],
            upper=s["upper"],
            level=LEVEL,
            unit="ratio" if RATIO else "difference",
            description=f"Bayesian random effects, {prior_label[name]}: {'mean effect' if not predictive else 'effect in a new trial'} (median, 95% credible interval)",
        )
        results.add(
            f"meta.bayes.{name}.{what}.p_benefit",
            s["p_benefit"],
            unit="probability",
            description=f"P({measure} < 1), {what}",
        )
    results.add(
        f"meta.bayes.{name}.tau_median",
        fit.tau_median,
        description=f"posterior median of tau, {prior_label[name]}",
    )
pair = (
    studies[studies["study_id"].isin(["etass", "tests"])]
    if "study_id" in studies
    else studies.iloc[0:0]
)
if len(pair) == 2 and RATIO:
    pair_mh = mantel_haenszel(pair, measure).summary()
    results.add(
        f"meta.etass_tests.{measure.lower()}_mh",
        pair_mh["estimate"],
        lower=pair_mh["lower"],
        upper=pair_mh["upper"],
        level=LEVEL,
        unit="ratio",
        description=f"ETASS + TESTS only, Mantel-Haenszel {measure}, {outcome}",
    )
for model, res in tsa.pairings.items():
    base = f"meta.tsa.{model}"
    results.add(
        f"{base}.ris",
        res.ris["ris"],
        unit="patients",
        description=f"required information size, {MODEL_LABELS[model]} (D² = {res.ris['diversity']:.3f})",
    )
    results.add(
        f"{base}.information_size",
        res.information_size,
        unit="patients",
        description="information size with the futility inflation",
    )
    results.add(
        f"{base}.fraction",
        res.adjusted["fraction"],
        unit="proportion",
        description="accrued information / information size",
    )
    results.add(f"{base}.conclusion", res.conclusion, description=CONCLUSIONS[res.conclusion])
    adjusted_finite = all(
        0 < res.adjusted[x] < math.inf for x in ("adjusted_lower", "adjusted_upper")
    )
    results.add(
        f"{base}.adjusted_ci",
        res.adjusted["estimate"],
        lower=res.adjusted["adjusted_lower"] if adjusted_finite else None,
        upper=res.adjusted["adjusted_upper"] if adjusted_finite else None,
        level=1 - tsa_alpha if adjusted_finite else None,
        unit="ratio",
        description="pooled estimate with the TSA-adjusted CI"
        if adjusted_finite
        else "pooled estimate; the TSA-adjusted CI is unbounded (the efficacy boundary at "
        f"{res.adjusted['fraction']:.1%} of the information size is z = {res.adjusted['critical_value']:.0f})",
    )
results.add(
    "meta.tsa.diversity",
    float(tsa.stats_table.iloc[-1]["d2"]),
    unit="proportion",
    description="diversity D² of the trials (DL vs common effect)",
)
results.add(
    "meta.tsa.control_risk",
    control_risk,
    unit="proportion",
    description="control event proportion used for the information size",
)
results.add(
    "meta.tsa.rrr",
    mcid_relative_reduction,
    unit="proportion",
    description="relative risk reduction to detect: the MCID (assumption, params/shared.yaml)",
)
results.add(
    "meta.tsa.d2_sensitivity_conclusions",
    sorted(set(tsa.d2_table["conclusion"])),
    description="TSA conclusions across the D² sensitivity table",
)
if tsa.block:
    for model, res in tsa.block.items():
        results.add(
            f"meta.tsa_with_block.{model}.fraction",
            res.adjusted["fraction"],
            unit="proportion",
            description="approximate TSA with the back-calculated block",
        )
        results.add(
            f"meta.tsa_with_block.{model}.conclusion",
            res.conclusion,
            description=CONCLUSIONS[res.conclusion],
        )
if excluded:
    results.add(
        "meta.excluded.rrr_above",
        excluded["rrr_excluded_above"],
        unit="proportion",
        description="relative reductions the conventional common-effect CI excludes (larger than this)",
    )
results.write()
say(f"{len(results)} key numbers written to `results/03_meta_analyses.json`.")
