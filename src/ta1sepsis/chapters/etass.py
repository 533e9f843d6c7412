"""02_etass: what a trial was designed to detect, the power it really had once its control
risk was known, and whether its published marker P values agree with their intervals."""

from __future__ import annotations

import math

import pandas as pd

from ta1sepsis.chapters.base import Chapter, row_by_id, short_name
from ta1sepsis.data.loader import fact_value, load_estimates, load_facts, load_trials, select_one
from ta1sepsis.evidence.verdicts import comparison
from ta1sepsis.report.answers import bottom_line, fmt_p
from ta1sepsis.report.narrative import say, show
from ta1sepsis.report.outputs import save_table
from ta1sepsis.stats.binary import TwoByTwo
from ta1sepsis.stats.reported_estimates import p_value_range_from_printed, recover
from ta1sepsis.stats.sample_size import power_two_proportions, sample_size_two_proportions

PLAN_ITEMS = (
    "planned_total",
    "planned_control_mortality",
    "planned_treatment_mortality",
    "alpha",
    "power",
)


def power_scenarios(plan: dict, table: TwoByTwo, *, alpha: float, power: float, label: str):
    """The trial's power for its planned effect: as planned, and from the observed control risk
    with the planned absolute or relative reduction.

    Parameters
    ----------
    plan : dict
        ``planned_control_mortality`` and ``planned_treatment_mortality`` (proportions).
    table : TwoByTwo
        The trial's counts (its arm sizes and observed control risk).
    alpha, power : float
        Two-sided significance level and target power for the recomputation.
    label : str
        Name of the treatment, for the column of its risk.

    Returns
    -------
    pandas.DataFrame
        One row per scenario: risks, their source, the power with the patients randomised and
        the total N for the target power.
    """
    p_c, p_t = plan["planned_control_mortality"], plan["planned_treatment_mortality"]
    observed = table.risk_ctl
    rows = []
    for name, pc, pt, how in (
        ("as planned", p_c, p_t, "the sample-size plan (read)"),
        (
            "observed control risk, planned absolute reduction",
            observed,
            observed - (p_c - p_t),
            "observed control risk; planned difference",
        ),
        (
            "observed control risk, planned relative reduction",
            observed,
            observed * p_t / p_c,
            "observed control risk; planned ratio",
        ),
    ):
        rows.append(
            {
                "scenario": name,
                "control risk": pc,
                f"{label} risk": pt,
                "source of the risks": how,
                "power with the patients randomised": power_two_proportions(
                    pc, pt, table.n_trt, table.n_ctl, alpha=alpha, variance="unpooled"
                ),
                "total N for the target power": 2
                * math.ceil(sample_size_two_proportions(pc, pt, alpha, power)),
            }
        )
    return pd.DataFrame(rows)


def marker_p_check(row, day: int) -> dict:
    """A published difference with its CI and P: the P the interval implies, the range the
    printed rounding allows, and one verdict on the published P.

    Parameters
    ----------
    row : pandas.Series
        A row of the published estimates (estimate, limits, level, P and their printed texts).
    day : int
        The day of the measurement, for the table.
    """
    rec = recover(row.estimate, row.ci_lower, row.ci_upper, row.ci_level, ratio=False)
    p_low, p_high = p_value_range_from_printed(
        row.estimate_text, row.ci_lower_text, row.ci_upper_text, row.ci_level, ratio=False
    )
    inside = p_low <= row.p_value <= p_high
    return {
        "day": day,
        "difference in change (pp)": row.estimate_text,
        f"{100 * row.ci_level:g}% CI": f"{row.ci_lower_text} to {row.ci_upper_text}",
        "SE from CI": rec.se,
        "published P": row.p_value_text,
        "P from CI": rec.p_value,
        # one verdict per published P: within rounding when it lies in the range its own
        # rounded interval allows
        "verdict": "within rounding"
        if inside
        else comparison("P", row.p_value_text, rec.p_value, "normal")["verdict"],
        "P range the printed rounding allows": f"{p_low:.4f} to {p_high:.4f}",
        "published P inside that range": inside,
        "_p_low": p_low,
        "_p_high": p_high,
    }


