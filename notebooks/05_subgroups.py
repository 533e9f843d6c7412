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
# # Subgroups: are the age and diabetes signals in TESTS credible?
#
# **Question.** TESTS found no overall effect of thymosin α1 (Tα1), but its abstract reports
# effect modification by age (harm under 60, possible benefit from 60) and by diabetes
# (possible benefit with diabetes). The review article leans on these signals. How credible are
# they? This notebook recomputes the interaction tests from the published subgroup hazard
# ratios, applies the ICEMAN credibility instrument (Schandelmaier et al., CMAJ 2020) with every
# answer tied to a sourced fact, measures how often chance alone produces such signals in a
# trial of this size, and shrinks the subgroup estimates under a sceptical prior.

# %% tags=["parameters"]
trials_file = "data/trials.csv"
estimates_file = "data/published_estimates.csv"
credibility_file = "data/subgroup_credibility.csv"
study_id = "tests"
overall = ["tests.mortality_28d.hr.version_a", "tests.mortality_28d.hr.version_b"]
modifiers = {
    "age": ["tests.mortality_28d.hr.age_lt60", "tests.mortality_28d.hr.age_ge60"],
    "diabetes": ["tests.mortality_28d.hr.diabetes_yes", "tests.mortality_28d.hr.diabetes_no"],
}
candidate_modifiers = 10
prevalence_range = [0.2, 0.5]
n_simulations = 4000
seed = 20250115
interaction_prior_ratio = 2.0

# %%
import math

import numpy as np
import pandas as pd
from scipy import stats

from ta1sepsis.data.loader import load_credibility, load_estimates, load_trials, select_one
from ta1sepsis.evidence.verdicts import comparison
from ta1sepsis.report import plots
from ta1sepsis.report.answers import bottom_line
from ta1sepsis.report.narrative import say, show
from ta1sepsis.report.outputs import Results, project_root, save_table, show_figure
from ta1sepsis.stats.reported_estimates import (
    interaction_p_range_from_printed,
    interaction_test,
    recover,
)
from ta1sepsis.stats.subgroups import interaction_p_values, multiplicity_rates, shrink_subgroups

plots.setup()
root = project_root()
trials = load_trials(root / trials_file)
estimates = load_estimates(root / estimates_file)
credibility = load_credibility(root / credibility_file)
published = estimates.set_index("estimate_id")
results = Results("05_subgroups")
missing = [i for pair in modifiers.values() for i in pair if i not in published.index] + [
    i for i in overall if i not in published.index
]
if missing:
    raise ValueError(f"estimate_id(s) not in {estimates_file}: {missing}")


# The interaction tests, the chance simulation and the shrunken estimates (shown in sections 2-4)
interaction_rows = {}
for name, (first_id, second_id) in modifiers.items():
    a, b = published.loc[first_id], published.loc[second_id]
    test = interaction_test(
        (a.estimate, a.ci_lower, a.ci_upper), (b.estimate, b.ci_lower, b.ci_upper)
    )
    low, high = interaction_p_range_from_printed(
        (a.estimate_text, a.ci_lower_text, a.ci_upper_text),
        (b.estimate_text, b.ci_lower_text, b.ci_upper_text),
    )
    p_pub = a.p_value_text
    inside = low <= a.p_value <= high
    interaction_rows[name] = {
        "modifier": name,
        "ratio of HRs": test.ratio_or_difference.estimate,
        "lower": test.ratio_or_difference.lower,
        "upper": test.ratio_or_difference.upper,
        "published P": p_pub,
        "recomputed P": test.p_value,
        "P range from rounding": f"{low:.4f} to {high:.4f}",
        "published P in range": inside,
        # one verdict per published P: within rounding when the rounding of the printed estimates allows it
        "verdict": "within rounding"
        if inside
        else comparison("P", p_pub, test.p_value, "Altman-Bland")["verdict"],
    }
    results.add(
        f"subgroups.{name}.interaction_p_recomputed",
        test.p_value,
        lower=low,
        upper=high,
        description=f"interaction P from the published subgroup HRs ({name}); lower/upper: range allowed by rounding",
    )
    results.add(
        f"subgroups.{name}.interaction_p_published",
        a.p_value,
        description=f"published interaction P ({name})",
    )
    results.add(
        f"subgroups.{name}.interaction_p_verdict",
        interaction_rows[name]["verdict"],
        description=f"verdict on the published interaction P ({name}) against the printed subgroup estimates",
    )
    results.add(
        f"subgroups.{name}.ratio_of_hrs",
        test.ratio_or_difference.estimate,
        lower=test.ratio_or_difference.lower,
        upper=test.ratio_or_difference.upper,
        level=0.95,
        unit="ratio",
        description=f"ratio of the subgroup hazard ratios ({name})",
    )
