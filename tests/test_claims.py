"""The claims ledger: its data files, each rule on hand-made cases, and agreement with the
notebooks that computed the values it checks."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from ta1sepsis.data import claims_tables as CT
from ta1sepsis.data.loader import DataError, load_estimates
from ta1sepsis.evidence import claims as C
from ta1sepsis.evidence.verdicts import verdict
from ta1sepsis.report.results import read_results

ROOT = Path(__file__).resolve().parents[1]
DATA = {
    "claims": ROOT / "data" / "claims.csv",
    "claim_facts": ROOT / "data" / "claim_facts.csv",
    "not_claims": ROOT / "data" / "claims_not_claims.csv",
    "omissions": ROOT / "data" / "claims_omissions.csv",
}
# every word a verdict can take, here or in ta1sepsis.evidence.verdicts: none may be typed in a data row
VERDICT_WORDS = re.compile(
    r"\b(holds|within rounding|differs|contradicted|conflicting|reproduced|reproducible|"
    r"consistent|not assessed|last digit off by one)\b",
    re.I,
)


# --- the data files --------------------------------------------------------------------------


def test_no_verdict_word_in_any_ledger_data_file():
    for name, path in DATA.items():
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert "verdict" not in [h.lower() for h in rows[0]], f"{name} has a verdict column"
        for line, row in enumerate(rows[1:], start=2):
            for cell in row:
                hit = VERDICT_WORDS.search(cell)
                assert not hit, (
                    f"{path.name}, line {line}: verdict word {hit.group(0)!r} typed in {cell!r}"
                )


def test_the_verdict_word_check_would_catch_a_typed_verdict():
    assert VERDICT_WORDS.search("the claim holds")
    assert VERDICT_WORDS.search("Contradicted by the ETASS methods")
    assert not VERDICT_WORDS.search("the sources hold one more meta-analysis; thresholds")


@pytest.fixture(scope="module")
def ledger_data():
    return (
        CT.load_claims_ledger(DATA["claims"]),
        CT.load_claim_facts(DATA["claim_facts"]),
        CT.load_not_claims(DATA["not_claims"]),
        CT.load_omissions(DATA["omissions"]),
    )


def test_one_claim_one_row(ledger_data):
    claims = ledger_data[0]
    refs = claims.reference.map(lambda r: tuple(sorted(C.split(r))))
    statements = claims.statement.str.casefold().str.replace(r"\W+", " ", regex=True).str.strip()
    assert not statements.duplicated().any(), list(
        claims.claim_id[statements.duplicated(keep=False)]
    )
    same = pd.DataFrame({"stated": claims.stated, "refs": refs}).duplicated(keep=False)
    assert not same.any(), f"rows share stated value and reference: {list(claims.claim_id[same])}"


def test_repeated_statements_are_one_claim_with_every_place(ledger_data):
    claims = ledger_data[0].set_index("claim_id")
    # the key takeaways repeat the body: one row each, with both places
    assert set(C.split(claims.loc["tests.hr", "places"])) == {"key:1", "tests:7"}
    assert {"intro:3", "key:1", "tests:6"} <= set(
        C.split(claims.loc["tests.mortality_28d.risks", "places"])
    )
    assert {"key:3", "etass:5"} <= set(C.split(claims.loc["etass.p_nonstratified", "places"]))
    # the TESTS hazard ratio is one claim, carrying both published versions
    hr_rows = claims[claims.reference.str.contains("tests.mortality_28d.hr.version")]
    assert list(hr_rows.index) == ["tests.hr"] and "version_b" in hr_rows.alternative.iloc[0]


def test_every_sentence_is_a_claim_or_listed_as_not_one(ledger_data):
    claims, _, not_claims, _ = ledger_data
    assert len(C.sentences()) == sum(n for _, n in C.SECTIONS.values()) == 122
    assert C.uncovered_sentences(claims, not_claims) == []
    trimmed = not_claims[not_claims.places != "markers:1"]
    assert C.uncovered_sentences(claims, trimmed) == ["markers:1"]


def test_not_checkable_claims_say_what_is_missing(ledger_data):
    claims = ledger_data[0]
    unchecked = claims[claims.method == "not checkable"]
    assert len(unchecked) and (unchecked.reference.str.len() > len("missing:") + 10).all()


def test_data_files_stand_alone():
    for path in DATA.values():
        text = path.read_text(encoding="utf-8")
        assert "shared/" not in text and "/work/" not in text, path.name


def test_every_reference_in_the_committed_files_resolves(ledger_data):
    claims, claim_facts, _, omissions = ledger_data
    resolver = _project_resolver(claim_facts)
    for column in ("reference", "alternative", "primary", "context"):
        for refs in claims[column]:
            for ref in C.split(refs):
                if not ref.startswith(("missing:", "derived:")):
                    resolver.resolve(ref)
    for refs in omissions.references:
        for ref in C.split(refs):
            assert resolver.resolve(ref).value is not None, ref


def _project_resolver(claim_facts):
    from ta1sepsis.data.loader import load_credibility, load_facts, load_trials

    return C.Resolver(
        ROOT,
        load_estimates(),
        load_facts(),
        load_trials(),
        claim_facts,
        load_credibility(),
        {},
    )


# --- schema checks ---------------------------------------------------------------------------

HEADER = (
    "claim_id,section,places,statement,article_citation,stated,rule,reference,alternative,"
    "primary,context,scale,method,note\n"
)


def _load(tmp_path, body):
    path = tmp_path / "claims.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return CT.load_claims_ledger(path)


def test_schema_rejects_inconsistent_method_and_bad_places(tmp_path):
    with pytest.raises(DataError, match=r"line 2, column method: 'looked up' may use"):
        _load(tmp_path, "a,etass,etass:5,s,[4],0.74,rounding,result:nb:k,,,,,looked up,\n")
    with pytest.raises(
        DataError, match=r"line 2, column method: 'not checkable' goes with missing"
    ):
        _load(tmp_path, "a,etass,etass:5,s,[4],0.74,rounding,missing:x,,,,,looked up,\n")
    with pytest.raises(DataError, match=r"section etass has 12 sentences"):
        _load(tmp_path, "a,etass,etass:13,s,[4],0.74,rounding,fact:f,,,,,looked up,\n")
    with pytest.raises(DataError, match=r"column section: section 'key' is not among the places"):
        _load(tmp_path, "a,key,etass:5,s,[4],0.74,rounding,fact:f,,,,,looked up,\n")
    with pytest.raises(DataError, match=r"column stated: does not fit rule 'significance'"):
        _load(tmp_path, "a,etass,etass:5,s,[4],maybe,significance,fact:f,,,,,looked up,\n")
    with pytest.raises(DataError, match=r"2 stated parts for 3 references"):
        _load(
            tmp_path,
            "a,etass,etass:5,s,[4],1 ; 2,rounding,fact:a ; fact:b ; fact:c,,,,,looked up,\n",
        )
    with pytest.raises(DataError, match=r"'holds' is not one of"):
        _load(tmp_path, "a,etass,etass:5,s,[4],0.74,holds,fact:f,,,,,looked up,\n")
    ok = _load(tmp_path, "a,etass,etass:5 ; key:3,s,[4],0.74,rounding,fact:f,,,,,looked up,\n")
    assert list(ok.claim_id) == ["a"]


# --- rules, by hand ----------------------------------------------------------------------------


@pytest.fixture
def resolver(tmp_path):
    (tmp_path / "results" / "trials").mkdir(parents=True)
    (tmp_path / "results" / "nb.json").write_text(
        json.dumps(
            {
                "x.rr": {"value": 0.7419, "lower": 0.5407, "upper": 1.0181},
                "x.p": {"value": 0.0388, "lower": 0.0339, "upper": 0.0442},
                "x.risk": {"value": 0.259668508287, "lower": 0.2, "upper": 0.33},
            }
        ),
        encoding="utf-8",
    )
    (tmp_path / "results" / "trials" / "etass.json").write_text(
        json.dumps({"x.rr": {"value": 0.75}}), encoding="utf-8"
    )
    estimates = pd.DataFrame(
        [
            {
                "estimate_id": "e.rr",
                "measure": "RR",
                "estimate": 0.59,
                "ci_lower": 0.45,
                "ci_upper": 0.77,
                "ci_level": 0.95,
                "p_value": 0.0001,
                "k_studies": 10,
                "year": 2016,
                "estimate_text": "0.59",
                "ci_lower_text": "0.45",
                "ci_upper_text": "0.77",
            },
            {
                "estimate_id": "e.hr_a",
                "measure": "HR",
                "estimate": 0.99,
                "ci_lower": 0.77,
                "ci_upper": 1.27,
                "ci_level": 0.95,
                "p_value": 0.93,
                "estimate_text": "0.99",
            },
            {
                "estimate_id": "e.hr_b",
                "measure": "HR",
                "estimate": 0.97,
                "ci_lower": 0.76,
                "ci_upper": 1.24,
                "ci_level": 0.95,
                "p_value": 0.82,
                "estimate_text": "0.97",
            },
        ]
    )
    facts = pd.DataFrame([{"fact_id": "f.n", "value": 1089.0, "value_text": "1089"}])
    trials = pd.DataFrame(
        [{"study_id": "t", "outcome": "m", "events_trt": 127.0, "country": "China"}]
    )
    claim_facts = pd.DataFrame(
        [
            {"fact_id": "cf.control", "value": "saline placebo"},
            {"fact_id": "cf.list", "value": "a ; b ; c ; d"},
            {"fact_id": "cf.days", "value": "10"},
        ]
    )
    credibility = pd.DataFrame(
        [{"claim_id": "g.cancer", "item": "reported", "response": "moderate"}]
    )
    return C.Resolver(
        tmp_path,
        estimates,
        facts,
        trials,
        claim_facts,
        credibility,
        {"p": {"value": 0.2013, "lower": 0.173, "upper": 0.231}, "name": "tests"},
    )


def claim(stated, reference, rule="rounding", method="recomputed", **extra):
    row = {
        "claim_id": "c",
        "stated": stated,
        "reference": reference,
        "rule": rule,
        "method": method,
    }
    row.update({k: "" for k in ("alternative", "primary", "context")})
    row.update(extra)
    return row


def test_rounding_rule(resolver):
    # 0.7419 rounds to 0.74 at two decimals; 1.0181 rounds to 1.02
    got = C.judge(
        claim("0.74 ; 0.54 ; 1.02", "result:nb:x.rr ; result:nb:x.rr:lower ; result:nb:x.rr:upper"),
        resolver,
    )
    assert (
        got["verdict"] == "within rounding"
        and got["detail"] == "within rounding; within rounding; within rounding"
    )
    assert C.judge(claim("1089", "fact:f.n", method="looked up"), resolver)["verdict"] == "holds"
    # 0.75 against a printed 0.74 is one unit off in the last digit: a difference
    assert C.judge(claim("0.75", "result:nb:x.rr"), resolver)["verdict"] == "differs"
    # a looked-up number that differs from the primary source is contradicted by it
    assert C.judge(claim("1098", "fact:f.n", method="looked up"), resolver)["verdict"] == (
        "contradicted by the primary source"
    )
    # a proportion scaled to a percentage: 47/181 = 25.967% prints as 26.0
    got = C.judge(claim("26.0", "result:nb:x.risk", scale=100.0), resolver)
    assert got["verdict"] == "within rounding" and got["checked"] == "25.967"


def test_bound_rule(resolver):
    # Liu 2016 RR 0.59 (0.45 to 0.77): ln-scale SE = (ln 0.77 - ln 0.45) / (2 x 1.959964)
    se = (math.log(0.77) - math.log(0.45)) / (2 * stats.norm.ppf(0.975))
    p = 2 * stats.norm.sf(abs(math.log(0.59)) / se)
    assert p == pytest.approx(0.000118, abs=2e-6)
    got = C.judge(claim("<0.001", "p_from_ci:e.rr", "bound", "derived"), resolver)
    assert got["values"][0] == pytest.approx(p) and got["verdict"] == "holds"
    assert (
        C.judge(claim("<0.0001", "p_from_ci:e.rr", "bound", "derived"), resolver)["verdict"]
        == "differs"
    )


def test_p_range_rule(resolver):
    # 0.037 lies inside the range 0.0339-0.0442 the printed interval allows, though the central
    # 0.0388 is two units off in the third decimal
    assert verdict("0.037", 0.0388) == "not reproduced"
    got = C.judge(claim("0.037", "result:nb:x.p", "p_range", "derived"), resolver)
    assert got["verdict"] == "within rounding" and "[0.03390 to 0.04420]" in got["checked"]
    assert (
        C.judge(claim("0.030", "result:nb:x.p", "p_range", "derived"), resolver)["verdict"]
        == "differs"
    )
    # the P implied by Liu 2016's printed CI, and its rounding range, come from p_from_ci:
    got = C.judge(claim("0.0001", "p_from_ci:e.rr", "p_range", "derived"), resolver)
    assert got["verdict"] == "within rounding"


def test_count_rule(resolver):
    got = C.judge(claim("3", "claim_fact:cf.list", "count", "derived"), resolver)
    assert got["verdict"] == "differs" and got["checked"] == "4 (a, b, c, d)"
    assert (
        C.judge(claim("4", "claim_fact:cf.list", "count", "derived"), resolver)["verdict"]
        == "holds"
    )


def test_category_rule(resolver):
    looked = dict(rule="category", method="looked up")
    assert (
        C.judge(claim("Saline  Placebo", "claim_fact:cf.control", **looked), resolver)["verdict"]
        == "holds"
    )
    got = C.judge(claim("no placebo", "claim_fact:cf.control", **looked), resolver)
    assert (
        got["verdict"] == "contradicted by the primary source"
        and got["checked"] == "saline placebo"
    )
    assert C.judge(claim("china", "trial:t:m:country", **looked), resolver)["verdict"] == "holds"
    assert (
        C.judge(claim("moderate", "credibility:g.cancer:reported", **looked), resolver)["verdict"]
        == "holds"
    )
    assert (
        C.judge(claim("TESTS", "derived:name", "category", "derived"), resolver)["verdict"]
        == "holds"
    )


def test_significance_rule(resolver):
    # P = 0.0388 < 0.05: significant; P = 0.2013 is not
    got = C.judge(claim("significant", "result:nb:x.p", "significance", "derived"), resolver)
    assert got["verdict"] == "holds" and got["checked"] == "P = 0.0388 (significant)"
    assert (
        C.judge(claim("not significant", "derived:p", "significance", "derived"), resolver)[
            "verdict"
        ]
        == "holds"
    )
    both = claim(
        "significant ; significant", "result:nb:x.p ; derived:p", "significance", "derived"
    )
    assert C.judge(both, resolver)["verdict"] == "differs"
    # at alpha = 0.01 P = 0.0388 is no longer significant
    assert (
        C.judge(claim("significant", "result:nb:x.p", "significance", "derived"), resolver, 0.01)[
            "verdict"
        ]
        == "differs"
    )


def test_within_rule(resolver):
    assert (
        C.judge(claim("5 ; 7", "fact:f.n", "within", "looked up"), resolver)["verdict"] != "holds"
    )
    assert (
        C.judge(claim("5 ; 10", "claim_fact:cf.days", "within", "looked up"), resolver)["verdict"]
        == "holds"
    )
    assert C.judge(claim("5 ; 7", "claim_fact:cf.days", "within", "looked up"), resolver)[
        "verdict"
    ] == ("contradicted by the primary source")


def test_two_published_versions_give_conflicting_sources(resolver):
    a = "estimate:e.hr_a ; estimate:e.hr_a:ci_lower ; estimate:e.hr_a:ci_upper ; estimate:e.hr_a:p_value"
    b = a.replace("hr_a", "hr_b")
    got = C.judge(
        claim("0.99 ; 0.77 ; 1.27 ; 0.93", a, method="looked up", alternative=b), resolver
    )
    assert got["verdict"] == "conflicting sources"
    assert (
        got["checked"] == "0.99; 0.77; 1.27; 0.93"
        and got["alternative_checked"] == "0.97; 0.76; 1.24; 0.82"
    )
    # when both versions agree with the stated numbers, the claim simply holds
    same = C.judge(
        claim("0.99", "estimate:e.hr_a", method="looked up", alternative="estimate:e.hr_a"),
        resolver,
    )
    assert same["verdict"] == "holds"


def test_primary_source_check_beside_a_recomputation(resolver):
    got = C.judge(claim("0.74", "result:nb:x.rr", primary="estimate:e.rr"), resolver)
    # recomputed 0.7419 rounds to the printed 0.74, but the primary value here is 0.59
    assert got["verdict"] == "within rounding"
    assert (
        got["primary_checked"] == "0.59"
        and got["primary_verdict"] == "contradicted by the primary source"
    )


def test_missing_results_and_references(resolver):
    got = C.judge(claim("0.86", "result:nb:meta.absent"), resolver)
    assert got["method"] == "not checkable" and got["verdict"] == "not assessed"
    assert "no key 'meta.absent'" in got["missing_result"]
    none = C.judge(claim("11", "missing:global figures", "none", "not checkable"), resolver)
    assert none["verdict"] == "not assessed" and none["checked"] == "global figures"
    with pytest.raises(C.ClaimError, match="nb2.json does not exist"):
        C.judge(claim("1", "result:nb2:k"), resolver)
    with pytest.raises(C.ClaimError, match="cannot resolve reference 'fact:nope'"):
        C.judge(claim("1", "fact:nope", method="looked up"), resolver)


def test_a_missing_context_value_does_not_change_the_check(resolver):
    got = C.judge(claim("0.74", "result:nb:x.rr", context="result:nb:meta.absent"), resolver)
    assert got["verdict"] == "within rounding" and got["method"] == "recomputed"
    assert "not in this run" in got["context_values"]


def test_result_notebooks_may_be_paths_or_remapped(resolver):
    assert resolver.resolve("result:trials/etass:x.rr").value == 0.75
    remapped = C.Resolver(
        resolver.root,
        resolver.estimates.reset_index(),
        resolver.facts.reset_index(),
        resolver.trials.reset_index(),
        aliases={"02_etass": "trials/etass"},
    )
    assert remapped.resolve("result:02_etass:x.rr").value == 0.75


def test_combine_maps_the_numeric_vocabulary():
    assert C.combine(["reproduced", "consistent", "match"], "derived") == "holds"
    assert C.combine(["reproduced", "within rounding"], "recomputed") == "within rounding"
    assert C.combine(["within rounding", "last digit off by one"], "recomputed") == "differs"
    assert C.combine(["mismatch"], "looked up") == "contradicted by the primary source"


# --- derivations ------------------------------------------------------------------------------


def test_reductions_from_risk_ratios():
    estimates = pd.DataFrame(
        {
            "estimate_id": ["a.m.rr", "b.m.rr", "c.m.rr", "b.m.or", "d.m.rr"],
            "study_id": ["a", "b", "c", "b", "d"],
            "study": list("abcbd"),
            "measure": ["RR", "RR", "RR", "OR", "RR"],
            "outcome": [
                "mortality_28d",
                "mortality_any",
                "mortality_any",
                "mortality_28d",
                "apache",
            ],
            "population": ["all", "all", "all", "all", "all"],
            "year": [2013, 2016, 2025, 2016, 2014],
            "estimate": [0.74, 0.59, 0.97, 0.5, 0.1],
        }
    )
    got = C.reductions_from_risk_ratios(estimates, ["a", "b", "c", "d"], before_year=2025)
    # c is too late, the OR is not a risk ratio and d is not mortality: 1 - 0.74, 1 - 0.59
    assert list(got.estimate_id) == ["a.m.rr", "b.m.rr"]
    assert list(got.reduction_percent.round(6)) == [26.0, 41.0]


def test_trial_sizes_take_each_trials_largest_outcome():
    trials = pd.DataFrame(
        {"study_id": ["e", "e", "t"], "n_trt": [181, 150, 542], "n_ctl": [180, 140, 547]}
    )
    sizes = C.trial_sizes(trials)
    assert list(sizes.index) == ["t", "e"] and list(sizes) == [1089, 361]


def test_html_table_escapes_groups_and_filters_offline():
    frame = pd.DataFrame(
        {
            "section": ["s1", "s1", "s2"],
            "claim": ["a<b", "c", "d"],
            "verdict": ["holds", "differs", "holds"],
        }
    )
    text = C.html_table(
        frame,
        {"claim": "50%"},
        "t1",
        group="section",
        group_titles={"s1": "One"},
        verdict_column="verdict",
        filters=("verdict",),
    )
    assert "a&lt;b" in text and "a<b" not in text
    assert text.count('class="ta1-section"') == 2 and ">One</td>" in text
    assert '<select data-filter="verdict" data-table="t1">' in text and "<script>" in text
    assert 'class="v-differs"' in text and "http" not in text
    with pytest.raises(ValueError, match="table_id"):
        C.html_table(frame, filters=("verdict",))


# --- the committed ledger against the notebooks that computed its values ----------------------


@pytest.fixture(scope="module")
def committed():
    return read_results("08_claims")


def _claim(committed, claim_id):
    return committed[f"claim.{claim_id}"]["value"]


def test_committed_ledger_is_complete(committed, ledger_data):
    claims, _, not_claims, omissions = ledger_data
    entries = {k for k in committed if k.startswith("claim.")}
    assert entries == {f"claim.{c}" for c in claims.claim_id}
    assert committed["claims.total"]["value"] == len(claims)
    assert committed["claims.missing_results"]["value"] == 0
    assert committed["claims.sentences_unaccounted"]["value"] == 0
    assert committed["claims.not_claims"]["value"] == len(not_claims)
    assert committed["claims.omissions"]["value"] == len(omissions)
    table = committed["claims.method_by_verdict"]["value"]
    assert sum(sum(row.values()) for row in table.values()) == len(claims)
    counts = {
        k.removeprefix("claims.count."): v["value"]
        for k, v in committed.items()
        if k.startswith("claims.count.")
    }
    assert sum(counts.values()) == len(claims)
    for entry in (v["value"] for k, v in committed.items() if k.startswith("claim.")):
        assert entry["verdict"] in C.VERDICTS and entry["method"] in C.METHODS


def _published_numbers(trial):
    """Every published number of a trial with the verdict its trial report gives it."""
    return pd.DataFrame(read_results(f"trials/{trial}")[f"{trial}.published_numbers"]["value"])


def test_etass_p_verdict_matches_the_etass_report(committed):
    """The ledger's verdict on ETASS P = 0.062 is the one the ETASS trial report gives it."""
    etass = read_results("trials/etass")
    expected = C.NUMERIC_VERDICTS[verdict("0.062", etass["etass.mortality_28d.p_pearson"]["value"])]
    assert expected == "within rounding"  # 0.06227 rounds to 0.062
    assert _claim(committed, "etass.p_nonstratified")["verdict"] == expected
    table = _published_numbers("etass")
    row = table[table.quantity.str.contains("non-stratified")].iloc[0]
    assert row.published == "0.062" and row.method == "Pearson chi-square"
    assert C.NUMERIC_VERDICTS[row.verdict] == expected


