"""03_meta_analyses: the pooled evidence, how it moved, and whether it is enough.

Runs on any binary-outcome trials file in the documented format; the sections that need
published pooled estimates are driven by parameters and say so when they do not apply.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from ta1sepsis.chapters.base import Chapter, short_name, thresholds_for
from ta1sepsis.data.claims_tables import load_claim_facts
from ta1sepsis.data.evidence_tables import load_explanations, load_method_facts, method_fact
from ta1sepsis.data.loader import load_estimates, load_facts, load_trials
from ta1sepsis.evidence.decisions import probability_at_least, threshold_sentences
from ta1sepsis.evidence.explanations import check_explanations, explanation_words
from ta1sepsis.evidence.verdicts import comparison
from ta1sepsis.report import meta_plots, plots
from ta1sepsis.report.answers import bottom_line, fmt_ci, fmt_p, fmt_per_1000
from ta1sepsis.report.meta_plots import Diamond
from ta1sepsis.report.narrative import plural, say, show
from ta1sepsis.report.outputs import save_table, show_figure
from ta1sepsis.stats.absolute import per_1000
from ta1sepsis.stats.bayes_meta import bayes_random_effects
from ta1sepsis.stats.binary import z_critical
from ta1sepsis.stats.meta_effects import study_effects
from ta1sepsis.stats.meta_methods import methods_table, trials_to_studies
from ta1sepsis.stats.meta_pooling import common_effect_iv, mantel_haenszel, random_effects
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

MEASURE_WORDS = {"OR": "odds ratio", "RR": "risk ratio", "RD": "risk difference"}
RATIOS = ("RR", "OR")
# the models whose monitoring boundaries the TSA figures draw (section_tsa, section_tsa_block);
# the third (DL with the Hartung-Knapp SE) is tabulated only, so its boundary curves are not made
TSA_DRAWN = ("fixed", "random_dl")


def back_calculated_block(total, subset, counted: int, measure: str) -> tuple[dict | None, str]:
    """The trials of a review outside a published subset, as one pseudo-trial.

    Parameters
    ----------
    total, subset : pandas.Series
        Published rows (estimate, CI, measure, patients, study) of the review's overall pooled
        estimate and of its subset (by inference, the trials with counts here).
    counted : int
        Patients in the trials with counts.
    measure : str
        The scale of the analysis; the block applies only when the review used it.

    Returns
    -------
    (dict or None, str)
        ``label``, ``log_estimate``, ``se``, ``patients`` and ``remainder`` (the
        :class:`~ta1sepsis.stats.reported_estimates.Remainder`), or None; and the reason when
        it does not apply.
    """
    if total.measure != measure:
        return None, (
            f"The published estimates are on another scale ({total.measure}) than this analysis "
            f"({measure}); this section does not apply."
        )
    rest = remaining_after_removing(
        (total.estimate, total.ci_lower, total.ci_upper),
        (subset.estimate, subset.ci_lower, subset.ci_upper),
        level=total.ci_level,
    )
    if pd.isna(total.n_patients):
        return None, (
            f"{total.study} gives no patient count for its overall estimate, so the trials "
            "outside the subset cannot be sized; this section does not apply."
        )
    if total.n_patients <= counted:
        return None, (
            f"{total.study} counts {int(total.n_patients)} patients in all, not more than the "
            f"{counted} with counts here, so no trials are left to back-calculate; this section "
            "does not apply."
        )
    return {
        "label": f"small trials of {total.study} (back-calculated block)",
        "log_estimate": rest.log_estimate,
        "se": rest.se,
        "patients": int(total.n_patients) - counted,
        "remainder": rest,
    }, ""


def excluded_words(low: float, high: float, mcid_ratio: float, measure: str) -> str:
    """What a conventional interval of a ratio excludes, worded from the interval itself."""
    excluded = excluded_effects(low, high)
    if high < 1:
        text = (
            f"Independently of the TSA, the conventional common-effect interval ({low:.2f} to "
            f"{high:.2f}) excludes the null value and any increase, and excludes relative reductions "
            f"larger than {excluded['rrr_excluded_above']:.0%}"
        )
    elif low > 1:
        text = (
            f"Independently of the TSA, the conventional common-effect interval ({low:.2f} to "
            f"{high:.2f}) excludes the null value and any reduction, and excludes relative increases "
            f"larger than {excluded['rri_excluded_above']:.0%}"
        )
    else:
        text = (
            f"Independently of the TSA, the conventional common-effect interval ({low:.2f} to "
            f"{high:.2f}) excludes relative reductions larger than "
            f"{excluded['rrr_excluded_above']:.0%} and relative increases larger than "
            f"{excluded['rri_excluded_above']:.0%} of the {measure}"
        )
    return text + (
        f"; an effect of the size assumed above ({measure} {mcid_ratio:.2f}) lies inside it (not "
        "excluded)."
        if low <= mcid_ratio <= high
        else f"; an effect of the size assumed above ({measure} {mcid_ratio:.2f}) lies outside it."
    )


class MetaAnalyses(Chapter):
    """Pooling, the published estimates, the back-calculated block, conflict tests, TSA and
    sensitivity analyses (notebook 03_meta_analyses)."""

    notebook = "03_meta_analyses"

    def __init__(self, **parameters):
        super().__init__(**parameters)
        p = self.p
        self.name = self.results.notebook  # the outputs' prefix (analyses/<id> for an instance)
        self.ratio = p.measure in RATIOS
        self.level = p.confidence
        trials = load_trials(self.path(p.trials_file))
        self.estimates = load_estimates(self.path(p.estimates_file))
        self.facts = load_facts(self.path(p.facts_file))
        self.method_facts = load_method_facts(self.path(p.method_facts_file))
        for parameter in ("compare_with", "small_trials_total", "small_trials_large"):
            if getattr(p, parameter):
                self.estimate(getattr(p, parameter), parameter)
        for parameter in ("trajectory", "conflict_with"):
            for i in getattr(p, parameter):
                self.estimate(i, parameter)
        self.published = self.estimates.set_index("estimate_id")
        # the trials, in analysis order, and their effects (with the chosen zero-cell correction)
        self.studies, self.order_note = order_studies(trials_to_studies(trials, p.outcome))
        self.effects = study_effects(self.studies, p.measure, correction=p.correction)
        self.k = self.effects.k
        self.table, self.fits = methods_table(
            self.studies,
            self.effects,
            p.measure,
            p.tau2_method,
            ci_method=p.ci_method,
            level=self.level,
        )
        self.common = self.fits["legacy: Mantel-Haenszel common effect"]
        self.current = self.fits[f"current: {p.tau2_method}, {p.ci_method} CI"]
        self.s_common, self.s_current = self.common.summary(), self.current.summary()
        self.bayes_setup()
        self.tsa_setup()
        self.absolute_setup()

    # ------------------------------------------------------------------ computations

    def bayes_setup(self) -> None:
        """Bayesian random effects, tau integrated over each prior in turn: half-normal priors on
        tau (weakly informative; the scales are assumptions) and, for the odds ratio, the
        empirical log-normal prior on tau^2 of Turner et al. 2015 (a sourced prior)."""
        p = self.p
        priors = {
            f"tau{scale:g}": (
                f"half-normal({scale:g}) prior on τ (assumption)",
                f"half-normal({scale:g}) prior on τ",
                {"tau_scale": scale},
            )
            for scale in p.tau_scales
        }
        self.turner_note = ""
        self.turner = None
        if p.heterogeneity_prior:
            turner = tuple(
                method_fact(self.method_facts, f"{p.heterogeneity_prior}.{part}_log_tau2")
                for part in ("mean", "sd")
            )
            self.turner = turner
            if p.measure == "OR":
                priors["turner"] = (
                    f"log-normal prior on τ², log τ² ~ N({turner[0]:g}, {turner[1]:g}²) "
                    f"(Turner et al. 2015, read from {p.method_facts_file})",
                    "Turner log-normal prior on τ²",
                    {"log_tau2_prior": turner},
                )
            else:
                self.turner_note = (
                    f"The empirical prior `{p.heterogeneity_prior}` is for the log odds ratio; "
                    f"with measure {p.measure} it does not apply and is left out."
                )
        e = self.effects
        self.bayes = (
            {
                name: bayes_random_effects(e.yi, np.sqrt(e.vi), **kwargs)
                for name, (_, _, kwargs) in priors.items()
            }
            if self.k >= 2
            else {}
        )
        self.prior_label = {name: label for name, (label, _, _) in priors.items()}
        self.short_label = {name: short for name, (_, short, _) in priors.items()}
        self.first_prior = next(iter(self.bayes), None)
        # how much the Bayesian answer depends on the heterogeneity prior: the spread over priors
        self.bayes_spread = (
            {
                "median": [f.summary(level=self.level)["median"] for f in self.bayes.values()],
                "p_benefit": [f.prob_below(0.0) for f in self.bayes.values()],
            }
            if self.bayes
            else None
        )

    def tsa_setup(self) -> None:
        """Trial sequential analysis (ratio measures): each Z-curve with the information size of
        its own model, and the back-calculated block where the sources allow it."""
        p, studies = self.p, self.studies
        self.excluded = None  # what the conventional interval excludes (section_tsa)
        self.tsa_measure = p.measure if self.ratio else "RR"
        self.control_risk = (
            p.tsa_control_risk
            if p.tsa_control_risk is not None
            else float(studies["ci"].sum() / studies["n2i"].sum())
        )
        self.block, self.block_reason = (
            None,
            (
                "No published overall and subset estimates on this scale (parameters "
                "`small_trials_total`, `small_trials_large`); this section does not apply."
            ),
        )
        self.counted = int((studies["n1i"] + studies["n2i"]).sum())
        if p.small_trials_total and p.small_trials_large:
            self.total_row = self.published.loc[p.small_trials_total]
            self.large_row = self.published.loc[p.small_trials_large]
            self.block, reason = back_calculated_block(
                self.total_row, self.large_row, self.counted, self.tsa_measure
            )
            self.block_reason = reason or self.block_reason
        self.tsa = None
        if not 0 < self.control_risk < 1:
            # every control patient had the event (or none did): no information size exists
            self.tsa_reason = (
                f"The control risk is {self.control_risk:g}: a required information size needs a "
                "control risk strictly between 0 and 1, so no trial sequential analysis is "
                "possible with these trials."
            )
            return
        self.tsa = tsa_bundle(
            studies,
            self.control_risk,
            p.design_relative_reduction,
            self.tsa_measure,
            alpha=p.tsa_alpha,
            beta=p.tsa_beta,
            futility=p.tsa_futility,
            correction=p.correction,
            d2_upper=p.tsa_diversity_upper,
            block={k: v for k, v in self.block.items() if k != "remainder"} if self.block else None,
            drawn=TSA_DRAWN,
        )
        self.fixed_tsa = self.tsa.pairings["fixed"]
        self.random_tsa = self.tsa.pairings["random_dl"]

    def ci(self, estimate, lower, upper, digits: int = 2) -> str:
        return fmt_ci(estimate, lower, upper, digits, level=self.level)

    def bayes_ci(self, fit) -> str:
        s = fit.summary(level=self.level)
        return (
            f"{s['median']:.2f} ({100 * self.level:g}% credible interval {s['lower']:.2f} to "
            f"{s['upper']:.2f})"
        )

    def absolute_setup(self) -> None:
        """The pooled effect against the decision thresholds, at the pooled control risk."""
        p = self.p
        self.thresholds = thresholds_for(
            p, self.method_facts, p.outcome_class, file=p.method_facts_file
        )
        self.benefit, self.harm = self.thresholds[0][1], self.thresholds[0][2]
        s = self.s_common
        self.absolute = (
            per_1000(self.control_risk, s["estimate"], s["lower"], s["upper"], scale=p.measure)
            if (self.ratio or p.measure == "RD") and 0 < self.control_risk < 1
            else None
        )
        self.decision = {}
        for name, fit in self.bayes.items() if 0 < self.control_risk < 1 else ():
            self.decision[name] = {
                "benefit": probability_at_least(
                    fit.prob_below, self.control_risk, p.measure, -self.benefit
                ),
                "harm": probability_at_least(
                    fit.prob_below, self.control_risk, p.measure, self.harm
                ),
            }

    def threshold_text(self) -> str:
        """What the pooled interval means per 1000, under each sourced threshold."""
        if self.absolute is None:
            return ""
        a, s = self.absolute, self.s_common
        return (
            f"At the pooled control risk ({1000 * self.control_risk:.0f} per 1000) that is "
            f"{fmt_per_1000(a['difference'], a['difference_lower'], a['difference_upper'], 'events')}"
            f" ({self.p.outcome_label}). "
            + threshold_sentences(
                s["estimate"],
                s["lower"],
                s["upper"],
                control=self.control_risk,
                measure=self.p.measure,
                thresholds=self.thresholds,
                outcome="events",
            )
        )

    def decision_probabilities_text(self) -> str:
        if not self.decision:
            return ""
        d = self.decision[self.first_prior]
        return (
            f"; under the {self.short_label[self.first_prior]} the probability of a reduction of "
            f"at least {self.benefit:g} per 1000 is {d['benefit']:.0%} and of an increase of at "
            f"least {self.harm:g} per 1000 is {d['harm']:.0%} (decision thresholds, assumptions)"
        )

    # --------------------------------------------------------------------- sections

    def bottom_line(self) -> None:
        p, k, s = self.p, self.k, self.s_common
        spread = self.bayes_spread
        answer = (
            (
                f"The {k} trials with counts in `{p.trials_file}` pooled with a common-effect "
                "(Mantel-Haenszel) model give "
                if k > 1
                else f"There is one trial with counts in `{p.trials_file}`, so nothing is pooled; "
                "it gives "
            )
            + f"{p.measure} {self.ci(s['estimate'], s['lower'], s['upper'])}"
            + (
                "; a Bayesian random-effects model that admits between-trial differences "
                f"({self.short_label[self.first_prior]}, an assumption) gives "
                f"{self.bayes_ci(self.bayes[self.first_prior])}"
                + (
                    f", and across the {len(self.bayes)} heterogeneity priors tried the "
                    f"posterior median runs from {min(spread['median']):.2f} to "
                    f"{max(spread['median']):.2f} and the probability of any benefit from "
                    f"{min(spread['p_benefit']):.0%} to {max(spread['p_benefit']):.0%}"
                    if len(self.bayes) > 1
                    else ""
                )
                + self.decision_probabilities_text()
                if self.bayes
                else ""
            )
            + ". "
            + self.threshold_text()
            + (self.tsa_words() if self.tsa is not None else " " + self.tsa_reason)
        )
        caveat = (
            "With one trial there is no pooling, no between-trial variance and no Bayesian "
            "synthesis (they need at least two trials); everything below rests on that single trial"
            if k == 1
            else f"With only {k} trials the between-trial variance cannot be estimated from the "
            "data, so every random-effects interval depends on an assumption about it"
            if k <= 3
            else "The pooled estimate averages trials that may differ in population and design; "
            "see the heterogeneity and small-study sections"
        )
        if self.block is not None:
            caveat += (
                ". The published reviews also include trials without counts here; their "
                f"back-calculated block suggests {p.measure} "
                f"{math.exp(self.block['log_estimate']):.2f}, a much larger apparent benefit than "
                "in the trials with counts"
            )
        bottom_line(
            answer,
            caveat + ".",
            [
                f"design effect: relative risk reduction {100 * p.design_relative_reduction:.0f}% "
                "(assumption; drives the required information size)",
                f"decision thresholds: {self.benefit:g} fewer and {self.harm:g} more events per "
                "1000 (assumptions, params/shared.yaml; the alternatives are sourced in "
                f"{p.method_facts_file})",
                f"control risk for the information size: {self.control_risk:.3f} "
                f"({'parameter' if p.tsa_control_risk is not None else 'pooled control arms of these trials'})",
                f"α = {p.tsa_alpha}, β = {p.tsa_beta} (power {1 - p.tsa_beta:.0%}); upper D² for "
                f"the sensitivity table {p.tsa_diversity_upper} (assumption)",
                "half-normal prior scales for τ: "
                f"{', '.join(f'{x:g}' for x in p.tau_scales)} (assumption)",
                *(
                    [f"empirical heterogeneity prior: {self.prior_label['turner']}"]
                    if "turner" in self.prior_label
                    else []
                ),
            ],
        )

    def tsa_words(self) -> str:
        p, fixed, random = self.p, self.fixed_tsa, self.random_tsa
        mcid_text = (
            f"a {100 * p.design_relative_reduction:.0f}% relative reduction in {p.outcome_label} "
            "(the design effect, an assumption set in params/shared.yaml)"
        )
        return (
            f" The trials hold {fixed.adjusted['fraction']:.0%} (common-effect model) and "
            f"{random.adjusted['fraction']:.0%} (random-effects model) of the information needed "
            f"to detect {mcid_text}; "
            + (
                f"the trial sequential analysis concludes: {SHORT[fixed.conclusion]}, under both "
                "models."
                if fixed.conclusion == random.conclusion
                and not fixed.earlier
                and not random.earlier
                else f"at the last trial the trial sequential analysis gives {fixed.conclusion_text} "
                f"(common effect) and {random.conclusion_text} (random effects)."
            )
            + (
                " An inconclusive TSA is not evidence of no effect: it says the data are too few "
                "to tell."
                if fixed.conclusion == "inconclusive"
                else ""
            )
        )

    def section_trials(self) -> None:
        p = self.p
        show(
            self.studies[
                ["study", "year", "ai", "n1i", "ci", "n2i", "population", "value_flag"]
            ].rename(
                columns={
                    "ai": f"{p.treatment_label} events",
                    "n1i": f"{p.treatment_label} N",
                    "ci": f"{p.control_label} events",
                    "n2i": f"{p.control_label} N",
                    "value_flag": "data flag",
                }
            )
        )
        notes = self.effects.notes
        say(
            f"{plural(self.k, 'trial')} report `{p.outcome}` in `{p.trials_file}`, ordered "
            f"{self.order_note}; measure **{p.measure}**. "
            + (
                " ".join(f"{note[0].upper()}{note[1:]}." for note in notes)
                if notes
                else "No zero cells: no continuity correction was needed."
            )
        )

    def section_trajectory(self) -> None:
        p = self.p
        if not p.trajectory:
            say(
                "No published pooled estimates named (parameter `trajectory`); this section does "
                "not apply."
            )
            return
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
            for r in self.published.loc[p.trajectory].itertuples()
        ]
        intervals = per_study_intervals(self.effects, self.level)
        for r, iv in zip(self.studies.itertuples(), intervals.itertuples(), strict=True):
            rows.append(
                {
                    "label": f"{r.study}: {p.measure} from counts",
                    "year": r.year,
                    "estimate": iv.estimate,
                    "lower": iv.lower,
                    "upper": iv.upper,
                    "trials": 1,
                    "patients": int(r.n1i + r.n2i),
                    "kind": "recomputed",
                    "source": p.trials_file,
                }
            )
        trajectory = (
            pd.DataFrame(rows).sort_values(["year", "kind"], kind="stable").reset_index(drop=True)
        )
        show(trajectory.drop(columns="kind"))
        fig = plots.estimate_comparison(
            trajectory,
            f"{p.treatment_label} and {p.outcome_label}: published pooled estimates and single "
            "trials, by year",
            f"risk ratio or odds ratio, {p.treatment_label} vs {p.control_label} (log scale)",
        )
        show_figure(fig, f"{self.name}_trajectory")
        save_table(trajectory, f"{self.name}_trajectory")

    def section_pooling(self) -> None:
        p, k, fits, common, current = self.p, self.k, self.fits, self.common, self.current
        s_common, s_current = self.s_common, self.s_current
        show(self.table)
        save_table(self.table, f"{self.name}_methods")
        diamonds = [
            Diamond.from_result(
                common, f"common effect (Mantel-Haenszel); I² = {100 * common.i2:.0f}%"
            )
        ]
        for name, fit in self.bayes.items():
            mean = fit.summary(level=self.level)
            pred = fit.summary(predictive=True, level=self.level)
            diamonds.append(
                Diamond(
                    f"Bayesian random effects, {self.short_label[name]}",
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
            self.effects,
            diamonds,
            f"{p.outcome_label}: the trials pooled by common-effect, Bayesian and current "
            "random-effects methods",
            f"{p.measure} (log scale)" if self.ratio else p.measure,
            weights_from=fits["other: inverse-variance common effect"],
            labels=(f"favours {p.treatment_label}", f"favours {p.control_label}"),
            arm_names=(p.treatment_label, p.control_label),
            level=self.level,
        )
        show_figure(fig, f"{self.name}_forest")
        plain_hk = f"other: {p.tau2_method}, hk CI"
        hk_vs_wald = fits.get(plain_hk, current)
        wald = fits.get(f"other: {p.tau2_method}, wald CI")
        spread = self.bayes_spread
        t_crit = stats.t.ppf(0.5 + self.level / 2, k - 1) if k >= 2 else math.nan
        say(
            f"Common effect (Mantel-Haenszel): {p.measure} "
            f"{self.ci(s_common['estimate'], s_common['lower'], s_common['upper'])}"
            + (
                f"; heterogeneity Q = {common.q:.2f} on {common.q_df} df ({fmt_p(common.q_p)}), "
                f"I² = {100 * common.i2:.0f}%. "
                if common.q_df > 0
                else ". "
            )
            + (
                " ".join(
                    f"Bayesian random effects with a {self.prior_label[name]}: mean "
                    f"{self.bayes_ci(fit)}, probability of benefit ({p.measure} < 1) "
                    f"{fit.prob_below(0.0):.0%}; effect in a new trial "
                    f"{fit.summary(True, self.level)['lower']:.2f} to "
                    f"{fit.summary(True, self.level)['upper']:.2f}."
                    for name, fit in self.bayes.items()
                )
                + " "
                + (
                    "How much this depends on the heterogeneity prior: over the "
                    f"{len(self.bayes)} priors the posterior median {p.measure} runs from "
                    f"{min(spread['median']):.2f} to {max(spread['median']):.2f} and the "
                    f"probability of benefit from {min(spread['p_benefit']):.0%} to "
                    f"{max(spread['p_benefit']):.0%}. "
                    if len(self.bayes) > 1
                    else ""
                )
                + (self.turner_note + " " if self.turner_note else "")
                if self.bayes
                else ""
            )
            + (
                "With one trial, random-effects pooling, the heterogeneity statistics, the "
                "prediction interval and the Bayesian synthesis do not apply (they need at least "
                "two trials); the estimate above is the trial's own."
                if k == 1
                else f"Current method ({p.tau2_method}, {p.ci_method} interval): "
                f"{self.ci(s_current['estimate'], s_current['lower'], s_current['upper'])}"
                + (
                    f", prediction interval {s_current['pi_lower']:.2f} to "
                    f"{s_current['pi_upper']:.2f}"
                    if s_current["pi_lower"] is not None
                    else ""
                )
                + ". "
            )
            + (
                f"With {k} trials the Hartung-Knapp interval uses a t distribution on "
                f"{plural(k - 1, 'degree')} "
                f"of freedom (critical value {t_crit:.1f} instead of "
                f"{z_critical(self.level):.2f}), which is why it is so wide: the data cannot "
                "estimate the between-trial variance, and the method does not pretend they can. "
                "The common-effect and Bayesian results above are the more informative summaries "
                "for so few trials, each with its stated assumption."
                if 2 <= k <= 3 and p.ci_method != "wald"
                else ""
            )
            + (
                f" Note: the plain Hartung-Knapp interval ({hk_vs_wald.summary()['lower']:.2f} to "
                f"{hk_vs_wald.summary()['upper']:.2f}) is narrower than the Wald one "
                f"({wald.summary()['lower']:.2f} to {wald.summary()['upper']:.2f}) here, which "
                "happens when τ² is near 0; the max(1, q) variant avoids that."
                if wald is not None
                and (hk_vs_wald.upper - hk_vs_wald.lower) < (wald.upper - wald.lower) - 1e-12
                else ""
            )
        )

    def section_compare(self) -> None:
        p = self.p
        if not (p.compare_with and self.published.loc[p.compare_with].measure == p.measure):
            say(
                "No published estimate on the same scale to compare with (parameter "
                "`compare_with`); this section does not apply."
            )
            return
        row = self.published.loc[p.compare_with]
        compare_rows = []
        # the published interval is compared with pools at its own level
        level = float(row.ci_level)
        for label, fit in (
            ("Mantel-Haenszel", mantel_haenszel(self.studies, p.measure, level)),
            ("inverse-variance common effect", common_effect_iv(self.effects, level)),
            ("DerSimonian-Laird", random_effects(self.effects, "DL", "wald", level)),
        ):
            s = fit.summary()
            for part, value, text in (
                ("estimate", s["estimate"], row.estimate_text),
                ("CI lower", s["lower"], row.ci_lower_text),
                ("CI upper", s["upper"], row.ci_upper_text),
            ):
                compare_rows.append(
                    comparison(f"{label}: {part}", text, value, label, source=p.compare_with)
                )
        compare_table = pd.DataFrame(compare_rows)
        show(compare_table)
        matched = (
            compare_table.assign(m=compare_table["verdict"].isin(["reproduced", "within rounding"]))
            .groupby("method", sort=False)["m"]
            .sum()
        )
        say(
            f"Published: {row.study}, {row.population}: {p.measure} {row.estimate_text} "
            f"({row.ci_lower_text} to {row.ci_upper_text}). Numbers matched within rounding, per "
            "method: "
            + ", ".join(f"{m}: {n} of 3" for m, n in matched.items())
            + ". "
            + (
                "A common-effect pool of these trials comes closest; that this published subset "
                "consists of exactly these trials is an inference from the patient numbers, not "
                "stated in the available sources."
                if matched.max() >= 2
                else "The published subset is not reproduced by pooling these trials."
            )
        )

    def section_block(self) -> None:
        p, block = self.p, self.block
        if block is None:
            say(self.block_reason)
            return
        rest, total, large = block["remainder"], self.total_row, self.large_row
        contrast = interaction_test(
            (rest.interval.estimate, rest.interval.lower, rest.interval.upper),
            (large.estimate, large.ci_lower, large.ci_upper),
            self.level,
            source_levels=(rest.interval.level, large.ci_level),
        )
        small_rows = pd.DataFrame(
            [
                {
                    "label": f"remaining trials (back-calculated from {total.study})",
                    "estimate": rest.interval.estimate,
                    "lower": rest.interval.lower,
                    "upper": rest.interval.upper,
                    "kind": "recomputed",
                },
                {
                    "label": f"{large.study}, {large.population}",
                    "estimate": large.estimate,
                    "lower": large.ci_lower,
                    "upper": large.ci_upper,
                    "kind": "published",
                },
                {
                    "label": f"{total.study}, all trials",
                    "estimate": total.estimate,
                    "lower": total.ci_lower,
                    "upper": total.ci_upper,
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
                for r in per_study_intervals(self.effects, self.level).itertuples()
            ]
        )
        show(small_rows.drop(columns="kind"))
        fig = plots.estimate_comparison(
            small_rows,
            "The trials outside the subset (back-calculated) against the subset and the whole",
            f"{p.measure}, {p.treatment_label} vs {p.control_label} (log scale)",
        )
        show_figure(fig, f"{self.name}_small_study_contrast")
        diff = contrast.ratio_or_difference
        say(
            f"The trials of {total.study} outside its {large.population} subset imply {p.measure} "
            f"{fmt_ci(rest.interval.estimate, rest.interval.lower, rest.interval.upper, level=rest.interval.level)} "
            f"({block['patients']} patients, derived as {int(total.n_patients)} minus the "
            f"{self.counted} with counts here), against {large.estimate_text} "
            f"({large.ci_lower_text} to {large.ci_upper_text}) for the subset: a ratio of "
            f"{p.measure}s of {self.ci(diff.estimate, diff.lower, diff.upper)}, "
            f"{fmt_p(contrast.p_value)}. They carry {rest.weight_share:.0%} of the review's "
            "statistical information."
        )
        checked = check_explanations(
            load_explanations(self.path(p.explanations_file)),
            load_claim_facts(self.path(p.claim_facts_file)),
            self.estimates,
            total_id=p.small_trials_total,
            large_id=p.small_trials_large,
        )
        self.explanations = checked
        show(
            checked.assign(
                **{
                    "share of the gap": [
                        "" if math.isnan(x) else f"{x:.0%} ({lo:.0%} to {hi:.0%})"
                        for x, lo, hi in zip(
                            checked.share, checked.share_low, checked.share_high, strict=True
                        )
                    ]
                }
            )[["explanation", "status", "share of the gap", "why"]]
        )
        save_table(checked, f"{self.name}_small_trial_explanations")
        say(
            "Why would the smaller trials show more benefit? Each candidate explanation "
            f"(`{p.explanations_file}`) is checked against what the review itself records: an "
            "explanation its eligibility rules exclude is dropped, and one that a published subset "
            "of the same review measures is ranked by how much of the gap between all trials and "
            "the large trials the subset closes (on the log scale). " + explanation_words(checked)
        )
        add = self.results.add
        measured = checked[checked.status == "measured"]
        add(
            "meta.small_trials.explanation",
            explanation_words(checked),
            description="the candidate explanations of the small trials' larger benefit, checked "
            "against the review's eligibility and ranked by the evidence in the data",
        )
        if len(measured):
            first = measured.iloc[0]
            add(
                "meta.small_trials.explained_share",
                float(first.share),
                lower=float(first.share_low),
                upper=float(first.share_high),
                kind="range",
                unit="proportion",
                description=f"share of the gap between all trials and the large trials closed by "
                f"the best-supported explanation ({first.explanation}); range: from the ends of "
                "its subset's interval",
            )
        self.results.add_interval(
            "meta.small_trials.backcalculated",
            rest.interval,
            unit="ratio",
            description=f"pooled {p.measure} of the trials outside {p.small_trials_large}, "
            f"back-calculated from {p.small_trials_total} (inverse-variance approximation)",
        )
        add(
            "meta.small_trials.review",
            short_name(total.study),
            description="the review whose overall and subset estimates give the block",
        )
        add(
            "meta.small_trials.patients",
            block["patients"],
            unit="patients",
            description="patients in the back-calculated block (derived: review total minus the "
            "trials with counts)",
        )
        add(
            "meta.small_trials.weight_share",
            rest.weight_share,
            unit="proportion",
            description="share of the review's information carried by the back-calculated trials",
        )
        self.results.add_interval(
            "meta.small_vs_large.ratio",
            diff,
            unit="ratio",
            description="ratio of the back-calculated to the subset pooled estimate",
        )
        add(
            "meta.small_vs_large.p",
            contrast.p_value,
            description="test of that ratio (Altman-Bland)",
        )

    def section_conflict(self) -> None:
        p, studies = self.p, self.studies
        if not p.conflict_with:
            say(
                "No earlier pooled estimates named (parameter `conflict_with`); this section does "
                "not apply."
            )
            return
        newest = studies.iloc[-1]
        earlier_rows = []
        for estimate_id in p.conflict_with:
            r = self.published.loc[estimate_id]
            if (
                not pd.isna(r.year) and not pd.isna(newest.year) and r.year >= newest.year
            ) or not self.ratio:
                continue
            # a reported I² of 0 is not evidence that tau² = 0: no review here reports tau², so
            # the prediction integrates over the heterogeneity prior
            tau2 = math.nan
            k_text = "k = " + str(int(r.k_studies)) if not pd.isna(r.k_studies) else "k not stated"
            earlier_rows.append(
                {
                    "label": f"{r.study} ({k_text}): {r.measure} {r.estimate_text} "
                    f"({r.ci_lower_text} to {r.ci_upper_text})",
                    "estimate": r.estimate,
                    "lower": r.ci_lower,
                    "upper": r.ci_upper,
                    "ci_level": r.ci_level,
                    "tau2": tau2,
                    "source": estimate_id,
                }
            )
        if not earlier_rows:
            say(
                "The conflict test compares ratios; "
                + (
                    f"with measure {p.measure} it does not apply."
                    if not self.ratio
                    else f"none of the named estimates was published before {newest.study}, so "
                    "there is nothing to compare it with."
                )
            )
            return
        new_eff = study_effects(studies.iloc[[-1]], "RR", p.correction)
        conflict = conflict_tests(
            (float(new_eff.yi[0]), float(np.sqrt(new_eff.vi[0]))),
            f"{newest.study} RR",
            pd.DataFrame(earlier_rows),
            self.level,
            tau2_prior=self.turner,
        )
        show(conflict.table)
        save_table(conflict.table, f"{self.name}_conflict")
        for _, r in conflict.table.iterrows():
            key = r["source"].split(".")[0]
            self.results.add(
                f"meta.conflict.{key}.p",
                r["P vs pooled mean"],
                description=f"conflict test: {newest.study} RR vs the {key} pooled mean",
            )
            self.results.add(
                f"meta.conflict.{key}.ratio",
                r["ratio of ratios"],
                lower=r["lower"],
                upper=r["upper"],
                level=self.level,
                unit="ratio",
                description=f"{newest.study} RR divided by the {key} pooled RR",
            )
            if not math.isnan(r["P vs prediction"]):
                self.results.add(
                    f"meta.conflict.{key}.p_prediction",
                    r["P vs prediction"],
                    description=f"conflict test against the {key} prediction for a new trial "
                    f"({r['heterogeneity used']})",
                )
        known = conflict.table.dropna(subset=["P vs prediction"])

        def name(r):
            return r["earlier pooled estimate"].split(" (")[0]

        say(
            f"{newest.study} (RR from counts {math.exp(new_eff.yi[0]):.2f}) against each earlier "
            "pooled mean: "
            + "; ".join(
                f"{name(r)} {fmt_p(r['P vs pooled mean'])}" for _, r in conflict.table.iterrows()
            )
            + ". "
            + (
                "Against the prediction for a new trial, which allows the true effects to differ "
                "between trials: "
                + "; ".join(f"{name(r)} {fmt_p(r['P vs prediction'])}" for _, r in known.iterrows())
                + ". None of the reviews reports its between-trial variance, and a reported I² of "
                "0 is not evidence that it is 0, so the prediction uses the empirical "
                "heterogeneity prior for all-cause mortality (Turner et al. 2015; derived for the "
                "log odds ratio and applied to the log risk ratio, an approximation). "
                if len(known)
                else "No heterogeneity prior is given (parameter `heterogeneity_prior`), so only "
                "the test against the pooled mean is possible, and it overstates the conflict if "
                "the reviewed trials differed among themselves. "
            )
            + "An incompatibility says the newest trial and the earlier pooled estimate are "
            "unlikely to estimate one common effect; it does not say which is wrong or why (see "
            "the explanations checked in section 4)."
        )

    def section_tsa(self) -> None:
        if self.tsa is None:
            say(self.tsa_reason)
            return
        p, tsa = self.p, self.tsa
        pair_rows = []
        for model, res in tsa.pairings.items():
            a = res.adjusted
            pair_rows.append(
                {
                    "Z-curve": MODEL_LABELS[model],
                    "RIS heterogeneity adjustment": f"D² = {res.ris['diversity']:.2f}",
                    "RIS (patients)": res.ris["ris"],
                    "information size with futility inflation": res.information_size,
                    "patients accrued": int(res.looks["patients"].iloc[-1]),
                    "fraction": a["fraction"],
                    "last Z (positive favours treatment)": float(res.looks["z_benefit"].iloc[-1]),
                    "boundary at last look": float(res.looks["efficacy_boundary"].iloc[-1]),
                    f"conventional {p.measure} ({100 * (1 - p.tsa_alpha):g}% CI)": fmt_ci(
                        a["estimate"], a["naive_lower"], a["naive_upper"], level=1 - p.tsa_alpha
                    ),
                    f"TSA-adjusted {p.measure} CI": f"{a['adjusted_lower']:.2f} to "
                    f"{a['adjusted_upper']:.2f}",
                    "conclusion": CONCLUSIONS[res.conclusion],
                }
            )
        pairings = pd.DataFrame(pair_rows)
        show(pairings)
        save_table(pairings, f"{self.name}_tsa_pairings")
        save_table(
            pd.concat([r.looks.assign(model=m) for m, r in tsa.pairings.items()]),
            f"{self.name}_tsa_looks",
        )
        fig = meta_plots.tsa_plot(
            {
                "common-effect Z-curve, unadjusted information size": self.fixed_tsa,
                "random-effects (DL) Z-curve, D²-adjusted information size": self.random_tsa,
            },
            f"Trial sequential analysis of {p.outcome_label} ({self.tsa_measure}); effect to "
            f"detect: {100 * p.design_relative_reduction:.0f}% relative reduction (design effect, "
            "assumption)",
            p.tsa_alpha,
        )
        show_figure(fig, f"{self.name}_tsa")
        s = self.s_common
        self.excluded = excluded_effects(s["lower"], s["upper"]) if self.ratio else None
        excluded_text = (
            excluded_words(s["lower"], s["upper"], 1 - p.design_relative_reduction, p.measure)
            if self.excluded
            else ""
        )
        say(
            f"Assumptions: control risk {self.control_risk:.3f} "
            f"({'parameter' if p.tsa_control_risk is not None else 'pooled control arms'}), "
            f"relative risk reduction {100 * p.design_relative_reduction:.0f}% (the design effect, an "
            f"assumption), α = {p.tsa_alpha}, β = {p.tsa_beta}. "
            + " ".join(
                f"{MODEL_LABELS[m][0].upper() + MODEL_LABELS[m][1:]}: RIS {r.ris['ris']:,} "
                f"patients ({r.information_size:,.0f} with the futility inflation), "
                f"{r.adjusted['fraction']:.0%} accrued; {r.conclusion_text}."
                for m, r in tsa.pairings.items()
            )
            + (
                " With two trials the Hartung-Knapp-Sidik-Jonkman factor equals 1 for the "
                "DerSimonian-Laird estimate, so the two random-effects Z-curves coincide."
                if np.allclose(
                    tsa.stats_table["z_random_dl"],
                    tsa.stats_table["z_random_dl_hksj"],
                    equal_nan=True,
                )
                and self.k == 2
                else ""
            )
            + (" " + excluded_text if excluded_text else "")
        )

    def section_d2(self) -> None:
        if self.tsa is None:
            return
        tsa = self.tsa
        d2_table = tsa.d2_table.assign(conclusion=tsa.d2_table["conclusion"].map(CONCLUSIONS))
        show(d2_table)
        save_table(tsa.d2_table, f"{self.name}_tsa_d2_sensitivity")
        verdicts = set(tsa.d2_table["conclusion"])
        say(
            "Across no adjustment, the I²-based, the estimated and a stated upper D² (the last an "
            "assumption), the verdict is "
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
            + f"{tsa.d2_table['RIS (patients)'].min():,} to "
            f"{tsa.d2_table['RIS (patients)'].max():,} patients."
        )

    def section_tsa_block(self) -> None:
        if self.tsa is None:
            return
        p, tsa, block = self.p, self.tsa, self.block
        if not tsa.block:
            say(
                "No back-calculated block applies (see section 4), so there is no approximate "
                "TSA; the TSA above covers the trials in the trials file, and only those."
            )
            return
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
        save_table(block_rows, f"{self.name}_tsa_with_block")
        fig = meta_plots.tsa_plot(
            {
                "with the back-calculated block (approximation): common effect": tsa.block["fixed"],
                "with the back-calculated block (approximation): random effects (DL)": tsa.block[
                    "random_dl"
                ],
            },
            "Approximate trial sequential analysis including the trials known only from a "
            "published pooled estimate",
            p.tsa_alpha,
        )
        show_figure(fig, f"{self.name}_tsa_with_block")
        fixed, random = tsa.block["fixed"], tsa.block["random_dl"]
        say(
            f"With the block of {block['patients']} patients first, the common-effect analysis "
            f"reaches {fixed.adjusted['fraction']:.0%} of its information size: "
            f"{fixed.conclusion_text}; the random-effects one {random.adjusted['fraction']:.0%}: "
            f"{random.conclusion_text}. This is an approximation: the block is not a trial, its "
            "variance comes from a back-calculation, and its position in time is assumed."
        )

    def section_sensitivity(self) -> None:
        p, k, effects = self.p, self.k, self.effects
        model = model_function(p.tau2_method, p.ci_method, self.level)
        if k >= 2:
            loo = leave_one_out(effects, model)
            show(loo)
            save_table(loo, f"{self.name}_leave_one_out")
        cum = cumulative(effects, model, order="order")
        show(cum.drop(columns="order"))
        save_table(cum, f"{self.name}_cumulative")
        if p.subgroup_column:
            sub = subgroup_analysis(effects, p.subgroup_column)
            show(sub.groups.drop(columns=["log_estimate", "se", "fe_log_estimate", "fe_se"]))
            say(
                f"Test for subgroup differences by `{p.subgroup_column}` (random effects per "
                f"subgroup, as RevMan): Q = {sub.q_between_random:.2f} on {sub.df} df, "
                f"{fmt_p(sub.p_between_random)}; common-effect version Q = "
                f"{sub.q_between_common:.2f}, {fmt_p(sub.p_between_common)}."
            )
            self.results.add(
                "meta.subgroup.p_random",
                sub.p_between_random,
                description=f"test for subgroup differences by {p.subgroup_column}",
            )
        else:
            say(
                "No subgroup column given (parameter `subgroup_column`); subgroup analysis skipped."
            )
        egger = egger_test(effects)
        if egger.p_value is None:
            say(egger.message + ".")
            return
        iv_common = self.fits["other: inverse-variance common effect"].summary()["estimate"]
        say(
            f"Egger's test: bias coefficient {egger.bias:.2f} (SE {egger.bias_se:.2f}), "
            f"t = {egger.t:.2f} on {egger.df} df, {fmt_p(egger.p_value)}."
            + (
                " **Caution:** the funnel plot is asymmetric beyond what chance readily explains. "
                "Random-effects weights favour small studies relative to the common-effect model, "
                f"so the random-effects estimate ({self.s_current['estimate']:.2f}) leans towards "
                f"the small studies (common effect: {iv_common:.2f}); asymmetry can come from "
                "small-study bias, from true differences between small and large studies, or from "
                "chance."
                if egger.p_value < 0.10
                else ""
            )
        )
        show_figure(
            meta_plots.funnel(
                effects,
                self.current,
                f"Funnel plot of {p.outcome_label}",
                p.measure,
                level=self.level,
            ),
            f"{self.name}_funnel",
        )
        self.results.add("meta.egger.p", egger.p_value, description="Egger's regression test P")
        self.results.add("meta.egger.bias", egger.bias, description="Egger's bias coefficient")

    def key_numbers(self) -> None:
        """Every key number of the notebook, then the results file."""
        p, fits, current, common = self.p, self.fits, self.current, self.common
        add, level = self.results.add, self.level
        unit = "ratio" if self.ratio else "difference"
        add(
            "meta.pooled.measure",
            p.measure,
            description="the effect measure of every meta.pooled.* estimate",
        )
        add(
            "meta.pooled.measure_words",
            MEASURE_WORDS.get(p.measure, p.measure),
            description="that measure in words",
        )
        for key, fit in (
            ("mh", common),
            ("dl_wald", fits["legacy: DerSimonian-Laird, Wald CI"]),
            ("current", current),
            ("iv_common", fits["other: inverse-variance common effect"]),
        ):
            s = fit.summary()
            add(
                f"meta.pooled.{key}",
                s["estimate"],
                lower=s["lower"],
                upper=s["upper"],
                level=fit.level,
                unit=unit,
                description=f"{p.measure}: {fit.model}, {fit.ci_method} CI, {p.outcome}, "
                f"k = {s['k']}",
            )
        s_current = self.s_current
        if s_current["pi_lower"] is not None:
            add(
                "meta.pooled.current_prediction_interval",
                s_current["estimate"],
                lower=s_current["pi_lower"],
                upper=s_current["pi_upper"],
                level=current.level,
                unit=unit,
                description=f"{p.measure}: prediction interval of the current method (metafor "
                "convention)",
            )
        tau2_ci = (current.tau2_lower, current.tau2_upper)
        tau2_ci_defined = all(x is not None and math.isfinite(x) for x in tau2_ci)
        add(
            f"meta.pooled.tau2_{p.tau2_method.lower()}",
            current.tau2,
            lower=tau2_ci[0] if tau2_ci_defined else None,
            upper=tau2_ci[1] if tau2_ci_defined else None,
            level=current.level if tau2_ci_defined else None,
            description="between-trial variance with Q-profile CI"
            if tau2_ci_defined
            else "between-trial variance (no Q-profile CI: it needs at least two trials with "
            "information)",
        )
        add("meta.pooled.i2", common.i2, unit="proportion", description="I² (common-effect Q)")
        add(
            "meta.pooled.q_p",
            common.q_p if common.q_df > 0 else 1.0,
            description="P of Cochran's Q (1 when k = 1)",
        )
        add("meta.pooled.k", self.k, unit="trials", description=f"trials pooled for {p.outcome}")
        add(
            "meta.pooled.patients",
            self.counted,
            unit="patients",
            description="patients in the pooled trials",
        )
        for name, fit in self.bayes.items():
            for what, predictive in (("mean", False), ("new_trial", True)):
                s = fit.summary(predictive, level)
                add(
                    f"meta.bayes.{name}.{what}",
                    s["median"],
                    lower=s["lower"],
                    upper=s["upper"],
                    level=s["level"],
                    unit=unit,
                    description=f"Bayesian random effects, {self.prior_label[name]}: "
                    f"{'mean effect' if not predictive else 'effect in a new trial'} (median, "
                    f"{100 * s['level']:g}% credible interval)",
                )
                add(
                    f"meta.bayes.{name}.{what}.p_benefit",
                    s["p_benefit"],
                    unit="probability",
                    description=f"P({p.measure} < 1), {what}",
                )
            for side, words in (("benefit", "a reduction"), ("harm", "an increase")):
                threshold = self.benefit if side == "benefit" else self.harm
                add(
                    f"meta.bayes.{name}.mean.p_{side}_threshold",
                    self.decision[name][side],
                    unit="probability",
                    description=f"posterior probability of {words} of at least {threshold:g} "
                    f"events per 1000 at the pooled control risk (decision threshold, an "
                    f"assumption), {self.prior_label[name]}",
                )
            add(
                f"meta.bayes.{name}.tau_median",
                fit.tau_median,
                description=f"posterior median of tau, {self.prior_label[name]}",
            )
        if self.decision:
            add(
                "meta.decision.prior",
                self.prior_label[self.first_prior],
                description="the prior of the Bayesian random-effects model whose decision "
                "probabilities the bottom line quotes",
            )
            for side in ("benefit", "harm"):
                add(
                    f"meta.decision.p_{side}",
                    self.decision[self.first_prior][side],
                    unit="probability",
                    description=f"posterior probability of {side} of at least the decision "
                    f"threshold per 1000 at the pooled control risk "
                    f"({self.prior_label[self.first_prior]})",
                )
        for side, value in (("benefit", self.benefit), ("harm", self.harm)):
            add(
                f"meta.decision.{side}_threshold",
                value,
                unit="per 1000",
                description=f"decision threshold for {side} ({p.outcome_class}; an assumption, "
                "params/shared.yaml)",
            )
        if self.absolute is not None:
            a = self.absolute
            add(
                "meta.pooled.difference_per_1000",
                a["difference"],
                lower=a["difference_lower"],
                upper=a["difference_upper"],
                level=self.level,
                unit="per 1000",
                description="common-effect pooled estimate as a difference in events per 1000 at "
                "the pooled control risk",
            )
        self.pair_results()
        self.tsa_results()
        if self.excluded:
            add(
                "meta.excluded.rrr_above",
                self.excluded["rrr_excluded_above"],
                unit="proportion",
                description="relative reductions the conventional common-effect CI excludes "
                "(larger than this)",
            )
        self.write_results()

    def pair_results(self) -> None:
        """The two trials of ``pair_trials`` pooled on their own."""
        p, studies = self.p, self.studies
        if len(p.pair_trials) != 2 or not self.ratio:
            return
        pair = studies[studies["study_id"].isin(p.pair_trials)]
        if len(pair) != 2:
            missing = sorted(set(p.pair_trials) - set(pair["study_id"]))
            raise KeyError(
                f"parameter 'pair_trials': {missing} not among the trials reporting "
                f"{p.outcome} in {p.trials_file}"
            )
        pooled = mantel_haenszel(pair, p.measure, self.level)
        s = pooled.summary()
        names = " + ".join(short_name(x) for x in pair["study"])
        self.results.add(
            f"meta.{'_'.join(p.pair_trials)}.{p.measure.lower()}_mh",
            s["estimate"],
            lower=s["lower"],
            upper=s["upper"],
            level=pooled.level,
            unit="ratio",
            description=f"{names} only, Mantel-Haenszel {p.measure}, {p.outcome}",
        )

    def tsa_results(self) -> None:
        if self.tsa is None:
            return
        p, tsa, add = self.p, self.tsa, self.results.add
        for model, res in tsa.pairings.items():
            base = f"meta.tsa.{model}"
            add(
                f"{base}.ris",
                res.ris["ris"],
                unit="patients",
                description=f"required information size, {MODEL_LABELS[model]} "
                f"(D² = {res.ris['diversity']:.3f})",
            )
            add(
                f"{base}.information_size",
                res.information_size,
                unit="patients",
                description="information size with the futility inflation",
            )
            add(
                f"{base}.fraction",
                res.adjusted["fraction"],
                unit="proportion",
                description="accrued information / information size",
            )
            add(
                f"{base}.conclusion",
                res.conclusion,
                description=f"{CONCLUSIONS[res.conclusion]} (status at the last trial)",
            )
            add(
                f"{base}.history",
                [f"{h['event']} at {h['study']}" for h in res.history],
                description="every look at which the Z-curve crossed a boundary or entered the "
                "futility wedge, in order (the conclusion is the status at the last trial)",
            )
            add(
                f"{base}.conclusion_text",
                res.conclusion_text,
                description="the status in words, with any earlier crossing the Z-curve has left",
            )
            a = res.adjusted
            finite = all(0 < a[x] < math.inf for x in ("adjusted_lower", "adjusted_upper"))
            add(
                f"{base}.adjusted_ci",
                a["estimate"],
                lower=a["adjusted_lower"] if finite else None,
                upper=a["adjusted_upper"] if finite else None,
                level=1 - p.tsa_alpha if finite else None,
                unit="ratio",
                description="pooled estimate with the TSA-adjusted CI"
                if finite
                else "pooled estimate; the TSA-adjusted CI is unbounded (the efficacy boundary at "
                f"{a['fraction']:.1%} of the information size is z = {a['critical_value']:.0f})",
            )
        add(
            "meta.tsa.diversity",
            float(tsa.stats_table.iloc[-1]["d2"]),
            unit="proportion",
            description="diversity D² of the trials (DL vs common effect)",
        )
        add(
            "meta.tsa.control_risk",
            self.control_risk,
            unit="proportion",
            description="control event proportion used for the information size",
        )
        add(
            "meta.tsa.rrr",
            p.design_relative_reduction,
            unit="proportion",
            description="relative risk reduction to detect: the design effect (assumption, "
            "params/shared.yaml)",
        )
        add(
            "meta.tsa.d2_sensitivity_conclusions",
            sorted(set(tsa.d2_table["conclusion"])),
            description="TSA conclusions across the D² sensitivity table",
        )
        for model, res in tsa.block.items():
            add(
                f"meta.tsa_with_block.{model}.fraction",
                res.adjusted["fraction"],
                unit="proportion",
                description="approximate TSA with the back-calculated block",
            )
            add(
                f"meta.tsa_with_block.{model}.conclusion",
                res.conclusion,
                description=CONCLUSIONS[res.conclusion],
            )


class MetaAnalysisInstance(MetaAnalyses):
    """The same analysis of any binary-outcome trials file, rendered as a named instance of the
    template ``notebooks/meta_analysis.py`` (one per entry of ``params/analyses.yaml``), so that
    analysing another data set leaves the thymosin notebooks and their results untouched."""

    notebook = "meta_analysis"

    def default_prefix(self) -> str:
        return "analyses/meta_analysis"