interactions = pd.DataFrame(interaction_rows.values())

tests_row = select_one(trials, "trials", study_id=study_id, outcome="mortality_28d")
risk = (tests_row.events_trt + tests_row.events_ctl) / (tests_row.n_trt + tests_row.n_ctl)
rng = np.random.default_rng(seed)
prevalences = rng.uniform(min(prevalence_range), max(prevalence_range), candidate_modifiers)
p_sim = interaction_p_values(int(tests_row.n_trt), int(tests_row.n_ctl), risk, prevalences, n_sim=n_simulations, seed=seed)
curve = pd.DataFrame([multiplicity_rates(p_sim[:, :k]) for k in range(1, candidate_modifiers + 1)])
rate = curve.iloc[-1]
chance = {
    name: float(np.mean((p_sim <= r["recomputed P"]).any(axis=1)))
    for name, r in interaction_rows.items()
}

prior_sd = math.log(interaction_prior_ratio) / stats.norm.ppf(0.975)
shrunk = {}
for name, (first_id, second_id) in modifiers.items():
    a, b = (
        recover(published.loc[i].estimate, published.loc[i].ci_lower, published.loc[i].ci_upper)
        for i in (first_id, second_id)
    )
    shrunk[name] = shrink_subgroups(a.log_estimate, a.se**2, b.log_estimate, b.se**2, prior_sd=prior_sd)
ratings = credibility[credibility["item"].isin(["overall", "reported"])].set_index("claim_id")[
    "response"
]

# %%
bottom_line(
    " ".join(
        f"**{name}**: published interaction P = {r['published P']} (recomputed from the printed subgroup estimates "
        f"{r['recomputed P']:.3f}; {r['verdict']}); after a sceptical prior on effect modification the subgroup hazard ratios "
        f"become {shrunk[name].first.estimate:.2f} ({published.loc[modifiers[name][0]].population}) and "
        f"{shrunk[name].second.estimate:.2f} ({published.loc[modifiers[name][1]].population}); ICEMAN credibility: "
        f"{ratings.get(f'{study_id}.{name}', 'not assessed')}; an interaction at least this strong appears among "
        f"{candidate_modifiers} candidate modifiers in {chance[name]:.0%} of simulated null trials."
        for name, r in interaction_rows.items()
    )
    + (
        " Every signal here has low or very low credibility: hypotheses to test, not findings to act on."
        if all(
            ratings.get(f"{study_id}.{name}", "not assessed") in ("low", "very low")
            for name in interaction_rows
        )
        else " Credibility differs between the signals; see the ICEMAN table before acting on any of them."
    ),
    "The number of modifiers TESTS examined, the subgroup event counts and the trial's own interaction model are not in the "
    "available sources; the chance calculation depends on the assumed number of candidate modifiers.",
    [
        f"{candidate_modifiers} candidate modifiers with prevalences {min(prevalence_range):g} to {max(prevalence_range):g} in the chance "
        "simulation (assumption)",
        f"sceptical interaction prior: 95% of the mass on ratios of hazard ratios within 1/{interaction_prior_ratio:g} to "
        f"{interaction_prior_ratio:g} (assumption)",
    ],
)

# %% [markdown]
# ## 1. The reported subgroups beside the overall effect

