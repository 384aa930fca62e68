"""Safety rules: the capacity assessment and the reporting engine, branch by branch.

The engine runs against small hand-made tables (one behaviour each) and against the shipped
jurisdictions.json (the clinical scenarios). No database, no Django.
"""

from __future__ import annotations

import copy
import itertools
import json
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import pytest

from safety.rules import (
    ASK_ABOUT_POLICE,
    DISCLAIMER,
    Ability,
    AbilityFinding,
    CapacityOutcome,
    ExploitationKind,
    InjuryKind,
    ReportingDecision,
    ReportingFacts,
    RuleTableError,
    Tri,
    assess_capacity,
    load_jurisdiction_rules,
    reporting_requirements,
)

YES, NO, UNKNOWN = Tri.YES, Tri.NO, Tri.UNKNOWN
HAS, LACKS, UNKNOWN_CAPACITY = (
    CapacityOutcome.HAS_CAPACITY,
    CapacityOutcome.LACKS_CAPACITY,
    CapacityOutcome.UNKNOWN,
)
GUNSHOT, STAB, OTHER = InjuryKind.GUNSHOT, InjuryKind.STAB, InjuryKind.OTHER
SHIPPED: dict[str, Any] = json.loads(
    (files("safety") / "content" / "jurisdictions.json").read_text(encoding="utf-8")
)


def facts(jurisdiction: str = "ZZ-A", **changes: Any) -> ReportingFacts:
    """A 30-year-old with capacity who declined police, nothing else triggered, every fact known."""
    known: dict[str, Any] = {
        "age": 30,
        "capacity": HAS,
        "serious_crime_injury": NO,
        "injury_kind": OTHER,
        "injury_self_inflicted_or_accidental": NO,
        "developmental_disability": NO,
        "vulnerable_or_elderly_adult": NO,
        "exploitation_kind": ExploitationKind.SEXUAL,
        "caregiver_involved": NO,
        "patient_consents_to_police": NO,
    }
    return ReportingFacts(jurisdiction=jurisdiction, **{**known, **changes})


def nothing_known(jurisdiction: str) -> ReportingFacts:
    return ReportingFacts(
        jurisdiction=jurisdiction,
        age=None,
        capacity=UNKNOWN_CAPACITY,
        serious_crime_injury=UNKNOWN,
        injury_kind=None,
        injury_self_inflicted_or_accidental=UNKNOWN,
        developmental_disability=UNKNOWN,
        vulnerable_or_elderly_adult=UNKNOWN,
        exploitation_kind=ExploitationKind.UNKNOWN,
        caregiver_involved=UNKNOWN,
        patient_consents_to_police=UNKNOWN,
    )


# --- Small hand-made tables ---------------------------------------------------------------------


def row(slug: str, trigger: str, duty: str = "mandatory", **fields: Any) -> dict[str, Any]:
    code = fields.pop("code", "ZZ-A")
    return {
        "id": f"{code}-{slug}",
        "trigger": trigger,
        "duty": duty,
        "age_min": None,
        "age_max": None,
        "weapon_kinds": [],
        "condition": None,
        "recipient": "the agency",
        "disclosure_limit": "Only what the report needs.",
        "legal_basis": f"Test Act s.{slug}",
        "source": "hand-made",
        "checked_on": "2026-11-29",
        "needs_verification": False,
        "notes": None,
        **fields,
    }


def entry(code: str, rules: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"Testland {code}",
        "country": code.split("-")[0] if code != "DEFAULT" else None,
        "hotlines": [{"name": f"{code} line", "number": f"0-{code}", "notes": "24/7"}],
        "rules": rules,
        **fields,
    }


def table(*entries: dict[str, Any]) -> dict[str, Any]:
    codes = {e["code"] for e in entries}
    default = [] if "DEFAULT" in codes else [entry("DEFAULT", [])]
    return {
        "version": 3,
        "checked_on": "2026-11-29",
        "source_note": "hand-made for tests",
        "jurisdictions": [*entries, *default],
    }


def decide_with(rows: list[dict[str, Any]], **changes: Any) -> ReportingDecision:
    rules = load_jurisdiction_rules(table(entry("ZZ-A", rows)), "ZZ-A")
    return reporting_requirements(facts("ZZ-A", **changes), rules)


CHILD_UNDER_16 = row("child-under-16", "child", age_max=15)
CHILD_16_17 = row("child-16-17", "child", "permissive", age_min=16, age_max=17)
CHILD_CAREGIVER = row(
    "child-caregiver", "child", age_max=18, condition="caregiver involvement required"
)
CHILD_CAREGIVER_MAY = row(
    "child-caregiver-may",
    "child",
    "permissive",
    age_max=17,
    condition="caregiver involvement required",
)
CHILD_SEXUAL = row("child-sexual", "child", age_max=17, condition="sexual exploitation")
ELDER_65 = row("elder-65", "elder", age_min=65)
ELDER_FLAG = row("elder-flag", "elder")
VULNERABLE = row("vulnerable", "vulnerable_adult", age_min=18)
DISABILITY = row("disability", "vulnerable_adult", age_min=18, condition="developmental disability")
GUNSHOT_ROW = row("gunshot", "weapon_injury", weapon_kinds=["gunshot"], recipient="police")
BOTH_WOUNDS = row("wounds", "weapon_injury", weapon_kinds=["gunshot", "stab"], recipient="police")
STAB_NOT_SELF = row(
    "stab",
    "weapon_injury",
    weapon_kinds=["stab"],
    condition="not self-inflicted or accidental",
    recipient="police",
)
STAB_SELF = row(
    "stab-self",
    "weapon_injury",
    "permissive",
    weapon_kinds=["stab"],
    condition="self-inflicted or accidental",
    recipient="police",
)
CRIME = row("crime", "crime_injury", recipient="police")
CRIME_LIFE_THREATENING = row(
    "crime-grave", "crime_injury", condition="the injury is life-threatening", recipient="sheriff"
)
LACKS_CAPACITY_ROW = row("lacks-capacity", "capacity", age_min=18, recipient="police")
CONSENT = row("consent", "capacity", "consent", age_min=18, recipient="police")

AGE_QUESTION = "Patient's age: a report to the agency is required under 16 and permitted at 16–17"


@dataclass(frozen=True)
class Expect:
    """What a decision should hold: rule ids (or slugs on the small tables), and the beginning
    of each question in `unknowns`, in order."""

    required: tuple[str, ...] = ()
    permitted: tuple[str, ...] = ()
    needs_consent: tuple[str, ...] = ()
    unknowns: tuple[str, ...] = ()