def test_etass_counts_verdicts_match_the_etass_report(committed):
    table = _published_numbers("etass")

    def verdicts_of(pattern):
        return list(table[table.quantity.str.fullmatch(pattern)].verdict)

    risks = verdicts_of(r"28-day mortality: risk, (treatment|control) arm \(%\)")
    rr = verdicts_of(r"28-day mortality: RR(, CI (lower|upper))?")
    assert len(risks) == 2 and len(rr) == 3
    assert _claim(committed, "etass.risks")["verdict"] == C.combine(risks, "recomputed")
    assert _claim(committed, "etass.rr")["verdict"] == C.combine(rr, "recomputed")


def test_mhla_dr_p_verdicts_use_02_etass_rounding_ranges(committed):
    etass = read_results("02_etass")
    for day, printed in ((3, "0.037"), (7, "0.017")):
        item = etass[f"etass.mhla_dr.day{day}.p_from_ci"]
        inside = item["lower"] <= float(printed) <= item["upper"]
        assert inside  # both published P values agree with their intervals once rounding is allowed
        assert _claim(committed, f"etass.mhla_dr_day{day}_p")["verdict"] == "within rounding"


def test_interaction_p_verdicts_match_05_subgroups(committed):
    table = pd.read_csv(
        ROOT / "tables" / "05_subgroups_interactions.csv", dtype={"published P": str}
    )
    for row in table.itertuples():
        in_range = str(row[8]) == "True"  # "published P in range"
        assert (row.verdict == "within rounding") == in_range or not in_range
        expected = C.NUMERIC_VERDICTS[row.verdict]
        claim = _claim(committed, f"subgroups.{row.modifier}_interaction_p")
        if expected == "differs" and claim["primary_verdict"] in ("holds", "within rounding"):
            # the article copied its source correctly; the source differs from the recomputation
            expected = C.COPIED
        assert claim["verdict"] == expected
    # the recomputed diabetes interaction P differs from the published 0.04, which the article
    # copied correctly: listed as such, not as an article that does not hold
    assert _claim(committed, "subgroups.diabetes_interaction_p")["verdict"] == C.COPIED
    assert _claim(committed, "subgroups.diabetes_interaction_p")["primary_verdict"] == "holds"


