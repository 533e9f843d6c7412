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
# # Trial report
#
# **Question.** What exactly did this trial show? Every outcome recomputed from its counts with
# every published number of the trial beside it; which test and interval method reproduce the
# published numbers; how fragile the result is; what power it had for the minimal clinically
# important difference; what a sceptic, a neutral and an enthusiast should believe after it; and
# how it moves the pooled evidence and the trial sequential analysis.
#
# One template, rendered once per trial listed in `params/trials.yaml`; the trial is the
# parameter `study_id`. Ratios and differences are treatment relative to control (ratio < 1 and
# difference < 0 favour the treatment).

# %% tags=["parameters"]
trials_file = "data/trials.csv"
estimates_file = "data/published_estimates.csv"
facts_file = "data/study_facts.csv"
study_id = "etass"
treatment_label = "Tα1"
confidence = 0.95
alpha = 0.05
power = 0.80
correction = "constant"
meta_outcome = "mortality_28d"
meta_measure = "OR"
tsa_alpha = 0.05
tsa_beta = 0.10
neutral_sd = 0.35
vague_sd = 10.0
absolute_benefits = [0.01, 0.02, 0.05]
absolute_harm = 0.02
mcid_relative_reduction = 0.15
mcid_absolute_reduction = 0.035

# %%
import math

import pandas as pd
from scipy import optimize

from ta1sepsis.data.labels import outcome_words
from ta1sepsis.data.loader import load_estimates, load_facts, load_trials
from ta1sepsis.evidence.trial_checks import analyse_binary, published_numbers, verdict_counts
from ta1sepsis.report import plots
from ta1sepsis.report.answers import bottom_line, fmt_ci, fmt_p
from ta1sepsis.report.narrative import say, show
from ta1sepsis.report.outputs import output_prefix, project_root, save_table, show_figure
from ta1sepsis.report.results import Results
from ta1sepsis.stats import bayes
from ta1sepsis.stats.binary import TwoByTwo
from ta1sepsis.stats.fragility import applicable_fragility
from ta1sepsis.stats.hazards import hazard_ratio_constant_hazards
from ta1sepsis.stats.meta_methods import trials_to_studies
from ta1sepsis.stats.meta_pooling import mantel_haenszel
from ta1sepsis.stats.meta_workflow import order_studies
from ta1sepsis.stats.sample_size import power_two_proportions
from ta1sepsis.stats.tsa import SHORT, trial_sequential_analysis

plots.setup()
root = project_root()
trials = load_trials(root / trials_file)
estimates = load_estimates(root / estimates_file)
facts = load_facts(root / facts_file)
name = output_prefix(f"trials/{study_id}")
results = Results(name)
rows = trials[trials.study_id == study_id]
if rows.empty:
    raise ValueError(
        f"study_id {study_id!r} is not in {trials_file}; study ids there: {sorted(set(trials.study_id))}"
    )
label = str(rows.iloc[0]["study"])
results.add(f"{study_id}.study", label, description="the trial, as labelled in the trials file")
control_label = "placebo" if "placebo" in str(rows.iloc[0]["control"]).lower() else "control"
words = {r.outcome: outcome_words(r.outcome, r.outcome_definition) for r in rows.itertuples()}
analyses = {
    r.outcome: analyse_binary(TwoByTwo.from_row(r._asdict()), confidence) for r in rows.itertuples()
}
primary_outcome = meta_outcome if meta_outcome in analyses else rows.iloc[0]["outcome"]
primary = analyses[primary_outcome]
t = primary.table
numbers, alternatives = {}, {}
for o, a in analyses.items():
    numbers[o], alternatives[o] = published_numbers(a, estimates, study_id, o, label=words[o])
all_numbers = pd.concat(numbers.values(), ignore_index=True)
all_alternatives = pd.concat(alternatives.values(), ignore_index=True)

