"""09_synthesis: the collection's answers on one page, with GRADE certainty, RoB 2, absolute
effects per 1000 judged against explicit decision thresholds, and how the answers depend on them."""

from __future__ import annotations

import re

import pandas as pd

from ta1sepsis.chapters.all_evidence import all_evidence
from ta1sepsis.chapters.base import (
    Chapter,
    MissingDataId,
    row_by_id,
    short_name,
    source_short,
    thresholds_for,
)
from ta1sepsis.data.claims_tables import load_claim_facts
from ta1sepsis.data.evidence_tables import (
    load_grade_judgements,
    load_method_facts,
    load_outcome_importance,
    load_risk_of_bias,
)
from ta1sepsis.data.labels import outcome_words
from ta1sepsis.data.loader import (
    load_credibility,
    load_estimates,
    load_facts,
    load_trials,
    select_one,
)
from ta1sepsis.evidence.claims import method_verdict_frame
from ta1sepsis.evidence.decisions import threshold_sentences
from ta1sepsis.evidence.grade import Evidence, rate
from ta1sepsis.evidence.rob import assessments
from ta1sepsis.evidence.synthesis import (
    LOW_CREDIBILITY,
    downgrade_table,
    harm_evidence,
    level_words,
    marker_evidence,
    narrative_row,
    pooled_evidence,
    published_evidence,
    rated_row,
    rob_weights,
    sof_table,
    subgroup_row,
    trial_outcome_evidence,
)
from ta1sepsis.report import plots
from ta1sepsis.report.answers import bottom_line, fmt_ci, fmt_p, fmt_per_1000
from ta1sepsis.report.grade_profile import evidence_profile
from ta1sepsis.report.narrative import say, show
from ta1sepsis.report.outputs import save_table, show_figure
from ta1sepsis.report.plain_language import ALL_RCTS, BIAS_ADJUSTED, POOLED
from ta1sepsis.stats import bayes_meta
from ta1sepsis.stats.absolute import per_1000, ratio_for_risk_difference
from ta1sepsis.stats.meta_effects import study_effects
from ta1sepsis.stats.meta_methods import trials_to_studies
from ta1sepsis.stats.meta_workflow import per_study_intervals

# the outcome ids of the summary of findings that the index answer reads are defined once, in
# report.plain_language (imported above)
LARGEST = "mortality_28d_largest_trial"
# the normal approximation of a trial's likelihood is called adequate when its Wald limits lie
# within this share of a standard error of the exact limits (an assumption, stated where used)
ADEQUATE_SHARE = 0.25
HARMS = "adverse_events"
RATIOS = ("OR", "RR")
READS = (
    "01_mechanism",
    "02_etass",
    "03_meta_analyses",
    "04_tests",
    "05_subgroups",
    "06_dosing",
    "07_next_trial",
    "08_claims",
)


def dependence_words(table: pd.DataFrame) -> dict[str, str]:
    """What changes with the decision threshold, outcome by outcome: 'the wording', 'the
    certainty', 'the certainty and the wording' or 'nothing'.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per threshold and outcome, with columns outcome, certainty and statement.

    Returns
    -------
    dict
        outcome -> what changes across the thresholds.

    Examples
    --------
    >>> t = pd.DataFrame({"outcome": ["a", "a", "b", "b"], "certainty": ["low", "low", "low",
    ...                   "moderate"], "statement": ["x", "y", "z", "z"]})
    >>> dependence_words(t)
    {'a': 'the wording', 'b': 'the certainty'}
    """
    out = {}
    for outcome, rows in table.groupby("outcome", sort=False):
        certainty = rows["certainty"].nunique() > 1
        wording = rows["statement"].nunique() > 1
        out[outcome] = (
            "the certainty and the wording"
            if certainty and wording
            else "the certainty"
            if certainty
            else "the wording"
            if wording
            else "nothing"
        )
    return out