def check(decision: ReportingDecision, expect: Expect, prefix: str = "") -> None:
    assert [r.rule_id for r in decision.required] == [prefix + i for i in expect.required]
    assert [r.rule_id for r in decision.permitted] == [prefix + i for i in expect.permitted]
    assert [r.rule_id for r in decision.needs_consent] == [prefix + i for i in expect.needs_consent]
    assert len(decision.unknowns) == len(expect.unknowns), decision.unknowns
    for line, beginning in zip(decision.unknowns, expect.unknowns, strict=True):
        assert line.startswith(beginning)
    # Whatever is decided, the hotlines are offered and the decision says what it is.
    assert decision.hotlines
    assert any("call together with the patient" in r for r in decision.reasons)
    assert decision.disclaimer == DISCLAIMER
    assert "not legal advice" in decision.disclaimer


ASK_CAREGIVER = "Whether a parent or caregiver is involved: a report to the agency"
# name: (rows, fact changes, expected decision)
ENGINE_CASES: dict[str, tuple[list[dict[str, Any]], dict[str, Any], Expect]] = {
    # Child rows: the age range decides, mandatory -> required, permissive -> permitted.
    "child-15-in-mandatory-range": (
        [CHILD_UNDER_16, CHILD_16_17],
        {"age": 15},
        Expect(required=("child-under-16",)),
    ),
    "child-16-in-permissive-range": (
        [CHILD_UNDER_16, CHILD_16_17],
        {"age": 16},
        Expect(permitted=("child-16-17",)),
    ),
    "child-18-past-every-range": ([CHILD_UNDER_16, CHILD_16_17], {"age": 18}, Expect()),
    "child-age-0-is-a-child": ([CHILD_UNDER_16], {"age": 0}, Expect(required=("child-under-16",))),
    "child-age-unknown-is-asked": (
        [CHILD_UNDER_16, CHILD_16_17],
        {"age": None},
        Expect(unknowns=(AGE_QUESTION,)),
    ),
    # Caregiver condition: YES -> required, NO -> permitted instead, UNKNOWN -> asked.
    "caregiver-involved": (
        [CHILD_CAREGIVER],
        {"age": 17, "caregiver_involved": YES},
        Expect(required=("child-caregiver",)),
    ),
    "caregiver-not-involved-downgrades": (
        [CHILD_CAREGIVER],
        {"age": 17},
        Expect(permitted=("child-caregiver",)),
    ),
    "caregiver-unknown-is-asked": (
        [CHILD_CAREGIVER],
        {"age": 17, "caregiver_involved": UNKNOWN},
        Expect(unknowns=(f"{ASK_CAREGIVER} is required if so (permitted if not)",)),
    ),
    "caregiver-unknown-on-permissive-row": (
        [CHILD_CAREGIVER_MAY],
        {"age": 17, "caregiver_involved": UNKNOWN},
        Expect(unknowns=(f"{ASK_CAREGIVER} is permitted if so",)),
    ),
    "caregiver-not-involved-keeps-permissive": (
        [CHILD_CAREGIVER_MAY],
        {"age": 17},
        Expect(permitted=("child-caregiver-may",)),
    ),
    "age-and-caregiver-both-unknown-both-asked": (
        [CHILD_CAREGIVER],
        {"age": None, "caregiver_involved": UNKNOWN},
        Expect(
            unknowns=(
                "Patient's age: a report to the agency is required under 19",
                ASK_CAREGIVER,
            )
        ),
    ),
    "out-of-range-age-beats-unknown-caregiver": (
        [CHILD_CAREGIVER],
        {"age": 40, "caregiver_involved": UNKNOWN},
        Expect(),
    ),
    # Exploitation-kind condition.
    "sexual-exploitation-of-a-minor": (
        [CHILD_SEXUAL],
        {"age": 15},
        Expect(required=("child-sexual",)),
    ),
    "both-kinds-count-as-sexual": (
        [CHILD_SEXUAL],
        {"age": 15, "exploitation_kind": ExploitationKind.BOTH},
        Expect(required=("child-sexual",)),
    ),
    "labour-only-rules-sexual-row-out": (
        [CHILD_SEXUAL],
        {"age": 15, "exploitation_kind": ExploitationKind.LABOUR},
        Expect(),
    ),
    "exploitation-unknown-is-asked": (
        [CHILD_SEXUAL],
        {"age": 15, "exploitation_kind": ExploitationKind.UNKNOWN},
        Expect(
            unknowns=(
                "Kind of exploitation (sexual, labour or both): a report to the agency is "
                "required for sexual exploitation",
            )
        ),
    ),
    # Elder rows: by age when the row has an age limit, by the flag when it has none.
    "elder-at-65": ([ELDER_65], {"age": 65}, Expect(required=("elder-65",))),
    "elder-at-64-is-not-even-if-flagged": (
        [ELDER_65],
        {"age": 64, "vulnerable_or_elderly_adult": YES},
        Expect(),
    ),
    "elder-age-unknown-is-asked": (
        [ELDER_65],
        {"age": None},
        Expect(unknowns=("Patient's age: a report to the agency is required at 65 or over",)),
    ),
    "elder-flag-yes": (
        [ELDER_FLAG],
        {"vulnerable_or_elderly_adult": YES},
        Expect(required=("elder-flag",)),
    ),
    "elder-flag-no": ([ELDER_FLAG], {}, Expect()),
    "elder-flag-unknown-is-asked": (
        [ELDER_FLAG],
        {"vulnerable_or_elderly_adult": UNKNOWN},
        Expect(
            unknowns=(
                "Whether the patient is an elderly or otherwise vulnerable adult: a report to "
                "the agency is required if so",
            )
        ),
    ),
    # Vulnerable adults: disability, the flag or lack of capacity; any one is enough.
    "vulnerable-by-disability": (
        [VULNERABLE],
        {"developmental_disability": YES},
        Expect(required=("vulnerable",)),
    ),
    "vulnerable-by-flag": (
        [VULNERABLE],
        {"vulnerable_or_elderly_adult": YES},
        Expect(required=("vulnerable",)),
    ),
    "vulnerable-by-lack-of-capacity": (
        [VULNERABLE],
        {"capacity": LACKS},
        Expect(required=("vulnerable",)),
    ),
    "one-sign-is-enough-despite-unknowns": (
        [VULNERABLE],
        {
            "developmental_disability": YES,
            "capacity": UNKNOWN_CAPACITY,
            "vulnerable_or_elderly_adult": UNKNOWN,
        },
        Expect(required=("vulnerable",)),
    ),
    "no-sign-of-vulnerability": ([VULNERABLE], {}, Expect()),
    "vulnerable-row-ignores-a-minor": (
        [VULNERABLE],
        {"age": 17, "developmental_disability": YES},
        Expect(),
    ),
    "each-unknown-sign-is-asked": (
        [VULNERABLE],
        {
            "developmental_disability": UNKNOWN,
            "vulnerable_or_elderly_adult": UNKNOWN,
            "capacity": UNKNOWN_CAPACITY,
        },
        Expect(
            unknowns=(
                "Patient's decision-making capacity: a report to the agency is required if they "
                "lack capacity",
                "Whether the patient has a developmental disability: a report to the agency is "
                "required if so",
                "Whether the patient is an elderly or otherwise vulnerable adult",
            )
        ),
    ),
    "disability-condition-needs-the-disability": (
        [DISABILITY],
        {"vulnerable_or_elderly_adult": YES},
        Expect(),
    ),
    "disability-condition-met": (
        [DISABILITY],
        {"developmental_disability": YES},
        Expect(required=("disability",)),
    ),
    # Weapon injuries: the kind of wound, and self-inflicted exclusions.
    "gunshot-row-gunshot": ([GUNSHOT_ROW], {"injury_kind": GUNSHOT}, Expect(required=("gunshot",))),
    "gunshot-row-stab": ([GUNSHOT_ROW], {"injury_kind": STAB}, Expect()),
    "gunshot-row-other-wound": ([GUNSHOT_ROW], {"injury_kind": OTHER}, Expect()),
    "wound-kind-unknown-is-asked": (
        [BOTH_WOUNDS],
        {"injury_kind": None},
        Expect(
            unknowns=(
                "Kind of wound (gunshot, stab or other): a report to police is required for a "
                "gunshot or stab wound",
            )
        ),
    ),
    "stab-by-another-person": (
        [STAB_NOT_SELF, STAB_SELF],
        {"injury_kind": STAB},
        Expect(required=("stab",)),
    ),
    "self-inflicted-stab-is-discretionary": (
        [STAB_NOT_SELF, STAB_SELF],
        {"injury_kind": STAB, "injury_self_inflicted_or_accidental": YES},
        Expect(permitted=("stab-self",)),
    ),
    "self-inflicted-unknown-is-asked": (
        [STAB_NOT_SELF, STAB_SELF],
        {"injury_kind": STAB, "injury_self_inflicted_or_accidental": UNKNOWN},
        Expect(
            unknowns=(
                "Whether the wound was self-inflicted or accidental: a report to police is "
                "required unless it was and permitted if it was",
            )
        ),
    ),
    # Crime injuries, and a condition the facts cannot answer.
    "serious-crime-injury": ([CRIME], {"serious_crime_injury": YES}, Expect(required=("crime",))),
    "no-crime-injury": ([CRIME], {}, Expect()),
    "crime-injury-unknown-is-asked": (
        [CRIME],
        {"serious_crime_injury": UNKNOWN},
        Expect(
            unknowns=(
                "Whether the patient has a serious injury caused by a crime: a report to police "
                "is required if so",
            )
        ),
    ),
    "unanswerable-condition-is-asked": (
        [CRIME_LIFE_THREATENING],
        {"serious_crime_injury": YES},
        Expect(
            unknowns=(
                "Whether the injury is life-threatening: a report to sheriff is required if so",
            )
        ),
    ),
    "unanswerable-condition-not-asked-when-ruled-out": ([CRIME_LIFE_THREATENING], {}, Expect()),
    # Capacity rows.
    "lacks-capacity": (
        [LACKS_CAPACITY_ROW],
        {"capacity": LACKS},
        Expect(required=("lacks-capacity",)),
    ),
    "has-capacity": ([LACKS_CAPACITY_ROW], {}, Expect()),
    "capacity-unknown-is-asked": (
        [LACKS_CAPACITY_ROW],
        {"capacity": UNKNOWN_CAPACITY},
        Expect(
            unknowns=(
                "Patient's decision-making capacity: a report to police is required if they lack "
                "capacity",
            )
        ),
    ),
    # The consent path for a competent adult.
    "adult-agrees-to-police": (
        [CONSENT],
        {"patient_consents_to_police": YES},
        Expect(permitted=("consent",)),
    ),
    "adult-declines-police": ([CONSENT], {}, Expect()),
    "adult-not-yet-asked": (
        [CONSENT],
        {"patient_consents_to_police": UNKNOWN},
        Expect(needs_consent=("consent",), unknowns=(ASK_ABOUT_POLICE,)),
    ),
    "consent-path-is-for-adults": (
        [CONSENT],
        {"age": 16, "patient_consents_to_police": UNKNOWN},
        Expect(),
    ),
    "consent-path-age-unknown": (
        [CONSENT],
        {"age": None, "patient_consents_to_police": UNKNOWN},
        Expect(
            unknowns=(
                "Patient's age: a report to police needs the patient's consent at 18 or over",
            )
        ),
    ),
    "consent-path-capacity-unknown": (
        [LACKS_CAPACITY_ROW, CONSENT],
        {"capacity": UNKNOWN_CAPACITY, "patient_consents_to_police": UNKNOWN},
        Expect(
            unknowns=(
                "Patient's decision-making capacity: a report to police is required if they lack "
                "capacity and needs the patient's consent if they have capacity",
            )
        ),
    ),
    "no-consent-without-capacity": (
        [LACKS_CAPACITY_ROW, CONSENT],
        {"capacity": LACKS},
        Expect(required=("lacks-capacity",)),
    ),
    "required-police-report-is-not-put-to-consent": (
        [GUNSHOT_ROW, CONSENT],
        {"injury_kind": GUNSHOT, "patient_consents_to_police": UNKNOWN},
        Expect(required=("gunshot",)),
    ),
    "consent-still-asked-beside-other-agencies": (
        [ELDER_65, CONSENT],
        {"age": 70, "patient_consents_to_police": UNKNOWN},
        Expect(required=("elder-65",), needs_consent=("consent",), unknowns=(ASK_ABOUT_POLICE,)),
    ),
    # One report per recipient; only questions that could change the outcome stay.
    "same-recipient-merged": (
        [GUNSHOT_ROW, CRIME],
        {"injury_kind": GUNSHOT, "serious_crime_injury": YES},
        Expect(required=("gunshot",)),
    ),
    "permitted-dropped-when-required": (
        [CHILD_UNDER_16, row("child-may", "child", "permissive", age_max=17)],
        {"age": 15},
        Expect(required=("child-under-16",)),
    ),
    "question-dropped-when-recipient-required": (
        [CHILD_UNDER_16, CHILD_CAREGIVER],
        {"age": 15, "caregiver_involved": UNKNOWN},
        Expect(required=("child-under-16",)),
    ),
    "mandatory-question-kept-when-only-permitted": (
        [CHILD_16_17, CHILD_CAREGIVER],
        {"age": 17, "caregiver_involved": UNKNOWN},
        Expect(permitted=("child-16-17",), unknowns=(ASK_CAREGIVER,)),
    ),
    "permissive-question-dropped-when-permitted": (
        [CHILD_16_17, CHILD_CAREGIVER_MAY],
        {"age": 17, "caregiver_involved": UNKNOWN},
        Expect(permitted=("child-16-17",)),
    ),
    "nothing-applies": (
        [CHILD_UNDER_16, ELDER_65, GUNSHOT_ROW, CRIME, LACKS_CAPACITY_ROW],
        {},
        Expect(),
    ),
    "empty-table": ([], {}, Expect()),
}