# The Bayesian reanalysis of the primary outcome (risk ratio from the counts)
mcid = bayes.mcid_ratio(mcid_relative_reduction)
priors = {
    "sceptical": bayes.sceptical_prior(mcid),
    "neutral": bayes.Normal(0.0, neutral_sd),
    "minimally informative": bayes.Normal(0.0, vague_sd),
    "enthusiastic": bayes.enthusiastic_prior(mcid),
}
bayes_rows, posteriors = [], {}
if primary.rr is not None:
    log_rr = math.log(primary.rr.estimate)
    se_rr = (math.log(primary.rr.upper) - math.log(primary.rr.lower)) / (2 * 1.959963984540054)
    for prior_name, prior in priors.items():
        post = posteriors[prior_name] = bayes.posterior(prior, log_rr, se_rr)
        s = bayes.summarise(post, (mcid,), 1.0, t.risk_ctl if 0 < t.risk_ctl < 1 else None, absolute_benefits=tuple(dict.fromkeys([*absolute_benefits, mcid_absolute_reduction])), absolute_harm=absolute_harm, scale="RR")
        bayes_rows.append(
            {
                "prior": prior_name,
                "prior median RR": prior.median_ratio,
                "prior SD (log)": prior.sd,
                **s,
            }
        )
bayes_table = pd.DataFrame(bayes_rows)

# The trial in the pooled evidence: with and without it
pool = trials_to_studies(trials, meta_outcome) if (trials.outcome == meta_outcome).any() else None
meta = {}
if pool is not None and study_id in set(pool.study_id):
    ordered, _ = order_studies(pool)
    others = ordered[ordered.study_id != study_id]
    control_risk = float(ordered["ci"].sum() / ordered["n2i"].sum())
    for which, part in (("with", ordered), ("without", others)):
        if part.empty:
            continue
        entry = {"k": len(part), "patients": int((part.n1i + part.n2i).sum())}
        try:
            entry["pooled"] = mantel_haenszel(part, meta_measure).summary()
        except ValueError as error:
            entry["pooled"] = None
            entry["note"] = str(error)
        entry["tsa"] = {
            model: trial_sequential_analysis(part, control_risk, mcid_relative_reduction, meta_measure, model=model, alpha=tsa_alpha, beta=tsa_beta, futility=True, order=None, correction=correction, grid_points=0)
            for model in ("fixed", "random_dl")
        }
        meta[which] = entry

# %%
rr_text = (
    fmt_ci(primary.rr.estimate, primary.rr.lower, primary.rr.upper)
    if primary.rr is not None
    else "not estimable"
)
counts_text = ", ".join(f"{n} {v}" for v, n in verdict_counts(all_numbers).items())
frag = applicable_fragility(t, alpha)
# Cochran's rule: the chi-square approximation needs every expected count to be 5 or more
n_all = t.n_trt + t.n_ctl
events_all = t.events_trt + t.events_ctl
sparse = (
    min(n * m / n_all for n in (t.n_trt, t.n_ctl) for m in (events_all, n_all - events_all)) < 5
)
sceptic = bayes_table.set_index("prior").loc["sceptical"] if len(bayes_table) else None
answer = (
    f"{label}, {words[primary_outcome]}: {treatment_label} {t.events_trt}/{t.n_trt} ({t.risk_trt:.1%}) vs {control_label} "
    f"{t.events_ctl}/{t.n_ctl} ({t.risk_ctl:.1%}); risk ratio {rr_text}, risk difference "
    f"{100 * primary.rd_newcombe.estimate:.1f} percentage points ({100 * primary.rd_newcombe.lower:.1f} to "
    f"{100 * primary.rd_newcombe.upper:.1f}, Newcombe hybrid score interval)"
    + (
        f", {fmt_p(primary.fisher.p_value)} (Fisher's exact test: an expected count is below 5)"
        if sparse or primary.pearson is None
        else f", {fmt_p(primary.pearson.p_value)} (Pearson chi-square)"
    )
    + (
        f". Of its {len(all_numbers)} published numbers found in the data: {counts_text}. "
        if len(all_numbers)
        else f". No published number of this trial is in `{estimates_file}` or `{facts_file}`, so none is checked. "
    )
    + (
        f"{'Changing' if frag.index is not None else 'No change of'} the outcome of "
        + (f"{frag.index} patient(s)" if frag.index is not None else "any number of patients")
        + f" would {'remove' if frag.kind == 'fragility index' else 'create'} statistical significance ({frag.kind}). "
    )
    + (
        f"A sceptic (prior centred on no effect, 5% probability of a {100 * mcid_relative_reduction:.0f}% reduction or more) "
        f"would put the probability of any benefit at {sceptic['p_benefit']:.0%} and of a reduction of at least "
        f"{100 * mcid_relative_reduction:.0f}% at {sceptic[f'p_below_{mcid:g}']:.0%}."
        if sceptic is not None
        else ""
    )
)
caveat = (
    "A single trial's estimate is imprecise, and published hazard ratios or log-rank P values need the times to event, "
    "which are not available: those numbers are shown but cannot be recomputed."
)
bottom_line(
    answer,
    caveat,
    [
        f"MCID: relative risk reduction {100 * mcid_relative_reduction:.0f}% and absolute reduction {100 * mcid_absolute_reduction:g} "
        "percentage points (assumptions, params/shared.yaml); they shape the sceptical and enthusiastic priors, the power and the TSA",
        f"neutral prior SD {neutral_sd:g} and minimally informative prior SD {vague_sd:g} on the log scale (assumptions)",
        f"significance level α = {alpha} for the fragility index (assumption)",
    ],
)

