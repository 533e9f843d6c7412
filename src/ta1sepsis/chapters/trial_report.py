"""trial_report: one trial, every outcome recomputed from its counts beside its published
numbers, fragility, power for the design effect, a Bayesian reading and its effect on the pooled
evidence. A template: rendered once per trial of ``params/trials.yaml``."""

from __future__ import annotations

import math

import pandas as pd
from scipy import optimize

from ta1sepsis.chapters.base import Chapter, thresholds_for
from ta1sepsis.data.evidence_tables import load_method_facts
from ta1sepsis.data.labels import outcome_words
from ta1sepsis.data.loader import load_estimates, load_facts, load_trials
from ta1sepsis.evidence.trial_checks import (
    BinaryAnalysis,
    analyse_binary,
    published_numbers,
    verdict_counts,
)
from ta1sepsis.report import plots
from ta1sepsis.report.answers import bottom_line, fmt_ci, fmt_p
from ta1sepsis.report.narrative import plural, say, show
from ta1sepsis.report.outputs import save_table, show_figure
from ta1sepsis.stats import bayes
from ta1sepsis.stats.binary import Interval, TwoByTwo, number_needed_to_treat, z_critical
from ta1sepsis.stats.fragility import applicable_fragility
from ta1sepsis.stats.hazards import hazard_ratio_constant_hazards
from ta1sepsis.stats.meta_methods import trials_to_studies
from ta1sepsis.stats.meta_pooling import mantel_haenszel
from ta1sepsis.stats.meta_workflow import order_studies
from ta1sepsis.stats.sample_size import power_two_proportions
from ta1sepsis.stats.tsa import SHORT, trial_sequential_analysis

TEST_KEYS = {
    "Pearson chi-square": "p_pearson",
    "Pearson chi-square with Yates correction": "p_yates",
    "Fisher exact": "p_fisher",
}


def log_se(interval: Interval) -> float:
    """Standard error of a log ratio recovered from its interval at the interval's own level.

    Parameters
    ----------
    interval : Interval
        A ratio with its Wald interval on the log scale, and that interval's ``level``.

    Returns
    -------
    float
        (ln upper - ln lower) / (2 z), z the standard normal quantile for ``interval.level``;
        the same whatever the level the interval was computed at.
    """
    return (math.log(interval.upper) - math.log(interval.lower)) / (2 * z_critical(interval.level))


def sparse(t: TwoByTwo) -> bool:
    """Cochran's rule: the chi-square approximation needs every expected count to be 5 or more."""
    n_all = t.n_trt + t.n_ctl
    events = t.events_trt + t.events_ctl
    return min(n * m / n_all for n in (t.n_trt, t.n_ctl) for m in (events, n_all - events)) < 5


def outcome_rows(
    analyses: dict[str, BinaryAnalysis], words: dict[str, str], treatment: str, control: str
) -> pd.DataFrame:
    """One row per outcome: risks, RR, OR, RD (percentage points), NNT and one test.

    One method per number, as in the bottom line: the risk difference with Newcombe's hybrid
    score interval and the NNT from it (a Wald interval misbehaves near 0 and 1 events), and
    Fisher's exact test when an expected count is below 5 (Pearson's chi-square otherwise).

    Parameters
    ----------
    analyses : dict
        Outcome key -> :class:`~ta1sepsis.evidence.trial_checks.BinaryAnalysis`.
    words : dict
        Outcome key -> the outcome in words.
    treatment, control : str
        Names of the arms, for the column headers.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> from ta1sepsis.evidence.trial_checks import analyse_binary
    >>> rows = outcome_rows({"d": analyse_binary(TwoByTwo(1, 10, 6, 10))}, {"d": "death"},
    ...                     "T", "C")
    >>> rows.loc[0, "test"], rows.loc[0, "NNT"]
    ('Fisher exact', 'NNTB 2.0 (1.3 to 12.3)')
    """
    rows = []
    for o, a in analyses.items():
        rd = a.rd_newcombe
        try:
            nnt = number_needed_to_treat(rd).describe()
        except ValueError:
            nnt = ""
        exact = sparse(a.table) or a.pearson is None
        test = a.fisher if exact else a.pearson
        rows.append(
            {
                "outcome": words[o],
                f"{treatment} risk": a.risk_trt.estimate,
                f"{control} risk": a.risk_ctl.estimate,
                "RR": a.rr.estimate if a.rr else math.nan,
                "RR lower": a.rr.lower if a.rr else math.nan,
                "RR upper": a.rr.upper if a.rr else math.nan,
                "OR": a.odds.estimate if a.odds else math.nan,
                "RD (pp)": 100 * rd.estimate,
                "RD lower": 100 * rd.lower,
                "RD upper": 100 * rd.upper,
                "NNT": nnt,
                "P": test.p_value,
                "test": test.name,
                "notes": "; ".join(a.notes),
            }
        )
    return pd.DataFrame(rows)