def test_tests_risk_verdicts_match_the_tests_report(committed):
    table = _published_numbers("tests")
    risks = list(
        table[
            table.quantity.str.fullmatch(r"28-day mortality: risk, (treatment|control) arm \(%\)")
        ].verdict
    )
    assert len(risks) == 2
    assert _claim(committed, "tests.mortality_28d.risks")["verdict"] == C.combine(
        risks, "recomputed"
    )


def test_the_findings_that_matter(committed):
    # the two published versions of the TESTS hazard ratio: one claim, conflicting sources
    hr = _claim(committed, "tests.hr")
    assert hr["verdict"] == "conflicting sources" and hr["checked"] == [0.99, 0.77, 1.27, 0.93]
    assert hr["alternative_text"] == "0.97; 0.76; 1.24; 0.82"
    # ETASS had a saline placebo: the article's "no placebo" is contradicted by the primary source
    assert _claim(committed, "etass.control_arm")["verdict"] == "contradicted by the primary source"
    # four Tα1 meta-analyses in sepsis 2015-2025 in the sources, not three
    assert _claim(committed, "meta.count")["verdict"] == "differs"
    # 1 - RR of ETASS (0.74) and Liu 2016 (0.59): 26% and 41%
    assert _claim(committed, "intro.reduction_range")["checked"] == pytest.approx([26.0, 41.0])
    # (181 + 180 + 542 + 547) / 1927 = 75.25%
    assert _claim(committed, "gu2025.ipd_share")["checked"][0] == pytest.approx(1450 / 1927 * 100)