@pytest.mark.parametrize(
    ("rows", "changes", "expect"), list(ENGINE_CASES.values()), ids=list(ENGINE_CASES)
)
def test_engine_on_small_tables(
    rows: list[dict[str, Any]], changes: dict[str, Any], expect: Expect
) -> None:
    decision = decide_with(rows, **changes)

    check(decision, expect, prefix="ZZ-A-")
    assert [h.number for h in decision.hotlines] == ["0-ZZ-A"]


def test_age_question_names_both_ranges_exactly() -> None:
    decision = decide_with([CHILD_UNDER_16, CHILD_16_17], age=None)

    assert decision.unknowns == (AGE_QUESTION,)


def test_caregiver_downgrade_says_why() -> None:
    decision = decide_with([CHILD_CAREGIVER], age=17)

    (report,) = decision.permitted
    assert "permitted, not required" in report.reason
    assert any("only when a parent or caregiver is involved" in r for r in decision.reasons)


def test_stab_wound_under_a_gunshot_rule_explains_the_miss() -> None:
    decision = decide_with([GUNSHOT_ROW], injury_kind=STAB)

    assert any("covers a gunshot wound only; this is a stab wound" in r for r in decision.reasons)


def test_self_inflicted_exclusion_is_explained() -> None:
    decision = decide_with(
        [STAB_NOT_SELF], injury_kind=STAB, injury_self_inflicted_or_accidental=YES
    )

    assert decision.required == ()
    assert any("leaves out self-inflicted or accidental" in r for r in decision.reasons)