# %% [markdown]
# ## 1. The trial

# %%
design = rows.iloc[0]
show(
    pd.DataFrame(
        [
            {"item": item, "value": str(design[col])}
            for item, col in (
                ("study", "study"),
                ("year", "year"),
                ("design", "design"),
                ("intervention", "intervention"),
                ("control", "control"),
                ("dosing", "dosing"),
                ("blinding", "blinding"),
                ("centres", "centres"),
                ("country", "country"),
                ("analysis population", "population"),
                ("source", "source"),
            )
            if col in design and str(design[col]) not in ("", "nan", "None")
        ]
    )
)
show(
    pd.DataFrame(
        [
            {
                "outcome": words[r.outcome],
                f"{treatment_label} events / N": f"{r.events_trt}/{r.n_trt}",
                f"{control_label} events / N": f"{r.events_ctl}/{r.n_ctl}",
                "data flag": r.value_flag,
                "how derived": r.derivation or "(read in the source)",
            }
            for r in rows.itertuples()
        ]
    )
)
if (rows.value_flag == "derived").any():
    say(
        "Rows flagged *derived* are counts reconstructed from published percentages or paired from two sources (the "
        "`derivation` column of the trials file says how); they are used as such, not as read data."
    )

# %% [markdown]
# ## 2. Every outcome recomputed from the counts

# %%
outcome_rows = []
for o, a in analyses.items():
    outcome_rows.append(
        {
            "outcome": words[o],
            f"{treatment_label} risk": a.risk_trt.estimate,
            f"{control_label} risk": a.risk_ctl.estimate,
            "RR": a.rr.estimate if a.rr else math.nan,
            "RR lower": a.rr.lower if a.rr else math.nan,
            "RR upper": a.rr.upper if a.rr else math.nan,
            "OR": a.odds.estimate if a.odds else math.nan,
            "RD (pp)": 100 * a.rd_wald.estimate,
            "RD lower": 100 * a.rd_wald.lower,
            "RD upper": 100 * a.rd_wald.upper,
            "NNT": a.nnt.describe() if a.nnt else "",
            "P (Pearson)": a.pearson.p_value if a.pearson else math.nan,
            "P (Fisher)": a.fisher.p_value,
            "notes": "; ".join(a.notes),
        }
    )
outcome_table = pd.DataFrame(outcome_rows)
show(outcome_table)
save_table(outcome_table, f"{name}_outcomes")


def published_triple(o, measure):
    key = f"{study_id}.{o}.{measure}"
    e = estimates.set_index("estimate_id")
    return (
        tuple(e.loc[key, ["estimate", "ci_lower", "ci_upper"]])
        if key in e.index and not pd.isna(e.loc[key, "ci_lower"])
        else None
    )


overview = [
    {
        "label": words[o]
        + (
            "\n(derived counts)"
            if rows.set_index("outcome").loc[o, "value_flag"] == "derived"
            else ""
        ),
        "analysis": a,
        "published_rr": published_triple(o, "rr"),
        "published_rd": published_triple(o, "rd"),
    }
    for o, a in analyses.items()
    if a.rr is not None
]
if overview:
    fig = plots.trial_overview(
        overview,
        f"{label}: outcomes with {treatment_label} vs {control_label}",
        control_label=control_label,
        treatment_label=treatment_label,
    )
    show_figure(fig, f"{name}_overview")

# %% [markdown]
# ## 3. The published numbers beside the recomputation
#
# Each published number gets one verdict: that of the standard method that reproduces it best
# (*reproduced*; *within rounding*: the recomputed value rounds to the printed one; *last digit
# off by one*; *not reproduced*; or *not reproducible from the available data*). The methods that
# do not reproduce it are listed after it as alternatives, not counted as failures.

