"""05_subgroups: are a trial's subgroup signals credible? Interaction tests from the published
subgroup estimates, the ICEMAN checklist, how often chance alone produces such signals, and
shrunken estimates."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from ta1sepsis.chapters.base import Chapter, short_name
from ta1sepsis.data.loader import load_credibility, load_estimates, load_trials, select_one
from ta1sepsis.evidence.verdicts import comparison
from ta1sepsis.report import plots
from ta1sepsis.report.answers import bottom_line
from ta1sepsis.report.narrative import say, show
from ta1sepsis.report.outputs import save_table, show_figure
from ta1sepsis.stats.binary import z_critical
from ta1sepsis.stats.reported_estimates import (
    interaction_p_range_from_printed,
    interaction_test,
    recover,
)
from ta1sepsis.stats.subgroups import interaction_p_values, multiplicity_rates, shrink_subgroups

LOW = ("low", "very low")


def interaction_row(name: str, a, b, level: float) -> dict:
    """The interaction test recomputed from two published subgroup rows, the range of P values
    the printed rounding allows, and one verdict on the published P.

    Parameters
    ----------
    name : str
        The modifier.
    a, b : pandas.Series
        The two subgroups' published rows (estimate, limits and their printed texts, level, P).
    level : float
        Level of the interval of the ratio of the subgroup estimates.
    """
    test = interaction_test(
        (a.estimate, a.ci_lower, a.ci_upper),
        (b.estimate, b.ci_lower, b.ci_upper),
        level,
        source_levels=(a.ci_level, b.ci_level),
    )
    low, high = interaction_p_range_from_printed(
        (a.estimate_text, a.ci_lower_text, a.ci_upper_text),
        (b.estimate_text, b.ci_lower_text, b.ci_upper_text),
        a.ci_level,
    )
    inside = low <= a.p_value <= high
    return {
        "modifier": name,
        "ratio of HRs": test.ratio_or_difference.estimate,
        "lower": test.ratio_or_difference.lower,
        "upper": test.ratio_or_difference.upper,
        "published P": a.p_value_text,
        "recomputed P": test.p_value,
        "P range from rounding": f"{low:.4f} to {high:.4f}",
        "published P in range": inside,
        # one verdict per published P: within rounding when the rounding of the printed
        # estimates allows it
        "verdict": "within rounding"
        if inside
        else comparison("P", a.p_value_text, test.p_value, "Altman-Bland")["verdict"],
        "_test": test,
        "_range": (low, high),
    }


def prior_sd_for_ratio(ratio: float, mass: float) -> float:
    """SD of a normal prior on a log ratio that puts ``mass`` between 1/ratio and ratio."""
    return math.log(ratio) / stats.norm.ppf(0.5 + mass / 2)


class Subgroups(Chapter):
    """Interaction tests, ICEMAN credibility, chance and shrinkage (notebook 05_subgroups)."""

    notebook = "05_subgroups"

    def __init__(self, **parameters):
        super().__init__(**parameters)
        p = self.p
        trials = load_trials(self.path(p.trials_file), study_ids=[p.study_id])
        self.estimates = load_estimates(self.path(p.estimates_file))
        self.credibility = load_credibility(self.path(p.credibility_file))
        self.published = self.estimates.set_index("estimate_id")
        self.overall = [self.estimate(i, "overall") for i in p.overall]
        self.pairs = {
            name: [self.estimate(i, "modifiers") for i in ids] for name, ids in p.modifiers.items()
        }
        self.interactions = {}
        for name, (a, b) in self.pairs.items():
            row = interaction_row(name, a, b, p.confidence)
            self.interactions[name] = row
            test, (low, high) = row["_test"], row["_range"]
            add = self.results.add
            add(
                f"subgroups.{name}.interaction_p_recomputed",
                test.p_value,
                lower=low,
                upper=high,
                kind="range",
                description=f"interaction P from the published subgroup HRs ({name}); "
                "lower/upper: range allowed by rounding",
            )
            add(
                f"subgroups.{name}.interaction_p_published",
                a.p_value,
                description=f"published interaction P ({name})",
            )
            add(
                f"subgroups.{name}.interaction_p_verdict",
                row["verdict"],
                description=f"verdict on the published interaction P ({name}) against the "
                "printed subgroup estimates",
            )
            self.results.add_interval(
                f"subgroups.{name}.ratio_of_hrs",
                test.ratio_or_difference,
                unit="ratio",
                description=f"ratio of the subgroup hazard ratios ({name})",
            )
        self.interaction_table = pd.DataFrame(
            [
                {k: v for k, v in r.items() if not k.startswith("_")}
                for r in self.interactions.values()
            ]
        )
        row = select_one(trials, "trials", study_id=p.study_id, outcome="mortality_28d")
        self.trial_name = short_name(row.study)
        self.control_word = "placebo" if "placebo" in str(row.control).lower() else "control"
        risk = (row.events_trt + row.events_ctl) / (row.n_trt + row.n_ctl)
        rng = np.random.default_rng(p.seed)
        prevalences = rng.uniform(
            min(p.prevalence_range), max(p.prevalence_range), p.candidate_modifiers
        )
        self.p_sim = interaction_p_values(
            int(row.n_trt), int(row.n_ctl), risk, prevalences, n_sim=p.n_simulations, seed=p.seed
        )
        self.curve = pd.DataFrame(
            [
                multiplicity_rates(self.p_sim[:, :k], p.significance)
                for k in range(1, p.candidate_modifiers + 1)
            ]
        )
        self.rate = self.curve.iloc[-1]
        self.chance = {
            name: float(np.mean((self.p_sim <= r["recomputed P"]).any(axis=1)))
            for name, r in self.interactions.items()
        }
        prior_sd = prior_sd_for_ratio(p.interaction_prior_ratio, p.interaction_prior_mass)
        self.shrunk = {}
        for name, (a, b) in self.pairs.items():
            ra, rb = (recover(r.estimate, r.ci_lower, r.ci_upper, r.ci_level) for r in (a, b))
            self.shrunk[name] = shrink_subgroups(
                ra.log_estimate,
                ra.se**2,
                rb.log_estimate,
                rb.se**2,
                prior_sd=prior_sd,
                level=p.confidence,
            )
        self.ratings = self.credibility[
            self.credibility["item"].isin(["overall", "reported"])
        ].set_index("claim_id")["response"]

    def rating(self, name: str) -> str:
        return self.ratings.get(f"{self.p.study_id}.{name}", "not assessed")

    def bottom_line(self) -> None:
        p = self.p
        bottom_line(
            " ".join(
                f"**{name}**: published interaction P = {r['published P']} (recomputed from the "
                f"printed subgroup estimates {r['recomputed P']:.3f}; {r['verdict']}); after a "
                "sceptical prior on effect modification the subgroup hazard ratios become "
                f"{self.shrunk[name].first.estimate:.2f} ({self.pairs[name][0].population}) and "
                f"{self.shrunk[name].second.estimate:.2f} ({self.pairs[name][1].population}); "
                f"ICEMAN credibility: {self.rating(name)}; an interaction at least this strong "
                f"appears among {p.candidate_modifiers} candidate modifiers in "
                f"{self.chance[name]:.0%} of simulated null trials."
                for name, r in self.interactions.items()
            )
            + (
                " Every signal here has low or very low credibility: hypotheses to test, not "
                "findings to act on."
                if all(self.rating(name) in LOW for name in self.interactions)
                else " Credibility differs between the signals; see the ICEMAN table before "
                "acting on any of them."
            ),
            f"The number of modifiers {self.trial_name} examined, the subgroup event counts and "
            "the trial's own interaction model are not in the available sources; the chance "
            "calculation depends on the assumed number of candidate modifiers.",
            [
                f"{p.candidate_modifiers} candidate modifiers with prevalences "
                f"{min(p.prevalence_range):g} to {max(p.prevalence_range):g} in the chance "
                "simulation (assumption)",
                f"sceptical interaction prior: {100 * p.interaction_prior_mass:g}% of the mass on "
                f"ratios of hazard ratios within 1/{p.interaction_prior_ratio:g} to "
                f"{p.interaction_prior_ratio:g} (assumption)",
            ],
        )

    def section_reported(self) -> None:
        rows = [
            {
                "label": f"overall, version {r.version}",
                "estimate": r.estimate,
                "lower": r.ci_lower,
                "upper": r.ci_upper,
                "kind": "published",
            }
            for r in self.overall
        ]
        for name, pair in self.pairs.items():
            for r in pair:
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
            f"{self.trial_name} 28-day mortality: the overall hazard ratio (two published "
            "versions) and the reported subgroups"
            if len(self.overall) == 2
            else f"{self.trial_name} 28-day mortality: the overall hazard ratio and the reported "
            "subgroups",
            f"hazard ratio, {self.p.treatment_label} vs {self.control_word} (log scale)",
        )
        show_figure(fig, "05_subgroups_forest")
        say(
            "Events and patient numbers per subgroup are not in the available sources, so the "
            "subgroup estimates can only be taken as published; whether the erratum changed them "
            "is unknown."
        )

    def section_interactions(self) -> None:
        show(self.interaction_table)
        for r in self.interactions.values():
            if r["published P in range"]:
                say(
                    f"**{r['modifier']}**: the published P = {r['published P']} agrees with the "
                    f"test recomputed from the printed estimates ({r['recomputed P']:.3f}; "
                    f"rounding allows {r['P range from rounding']})."
                )
            else:
                say(
                    f"**{r['modifier']}**: the published P = {r['published P']} lies outside the "
                    f"range the printed estimates allow ({r['P range from rounding']}; recomputed "
                    f"{r['recomputed P']:.3f}). The published test was therefore not the simple "
                    "comparison of these two estimates; it may have been an interaction term in a "
                    "Cox model (possibly stratified or adjusted, as the randomisation was "
                    "stratified by age and centre), whose P need not match the comparison of "
                    "separately estimated subgroup hazard ratios. Without the trial's statistical "
                    "report this cannot be settled; both values are shown, neither is preferred."
                )

    def section_chance(self) -> None:
        p, rate = self.p, self.rate
        show(self.curve)
        z = z_critical(p.confidence)
        for what in ("at_least_one", "at_least_two"):
            self.results.add(
                f"subgroups.simulation.{what}",
                rate[what],
                lower=rate[what] - z * rate[f"{what}_se"],
                upper=rate[what] + z * rate[f"{what}_se"],
                level=p.confidence,
                unit="probability",
                description=f"P(at least {what.split('_')[-1]} interaction P < {p.significance:g} among "
                f"{p.candidate_modifiers} modifiers | no effect modification)"
                + ("; Monte Carlo CI" if what == "at_least_one" else ""),
            )
        for name in self.interactions:
            self.results.add(
                f"subgroups.{name}.chance_under_null",
                self.chance[name],
                unit="probability",
                description=f"P(at least one of {p.candidate_modifiers} modifiers reaches P <= "
                f"the recomputed {name} interaction P | no effect modification)",
            )
        curve, a = self.curve, p.significance
        fig, ax = plots.plt.subplots(figsize=(7, 4))
        ax.plot(
            curve["k"],
            curve["at_least_one"],
            "o-",
            color=plots.CATEGORY[0],
            label=f"at least one P < {a:g}",
        )
        ax.plot(
            curve["k"],
            curve["at_least_two"],
            "s-",
            color=plots.CATEGORY[1],
            label=f"at least two P < {a:g}",
        )
        ax.plot(
            curve["k"],
            1 - (1 - a) ** curve["k"],
            ":",
            color="grey",
            label=f"1 - {1 - a:g}^K (independent tests)",
        )
        ax.set_xlabel("number of candidate modifiers tested (K)")
        ax.set_ylabel("share of null trials")
        ax.set_title(
            "With no true effect modification, how often a trial the size of "
            f"{self.trial_name} shows 'significant' subgroups ({p.n_simulations} simulated trials)",
            loc="left",
            fontsize=9.5,
        )
        ax.legend(fontsize=8)
        show_figure(fig, "05_subgroups_multiplicity")
        say(
            f"With {p.candidate_modifiers} candidate modifiers and no true effect modification, "
            f"{rate['at_least_one']:.0%} of simulated trials show at least one interaction with "
            f"P < {p.significance:g} and {rate['at_least_two']:.0%} show two or more. "
            + " ".join(
                f"An interaction as strong as the {n} one (P ≤ "
                f"{self.interactions[n]['recomputed P']:.3f}) turns up in {c:.0%} of null trials."
                for n, c in self.chance.items()
            )
            + f" The number of modifiers {self.trial_name} examined is not in the available "
            "sources; K is a parameter (an assumption)."
        )

    def shrunk_rows(self) -> list[dict]:
        rows = []
        for name, pair in self.pairs.items():
            s = self.shrunk[name]
            for r, iv in zip(pair, (s.first, s.second), strict=True):
                rows.append(
                    {
                        "subgroup": f"{name}: {r.population}",
                        "raw HR": r.estimate,
                        "raw lower": r.ci_lower,
                        "raw upper": r.ci_upper,
                        "shrunken HR": iv.estimate,
                        "lower": iv.lower,
                        "upper": iv.upper,
                        "_id": r.estimate_id,
                        "_interval": iv,
                        "_population": r.population,
                    }
                )
        return rows

    def section_shrinkage(self) -> None:
        p = self.p
        rows = self.shrunk_rows()
        for r in rows:
            name = r["subgroup"].split(":")[0]
            self.results.add_interval(
                f"subgroups.{name}.{r['_id'].split('.')[-1]}.shrunken",
                r["_interval"],
                unit="ratio",
                description=f"shrunken HR, {r['_population']} (sceptical interaction prior, "
                f"r = {p.interaction_prior_ratio:g})",
            )
        for name, s in self.shrunk.items():
            self.results.add(
                f"subgroups.{name}.shrinkage",
                s.shrinkage,
                unit="proportion",
                description="share of the log interaction kept after shrinkage",
            )
        self.shrunk_table = pd.DataFrame(
            [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
        )
        show(self.shrunk_table)
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
                    for r in rows
                ]
                + [
                    {
                        "label": f"{r['subgroup']} (shrunken)",
                        "estimate": r["shrunken HR"],
                        "lower": r["lower"],
                        "upper": r["upper"],
                        "kind": "recomputed",
                    }
                    for r in rows
                ]
            ).sort_values("label", kind="stable"),
            f"{self.trial_name} subgroup hazard ratios as published and after a sceptical prior on "
            f"effect modification (r = {p.interaction_prior_ratio:g}, assumption)",
            "hazard ratio (log scale)",
        )
        show_figure(fig, "05_subgroups_shrunken")
        say(
            " ".join(
                f"For {n}, {s.shrinkage:.0%} of the estimated log interaction survives the prior; "
                f"the shrunken subgroup hazard ratios are {s.first.estimate:.2f} "
                f"({s.first.lower:.2f} to {s.first.upper:.2f}) and {s.second.estimate:.2f} "
                f"({s.second.lower:.2f} to {s.second.upper:.2f})."
                for n, s in self.shrunk.items()
            )
        )

    def section_credibility(self) -> None:
        show(self.credibility[["claim_id", "item", "question", "response", "basis", "value_flag"]])

    def section_context(self) -> None:
        p = self.p
        context = self.estimates[self.estimates.study_id.isin(p.context_studies)][
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
        ].reset_index(drop=True)
        context.insert(1, "evidence", "indirect")
        show(context)
        if len(p.prevalence_estimates) == 2:
            old, young = (self.estimate(i, "prevalence_estimates") for i in p.prevalence_estimates)
            say(
                f"In the patients of {old.study}, early immunoparalysis was "
                f"{old.estimate / young.estimate:.1f} times as common in the elderly "
                f"({old.estimate:.0f}% vs {young.estimate:.0f}%) and went with higher hospital "
                "mortality in them — a mechanism by which older patients *might* respond "
                "differently, not evidence that they do. The COVID-19 meta-analysis compares "
                "studies of older and younger populations in another disease. Neither bears on "
                f"the apparent harm in younger patients that {self.trial_name} reported."
            )

    def section_summary(self) -> None:
        p = self.p
        levels = {e.ci_level for pair in self.pairs.values() for e in pair}
        raw_col = "raw HR (" + "/".join(f"{100 * x:g}%" for x in sorted(levels)) + " CI)"
        shrunk_col = f"shrunken HR ({100 * p.confidence:g}% CI)"
        chance_col = f"chance under no effect ({p.candidate_modifiers} modifiers)"
        rows = []
        for name, pair in self.pairs.items():
            r, s = self.interactions[name], self.shrunk[name]
            for e, iv in zip(pair, (s.first, s.second), strict=True):
                rows.append(
                    {
                        "claim": f"{p.study_id}.{name}: {e.population}",
                        raw_col: f"{e.estimate_text} ({e.ci_lower_text} to {e.ci_upper_text})",
                        shrunk_col: f"{iv.estimate:.2f} ({iv.lower:.2f} to {iv.upper:.2f})",
                        "interaction P published / recomputed": f"{r['published P']} / "
                        f"{r['recomputed P']:.3f}",
                        "ICEMAN credibility": self.rating(name),
                        chance_col: f"{self.chance[name]:.0%}",
                    }
                )
        items = self.credibility.groupby("claim_id")["item"].agg(set)
        for claim_id, rating in self.ratings.items():
            if items[claim_id] == {"reported"}:  # a rating as a review reported it
                rows.append(
                    {
                        "claim": claim_id,
                        raw_col: "not available",
                        shrunk_col: "not available",
                        "interaction P published / recomputed": "not available",
                        "ICEMAN credibility": f"{rating} (as reported)",
                        chance_col: "not available",
                    }
                )
        summary = pd.DataFrame(rows)
        show(summary)
        save_table(summary, "05_subgroups_summary")
        save_table(self.interaction_table, "05_subgroups_interactions")
        save_table(self.shrunk_table, "05_subgroups_shrunken")
        save_table(self.curve, "05_subgroups_multiplicity")
        say(
            "Read together: both signals rest on interaction tests of a strength that "
            "multiplicity produces often (section 3); for neither do the available sources show a "
            "direction hypothesised in advance or independent prior support (ICEMAN items 1 and "
            "2: probably no or unclear); and a sceptical prior pulls the subgroup estimates "
            "towards each other. They are hypotheses for an enriched trial (07_next_trial), not "
            "established effects."
            if all(self.rating(n) in LOW for n in self.pairs)
            else "See the table: at least one claim is rated above low credibility."
        )