def test_child_rule_miss_is_explained_for_a_minor_only() -> None:
    minor = decide_with([CHILD_UNDER_16], age=16)
    adult = decide_with([CHILD_UNDER_16], age=40)

    assert any("the patient is 16; this rule covers under 16" in r for r in minor.reasons)
    assert not any("this rule covers" in r for r in adult.reasons)


def test_consent_given_is_permitted_with_the_reason() -> None:
    decision = decide_with([CONSENT], patient_consents_to_police=YES)

    (report,) = decision.permitted
    assert "agrees to police involvement" in report.reason
    assert report.recipient == "police"


def test_refusal_is_respected_and_said() -> None:
    decision = decide_with([CONSENT])

    assert decision.required == decision.permitted == decision.needs_consent == ()
    assert any("declined police involvement" in r and "respected" in r for r in decision.reasons)


def test_consent_not_sought_for_a_report_already_required() -> None:
    decision = decide_with([GUNSHOT_ROW, CONSENT], injury_kind=GUNSHOT)

    assert any("consent is not sought" in r for r in decision.reasons)


def test_lack_of_capacity_with_no_duty_points_to_the_decision_maker() -> None:
    decision = decide_with([CONSENT], capacity=LACKS)

    assert decision.required == ()
    assert any("cannot rest on their consent" in r for r in decision.reasons)
    assert any("substitute decision-maker" in r for r in decision.reasons)


def test_same_recipient_gives_one_report_citing_both_rules() -> None:
    decision = decide_with([GUNSHOT_ROW, CRIME], injury_kind=GUNSHOT, serious_crime_injury=YES)

    (report,) = decision.required
    assert "Also under ZZ-A-crime" in report.reason


def test_report_carries_the_row_limits_and_flags() -> None:
    flagged = row("flagged", "child", age_max=17, needs_verification=True)
    (report,) = decide_with([flagged], age=10).required

    assert report.recipient == "the agency"
    assert report.legal_basis == "Test Act s.flagged"
    assert report.disclosure_limit == "Only what the report needs."
    assert report.needs_verification is True
    assert report.reason.startswith("The patient is 10")


def test_nothing_required_is_said_and_missing_facts_are_pointed_to() -> None:
    quiet = decide_with([GUNSHOT_ROW])
    open_ = decide_with([GUNSHOT_ROW], injury_kind=None)

    assert any(r == "No report is required on the facts recorded." for r in quiet.reasons)
    assert any("Some facts are still missing" in r for r in open_.reasons)


def test_decision_records_jurisdiction_and_table_version() -> None:
    decision = decide_with([])

    assert (decision.jurisdiction, decision.rules_version) == ("ZZ-A", 3)


def test_facts_and_rules_must_be_for_the_same_jurisdiction() -> None:
    rules = load_jurisdiction_rules(table(entry("ZZ-A", [])), "ZZ-A")

    with pytest.raises(ValueError, match="ZZ-B"):
        reporting_requirements(facts("ZZ-B"), rules)


@pytest.mark.parametrize("age", [-1, True], ids=["negative", "bool"])
def test_facts_reject_a_nonsense_age(age: Any) -> None:
    with pytest.raises(ValueError, match="age"):
        facts(age=age)


# --- Loading: fallbacks and layering ------------------------------------------------------------

LAYERED = table(
    entry("ZZ", [CONSENT | {"id": "ZZ-consent"}, CHILD_UNDER_16 | {"id": "ZZ-child"}]),
    entry("ZZ-A", [CHILD_16_17, LACKS_CAPACITY_ROW]),
    entry(
        "DEFAULT",
        [
            row("child", "child", age_max=17, code="DEFAULT"),
            row("crime", "crime_injury", code="DEFAULT"),
            row("consent", "capacity", "consent", age_min=18, code="DEFAULT"),
        ],
    ),
    entry("QQ", [], hotlines=[]),
)