# %%
show(all_numbers)
save_table(all_numbers, f"{name}_published_vs_recomputed")
say(
    f"{len(all_numbers)} published numbers: {counts_text}."
    if len(all_numbers)
    else f"No published number of this trial is in `{estimates_file}` or `{facts_file}`; nothing to compare."
)
show(all_alternatives)
save_table(all_alternatives, f"{name}_methods_tried")
p_rows = all_numbers[all_numbers.quantity.str.contains(r": P \(") & (all_numbers.method != "")]
if len(p_rows):
    say(
        "Which test reproduces each published P value: "
        + "; ".join(
            f"{r.quantity.split(': P ')[0]} P = {r.published} ({r.quantity.split(': P ')[1].strip('()')}): "
            + (
                f"{r.method} ({r.verdict})"
                if r.verdict != "not reproducible from the available data"
                else f"not reproducible ({r.method})"
            )
            for r in p_rows.itertuples()
        )
        + "."
    )

# %% [markdown]
# ## 4. Fragility
#
# The fragility index (Walsh et al., J Clin Epidemiol 2014) counts how many patients' outcomes
# would have to change to lose statistical significance; the reverse fragility index (Khan et al.,
# JAMA Netw Open 2020) how many to gain it. Both use Fisher's exact test at level α.

# %%
fragility_rows = []
for o, a in analyses.items():
    f = applicable_fragility(a.table, alpha)
    fragility_rows.append(
        {
            "outcome": words[o],
            "Fisher P": a.fisher.p_value,
            "index": f.kind,
            "value": f.index,
            "arm changed": treatment_label if f.arm == "treatment" else f.arm,
            "P after the change": f.p_after,
            "share of patients (%)": 100 * f.index / (a.table.n_trt + a.table.n_ctl)
            if f.index
            else math.nan,
        }
    )
    key = "fragility_index" if f.kind == "fragility index" else "reverse_fragility_index"
    if f.index is not None:
        results.add(
            f"{study_id}.{o}.{key}",
            f.index,
            unit="patients",
            description=f"{f.kind} of {words[o]} (Fisher exact, alpha {alpha})",
        )
fragility = pd.DataFrame(fragility_rows)
show(fragility)
save_table(fragility, f"{name}_fragility")

# %% [markdown]
# ## 5. Power for the minimal clinically important difference
#
# What this trial could detect, given the control risk it observed: its power for the MCID (an
# assumption), and the smallest relative reduction it had the target power to detect.

# %%
if 0 < t.risk_ctl < 1:
    p_c = t.risk_ctl
    power_rel = power_two_proportions(p_c, p_c * (1 - mcid_relative_reduction), t.n_trt, t.n_ctl, alpha=alpha)
    power_abs = power_two_proportions(p_c, max(p_c - mcid_absolute_reduction, 1e-6), t.n_trt, t.n_ctl, alpha=alpha)

    def power_gap(r):
        return power_two_proportions(p_c, p_c * (1 - r), t.n_trt, t.n_ctl, alpha=alpha) - power

    # None when even a near-complete reduction would not reach the target power
    detectable = optimize.brentq(power_gap, 1e-4, 0.9999) if power_gap(0.9999) > 0 else None
    say(
        f"At the observed {control_label} risk of {p_c:.1%} ({words[primary_outcome]}), the {t.n_trt + t.n_ctl} patients gave a power of "
        f"{power_rel:.0%} to detect a {100 * mcid_relative_reduction:.0f}% relative reduction and {power_abs:.0%} to detect an absolute "
        f"reduction of {100 * mcid_absolute_reduction:g} percentage points (the MCID, assumptions; two-sided α = {alpha}, two-proportion "
        "test). "
        + (
            f"With {power:.0%} power it could detect a relative reduction of {detectable:.0%} or more."
            if detectable is not None
            else f"Even a complete reduction would not have been detected with {power:.0%} power: the trial is too small for its control risk."
        )
    )
    results.add(
        f"{study_id}.power.mcid_relative",
        power_rel,
        unit="probability",
        description=f"power for the MCID relative reduction at the observed control risk ({words[primary_outcome]})",
    )
    results.add(
        f"{study_id}.power.mcid_absolute",
        power_abs,
        unit="probability",
        description="power for the MCID absolute reduction at the observed control risk",
    )
    if detectable is not None:
        results.add(
            f"{study_id}.power.detectable_rrr",
            detectable,
            unit="proportion",
            description=f"relative reduction detectable with {power:.0%} power",
        )

