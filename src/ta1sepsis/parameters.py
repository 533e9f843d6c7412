"""Notebook parameters: the allowed names, types and ranges, checked before anything runs.

``params/NN_topic.yaml`` holds the defaults used for the committed rendering. The renderer loads
it with :func:`load_parameters`, which rejects invalid YAML, unknown names, wrong types, values
out of range and data files that do not exist, naming the file and the parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .outputs import project_root


class ParameterError(ValueError):
    """A parameter file or value is invalid; the message names the file and parameter."""


@dataclass(frozen=True)
class Param:
    name: str
    kind: type  # str, float, int or bool
    description: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple = ()
    is_file: bool = False  # a path, relative to the project root, that must exist
    nullable: bool = False  # None (YAML null) allowed, meaning "derive it from the data"
    item: type = str  # the type of the items when kind is list


DATA_FILES = (
    Param("trials_file", str, "binary outcomes per trial (data/trials.csv format)", is_file=True),
    Param(
        "estimates_file",
        str,
        "published estimates (data/published_estimates.csv format)",
        is_file=True,
    ),
    Param("facts_file", str, "single facts (data/study_facts.csv format)", is_file=True),
)
TAU2 = ("DL", "HE", "PM", "SJ", "ML", "REML")
CONFIDENCE = Param("confidence", float, "confidence level of every CI", 0.5, 0.999)
ALPHA = Param("alpha", float, "two-sided significance level for tests and fragility", 0.001, 0.2)

MCID_RELATIVE = Param(
    "mcid_relative_reduction",
    float,
    "minimal clinically important relative risk reduction (assumption; shared)",
    0.01,
    0.9,
)
MCID_ABSOLUTE = Param(
    "mcid_absolute_reduction",
    float,
    "minimal clinically important absolute risk reduction (assumption; shared)",
    0.001,
    0.5,
)

SPECS: dict[str, tuple[Param, ...]] = {
    "01_mechanism": (
        *DATA_FILES,
        Param(
            "mechanism_file", str, "mechanism steps (data/mechanism_steps.csv format)", is_file=True
        ),
        Param("peptide_file", str, "peptide text facts (data/peptide.csv format)", is_file=True),
        Param("marker_outcomes", list, "outcome keys of the immune-marker results shown"),
        Param(
            "rtm_correlations",
            list,
            "assumed range of the baseline-follow-up correlation",
            0.0,
            1.0,
            item=float,
        ),
    ),
    "02_etass": (
        *DATA_FILES,
        Param("study_id", str, "trial to analyse (a study_id in the trials file)"),
        ALPHA,
        Param("power", float, "target power for the sample-size recomputation", 0.5, 0.99),
    ),
    "03_meta_analyses": (
        *DATA_FILES,
        Param("outcome", str, "outcome key of the trials file rows to pool"),
        Param("measure", str, "effect measure", choices=("RR", "OR", "RD")),
        Param("tau2_method", str, "between-trial variance estimator", choices=TAU2),
        Param(
            "ci_method", str, "CI for the random-effects mean", choices=("wald", "hk", "hk_adhoc")
        ),
        Param(
            "correction", str, "zero-cell handling", choices=("constant", "treatment_arm", "none")
        ),
        Param("subgroup_column", str, "trials-file column defining subgroups ('' for none)"),
        Param(
            "compare_with",
            str,
            "published estimate_id the pooled trials are set against ('' for none)",
        ),
        Param("trajectory", list, "estimate_ids of published pooled estimates to plot over time"),
        Param(
            "small_trials_total",
            str,
            "estimate_id of a pooled estimate over all trials ('' for none)",
        ),
        Param("small_trials_large", str, "estimate_id of the same review's large-trial subset"),
        Param(
            "conflict_with",
            list,
            "estimate_ids of earlier pooled estimates to test the last trial against",
        ),
        Param(
            "tsa_control_risk",
            float,
            "control event proportion (null: pooled control risk of the trials)",
            0.001,
            0.999,
            nullable=True,
        ),
        Param("tsa_alpha", float, "two-sided alpha of the TSA", 0.001, 0.2),
        Param("tsa_beta", float, "type II error of the TSA (1 - power)", 0.01, 0.5),
        Param("tsa_futility", bool, "add non-binding beta-spending futility boundaries"),
        Param(
            "tsa_diversity_upper",
            float,
            "stated upper D2 for the sensitivity table (assumption)",
            0.0,
            0.99,
        ),
        Param(
            "tau_scales",
            list,
            "half-normal scales for tau in the Bayesian random-effects model",
            0.01,
            5.0,
            item=float,
        ),
        Param("outcome_label", str, "the outcome in words, for titles and prose"),
        Param("treatment_label", str, "the treatment arm in words"),
        Param("control_label", str, "the control arm in words"),
        MCID_RELATIVE,
    ),
    "05_subgroups": (
        *DATA_FILES[:2],
        Param(
            "credibility_file",
            str,
            "ICEMAN answers (data/subgroup_credibility.csv format)",
            is_file=True,
        ),
        Param("study_id", str, "trial whose subgroups are assessed"),
        Param(
            "overall", list, "estimate_ids of the overall hazard ratio(s) shown with the subgroups"
        ),
        Param(
            "modifiers",
            dict,
            "modifier name -> [estimate_id of subgroup 1, estimate_id of subgroup 0]",
        ),
        Param(
            "candidate_modifiers",
            int,
            "number of candidate modifiers K in the multiplicity simulation",
            1,
            50,
        ),
        Param(
            "prevalence_range",
            list,
            "range of subgroup prevalences in the simulation",
            0.05,
            0.95,
            item=float,
        ),
        Param("n_simulations", int, "simulated trials", 200, 20000),
        Param("seed", int, "random seed of the simulation", 0, 2**31 - 1),
        Param(
            "interaction_prior_ratio",
            float,
            "sceptical prior: 95% of the mass on ratios of hazard ratios within [1/r, r]",
            1.05,
            10.0,
        ),
    ),
    "06_dosing": (
        DATA_FILES[2],
        DATA_FILES[1],
        Param(
            "dose_mg", float, "dose per injection (null: the 1.6 mg vial)", 0.1, 20.0, nullable=True
        ),
        Param("intervals_h", list, "dosing intervals to compare, hours", 1.0, 48.0, item=float),
        Param(
            "duration_days",
            int,
            "days of treatment (null: the TESTS maximum)",
            1,
            30,
            nullable=True,
        ),
        Param(
            "half_life_h",
            float,
            "elimination half-life, hours (null: the label value)",
            0.5,
            12.0,
            nullable=True,
        ),
        Param(
            "tmax_h",
            float,
            "time to peak, hours (null: midpoint of Rost 1999)",
            0.25,
            6.0,
            nullable=True,
        ),
        Param(
            "volume_l",
            float,
            "apparent volume V/F, litres (null: midpoint of Rost 1999)",
            5.0,
            200.0,
            nullable=True,
        ),
        Param(
            "threshold_ug_per_l",
            float,
            "concentration for the hours-above metric, ug/L (assumption: no threshold is sourced)",
            0.01,
            100.0,
        ),
        Param(
            "threshold_range",
            list,
            "range of thresholds for the sensitivity table, ug/L (assumption)",
            0.01,
            1000.0,
            item=float,
        ),
    ),
    "07_next_trial": (
        *DATA_FILES,
        Param("control_study", str, "study_id whose control arm gives the 28-day control risk"),
        ALPHA,
        Param("power", float, "target power", 0.5, 0.99),
        Param(
            "looks",
            list,
            "information fractions of the analyses (the last must be 1)",
            0.05,
            1.0,
            item=float,
        ),
        Param("futility", bool, "add non-binding beta-spending futility boundaries"),
        Param(
            "eligible_share",
            float,
            "share of screened patients with the marker who are also eligible and consent",
            0.01,
            1.0,
        ),
        Param(
            "control_risk_override",
            float,
            "one control 28-day risk for every population (null: the control arm of control_study)",
            0.01,
            0.95,
            nullable=True,
        ),
        MCID_RELATIVE,
    ),
    "08_claims": (
        Param(
            "ledger_file", str, "the claims ledger (ta1sepsis.claims.CLAIMS_SCHEMA)", is_file=True
        ),
        Param(
            "claim_facts_file",
            str,
            "sourced categorical facts (ta1sepsis.claims.CLAIM_FACTS_SCHEMA)",
            is_file=True,
        ),
        Param(
            "not_claims_file",
            str,
            "sentences judged not to be claims (ta1sepsis.claims.NOT_CLAIMS_SCHEMA)",
            is_file=True,
        ),
        Param(
            "omissions_file",
            str,
            "evidence the article omits (ta1sepsis.claims.OMISSIONS_SCHEMA)",
            is_file=True,
        ),
        *DATA_FILES,
        Param(
            "credibility_file",
            str,
            "ICEMAN answers (data/subgroup_credibility.csv format)",
            is_file=True,
        ),
        Param("alpha", float, "two-sided level of the significance rule", 0.001, 0.2),
    ),
    "09_synthesis": (
        *DATA_FILES,
        Param(
            "method_facts_file",
            str,
            "facts the methods depend on (data/method_facts.csv format)",
            is_file=True,
        ),
        Param(
            "risk_of_bias_file",
            str,
            "RoB 2 answers and domain judgements (data/risk_of_bias.csv format)",
            is_file=True,
        ),
        Param(
            "grade_judgements_file",
            str,
            "GRADE judgements that are not mechanical (data/grade_judgements.csv format)",
            is_file=True,
        ),
        Param(
            "credibility_file",
            str,
            "ICEMAN answers (data/subgroup_credibility.csv format)",
            is_file=True,
        ),
        Param("intervention_label", str, "the intervention in words"),
        Param("baseline_study", str, "study_id whose control arm gives the assumed control risk"),
        Param(
            "all_rcts_estimate",
            str,
            "estimate_id of the published pooled estimate of all randomised trials",
        ),
        Param(
            "subgroup_claims",
            dict,
            "outcome id -> [estimate_id of the subgroup HR, ICEMAN claim_id]",
        ),
        Param(
            "mcid_alternatives",
            list,
            "method-fact ids of alternative absolute MCIDs for the sensitivity table",
        ),
        Param(
            "ois_continuous",
            int,
            "optimal information size rule of thumb for a continuous outcome (assumption)",
            10,
            100000,
        ),
        MCID_RELATIVE,
        MCID_ABSOLUTE,
    ),
    "04_tests": (
        *DATA_FILES,
        Param("study_id", str, "trial to analyse (a study_id in the trials file)"),
        CONFIDENCE,
        Param("neutral_sd", float, "SD (log scale) of the neutral prior (assumption)", 0.05, 5.0),
        Param("vague_sd", float, "SD (log scale) of the minimally informative prior", 1.0, 100.0),
        Param(
            "meta_prior",
            str,
            "estimate_id of the pre-TESTS pooled estimate used as the meta-analytic prior",
        ),
        Param(
            "robust_weight",
            float,
            "weight of the predictive component of the robust meta-analytic prior",
            0.01,
            1.0,
        ),
        Param(
            "robust_vague_sd",
            float,
            "SD (log scale) of the vague component of the robust prior",
            0.5,
            100.0,
        ),
        Param(
            "absolute_benefits",
            list,
            "absolute risk reductions (proportions) whose posterior probability is reported",
            0.001,
            0.5,
            item=float,
        ),
        Param(
            "absolute_harm",
            float,
            "absolute risk increase (proportion) whose posterior probability is reported",
            0.001,
            0.5,
        ),
        MCID_RELATIVE,
        MCID_ABSOLUTE,
    ),
}


def _check_value(notebook: str, shown: str, spec: Param, value, root: Path):
    where = f"{shown}: parameter '{spec.name}' of {notebook}"
    if value is None and spec.nullable:
        return None
    if spec.kind is dict:
        ok = isinstance(value, dict) and all(
            isinstance(k, str)
            and isinstance(v, list)
            and len(v) == 2
            and all(isinstance(x, str) for x in v)
            for k, v in value.items()
        )
        if not ok:
            raise ParameterError(f"{where} must map names to two strings each, got {value!r}")
        return value
    if spec.kind is list:
        numeric = spec.item is float
        ok = isinstance(value, list) and all(
            (isinstance(v, int | float) and not isinstance(v, bool))
            if numeric
            else isinstance(v, str)
            for v in value
        )
        if not ok:
            kind = "numbers" if numeric else "strings"
            raise ParameterError(f"{where} must be a list of {kind}, got {value!r}")
        if numeric:
            value = [float(v) for v in value]
            bad = [
                v
                for v in value
                if (spec.minimum is not None and v < spec.minimum)
                or (spec.maximum is not None and v > spec.maximum)
            ]
            if bad:
                raise ParameterError(
                    f"{where}: {bad} out of range [{spec.minimum}, {spec.maximum}]"
                )
        return value
    if spec.kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, spec.kind) or (spec.kind is not bool and isinstance(value, bool)):
        raise ParameterError(
            f"{where} must be of type {spec.kind.__name__}, got {value!r} "
            f"({type(value).__name__}); it is: {spec.description}"
        )
    if spec.choices and value not in spec.choices:
        raise ParameterError(f"{where} = {value!r} is not one of {list(spec.choices)}")
    if spec.minimum is not None and value < spec.minimum:
        raise ParameterError(
            f"{where} = {value!r} is out of range [{spec.minimum}, {spec.maximum}]"
        )
    if spec.maximum is not None and value > spec.maximum:
        raise ParameterError(
            f"{where} = {value!r} is out of range [{spec.minimum}, {spec.maximum}]"
        )
    if spec.is_file and not (root / value).is_file():
        raise ParameterError(f"{where} = {value!r}: file not found (relative to {root.name}/)")
    return value


def validate_parameters(notebook: str, values: dict, shown: str = "parameters") -> dict:
    """Check a mapping of parameter values against the notebook's specification."""
    if notebook not in SPECS:
        raise ParameterError(f"no parameter specification for notebook {notebook!r}")
    specs = {p.name: p for p in SPECS[notebook]}
    unknown = sorted(set(values) - set(specs))
    if unknown:
        raise ParameterError(
            f"{shown}: unknown parameter(s) {', '.join(map(repr, unknown))} for {notebook}; "
            f"known: {', '.join(specs)}"
        )
    missing = [name for name in specs if name not in values]
    if missing:
        raise ParameterError(f"{shown}: missing parameter(s) {', '.join(missing)} for {notebook}")
    root = project_root()
    return {name: _check_value(notebook, shown, specs[name], values[name], root) for name in specs}


def load_parameters(notebook: str, path: str | Path | None = None) -> dict:
    """Read ``params/<notebook>.yaml`` (or ``path``) and validate it."""
    root = project_root()
    path = Path(path) if path else root / "params" / f"{notebook}.yaml"
    try:
        shown = str(path.resolve().relative_to(root))
    except ValueError:
        shown = str(path)
    if not path.is_file():
        raise ParameterError(f"{shown}: parameter file not found")
    try:
        values = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ParameterError(f"{shown}{line}: invalid YAML: {problem}") from None
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise ParameterError(f"{shown}: expected a mapping of parameter: value, got {values!r}")
    return validate_parameters(notebook, values, shown)