def ids(rules: Any) -> list[str]:
    return [r.id for r in rules.rows]


def test_own_rows_replace_country_rows_on_the_same_topic() -> None:
    rules = load_jurisdiction_rules(LAYERED, "ZZ-A")

    # ZZ-A has its own child rows, so ZZ's child row is left out; ZZ's consent path is added
    # even though ZZ-A has a (mandatory) capacity row: consent is a topic of its own.
    assert ids(rules) == ["ZZ-A-child-16-17", "ZZ-A-lacks-capacity", "ZZ-consent"]
    assert rules.name == "Testland ZZ-A"
    assert any("Testland ZZ rules are included for: consent" in n for n in rules.notes)


def test_unlisted_subdivision_gets_country_rows_then_default() -> None:
    rules = load_jurisdiction_rules(LAYERED, "zz-b ")

    assert rules.code == "ZZ-B"
    assert ids(rules) == ["ZZ-consent", "ZZ-child", "DEFAULT-crime"]
    assert "not in the rule table" in rules.name
    assert any("ZZ-B is not in the rule table" in n and "DEFAULT" in n for n in rules.notes)


def test_unlisted_country_falls_back_to_default_and_the_decision_says_so() -> None:
    rules = load_jurisdiction_rules(LAYERED, "XX-YY")
    decision = reporting_requirements(facts("XX-YY", age=12), rules)

    assert ids(rules) == ["DEFAULT-child", "DEFAULT-crime", "DEFAULT-consent"]
    assert [r.rule_id for r in decision.required] == ["DEFAULT-child"]
    assert any("XX-YY is not in the rule table" in r for r in decision.reasons)


def test_hotlines_national_first_then_local_and_default_only_when_nothing_else() -> None:
    own_and_country = load_jurisdiction_rules(LAYERED, "ZZ-A")
    country_only = load_jurisdiction_rules(LAYERED, "ZZ-B")
    nothing_listed = load_jurisdiction_rules(LAYERED, "XX")
    no_lines = load_jurisdiction_rules(LAYERED, "QQ")

    assert [h.number for h in own_and_country.hotlines] == ["0-ZZ", "0-ZZ-A"]
    assert [h.number for h in country_only.hotlines] == ["0-ZZ"]
    assert [h.number for h in nothing_listed.hotlines] == ["0-DEFAULT"]
    assert [h.number for h in no_lines.hotlines] == ["0-DEFAULT"]


def test_hotlines_are_listed_once_each() -> None:
    same_line = [{"name": "Same line", "number": "1-800-000-0000", "notes": "24/7"}]
    data = table(entry("ZZ", [], hotlines=same_line), entry("ZZ-A", [], hotlines=same_line))

    assert len(load_jurisdiction_rules(data, "ZZ-A").hotlines) == 1


def test_none_found_note_is_said_when_the_facts_touch_it() -> None:
    data = table(entry("ZZ-A", [], none_found={"weapon_injury": "No wound law was found."}))
    rules = load_jurisdiction_rules(data, "ZZ-A")

    stab = reporting_requirements(facts(injury_kind=STAB), rules)
    bruise = reporting_requirements(facts(injury_kind=OTHER), rules)

    assert "Testland ZZ-A: No wound law was found." in stab.reasons
    assert not any("No wound law" in r for r in bruise.reasons)


def test_empty_code_is_refused() -> None:
    with pytest.raises(ValueError, match="code"):
        load_jurisdiction_rules(LAYERED, "  ")


def broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(table(entry("ZZ-A", [row("child", "child", age_max=17)])))
    change(data)
    return data


def first_row(data: dict[str, Any]) -> dict[str, Any]:
    return data["jurisdictions"][0]["rules"][0]


BROKEN_TABLES = {
    "not-an-object": (lambda d: d.clear(), "missing"),
    "no-jurisdictions": (lambda d: d.update(jurisdictions=[]), "non-empty list"),
    "bad-version": (lambda d: d.update(version=0), "version"),
    "bad-table-date": (lambda d: d.update(checked_on="29/11/2026"), "checked_on"),
    "unknown-top-field": (lambda d: d.update(extra=1), "unknown field extra"),
    "no-default": (lambda d: d["jurisdictions"].pop(), "DEFAULT"),
    "duplicate-code": (lambda d: d["jurisdictions"].append(d["jurisdictions"][0]), "duplicate"),
    "bad-code": (lambda d: d["jurisdictions"][0].update(code="Ontario"), "not like CA-ON"),
    "unknown-entry-field": (lambda d: d["jurisdictions"][0].update(rows=[]), "unknown field rows"),
    "bad-none-found-topic": (
        lambda d: d["jurisdictions"][0].update(none_found={"dv": "none"}),
        "none_found",
    ),
    "hotline-without-number": (
        lambda d: d["jurisdictions"][0]["hotlines"][0].pop("number"),
        "number",
    ),
    "missing-row-field": (lambda d: first_row(d).pop("legal_basis"), "missing legal_basis"),
    "misspelt-row-field": (lambda d: first_row(d).update(age_mx=3), "unknown field age_mx"),
    "empty-legal-basis": (lambda d: first_row(d).update(legal_basis=" "), "legal_basis"),
    "empty-source": (lambda d: first_row(d).update(source=""), "source"),
    "bad-trigger": (lambda d: first_row(d).update(trigger="kid"), "'kid' is not one of"),
    "bad-duty": (lambda d: first_row(d).update(duty="maybe"), "'maybe' is not one of"),
    "ages-reversed": (lambda d: first_row(d).update(age_min=18), "above age_max"),
    "age-as-text": (lambda d: first_row(d).update(age_max="17"), "age_max"),
    "age-as-bool": (lambda d: first_row(d).update(age_max=True), "age_max"),
    "child-without-upper-age": (lambda d: first_row(d).update(age_max=None), "needs an age_max"),
    "consent-off-capacity": (lambda d: first_row(d).update(duty="consent"), "consent duty"),
    "kinds-on-non-weapon-row": (
        lambda d: first_row(d).update(weapon_kinds=["stab"]),
        "weapon_kinds",
    ),
    "weapon-row-without-kinds": (
        lambda d: first_row(d).update(trigger="weapon_injury", age_max=None),
        "weapon_kinds",
    ),
    "unknown-weapon": (
        lambda d: first_row(d).update(trigger="weapon_injury", weapon_kinds=["club"]),
        "weapon_kinds",
    ),
    "bad-row-date": (lambda d: first_row(d).update(checked_on="soon"), "checked_on"),
    "flag-as-text": (lambda d: first_row(d).update(needs_verification="yes"), "needs_verification"),
    "id-of-another-jurisdiction": (lambda d: first_row(d).update(id="CA-ON-child"), "must start"),
    "duplicate-row-id": (
        lambda d: d["jurisdictions"][0]["rules"].append(first_row(d)),
        "duplicate rule id",
    ),
}


