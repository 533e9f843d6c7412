"""06_dosing: once or twice daily, and what the pharmacokinetics predict."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from ta1sepsis.chapters.base import Chapter, row_by_id, short_name, source_short
from ta1sepsis.data.loader import load_estimates, load_facts
from ta1sepsis.report import plots
from ta1sepsis.report.answers import bottom_line, fmt_ci, fmt_p
from ta1sepsis.report.narrative import say, show
from ta1sepsis.report.outputs import save_table, show_figure
from ta1sepsis.stats.pharmacokinetics import OneCompartment, exposure_metrics
from ta1sepsis.stats.reported_estimates import interaction_test

CMAX, AUC = "C_max (µg/L)", "AUC 0-∞ (µg·h/L)"


def relation(predicted: tuple[float, float], published: tuple[float, float]) -> str:
    """How a predicted range sits against a reported range, in words that match the numbers.

    Parameters
    ----------
    predicted, published : tuple of float
        (low, high) of each range, on the same scale.

    Returns
    -------
    str
        "lies within the reported range", "lies entirely below/above the reported range",
        "covers the whole reported range and more", or "overlaps the lower/upper end of the
        reported range".
    """
    (plo, phi), (rlo, rhi) = predicted, published
    if plo >= rlo and phi <= rhi:
        return "lies within the reported range"
    if phi < rlo:
        return "lies entirely below the reported range"
    if plo > rhi:
        return "lies entirely above the reported range"
    if plo <= rlo and phi >= rhi:
        return "covers the whole reported range and more"
    return (
        "overlaps the lower end of the reported range"
        if plo < rlo
        else "overlaps the upper end of the reported range"
    )


class Dosing(Chapter):
    """A one-compartment model from the published pharmacokinetics, the regimens compared, and
    the published contrast between them (notebook 06_dosing)."""

    notebook = "06_dosing"

    def fact(self, suffix: str, parameter: str) -> float:
        """A numeric fact ``<study>.<suffix>`` of the facts file, named by ``parameter``."""
        study = getattr(self.p, parameter)
        return float(self.fact_row(f"{study}.{suffix}", parameter)["value"])

    def fact_row(self, fact_id: str, parameter: str):
        return row_by_id(
            self.facts, "fact_id", fact_id, file=self.p.facts_file, parameter=parameter
        )

    def __init__(self, **parameters):
        super().__init__(**parameters)
        p = self.p
        self.facts = load_facts(self.path(p.facts_file))
        estimates = load_estimates(self.path(p.estimates_file))
        self.published = estimates.set_index("estimate_id")
        label, pk = "label_source", "pk_study"
        self.dose_ug = 1000 * (p.dose_mg if p.dose_mg is not None else self.fact("vial_mg", label))
        self.days = int(
            p.duration_days
            if p.duration_days is not None
            else self.fact_row(p.duration_fact, "duration_fact")["value"]
        )
        self.pk_name = source_short(self.fact_row(f"{p.pk_study}.tmax_h.low", pk)["source"])
        self.ranges = {
            "half-life (h)": (self.fact("half_life_h", label), self.fact("half_life_h.upper", pk)),
            "t_max (h)": (self.fact("tmax_h.low", pk), self.fact("tmax_h.high", pk)),
            "V/F (L)": (self.fact("vz_f_l.low", pk), self.fact("vz_f_l.high", pk)),
        }
        self.central = {
            "half-life (h)": p.half_life_h
            if p.half_life_h is not None
            else self.fact("half_life_h", label),
            "t_max (h)": p.tmax_h
            if p.tmax_h is not None
            else float(np.mean(self.ranges["t_max (h)"])),
            "V/F (L)": p.volume_l
            if p.volume_l is not None
            else float(np.mean(self.ranges["V/F (L)"])),
        }
        self.model = OneCompartment.from_half_life_and_tmax(*self.central.values())
        self.box = [
            OneCompartment.from_half_life_and_tmax(h, t_, v)
            for h, t_, v in itertools.product(*self.ranges.values())
        ]
        d = self.dose_ug
        self.cmax_range = (min(m.cmax(d) for m in self.box), max(m.cmax(d) for m in self.box))
        self.auc_range = (min(m.auc(d) for m in self.box), max(m.auc(d) for m in self.box))
        self.reported = {
            CMAX: (self.fact("cmax_ug_per_l.low", pk), self.fact("cmax_ug_per_l.high", pk)),
            AUC: (self.fact("auc_ug_h_per_l.low", pk), self.fact("auc_ug_h_per_l.high", pk)),
        }
        self.fit = {
            CMAX: relation(self.cmax_range, self.reported[CMAX]),
            AUC: relation(self.auc_range, self.reported[AUC]),
        }
        self.metrics_by_interval = {
            interval: exposure_metrics(
                self.model, d, interval, self.days, threshold=p.threshold_ug_per_l
            )
            for interval in p.intervals_h
        }
        first, last = p.intervals_h[0], p.intervals_h[-1]
        self.ratio = (
            self.metrics_by_interval[first]["daily_auc"]
            / self.metrics_by_interval[last]["daily_auc"]
        )
        self.frequent, self.rare = (
            row_by_id(
                estimates, "estimate_id", i, file=p.estimates_file, parameter="apache_estimates"
            )
            for i in p.apache_estimates
        )
        self.review = short_name(self.frequent.study)
        self.contrast = interaction_test(
            (self.frequent.estimate, self.frequent.ci_lower, self.frequent.ci_upper),
            (self.rare.estimate, self.rare.ci_lower, self.rare.ci_upper),
            ratio=False,
        )

    def section_model(self) -> None:
        """The model's parameters, where each comes from, and the derived rates."""
        p, c, r = self.p, self.central, self.ranges
        label_row = self.fact_row(f"{p.label_source}.half_life_h", "label_source")
        pk_rows = {
            key: self.fact_row(f"{p.pk_study}.{suffix}", "pk_study")
            for key, suffix in (
                ("half-life", "half_life_h.upper"),
                ("tmax", "tmax_h.low"),
                ("volume", "vz_f_l.low"),
            )
        }
        label_name = source_short(label_row["source"])
        derivation = pd.DataFrame(
            [
                {
                    "parameter": "half-life (h)",
                    "central": c["half-life (h)"],
                    "range": r["half-life (h)"],
                    "from": f"{label_row['item']} [{label_name}] (central); "
                    f"{pk_rows['half-life']['item']} [{self.pk_name}] (upper)"
                    + (" ; central set by the parameter half_life_h" if p.half_life_h else ""),
                },
                {
                    "parameter": "t_max (h)",
                    "central": c["t_max (h)"],
                    "range": r["t_max (h)"],
                    "from": f"{self.pk_name} range (central: its midpoint)"
                    + (" ; central set by the parameter tmax_h" if p.tmax_h else ""),
                },
                {
                    "parameter": "V/F (L)",
                    "central": c["V/F (L)"],
                    "range": r["V/F (L)"],
                    "from": f"{self.pk_name} range (central: its midpoint)"
                    + (" ; central set by the parameter volume_l" if p.volume_l else ""),
                },
            ]
        )
        show(derivation)
        say(
            f"Derived: ke = ln 2 / t½ = {self.model.ke:.3f} per hour; ka = {self.model.ka:.3f} per "
            f"hour, the absorption rate that puts the peak at {c['t_max (h)']:.1f} h; dose "
            f"{self.dose_ug / 1000:g} mg. Midpoints of ranges are a convention, not data: the "
            "uncertainty bands below span the whole box of published ranges."
        )

    def bottom_line(self) -> None:
        p, first, last = self.p, self.p.intervals_h[0], self.p.intervals_h[-1]
        diff = self.contrast.ratio_or_difference
        bottom_line(
            f"With a half-life of about {self.central['half-life (h)']:g} h, {p.drug_label} is almost "
            f"gone before the next dose: dosing every {first:g} h gives {self.ratio:.1f} times the "
            f"daily serum exposure of dosing every {last:g} h, with no accumulation (ratio "
            f"{self.metrics_by_interval[first]['accumulation_ratio']:.3f}). The "
            f"{self.frequent.year:.0f} meta-analysis reported an APACHE II benefit with "
            f"{self.frequent.population.removesuffix(' dosing')} but not "
            f"{self.rare.population.removesuffix(' dosing')} dosing (difference between the "
            f"subgroups {fmt_ci(diff.estimate, diff.lower, diff.upper, level=diff.level)} SD, "
            f"{fmt_p(self.contrast.p_value)}): the pharmacokinetics give no reason to expect the "
            "lower-exposure regimen to do better, and a comparison between different trials "
            "cannot separate dosing frequency from everything else that differed between them.",
            f"Serum concentration is not a pharmacodynamic endpoint, no concentration linked to an "
            f"effect of {p.drug_label} is known, and the parameters come from healthy volunteers: "
            "absorption under the skin may differ in septic shock.",
            [
                "model parameters at the midpoints of the published ranges (a convention; the "
                "bands cover the whole ranges)",
                f"concentration threshold {p.threshold_ug_per_l:g} µg/L for the hours-above "
                f"metric, with a sensitivity range {min(p.threshold_range):g} to "
                f"{max(p.threshold_range):g} µg/L (assumptions: no threshold is sourced)",
            ],
        )

    def section_single_dose(self) -> None:
        m, d, rep = self.model, self.dose_ug, self.reported
        column = f"reported ({self.pk_name})"
        check = pd.DataFrame(
            [
                {
                    "quantity": CMAX,
                    "predicted, central": m.cmax(d),
                    "predicted range": f"{self.cmax_range[0]:.1f} to {self.cmax_range[1]:.1f}",
                    column: f"{rep[CMAX][0]:g} to {rep[CMAX][1]:g}",
                },
                {
                    "quantity": AUC,
                    "predicted, central": m.auc(d),
                    "predicted range": f"{self.auc_range[0]:.0f} to {self.auc_range[1]:.0f}",
                    column: f"{rep[AUC][0]:g} to {rep[AUC][1]:g}",
                },
            ]
        )
        show(check)
        per_m2 = self.fact("dose_ug_per_m2", "pk_study")
        say(
            f"Predicted single-dose exposure for {d / 1000:g} mg: C_max {m.cmax(d):.1f} µg/L (range "
            f"over the published parameters {self.cmax_range[0]:.1f} to {self.cmax_range[1]:.1f}), "
            f"which {self.fit[CMAX]} of {rep[CMAX][0]:g} to {rep[CMAX][1]:g}; AUC {m.auc(d):.0f} "
            f"µg·h/L (range {self.auc_range[0]:.0f} to {self.auc_range[1]:.0f}), which "
            f"{self.fit[AUC]} of {rep[AUC][0]:g} to {rep[AUC][1]:g}. {self.pk_name.split()[0]} et "
            f"al. dosed {per_m2:g} µg/m² in {self.fact('subjects', 'pk_study'):.0f} healthy "
            f"volunteers (equal to {d / 1000:g} mg for a body-surface area of {d / per_m2:.2f} m²; "
            "the volunteers' size is not reported), and their ranges span three formulations, one "
            "of which (Timosina) gave higher levels. The model is a check on the published "
            "parameters' consistency with each other, not a fit to concentration data, which are "
            "not available."
        )
        for key, value, (lo, hi) in (
            ("cmax", m.cmax(d), self.cmax_range),
            ("auc", m.auc(d), self.auc_range),
        ):
            self.results.add(
                f"dosing.single_dose.{key}",
                value,
                lower=lo,
                upper=hi,
                kind="range",
                unit="ug/L" if key == "cmax" else "ug*h/L",
                description=f"predicted single-dose {key.upper()} for {d / 1000:g} mg (central; "
                "range over the published parameter ranges)",
            )

    def section_regimens(self) -> None:
        p, d, days, model = self.p, self.dose_ug, self.days, self.model
        t = np.arange(0, days * 24 + 0.05, 0.05)
        fig, ax = plots.plt.subplots(figsize=(11, 4.5))
        metric_rows = []
        for interval, colour in zip(p.intervals_h, plots.CATEGORY, strict=False):
            n = int(round(days * 24 / interval))
            curves = np.array([m.repeated(t, d, interval, n) for m in self.box])
            ax.fill_between(t / 24, curves.min(axis=0), curves.max(axis=0), color=colour, alpha=0.2)
            ax.plot(
                t / 24,
                model.repeated(t, d, interval, n),
                color=colour,
                lw=1.2,
                label=f"every {interval:g} h ({n} doses)",
            )
            m = self.metrics_by_interval[interval]
            spread = [
                exposure_metrics(b, d, interval, days, threshold=p.threshold_ug_per_l)
                for b in self.box
            ]
            metric_rows.append(
                {
                    "regimen": f"{d / 1000:g} mg every {interval:g} h",
                    **m,
                    "daily AUC range": f"{min(s['daily_auc'] for s in spread):.0f} to "
                    f"{max(s['daily_auc'] for s in spread):.0f}",
                    "hours above range": f"{min(s['hours_per_day_above'] for s in spread):.1f} to "
                    f"{max(s['hours_per_day_above'] for s in spread):.1f}",
                }
            )
            key, add = f"dosing.q{interval:g}h", self.results.add
            add(
                f"{key}.daily_auc",
                m["daily_auc"],
                unit="ug*h/L",
                description=f"AUC over the last day, every {interval:g} h",
            )
            add(
                f"{key}.cmax",
                m["cmax"],
                unit="ug/L",
                description=f"highest concentration, every {interval:g} h",
            )
            add(
                f"{key}.trough",
                m["trough"],
                unit="ug/L",
                description=f"concentration just before the last dose, every {interval:g} h",
            )
            add(
                f"{key}.accumulation_ratio",
                m["accumulation_ratio"],
                description=f"steady-state accumulation ratio, every {interval:g} h",
            )
            add(
                f"{key}.hours_above_threshold",
                m["hours_per_day_above"],
                unit="hours/day",
                description=f"hours per day above {p.threshold_ug_per_l:g} ug/L, every {interval:g} h",
            )
        ax.axhline(
            p.threshold_ug_per_l,
            color="grey",
            ls=":",
            lw=1,
            label=f"threshold {p.threshold_ug_per_l:g} µg/L (assumption, not sourced)",
        )
        ax.set_xlabel("day of treatment")
        ax.set_ylabel(f"serum {p.drug_label} (µg/L)")
        ax.set_title(
            f"Predicted serum {p.drug_label} over {days} days: every dose is cleared before the next "
            "(bands: the published parameter ranges)",
            loc="left",
            fontsize=10.5,
        )
        ax.legend(fontsize=8, loc="upper right")
        show_figure(fig, "06_dosing_concentrations")
        metrics = pd.DataFrame(metric_rows)
        show(metrics)
        save_table(metrics, "06_dosing_exposure")
        grid = np.geomspace(min(p.threshold_range), max(p.threshold_range), 7)
        sensitivity = pd.DataFrame(
            [
                {
                    "threshold (µg/L, assumption)": th,
                    **{
                        f"hours/day above, every {iv:g} h": exposure_metrics(
                            model, d, iv, days, threshold=th
                        )["hours_per_day_above"]
                        for iv in p.intervals_h
                    },
                }
                for th in grid
            ]
        )
        show(sensitivity)
        save_table(sensitivity, "06_dosing_threshold_sensitivity")
        first, last = p.intervals_h[0], p.intervals_h[-1]
        say(
            f"With a half-life of about {self.central['half-life (h)']:g} h the drug is essentially "
            f"gone before the next dose (trough {metrics['trough'].iloc[0]:.2f} µg/L every "
            f"{first:g} h; accumulation ratio {metrics['accumulation_ratio'].iloc[0]:.3f}). Dosing "
            f"every {first:g} h therefore gives {self.ratio:.1f} times the daily exposure of dosing "
            f"every {last:g} h and {metrics['hours_per_day_above'].iloc[0]:.1f} rather than "
            f"{metrics['hours_per_day_above'].iloc[-1]:.1f} hours a day above "
            f"{p.threshold_ug_per_l:g} µg/L. No concentration linked to an effect of "
            f"{p.drug_label} is in the sources, so that threshold is an assumption: the table shows "
            f"the hours above every threshold from {min(p.threshold_range):g} to "
            f"{max(p.threshold_range):g} µg/L, and "
            + (
                "the more frequent regimen stays above every one of them at least as long. "
                if (sensitivity.iloc[:, 1] >= sensitivity.iloc[:, -1] - 1e-9).all()
                else "the ordering of the regimens changes with the threshold. "
            )
            + "These are serum concentrations from healthy volunteers' parameters: they are not a "
            "pharmacodynamic endpoint, and absorption from under the skin in septic shock may "
            "differ from that in healthy volunteers, which the model cannot capture."
        )

    def section_apache_contrast(self) -> None:
        p, first, last = self.p, self.p.intervals_h[0], self.p.intervals_h[-1]
        contrast, diff = self.contrast, self.contrast.ratio_or_difference
        show(
            pd.DataFrame(
                [
                    {
                        "subgroup": r.population.removesuffix(" dosing"),
                        r.measure: r.estimate_text,
                        f"{100 * r.ci_level:g}% CI": f"{r.ci_lower_text} to {r.ci_upper_text}",
                        "P": f"{r.p_operator}{r.p_value_text}",
                    }
                    for r in (self.frequent, self.rare)
                ]
            )
        )
        add = self.results.add
        add(
            "dosing.apache_contrast.difference",
            diff.estimate,
            lower=diff.lower,
            upper=diff.upper,
            level=diff.level,
            unit="SMD",
            description=f"{self.frequent.population.removesuffix(' dosing')} minus "
            f"{self.rare.population.removesuffix(' dosing')} APACHE II SMD ({self.review})",
        )
        add(
            "dosing.apache_contrast.p",
            contrast.p_value,
            description=f"test for subgroup difference, once vs twice daily ({self.review} APACHE II)",
        )
        add(
            "dosing.apache_contrast.z",
            contrast.z,
            description="z of the test for subgroup difference, once vs twice daily "
            f"({self.review} APACHE II)",
        )
        add(
            "dosing.exposure_ratio",
            self.ratio,
            description=f"daily AUC every {first:g} h divided by every {last:g} h",
        )
        mortality = [
            row_by_id(
                self.published.reset_index(),
                "estimate_id",
                i,
                file=p.estimates_file,
                parameter="mortality_estimates",
            )
            for i in p.mortality_estimates
        ]
        say(
            f"The difference in APACHE II effect between the subgroups is {diff.estimate:.2f} SD "
            f"({diff.lower:.2f} to {diff.upper:.2f}), z = {contrast.z:.2f}, "
            f"{fmt_p(contrast.p_value)}: the two subgroup estimates differ by more than chance "
            "readily explains. The pharmacokinetics point the other way: "
            f"dosing every {first:g} h delivers about {self.ratio:.0f} times the daily exposure, so if "
            "exposure drove the APACHE II effect, the more frequent regimen should have done at "
            "least as well. A dose-response that rises with exposure cannot explain a benefit "
            "confined to the lower-exposure regimen. The comparison is between different trials, "
            "so anything that differed between them — trial quality, patients, co-interventions, "
            "outcome timing, combination with ulinastatin — is confounded with dosing frequency. "
            + (
                "The same review's two dose-frequency mortality subgroups gave "
                + " and ".join(
                    f"RR {r.estimate_text} ({r.ci_lower_text} to {r.ci_upper_text})"
                    for r in mortality
                )
                + " (which is which is not stated in the available abstract): no dose-frequency "
                "difference in mortality. "
                if mortality
                else ""
            )
            + "The data cannot say whether the APACHE II contrast reflects dosing or the other "
            "differences between the trials; only a within-trial randomised comparison of "
            "schedules could, and none is in the available sources."
        )
