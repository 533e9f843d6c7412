"""01_mechanism: the biological rationale, and how strong the immune-marker evidence is beside
the mortality evidence."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ta1sepsis.chapters.base import Chapter, row_by_id, short_name
from ta1sepsis.data.labels import outcome_words, unit_words
from ta1sepsis.data.loader import (
    load_estimates,
    load_facts,
    load_mechanism,
    load_peptide,
    load_trials,
    select_one,
)
from ta1sepsis.evidence.verdicts import comparison
from ta1sepsis.report import plots
from ta1sepsis.report.answers import bottom_line, fmt_ci
from ta1sepsis.report.narrative import say, show
from ta1sepsis.report.outputs import save_table, show_figure
from ta1sepsis.stats.absolute import null_value
from ta1sepsis.stats.binary import TwoByTwo, risk_ratio
from ta1sepsis.stats.markers import (
    mean_difference_from_p,
    rtm_expected_difference,
    rtm_rho_threshold,
)
from ta1sepsis.stats.peptide import Peptide

CONTEXT = {"trial": "sepsis trial", "meta_analysis": "meta-analysis"}
MORTALITY_PANEL = "28-day mortality, non-overlapping evidence: ratio (log scale)"
POOLED_PANEL = (
    "mortality, published pooled estimates (they share trials with each other and with the rows "
    "above)"
)
RTM_COLUMN = "ρ below which RTM alone gives at least the published difference"


def context_words(row, treatment_label: str, other_disease: dict) -> str:
    """What kind of evidence a marker row is: a sepsis trial or a meta-analysis, combined with
    ulinastatin (the study label or population says UTI or ulinastatin), another disease."""
    words = CONTEXT.get(row.study_type, row.study_type)
    if "UTI" in row.study or "ulinastatin" in row.population.lower():
        words += f", {treatment_label} + ulinastatin"
    if row.study_id in other_disease:
        words += f", {other_disease[row.study_id]} (not sepsis)"
    return words


def size_words(row, trials: pd.DataFrame) -> str:
    """'5 studies, 320 patients', or the randomised number for a trial, or 'n not stated'."""
    parts = []
    if not pd.isna(row.k_studies):
        parts.append(f"{int(row.k_studies)} studies")
    if not pd.isna(row.n_patients):
        parts.append(f"{int(row.n_patients)} patients")
    if not parts and row.study_id in set(trials.study_id):
        first = trials[trials.study_id == row.study_id].iloc[0]
        parts.append(f"{int(first.n_trt + first.n_ctl)} randomised; analysed n not stated")
    return ", ".join(parts) or "n not stated"


def marker_table(
    estimates: pd.DataFrame,
    trials: pd.DataFrame,
    marker_outcomes: list[str],
    *,
    treatment_label: str,
    other_disease: dict,
    derived: list[dict] = (),
) -> pd.DataFrame:
    """Every marker result on its own scale, grouped by marker in the order of
    ``marker_outcomes`` (HLA-DR panels first).

    Parameters
    ----------
    estimates : pandas.DataFrame
        Published estimates; the rows of ``marker_outcomes`` measured as MD, SMD or WMD are
        used.
    trials : pandas.DataFrame
        The trials file (for the randomised number where an estimate gives no n).
    marker_outcomes : list of str
        The marker outcome keys, in display order.
    treatment_label : str
        The treatment, for the combination-therapy label.
    other_disease : dict
        study_id -> disease for rows from another disease.
    derived : list of dict
        Rows computed elsewhere (a CI derived from means and P), already in the table's shape.

    Returns
    -------
    pandas.DataFrame
        panel, scale, label, estimate, lower, upper, n, kind, source, ci excludes 0.
    """
    rows = []
    chosen = estimates[
        estimates.outcome.isin(marker_outcomes) & estimates.measure.isin(["MD", "SMD", "WMD"])
    ]
    for r in chosen.itertuples():
        scale = "SMD" if r.measure == "SMD" else "mean difference"
        rows.append(
            {
                "panel": f"{outcome_words(r.outcome)}: {scale} ({unit_words(r.unit)})",
                "scale": "difference",
                "label": f"{r.study} ({context_words(r, treatment_label, other_disease)})"
                + ("" if r.population == "all" else f", {r.population}"),
                "estimate": r.estimate,
                "lower": r.ci_lower,
                "upper": r.ci_upper,
                "n": size_words(r, trials),
                "kind": "published",
                "source": r.estimate_id,
                "ci excludes 0": not (r.ci_lower <= 0 <= r.ci_upper),
            }
        )
    rows += list(derived)
    markers = pd.DataFrame(rows)
    # keep each marker's panels together (HLA-DR first), in the order of the parameter list
    rank = {o: i for i, o in enumerate(marker_outcomes)}
    markers["order"] = [
        rank.get(next((o for o in marker_outcomes if outcome_words(o) in p), ""), 99)
        if "HLA-DR" not in p
        else 0
        for p in markers["panel"]
    ]
    return markers.sort_values("order", kind="stable").drop(columns="order").reset_index(drop=True)


def marker_sources(markers: pd.DataFrame) -> pd.DataFrame:
    """The independent sources behind marker results: one row per study or review, with how
    many results it gives and whether it tested a combination ('+' in its label).

    Parameters
    ----------
    markers : pandas.DataFrame
        Marker results with a ``label`` column 'Name (context)'.

    Returns
    -------
    pandas.DataFrame
        source, results, combination; in order of first appearance.

    Examples
    --------
    >>> m = pd.DataFrame({"label": ["A (trial)", "A (trial)", "B (trial, X + Y)"]})
    >>> marker_sources(m).to_dict("records")
    [{'source': 'A', 'results': 2, 'combination': False}, {'source': 'B', 'results': 1, 'combination': True}]
    """
    names = markers["label"].map(short_name)
    combo = markers["label"].str.contains(" + ", regex=False)
    rows = [
        {
            "source": name,
            "results": int((names == name).sum()),
            "combination": bool(combo[names == name].any()),
        }
        for name in dict.fromkeys(names)
    ]
    return pd.DataFrame(rows, columns=["source", "results", "combination"])


class Mechanism(Chapter):
    """The pathway, the marker results beside mortality, regression to the mean, the peptide,
    and immunoparalysis by age (notebook 01_mechanism)."""

    notebook = "01_mechanism"

    def fact(self, fact_id: str, parameter: str) -> float:
        return float(
            row_by_id(self.facts, "fact_id", fact_id, file=self.p.facts_file, parameter=parameter)[
                "value"
            ]
        )

    def __init__(self, **parameters):
        super().__init__(**parameters)
        p = self.p
        self.trials = load_trials(self.path(p.trials_file))
        self.estimates = load_estimates(self.path(p.estimates_file))
        self.facts = load_facts(self.path(p.facts_file))
        self.steps = load_mechanism(self.path(p.mechanism_file))
        self.peptide_facts = load_peptide(self.path(p.peptide_file))
        self.meta = self.read("03_meta_analyses")
        self.markers = marker_table(
            self.estimates,
            self.trials,
            p.marker_outcomes,
            treatment_label=p.treatment_label,
            other_disease=p.other_disease,
            derived=[self.means_marker(prefix) for prefix in p.means_markers],
        )
        self.mortality = pd.DataFrame(self.mortality_rows())
        self.base_t = self.fact(f"{p.rtm_study}.baseline_mhla_dr.treatment", "rtm_study")
        self.base_c = self.fact(f"{p.rtm_study}.baseline_mhla_dr.control", "rtm_study")
        self.rtm = pd.DataFrame(self.rtm_rows())

    def means_marker(self, prefix: str) -> dict:
        """A marker published as two means and a P: its CI derived (Altman & Bland 2011)."""
        p = self.p
        row = self.estimate(f"{prefix}.p", "means_markers")
        derived = mean_difference_from_p(
            self.fact(f"{prefix}.mean.treatment", "means_markers"),
            self.fact(f"{prefix}.mean.control", "means_markers"),
            row.p_value,
        )
        return {
            "panel": f"{outcome_words(row.outcome)}: mean difference (percentage points)",
            "scale": "difference",
            "label": f"{row.study.split(' (')[0]} ({context_words(row, p.treatment_label, p.other_disease)}); "
            "CI derived from the means and P",
            "estimate": derived.estimate,
            "lower": derived.lower,
            "upper": derived.upper,
            "n": "arm sizes not stated",
            "kind": "derived",
            "source": f"{prefix}.p; means in study_facts.csv",
            "ci excludes 0": derived.lower > 0 or derived.upper < 0,
        }

    def mortality_rows(self) -> list[dict]:
        """The trials with counts and the back-calculated remaining trials (they do not overlap),
        then the published pooled estimates (which do)."""
        p, rows = self.p, []
        for study_id in p.mortality_trials:
            row = select_one(self.trials, "trials", study_id=study_id, outcome="mortality_28d")
            rr = risk_ratio(TwoByTwo.from_row(row))
            rows.append(
                {
                    "panel": MORTALITY_PANEL,
                    "scale": "ratio",
                    "label": f"{row.study}: risk ratio from counts",
                    "estimate": rr.estimate,
                    "lower": rr.lower,
                    "upper": rr.upper,
                    "n": f"{int(row.n_trt + row.n_ctl)} patients",
                    "kind": "recomputed",
                    "source": p.trials_file,
                }
            )
        block = self.meta.optional("meta.small_trials.backcalculated")
        if block is not None:
            rows.append(
                {
                    "panel": MORTALITY_PANEL,
                    "scale": "ratio",
                    "label": f"remaining trials of {self.meta['meta.small_trials.review']['value']}: "
                    f"{self.meta['meta.pooled.measure_words']['value']}, back-calculated (03)",
                    "estimate": block["value"],
                    "lower": block["lower"],
                    "upper": block["upper"],
                    "n": f"{self.meta['meta.small_trials.patients']['value']:.0f} patients (derived)",
                    "kind": "derived",
                    "source": "results/03_meta_analyses.json",
                }
            )
        for estimate_id in p.pooled_estimates:
            r = self.estimate(estimate_id, "pooled_estimates")
            rows.append(
                {
                    "panel": POOLED_PANEL,
                    "scale": "ratio",
                    "label": f"{r.study}: {r.measure}",
                    "estimate": r.estimate,
                    "lower": r.ci_lower,
                    "upper": r.ci_upper,
                    "n": size_words(r, self.trials),
                    "kind": "published",
                    "source": estimate_id,
                }
            )
        return rows

    def rtm_rows(self) -> list[dict]:
        """Regression to the mean in the published differences in change of mHLA-DR."""
        p, rows = self.p, []
        for day in p.rtm_days:
            obs = self.estimate(f"{p.rtm_study}.mhla_dr_change_day{day}.md", "rtm_days")
            rows.append(
                {
                    "day": day,
                    "published difference in change (pp)": obs.estimate,
                    f"{100 * obs.ci_level:g}% CI": f"{obs.ci_lower_text} to {obs.ci_upper_text}",
                    f"baseline gap, control minus {p.treatment_label} (pp)": self.base_c
                    - self.base_t,
                    **{
                        f"expected from RTM alone if ρ = {r:g} (pp)": rtm_expected_difference(
                            self.base_t, self.base_c, r
                        )
                        for r in p.rtm_correlations
                    },
                    RTM_COLUMN: rtm_rho_threshold(obs.estimate, self.base_t, self.base_c),
                }
            )
        return rows

    def bottom_line(self) -> None:
        p, markers, rtm = self.p, self.markers, self.rtm
        sepsis_markers = markers[~markers["label"].str.contains("(not sepsis)", regex=False)]
        favour = sepsis_markers["ci excludes 0"].sum()
        rtm_text = ""
        if len(rtm):
            lo, hi = min(p.rtm_correlations), max(p.rtm_correlations)
            name = short_name(self.trials.loc[self.trials.study_id == p.rtm_study, "study"].iloc[0])
            rtm_text = (
                f" In {name}, the arm given {p.treatment_label} started "
                f"{self.base_c - self.base_t:.1f} points lower in mHLA-DR; with a "
                f"baseline-to-follow-up correlation between {lo:g} and {hi:g} (an assumption: it "
                "is not reported), regression to the mean alone would produce a difference in "
                f"change of {rtm_expected_difference(self.base_t, self.base_c, hi):.1f} to "
                f"{rtm_expected_difference(self.base_t, self.base_c, lo):.1f} points, against the "
                f"published {', '.join(f'{v:g}' for v in rtm['published difference in change (pp)'])} "
                f"(days {', '.join(str(d) for d in rtm['day'])}): the mHLA-DR result cannot be "
                "separated from that artefact with the published data."
            )
        pooled = self.meta.optional("meta.pooled.mh")
        null = null_value(self.meta["meta.pooled.measure"]["value"]) if pooled else 1.0
        sources = marker_sources(sepsis_markers)
        alone = sources[~sources.combination]
        combined = sources[sources.combination]
        self.results.add(
            "mechanism.markers.sources",
            len(sources),
            description="independent sources of the sepsis marker results (a study or review "
            "counts once however many time points or markers it reports)",
        )
        self.results.add(
            "mechanism.markers.sources_alone",
            len(alone),
            description="of those, sources of the drug alone (not combined with another drug)",
        )
        bottom_line(
            f"The review's mechanism is a chain of preclinical statements ({len(self.steps)} links, "
            f"none with an effect size in the sources). In septic patients, {favour} of the "
            f"{len(sepsis_markers)} marker results available (HLA-DR, T cells, cytokines) have "
            f"intervals excluding the null value, but they are not {len(sepsis_markers)} "
            f"independent replications: they come from {len(sources)} sources, "
            + (
                f"{len(alone)} of {p.treatment_label} alone ("
                + ", ".join(
                    f"{r.source} with {r.results} result{'s' if r.results > 1 else ''}"
                    for r in alone.itertuples()
                )
                + ")"
                if len(alone)
                else f"none of {p.treatment_label} alone"
            )
            + (
                f" and {len(combined)} of {p.treatment_label} combined with another drug ("
                + ", ".join(f"{r.source}" for r in combined.itertuples())
                + ")"
                if len(combined)
                else ""
            )
            + "; results from the same patients at several time points or on several markers "
            "count as one source. The "
            + (
                f"trials with mortality counts pool to a common-effect (Mantel-Haenszel) "
                f"{self.meta['meta.pooled.measure_words']['value']} of "
                f"{fmt_ci(pooled['value'], pooled['lower'], pooled['upper'], level=pooled['level'])}, "
                + (
                    "an interval that includes the null value: these trials neither show nor "
                    "exclude an effect on mortality."
                    if pooled["lower"] <= null <= pooled["upper"]
                    else "an interval that excludes the null value."
                )
                if pooled is not None
                else "mortality evidence is summarised in 03_meta_analyses."
            )
            + rtm_text,
            "A marker that moves is not evidence that patients live longer: mHLA-DR is a marker of "
            "immune state, not a validated surrogate for survival, and several marker results come "
            "from combination therapy or another disease.",
            [
                "correlation between baseline and follow-up mHLA-DR "
                f"{min(p.rtm_correlations):g} to {max(p.rtm_correlations):g} (assumption; not "
                "reported)"
            ],
        )

    def section_pathway(self) -> None:
        fig = plots.pathway(
            self.steps,
            f"The mechanism as the review states it: {self.p.treatment_label} acts on dendritic "
            "cells, monocytes and cytokine signalling (links with the review's reference numbers)",
        )
        show_figure(fig, "01_mechanism_pathway")
        show(
            self.steps[
                ["step_id", "from_node", "relation", "to_node", "review_reference", "value_flag"]
            ]
        )

    def section_markers(self) -> None:
        markers, mortality, label = self.markers, self.mortality, self.p.treatment_label
        show(markers.drop(columns=["scale"]))
        save_table(markers, "01_mechanism_markers")
        fig = plots.panel_forest(
            pd.concat([markers, mortality], ignore_index=True),
            f"Immune-marker results on their natural scales (positive = higher with {label}), and "
            f"mortality ratios (< 1 = fewer deaths with {label})",
            "Open circles: published; filled: recomputed or derived. Marker panels: 0 = no "
            f"difference. Rows from {label} + ulinastatin trials and from other diseases are "
            "labelled.",
        )
        show_figure(fig, "01_mechanism_markers_and_mortality")
        show(mortality.drop(columns=["scale"]))
        save_table(mortality, "01_mechanism_mortality")
        null_markers = markers[~markers["ci excludes 0"]]
        say(
            f"{len(markers)} marker results: {markers['ci excludes 0'].sum()} with intervals "
            "excluding the null value; "
            + (
                "the others, whose intervals include the null value, are: "
                + "; ".join(
                    f"{r.label} ({outcome_words(r.source.split('.')[1])})"
                    for r in null_markers.itertuples()
                )
                + ". "
                if len(null_markers)
                else "none include the null value. "
            )
            + "A non-significant marker result is not evidence that the marker does not change; "
            "it is an imprecise estimate."
        )

    def section_regression_to_mean(self) -> None:
        p, rtm = self.p, self.rtm
        if not len(rtm):
            return
        show(rtm)
        save_table(rtm, "01_mechanism_regression_to_mean")
        rho = np.linspace(0, 1, 101)
        fig, ax = plots.plt.subplots(figsize=(8, 4.2))
        ax.plot(
            rho,
            rtm_expected_difference(self.base_t, self.base_c, rho),
            color=plots.ESTIMATE,
            lw=2,
            label="expected from regression to the mean alone",
        )
        ax.axvspan(
            min(p.rtm_correlations),
            max(p.rtm_correlations),
            color=plots.ASSUMPTION,
            alpha=0.2,
            label="assumed range of ρ",
        )
        for (_, r), colour in zip(rtm.iterrows(), plots.CATEGORY, strict=False):
            obs = r["published difference in change (pp)"]
            ax.axhline(
                obs,
                color=colour,
                ls="--",
                lw=1.3,
                label=f"published difference, day {r['day']:.0f} ({obs:g} points)",
            )
        name = short_name(self.trials.loc[self.trials.study_id == p.rtm_study, "study"].iloc[0])
        ax.set_xlabel("correlation ρ between baseline and follow-up mHLA-DR")
        ax.set_ylabel(
            f"difference in change, {p.treatment_label} minus control\n(percentage points)"
        )
        ax.set_title(
            f"{name} mHLA-DR: the published differences in change and what regression to the "
            "mean alone would give",
            loc="left",
            fontsize=10,
        )
        ax.legend(fontsize=8)
        show_figure(fig, "01_mechanism_regression_to_mean")
        say(
            " ".join(
                f"Day {r['day']:.0f}: regression to the mean alone would give at least the "
                f"published {r['published difference in change (pp)']:g} points whenever ρ is "
                f"below {r[RTM_COLUMN]:.2f}."
                if not pd.isna(r[RTM_COLUMN])
                else f"Day {r['day']:.0f}: regression to the mean alone cannot reach the "
                "published difference."
                for _, r in rtm.iterrows()
            )
            + f" This does not show that {p.treatment_label} has no effect on mHLA-DR; it shows "
            "that the published change scores cannot distinguish an effect from the artefact of "
            "the baseline imbalance. A baseline-adjusted analysis of the trial data would."
        )
        for _, r in rtm.iterrows():
            day = int(r["day"])
            if not pd.isna(r[RTM_COLUMN]):
                self.results.add(
                    f"mechanism.rtm.day{day}.rho_threshold",
                    r[RTM_COLUMN],
                    description="correlation below which regression to the mean alone gives at "
                    f"least the published day-{day} mHLA-DR difference",
                )
        for rr in p.rtm_correlations:
            self.results.add(
                f"mechanism.rtm.expected_at_rho_{rr:g}",
                float(rtm_expected_difference(self.base_t, self.base_c, rr)),
                unit="percentage_points",
                description="difference in change expected from regression to the mean alone if "
                f"rho = {rr:g} (assumption)",
            )

    def section_peptide(self) -> None:
        p = self.p
        sequence = select_one(self.peptide_facts, "peptide", fact_id=p.peptide_sequence)["text"]
        molecule = Peptide.parse(sequence)
        labelled = row_by_id(
            self.facts,
            "fact_id",
            f"{p.label_source}.molecular_weight",
            file=p.facts_file,
            parameter="label_source",
        )
        vial = self.fact(f"{p.label_source}.vial_mg", "label_source")
        show(
            pd.DataFrame(
                [
                    {
                        "quantity": "residues",
                        "computed": str(molecule.length),
                        "method": "count of the sequence",
                    },
                    {
                        "quantity": "composition",
                        "computed": ", ".join(f"{k} {v}" for k, v in molecule.composition.items()),
                        "method": "count",
                    },
                    {
                        "quantity": "average mass (Da)",
                        "computed": f"{molecule.average_mass:.2f}",
                        "method": "pyteomics average residue masses + water + N-acetyl (C2H2O)",
                    },
                    {
                        "quantity": f"amount per {vial:g} mg vial (µmol)",
                        "computed": f"{molecule.micromoles(vial):.3f}",
                        "method": "mass / molar mass",
                    },
                ]
            )
        )
        check = comparison(
            "average mass (Da)", labelled["value_text"], molecule.average_mass, "pyteomics"
        )
        say(
            f"Computed average mass {molecule.average_mass:.1f} Da against the labelled "
            f"{labelled['value_text']} Da: {check['verdict']}."
        )
        add = self.results.add
        add(
            "mechanism.peptide.residues",
            molecule.length,
            description="residues in the thymalfasin sequence",
        )
        add(
            "mechanism.peptide.average_mass",
            molecule.average_mass,
            unit="Da",
            description="average molecular mass, N-acetylated (pyteomics)",
        )
        add(
            "mechanism.peptide.umol_per_vial",
            molecule.micromoles(vial),
            unit="umol",
            description="amount per vial",
        )

    def section_immunoparalysis(self) -> None:
        p, s = self.p, self.p.immunoparalysis_study
        fact = lambda suffix: self.fact(f"{s}.{suffix}", "immunoparalysis_study")  # noqa: E731
        est = lambda suffix: self.estimate(f"{s}.{suffix}", "immunoparalysis_study")  # noqa: E731
        threshold = fact("immunoparalysis_threshold")
        n_old, n_young = fact("elderly_n"), fact("nonelderly_n")
        d_old, d_young = fact("hospital_deaths.elderly"), fact("hospital_deaths.nonelderly")
        study = est("mortality_hospital.risk.elderly").study
        show(
            pd.DataFrame(
                [
                    comparison(
                        "hospital mortality, elderly (%)",
                        est("mortality_hospital.risk.elderly").estimate_text,
                        100 * d_old / n_old,
                        "deaths / N",
                    ),
                    comparison(
                        "hospital mortality, non-elderly (%)",
                        est("mortality_hospital.risk.nonelderly").estimate_text,
                        100 * d_young / n_young,
                        "deaths / N",
                    ),
                ]
            )
        )
        prev = {
            g: est(f"early_immunoparalysis.risk.{g}").estimate for g in ("elderly", "nonelderly")
        }
        ratio = prev["elderly"] / prev["nonelderly"]
        fig, axes = plots.plt.subplots(1, 2, figsize=(10, 3.8))
        axes[0].bar(
            ["60 and over", "under 60"],
            [prev["elderly"], prev["nonelderly"]],
            color=plots.CATEGORY[:2],
        )
        axes[0].set_ylabel("% of patients")
        axes[0].set_title(
            f"Early immunoparalysis (mHLA-DR ≤ {threshold:g}%) by age", loc="left", fontsize=10
        )
        groups = [("60 and over", "elderly"), ("under 60", "nonelderly")]
        width = 0.38
        for j, (status, key) in enumerate(
            (("immunoparalysis", "immunoparalysis"), ("no immunoparalysis", "no_immunoparalysis"))
        ):
            values = [est(f"mortality_hospital.risk.{g}.{key}").estimate for _, g in groups]
            axes[1].bar(
                [i + (j - 0.5) * width for i in range(2)],
                values,
                width,
                label=status,
                color=plots.CATEGORY[2 + j],
            )
        axes[1].set_xticks(range(2))
        axes[1].set_xticklabels([g for g, _ in groups])
        axes[1].set_ylabel("hospital mortality, %")
        axes[1].set_title("Hospital mortality by age and immune status", loc="left", fontsize=10)
        axes[1].legend(fontsize=8)
        fig.suptitle(
            f"{study}: immunoparalysis was {ratio:.1f} times as common at 60 and over (indirect "
            f"evidence, not {p.treatment_label} vs control)",
            x=0.01,
            ha="left",
            fontsize=10.5,
        )
        fig.tight_layout()
        show_figure(fig, "01_mechanism_immunoparalysis_by_age")
        p_abs = est("early_immunoparalysis.p.abstract").p_value_text
        p_fig = est("early_immunoparalysis.p.fig3").p_value_text
        say(
            f"Early immunoparalysis: {prev['elderly']:g}% of patients aged 60 and over vs "
            f"{prev['nonelderly']:g}% of younger patients (P = {p_abs} in the abstract, {p_fig} in "
            "the figure legend"
            + (": the source disagrees with itself" if p_abs != p_fig else "")
            + f"). If {p.treatment_label} acted by reversing immunoparalysis, older patients, who "
            "have more of it, are where an effect would be expected; that makes an age signal "
            "plausible in direction for patients 60 and over, but it does not explain apparent "
            "harm under 60 (05_subgroups), and it is an association in one trial's patients, not "
            "evidence of a differential drug effect."
        )
        self.results.add(
            "mechanism.pei2020.prevalence_ratio",
            ratio,
            description="early immunoparalysis, elderly vs non-elderly (ratio of percentages)",
        )
        self.results.add(
            "mechanism.markers.n_results",
            len(self.markers),
            description="marker results in the data",
        )
        self.results.add(
            "mechanism.markers.n_excluding_zero",
            int(self.markers["ci excludes 0"].sum()),
            description="marker results whose interval excludes no difference",
        )