@pytest.mark.parametrize(
    ("change", "message"), list(BROKEN_TABLES.values()), ids=list(BROKEN_TABLES)
)
def test_malformed_table_is_refused_with_where(change: Any, message: str) -> None:
    with pytest.raises(RuleTableError, match=message):
        load_jurisdiction_rules(broken(change), "ZZ-A")


def test_table_must_be_an_object() -> None:
    with pytest.raises(RuleTableError, match="JSON object"):
        load_jurisdiction_rules([], "ZZ-A")  # type: ignore[arg-type]


# --- The shipped table: clinical scenarios ------------------------------------------------------


def decide(jurisdiction: str, **changes: Any) -> ReportingDecision:
    rules = load_jurisdiction_rules(SHIPPED, jurisdiction)
    return reporting_requirements(facts(jurisdiction, **changes), rules)


# name: (jurisdiction, fact changes, expected decision)
SHIPPED_CASES: dict[str, tuple[str, dict[str, Any], Expect]] = {
    "ON-15-child-report-required": (
        "CA-ON",
        {"age": 15},
        Expect(required=("CA-ON-child-under-16",)),
    ),
    "ON-16-child-report-permitted-not-required": (
        "CA-ON",
        {"age": 16},
        Expect(permitted=("CA-ON-child-16-17",)),
    ),
    "ON-18-no-child-report": ("CA-ON", {"age": 18}, Expect()),
    "ON-age-unknown-asked-not-assumed": (
        "CA-ON",
        {"age": None},
        Expect(
            unknowns=(
                "Patient's age: a report to a children's aid society is required under 16 and "
                "permitted at 16–17",
            )
        ),
    ),
    "ON-competent-adult-declines-police": ("CA-ON", {}, Expect()),
    "ON-competent-adult-agrees-to-police": (
        "CA-ON",
        {"patient_consents_to_police": YES},
        Expect(permitted=("CA-competent-adult",)),
    ),
    "ON-competent-adult-not-yet-asked": (
        "CA-ON",
        {"patient_consents_to_police": UNKNOWN},
        Expect(needs_consent=("CA-competent-adult",), unknowns=(ASK_ABOUT_POLICE,)),
    ),
    "ON-gunshot-police-report": (
        "CA-ON",
        {"injury_kind": GUNSHOT},
        Expect(required=("CA-ON-gunshot",)),
    ),
    "ON-stab-not-required-gunshot-only": ("CA-ON", {"injury_kind": STAB}, Expect()),
    "MB-stab-required": ("CA-MB", {"injury_kind": STAB}, Expect(required=("CA-MB-stab",))),
    "MB-self-inflicted-stab-not-required": (
        "CA-MB",
        {"injury_kind": STAB, "injury_self_inflicted_or_accidental": YES},
        Expect(),
    ),
    "BC-self-inflicted-stab-discretionary": (
        "CA-BC",
        {"injury_kind": STAB, "injury_self_inflicted_or_accidental": YES},
        Expect(permitted=("CA-BC-stab-self-inflicted",)),
    ),
    "AB-self-inflicted-gunshot-not-required": (
        "CA-AB",
        {"injury_kind": GUNSHOT, "injury_self_inflicted_or_accidental": YES},
        Expect(),
    ),
    "NB-self-inflicted-gunshot-still-required": (
        "CA-NB",
        {"injury_kind": GUNSHOT, "injury_self_inflicted_or_accidental": YES},
        Expect(required=("CA-NB-gunshot",)),
    ),
    "QC-stab-not-required": ("CA-QC", {"injury_kind": STAB}, Expect()),
    "PE-stab-no-law-found": ("CA-PE", {"injury_kind": STAB}, Expect()),
    "NL-adult-lacking-capacity": (
        "CA-NL",
        {"capacity": LACKS},
        Expect(required=("CA-NL-adult-protection",)),
    ),
    "NS-adult-lacking-capacity": (
        "CA-NS",
        {"capacity": LACKS},
        Expect(
            required=("CA-NS-adult-protection",),
            unknowns=("Whether the adult was abused as a patient or resident of a hospital",),
        ),
    ),
    "NS-17-no-caregiver-permitted": (
        "CA-NS",
        {"age": 17},
        Expect(permitted=("CA-NS-child-caregiver",)),
    ),
    "NS-17-caregiver-required": (
        "CA-NS",
        {"age": 17, "caregiver_involved": YES},
        Expect(required=("CA-NS-child-caregiver",)),
    ),
    "NS-15-third-party-required-whoever-is-involved": (
        "CA-NS",
        {"age": 15, "caregiver_involved": UNKNOWN},
        Expect(required=("CA-NS-child-third-party",)),
    ),
    "NB-elder-may-report": ("CA-NB", {"age": 70}, Expect(permitted=("CA-NB-elder",))),
    "BC-18-still-a-child": ("CA-BC", {"age": 18}, Expect(required=("CA-BC-child",))),
    "unknown-jurisdiction-lacking-capacity-police": (
        "XX-YY",
        {"capacity": LACKS},
        Expect(required=("DEFAULT-lacks-capacity",)),
    ),
    "unknown-jurisdiction-child-both-reports": (
        "XX-YY",
        {"age": 14},
        Expect(required=("DEFAULT-child-protection", "DEFAULT-child-police")),
    ),
    "US-NY-gunshot": ("US-NY", {"injury_kind": GUNSHOT}, Expect(required=("US-NY-gunshot",))),
    "US-NY-knife-wound-asks-if-fatal": (
        "US-NY",
        {"injury_kind": STAB},
        Expect(unknowns=("Whether the wound is likely to or may result in death",)),
    ),
    "US-CA-assaultive-injury": (
        "US-CA",
        {"serious_crime_injury": YES},
        Expect(required=("US-CA-assaultive-injury",)),
    ),
    "US-CA-elder": ("US-CA", {"age": 80}, Expect(required=("US-CA-elder",))),
    "US-TX-gunshot": ("US-TX", {"injury_kind": GUNSHOT}, Expect(required=("US-TX-gunshot",))),
    "US-FL-gunshot-to-sheriff": (
        "US-FL",
        {"injury_kind": GUNSHOT},
        Expect(required=("US-FL-gunshot",)),
    ),
    "US-IL-gunshot-asks-about-police-escort": (
        "US-IL",
        {"injury_kind": GUNSHOT},
        Expect(unknowns=("Whether the patient did not arrive with a police officer",)),
    ),
    "US-TX-adult-agrees-to-police": (
        "US-TX",
        {"patient_consents_to_police": YES},
        Expect(permitted=("US-competent-adult",)),
    ),
    "US-unlisted-state-sexually-exploited-minor": (
        "US-WA",
        {"age": 15},
        Expect(required=("US-child-sex-trafficking",)),
    ),
    "US-unlisted-state-labour-exploited-minor": (
        "US-WA",
        {"age": 15, "exploitation_kind": ExploitationKind.LABOUR},
        Expect(permitted=("US-child-other-exploitation",)),
    ),
    # The named scenarios, in more places than Ontario.
    "ON-gunshot-required-even-when-police-declined": (
        "CA-ON",
        {"injury_kind": GUNSHOT, "patient_consents_to_police": NO},
        Expect(required=("CA-ON-gunshot",)),
    ),
    "ON-gunshot-age-unknown-still-asks-the-age": (
        "CA-ON",
        {"injury_kind": GUNSHOT, "age": None},
        Expect(
            required=("CA-ON-gunshot",),
            unknowns=("Patient's age: a report to a children's aid society is required under 16",),
        ),
    ),
    "US-NY-age-unknown-asked-not-assumed": (
        "US-NY",
        {"age": None},
        Expect(
            unknowns=(
                "Patient's age: a report to the Statewide Central Register (1-800-342-3720) is "
                "required under 18; a report to local police needs the patient's consent at 18",
            )
        ),
    ),
    "US-TX-competent-adult-declines-police": ("US-TX", {}, Expect()),
    "unknown-jurisdiction-lacking-capacity-consent-is-not-the-question": (
        "XX-YY",
        {"capacity": LACKS, "patient_consents_to_police": YES},
        Expect(required=("DEFAULT-lacks-capacity",)),
    ),
    "NS-16-lacking-capacity-adult-protection-and-child-report": (
        "CA-NS",
        {"age": 16, "capacity": LACKS},
        Expect(
            required=("CA-NS-adult-protection",),
            permitted=("CA-NS-child-caregiver",),
            unknowns=("Whether the adult was abused as a patient or resident of a hospital",),
        ),
    ),
    "US-FL-adult-lacking-capacity": (
        "US-FL",
        {"capacity": LACKS},
        Expect(required=("US-FL-vulnerable-adult",)),
    ),
    "US-CA-dependent-adult-with-disability": (
        "US-CA",
        {"age": 40, "developmental_disability": YES},
        Expect(required=("US-CA-dependent-adult",)),
    ),
    "US-NY-80-no-general-elder-duty": ("US-NY", {"age": 80}, Expect()),
    "US-IL-65-elder-asks-about-the-setting": (
        "US-IL",
        {"age": 65},
        Expect(unknowns=("Whether the adult lives in a domestic setting",)),
    ),
    # Child ages the references single out.
    "SK-16-required-since-2024": ("CA-SK", {"age": 16}, Expect(required=("CA-SK-child",))),
    "NL-17-youth-required": ("CA-NL", {"age": 17}, Expect(required=("CA-NL-child",))),
    "NT-17-permitted-pending-verification": (
        "CA-NT",
        {"age": 17},
        Expect(permitted=("CA-NT-child-16-18",)),
    ),
    "QC-17-labour-exploitation-still-required": (
        "CA-QC",
        {"age": 17, "exploitation_kind": ExploitationKind.LABOUR},
        Expect(required=("CA-QC-child",)),
    ),
}