# %%
rows = [
    {
        "label": f"overall, version {published.loc[i].version}",
        "estimate": published.loc[i].estimate,
        "lower": published.loc[i].ci_lower,
        "upper": published.loc[i].ci_upper,
        "kind": "published",
    }
    for i in overall
]
for name, pair in modifiers.items():
    for i in pair:
        r = published.loc[i]
        rows.append(
            {
                "label": f"{name}: {r.population}",
                "estimate": r.estimate,
                "lower": r.ci_lower,
                "upper": r.ci_upper,
                "kind": "published",
            }
        )
forest_rows = pd.DataFrame(rows)
show(forest_rows)
fig = plots.estimate_comparison(
    forest_rows,
    "TESTS 28-day mortality: the overall hazard ratio (two published versions) and the reported subgroups",
    "hazard ratio, Tα1 vs placebo (log scale)",
)
show_figure(fig, "05_subgroups_forest")
say(
    "Events and patient numbers per subgroup are not in the available sources, so the subgroup "
    "estimates can only be taken as published; whether the erratum changed them is unknown."
)

# %% [markdown]
# ## 2. Interaction tests recomputed from the published subgroup estimates
#
# The test compares the two subgroup log hazard ratios, with standard errors recovered from
# their intervals (Altman & Bland, BMJ 2003). Because the printed numbers are rounded, the range
# of P values that any unrounded numbers consistent with the printed ones could give is also
# shown: a published P outside that range was not computed this way from these estimates.

# %%
show(interactions)
for r in interaction_rows.values():
    if r["published P in range"]:
        say(
            f"**{r['modifier']}**: the published P = {r['published P']} agrees with the test recomputed from the printed estimates ({r['recomputed P']:.3f}; rounding allows {r['P range from rounding']})."
        )
    else:
        say(
            f"**{r['modifier']}**: the published P = {r['published P']} lies outside the range the printed estimates allow "
            f"({r['P range from rounding']}; recomputed {r['recomputed P']:.3f}). The published test was therefore not the "
            "simple comparison of these two estimates; it may have been an interaction term in a Cox model (possibly stratified "
            "or adjusted, as the randomisation was stratified by age and centre), whose P need not match the comparison of "
            "separately estimated subgroup hazard ratios. Without the trial's statistical report this cannot be settled; "
            "both values are shown, neither is preferred."
        )

# %% [markdown]
# ## 3. How often does chance alone produce such signals?
#
# A trial the size of TESTS is simulated many times with **no** treatment effect and **no**
# effect modification, with K independent candidate modifiers of varying prevalence; in each
# simulated trial every modifier gets the interaction test. The share of trials with at least
# one (or two) 'significant' interactions is the false-positive rate of subgroup hunting.

# %%
show(curve)
results.add(
    "subgroups.simulation.at_least_one",
    rate["at_least_one"],
    lower=rate["at_least_one"] - 1.96 * rate["at_least_one_se"],
    upper=rate["at_least_one"] + 1.96 * rate["at_least_one_se"],
    level=0.95,
    unit="probability",
    description=f"P(at least one interaction P < 0.05 among {candidate_modifiers} modifiers | no effect modification); Monte Carlo CI",
)
results.add(
    "subgroups.simulation.at_least_two",
    rate["at_least_two"],
    lower=rate["at_least_two"] - 1.96 * rate["at_least_two_se"],
    upper=rate["at_least_two"] + 1.96 * rate["at_least_two_se"],
    level=0.95,
    unit="probability",
    description=f"P(at least two interaction P < 0.05 among {candidate_modifiers} modifiers | no effect modification)",
)
for name in interaction_rows:
    results.add(
        f"subgroups.{name}.chance_under_null",
        chance[name],
        unit="probability",
        description=f"P(at least one of {candidate_modifiers} modifiers reaches P <= the recomputed {name} interaction P | no effect modification)",
    )