class Synthesis(Chapter):
    """The answers, the summary of findings and its certainty (notebook 09_synthesis)."""

    notebook = "09_synthesis"

    def __init__(self, **parameters):
        super().__init__(**parameters)
        p = self.p
        self.trials = load_trials(self.path(p.trials_file))
        self.estimates = load_estimates(self.path(p.estimates_file))
        self.facts = load_facts(self.path(p.facts_file))
        self.method_facts = load_method_facts(self.path(p.method_facts_file))
        self.rob_table = load_risk_of_bias(self.path(p.risk_of_bias_file))
        judgement_rows = load_grade_judgements(self.path(p.grade_judgements_file))
        credibility = load_credibility(self.path(p.credibility_file))
        self.importance = load_outcome_importance(self.path(p.importance_file)).set_index(
            "outcome_id"
        )
        self.claim_facts = load_claim_facts(self.path(p.claim_facts_file))
        self.R = {name: self.read(name) for name in READS}
        self.meta = self.R["03_meta_analyses"]
        measure = self.meta["meta.pooled.measure"]["value"]
        if measure not in RATIOS:
            raise ValueError(
                f"09_synthesis needs 03_meta_analyses pooled on a ratio scale ({' or '.join(RATIOS)}) "
                f"for its relative effects and overview; results/03_meta_analyses.json has {measure}: "
                "set measure in params/03_meta_analyses.yaml"
            )
        self.trial_ids = [
            t
            for t in dict.fromkeys(self.trials.study_id)
            if (self.root / "results" / "trials" / f"{t}.json").is_file()
        ]
        self.T = {t: self.read(f"trials/{t}") for t in self.trial_ids}
        self.rob = assessments(self.rob_table).set_index("assessment_id")
        self.judgements = {
            (r.outcome_id, r.domain): {
                "rating": r.rating,
                "rationale": r.rationale,
                "line": r.line,
                "criterion": r.criterion,
            }
            for r in judgement_rows.itertuples()
        }
        self.iceman = credibility[credibility["item"] == "overall"].set_index("claim_id")[
            "response"
        ]
        # decision thresholds per outcome class: the one used first, then the sourced alternatives
        self.thresholds = {
            cls: thresholds_for(p, self.method_facts, cls, file=p.method_facts_file)
            for cls in p.decision_thresholds
        }
        self.chosen = {cls: (t[0][1], t[0][2]) for cls, t in self.thresholds.items()}
        # the assumed control risk: the control arm of the baseline study, from its counts
        self.base_row = select_one(
            self.trials, "trials", study_id=p.baseline_study, outcome="mortality_28d"
        )
        b = self.base_row
        self.baseline = b.events_ctl / b.n_ctl
        self.baseline_text = f"{b.study} control arm, 28-day mortality {b.events_ctl}/{b.n_ctl} = {self.baseline:.1%}"
        self.second = None
        if p.second_baseline_study:
            r = select_one(
                self.trials, "trials", study_id=p.second_baseline_study, outcome="mortality_28d"
            )
            self.second = (
                r.events_ctl / r.n_ctl,
                f"{short_name(r.study)} control arm {r.events_ctl}/{r.n_ctl}",
            )
        self.outcome28 = self.trials[self.trials.outcome == "mortality_28d"]
        self.all_ev, self.all_ev_missing = self.all_evidence_setup()
        self.rated = self.rate_all(self.chosen)
        self.by_id = {r.evidence.outcome_id: r for r in self.rated}

    def all_evidence_setup(self):
        """The bias-adjusted synthesis of all evidence, or None and the reason it cannot run."""
        p, meta = self.p, self.meta
        block = meta.optional("meta.small_trials.backcalculated")
        if block is None:
            return None, (
                "03_meta_analyses wrote no back-calculated block of small trials "
                "(meta.small_trials.backcalculated), so there is no evidence beyond the trials "
                "with counts to combine"
            )
        if meta["meta.pooled.measure"]["value"] != "OR":
            return None, (
                "the synthesis works on log odds ratios and 03_meta_analyses pooled "
                f"{meta['meta.pooled.measure']['value']} (set measure: OR in "
                "params/03_meta_analyses.yaml)"
            )
        return (
            all_evidence(
                self.trials,
                block,
                self.method_facts,
                heterogeneity_prior=p.heterogeneity_prior,
                bias_priors=list(p.bias_priors),
                primary_bias_prior=p.primary_bias_prior,
                weights=list(p.power_prior_weights),
                control_risk=self.baseline,
                thresholds=self.chosen["mortality"],
            ),
            "",
        )

    # ---------------------------------------------------------------- the evidence rows

    def outcome_info(self, outcome_id: str):
        """The importance row of an outcome (importance, class, words)."""
        if outcome_id not in self.importance.index:
            raise MissingDataId(
                f"{self.p.importance_file} has no outcome_id {outcome_id!r} (every outcome of the "
                "summary of findings needs its importance and class)"
            )
        return self.importance.loc[outcome_id]

    def thresholds_of(
        self, outcome_id: str, chosen: dict
    ) -> tuple[float, float] | tuple[None, None]:
        """Decision thresholds (proportions) of an outcome's class, or (None, None)."""
        cls = self.outcome_info(outcome_id)["outcome_class"]
        if cls not in chosen:
            return None, None
        benefit, harm = chosen[cls]
        return benefit / 1000, harm / 1000

    def largest_trial(self):
        """The counts row of the largest trial of the pool, when the pool has two or three."""
        k = int(self.meta["meta.pooled.k"]["value"])
        if not 2 <= k <= 3:
            return None
        return (
            self.outcome28.assign(n=self.outcome28.n_trt + self.outcome28.n_ctl)
            .sort_values("n", ascending=False, kind="stable")
            .iloc[0]
        )

    def evidence_rows(self, chosen: dict) -> list:
        """Every rated outcome of the summary of findings, built from the results and the data."""
        p, meta, rows = self.p, self.meta, []
        base = {"baseline": self.baseline, "baseline_text": self.baseline_text}
        pooled = meta["meta.pooled.mh"]
        effects = study_effects(
            trials_to_studies(self.trials, "mortality_28d"),
            meta["meta.pooled.measure"]["value"],
            correction="constant",
        )
        k = int(meta["meta.pooled.k"]["value"])
        per_trial = per_study_intervals(effects, pooled["level"])
        rows.append(
            pooled_evidence(
                meta,
                outcome_id=POOLED,
                label="28-day mortality",
                trial_names=list(self.outcome28.study),
                trial_rob=rob_weights(
                    list(effects.table.study_id), effects.vi, "mortality_28d", self.rob
                ),
                trial_estimates=[
                    (short_name(r.study), r.estimate, r.lower, r.upper)
                    for r in per_trial.itertuples()
                ]
                if 2 <= k <= 3
                else [],
                thresholds=self.thresholds_of(POOLED, chosen),
                **base,
            )
        )
        largest = self.largest_trial()
        if largest is not None:
            t = largest.study_id
            if t not in self.T:
                raise FileNotFoundError(
                    f"results/trials/{t}.json does not exist: render the trial reports first "
                    "(make all); the summary of findings shows the largest trial alone"
                )
            rows.append(
                trial_outcome_evidence(
                    self.T[t][f"{t}.mortality_28d.rr"],
                    largest,
                    outcome_id=LARGEST,
                    label=f"28-day mortality ({short_name(largest.study)} alone, the largest "
                    "trial)",
                    thresholds=self.thresholds_of(LARGEST, chosen),
                    control=self.baseline,
                    control_text=self.baseline_text,
                )
            )
        rows.append(
            published_evidence(
                self.estimate(p.all_rcts_estimate, "all_rcts_estimate"),
                outcome_id=ALL_RCTS,
                label="28-day mortality (all randomised trials)",
                subset_contrast_p=meta["meta.small_vs_large.p"]["value"]
                if "meta.small_vs_large.p" in meta
                else None,
                information_size=meta["meta.tsa.fixed.information_size"]["value"],
                thresholds=self.thresholds_of(ALL_RCTS, chosen),
                **base,
            )
        )
        if self.all_ev is not None:
            a, review = self.all_ev, self.estimate(p.all_rcts_estimate, "all_rcts_estimate")
            rows.append(
                Evidence(
                    BIAS_ADJUSTED,
                    "28-day mortality (all evidence, bias-adjusted)",
                    "OR",
                    a.primary["median"],
                    a.primary["lower"],
                    a.primary["upper"],
                    None if pd.isna(review.n_patients) else int(review.n_patients),
                    None if pd.isna(review.k_studies) else int(review.k_studies),
                    self.baseline,
                    self.baseline_text,
                    "bias-adjusted Bayesian synthesis (section 4): the trials with counts, the "
                    f"back-calculated block of {meta['meta.small_trials.review']['value']}'s other "
                    f"trials and a prior on its bias ({a.primary_label}); posterior median and "
                    "credible interval",
                    information_size=meta["meta.tsa.fixed.information_size"]["value"],
                    threshold_benefit=self.thresholds_of(BIAS_ADJUSTED, chosen)[0],
                    threshold_harm=self.thresholds_of(BIAS_ADJUSTED, chosen)[1],
                    level=a.level,
                )
            )
        report = self.T[p.baseline_study]
        for outcome_id in p.secondary_outcomes:
            row = select_one(self.trials, "trials", study_id=p.baseline_study, outcome=outcome_id)
            rows.append(
                trial_outcome_evidence(
                    report[f"{p.baseline_study}.{outcome_id}.rr"],
                    row,
                    outcome_id=outcome_id,
                    label=outcome_words(outcome_id),
                    thresholds=self.thresholds_of(outcome_id, chosen),
                )
            )
        m = p.marker_outcome
        if m:
            e = self.estimate(m["estimate"], "marker_outcome")
            n = select_one(self.trials, "trials", study_id=e.study_id, outcome="mortality_28d")
            if m["assessment"] not in self.rob.index:
                raise KeyError(
                    f"{p.risk_of_bias_file} has no assessment_id {m['assessment']!r} (named by "
                    "the parameter 'marker_outcome')"
                )
            rows.append(
                marker_evidence(
                    e,
                    outcome_id="mhla_dr_change",
                    label=f"monocyte HLA-DR (change to day {e.outcome.split('day')[-1]}, "
                    "percentage points)",
                    randomised=int(n.n_trt + n.n_ctl),
                    rob_overall=self.rob.loc[m["assessment"], "overall"],
                )
            )
        for outcome_id, (estimate_id, claim_id) in p.subgroup_claims.items():
            e = self.subgroup_evidence(outcome_id, estimate_id, claim_id, chosen)
            if e.credibility not in LOW_CREDIBILITY:
                rows.append(e)
        return rows

    def subgroup_evidence(self, outcome_id: str, estimate_id: str, claim_id: str, chosen: dict):
        """A subgroup's published estimate with the ICEMAN rating of its claim."""
        if claim_id not in self.iceman.index:
            raise MissingDataId(
                f"{self.p.credibility_file} has no overall ICEMAN rating for claim_id "
                f"{claim_id!r} (named by the parameter 'subgroup_claims')"
            )
        row = self.estimate(estimate_id, "subgroup_claims")
        e = published_evidence(
            row,
            outcome_id=outcome_id,
            label=f"{outcome_words(row.outcome)}, {row.population}",
            baseline=self.baseline,
            baseline_text=self.baseline_text,
            thresholds=self.thresholds_of(outcome_id, chosen),
        )
        e.credibility = self.iceman[claim_id]
        e.source = f"{row.study}, published subgroup estimate"
        return e

    def rate_all(self, chosen: dict) -> list:
        return [
            rate(
                e,
                {d: self.judgements[(o, d)] for (o, d) in self.judgements if o == e.outcome_id},
                self.p.intervention_label,
                self.p.ois_continuous,
            )
            for e in self.evidence_rows(chosen)
        ]

    def interaction_words(self, claim_id: str) -> str:
        """The interaction P as published, the recomputed one beside it, and why they differ."""
        sub, name = self.R["05_subgroups"], claim_id.split(".")[-1]
        published = sub[f"subgroups.{name}.interaction_p_published"]["value"]
        recomputed = sub[f"subgroups.{name}.interaction_p_recomputed"]
        return (
            f"{fmt_p(published)} as published; {fmt_p(recomputed['value'])} recomputed from the "
            f"printed subgroup hazard ratios (rounding allows {recomputed['lower']:.2g} to "
            f"{recomputed['upper']:.2g}); the recomputation uses only the two printed subgroup "
            "estimates (Altman-Bland test), so it can differ from the trial's own analysis in "
            "method as well as by rounding"
        )

    def sof_rows(self, rated: list) -> list[dict]:
        """The rows a reader sees, in order: mortality, other outcomes, harms, markers,
        subgroups."""
        p, by_id = self.p, {r.evidence.outcome_id: r for r in rated}
        own = len({r.evidence.level for r in rated}) > 1
        rows = []
        for r in rated:
            o = r.evidence.outcome_id
            if o in p.subgroup_claims:
                continue
            info = self.outcome_info(o)
            rows.append(
                rated_row(
                    r,
                    importance=info["importance"],
                    # the higher risk is a 28-day control risk: it applies to the rows judged at
                    # the assumed 28-day control risk, not to other outcomes or time points
                    second_baseline=self.second
                    if r.evidence.control_risk == self.baseline
                    and info["outcome_class"] == "mortality"
                    else None,
                    own_level=own,
                )
            )
            if o == (p.secondary_outcomes[-1] if p.secondary_outcomes else ALL_RCTS):
                rows.extend(self.harm_rows())
        for outcome_id, (estimate_id, claim_id) in p.subgroup_claims.items():
            info = self.outcome_info(outcome_id)
            if outcome_id in by_id:
                rows.append(
                    rated_row(by_id[outcome_id], importance=info["importance"], own_level=own)
                )
                continue
            e = self.subgroup_evidence(outcome_id, estimate_id, claim_id, self.chosen)
            rows.append(
                subgroup_row(
                    e,
                    by_id[POOLED],
                    interaction=self.interaction_words(claim_id),
                    importance=info["importance"],
                    own_level=own,
                )
            )
        return rows

    def harm_statements(self) -> list[tuple[str, str]]:
        out = []
        for fact_id in self.p.harms_facts:
            r = row_by_id(
                self.claim_facts,
                "fact_id",
                fact_id,
                file=self.p.claim_facts_file,
                parameter="harms_facts",
            )
            study = self.trials.loc[self.trials.study_id == r["subject"], "study"]
            who = short_name(study.iloc[0]) if len(study) else r["subject"]
            out.append((f"{who}: {r['item']}, {r['value']}", source_short(r["source"])))
        return out

    def harm_rows(self) -> list[dict]:
        if not self.p.harms_facts:
            return []
        info = self.outcome_info(HARMS)
        return [
            narrative_row(
                harm_evidence(
                    info["outcome"], self.harm_statements(), importance=info["importance"]
                )
            )
        ]

    def threshold_table(self) -> pd.DataFrame:
        """Certainty and wording of every mortality outcome under each sourced threshold."""
        rows = []
        mortality = self.thresholds["mortality"]
        for label, benefit, harm in mortality:
            chosen = {**self.chosen, "mortality": (benefit, harm)}
            for r in self.rate_all(chosen):
                info = self.outcome_info(r.evidence.outcome_id)
                if info["outcome_class"] != "mortality" or r.absolute is None:
                    continue
                rows.append(
                    {
                        "threshold": label,
                        "benefit (fewer per 1000)": benefit,
                        "harm (more per 1000)": harm,
                        "outcome": r.evidence.label,
                        "certainty": r.certainty,
                        "statement": r.statement,
                    }
                )
        return pd.DataFrame(rows)

    # ---------------------------------------------------------------------- sections

    def answer_parts(self) -> tuple[str, str, list[str]]:
        """The bottom line: its answer, its caveat and its assumptions (built from results)."""
        p, meta, by_id = self.p, self.meta, self.by_id
        big, allr = by_id[POOLED], by_id[ALL_RCTS]
        benefit, harm = self.chosen["mortality"]
        self.dependence = dependence_words(self.threshold_table())
        answer = []
        a, ev = big.absolute, big.evidence
        words = meta["meta.pooled.measure_words"]["value"]
        second = ""
        if self.second is not None:
            b = per_1000(self.second[0], ev.estimate, ev.lower, ev.upper, scale=ev.measure)
            second = (
                f", and {fmt_per_1000(b['difference'], b['difference_lower'], b['difference_upper'])}"
                f" at the higher control risk of {self.second[0]:.0%} ({self.second[1]})"
            )
        decision = ""
        if "meta.decision.p_benefit" in meta:
            decision = (
                f" Under a Bayesian random-effects model ({meta['meta.decision.prior']['value']}), "
                f"the probability that {p.intervention_label} prevents at least {benefit:g} deaths "
                f"per 1000 is {meta['meta.decision.p_benefit']['value']:.0%}, and the probability "
                f"that it causes at least {harm:g} more is "
                f"{meta['meta.decision.p_harm']['value']:.0%}."
            )
        tsa_fixed, tsa_random = meta["meta.tsa.fixed.fraction"], meta["meta.tsa.random_dl.fraction"]
        text = (
            "**Mortality in unselected sepsis.** The trials with counts pool to "
            f"{'an' if words[0] in 'aeiou' else 'a'} {words} of "
            f"{fmt_ci(ev.estimate, ev.lower, ev.upper, level=ev.level)}: "
            f"{fmt_per_1000(a['difference'], a['difference_lower'], a['difference_upper'])} at a "
            f"control risk of {self.baseline:.0%}{second}. "
            f"Certainty **{big.certainty}**: {big.statement[:-1]}, judged against a decision "
            f"threshold of {benefit:g} fewer deaths per 1000 (an assumption). "
            + threshold_sentences(
                ev.estimate,
                ev.lower,
                ev.upper,
                control=self.baseline,
                measure=ev.measure,
                thresholds=self.thresholds["mortality"],
            )
            + decision
        )
        if LARGEST in by_id:
            r = by_id[LARGEST]
            e, la = r.evidence, r.absolute
            text += (
                f" The largest trial alone ({short_name(self.largest_trial().study)}, "
                f"{e.participants:,} patients) gives {e.measure} "
                f"{fmt_ci(e.estimate, e.lower, e.upper, level=e.level)}, "
                f"{fmt_per_1000(la['difference'], la['difference_lower'], la['difference_upper'])}"
                f"; certainty **{r.certainty}**: {r.statement}"
            )
        text += (
            f" The trials with counts hold {min(tsa_fixed['value'], tsa_random['value']):.0%} to "
            f"{max(tsa_fixed['value'], tsa_random['value']):.0%} of the information needed to "
            f"detect the design effect ({100 * p.design_relative_reduction:.0f}% relative "
            "reduction, an assumption); the trial sequential analysis, at the last trial: "
            f"{meta['meta.tsa.fixed.conclusion_text']['value']}."
        )
        answer.append(text)
        pooled = meta["meta.pooled.mh"]
        block = meta.optional("meta.small_trials.backcalculated")
        if block:
            e = allr.evidence
            review = self.estimate(p.all_rcts_estimate, "all_rcts_estimate")
            answer.append(
                f"**The small trials.** All randomised trials pooled by the {review.year:.0f} "
                f"review give {e.measure} {fmt_ci(e.estimate, e.lower, e.upper, level=e.level)} "
                f"(certainty **{allr.certainty}**). Back-calculated from the review, the trials "
                f"not available here give {fmt_ci(block['value'], block['lower'], block['upper'], level=block['level'])}"
                f", against {fmt_ci(pooled['value'], pooled['lower'], pooled['upper'], level=pooled['level'])} "
                "for the trials with counts"
                + (
                    ": without them, the pooled interval includes the null value. "
                    if pooled["lower"] <= 1 <= pooled["upper"] and e.upper < 1
                    else ". "
                )
                + meta["meta.small_trials.explanation"]["value"]
            )
        if self.all_ev is not None and BIAS_ADJUSTED in by_id:
            a, r = self.all_ev, by_id[BIAS_ADJUSTED]
            d, out, face = a.primary, a.table.iloc[0], a.table.iloc[1]
            benefit, harm = self.chosen["mortality"]
            answer.append(
                "**All the evidence, bias-adjusted.** With the small trials' estimate adjusted for "
                f"the bias small trials show on average ({a.primary_label}; parameter "
                "`primary_bias_prior`), all the evidence gives OR "
                f"{fmt_ci(d['median'], d['lower'], d['upper'], level=a.level, kind='CrI')} (posterior "
                "median and credible interval), {fmt_per_1000(d['per1000'], d['per1000_lower'], d['per1000_upper'])}; "
                f"the probability of at least {benefit:g} fewer deaths per 1000 is "
                f"{d['p_reduction']:.0%} and of at least {harm:g} more {d['p_harm']:.0%}. Certainty "
                f"**{r.certainty}**: {r.statement} The answer depends on how far the small trials "
                f"are trusted: from OR {out['median']:.2f} with them left out (probability of at "
                f"least {benefit:g} fewer per 1000 {out['p_reduction']:.0%}) to "
                f"{face['median']:.2f} with them at face value ({face['p_reduction']:.0%}); every "
                "published bias estimate gives an answer in between (section 4)."
            )
        if p.harms_facts:
            answer.append(
                "**Harms.** The sources give no adverse-event counts per arm: "
                + "; ".join(f"{text} ({source})" for text, source in self.harm_statements())
                + ". The size of any harm cannot be estimated from them, and this is not evidence "
                "of no harm."
            )
        for outcome_id, (estimate_id, claim_id) in p.subgroup_claims.items():
            e = self.subgroup_evidence(outcome_id, estimate_id, claim_id, self.chosen)
            if e.credibility in LOW_CREDIBILITY:
                applies = (
                    f"ICEMAN credibility {e.credibility}, so the overall effect and its certainty "
                    f"(**{big.certainty}**) apply to this subgroup. A hypothesis for an enriched "
                    "trial, not an established effect."
                )
            else:
                applies = (
                    f"ICEMAN credibility {e.credibility}; certainty of the subgroup effect "
                    f"**{by_id[outcome_id].certainty}**."
                )
            answer.append(
                f"**Subgroup, {e.label.split(', ', 1)[1]}.** {e.measure} "
                f"{fmt_ci(e.estimate, e.lower, e.upper, level=e.level)} as published; "
                f"interaction {self.interaction_words(claim_id)}; {applies}"
            )
        if p.marker_outcome:
            mh = by_id["mhla_dr_change"]
            e = mh.evidence
            threshold = self.R["01_mechanism"].optional(p.marker_outcome["regression_to_mean"])
            answer.append(
                "**Immune markers.** "
                f"{short_name(self.estimate(p.marker_outcome['estimate'], 'marker_outcome').study)} "
                f"reported a larger rise in monocyte HLA-DR with {p.intervention_label} "
                f"({fmt_ci(e.estimate, e.lower, e.upper, 1, level=e.level)} points at day "
                f"{e.label.split('day ')[-1].split(',')[0]}; certainty **{mh.certainty}**)"
                + (
                    f", but its {p.intervention_label} arm started lower and regression to the "
                    "mean alone would produce that much whenever the baseline-to-follow-up "
                    f"correlation is below {threshold['value']:.2f}"
                    if threshold
                    else ""
                )
                + "; a marker is not a survival benefit."
            )
        nxt = self.R["07_next_trial"]
        if p.next_trial_population:
            key = f"next_trial.{p.next_trial_population}"
            n_next = nxt[f"{key}.shrunken.n_fixed"]["value"]
            n_base = int(self.base_row.n_trt + self.base_row.n_ctl)
            answer.append(
                f"**What a next trial would need.** A trial testing the "
                f"{p.next_trial_population.replace('_', ' ')} signal at its shrunken effect would "
                f"need {n_next:,.0f} patients ({nxt[f'{key}.design.n_fixed']['value']:,.0f} for "
                f"the design effect), {n_next / n_base:.1f} times the {n_base:,} patients of "
                f"{short_name(self.base_row.study)}; planned for "
                f"{nxt[f'{key}.shrunken.nominal_power']['value']:.0%} power, it would show a "
                f"significant benefit with probability "
                f"{nxt[f'{key}.shrunken.assurance']['value']:.0%} if the true effect is drawn "
                "from what is now known (its assurance)."
            )
        q_p, i2, k = meta["meta.pooled.q_p"], meta["meta.pooled.i2"], meta["meta.pooled.k"]
        if k["value"] >= 2:
            spread = (
                f"the {int(k['value'])} trials with counts differ in their estimates by more than "
                f"chance readily explains (heterogeneity P = {q_p['value']:.2g}, I² = "
                f"{100 * i2['value']:.0f}%)"
                if q_p["value"] < 0.10
                else f"the {int(k['value'])} trials with counts differ in their point estimates "
                f"(heterogeneity P = {q_p['value']:.2g}, I² = {100 * i2['value']:.0f}%), and with "
                "so few trials the test cannot show whether they truly agree or disagree"
            )
        else:
            spread = "a single trial with counts carries the pooled analysis"
        changes = "; ".join(f"{o}: {what}" for o, what in self.dependence.items())
        caveat = (
            f"{spread[0].upper()}{spread[1:]}; the small trials behind the published benefit are "
            "not available to re-analyse. What changes across the sourced decision thresholds "
            f"({', '.join(f'{b:g}' for _, b, _ in self.thresholds['mortality'])} fewer deaths per "
            f"1000), as computed in section 5: {changes}."
        )
        assumptions = [
            f"decision thresholds for mortality: {benefit:g} fewer (benefit) and {harm:g} more "
            "(harm) deaths per 1000; for serious events: "
            f"{self.chosen['serious_events'][0]:g} and {self.chosen['serious_events'][1]:g} per "
            "1000 (assumptions; params/shared.yaml; sources and alternatives in "
            f"{p.method_facts_file}, topic threshold)",
            f"design effect: {100 * p.design_relative_reduction:.0f}% relative or "
            f"{100 * p.design_absolute_reduction:g} percentage points absolute (assumption; what "
            "the information size and sample sizes are computed for, not a threshold of "
            "importance)",
            f"assumed control risk: {self.baseline_text}"
            + (f"; higher control risk: {self.second[1]}" if self.second else ""),
            "judgements not made by rule: data/grade_judgements.csv and "
            "data/risk_of_bias.csv, each with its source",
        ]
        if self.all_ev is not None:
            assumptions.append(
                f"bias of the small trials' estimate in the synthesis of all evidence: "
                f"{self.all_ev.primary_label} (assumption: parameter primary_bias_prior; the other "
                "published estimates and every weight from 0 to 1 in section 4)"
            )
        return "\n\n".join(answer), caveat, assumptions

    def bottom_line(self) -> None:
        bottom_line(*self.answer_parts())

    def section_sof(self) -> None:
        rows = self.sof_rows(self.rated)
        sof = sof_table(
            rows,
            ci=level_words(r.evidence.level for r in self.rated),
            intervention=self.p.intervention_label,
        )
        show(sof, index="outcome")
        save_table(sof, "09_synthesis_summary_of_findings")

    def section_downgrades(self) -> None:
        profile, footnotes = evidence_profile(self.rated)
        show(profile, index="outcome")
        save_table(profile, "09_synthesis_evidence_profile")
        if footnotes:
            say(
                "Rated down because: "
                + " ".join(f"({letter}) {reason.rstrip('.')}." for letter, reason in footnotes)
            )
        say("Every domain's rating, its reason and what decided it, outcome by outcome:")
        downgrades = downgrade_table(self.rated)
        show(downgrades, index="outcome")
        save_table(downgrades, "09_synthesis_certainty_domains")
        say(
            "Ratings marked *rule* follow from the numbers by the rules in "
            "`src/ta1sepsis/evidence/grade.py` (tested in `tests/test_grade.py`); ratings marked "
            "*judgement* are rows of `data/grade_judgements.csv` with their rationale, criterion "
            "and sources. Certainty starts at high for randomised evidence and drops one level per "
            "serious and two per very serious concern."
        )

    def section_rob(self) -> None:
        judged = assessments(self.rob_table)
        names = self.trials.drop_duplicates("study_id").set_index("study_id")["study"]
        missing = sorted(set(judged.study_id) - set(names.index))
        if missing:
            raise KeyError(
                f"{self.p.risk_of_bias_file} assesses study_id {missing}, which is not in "
                f"{self.p.trials_file}"
            )
        labels = judged.study_id.map(names) + ": " + judged.outcome.map(outcome_words)
        fig = plots.rob_traffic_light(
            judged, "Risk of bias (RoB 2) by trial and outcome", labels=labels
        )
        show_figure(fig, "09_synthesis_risk_of_bias")
        rob_show = judged.rename(
            columns={
                "D1": "randomisation",
                "D2": "deviations",
                "D3": "missing data",
                "D4": "measurement",
                "D5": "reported result",
            }
        )
        # the CSV keeps the ids (for joining); the page shows the trial and outcome in words
        save_table(rob_show, "09_synthesis_risk_of_bias")
        shown = rob_show.drop(columns=["assessment_id", "study_id", "outcome"])
        shown.insert(0, "trial and outcome", labels)
        show(shown, index="trial and outcome")
        t = self.rob_table
        review = t[t.domain == "review"]
        review_labels = review.study_id.map(names) + ": " + review.outcome.map(outcome_words)
        show(
            review[["fact", "source", "location"]].assign(**{"trial and outcome": review_labels}),
            index="trial and outcome",
        )

    def section_overview(self) -> None:
        p, meta, big, allr = self.p, self.meta, self.by_id[POOLED], self.by_id[ALL_RCTS]
        rows = []

        def add_row(group, label, measure, interval, *, kind, weight=0.5):
            est, lo, hi = interval
            a = per_1000(
                self.baseline, est, lo, hi, scale=measure if measure in ("RR", "OR", "HR") else "RR"
            )
            rows.append(
                {
                    "group": group,
                    "label": label,
                    "measure": measure,
                    "estimate": est,
                    "lower": lo,
                    "upper": hi,
                    "kind": kind,
                    "weight": weight,
                    "per1000": f"{a['difference']:+.0f} per 1000 ({a['difference_lower']:+.0f} to "
                    f"{a['difference_upper']:+.0f})",
                }
            )

        counts = "trials with counts (28-day mortality)"
        for t in self.trial_ids:
            rr = self.T[t].optional(f"{t}.mortality_28d.rr")
            if rr:
                row = select_one(self.trials, "trials", study_id=t, outcome="mortality_28d")
                add_row(
                    counts,
                    row.study,
                    "RR",
                    (rr["value"], rr["lower"], rr["upper"]),
                    kind="recomputed",
                )
        e = big.evidence
        add_row(
            counts,
            f"pooled, Mantel-Haenszel (certainty: {big.certainty})",
            e.measure,
            (e.estimate, e.lower, e.upper),
            kind="pooled",
            weight=1.0,
        )
        block = meta.optional("meta.small_trials.backcalculated")
        if block:
            add_row(
                "trials known only through a review",
                f"remaining trials of {meta['meta.small_trials.review']['value']}, back-calculated",
                meta["meta.pooled.measure"]["value"],
                (block["value"], block["lower"], block["upper"]),
                kind="recomputed",
            )
        for estimate_id in [*p.overview_estimates, p.all_rcts_estimate]:
            r = self.estimate(estimate_id, "overview_estimates")
            suffix = f" (certainty: {allr.certainty})" if estimate_id == p.all_rcts_estimate else ""
            add_row(
                "published pooled estimates (overlapping: they share trials)",
                f"{r.study}{suffix}",
                r.measure,
                (r.estimate, r.ci_lower, r.ci_upper),
                kind="published",
            )
        overview = pd.DataFrame(rows)
        fig = plots.evidence_overview(
            overview,
            f"{p.intervention_label} and mortality: the large trials, the small trials behind the "
            "reviews, and the reviews, with deaths per 1000",
            f"per 1000: difference in deaths at the assumed control risk ({self.baseline_text})",
            treatment=p.intervention_label,
        )
        show_figure(fig, "09_synthesis_mortality_overview")
        save_table(overview, "09_synthesis_mortality_overview")

    def section_all_evidence(self) -> None:
        """All the evidence in one bias-adjusted answer, across bias priors and trust weights."""
        a = self.all_ev
        if a is None:
            say(f"Not computed: {self.all_ev_missing}.")
            return
        p, meta = self.p, self.meta
        benefit, harm = self.chosen["mortality"]
        ci = f"{a.level:.0%} CrI"
        shares = [
            gap / a.inputs["trials"][name]["se"] for name, gap in zip(a.trials, a.gaps, strict=True)
        ]
        gap_words = "; ".join(
            f"{name}: {gap:.3f}, {share:.0%} of its standard error"
            for name, gap, share in zip(a.trials, a.gaps, shares, strict=True)
        )
        adequate = max(shares) < ADEQUATE_SHARE
        say(
            f"**Inputs.** The trials with counts ({', '.join(a.trials)}) enter with their log odds "
            "ratios and standard errors (normal likelihood; the Wald limits of each trial differ "
            f"from its exact conditional limits by at most {gap_words}, on the log scale; the "
            f"approximation is called adequate below {ADEQUATE_SHARE:.0%} of a standard error, "
            "an assumption, and "
            + (
                "is adequate for these counts). "
                if adequate
                else "is not adequate for at least one trial here: read the intervals as "
                "approximate). "
            )
            + f"The other trials of {meta['meta.small_trials.review']['value']} enter as one "
            f"pseudo-trial, OR {fmt_ci(a.block['value'], a.block['lower'], a.block['upper'], level=a.level)} "
            f"({int(meta['meta.small_trials.patients']['value']):,} patients; back-calculated in "
            "03_meta_analyses, *derived*, not re-analysed trial by trial), drawn from the same "
            "random-effects distribution as one trial would be (an assumption: the block pools "
            "several trials, so this gives it the least weight the model allows). Between-trial "
            f"heterogeneity: log τ² ~ N({a.turner[0]:g}, {a.turner[1]:g}²) (`{p.heterogeneity_prior}`, "
            f"{p.method_facts_file}). The bias prior on the block's log odds ratio is normal with "
            "the published ratio of odds ratios as its mean and the standard error of that ratio "
            "as its spread (parameter `bias_priors`; each row below names its source). Computation: "
            f"the bias integrates out exactly, μ analytically given τ, τ on a grid of "
            f"{bayes_meta.GRID - 1:,} points "
            "(no Monte Carlo error; the tests check the limiting cases against the two-trial pool "
            "of 03 and a hand calculation)."
        )
        table = a.table.rename(
            columns={
                "median": "OR (median)",
                "lower": f"OR lower ({ci})",
                "upper": f"OR upper ({ci})",
                "per1000": "difference per 1000 (median)",
                "per1000_lower": f"per 1000 lower ({ci})",
                "per1000_upper": f"per 1000 upper ({ci})",
                "p_benefit": "P(OR < 1)",
                "p_reduction": f"P(≥ {benefit:g} fewer per 1000)",
                "p_harm": f"P(≥ {harm:g} more per 1000)",
                "tau_median": "τ (median)",
            }
        ).drop(columns=["level"])
        show(
            table,
            index="scenario",
            kinds={
                "P(OR < 1)": "proportion",
                f"P(≥ {benefit:g} fewer per 1000)": "proportion",
                f"P(≥ {harm:g} more per 1000)": "proportion",
                "weight of the small trials": "number",
            },
            decimals={
                "weight of the small trials": 2,
                "OR (median)": 2,
                f"OR lower ({ci})": 2,
                f"OR upper ({ci})": 2,
                "τ (median)": 3,
            },
        )
        save_table(a.table, "09_synthesis_all_evidence")
        benefit_ratio = ratio_for_risk_difference(self.baseline, -benefit / 1000, "OR")
        points = a.table[a.table["bias prior"] != "none"]
        fig = plots.trust_curves(
            a.curves,
            points,
            "28-day mortality, all evidence: the answer as a function of how much the small "
            "trials are trusted",
            benefit_ratio=benefit_ratio,
            benefit_words=f"≥ {benefit:g} fewer per 1000",
            harm_words=f"≥ {harm:g} more per 1000",
            level=a.level,
        )
        show_figure(fig, "09_synthesis_all_evidence")
        out, face, primary = a.table.iloc[0], a.table.iloc[1], a.primary
        say(
            f"Left out, the small trials leave OR {fmt_ci(out['median'], out['lower'], out['upper'], level=a.level, kind='CrI')} "
            f"(P(≥ {benefit:g} fewer per 1000) = {out['p_reduction']:.2f}); taken at face value, "
            f"{fmt_ci(face['median'], face['lower'], face['upper'], level=a.level, kind='CrI')} "
            f"({face['p_reduction']:.2f}); adjusted for the bias of small trials "
            f"({a.primary_label}), {fmt_ci(primary['median'], primary['lower'], primary['upper'], level=a.level, kind='CrI')} "
            f"({primary['p_reduction']:.2f}; P(≥ {harm:g} more per 1000) = {primary['p_harm']:.2f}). "
            "The bias priors describe the average exaggeration across many meta-analyses with "
            "the uncertainty of that average only, not how much a particular block may differ from "
            "it; a reader who trusts the small trials less than the adjustment does should read "
            "the answer at a lower weight in panel A. The credible intervals are conditional on "
            "the model: the block is a derived estimate and no prior makes it a re-analysis."
        )
        add = self.results.add
        for r in a.table.to_dict("records"):
            key = "synthesis.all_evidence." + re.sub(
                r"[^a-z0-9]+", "_", r["scenario"].lower()
            ).strip("_")
            add(
                key,
                r["median"],
                lower=r["lower"],
                upper=r["upper"],
                level=a.level,
                unit="ratio",
                description=f"posterior odds ratio of 28-day mortality, {r['scenario']} (bias prior: "
                f"{r['bias prior']}; weight of the small trials {r['weight of the small trials']:g})",
            )
            add(
                f"{key}.probabilities",
                {
                    "p_benefit": r["p_benefit"],
                    "p_reduction": r["p_reduction"],
                    "p_harm": r["p_harm"],
                    "per1000": r["per1000"],
                    "per1000_lower": r["per1000_lower"],
                    "per1000_upper": r["per1000_upper"],
                },
                description=f"P(OR < 1), P(at least {benefit:g} fewer and {harm:g} more deaths "
                f"per 1000) and deaths per 1000 at the control risk {self.baseline:.1%} "
                f"(decision thresholds: assumptions), {r['scenario']}",
            )
        add(
            "synthesis.all_evidence.inputs",
            {
                **a.inputs,
                "block": {k: a.block[k] for k in ("y", "se", "value", "lower", "upper", "level")},
                "log_tau2_prior": list(a.turner),
                "control_risk": self.baseline,
                "thresholds_per_1000": [benefit, harm],
                "primary_bias_prior": p.primary_bias_prior,
            },
            description="the inputs and assumptions of the bias-adjusted synthesis (log odds "
            "ratios and SEs; bias priors on the log scale; heterogeneity prior; thresholds)",
        )

    def section_thresholds(self) -> None:
        table = self.threshold_table()
        show(table)
        save_table(table, "09_synthesis_threshold_sensitivity")
        dependence = dependence_words(table)
        say(
            "Across these decision thresholds, what changes is: "
            + "; ".join(f"{o}: {what}" for o, what in dependence.items())
            + ". The first threshold is the one the summary of findings uses; the others are "
            f"sourced alternatives ({self.p.method_facts_file}, topic threshold)."
        )

    def section_ledger(self) -> None:
        claims = self.R["08_claims"]
        mbv = claims["claims.method_by_verdict"]
        table = method_verdict_frame(mbv["value"], total="all")
        show(table.reset_index().rename(columns={"method": "how it was checked"}))
        total = claims["claims.total"]
        beyond = claims["claims.held_beyond_transcription"]
        methods = {m: int(sum(v.values())) for m, v in mbv["value"].items()}
        checked_beyond = methods.get("recomputed", 0) + methods.get("derived", 0)
        say(
            f"The claims ledger (08_claims) checks {total['value']:.0f} claims of the review "
            f"article. {checked_beyond} were recomputed from data or derived from other published "
            f"numbers, and {beyond['value']:.0f} of them hold or hold within rounding; "
            f"{methods.get('looked up', 0)} could only be compared with the primary source as "
            "recorded (this confirms transcription, not the analysis); "
            f"{methods.get('not checkable', 0)} cannot be checked with the sources. Rows: how each "
            "claim was checked; columns: what the check found."
        )

    def key_numbers(self) -> None:
        p, add = self.p, self.results.add
        for r in self.rated:
            key = f"synthesis.{r.evidence.outcome_id}"
            add(f"{key}.certainty", r.certainty, description=f"GRADE certainty: {r.evidence.label}")
            add(
                f"{key}.statement",
                r.statement,
                description=f"GRADE informative statement: {r.evidence.label}",
            )
            add(
                f"{key}.downgrades",
                {d.domain: d.levels for d in r.downgrades},
                description="levels rated down per domain",
            )
            if r.absolute:
                add(
                    f"{key}.difference_per_1000",
                    r.absolute["difference"],
                    lower=r.absolute["difference_lower"],
                    upper=r.absolute["difference_upper"],
                    level=r.evidence.level,
                    unit="per 1000",
                    description="difference in risk per 1000 at the assumed control risk: "
                    f"{r.evidence.label}",
                )
        add(
            "synthesis.baseline_risk",
            self.baseline,
            unit="proportion",
            description=f"assumed control risk: {self.baseline_text}",
        )
        if self.second is not None:
            add(
                "synthesis.second_baseline_risk",
                self.second[0],
                unit="proportion",
                description=f"higher control risk of the summary of findings: {self.second[1]}",
            )
            ev = self.by_id[POOLED].evidence
            b = per_1000(self.second[0], ev.estimate, ev.lower, ev.upper, scale=ev.measure)
            add(
                f"synthesis.{POOLED}.difference_per_1000_higher_risk",
                b["difference"],
                lower=b["difference_lower"],
                upper=b["difference_upper"],
                level=ev.level,
                unit="per 1000",
                description=f"difference in deaths per 1000 at the higher control risk "
                f"({self.second[1]})",
            )
        for cls, (benefit, harm) in self.chosen.items():
            add(
                f"synthesis.threshold.{cls}",
                {"benefit": benefit, "harm": harm},
                unit="per 1000",
                description=f"decision thresholds for {cls.replace('_', ' ')} (assumptions, "
                "params/shared.yaml)",
            )
        table = self.threshold_table()
        for outcome, what in dependence_words(table).items():
            oid = next(r.evidence.outcome_id for r in self.rated if r.evidence.label == outcome)
            add(
                f"synthesis.{oid}.depends_on_threshold",
                what,
                description="what changes across the sourced decision thresholds",
            )
            add(
                f"synthesis.{oid}.statement_by_threshold",
                {
                    f"{r['benefit (fewer per 1000)']:g}": r["statement"]
                    for _, r in table[table.outcome == outcome].iterrows()
                },
                description="GRADE statement under each sourced decision threshold (per 1000)",
            )
        for r in self.rated:
            add(
                f"synthesis.{r.evidence.outcome_id}.importance",
                self.outcome_info(r.evidence.outcome_id)["importance"],
                description=f"importance of the outcome (a judgement, {p.importance_file})",
            )
        if p.harms_facts:
            add(
                f"synthesis.{HARMS}.statement",
                "; ".join(f"{t} ({s})" for t, s in self.harm_statements()),
                description="what the sources say about adverse events (no counts per arm)",
            )
        for outcome_id, (estimate_id, claim_id) in p.subgroup_claims.items():
            e = self.subgroup_evidence(outcome_id, estimate_id, claim_id, self.chosen)
            add(
                f"synthesis.{outcome_id}.estimate",
                e.estimate,
                lower=e.lower,
                upper=e.upper,
                level=e.level,
                unit=e.measure,
                description=f"{e.measure} as published: {e.label}",
            )
            add(
                f"synthesis.{outcome_id}.credibility",
                e.credibility,
                description=f"ICEMAN credibility of the subgroup claim: {e.label}",
            )
        if p.next_trial_population:
            nxt, key = self.R["07_next_trial"], f"next_trial.{p.next_trial_population}.shrunken"
            add(
                "synthesis.next_trial",
                {
                    "population": p.next_trial_population.replace("_", " "),
                    "n_fixed": nxt[f"{key}.n_fixed"]["value"],
                    "nominal_power": nxt[f"{key}.nominal_power"]["value"],
                    "assurance": nxt[f"{key}.assurance"]["value"],
                    "largest_trial_n": int(self.base_row.n_trt + self.base_row.n_ctl),
                    "largest_trial": short_name(self.base_row.study),
                },
                description="what a next trial would need at the shrunken subgroup effect "
                "(from 07_next_trial)",
            )
        add(
            "synthesis.design_effect_absolute",
            p.design_absolute_reduction,
            unit="proportion",
            description="design effect, absolute (assumption)",
        )
        add(
            "synthesis.design_effect_relative",
            p.design_relative_reduction,
            unit="proportion",
            description="design effect, relative (assumption)",
        )
        self.write_results()
