"""04_tests: a trial whose primary hazard ratio circulates in two published versions; the
patients randomised but not analysed; what a reader should believe after the trial."""

from __future__ import annotations

import pandas as pd

from ta1sepsis.chapters.base import Chapter, row_by_id, short_name, thresholds_for
from ta1sepsis.data.evidence_tables import load_method_facts, method_fact
from ta1sepsis.data.loader import fact_value, load_estimates, load_facts, load_trials, select_one
from ta1sepsis.report import plots
from ta1sepsis.report.answers import bottom_line, fmt_ci, fmt_p
from ta1sepsis.report.narrative import say, show
from ta1sepsis.report.outputs import save_table, show_figure
from ta1sepsis.stats import bayes
from ta1sepsis.stats.binary import TwoByTwo, chi_square, risk_ratio
from ta1sepsis.stats.hazards import (
    expected_log_hr_se,
    hazard_ratio_constant_hazards,
    modified_itt_scenarios,
    peto_odds_ratio_from_counts,
    pooled_subgroups,
    published_versions_vs_counts,
)
from ta1sepsis.stats.reported_estimates import ratio_interval_problems, recover

COUNTS = "count-based HR (constant hazards)"


def bayes_rows(
    priors: dict,
    likelihoods: dict,
    *,
    mcid: float,
    baseline: float,
    absolute_benefits,
    absolute_harm: float,
    level: float,
) -> pd.DataFrame:
    """Every prior combined with every likelihood (normal approximation on the log scale).

    Parameters
    ----------
    priors : dict
        Name -> prior distribution on the log hazard ratio.
    likelihoods : dict
        Name -> object with ``log_estimate`` and ``se``.
    mcid : float
        The ratio of the design effect (assumption): P(HR < mcid) is reported.
    baseline : float
        Control risk at which absolute effects are evaluated (proportion).
    absolute_benefits : sequence of float
        Absolute risk reductions whose probabilities are reported (proportions): the decision
        thresholds for benefit.
    absolute_harm : float
        Absolute risk increase whose probability is reported (proportion): the decision
        threshold for harm.
    level : float
        Level of the credible intervals.

    Returns
    -------
    pandas.DataFrame
        One row per likelihood and prior with the posterior summary; for a robust (mixture)
        prior also the posterior weight of its vague component.
    """
    rows = []
    for lik_name, lik in likelihoods.items():
        for prior_name, prior in priors.items():
            post = bayes.posterior(prior, lik.log_estimate, lik.se)
            s = bayes.summarise(
                post,
                (mcid,),
                1.0,
                baseline,
                absolute_benefits=absolute_benefits,
                absolute_harm=absolute_harm,
                scale="HR",
                level=level,
            )
            robust = prior_name.startswith("robust")
            rows.append(
                {
                    "likelihood": lik_name,
                    "prior": prior_name,
                    **s,
                    "posterior weight of the vague component": post.weights[-1]
                    if robust
                    else float("nan"),
                }
            )
    return pd.DataFrame(rows)