fig, ax = plots.plt.subplots(figsize=(7, 4))
ax.plot(
    curve["k"], curve["at_least_one"], "o-", color=plots.CATEGORY[0], label="at least one P < 0.05"
)
ax.plot(
    curve["k"], curve["at_least_two"], "s-", color=plots.CATEGORY[1], label="at least two P < 0.05"
)
ax.plot(
    curve["k"], 1 - 0.95 ** curve["k"], ":", color="grey", label="1 - 0.95^K (independent tests)"
)
ax.set_xlabel("number of candidate modifiers tested (K)")
ax.set_ylabel("share of null trials")
ax.set_title(
    f"With no true effect modification, how often a trial the size of TESTS shows 'significant' subgroups ({n_simulations} simulated trials)",
    loc="left",
    fontsize=9.5,
)
ax.legend(fontsize=8)
show_figure(fig, "05_subgroups_multiplicity")
say(
    f"With {candidate_modifiers} candidate modifiers and no true effect modification, "
    f"{rate['at_least_one']:.0%} of simulated trials show at least one interaction with P < 0.05 and "
    f"{rate['at_least_two']:.0%} show two or more. "
    + " ".join(
        f"An interaction as strong as the {n} one (P ≤ {interaction_rows[n]['recomputed P']:.3f}) turns up in {c:.0%} of null trials."
        for n, c in chance.items()
    )
    + " The number of modifiers TESTS examined is not in the available sources; K is a parameter (an assumption)."
)

# %% [markdown]
# ## 4. Shrunken subgroup estimates
#
# A sceptical prior on the interaction — centred on no effect modification, with 95% of its mass
# on ratios of hazard ratios between 1/r and r (r is a parameter) — pulls the two subgroup
# estimates towards each other (Dixon & Simon 1991). The result is what a reader should expect
# the subgroup effects to be, given that large true interactions are rare.

# %%
shrunk_rows = []
for name, (first_id, second_id) in modifiers.items():
    s = shrunk[name]
    for i, iv in ((first_id, s.first), (second_id, s.second)):
        r = published.loc[i]
        shrunk_rows.append(
            {
                "subgroup": f"{name}: {r.population}",
                "raw HR": r.estimate,
                "raw lower": r.ci_lower,
                "raw upper": r.ci_upper,
                "shrunken HR": iv.estimate,
                "lower": iv.lower,
                "upper": iv.upper,
            }
        )
        results.add(
            f"subgroups.{name}.{i.split('.')[-1]}.shrunken",
            iv.estimate,
            lower=iv.lower,
            upper=iv.upper,
            level=0.95,
            unit="ratio",
            description=f"shrunken HR, {r.population} (sceptical interaction prior, r = {interaction_prior_ratio:g})",
        )
    results.add(
        f"subgroups.{name}.shrinkage",
        s.shrinkage,
        unit="proportion",
        description="share of the log interaction kept after shrinkage",
    )
shrunk_table = pd.DataFrame(shrunk_rows)
show(shrunk_table)
fig = plots.estimate_comparison(
    pd.DataFrame(
        [
            {
                "label": f"{r['subgroup']} (raw)",
                "estimate": r["raw HR"],
                "lower": r["raw lower"],
                "upper": r["raw upper"],
                "kind": "published",
            }
            for r in shrunk_rows
        ]
        + [
            {
                "label": f"{r['subgroup']} (shrunken)",
                "estimate": r["shrunken HR"],
                "lower": r["lower"],
                "upper": r["upper"],
                "kind": "recomputed",
            }
            for r in shrunk_rows
        ]
    ).sort_values("label", kind="stable"),
    f"TESTS subgroup hazard ratios as published and after a sceptical prior on effect modification (r = {interaction_prior_ratio:g}, assumption)",
    "hazard ratio (log scale)",
)
show_figure(fig, "05_subgroups_shrunken")
say(
    " ".join(
        f"For {n}, {s.shrinkage:.0%} of the estimated log interaction survives the prior; the shrunken "
        f"subgroup hazard ratios are {s.first.estimate:.2f} ({s.first.lower:.2f} to {s.first.upper:.2f}) and "
        f"{s.second.estimate:.2f} ({s.second.lower:.2f} to {s.second.upper:.2f})."
        for n, s in shrunk.items()
    )
)

