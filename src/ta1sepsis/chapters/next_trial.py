"""07_next_trial: what an enriched trial would need, population by population."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ta1sepsis.chapters import adaptive_design
from ta1sepsis.chapters.base import Chapter, MissingDataId, short_name, source_short
from ta1sepsis.data.labels import outcome_words
from ta1sepsis.data.loader import load_estimates, load_facts, load_trials, select_one
from ta1sepsis.report import plots
from ta1sepsis.report.answers import bottom_line
from ta1sepsis.report.narrative import say, show
from ta1sepsis.report.outputs import save_table, show_figure
from ta1sepsis.stats.binary import z_critical
from ta1sepsis.stats.enrichment import assurance, design_trial, power_at, screened_per_enrolled

RAW, SHRUNKEN, DESIGN = "raw estimate", "shrunken estimate", "design effect (assumption)"


def design_table(
    populations: dict,
    control_risk: float,
    *,
    alpha: float,
    power: float,
    looks,
    futility: bool,
    eligible_share: float,
    control_range: tuple[float, float] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fixed and group-sequential designs for every population and effect, and the same with
    each population's sensitivity control risk.

    Parameters
    ----------
    populations : dict
        Name -> ``effects`` (effect kind -> hazard ratio), ``prevalence`` (proportion, or nan
        when unknown), ``sensitivity risk`` (proportion or nan) and ``sensitivity source``,
        ``posterior`` (mean and SD of the log hazard ratio the assurance draws the effect from,
        and its words) and ``risk known`` (whether the control risk is this population's own).
    control_risk : float
        The 28-day control risk every design uses (proportion).
    alpha, power : float
        Two-sided significance level and target power.
    looks : sequence of float
        Information fractions of the analyses (increasing, the last 1).
    futility : bool
        Non-binding beta-spending futility boundaries.
    eligible_share : float
        Share of marker-positive patients who are eligible and consent (proportion).
    control_range : (float, float), optional
        A sourced range of control risks (proportions): every design whose population's own
        control risk is unknown gets its fixed size at both ends.

    Returns
    -------
    designs, sensitivity : pandas.DataFrame
        One row per population and effect: hazard ratio, risks, fixed and maximum sizes,
        expected sizes, screening, nominal power and assurance (fixed design, effect drawn from
        the population's posterior); and the sizes at the sensitivity control risks.

    Examples
    --------
    >>> pops = {"all": {"effects": {"design": 0.85}, "prevalence": 1.0,
    ...                 "sensitivity risk": float("nan"), "sensitivity source": "",
    ...                 "posterior": (-0.03, 0.1, "a posterior"), "risk known": True}}
    >>> d, _ = design_table(pops, 0.24, alpha=0.05, power=0.8, looks=[0.5, 1.0],
    ...                     futility=False, eligible_share=1.0)
    >>> int(d.loc[0, "N fixed"]), round(float(d.loc[0, "assurance"]), 2)
    (5344, 0.24)
    """
    rows, sensitivity_rows = [], []
    for name, pop in populations.items():
        for effect_kind, hr in pop["effects"].items():
            d = design_trial(control_risk, hr, alpha, power, fractions=looks, futility=futility)
            screen = (
                screened_per_enrolled(pop["prevalence"], eligible_share)
                if not np.isnan(pop["prevalence"])
                else np.nan
            )
            rows.append(
                {
                    "population": name,
                    "effect used": effect_kind,
                    "HR": hr,
                    "control risk": control_risk,
                    "treatment risk": d.treatment_risk,
                    "N fixed": d.n_fixed,
                    "N max (sequential)": d.n_max,
                    "E[N] if no effect": d.expected_n_null,
                    "E[N] at the design effect": d.expected_n_alternative,
                    "screened per enrolled": screen,
                    "screened for N max": screen * d.n_max if not np.isnan(screen) else np.nan,
                    "nominal power": power,
                    "assurance": assurance(
                        control_risk,
                        d.n_fixed,
                        log_hr_mean=pop["posterior"][0],
                        log_hr_sd=pop["posterior"][1],
                        alpha=alpha,
                    ),
                    "effect drawn from": pop["posterior"][2],
                    "control risk is": "this population's own"
                    if pop["risk known"]
                    else "the overall risk (this population's is not published)",
                }
            )
            if control_range is not None and not pop["risk known"]:
                for end, risk in zip(("low", "high"), control_range, strict=True):
                    dr = design_trial(risk, hr, alpha, power, fractions=looks, futility=futility)
                    sensitivity_rows.append(
                        {
                            "population": name,
                            "effect used": effect_kind,
                            "HR": hr,
                            "control risk (sensitivity)": risk,
                            "source of that risk": f"{end} end of the sourced range of "
                            "control risks",
                            "N fixed": dr.n_fixed,
                            "N max (sequential)": dr.n_max,
                        }
                    )
            if not np.isnan(pop["sensitivity risk"]):
                ds = design_trial(
                    pop["sensitivity risk"], hr, alpha, power, fractions=looks, futility=futility
                )
                sensitivity_rows.append(
                    {
                        "population": name,
                        "effect used": effect_kind,
                        "HR": hr,
                        "control risk (sensitivity)": pop["sensitivity risk"],
                        "source of that risk": pop["sensitivity source"],
                        "N fixed": ds.n_fixed,
                        "N max (sequential)": ds.n_max,
                    }
                )
    return pd.DataFrame(rows), pd.DataFrame(sensitivity_rows)