class HazardRatioVersions(Chapter):
    """The two published HR versions, the excluded patients, the 90-day HR and the Bayesian
    reading of the trial (notebook 04_tests)."""

    notebook = "04_tests"

    def __init__(self, **parameters):
        super().__init__(**parameters)
        p = self.p
        trials = load_trials(self.path(p.trials_file), study_ids=[p.study_id])
        self.trials = trials
        estimates = load_estimates(self.path(p.estimates_file))
        self.facts = load_facts(self.path(p.facts_file))
        self.method_facts = load_method_facts(self.path(p.method_facts_file))
        self.thresholds = thresholds_for(
            p, self.method_facts, "mortality", file=p.method_facts_file
        )
        self.benefit, self.harm = self.thresholds[0][1], self.thresholds[0][2]
        self.published = estimates.set_index("estimate_id")
        row28 = select_one(trials, "trials", study_id=p.study_id, outcome="mortality_28d")
        self.name = short_name(row28.study)
        self.control_word = "placebo" if "placebo" in str(row28.control).lower() else "control"
        self.t = t = TwoByTwo.from_row(row28)
        hr_rows = estimates[
            (estimates.study_id == p.study_id)
            & (estimates.outcome == "mortality_28d")
            & (estimates.measure == "HR")
        ]
        self.versions_rows = hr_rows[hr_rows.version.isin(["A", "B"])].set_index("version")
        self.restatements = hr_rows[hr_rows.version.str.len() > 1]
        self.subgroups = {
            name: [
                tuple(
                    row_by_id(
                        estimates, "estimate_id", i, file=p.estimates_file, parameter="modifiers"
                    )[["estimate", "ci_lower", "ci_upper"]]
                )
                for i in ids
            ]
            for name, ids in p.modifiers.items()
        }
        self.versions = {
            f"version {v}": {
                "hr": r.estimate,
                "lower": r.ci_lower,
                "upper": r.ci_upper,
                "p": r.p_value,
            }
            for v, r in self.versions_rows.iterrows()
        }
        published_level = float(self.versions_rows.ci_level.iloc[0])
        self.criteria = published_versions_vs_counts(
            self.versions, t, published_level, self.subgroups
        )
        self.const = hazard_ratio_constant_hazards(t, p.confidence)
        self.peto = peto_odds_ratio_from_counts(t, p.confidence)
        self.se_deaths = expected_log_hr_se(t)
        self.bayes_setup()

    def bayes_setup(self) -> None:
        """Each published HR version and the count-based HR as likelihoods, under named priors."""
        p = self.p
        self.mcid = mcid = bayes.mcid_ratio(p.design_relative_reduction)
        prior_row = row_by_id(
            self.published.reset_index(),
            "estimate_id",
            p.meta_prior,
            file=p.estimates_file,
            parameter="meta_prior",
        )
        # a published I² of 0 is not evidence that tau = 0: the predictive prior integrates over
        # the stated heterogeneity prior (log tau² normal), when one is given
        meta_tau2 = (
            tuple(
                method_fact(self.method_facts, f"{p.heterogeneity_prior}.{part}_log_tau2")
                for part in ("mean", "sd")
            )
            if p.heterogeneity_prior
            else None
        )
        self.meta_tau2 = meta_tau2
        priors = {
            "sceptical": bayes.sceptical_prior(mcid),
            "neutral": bayes.Normal(0.0, p.neutral_sd),
            "minimally informative": bayes.Normal(0.0, p.vague_sd),
            "enthusiastic": bayes.enthusiastic_prior(mcid),
        }
        if meta_tau2 is not None:
            priors[f"meta-analytic predictive ({prior_row.study})"] = (
                bayes.meta_analytic_predictive_prior(
                    prior_row.estimate,
                    prior_row.ci_lower,
                    prior_row.ci_upper,
                    meta_tau2,
                    level=prior_row.ci_level,
                )
            )
            priors[
                f"robust meta-analytic ({p.robust_weight:g} predictive + "
                f"{1 - p.robust_weight:g} vague)"
            ] = bayes.meta_analytic_predictive_prior(
                prior_row.estimate,
                prior_row.ci_lower,
                prior_row.ci_upper,
                meta_tau2,
                robust_weight=p.robust_weight,
                vague_sd=p.robust_vague_sd,
                level=prior_row.ci_level,
            )
        self.priors = priors
        likelihoods = {
            f"published version {v}": recover(r.estimate, r.ci_lower, r.ci_upper, r.ci_level)
            for v, r in self.versions_rows.iterrows()
        }
        likelihoods[COUNTS] = recover(
            self.const.estimate, self.const.lower, self.const.upper, self.const.level
        )
        self.likelihoods = likelihoods
        self.baseline = self.t.risk_ctl
        self.bayes_table = bayes_rows(
            priors,
            likelihoods,
            mcid=mcid,
            baseline=self.baseline,
            absolute_benefits=tuple(dict.fromkeys(b / 1000 for _, b, _ in self.thresholds)),
            absolute_harm=self.harm / 1000,
            level=p.confidence,
        )
        self.version_names = [n for n in likelihoods if n.startswith("published")]

    def ci(self, estimate, lower, upper, digits: int = 2, *, level: float | None = None) -> str:
        return fmt_ci(estimate, lower, upper, digits, level=level or self.p.confidence)

    def answer_parts(self) -> tuple[str, str, list[str]]:
        p, criteria, mcid = self.p, self.criteria, self.mcid
        count_rows = criteria[criteria.evidence == "28-day counts"]
        sub_rows = criteria[criteria.evidence != "28-day counts"]
        pb = self.bayes_table.set_index(["likelihood", "prior"])
        count_side = count_rows.closer.mode().iloc[0] if len(count_rows) else "neither version"
        sub_side = sub_rows.closer.mode().iloc[0] if len(sub_rows) else "neither version"
        first, last = self.version_names[0], self.version_names[-1]
        arr, ari = (
            bayes.absolute_column("arr", self.benefit / 1000),
            bayes.absolute_column("ari", self.harm / 1000),
        )
        levels = self.versions_rows.ci_level
        sens = self.bayes_table.pivot(index="prior", columns="likelihood", values="p_benefit")
        spread = (sens[self.version_names].max(axis=1) - sens[self.version_names].min(axis=1)).max()
        readers = ("sceptical", "neutral", "enthusiastic")
        answer = (
            "The two published versions of the primary hazard ratio, "
            + " and ".join(
                f"{n} HR {self.ci(v['hr'], v['lower'], v['upper'], level=lv)}"
                for (n, v), lv in zip(self.versions.items(), levels, strict=True)
            )
            + (
                ": both intervals include the null value, so neither shows an effect on 28-day "
                "mortality; "
                + (
                    "this is not evidence of no effect, since both also include a reduction as "
                    f"large as the design effect (ratio {mcid:.2f}). "
                    if all(v["lower"] <= mcid for v in self.versions.values())
                    else f"{sum(v['lower'] > mcid for v in self.versions.values())} of them "
                    f"exclude a reduction as large as the design effect (ratio {mcid:.2f}). "
                )
                if all(v["lower"] <= 1 <= v["upper"] for v in self.versions.values())
                else ": their intervals do not agree on whether an effect is shown. "
            )
            + f"The crude counts sit closer to {count_side} on "
            f"{(count_rows.closer == count_side).sum()} of {len(count_rows)} count-based criteria "
            "(which all use the same counts, so they are one piece of evidence), while the "
            "publication's own subgroup hazard ratios, pooled within each subgroup variable, sit "
            f"closer to {sub_side} on {(sub_rows.closer == sub_side).sum()} of {len(sub_rows)}"
            + (
                "; these data do not identify the corrected version, but the choice matters "
                "little: it moves the probability of any benefit by at most "
                f"{spread:.2f} under any prior. "
                if count_side != sub_side
                else f"; both point to {count_side}, which is still not proof of which version "
                f"the erratum corrected, and the choice moves the probability of any benefit by "
                f"at most {spread:.2f} under any prior. "
            )
            + f"After {self.name}, a sceptic, a neutral reader and an enthusiast put the "
            f"probability that {p.treatment_label} prevents at least {self.benefit:g} deaths per "
            f"1000 (the decision threshold for benefit, an assumption) at "
            + ", ".join(f"{pb.loc[(first, x), arr]:.0%}" for x in readers)
            + f", and that it causes at least {self.harm:g} more (the threshold for harm) at "
            + ", ".join(f"{pb.loc[(first, x), ari]:.0%}" for x in readers)
            + f" ({first.removeprefix('published ')} likelihood; "
            f"{last.removeprefix('published ')}: "
            + ", ".join(f"{pb.loc[(last, x), arr]:.0%}" for x in readers)
            + " and "
            + ", ".join(f"{pb.loc[(last, x), ari]:.0%}" for x in readers)
            + "). If only larger reductions matter, the neutral reader's probability falls: "
            + ", ".join(
                f"at least {b:g} fewer per 1000 ({label}): "
                f"{pb.loc[(first, 'neutral'), bayes.absolute_column('arr', b / 1000)]:.0%}"
                for label, b, _ in self.thresholds[1:]
            )
            + "."
        )
        caveat = (
            "Which hazard ratio the erratum corrected is not in the available sources, and the "
            "hazard ratios themselves cannot be recomputed without the death times; every "
            "count-based comparison is an approximation."
        )
        assumptions = [
            f"decision thresholds: {self.benefit:g} fewer and {self.harm:g} more deaths per 1000 "
            "(assumptions, params/shared.yaml; the alternatives are sourced in "
            f"{p.method_facts_file}, topic threshold)",
            f"design effect: relative reduction {100 * p.design_relative_reduction:.0f}% (ratio "
            f"{mcid:.2f}, applied to the hazard ratio as an approximation; the sceptical and "
            "enthusiastic priors are built on it), an assumption (params/shared.yaml)",
            f"baseline risk for absolute effects: the {self.name} {self.control_word} 28-day "
            f"mortality, {self.baseline:.1%} (from the counts)",
            f"neutral prior SD {p.neutral_sd:g}, minimally informative SD {p.vague_sd:g}, "
            f"robust mixture: weight {p.robust_weight:g} on the predictive component and a "
            f"unit-information vague component, SD {p.robust_vague_sd:g} (assumptions; "
            "Schmidli et al. 2014)",
        ]
        if self.meta_tau2 is not None:
            assumptions.append(
                "between-trial heterogeneity of the meta-analytic predictive prior: log τ² ~ "
                f"N({self.meta_tau2[0]:g}, {self.meta_tau2[1]:g}²) ({p.heterogeneity_prior}, "
                f"{p.method_facts_file}; derived for log odds ratios, applied to the log hazard "
                "ratio as an approximation)"
            )
        return answer, caveat, assumptions

    def bottom_line(self) -> None:
        bottom_line(*self.answer_parts())

    def section_versions(self) -> None:
        p, criteria, t = self.p, self.criteria, self.t
        show(criteria)
        save_table(criteria, "04_tests_hazard_ratio_criteria")
        self.sub_pools = {
            name: pooled_subgroups(parts, p.confidence) for name, parts in self.subgroups.items()
        }
        count_rows = criteria[criteria.evidence == "28-day counts"]
        sub_rows = criteria[criteria.evidence != "28-day counts"]
        const, peto = self.const, self.peto
        say(
            f"Implied by the counts: constant-hazards HR "
            f"{self.ci(const.estimate, const.lower, const.upper, 3)}; Peto one-step odds ratio "
            f"{self.ci(peto.odds_ratio.estimate, peto.odds_ratio.lower, peto.odds_ratio.upper, 3)} "
            f"(an odds ratio, not a hazard ratio), score-test {fmt_p(peto.p_value)}; SE of a log HR "
            f"allowed by the {t.events_trt + t.events_ctl} deaths {self.se_deaths:.3f}. "
            + " ".join(
                f"The {n} subgroup HRs pool to {self.ci(iv.estimate, iv.lower, iv.upper, 3)}."
                for n, iv in self.sub_pools.items()
            )
            + " Count-based criteria closer to: "
            + ", ".join(f"{r.closer}" for r in count_rows.itertuples())
            + "; subgroup-based criteria closer to: "
            + (", ".join(f"{r.closer}" for r in sub_rows.itertuples()) or "none available")
            + (
                ". The two kinds of evidence point different ways, so neither version is "
                "preferred: every later analysis shows both."
                if set(count_rows.closer) != set(sub_rows.closer)
                else ". Both kinds of evidence point the same way; every later analysis still "
                "shows both versions."
            )
        )

    def section_internal_consistency(self) -> None:
        internal = []
        for r in pd.concat([self.versions_rows.reset_index(), self.restatements]).itertuples():
            rec = recover(r.estimate, r.ci_lower, r.ci_upper, r.ci_level)
            internal.append(
                {
                    "version": r.version,
                    "HR (CI) as printed": f"{r.estimate_text} ({r.ci_lower_text} to "
                    f"{r.ci_upper_text}), {100 * r.ci_level:g}% CI",
                    "published P": r.p_value_text or "",
                    "SE(ln HR) implied by the CI": rec.se,
                    "SE allowed by the deaths": self.se_deaths,
                    "P implied by the CI": rec.p_value,
                    "CI centre (geometric mean)": rec.centre,
                    "arithmetic check": "; ".join(
                        ratio_interval_problems(
                            r.estimate,
                            r.ci_lower,
                            r.ci_upper,
                            r.ci_level,
                            expected_se=self.se_deaths,
                        )
                    )
                    or "consistent",
                    "source": r.source,
                }
            )
        internal = pd.DataFrame(internal)
        show(internal)
        save_table(internal, "04_tests_hazard_ratio_versions")
        say(
            " ".join(f"*{r['version']}*: {r['arithmetic check']}." for _, r in internal.iterrows())
            + (
                " Both published versions pass; each restatement fails at least one check, so "
                "they are transcription errors, not alternative results."
                if (
                    internal.version.isin(["A", "B"])
                    == internal["arithmetic check"].eq("consistent")
                ).all()
                else " The checks do not separate the published versions from the restatements "
                "cleanly; see the table."
            )
        )
        const, peto = self.const, self.peto
        fig_rows = pd.DataFrame(
            [
                {
                    "label": f"published, version {v}",
                    "estimate": r.estimate,
                    "lower": r.ci_lower,
                    "upper": r.ci_upper,
                    "kind": "published",
                }
                for v, r in self.versions_rows.iterrows()
            ]
            + [
                {
                    "label": f"pooled {n} subgroup HRs",
                    "estimate": iv.estimate,
                    "lower": iv.lower,
                    "upper": iv.upper,
                    "kind": "recomputed",
                }
                for n, iv in self.sub_pools.items()
            ]
            + [
                {
                    "label": "counts: constant-hazards HR",
                    "estimate": const.estimate,
                    "lower": const.lower,
                    "upper": const.upper,
                    "kind": "recomputed",
                },
                {
                    "label": "counts: Peto one-step odds ratio",
                    "estimate": peto.odds_ratio.estimate,
                    "lower": peto.odds_ratio.lower,
                    "upper": peto.odds_ratio.upper,
                    "kind": "recomputed",
                },
            ]
        )
        fig = plots.estimate_comparison(
            fig_rows,
            f"{self.name} 28-day mortality: the two published hazard ratios beside what the counts "
            "and the subgroups imply",
            f"hazard ratio (or odds ratio), {self.p.treatment_label} vs {self.control_word} "
            "(log scale)",
        )
        show_figure(fig, "04_tests_hazard_ratio_versions")

    def section_excluded(self) -> None:
        p, t = self.p, self.t
        excluded_trt = int(fact_value(self.facts, f"{p.study_id}.randomised.treatment") - t.n_trt)
        excluded_ctl = int(fact_value(self.facts, f"{p.study_id}.randomised.control") - t.n_ctl)
        self.excluded = {"treatment": excluded_trt, "control": excluded_ctl}
        rows = []
        for sc in modified_itt_scenarios(t, excluded_trt, excluded_ctl):
            rr = risk_ratio(sc.table, p.confidence)
            rows.append(
                {
                    "scenario": sc.name,
                    "assumption": sc.assumption,
                    f"{p.treatment_label} deaths / N": f"{sc.table.events_trt}/{sc.table.n_trt}",
                    f"{self.control_word} deaths / N": f"{sc.table.events_ctl}/{sc.table.n_ctl}",
                    "RR": rr.estimate,
                    "lower": rr.lower,
                    "upper": rr.upper,
                    "P (Pearson)": chi_square(sc.table).p_value,
                }
            )
        mitt = pd.DataFrame(rows)
        show(mitt)
        save_table(mitt, "04_tests_modified_itt_sensitivity")
        lo_rr, hi_rr = mitt["RR"].min(), mitt["RR"].max()
        crosses = (mitt["lower"] <= 1).all() and (mitt["upper"] >= 1).all()
        say(
            f"{excluded_trt} {p.treatment_label} and {excluded_ctl} {self.control_word} patients "
            "were randomised but not analysed (derived: randomised minus analysed). Even in the "
            f"extreme cases the risk ratio stays between {lo_rr:.2f} and {hi_rr:.2f}, and the "
            f"smallest P value is {fmt_p(mitt['P (Pearson)'].min())}: "
            + (
                "the exclusions cannot turn the null result into a clear benefit or harm. "
                if crosses
                else "in at least one extreme case the interval excludes the null value, so the "
                "exclusions could matter. "
            )
            + "The added outcomes are assumptions (the extreme-case analysis), not data."
        )
        for sc in mitt.itertuples():
            self.results.add(
                f"{p.study_id}.mitt_sensitivity.{sc.scenario.replace(' ', '_')}.rr",
                sc.RR,
                lower=sc.lower,
                upper=sc.upper,
                level=p.confidence,
                unit="ratio",
                description=f"28-day RR, {sc.assumption} (derived counts)",
            )

    def section_second_outcome(self) -> None:
        p, o = self.p, self.p.hr_check_outcome
        key = f"{p.study_id}.{o}.hr"
        has_counts = ((self.trials.study_id == p.study_id) & (self.trials.outcome == o)).any()
        if not (o and key in self.published.index and has_counts):
            say(
                f"No published hazard ratio or counts for `{o}` in this trial (parameter "
                "`hr_check_outcome`); this section does not apply."
            )
            return
        t2 = TwoByTwo.from_row(select_one(self.trials, "trials", study_id=p.study_id, outcome=o))
        const2 = hazard_ratio_constant_hazards(t2, p.confidence)
        hr = self.published.loc[key]
        from ta1sepsis.data.labels import outcome_words

        say(
            f"{outcome_words(o)[0].upper()}{outcome_words(o)[1:]}: constant-hazards HR from the "
            f"derived counts {self.ci(const2.estimate, const2.lower, const2.upper, 3)} against the "
            f"published HR {hr.estimate_text} ({hr.ci_lower_text} to {hr.ci_upper_text}). "
            + (
                "The two agree to within what the constant-hazards assumption and rounding "
                "allow; neither suggests an effect."
                if const2.lower <= hr.estimate <= const2.upper
                and hr.ci_lower <= 1 <= hr.ci_upper
                and const2.lower <= 1 <= const2.upper
                else "The two differ beyond what the constant-hazards approximation readily "
                "explains, or one of them excludes the null value; see the numbers."
            )
        )
        self.results.add_interval(
            f"{p.study_id}.{o}.hr_constant_hazards_vs_published",
            const2,
            unit="ratio",
            description=f"{outcome_words(o)} HR implied by the derived counts under constant "
            "hazards",
        )

    def section_bayes(self) -> None:
        p, table, mcid = self.p, self.bayes_table, self.mcid
        headers = bayes.summary_headers(table.columns, ratio="HR")
        show(
            table.rename(columns=headers),
            kinds=dict.fromkeys(headers.values(), "proportion"),
        )
        save_table(table, "04_tests_bayes")
        p_col = f"p_below_{mcid:g}"
        arr, ari = (
            bayes.absolute_column("arr", self.benefit / 1000),
            bayes.absolute_column("ari", self.harm / 1000),
        )
        sens = table.pivot(index="prior", columns="likelihood", values="p_benefit").reindex(
            list(self.priors)
        )
        show(sens.reset_index())
        names = self.version_names
        spread = (sens[names].max(axis=1) - sens[names].min(axis=1)).max()
        conflict = self.read("03_meta_analyses").optional(
            f"meta.conflict.{p.meta_prior.split('.')[0]}.p"
        )
        meta_names = [x for x in self.priors if x.startswith(("meta", "robust"))]
        pb = table.set_index(["likelihood", "prior"])
        first = names[0]
        say(
            f"Probability of any benefit (HR < 1), of a reduction at least as large as the design "
            f"effect (HR < {mcid:.2f}), of at least {self.benefit:g} fewer deaths per 1000 and of "
            f"at least {self.harm:g} more (the decision thresholds) at the {self.control_word} "
            f"risk of {self.baseline:.1%}, {first.removeprefix('published ')} likelihood: "
            + "; ".join(
                f"{x}: {pb.loc[(first, x), 'p_benefit']:.0%}, {pb.loc[(first, x), p_col]:.0%}, "
                f"{pb.loc[(first, x), arr]:.0%}, {pb.loc[(first, x), ari]:.0%}"
                for x in self.priors
            )
            + ". The choice between the published versions moves the probability of any benefit "
            f"by at most {spread:.2f} for any prior. "
            + (
                f"The pre-{self.name} pooled estimate conflicts with {self.name} "
                f"(03_meta_analyses, {fmt_p(conflict['value'])}): the plain predictive prior "
                "encodes exactly the belief the trial was run to test; the robust mixture moves "
                f"posterior weight to its vague component (from {p.robust_weight:.0%} to "
                f"{pb.loc[(first, [x for x in self.priors if x.startswith('robust')][0]), 'posterior weight of the vague component']:.0%} "
                f"with the {first.removeprefix('published ')} likelihood), which discounts the "
                "earlier reviews only partly. "
                if conflict is not None and conflict["value"] < 0.05 and meta_names
                else ""
            )
            + "The pooled risk ratio of the earlier review serves as a prior for a hazard ratio, "
            "an approximation"
            + (
                "; the review reports no between-trial variance (an I² of 0 is not evidence that "
                "it is 0), so the predictive prior integrates over the stated heterogeneity prior."
                if self.meta_tau2 is not None
                else "; no heterogeneity prior is given (parameter heterogeneity_prior), so no "
                "meta-analytic prior is used."
            )
        )
        fig = plots.prior_likelihood_posterior(
            self.priors,
            self.likelihoods[first],
            f"{self.name} 28-day mortality: priors, likelihood ({first}) and posteriors",
            likelihood_label=f"likelihood ({self.name}, {first.removeprefix('published ')})",
        )
        show_figure(fig, "04_tests_bayes_priors")

    def section_pooled_bayes(self) -> None:
        meta = self.read("03_meta_analyses")
        rows = [
            {
                "analysis": v["description"],
                f"median {meta['meta.pooled.measure']['value']}": v["value"],
                "lower": v["lower"],
                "upper": v["upper"],
                f"P({meta['meta.pooled.measure']['value']} < 1)": meta[f"{k}.p_benefit"]["value"],
            }
            for k, v in sorted(meta.prefixed("meta.bayes.").items())
            if k.endswith((".mean", ".new_trial"))
        ]
        if not rows:
            say(
                "03_meta_analyses was run without a Bayesian synthesis (fewer than two trials); "
                "nothing to show."
            )
            return
        synth = pd.DataFrame(rows)
        show(synth)
        measure = meta["meta.pooled.measure"]["value"]
        median, pcol = f"median {measure}", f"P({measure} < 1)"
        means = synth[synth["analysis"].str.contains("mean effect")]
        new = synth[synth["analysis"].str.contains("new trial")]
        both = (new["lower"] < 1) & (new["upper"] > 1)
        say(
            f"Across the {len(means)} heterogeneity priors, the mean {measure} of the pooled "
            f"trials has a posterior median from {means[median].min():.2f} to "
            f"{means[median].max():.2f} and a probability of any benefit from "
            f"{means[pcol].min():.0%} to {means[pcol].max():.0%}, and the upper credible limit "
            f"from {means['upper'].min():.2f} to {means['upper'].max():.2f}: so few trials cannot "
            "tell how much true effects vary between trials, and each prior fills that gap "
            "differently. "
            + (
                "The effect in a next trial (the new-trial rows) has a credible interval that "
                "includes both benefit and harm under every prior"
                if both.all()
                else f"The effect in a next trial (the new-trial rows) excludes an {measure} of 1 "
                f"under {int((~both).sum())} of the {len(new)} priors"
            )
            + "; see 03_meta_analyses for the priors and the common-effect result."
        )

    def key_numbers(self) -> None:
        p, add = self.p, self.results.add
        s = p.study_id
        self.results.add_interval(
            f"{s}.mortality_28d.or_peto",
            self.peto.odds_ratio,
            unit="ratio",
            description="Peto one-step odds ratio from the 28-day counts",
        )
        add(
            f"{s}.mortality_28d.p_score_counts",
            self.peto.p_value,
            description="score-test P from the 28-day counts (the log-rank P if all deaths were "
            "at one time)",
        )
        add(
            f"{s}.mortality_28d.se_log_hr_from_deaths",
            self.se_deaths,
            description="SE of a log HR allowed by the deaths, sqrt(1/d1 + 1/d2)",
        )
        for v, r in self.versions_rows.iterrows():
            rec = recover(r.estimate, r.ci_lower, r.ci_upper, r.ci_level)
            add(
                f"{s}.mortality_28d.hr_version_{v.lower()}.se_from_ci",
                rec.se,
                description=f"SE(ln HR) implied by the CI of published version {v}",
            )
            add(
                f"{s}.mortality_28d.hr_version_{v.lower()}.p_from_ci",
                rec.p_value,
                description=f"P implied by the CI of published version {v}",
            )
        for name, iv in self.sub_pools.items():
            self.results.add_interval(
                f"{s}.mortality_28d.hr_pooled_{name}_subgroups",
                iv,
                unit="ratio",
                description=f"inverse-variance pool of the published {name} subgroup HRs",
            )
        criteria = self.criteria
        add(
            f"{s}.mortality_28d.hr_criteria",
            {r.criterion: r.closer for r in criteria.itertuples()},
            description="which published HR version each criterion is closer to",
        )
        count_side = set(criteria[criteria.evidence == "28-day counts"].closer)
        sub_side = set(criteria[criteria.evidence != "28-day counts"].closer)
        add(
            f"{s}.mortality_28d.hr_version_preferred",
            "neither" if count_side != sub_side or len(count_side) != 1 else count_side.pop(),
            description="the count-based and subgroup-based criteria point different ways; both "
            "versions are carried"
            if count_side != sub_side
            else "the version both kinds of criteria point to (both versions are still carried)",
        )
        add(
            f"{s}.excluded_after_randomisation",
            self.excluded,
            unit="patients",
            description="randomised but not in the modified ITT population (derived)",
        )
        lik_keys = {
            **{f"published version {v}": f"version_{v.lower()}" for v in self.versions_rows.index},
            COUNTS: "counts",
        }
        for _, r in self.bayes_table.iterrows():
            prior_key = r["prior"].split(" (")[0].replace(" ", "_").replace("-", "_")
            base = f"{s}.bayes.{lik_keys[r['likelihood']]}.{prior_key}"
            add(
                base,
                r["median"],
                lower=r["lower"],
                upper=r["upper"],
                level=p.confidence,
                unit="ratio",
                description=f"posterior median HR and {100 * p.confidence:g}% credible interval: "
                f"{r['prior']} prior, {r['likelihood']} likelihood",
            )
            for col in [c for c in self.bayes_table.columns if c.startswith("p_")]:
                add(
                    f"{base}.{col}",
                    r[col],
                    unit="probability",
                    description=f"{col}: {r['prior']} prior, {r['likelihood']}",
                )
        add(
            f"{s}.bayes.design_ratio",
            self.mcid,
            unit="ratio",
            description="1 - the design effect's relative reduction (assumption), applied to the "
            "HR",
        )
        for side, value in (("benefit", self.benefit), ("harm", self.harm)):
            add(
                f"{s}.bayes.{side}_threshold",
                value,
                unit="per 1000",
                description=f"decision threshold for {side} (assumption, params/shared.yaml)",
            )
        add(
            f"{s}.bayes.baseline_risk",
            self.baseline,
            unit="proportion",
            description=f"{self.control_word} 28-day risk at which absolute effects are evaluated",
        )
        self.write_results()