# %% [markdown]
# ## 5. Credibility (ICEMAN)
#
# Each answer comes from `data/subgroup_credibility.csv`, where its basis, source and whether it
# is a read fact or a judgement are recorded. The review of the pooled ETASS+TESTS data (Gu 2025)
# rated its own subgroup findings; those ratings are shown as reported, since its subgroup
# numbers are not available to check.

# %%
show(credibility[["claim_id", "item", "question", "response", "basis", "value_flag"]])

# %% [markdown]
# ## 6. Context for the age signal (indirect evidence)
#
# Two pieces of evidence bear on age without testing it as a modifier of the Tα1 effect in a
# sepsis trial; both are labelled indirect.

# %%
context_ids = [
    i
    for i in published.index
    if i.startswith("pei2020.") or i.startswith("shang2023.mortality_any")
]
context = published.loc[context_ids].reset_index()[
    [
        "estimate_id",
        "study",
        "population",
        "measure",
        "estimate_text",
        "ci_lower_text",
        "ci_upper_text",
        "p_value_text",
        "location",
    ]
]
context.insert(1, "evidence", "indirect")
show(context)
prev_old = published.loc["pei2020.early_immunoparalysis.risk.elderly"].estimate
prev_young = published.loc["pei2020.early_immunoparalysis.risk.nonelderly"].estimate
say(
    f"In ETASS patients (post hoc), early immunoparalysis was {prev_old / prev_young:.1f} times as common in "
    f"the elderly ({prev_old:.0f}% vs {prev_young:.0f}%) and went with higher hospital mortality in them — a "
    "mechanism by which older patients *might* respond differently, not evidence that they do. The COVID-19 meta-analysis compares studies of older and "
    "younger populations in another disease. Neither bears on the apparent harm in younger patients that TESTS reported."
)

# %% [markdown]
# ## 7. One table for each subgroup claim

# %%
summary_rows = []
for name, (first_id, second_id) in modifiers.items():
    r = interaction_rows[name]
    s = shrunk[name]
    for i, iv in ((first_id, s.first), (second_id, s.second)):
        e = published.loc[i]
        summary_rows.append(
            {
                "claim": f"{study_id}.{name}: {e.population}",
                "raw HR (95% CI)": f"{e.estimate_text} ({e.ci_lower_text} to {e.ci_upper_text})",
                "shrunken HR (95% CI)": f"{iv.estimate:.2f} ({iv.lower:.2f} to {iv.upper:.2f})",
                "interaction P published / recomputed": f"{r['published P']} / {r['recomputed P']:.3f}",
                "ICEMAN credibility": ratings.get(f"{study_id}.{name}", "not assessed"),
                f"chance under no effect ({candidate_modifiers} modifiers)": f"{chance[name]:.0%}",
            }
        )
for claim_id, rating in ratings.items():
    if claim_id.startswith("gu2025."):
        summary_rows.append(
            {
                "claim": claim_id,
                "raw HR (95% CI)": "not available",
                "shrunken HR (95% CI)": "not available",
                "interaction P published / recomputed": "not available",
                "ICEMAN credibility": f"{rating} (as reported)",
                f"chance under no effect ({candidate_modifiers} modifiers)": "not available",
            }
        )
summary = pd.DataFrame(summary_rows)
show(summary)
save_table(summary, "05_subgroups_summary")
save_table(interactions, "05_subgroups_interactions")
save_table(shrunk_table, "05_subgroups_shrunken")
save_table(curve, "05_subgroups_multiplicity")
say(
    "Read together: both TESTS signals rest on interaction tests of a strength that multiplicity produces often "
    "(section 3); for neither do the available sources show a direction hypothesised in advance or independent prior "
    "support (ICEMAN items 1 and 2: probably no or unclear); and a sceptical prior pulls the subgroup estimates towards each "
    "other. They are hypotheses for an enriched trial (07_next_trial), not established effects."
    if all(ratings.get(f"{study_id}.{n}") in ("low", "very low") for n in modifiers)
    else "See the table: at least one claim is rated above low credibility."
)
results.write()
say(f"{len(results)} key numbers written to `results/05_subgroups.json`.")