class TrialReport(Chapter):
    """One trial's report (template trial_report, one rendering per trial)."""

    notebook = "trial_report"

    def default_prefix(self) -> str:
        return f"trials/{self.p.study_id}"

    def __init__(self, **parameters):
        super().__init__(**parameters)
        p = self.p
        self.trials = load_trials(self.path(p.trials_file))
        self.estimates = load_estimates(self.path(p.estimates_file))
        self.facts = load_facts(self.path(p.facts_file))
        self.name = self.results.notebook
        rows = self.trials[self.trials.study_id == p.study_id]
        if rows.empty:
            raise KeyError(
                f"{p.trials_file} has no study_id {p.study_id!r} (named by the parameter "
                f"'study_id'); study ids there: {sorted(set(self.trials.study_id))}"
            )
        self.rows = rows
        self.label = str(rows.iloc[0]["study"])
        self.results.add(
            f"{p.study_id}.study",
            self.label,
            description="the trial, as labelled in the trials file",
        )
        self.control = "placebo" if "placebo" in str(rows.iloc[0]["control"]).lower() else "control"
        self.words = {
            r.outcome: outcome_words(r.outcome, r.outcome_definition) for r in rows.itertuples()
        }
        self.analyses = {
            r.outcome: analyse_binary(TwoByTwo.from_row(r._asdict()), p.confidence)
            for r in rows.itertuples()
        }
        self.primary_outcome = (
            p.meta_outcome if p.meta_outcome in self.analyses else rows.iloc[0]["outcome"]
        )
        self.primary = self.analyses[self.primary_outcome]
        self.t = self.primary.table
        numbers, alternatives = {}, {}
        for o, a in self.analyses.items():
            numbers[o], alternatives[o] = published_numbers(
                a, self.estimates, p.study_id, o, label=self.words[o]
            )
        self.numbers = pd.concat(numbers.values(), ignore_index=True)
        self.alternatives = pd.concat(alternatives.values(), ignore_index=True)
        self.thresholds = thresholds_for(
            p,
            load_method_facts(self.path(p.method_facts_file)),
            "mortality",
            file=p.method_facts_file,
        )
        self.benefit, self.harm = self.thresholds[0][1], self.thresholds[0][2]
        self.bayes_setup()
        self.meta_setup()

    def bayes_setup(self) -> None:
        """The risk ratio of the primary outcome (normal likelihood on the log scale, its SE
        from the interval at that interval's own level) under named priors."""
        p, t = self.p, self.t
        self.mcid = mcid = bayes.mcid_ratio(p.design_relative_reduction)
        self.priors = {
            "sceptical": bayes.sceptical_prior(mcid),
            "neutral": bayes.Normal(0.0, p.neutral_sd),
            "minimally informative": bayes.Normal(0.0, p.vague_sd),
            "enthusiastic": bayes.enthusiastic_prior(mcid),
        }
        rows = []
        self.log_rr = self.se_rr = None
        if self.primary.rr is not None:
            self.log_rr = math.log(self.primary.rr.estimate)
            self.se_rr = log_se(self.primary.rr)
            for prior_name, prior in self.priors.items():
                post = bayes.posterior(prior, self.log_rr, self.se_rr)
                s = bayes.summarise(
                    post,
                    (mcid,),
                    1.0,
                    t.risk_ctl if 0 < t.risk_ctl < 1 else None,
                    absolute_benefits=tuple(dict.fromkeys(b / 1000 for _, b, _ in self.thresholds)),
                    absolute_harm=self.harm / 1000,
                    scale="RR",
                    level=p.confidence,
                )
                rows.append(
                    {
                        "prior": prior_name,
                        "prior median RR": prior.median_ratio,
                        "prior SD (log)": prior.sd,
                        **s,
                    }
                )
        self.bayes_table = pd.DataFrame(rows)

    def meta_setup(self) -> None:
        """The trial in the pooled evidence of ``meta_outcome``: with and without it."""
        p, trials = self.p, self.trials
        self.meta = {}
        if not (trials.outcome == p.meta_outcome).any():
            return
        pool = trials_to_studies(trials, p.meta_outcome)
        if p.study_id not in set(pool.study_id):
            return
        ordered, _ = order_studies(pool)
        others = ordered[ordered.study_id != p.study_id]
        control_risk = float(ordered["ci"].sum() / ordered["n2i"].sum())
        for which, part in (("with", ordered), ("without", others)):
            if part.empty:
                continue
            entry = {"k": len(part), "patients": int((part.n1i + part.n2i).sum())}
            try:
                fit = mantel_haenszel(part, p.meta_measure, p.confidence)
                s = fit.summary()
                entry["pooled"] = Interval(s["estimate"], s["lower"], s["upper"], fit.level)
            except ValueError as error:
                entry["pooled"] = None
                entry["note"] = str(error)
            if not 0 < control_risk < 1:
                # every control patient had the event (or none did): no information size exists
                entry["tsa"] = {}
                entry["tsa_note"] = (
                    f"no trial sequential analysis: the pooled control risk is {control_risk:g}, "
                    "and the information size needs one strictly between 0 and 1"
                )
                self.meta[which] = entry
                continue
            entry["tsa"] = {
                model: trial_sequential_analysis(
                    part,
                    control_risk,
                    p.design_relative_reduction,
                    p.meta_measure,
                    model=model,
                    alpha=p.tsa_alpha,
                    beta=p.tsa_beta,
                    futility=True,
                    order=None,
                    correction=p.correction,
                    grid_points=0,  # tabulated, not drawn
                )
                for model in ("fixed", "random_dl")
            }
            self.meta[which] = entry

    def ci(self, interval: Interval) -> str:
        return fmt_ci(interval.estimate, interval.lower, interval.upper, level=interval.level)

    @property
    def events_word(self) -> str:
        return "deaths" if "mortality" in self.primary_outcome else "events"

    def tsa_sentence(self) -> str:
        """The TSA with this trial, status at the last trial and any earlier crossing."""
        w = self.meta.get("with")
        if not w or "tsa" not in w or "fixed" not in w["tsa"]:
            return ""
        res = w["tsa"]["fixed"]
        return (
            f" With this trial, the common-effect trial sequential analysis of the pooled "
            f"trials, at the last trial: {res.conclusion_text}."
        )

    def bottom_line(self) -> None:
        p, t, primary = self.p, self.t, self.primary
        rr_text = self.ci(primary.rr) if primary.rr is not None else "not estimable"
        counts_text = ", ".join(f"{n} {v}" for v, n in verdict_counts(self.numbers).items())
        frag = applicable_fragility(t, p.alpha)
        sceptic = (
            self.bayes_table.set_index("prior").loc["sceptical"] if len(self.bayes_table) else None
        )
        rd = primary.rd_newcombe
        answer = (
            f"{self.label}, {self.words[self.primary_outcome]}: {p.treatment_label} "
            f"{t.events_trt}/{t.n_trt} ({t.risk_trt:.1%}) vs {self.control} "
            f"{t.events_ctl}/{t.n_ctl} ({t.risk_ctl:.1%}); risk ratio {rr_text}, risk difference "
            f"{100 * rd.estimate:.1f} percentage points ({100 * rd.lower:.1f} to "
            f"{100 * rd.upper:.1f}, Newcombe hybrid score interval)"
            + (
                f", {fmt_p(primary.fisher.p_value)} (Fisher's exact test: an expected count is "
                "below 5)"
                if sparse(t) or primary.pearson is None
                else f", {fmt_p(primary.pearson.p_value)} (Pearson chi-square)"
            )
            + (
                f". Of its {len(self.numbers)} published numbers found in the data: {counts_text}. "
                if len(self.numbers)
                else f". No published number of this trial is in `{p.estimates_file}` or "
                f"`{p.facts_file}`, so none is checked. "
            )
            + (
                f"{'Changing' if frag.index is not None else 'No change of'} the outcome of "
                + (
                    plural(frag.index, "patient")
                    if frag.index is not None
                    else "any number of patients"
                )
                + f" would {'remove' if frag.kind == 'fragility index' else 'create'} statistical "
                f"significance ({frag.kind}). "
            )
            + (
                "A sceptic (prior centred on no effect, 5% probability of a "
                f"{100 * p.design_relative_reduction:.0f}% reduction or more) would put the "
                f"probability of any benefit at {sceptic['p_benefit']:.0%}, of at least "
                f"{self.benefit:g} fewer {self.events_word} per 1000 at "
                f"{sceptic[bayes.absolute_column('arr', self.benefit / 1000)]:.0%} and of at least {self.harm:g} "
                f"more at {sceptic[bayes.absolute_column('ari', self.harm / 1000)]:.0%} (decision thresholds, "
                "assumptions)."
                if sceptic is not None
                and bayes.absolute_column("arr", self.benefit / 1000) in sceptic
                else ""
            )
            + self.tsa_sentence()
        )
        bottom_line(
            answer,
            "A single trial's estimate is imprecise, and published hazard ratios or log-rank P "
            "values need the times to event, which are not available: those numbers are shown but "
            "cannot be recomputed.",
            [
                f"design effect: relative risk reduction {100 * p.design_relative_reduction:.0f}% "
                f"and absolute reduction {100 * p.design_absolute_reduction:g} percentage points "
                "(assumptions, params/shared.yaml); they shape the sceptical and enthusiastic "
                "priors, the power and the TSA",
                f"decision thresholds: {self.benefit:g} fewer and {self.harm:g} more per 1000 "
                "(assumptions, params/shared.yaml; alternatives sourced in "
                f"{p.method_facts_file})",
                f"neutral prior SD {p.neutral_sd:g} and minimally informative prior SD "
                f"{p.vague_sd:g} on the log scale (assumptions)",
                f"significance level α = {p.alpha} for the fragility index (assumption)",
            ],
        )

    def section_trial(self) -> None:
        p, rows = self.p, self.rows
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
                        "outcome": self.words[r.outcome],
                        f"{p.treatment_label} events / N": f"{r.events_trt}/{r.n_trt}",
                        f"{self.control} events / N": f"{r.events_ctl}/{r.n_ctl}",
                        "data flag": r.value_flag,
                        "how derived": r.derivation or "(read in the source)",
                    }
                    for r in rows.itertuples()
                ]
            )
        )
        if (rows.value_flag == "derived").any():
            say(
                "Rows flagged *derived* are counts reconstructed from published percentages or "
                "paired from two sources (the `derivation` column of the trials file says how); "
                "they are used as such, not as read data."
            )

    def derived(self, outcome: str) -> bool:
        return self.rows.set_index("outcome").loc[outcome, "value_flag"] == "derived"

    def published_triple(self, outcome: str, measure: str):
        key = f"{self.p.study_id}.{outcome}.{measure}"
        e = self.estimates.set_index("estimate_id")
        return (
            tuple(e.loc[key, ["estimate", "ci_lower", "ci_upper"]])
            if key in e.index and not pd.isna(e.loc[key, "ci_lower"])
            else None
        )

    def section_outcomes(self) -> None:
        p = self.p
        table = outcome_rows(self.analyses, self.words, p.treatment_label, self.control)
        show(table)
        save_table(table, f"{self.name}_outcomes")
        overview = [
            {
                "label": self.words[o] + ("\n(derived counts)" if self.derived(o) else ""),
                "analysis": a,
                "published_rr": self.published_triple(o, "rr"),
                "published_rd": self.published_triple(o, "rd"),
            }
            for o, a in self.analyses.items()
            if a.rr is not None
        ]
        if overview:
            fig = plots.trial_overview(
                overview,
                f"{self.label}: outcomes with {p.treatment_label} vs {self.control}",
                control_label=self.control,
                treatment_label=p.treatment_label,
            )
            show_figure(fig, f"{self.name}_overview")

    def section_published(self) -> None:
        p, numbers = self.p, self.numbers
        counts_text = ", ".join(f"{n} {v}" for v, n in verdict_counts(numbers).items())
        show(numbers)
        save_table(numbers, f"{self.name}_published_vs_recomputed")
        say(
            f"{len(numbers)} published numbers: {counts_text}."
            if len(numbers)
            else f"No published number of this trial is in `{p.estimates_file}` or "
            f"`{p.facts_file}`; nothing to compare."
        )
        show(self.alternatives)
        save_table(self.alternatives, f"{self.name}_methods_tried")
        p_rows = numbers[numbers.quantity.str.contains(r": P \(") & (numbers.method != "")]
        if len(p_rows):
            say(
                "Which test reproduces each published P value: "
                + "; ".join(
                    f"{r.quantity.split(': P ')[0]} P = {r.published} "
                    f"({r.quantity.split(': P ')[1].strip('()')}): "
                    + (
                        f"{r.method} ({r.verdict})"
                        if r.verdict != "not reproducible from the available data"
                        else f"not reproducible ({r.method})"
                    )
                    for r in p_rows.itertuples()
                )
                + "."
            )

    def section_fragility(self) -> None:
        p, rows = self.p, []
        for o, a in self.analyses.items():
            f = applicable_fragility(a.table, p.alpha)
            rows.append(
                {
                    "outcome": self.words[o],
                    "Fisher P": a.fisher.p_value,
                    "index": f.kind,
                    "value": f.index,
                    "arm changed": p.treatment_label if f.arm == "treatment" else f.arm,
                    "P after the change": f.p_after,
                    "share of patients (%)": 100 * f.index / (a.table.n_trt + a.table.n_ctl)
                    if f.index
                    else math.nan,
                }
            )
            key = "fragility_index" if f.kind == "fragility index" else "reverse_fragility_index"
            if f.index is not None:
                self.results.add(
                    f"{p.study_id}.{o}.{key}",
                    f.index,
                    unit="patients",
                    description=f"{f.kind} of {self.words[o]} (Fisher exact, alpha {p.alpha})",
                )
        fragility = pd.DataFrame(rows)
        show(fragility)
        save_table(fragility, f"{self.name}_fragility")

    def section_power(self) -> None:
        p, t = self.p, self.t
        if not 0 < t.risk_ctl < 1:
            return
        p_c = t.risk_ctl
        power_rel = power_two_proportions(
            p_c, p_c * (1 - p.design_relative_reduction), t.n_trt, t.n_ctl, alpha=p.alpha
        )
        power_abs = power_two_proportions(
            p_c, max(p_c - p.design_absolute_reduction, 1e-6), t.n_trt, t.n_ctl, alpha=p.alpha
        )

        def power_gap(r):
            return (
                power_two_proportions(p_c, p_c * (1 - r), t.n_trt, t.n_ctl, alpha=p.alpha) - p.power
            )

        # None when even a near-complete reduction would not reach the target power
        detectable = optimize.brentq(power_gap, 1e-4, 0.9999) if power_gap(0.9999) > 0 else None
        words = self.words[self.primary_outcome]
        say(
            f"At the observed {self.control} risk of {p_c:.1%} ({words}), the {t.n_trt + t.n_ctl} "
            f"patients gave a power of {power_rel:.0%} to detect a "
            f"{100 * p.design_relative_reduction:.0f}% relative reduction and {power_abs:.0%} to "
            f"detect an absolute reduction of {100 * p.design_absolute_reduction:g} percentage "
            f"points (the design effect, assumptions; two-sided α = {p.alpha}, two-proportion test). "
            + (
                f"With {p.power:.0%} power it could detect a relative reduction of "
                f"{detectable:.0%} or more."
                if detectable is not None
                else f"Even a complete reduction would not have been detected with {p.power:.0%} "
                "power: the trial is too small for its control risk."
            )
        )
        add = self.results.add
        add(
            f"{p.study_id}.power.design_relative",
            power_rel,
            unit="probability",
            description="power for the design effect's relative reduction at the observed control risk "
            f"({words})",
        )
        add(
            f"{p.study_id}.power.design_absolute",
            power_abs,
            unit="probability",
            description="power for the design effect's absolute reduction at the observed control risk",
        )
        if detectable is not None:
            add(
                f"{p.study_id}.power.detectable_rrr",
                detectable,
                unit="proportion",
                description=f"relative reduction detectable with {p.power:.0%} power",
            )

    def section_bayes(self) -> None:
        p, table = self.p, self.bayes_table
        if not len(table):
            say(
                "The risk ratio of the primary outcome is not estimable, so the Bayesian "
                "reanalysis does not apply."
            )
            return
        show(table)
        save_table(table, f"{self.name}_bayes")
        words = self.words[self.primary_outcome]
        likelihood = type("Likelihood", (), {"log_estimate": self.log_rr, "se": self.se_rr})()
        fig = plots.prior_likelihood_posterior(
            self.priors,
            likelihood,
            f"{self.label}, {words}: priors, likelihood (risk ratio from the counts) and posteriors",
            likelihood_label=f"likelihood ({self.label})",
            ratio_label="risk ratio",
        )
        show_figure(fig, f"{self.name}_bayes")
        b = table.set_index("prior")
        arr, ari = (
            bayes.absolute_column("arr", self.benefit / 1000),
            bayes.absolute_column("ari", self.harm / 1000),
        )
        if arr not in b.columns:
            say(
                "The control risk is 0 or 1, so absolute effects (and the decision thresholds) "
                "do not apply; posterior probability of any benefit (RR < 1): "
                + "; ".join(f"{x}: {b.loc[x, 'p_benefit']:.0%}" for x in b.index)
                + "."
            )
        else:
            say(
                "Posterior probability of any benefit (RR < 1), of a reduction at least as large "
                f"as the design effect, of at least {self.benefit:g} fewer {self.events_word} per "
                f"1000 and of at least {self.harm:g} more (the decision thresholds, at the "
                f"{self.control} risk of {self.t.risk_ctl:.1%}): "
                + "; ".join(
                    f"{x}: {b.loc[x, 'p_benefit']:.0%}, {b.loc[x, f'p_below_{self.mcid:g}']:.0%}, "
                    f"{b.loc[x, arr]:.0%} and {b.loc[x, ari]:.0%}"
                    for x in b.index
                )
                + "."
            )
        for x, r in b.iterrows():
            key = f"{p.study_id}.bayes.{x.replace(' ', '_')}"
            self.results.add(
                key,
                r["median"],
                lower=r["lower"],
                upper=r["upper"],
                level=p.confidence,
                unit="ratio",
                description=f"posterior median RR and {100 * p.confidence:g}% credible interval, "
                f"{x} prior, {words}",
            )
            for col in [c for c in b.columns if c.startswith("p_")]:
                self.results.add(
                    f"{key}.{col}", r[col], unit="probability", description=f"{col}, {x} prior"
                )

    def section_meta(self) -> None:
        p, meta = self.p, self.meta
        if "with" not in meta:
            say(
                f"{self.label} does not report `{p.meta_outcome}`; it does not enter the pooled "
                "analysis of that outcome."
            )
            return
        rows = []
        for which, entry in meta.items():
            pooled = entry["pooled"]
            row = {
                "analysis": f"{which} {self.label}",
                "trials": entry["k"],
                "patients": entry["patients"],
                f"pooled {p.meta_measure} (Mantel-Haenszel)": self.ci(pooled)
                if pooled
                else entry.get("note", ""),
            }
            for model, res in entry["tsa"].items():
                row[f"TSA {model}: fraction of information size"] = res.adjusted["fraction"]
                row[f"TSA {model}: status at the last trial"] = res.conclusion_text
            rows.append(row)
            if pooled:
                self.results.add_interval(
                    f"{p.study_id}.meta.{which}.{p.meta_measure.lower()}_mh",
                    pooled,
                    unit="ratio",
                    description=f"pooled {p.meta_measure} of {p.meta_outcome} {which} this trial "
                    "(Mantel-Haenszel)",
                )
            for model, res in entry["tsa"].items():
                self.results.add(
                    f"{p.study_id}.meta.{which}.tsa_{model}.fraction",
                    res.adjusted["fraction"],
                    unit="proportion",
                    description=f"TSA ({model}) information fraction {which} this trial",
                )
                self.results.add(
                    f"{p.study_id}.meta.{which}.tsa_{model}.conclusion",
                    res.conclusion,
                    description=f"TSA ({model}) status at the last trial, {which} this trial",
                )
        table = pd.DataFrame(rows)
        show(table)
        save_table(table, f"{self.name}_meta_with_without")
        if "without" in meta and meta["without"]["pooled"] and meta["with"]["pooled"]:
            w, wo = meta["with"], meta["without"]
            say(
                f"Without {self.label}, the {wo['k']} other trial(s) with counts pool to "
                f"{p.meta_measure} {self.ci(wo['pooled'])}; with it, {self.ci(w['pooled'])}. The "
                f"trial adds {w['patients'] - wo['patients']} patients and moves the common-effect "
                f"TSA from {wo['tsa']['fixed'].adjusted['fraction']:.0%} to "
                f"{w['tsa']['fixed'].adjusted['fraction']:.0%} of its information size "
                f"({SHORT[wo['tsa']['fixed'].conclusion]} → {SHORT[w['tsa']['fixed'].conclusion]}). "
                "Both analyses use the pooled control risk of all the trials, so only this trial's "
                "contribution changes."
            )
        else:
            say(
                f"{self.label} is the only trial with counts for this outcome; the pooled evidence "
                "is this trial."
            )

    def key_numbers(self) -> None:
        p = self.p
        for o, a in self.analyses.items():
            k = f"{p.study_id}.{o}"
            what = self.words[o] + (" (derived counts)" if self.derived(o) else "")
            add = self.results.add_interval
            add(
                f"{k}.risk_trt",
                a.risk_trt,
                unit="proportion",
                description=f"{what}, {p.treatment_label} arm (Wilson CI)",
            )
            add(
                f"{k}.risk_ctl",
                a.risk_ctl,
                unit="proportion",
                description=f"{what}, {self.control} arm (Wilson CI)",
            )
            if a.rr is not None:
                add(f"{k}.rr", a.rr, unit="ratio", description=f"{what}, risk ratio (log CI)")
                add(f"{k}.or", a.odds, unit="ratio", description=f"{what}, odds ratio (logit CI)")
            add(
                f"{k}.rd_wald",
                a.rd_wald,
                unit="proportion",
                description=f"{what}, risk difference {p.treatment_label} minus {self.control} "
                "(Wald CI)",
            )
            add(
                f"{k}.rd_newcombe",
                a.rd_newcombe,
                unit="proportion",
                description=f"{what}, risk difference (Newcombe hybrid score CI)",
            )
            if a.nnt is not None:
                self.results.add(
                    f"{k}.nnt",
                    a.nnt.estimate,
                    unit="patients",
                    description=f"{what}: {a.nnt.describe()}",
                )
            for test in a.tests:
                self.results.add(
                    f"{k}.{TEST_KEYS[test.name]}",
                    test.p_value,
                    description=f"{what}: {test.name} P",
                )
            try:
                hr = hazard_ratio_constant_hazards(a.table, p.confidence)
            except ValueError:
                continue
            add(
                f"{k}.hr_constant_hazards",
                hr,
                unit="ratio",
                description=f"{what}: HR implied by the risks under constant hazards",
            )
        self.results.add(
            f"{p.study_id}.published_numbers",
            self.numbers.to_dict("records"),
            description="every published number of the trial with the method that reproduces it "
            "best and its verdict",
        )
        self.results.add(
            f"{p.study_id}.verdicts",
            verdict_counts(self.numbers),
            description="published numbers by verdict (each once, under its best method)",
        )
        self.results.add(
            f"{p.study_id}.design_ratio",
            self.mcid,
            unit="ratio",
            description="ratio 1 - the design effect's relative reduction, anchoring the "
            "priors (assumption)",
        )
        self.write_results()
