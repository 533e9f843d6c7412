"""09_synthesis: the collection's answers on one page, with GRADE certainty, RoB 2, absolute
effects per 1000 and how the statements depend on the MCID."""

from __future__ import annotations

import pandas as pd

from ta1sepsis.chapters.base import Chapter, row_by_id, short_name
from ta1sepsis.data.evidence_tables import (
    load_grade_judgements,
    load_method_facts,
    load_risk_of_bias,
    method_fact,
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
from ta1sepsis.evidence.grade import rate
from ta1sepsis.evidence.rob import assessments
from ta1sepsis.evidence.synthesis import (
    downgrade_table,
    marker_evidence,
    pooled_evidence,
    published_evidence,
    rob_weights,
    sof_table,
    subgroup_evidence,
    trial_outcome_evidence,
)
from ta1sepsis.report import plots
from ta1sepsis.report.answers import bottom_line, fmt_ci, fmt_p
from ta1sepsis.report.narrative import say, show
from ta1sepsis.report.outputs import save_table, show_figure
from ta1sepsis.report.results import read_results
from ta1sepsis.stats.absolute import per_1000
from ta1sepsis.stats.meta_effects import study_effects
from ta1sepsis.stats.meta_methods import trials_to_studies

POOLED, ALL_RCTS = "mortality_28d_large_trials", "mortality_28d_all_rcts"
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


class Synthesis(Chapter):
    """The answers, the summary of findings and its certainty (notebook 09_synthesis)."""

    notebook = "09_synthesis"

    def __init__(self, **parameters):
        super().__init__(**parameters)
        p = self.p
        self.trials = load_trials(self.path(p.trials_file))
        estimates = load_estimates(self.path(p.estimates_file))
        self.estimates = estimates
        self.facts = load_facts(self.path(p.facts_file))
        self.method_facts = load_method_facts(self.path(p.method_facts_file))
        self.rob_table = load_risk_of_bias(self.path(p.risk_of_bias_file))
        judgement_rows = load_grade_judgements(self.path(p.grade_judgements_file))
        credibility = load_credibility(self.path(p.credibility_file))
        self.published = estimates.set_index("estimate_id")
        self.R = {name: read_results(name) for name in READS}
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
        self.T = {t: read_results(f"trials/{t}") for t in self.trial_ids}
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
        # the assumed control risk: the control arm of the baseline study, from its counts
        self.base_row = select_one(
            self.trials, "trials", study_id=p.baseline_study, outcome="mortality_28d"
        )
        b = self.base_row
        self.baseline = b.events_ctl / b.n_ctl
        self.baseline_text = f"{b.study} control arm, 28-day mortality {b.events_ctl}/{b.n_ctl} = {self.baseline:.1%}"
        self.rated = self.rate_all(p.mcid_absolute_reduction)
        self.by_id = {r.evidence.outcome_id: r for r in self.rated}

    # ---------------------------------------------------------------- the evidence rows

    def estimate(self, estimate_id: str, parameter: str):
        return row_by_id(
            self.estimates,
            "estimate_id",
            estimate_id,
            file=self.p.estimates_file,
            parameter=parameter,
        )

    def evidence_rows(self, mcid_absolute: float) -> list:
        """Every summary-of-findings outcome, built from the results and the data."""
        p, meta, rows = self.p, self.meta, []
        base = {
            "baseline": self.baseline,
            "baseline_text": self.baseline_text,
            "mcid_absolute": mcid_absolute,
        }
        outcome28 = self.trials[self.trials.outcome == "mortality_28d"]
        # each trial's share of the information (inverse variance of its log OR, the constant
        # continuity correction where a cell is zero) and its RoB 2 judgement
        variances = study_effects(
            trials_to_studies(self.trials, "mortality_28d"), "OR", correction="constant"
        ).vi
        rows.append(
            pooled_evidence(
                meta,
                outcome_id=POOLED,
                label="28-day mortality",
                trial_names=list(outcome28.study),
                trial_rob=rob_weights(
                    list(outcome28.study_id), variances, "mortality_28d", self.rob
                ),
                **base,
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
                **base,
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
                    mcid_absolute=mcid_absolute,
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
            rows.append(
                subgroup_evidence(
                    self.estimate(estimate_id, "subgroup_claims"),
                    outcome_id=outcome_id,
                    credibility=self.iceman.get(claim_id),
                    **base,
                )
            )
        return rows

    def rate_all(self, mcid_absolute: float) -> list:
        return [
            rate(
                e,
                {d: self.judgements[(o, d)] for (o, d) in self.judgements if o == e.outcome_id},
                self.p.intervention_label,
                self.p.ois_continuous,
            )
            for e in self.evidence_rows(mcid_absolute)
        ]

    # ---------------------------------------------------------------------- sections

    def bottom_line(self) -> None:
        p, meta, by_id = self.p, self.meta, self.by_id
        big, allr = by_id[POOLED], by_id[ALL_RCTS]
        tsa_fixed, tsa_random = meta["meta.tsa.fixed.fraction"], meta["meta.tsa.random_dl.fraction"]
        block = meta.optional("meta.small_trials.backcalculated")
        answer = []
        a, ev = big.absolute, big.evidence
        words = meta["meta.pooled.measure_words"]["value"]
        answer.append(
            "**Mortality in unselected sepsis.** The trials with counts pool to "
            f"{'an' if words[0] in 'aeiou' else 'a'} {words} of "
            f"{fmt_ci(ev.estimate, ev.lower, ev.upper, level=ev.level)}: "
            f"{a['difference']:+.0f} deaths per 1000 ({a['difference_lower']:+.0f} to "
            f"{a['difference_upper']:+.0f}) at a control risk of {self.baseline:.0%}. Certainty "
            f"**{big.certainty}**: {big.statement} They hold "
            f"{min(tsa_fixed['value'], tsa_random['value']):.0%} to "
            f"{max(tsa_fixed['value'], tsa_random['value']):.0%} of the information needed to "
            f"detect the MCID (trial sequential analysis: {meta['meta.tsa.fixed.conclusion']['value']})."
        )
        pooled = meta["meta.pooled.mh"]
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
                    ": without them, the pooled interval includes no effect. "
                    if pooled["lower"] <= 1 <= pooled["upper"] and e.upper < 1
                    else ". "
                )
                + "Small-study bias, weaker design, combination therapy, non-randomised trials, "
                "other time points and a different era are all possible explanations; these data "
                "cannot choose between them."
            )
        sub = self.R["05_subgroups"]
        for outcome_id, (_, claim_id) in p.subgroup_claims.items():
            r = by_id[outcome_id]
            name = claim_id.split(".")[-1]
            e = r.evidence
            answer.append(
                f"**Subgroup, {e.label.split(', ')[1]}.** HR "
                f"{fmt_ci(e.estimate, e.lower, e.upper, level=e.level)} as published; interaction "
                f"{fmt_p(sub[f'subgroups.{name}.interaction_p_recomputed']['value'])} recomputed; "
                f"ICEMAN credibility {e.credibility}; certainty **{r.certainty}**. A hypothesis "
                "for an enriched trial, not an established effect."
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
                f"**The next trial.** Testing the "
                f"{p.next_trial_population.replace('_', ' ')} signal at the shrunken effect needs "
                f"{n_next:,.0f} patients ({nxt[f'{key}.mcid.n_fixed']['value']:,.0f} for the "
                f"MCID), {n_next / n_base:.1f} times the {n_base:,} patients of "
                f"{short_name(self.base_row.study)}."
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
        bottom_line(
            "\n\n".join(answer),
            f"{spread[0].upper()}{spread[1:]}; the small trials behind the published benefit are "
            "not available to re-analyse; and every certainty rating depends on the MCID, an "
            "assumption.",
            [
                f"MCID for mortality: {100 * p.mcid_relative_reduction:.0f}% relative or "
                f"{100 * p.mcid_absolute_reduction:g} percentage points absolute (assumption; "
                "params/shared.yaml; rationale in data/method_facts.csv, topic mcid)",
                f"assumed control risk: {self.baseline_text}",
                "judgements not made by rule: data/grade_judgements.csv and "
                "data/risk_of_bias.csv, each with its source",
            ],
        )

    def section_sof(self) -> None:
        sof = sof_table(self.rated, self.p.intervention_label)
        show(sof, index="outcome")
        save_table(sof, "09_synthesis_summary_of_findings")

    def section_downgrades(self) -> None:
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
        rob_show = assessments(self.rob_table).rename(
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
        t = self.rob_table
        show(
            t[t.domain == "review"][["assessment_id", "fact", "source", "location"]],
            index="assessment_id",
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

    def section_mcid(self) -> None:
        p, rows = self.p, []
        alternatives = []
        for fact_id in p.mcid_alternatives:
            row = row_by_id(
                self.method_facts,
                "fact_id",
                fact_id,
                file=p.method_facts_file,
                parameter="mcid_alternatives",
            )
            value = method_fact(self.method_facts, fact_id)
            proportion = value / 1000 if "1000" in row["unit"] else value / 100
            alternatives.append((f"{row['item']} ({row['source'].split('.')[0]})", proportion))
        for label, value in [
            ("project MCID (assumption)", p.mcid_absolute_reduction),
            *alternatives,
        ]:
            for r in self.rate_all(value):
                if r.evidence.outcome_id.startswith("mortality_28d"):
                    rows.append(
                        {
                            "MCID": label,
                            "absolute MCID (points)": 100 * value,
                            "outcome": r.evidence.label,
                            "certainty": r.certainty,
                            "what it means": r.statement,
                        }
                    )
        sensitivity = pd.DataFrame(rows)
        show(sensitivity)
        save_table(sensitivity, "09_synthesis_mcid_sensitivity")
        changes = sensitivity.groupby("outcome")[["certainty", "what it means"]].nunique()
        say(
            "Across these MCIDs, "
            + "; ".join(
                f"{o}: "
                f"{'the certainty changes' if c['certainty'] > 1 else 'the certainty stays the same'} "
                f"and {'the wording changes' if c['what it means'] > 1 else 'the wording stays the same'}"
                for o, c in changes.iterrows()
            )
            + "."
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
        add(
            "synthesis.mcid_absolute",
            p.mcid_absolute_reduction,
            unit="proportion",
            description="MCID, absolute (assumption)",
        )
        add(
            "synthesis.mcid_relative",
            p.mcid_relative_reduction,
            unit="proportion",
            description="MCID, relative (assumption)",
        )
        self.write_results()