@pytest.mark.parametrize(
    ("jurisdiction", "changes", "expect"), list(SHIPPED_CASES.values()), ids=list(SHIPPED_CASES)
)
def test_engine_on_the_shipped_table(
    jurisdiction: str, changes: dict[str, Any], expect: Expect
) -> None:
    check(decide(jurisdiction, **changes), expect)


def test_ontario_16_year_old_is_told_why_not_required() -> None:
    decision = decide("CA-ON", age=16)

    assert any("the patient is 16; this rule covers under 16" in r for r in decision.reasons)


def test_competent_adult_declining_police_keeps_the_hotline() -> None:
    decision = decide("CA-ON")

    assert not any("police" in r.recipient for r in decision.required + decision.permitted)
    assert any("refusal is respected" in r for r in decision.reasons)
    assert "1-833-900-1010" in [h.number for h in decision.hotlines]


def test_ontario_gunshot_discloses_only_name_fact_and_facility() -> None:
    (report,) = decide("CA-ON", injury_kind=GUNSHOT).required

    assert report.recipient == "local police"
    assert "Mandatory Gunshot Wounds Reporting Act" in report.legal_basis
    for part in ("name", "gunshot wound", "facility's name and location", "Nothing else"):
        assert part in report.disclosure_limit


def test_ontario_stab_wound_explains_gunshot_only() -> None:
    decision = decide("CA-ON", injury_kind=STAB)

    assert any("covers a gunshot wound only; this is a stab wound" in r for r in decision.reasons)


def test_prince_edward_island_says_no_wound_law_was_found() -> None:
    decision = decide("CA-PE", injury_kind=STAB)

    assert any(r.startswith("Prince Edward Island: No gunshot") for r in decision.reasons)


def test_unknown_jurisdiction_falls_back_to_default_with_a_reason() -> None:
    decision = decide("XX-YY", capacity=LACKS)

    assert any("XX-YY is not in the rule table" in r for r in decision.reasons)
    assert all(r.needs_verification for r in decision.required)
    # Neither country is known, so both national lines are offered.
    assert {"1-833-900-1010", "1-888-373-7888"} <= {h.number for h in decision.hotlines}


def test_us_state_hotlines_exclude_the_canadian_line() -> None:
    numbers = [h.number for h in decide("US-NY").hotlines]

    assert numbers[:2] == ["1-888-373-7888", "988"]
    assert "1-833-900-1010" not in numbers