class NextTrial(Chapter):
    """Sample sizes, group-sequential designs and screening for enriched trials (07)."""

    notebook = "07_next_trial"

    def __init__(self, **parameters):
        super().__init__(**parameters)
        p = self.p
        self.estimates = load_estimates(self.path(p.estimates_file))
        self.facts = load_facts(self.path(p.facts_file))
        size_study = self.facts.loc[self.facts.fact_id == p.trial_size_fact, "study_id"]
        # only the trials this chapter names: a trial added to the file does not concern it
        trials = load_trials(
            self.path(p.trials_file),
            study_ids=[p.control_study, *p.control_risk_range, *size_study],
        )
        self.subgroups = self.read("05_subgroups")
        row = select_one(trials, "trials", study_id=p.control_study, outcome="mortality_28d")
        self.control_name = short_name(row.study)
        if p.control_risk_override is not None:
            self.control_risk = p.control_risk_override
            self.control_source = "parameter control_risk_override"
        else:
            self.control_risk = row.events_ctl / row.n_ctl
            arm = "placebo" if "placebo" in str(row.control).lower() else "control"
            self.control_source = (
                f"{self.control_name} {arm} arm, 28-day mortality {row.events_ctl}/{row.n_ctl} "
                "(subgroup-specific placebo risks not published)"
            )
        self.design_hr = 1 - p.design_relative_reduction
        self.overall = self.read("04_tests")
        self.overall_posterior = self.posterior(
            self.overall[p.overall_posterior], f"{p.overall_posterior} (04_tests)"
        )
        ends = [
            select_one(trials, "trials", study_id=s, outcome="mortality_28d")
            for s in p.control_risk_range
        ]
        self.control_range = tuple(sorted(r.events_ctl / r.n_ctl for r in ends))
        self.control_range_text = " and ".join(
            f"{short_name(r.study)} {r.events_ctl}/{r.n_ctl} = {r.events_ctl / r.n_ctl:.1%}"
            for r in sorted(ends, key=lambda r: r.events_ctl / r.n_ctl)
        )
        self.populations = {
            name: self.population(name, spec) for name, spec in p.populations.items()
        }
        self.designs, self.sensitivity = design_table(
            self.populations,
            self.control_risk,
            alpha=p.alpha,
            power=p.power,
            looks=p.looks,
            futility=p.futility,
            eligible_share=p.eligible_share,
            control_range=self.control_range,
        )
        self.designs = self.designs.rename(columns={"treatment risk": f"{p.treatment_label} risk"})
        self.trial_n = self.value(p.trial_size_fact, "trial_size_fact")
        size_study = self.facts.loc[self.facts.fact_id == p.trial_size_fact, "study_id"].iloc[0]
        labels = trials.loc[trials.study_id == size_study, "study"]
        self.trial_name = short_name(labels.iloc[0]) if len(labels) else size_study
        self.adaptive, self.adaptive_skipped = self.adaptive_setup()

    def adaptive_setup(self) -> tuple[dict, dict]:
        """The three-way design comparison per population (parameter adaptive_enrichment), and
        the populations left out with the reason."""
        p, a = self.p, self.p.adaptive_enrichment
        where = "adaptive_enrichment"
        n_total = a["n_total"]
        if n_total is None:
            everyone = [n for n, pop in self.populations.items() if pop["prevalence"] == 1]
            if not everyone:
                raise ValueError(
                    f"parameter {where}.n_total is null, which means the all-comers size planned "
                    "on the design effect, but no population has prevalence 1: set n_total"
                )
            n_total = int(self.by_effect(everyone[0]).loc[DESIGN, "N fixed"])
        design_keys = (
            "interim_fraction",
            "selection",
            "epsilon",
            "futility",
            "early_efficacy",
            "intersection",
            "stratified",
            "replications",
            "seed",
        )
        settings = {**{k: a[k] for k in design_keys}, "alpha": p.alpha / 2}
        out, skipped = {}, {}
        for i, (name, complement) in enumerate(a["complements"].items()):
            if name not in self.populations:
                raise KeyError(
                    f"parameter {where}.complements names {name!r}, which is not a key of "
                    f"populations ({', '.join(self.populations)})"
                )
            pop = self.populations[name]
            if SHRUNKEN not in pop["effects"]:
                skipped[name] = "no shrunken subgroup estimate"
                continue
            if not 0 < pop["prevalence"] < 1:
                skipped[name] = f"prevalence {pop['prevalence source']}"
                continue
            other = self.subgroups[complement]
            post_r = self.posterior(other, f"{complement} (05_subgroups)")
            scenario_list = adaptive_design.scenarios(
                self.control_risk,
                shrunken_s=pop["effects"][SHRUNKEN],
                shrunken_r=other["value"],
                design_hr=self.design_hr,
                posterior_s=pop["posterior"][:2],
                posterior_r=post_r[:2],
                replications=a["replications"],
                seed=a["seed"] + 7919 * (i + 1),
            )
            try:
                frame = adaptive_design.compare(
                    name,
                    n_total=n_total,
                    prevalence=pop["prevalence"],
                    scenario_list=scenario_list,
                    settings={**settings, "seed": a["seed"] + 104729 * (i + 1)},
                    jobs=a["jobs"],
                )
            except ValueError as error:
                raise ValueError(f"parameter {where}: {error}") from None
            out[name] = {
                "frame": frame,
                "n_total": n_total,
                "complement": complement,
                "complement_hr": other["value"],
                "prevalence": pop["prevalence"],
                "best": adaptive_design.best_design(frame),
                "settings": settings,
            }
        return out, skipped

    @staticmethod
    def posterior(entry: dict, name: str) -> tuple[float, float, str]:
        """(mean, SD, words) of a log hazard ratio from a result entry with a credible interval
        (normal on the log scale: SD = (ln upper - ln lower) / (2 z))."""
        sd = (np.log(entry["upper"]) - np.log(entry["lower"])) / (2 * z_critical(entry["level"]))
        return float(np.log(entry["value"])), float(sd), f"{entry['description']} [{name}]"

    def value(self, ref, parameter: str) -> float:
        """A number, a fact's value or an estimate's (percentages as proportions)."""
        return self.lookup(ref, parameter)[0]

    def lookup(self, ref, parameter: str) -> tuple[float, str, str]:
        """(value, words, source) of a number, a fact_id or an estimate_id."""
        if isinstance(ref, int | float):
            return float(ref), f"{ref:g}", ""
        facts = self.facts[self.facts.fact_id == ref]
        if len(facts):
            r = facts.iloc[0]
            return float(r.value), str(r["item"]), source_short(r.source)
        try:
            r = self.estimate(ref, parameter)
        except MissingDataId:
            raise MissingDataId(
                f"{ref!r} (parameter {parameter!r}) is neither a fact_id of {self.p.facts_file} "
                f"nor an estimate_id of {self.p.estimates_file}"
            ) from None
        scale = 100 if r.unit == "percent" else 1
        return float(r.estimate) / scale, f"{outcome_words(r.outcome)}, {r.population}", r.study

    def population(self, name: str, spec: dict) -> dict:
        """Effects, prevalence and sensitivity risk of one population from its parameters."""
        where = f"populations.{name}"
        effects = {}
        if spec["estimate"]:
            effects[RAW] = float(self.estimate(spec["estimate"], f"{where}.estimate").estimate)
        posterior = self.overall_posterior
        if spec["shrunken"]:
            effects[SHRUNKEN] = self.subgroups[spec["shrunken"]]["value"]
            posterior = self.posterior(
                self.subgroups[spec["shrunken"]], f"{spec['shrunken']} (05_subgroups)"
            )
        effects[DESIGN] = self.design_hr
        groups = [
            (
                self.lookup(s, f"{where}.prevalence_groups"),
                self.lookup(c, f"{where}.prevalence_groups"),
            )
            for s, c in spec["prevalence_groups"]
        ]
        weights = [share[0] * count[0] for share, count in groups]
        total, total_words, total_source = self.lookup(
            spec["prevalence_total"], f"{where}.prevalence_total"
        )
        prevalence = sum(weights) / total if groups else np.nan
        if not groups:
            prevalence_source = "not found in the sources"
        elif (
            all(isinstance(s, int | float) for s, _ in spec["prevalence_groups"])
            and not total_source
        ):
            prevalence_source = "everyone eligible" if prevalence == 1 else "set in the parameters"
        else:
            parts = " + ".join(
                (f"{share[1]} × " if share[2] else "") + count[1] for share, count in groups
            )
            sources = sorted({x[2] for g in groups for x in g if x[2]} | ({total_source} - {""}))
            prevalence_source = f"({parts}) / {total_words}; {', '.join(sources)}; derived"
        risks = [self.lookup(r, f"{where}.sensitivity_risks") for r in spec["sensitivity_risks"]]
        if risks and len(risks) != len(weights):
            raise ValueError(
                f"parameter {where}.sensitivity_risks: one risk per prevalence group "
                f"({len(weights)}), got {len(risks)}"
            )
        if risks:
            risk = sum(r[0] * w for r, w in zip(risks, weights, strict=True)) / sum(weights)
            source = "; ".join(f"{r[1]} ({r[2]})" for r in risks) + (
                ", weighted by the prevalence groups, derived" if len(risks) > 1 else ""
            )
        else:
            risk, source = np.nan, "no other source"
        return {
            "effects": effects,
            "prevalence": prevalence,
            "prevalence source": prevalence_source,
            "sensitivity risk": risk,
            "sensitivity source": source,
            "posterior": posterior,
            "risk known": prevalence == 1,
        }

    def by_effect(self, name: str) -> pd.DataFrame:
        return self.designs[self.designs.population == name].set_index("effect used")

    def range_sizes(self, name: str, effect: str) -> tuple[int, int] | None:
        """Fixed sizes at the two ends of the sourced control-risk range (None when the
        population's own risk is used)."""
        s = self.sensitivity
        if not len(s):
            return None
        rows = s[
            (s.population == name)
            & (s["effect used"] == effect)
            & s["source of that risk"].str.contains("sourced range")
        ]
        return (int(rows["N fixed"].max()), int(rows["N fixed"].min())) if len(rows) else None

    def bottom_line(self) -> None:
        p = self.p
        lead = next((n for n, pop in self.populations.items() if RAW in pop["effects"]), None)
        text = f"At the {self.control_name} placebo risk of {self.control_risk:.1%}, "
        if lead is not None:
            age = self.by_effect(lead)
            main = SHRUNKEN if SHRUNKEN in age.index else DESIGN
            text += (
                f"a trial in the population '{lead}' would need {age.loc[RAW, 'N fixed']:,.0f} patients if "
                f"the raw subgroup hazard ratio ({age.loc[RAW, 'HR']:.2f}) were true"
                + (
                    f", {age.loc[SHRUNKEN, 'N fixed']:,.0f} for the shrunken one "
                    f"({age.loc[SHRUNKEN, 'HR']:.2f}, the estimate after a sceptical prior on "
                    "effect modification)"
                    if SHRUNKEN in age.index
                    else ""
                )
                + f" and {age.loc[DESIGN, 'N fixed']:,.0f} for the design effect "
                f"({self.design_hr:.2f}); the largest is {age['N fixed'].max() / self.trial_n:.1f} "
                f"times the whole of {self.trial_name} ({self.trial_n:.0f}). Each is planned for "
                f"{p.power:.0%} power at its own hazard ratio; if the true effect is instead drawn "
                "from what is now known (the posterior: "
                + age.loc[main, "effect drawn from"].split(" [")[0]
                + f"), the design planned on the {main} would show a significant benefit with "
                f"probability {age.loc[main, 'assurance']:.0%} (its assurance)"
                + (
                    f", and the largest design (planned on the {age['N fixed'].idxmax()}) with "
                    f"{age.loc[age['N fixed'].idxmax(), 'assurance']:.0%}. "
                    if age["N fixed"].idxmax() != main
                    else ". "
                )
            )
            ends = self.range_sizes(lead, main)
            if ends:
                text += (
                    f"No placebo risk is published for this population: over the sourced range of "
                    f"control risks ({self.control_range[0]:.1%} to {self.control_range[1]:.1%}) "
                    f"the design planned on the {main} needs {ends[1]:,} to {ends[0]:,} patients. "
                )
            text += (
                f"With O'Brien-Fleming interim analyses"
                f"{' and non-binding futility stopping' if p.futility else ''}, a trial stopped "
                f"early when {p.treatment_label} does nothing would enrol on average "
                f"{age.loc[main, 'E[N] if no effect']:,.0f} patients in the design planned on the "
                f"{main}. "
            )
        if lead in self.adaptive:
            text += self.adaptive_summary(lead)
        only_design = [n for n, pop in self.populations.items() if list(pop["effects"]) == [DESIGN]]
        only_design = [n for n in only_design if self.populations[n]["prevalence"] != 1]
        if only_design:
            text += (
                f"No estimate exists for {', '.join(only_design)}: "
                + ("its designs rest" if len(only_design) == 1 else "their designs rest")
                + " on the design effect alone, and their assurance assumes the overall effect "
                "applies to them."
            )
        bottom_line(
            text.strip(),
            "The subgroup effects are of low credibility (05_subgroups), and no subgroup-specific "
            f"placebo risk is published, so every design here uses the overall {self.control_name} "
            "placebo risk, with the sizes over a sourced range of control risks beside it; "
            "assurance treats a normal approximation of each posterior as the truth's distribution."
            if p.control_risk_override is None
            else "The subgroup effects are of low credibility (05_subgroups), and every design "
            "uses one control risk set in the parameters.",
            [
                f"design effect: relative reduction {100 * p.design_relative_reduction:.0f}% "
                f"(hazard ratio {self.design_hr:.2f}), an assumption (params/shared.yaml); at the "
                f"control risk that is "
                f"{1000 * (self.control_risk - (1 - (1 - self.control_risk) ** self.design_hr)):.0f} "
                "fewer deaths per 1000, against a decision threshold of "
                f"{p.decision_thresholds['mortality']['benefit']:g} per 1000 (assumption)",
                f"two-sided α = {p.alpha}, power {p.power:.0%}, looks at "
                f"{', '.join(f'{x:.0%}' for x in p.looks)} of the information"
                + (", non-binding futility" if p.futility else "")
                + " (design choices)",
                f"sourced range of control risks: {self.control_range_text} (28-day control arms)",
                f"share of marker-positive patients who are eligible and consent: "
                f"{p.eligible_share:g} (assumption)",
            ],
        )

    def section_populations(self) -> None:
        show(
            pd.DataFrame(
                [
                    {
                        "population": name,
                        "effects available": ", ".join(
                            f"{k} {v:.2f}" for k, v in pop["effects"].items()
                        ),
                        "control risk": self.control_risk,
                        "control risk source": self.control_source,
                        "prevalence": pop["prevalence"],
                        "prevalence source": pop["prevalence source"],
                    }
                    for name, pop in self.populations.items()
                ]
            )
        )
        say(
            "Cancer, which the 2025 pooled analysis rated as the most credible modifier, cannot be "
            "designed for: its subgroup estimate is not in the available sources. The prevalences "
            "come from the only source with them, so they describe that trial's population, not "
            "necessarily the next one's."
        )

    def section_designs(self) -> None:
        p, d = self.p, self.designs
        show(d)
        save_table(d, "07_next_trial_designs")
        for _, r in d.iterrows():
            effect = r["effect used"]
            key = (
                f"next_trial.{r['population'].split(' (')[0].replace(' ', '_')}."
                f"{effect.split(' ')[0].lower()}"
            )
            add = self.results.add
            add(
                f"{key}.n_fixed",
                int(r["N fixed"]),
                unit="patients",
                description=f"{r['population']}, {effect} HR {r['HR']:.3f}, control risk "
                f"{r['control risk']:.3f}: fixed-design total",
            )
            add(
                f"{key}.n_max",
                int(r["N max (sequential)"]),
                unit="patients",
                description=f"{r['population']}, {effect}: group-sequential maximum "
                f"({len(p.looks)} looks)",
            )
            add(
                f"{key}.expected_n_null",
                r["E[N] if no effect"],
                unit="patients",
                description=f"{r['population']}, {effect}: expected size if "
                f"{p.treatment_label} has no effect",
            )
            add(
                f"{key}.expected_n_alternative",
                r["E[N] at the design effect"],
                unit="patients",
                description=f"{r['population']}, {effect}: expected size at the design effect",
            )
            add(
                f"{key}.nominal_power",
                float(r["nominal power"]),
                unit="probability",
                description=f"{r['population']}, {effect}: the power the design is planned for "
                "(at its own hazard ratio)",
            )
            add(
                f"{key}.assurance",
                float(r["assurance"]),
                unit="probability",
                description=f"{r['population']}, {effect}: probability of a significant benefit "
                f"with the fixed-design size when the true HR is drawn from "
                f"{r['effect drawn from']} (normal approximation on the log scale)",
            )
            ends = self.range_sizes(r["population"], effect)
            if ends:
                add(
                    f"{key}.n_fixed_over_control_range",
                    ends[1],
                    lower=ends[1],
                    upper=ends[0],
                    kind="range",
                    unit="patients",
                    description=f"{r['population']}, {effect}: fixed-design totals at the high "
                    f"and low ends of the sourced control-risk range ({self.control_range_text})",
                )
            if not np.isnan(r["screened for N max"]):
                add(
                    f"{key}.screened",
                    r["screened for N max"],
                    unit="patients",
                    description=f"{r['population']}: patients screened to enrol the maximum",
                )
        lead = next((n for n, pop in self.populations.items() if SHRUNKEN in pop["effects"]), None)
        text = ""
        if lead is not None:
            age = self.by_effect(lead)
            text = (
                f"Shrinkage multiplies the size of the {lead} trial by "
                f"{age.loc[SHRUNKEN, 'N fixed'] / age.loc[RAW, 'N fixed']:.1f}: planning on the raw "
                "subgroup effect would give an underpowered trial if the truth is closer to the "
                "shrunken one. "
            )
        if p.futility:
            text += (
                "With non-binding futility boundaries, a trial of an ineffective drug stops early "
                "on average: its expected size under no effect is "
                f"{(d['E[N] if no effect'] / d['N max (sequential)']).median():.0%} of its maximum "
                "(the share depends only on the looks and the boundaries, not on the population)."
            )
        say(text.strip())

    def section_sensitivity(self) -> None:
        if len(self.sensitivity):
            show(self.sensitivity)
            save_table(self.sensitivity, "07_next_trial_control_risk_sensitivity")
            say(
                "Higher assumed control risks shrink the required sizes; these are not the risks "
                "the next trial would measure."
            )

    def section_power_curves(self) -> None:
        p, d = self.p, self.designs
        grid = np.linspace(0.55, 1.0, 46)
        panels = [n for n, pop in self.populations.items() if len(pop["effects"]) > 1]
        panels += [n for n, pop in self.populations.items() if pop["prevalence"] == 1]
        # two panels a row at most, so each legend fits its panel at 8 pt
        cols = min(2, len(panels))
        rows = -(-len(panels) // cols)
        fig, axes = plots.plt.subplots(
            rows, cols, figsize=(plots.fig_width(5.6 * cols), 4.2 * rows), squeeze=False
        )
        for ax in axes.ravel()[len(panels) :]:
            ax.set_visible(False)
        styles = {RAW: ("-", "o"), SHRUNKEN: ("--", "s"), DESIGN: (":", "^")}
        for ax, name in zip(axes.ravel(), panels, strict=False):
            part = d[d.population == name]
            for (_, row), colour in zip(part.iterrows(), plots.CATEGORY, strict=False):
                ls, marker = styles[row["effect used"]]
                ax.plot(
                    grid,
                    [power_at(row["control risk"], h, int(row["N fixed"]), p.alpha) for h in grid],
                    ls=ls,
                    marker=marker,
                    markevery=9,
                    color=colour,
                    label=f"planned on the {row['effect used']} (N = {int(row['N fixed']):,})",
                )
                ax.axvline(row["HR"], color=colour, lw=0.8, alpha=0.5)
            ax.axhline(p.power, color="grey", ls=":", lw=1)
            ax.set_title(name, loc="left", fontsize=10)
            ax.set_xlabel("true hazard ratio")
            ax.legend(fontsize=8, loc="lower left")
            ax.set_ylabel("power")
            ax.set_ylim(0, 1.02)
        fig.suptitle(
            "Power of each design if the true hazard ratio differs from the one it was planned on "
            "(fixed designs)",
            x=0.01,
            ha="left",
            fontsize=11,
        )
        fig.tight_layout()
        show_figure(fig, "07_next_trial_power_curves")

    def section_adaptive(self) -> None:
        """Fixed all-comers, fixed enriched and adaptive enrichment, by scenario."""
        a = self.p.adaptive_enrichment
        for name, reason in self.adaptive_skipped.items():
            say(f"**{name}**: not simulated ({reason}).")
        for name, run in self.adaptive.items():
            frame, st = run["frame"], run["settings"]
            n1 = int(round(st["interim_fraction"] * run["n_total"]))
            rule = {
                "best": "continue in the population with the larger observed effect",
                "epsilon": "continue in both unless one population's observed effect exceeds "
                f"the other's by more than {st['epsilon']:g} (risk difference), then in that one",
                "all": "continue in both",
            }[st["selection"]]
            say(
                f"**{name}** (prevalence {run['prevalence']:.0%}, "
                f"{self.populations[name]['prevalence source']}). Every design has at most "
                f"{run['n_total']:,} patients (parameter `adaptive_enrichment.n_total`; "
                + (
                    "the all-comers size planned on the design effect"
                    if a["n_total"] is None
                    else "set in the parameters"
                )
                + f"). Adaptive enrichment: interim after {n1:,}; {rule}"
                + (
                    f"; stop for futility if the interim z is at most {st['futility']:g}"
                    if st["futility"] is not None
                    else ""
                )
                + (
                    ", with O'Brien-Fleming-type early stopping for efficacy"
                    if st["early_efficacy"]
                    else "; no early stopping for efficacy"
                )
                + f". H_S and H_F are tested by a closed test ({st['intersection'].title()} for "
                "the intersection, inverse normal combination of the stages"
                + (", the full population stratified by the subgroup" if st["stratified"] else "")
                + f"), one-sided α = {st['alpha']:g} (half the two-sided α of the fixed designs). "
                f"Control risk {self.control_risk:.1%} in and outside the subgroup (assumption: "
                f"{self.control_source}). {st['replications']:,} simulated trials per cell, seed "
                f"{a['seed']}; Monte Carlo SE of each probability at most "
                f"{frame['power_mcse'].max():.3f}."
            )
            shown = frame[
                [
                    "scenario",
                    "design",
                    "reject_any",
                    "reject_s",
                    "reject_f",
                    "right_population",
                    "select_s",
                    "expected_n",
                    "max_n",
                    "screened",
                    "power_mcse",
                ]
            ].rename(
                columns={
                    "reject_any": "P(positive trial)",
                    "reject_s": "P(benefit shown in the subgroup)",
                    "reject_f": "P(benefit shown in everyone)",
                    "right_population": "P(the right claim)",
                    "select_s": "P(subgroup continues)",
                    "expected_n": "expected patients",
                    "max_n": "maximum patients",
                    "screened": "patients screened",
                    "power_mcse": "Monte Carlo SE",
                }
            )
            probabilities = [c for c in shown.columns if c.startswith("P(")] + ["Monte Carlo SE"]
            show(shown, index="scenario", kinds=dict.fromkeys(probabilities, "proportion"))
            slug = name.replace(" ", "_")
            save_table(frame.drop(columns=["population"]), f"07_next_trial_adaptive_{slug}")
            fig = plots.design_comparison(
                frame,
                f"Three designs of at most {run['n_total']:,} patients for '{name}' (prevalence "
                f"{run['prevalence']:.0%}), by what is true",
                adaptive_design.DESIGNS,
            )
            show_figure(fig, f"07_next_trial_adaptive_{slug}")
            say(
                "*The right claim*: no benefit claimed when nothing works; a benefit shown in the "
                "subgroup and not claimed for everyone when only the subgroup benefits (or when "
                "the patients outside it are estimated to be harmed); a benefit shown in everyone "
                "when everyone benefits. A fixed enriched trial can only ever claim the subgroup, "
                "a fixed all-comers trial only everyone. " + self.adaptive_words(name)
            )
            self.results.add(
                f"next_trial.adaptive.{slug}.table",
                adaptive_design.as_records(frame),
                description=f"operating characteristics of the three designs for '{name}' by "
                "scenario (probabilities over all simulated trials; right_population null where "
                "no single claim is right, i.e. for assurance)",
            )
            self.results.add(
                f"next_trial.adaptive.{slug}.inputs",
                {
                    "n_total": run["n_total"],
                    "prevalence": run["prevalence"],
                    "control_risk": self.control_risk,
                    "hazard_ratio_subgroup": self.populations[name]["effects"][SHRUNKEN],
                    "hazard_ratio_complement": run["complement_hr"],
                    "complement_key": run["complement"],
                    "design_hazard_ratio": self.design_hr,
                    **{k: v for k, v in st.items()},
                },
                description=f"the scenario inputs and design settings of the comparison for "
                f"'{name}' (control risk and design effect: assumptions)",
            )

    def adaptive_summary(self, name: str) -> str:
        """The bottom line's sentences on the three-way comparison for one population."""
        run = self.adaptive[name]
        f = run["frame"].set_index(["scenario", "design"])
        names = list(run["best"])
        current = next(s for s in names if s.startswith("current"))
        everyone = next(s for s in names if s.startswith("everyone"))
        assurance = next(s for s in names if s.startswith("assurance"))

        def three(scenario, column):
            return ", ".join(
                f"{d} {f.loc[(scenario, d), column]:.2f}" for d in adaptive_design.DESIGNS
            )

        checks = [
            (current, "right_population"),
            (everyone, "right_population"),
            (assurance, "reject_any"),
        ]
        fixed = [d for d in adaptive_design.DESIGNS if d != "adaptive enrichment"]
        between = all(
            min(f.loc[(s, d), c] for d in fixed)
            <= f.loc[(s, "adaptive enrichment"), c]
            <= max(f.loc[(s, d), c] for d in fixed)
            for s, c in checks
        )
        smaller = all(
            f.loc[(s, "adaptive enrichment"), "expected_n"] < run["n_total"] for s, _ in checks
        )
        middle = (
            "adaptive enrichment lies between the two in each of these three cases"
            if between
            else "adaptive enrichment is not always between the two (see section 4)"
        ) + (", at a lower expected size. " if smaller else ". ")
        return (
            f"Compared at one maximum size ({run['n_total']:,} patients), the probability of the "
            f"right claim at the current estimates ({current.split('(')[1].rstrip(')')}) is "
            f"{three(current, 'right_population')}; if everyone benefited at the design effect it "
            f"would be {three(everyone, 'right_population')}; and averaged over what is now known "
            f"(assurance) a positive trial has probability {three(assurance, 'reject_any')}. "
            f"Which design is best depends on what one believes (section 4): the fixed enriched "
            f"trial is best if the benefit is confined to '{name}' but can never show a benefit "
            "for everyone, the all-comers trial the reverse; " + middle
        )

    def adaptive_words(self, name: str) -> str:
        """Which design is best under which belief, with the trade-off in patients."""
        run = self.adaptive[name]
        frame = run["frame"].set_index(["scenario", "design"])
        parts = []
        for scenario, best in run["best"].items():
            if best["measure"] == "expected_n":
                parts.append(
                    f"if {scenario[0].lower()}{scenario[1:]}: {best['design']} (fewest patients "
                    f"exposed, {best['value']:,.0f} on average, {best['margin']:,.0f} fewer than "
                    "the next)"
                )
                continue
            what = (
                "the right claim" if best["measure"] == "right_population" else "a positive trial"
            )
            parts.append(
                f"if {scenario[0].lower()}{scenario[1:]}: {best['design']} ({what} with "
                f"probability {best['value']:.2f}, {best['margin']:.2f} more than the next)"
            )
        assurance = [s for s in run["best"] if s.startswith("assurance")]
        adaptive = frame.xs("adaptive enrichment", level="design")
        saved = run["n_total"] - adaptive["expected_n"].min()
        text = "Best design by scenario: " + "; ".join(parts) + ". "
        if assurance:
            row = frame.xs(assurance[0], level="scenario")
            text += (
                "Averaged over what is now known about the two effects (assurance), a positive "
                "trial has probability "
                + ", ".join(f"{d} {row.loc[d, 'reject_any']:.2f}" for d in adaptive_design.DESIGNS)
                + ". "
            )
        text += (
            f"The adaptive design never needs more than {run['n_total']:,} patients"
            + (
                f" and saves up to {saved:,.0f} on average when it stops at the interim"
                if saved > 0
                else ""
            )
            + f"; the fixed enriched design screens {run['n_total'] / run['prevalence']:,.0f} "
            f"patients to enrol {run['n_total']:,}. None of these probabilities is high because "
            "the effects are small and uncertain; which design is best depends on which scenario "
            "one believes, which is the point of showing them all."
        )
        return text

    def section_summary(self) -> None:
        p, d = self.p, self.designs
        summary = d[
            [
                "population",
                "effect used",
                "HR",
                "control risk",
                "N fixed",
                "N max (sequential)",
                "E[N] if no effect",
                "screened per enrolled",
            ]
        ].copy()
        summary.insert(
            2,
            "effect is",
            summary["effect used"].map(lambda e: "assumption" if "assumption" in e else "estimate"),
        )
        show(summary)
        save_table(summary, "07_next_trial_summary")
        larger = summary.loc[summary["N fixed"] > self.trial_n, ["population", "effect used"]]
        say(
            f"Design: 1:1, 28-day mortality, two-sided α = {p.alpha}, power {p.power:.0%}, "
            f"O'Brien-Fleming interim analyses at {', '.join(f'{x:.0%}' for x in p.looks)} of the "
            "information" + (" with non-binding futility boundaries" if p.futility else "") + ". "
            f"{len(larger)} of the {len(summary)} designs need more patients than "
            f"{self.trial_name} analysed. Screening per patient enrolled ranges from "
            f"{summary['screened per enrolled'].min():.1f} to "
            f"{summary['screened per enrolled'].max():.1f} where a prevalence is known. The "
            "immunoparalysis designs also need an mHLA-DR measurement fast enough to enrol on, "
            f"and their effect is an assumption: no trial has measured {p.treatment_label}'s "
            "effect on mortality in immunoparalysed patients."
        )
        self.results.add(
            "next_trial.control_risk",
            self.control_risk,
            unit="proportion",
            description=f"control risk used for every design: {self.control_source}",
        )
        self.results.add(
            "next_trial.design_hazard_ratio",
            self.design_hr,
            unit="ratio",
            description="hazard ratio of the design effect (assumption)",
        )