# %% [markdown]
# ## 6. What should a reader believe after this trial?
#
# The risk ratio of the primary outcome (from the counts; normal likelihood on the log scale)
# combined with named priors: **sceptical** (centred on no effect, 5% probability of a reduction
# at least as large as the MCID), **neutral** (centred on no effect, 95% of the mass between ratios
# of about 0.5 and 2), **minimally informative**, and **enthusiastic** (centred on the MCID, 5%
# probability of harm). Absolute probabilities are at the trial's own control risk.

# %%
if len(bayes_table):
    show(bayes_table)
    save_table(bayes_table, f"{name}_bayes")
    fig = plots.prior_likelihood_posterior(
        priors,
        type("L", (), {"log_estimate": log_rr, "se": se_rr})(),
        f"{label}, {words[primary_outcome]}: priors, likelihood (risk ratio from the counts) and posteriors",
        likelihood_label=f"likelihood ({label})",
        ratio_label="risk ratio",
    )
    show_figure(fig, f"{name}_bayes")
    b = bayes_table.set_index("prior")
    say(
        "Posterior probability of any benefit (RR < 1), of a reduction of at least the MCID, and of an absolute reduction of at "
        f"least {100 * mcid_absolute_reduction:g} percentage points: "
        + "; ".join(
            f"{p}: {b.loc[p, 'p_benefit']:.0%}, {b.loc[p, f'p_below_{mcid:g}']:.0%} and {b.loc[p, f'p_arr_ge_{100 * mcid_absolute_reduction:g}pp']:.0%}"
            for p in b.index
        )
        + f". Probability of an absolute harm of at least {100 * absolute_harm:g} points: "
        + "; ".join(f"{p}: {b.loc[p, f'p_ari_ge_{100 * absolute_harm:g}pp']:.0%}" for p in b.index)
        + "."
    )
    for p, r in b.iterrows():
        key = f"{study_id}.bayes.{p.replace(' ', '_')}"
        results.add(
            key,
            r["median"],
            lower=r["lower"],
            upper=r["upper"],
            level=0.95,
            unit="ratio",
            description=f"posterior median RR and 95% credible interval, {p} prior, {words[primary_outcome]}",
        )
        for col in [c for c in b.columns if c.startswith("p_")]:
            results.add(f"{key}.{col}", r[col], unit="probability", description=f"{col}, {p} prior")
else:
    say(
        "The risk ratio of the primary outcome is not estimable, so the Bayesian reanalysis does not apply."
    )

# %% [markdown]
# ## 7. How this trial moves the pooled evidence

# %%
if "with" in meta:
    meta_rows = []
    for which, entry in meta.items():
        pooled = entry["pooled"]
        row = {
            "analysis": f"{which} {label}",
            "trials": entry["k"],
            "patients": entry["patients"],
            f"pooled {meta_measure} (Mantel-Haenszel)": fmt_ci(
                pooled["estimate"], pooled["lower"], pooled["upper"]
            )
            if pooled
            else entry.get("note", ""),
        }
        for model, res in entry["tsa"].items():
            row[f"TSA {model}: fraction of information size"] = res.adjusted["fraction"]
            row[f"TSA {model}: conclusion"] = SHORT[res.conclusion]
        meta_rows.append(row)
        if pooled:
            results.add(
                f"{study_id}.meta.{which}.{meta_measure.lower()}_mh",
                pooled["estimate"],
                lower=pooled["lower"],
                upper=pooled["upper"],
                level=0.95,
                unit="ratio",
                description=f"pooled {meta_measure} of {meta_outcome} {which} this trial (Mantel-Haenszel)",
            )
        for model, res in entry["tsa"].items():
            results.add(
                f"{study_id}.meta.{which}.tsa_{model}.fraction",
                res.adjusted["fraction"],
                unit="proportion",
                description=f"TSA ({model}) information fraction {which} this trial",
            )
            results.add(
                f"{study_id}.meta.{which}.tsa_{model}.conclusion",
                res.conclusion,
                description=f"TSA ({model}) conclusion {which} this trial",
            )
    meta_table = pd.DataFrame(meta_rows)
    show(meta_table)
    save_table(meta_table, f"{name}_meta_with_without")
    if "without" in meta and meta["without"]["pooled"] and meta["with"]["pooled"]:
        w, wo = meta["with"]["pooled"], meta["without"]["pooled"]
        say(
            f"Without {label}, the {meta['without']['k']} other trial(s) with counts pool to {meta_measure} "
            f"{fmt_ci(wo['estimate'], wo['lower'], wo['upper'])}; with it, {fmt_ci(w['estimate'], w['lower'], w['upper'])}. "
            f"The trial adds {meta['with']['patients'] - meta['without']['patients']} patients and moves the common-effect TSA from "
            f"{meta['without']['tsa']['fixed'].adjusted['fraction']:.0%} to {meta['with']['tsa']['fixed'].adjusted['fraction']:.0%} of its "
            f"information size ({SHORT[meta['without']['tsa']['fixed'].conclusion]} → {SHORT[meta['with']['tsa']['fixed'].conclusion]}). "
            "Both analyses use the pooled control risk of all the trials, so only this trial's contribution changes."
        )
    else:
        say(
            f"{label} is the only trial with counts for this outcome; the pooled evidence is this trial."
        )