def test_declined_police_with_a_gunshot_wound_says_the_report_is_made_anyway() -> None:
    decision = decide("CA-ON", injury_kind=GUNSHOT, patient_consents_to_police=NO)

    assert any("consent is not sought" in r and "CA-ON-gunshot" in r for r in decision.reasons)
    assert not any("refusal is respected" in r for r in decision.reasons)


@pytest.mark.parametrize(
    ("jurisdiction", "line"),
    [("CA-ON", "1-833-900-1010"), ("US-TX", "1-888-373-7888"), ("XX-YY", "1-888-373-7888")],
)
def test_a_refusal_is_respected_and_the_hotline_still_offered(jurisdiction: str, line: str) -> None:
    decision = decide(jurisdiction)

    assert decision.required == decision.permitted == decision.needs_consent == ()
    assert any("declined police involvement" in r for r in decision.reasons)
    assert line in [h.number for h in decision.hotlines]


def test_us_ca_gunshot_from_assault_is_one_police_call() -> None:
    decision = decide("US-CA", injury_kind=GUNSHOT, serious_crime_injury=YES)

    (report,) = decision.required
    assert report.rule_id == "US-CA-firearm-wound"
    assert "US-CA-assaultive-injury" in report.reason
    assert report.needs_verification


JURISDICTIONS = [e["code"] for e in SHIPPED["jurisdictions"]] + ["US-WA", "CA-XX", "XX-YY"]


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_nothing_known_means_nothing_decided_only_asked(jurisdiction: str) -> None:
    """The core promise: with every fact missing, no report is assumed and none is dropped."""
    rules = load_jurisdiction_rules(SHIPPED, jurisdiction)
    decision = reporting_requirements(nothing_known(jurisdiction), rules)

    assert decision.required == decision.permitted == decision.needs_consent == ()
    assert decision.unknowns[0].startswith("Patient's age:")
    assert decision.hotlines


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_every_fact_known_leaves_only_questions_the_facts_cannot_answer(jurisdiction: str) -> None:
    rules = load_jurisdiction_rules(SHIPPED, jurisdiction)
    conditions = {f"Whether {row.condition}" for row in rules.rows if row.condition}
    for changes in (
        {},
        {"age": 10, "caregiver_involved": YES},
        {"age": 70, "vulnerable_or_elderly_adult": YES, "capacity": LACKS},
        {"injury_kind": GUNSHOT, "serious_crime_injury": YES, "developmental_disability": YES},
        {"injury_kind": STAB, "injury_self_inflicted_or_accidental": YES},
    ):
        decision = reporting_requirements(facts(jurisdiction, **changes), rules)
        for line in decision.unknowns:
            assert line.split(":")[0] in conditions, line


# --- Capacity -----------------------------------------------------------------------------------

FINDINGS = list(AbilityFinding)


def expected_outcome(findings: dict[Ability, AbilityFinding]) -> CapacityOutcome:
    values = set(findings.values())
    if AbilityFinding.ABSENT in values:
        return CapacityOutcome.LACKS_CAPACITY
    if values == {AbilityFinding.PRESENT} and len(findings) == len(Ability):
        return CapacityOutcome.HAS_CAPACITY
    return CapacityOutcome.UNKNOWN


ALL_COMBINATIONS = [
    dict(zip(Ability, combination, strict=True))
    for combination in itertools.product(FINDINGS, repeat=len(Ability))
]


@pytest.mark.parametrize(
    "findings",
    ALL_COMBINATIONS,
    ids=["-".join(f.value for f in c.values()) for c in ALL_COMBINATIONS],
)
def test_capacity_over_every_combination(findings: dict[Ability, AbilityFinding]) -> None:
    result = assess_capacity(findings)

    assert result.outcome is expected_outcome(findings)
    named = " ".join(result.reasons)
    if result.outcome is CapacityOutcome.LACKS_CAPACITY:
        for ability, finding in findings.items():
            assert (ability.label in named) is (finding is AbilityFinding.ABSENT)
    if result.outcome is CapacityOutcome.UNKNOWN:
        for ability, finding in findings.items():
            assert (ability.label in named) is (finding is AbilityFinding.NOT_ASSESSED)


CAPACITY_CASES = {
    "all-four-present": (
        {a: AbilityFinding.PRESENT for a in Ability},
        CapacityOutcome.HAS_CAPACITY,
        ["All four abilities are present"],
    ),
    "cannot-appreciate": (
        {a: AbilityFinding.PRESENT for a in Ability} | {Ability.APPRECIATE: AbilityFinding.ABSENT},
        CapacityOutcome.LACKS_CAPACITY,
        ["Absent: the ability to appreciate the situation and its consequences."],
    ),
    "absent-wins-over-not-assessed": (
        {Ability.REASON: AbilityFinding.ABSENT},
        CapacityOutcome.LACKS_CAPACITY,
        ["Absent: the ability to reason about the options."],
    ),
    "nothing-assessed": (
        {},
        CapacityOutcome.UNKNOWN,
        [f"Not assessed: the ability to {a.label}." for a in Ability],
    ),
    "missing-key-is-not-assessed": (
        {a: AbilityFinding.PRESENT for a in Ability if a is not Ability.UNDERSTAND},
        CapacityOutcome.UNKNOWN,
        ["Not assessed: the ability to understand the relevant information."],
    ),
    "stored-values-accepted": (
        {"communicate_choice": "present", "understand": "present", "appreciate": "present",
         "reason": "present"},
        CapacityOutcome.HAS_CAPACITY,
        ["All four abilities are present"],
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    ("findings", "outcome", "reasons"), list(CAPACITY_CASES.values()), ids=list(CAPACITY_CASES)
)
def test_capacity_named_cases(
    findings: dict[Any, Any], outcome: CapacityOutcome, reasons: list[str]
) -> None:
    result = assess_capacity(findings)

    assert result.outcome is outcome
    assert len(result.reasons) == len(reasons)
    for reason, beginning in zip(result.reasons, reasons, strict=True):
        assert reason.startswith(beginning)


@pytest.mark.parametrize(
    "findings",
    [{"memory": AbilityFinding.PRESENT}, {Ability.REASON: "maybe"}],
    ids=["unknown-ability", "unknown-finding"],
)
def test_capacity_refuses_unknown_keys_and_findings(findings: dict[Any, Any]) -> None:
    with pytest.raises(ValueError):
        assess_capacity(findings)