class Etass(Chapter):
    """The trial's design, its real power and its marker P values (notebook 02_etass)."""

    notebook = "02_etass"
    figures = False

    def __init__(self, **parameters):
        super().__init__(**parameters)
        p = self.p
        trials = load_trials(self.path(p.trials_file), study_ids=[p.study_id])
        estimates = load_estimates(self.path(p.estimates_file))
        facts = load_facts(self.path(p.facts_file))
        row = select_one(trials, "trials", study_id=p.study_id, outcome="mortality_28d")
        self.name = short_name(row.study)
        self.table = t = TwoByTwo.from_row(row)
        self.plan = {k: fact_value(facts, f"{p.study_id}.sample_size.{k}") for k in PLAN_ITEMS}
        p_c = self.plan["planned_control_mortality"]
        p_t = self.plan["planned_treatment_mortality"]
        self.n_unpooled = sample_size_two_proportions(
            p_c, p_t, self.plan["alpha"], self.plan["power"], variance="unpooled"
        )
        self.n_pooled = sample_size_two_proportions(
            p_c, p_t, self.plan["alpha"], self.plan["power"], variance="pooled"
        )
        self.planned_total = int(self.plan["planned_total"])
        self.registry = fact_value(facts, f"{p.study_id}.sample_size.registry_target")
        self.relative = p_t / p_c
        self.scenarios = power_scenarios(
            self.plan, t, alpha=p.alpha, power=p.power, label=p.treatment_label
        )
        self.realistic = self.scenarios.iloc[2]
        rows = [
            marker_p_check(
                row_by_id(
                    estimates,
                    "estimate_id",
                    f"{p.study_id}.mhla_dr_change_day{day}.md",
                    file=p.estimates_file,
                    parameter="mhla_dr_days",
                ),
                day,
            )
            for day in p.mhla_dr_days
        ]
        for r in rows:
            day = r["day"]
            self.results.add(
                f"{p.study_id}.mhla_dr.day{day}.p_from_ci",
                r["P from CI"],
                lower=r["_p_low"],
                upper=r["_p_high"],
                kind="range",
                description=f"P implied by the published CI of the day-{day} mHLA-DR difference; "
                "lower/upper: range allowed by the rounding of the printed numbers",
            )
            self.results.add(
                f"{p.study_id}.mhla_dr.day{day}.p_verdict",
                r["verdict"],
                description=f"verdict on the published day-{day} P against its own interval",
            )
        self.markers = pd.DataFrame(rows).drop(columns=["_p_low", "_p_high"])
        self.base_t = fact_value(facts, f"{p.study_id}.baseline_mhla_dr.treatment")
        self.base_c = fact_value(facts, f"{p.study_id}.baseline_mhla_dr.control")
        self.base_p = fact_value(facts, f"{p.study_id}.baseline_mhla_dr.p")

    def bottom_line(self) -> None:
        p, t, plan = self.p, self.table, self.plan
        p_c, p_t = plan["planned_control_mortality"], plan["planned_treatment_mortality"]
        real = self.realistic
        bottom_line(
            f"{self.name} was planned for {self.planned_total} patients to detect a fall in 28-day "
            f"mortality from {p_c:.0%} to {p_t:.0%} (a {1 - self.relative:.0%} relative "
            f"reduction); it randomised {t.n_trt + t.n_ctl}. But the control mortality was "
            f"{t.risk_ctl:.1%}, not {p_c:.0%}: for the planned relative reduction at that control "
            f"risk, the trial had {real['power with the patients randomised']:.0%} power, and "
            f"{real['total N for the target power']} patients would have been needed for "
            f"{p.power:.0%}. Its mHLA-DR differences agree with their own intervals once rounding "
            "is allowed for"
            + (
                ""
                if self.markers["published P inside that range"].all()
                else " except where the table shows otherwise"
            )
            + f", but the {p.treatment_label} arm started lower ({self.base_t:.1f}% vs "
            f"{self.base_c:.1f}%, P = {self.base_p:g}), so part of its larger rise may be "
            "regression to the mean (quantified in 01_mechanism).",
            "The planned relative reduction was itself optimistic (the effect "
            f"{self.name} hoped for, not an estimate), so the power computed for it flatters the "
            "trial; the power for the project's design effect is in the trial report.",
            [
                f"significance level α = {p.alpha} and target power {p.power:.0%} for the "
                f"recomputations (the trial's own plan used α = {plan['alpha']:g}, power "
                f"{plan['power']:.0%})"
            ],
        )

    def section_power(self) -> None:
        t, real = self.table, self.realistic
        unpooled, pooled = 2 * math.ceil(self.n_unpooled), 2 * math.ceil(self.n_pooled)
        plan_table = pd.DataFrame(
            [
                comparison(
                    "total sample size, unpooled variance",
                    str(self.planned_total),
                    unpooled,
                    "Chow et al. 2008 §4.2",
                ),
                comparison(
                    "total sample size, pooled variance",
                    str(self.planned_total),
                    pooled,
                    "Fleiss et al. 2003 (R power.prop.test)",
                ),
            ]
        )
        show(plan_table)
        show(self.scenarios)
        save_table(plan_table, "02_etass_sample_size")
        save_table(self.scenarios, "02_etass_power_scenarios")
        reproduced_by = plan_table[plan_table.verdict.isin(["reproduced", "within rounding"])][
            "method"
        ].tolist()
        p_c = self.plan["planned_control_mortality"]
        say(
            f"The plan needed {self.planned_total} patients: reproduced by "
            f"{' and '.join(reproduced_by) or 'neither formula'} (unpooled {unpooled}, pooled "
            f"{pooled}); the registry target was {self.registry:.0f}, and {t.n_trt + t.n_ctl} were "
            f"randomised. Control mortality was {t.risk_ctl:.1%}, not the planned {p_c:.0%}. "
            f"Keeping the planned relative reduction (RR {self.relative:.2f}), the trial had "
            f"{real['power with the patients randomised']:.0%} power; keeping the planned absolute "
            f"reduction, {self.scenarios.iloc[1]['power with the patients randomised']:.0%}. Power "
            "computed from the observed effect ('observed power') is not shown: it is a function "
            "of the P value and adds nothing to it (Hoenig & Heisey, Am Stat 2001;55:19-24)."
        )

    def section_markers(self) -> None:
        m = self.markers
        show(m)
        save_table(m, "02_etass_mhla_dr")
        say(
            "P values recomputed from the published intervals: "
            + "; ".join(
                f"day {r['day']}: {r['P from CI']:.3f} against the published {r['published P']} "
                f"({r['verdict']}: "
                + ("inside" if r["published P inside that range"] else "outside")
                + f" the range {r['P range the printed rounding allows']} that the rounding of the "
                "printed numbers allows)"
                for _, r in m.iterrows()
            )
            + ". "
            + (
                "Every published P agrees with its own interval once rounding is allowed for. "
                if m["published P inside that range"].all()
                else "At least one published P cannot be reconciled with its interval even "
                "allowing for rounding. "
            )
            + f"Baseline mHLA-DR was {self.base_t:.1f}% ({self.p.treatment_label}) against "
            f"{self.base_c:.1f}% (control) positive monocytes ({fmt_p(self.base_p)}). A group "
            "that starts lower is expected to rise more even without treatment when baseline and "
            "follow-up are imperfectly correlated (regression to the mean); how much of the "
            "published difference that could explain is computed in 01_mechanism."
        )

    def key_numbers(self) -> None:
        real = self.realistic
        add = self.results.add
        add(
            f"{self.p.study_id}.sample_size.total_unpooled",
            2 * math.ceil(self.n_unpooled),
            unit="patients",
            description="recomputed planned total, unpooled-variance formula",
        )
        add(
            f"{self.p.study_id}.sample_size.total_pooled",
            2 * math.ceil(self.n_pooled),
            unit="patients",
            description="recomputed planned total, pooled-variance formula",
        )
        add(
            f"{self.p.study_id}.power.planned_relative_reduction",
            real["power with the patients randomised"],
            unit="probability",
            description="power with the randomised patients for the planned relative reduction "
            "from the observed control risk",
        )
        add(
            f"{self.p.study_id}.power.planned_absolute_reduction",
            self.scenarios.iloc[1]["power with the patients randomised"],
            unit="probability",
            description="power with the randomised patients for the planned absolute reduction "
            "from the observed control risk",
        )
        add(
            f"{self.p.study_id}.sample_size.n_for_target_power",
            int(real["total N for the target power"]),
            unit="patients",
            description="patients needed for the target power at the observed control risk and "
            "the planned relative reduction",
        )
        self.write_results()