else:
    say(
        f"{label} does not report `{meta_outcome}`; it does not enter the pooled analysis of that outcome."
    )

# %% [markdown]
# ## 8. Key numbers

# %%
for o, a in analyses.items():
    k = f"{study_id}.{o}"
    what = words[o] + (
        " (derived counts)" if rows.set_index("outcome").loc[o, "value_flag"] == "derived" else ""
    )
    results.add(
        f"{k}.risk_trt",
        a.risk_trt.estimate,
        lower=a.risk_trt.lower,
        upper=a.risk_trt.upper,
        level=confidence,
        unit="proportion",
        description=f"{what}, {treatment_label} arm (Wilson CI)",
    )
    results.add(
        f"{k}.risk_ctl",
        a.risk_ctl.estimate,
        lower=a.risk_ctl.lower,
        upper=a.risk_ctl.upper,
        level=confidence,
        unit="proportion",
        description=f"{what}, {control_label} arm (Wilson CI)",
    )
    if a.rr is not None:
        results.add(
            f"{k}.rr",
            a.rr.estimate,
            lower=a.rr.lower,
            upper=a.rr.upper,
            level=confidence,
            unit="ratio",
            description=f"{what}, risk ratio (log CI)",
        )
        results.add(
            f"{k}.or",
            a.odds.estimate,
            lower=a.odds.lower,
            upper=a.odds.upper,
            level=confidence,
            unit="ratio",
            description=f"{what}, odds ratio (logit CI)",
        )
    results.add(
        f"{k}.rd_wald",
        a.rd_wald.estimate,
        lower=a.rd_wald.lower,
        upper=a.rd_wald.upper,
        level=confidence,
        unit="proportion",
        description=f"{what}, risk difference {treatment_label} minus {control_label} (Wald CI)",
    )
    results.add(
        f"{k}.rd_newcombe",
        a.rd_newcombe.estimate,
        lower=a.rd_newcombe.lower,
        upper=a.rd_newcombe.upper,
        level=confidence,
        unit="proportion",
        description=f"{what}, risk difference (Newcombe hybrid score CI)",
    )
    if a.nnt is not None:
        results.add(
            f"{k}.nnt", a.nnt.estimate, unit="patients", description=f"{what}: {a.nnt.describe()}"
        )
    for test in a.tests:
        key = {
            "Pearson chi-square": "p_pearson",
            "Pearson chi-square with Yates correction": "p_yates",
            "Fisher exact": "p_fisher",
        }[test.name]
        results.add(f"{k}.{key}", test.p_value, description=f"{what}: {test.name} P")
    try:
        hr = hazard_ratio_constant_hazards(a.table, confidence)
        results.add(
            f"{k}.hr_constant_hazards",
            hr.estimate,
            lower=hr.lower,
            upper=hr.upper,
            level=confidence,
            unit="ratio",
            description=f"{what}: HR implied by the risks under constant hazards",
        )
    except ValueError:
        pass
results.add(
    f"{study_id}.published_numbers",
    all_numbers.to_dict("records"),
    description="every published number of the trial with the method that reproduces it best and its verdict",
)
results.add(
    f"{study_id}.verdicts",
    verdict_counts(all_numbers),
    description="published numbers by verdict (each once, under its best method)",
)
results.add(
    f"{study_id}.mcid_ratio",
    mcid,
    unit="ratio",
    description="ratio 1 - MCID relative reduction anchoring the priors (assumption)",
)
results.write()
say(f"{len(results)} key numbers written to `results/{name}.json`.")
