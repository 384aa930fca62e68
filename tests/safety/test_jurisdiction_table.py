"""The shipped content: the jurisdiction rule table and the checklist templates.

These tests read the JSON as data (no database, no Django) and check that it covers what the
references say it must, that every row can be traced to a source, and that rows the references
could not confirm are flagged for verification.
"""

from __future__ import annotations

import json
from datetime import date
from importlib.resources import files
from typing import Any

import pytest

from safety.rule_table import (
    Condition,
    Duty,
    InjuryKind,
    JurisdictionRules,
    RuleRow,
    Trigger,
    load_jurisdiction_rules,
)


def content(name: str) -> dict[str, Any]:
    return json.loads((files("safety") / "content" / name).read_text(encoding="utf-8"))


TABLE = content("jurisdictions.json")
CHECKLISTS = content("checklists.json")
ENTRIES = {e["code"]: e for e in TABLE["jurisdictions"]}
TABLE_DATE = date.fromisoformat(TABLE["checked_on"])

PROVINCES_AND_TERRITORIES = [
    "CA-AB", "CA-BC", "CA-MB", "CA-NB", "CA-NL", "CA-NS", "CA-NT",
    "CA-NU", "CA-ON", "CA-PE", "CA-QC", "CA-SK", "CA-YT",
]  # fmt: skip
US_STATES = ["US-CA", "US-NY", "US-TX", "US-FL", "US-IL"]
WITH_WOUND_LAW = [
    "CA-ON",
    "CA-SK",
    "CA-NS",
    "CA-MB",
    "CA-QC",
    "CA-AB",
    "CA-BC",
    "CA-NL",
    "CA-NT",
    "CA-NB",
]
WITHOUT_WOUND_LAW = ["CA-PE", "CA-YT", "CA-NU"]
GUNSHOT_ONLY = ["CA-ON", "CA-NS", "CA-QC"]


def own_rows(code: str) -> list[RuleRow]:
    """The rows written for `code` itself, without the country or DEFAULT rows merged in."""
    return [row for row in load_jurisdiction_rules(TABLE, code).rows if row.jurisdiction == code]


ALL_ROWS = {row.id: row for code in ENTRIES for row in own_rows(code)}


def is_adult_protection(row: RuleRow) -> bool:
    if row.trigger is Trigger.CAPACITY:
        return row.duty is not Duty.CONSENT
    return row.trigger in (Trigger.ELDER, Trigger.VULNERABLE_ADULT)


def test_the_table_loads_for_every_code() -> None:
    for code in ENTRIES:
        rules = load_jurisdiction_rules(TABLE, code)
        assert isinstance(rules, JurisdictionRules)
        # Each layer merged names its version: here every one is the file's.
        layers = [code, code.split("-")[0], "DEFAULT"] if not rules.elsewhere else ["DEFAULT"]
        expected = " · ".join(f"{layer} 2" for layer in dict.fromkeys(layers) if layer in ENTRIES)
        assert rules.version == expected and TABLE["version"] == 2
    assert TABLE["checked_on"] == "2026-11-29"
    assert TABLE["source_note"]


def test_every_jurisdiction_the_references_cover_is_present() -> None:
    expected = {*PROVINCES_AND_TERRITORIES, *US_STATES, "US", "CA", "DEFAULT"}

    assert expected == set(ENTRIES)


@pytest.mark.parametrize("code", PROVINCES_AND_TERRITORIES)
def test_each_province_and_territory_covers_child_adult_and_wounds(code: str) -> None:
    rows = own_rows(code)
    none_found = ENTRIES[code].get("none_found", {})

    assert any(row.trigger is Trigger.CHILD for row in rows)
    assert any(is_adult_protection(row) for row in rows) or "adult_protection" in none_found
    assert any(row.trigger is Trigger.WEAPON_INJURY for row in rows) or (
        "weapon_injury" in none_found
    )


@pytest.mark.parametrize("code", WITH_WOUND_LAW)
def test_wound_law_covers_gunshots_and_stabs_where_the_reference_says(code: str) -> None:
    kinds = {
        kind
        for row in own_rows(code)
        if row.trigger is Trigger.WEAPON_INJURY
        for kind in row.weapon_kinds
    }

    assert InjuryKind.GUNSHOT in kinds
    assert (InjuryKind.STAB in kinds) is (code not in GUNSHOT_ONLY)


@pytest.mark.parametrize("code", WITHOUT_WOUND_LAW)
def test_no_wound_law_found_is_recorded_not_invented(code: str) -> None:
    assert not any(row.trigger is Trigger.WEAPON_INJURY for row in own_rows(code))
    assert "absence not proven" in ENTRIES[code]["none_found"]["weapon_injury"]


# (jurisdiction, age, duty of the child row covering that age, or None)
CHILD_AGES = [
    ("CA-ON", 15, Duty.MANDATORY), ("CA-ON", 16, Duty.PERMISSIVE), ("CA-ON", 17, Duty.PERMISSIVE),
    ("CA-ON", 18, None),
    ("CA-NS", 15, Duty.MANDATORY), ("CA-NS", 18, Duty.MANDATORY), ("CA-NS", 19, None),
    ("CA-NL", 17, Duty.MANDATORY), ("CA-NL", 18, None),
    ("CA-BC", 18, Duty.MANDATORY), ("CA-BC", 19, None),
    ("CA-YT", 18, Duty.MANDATORY), ("CA-YT", 19, None),
    ("CA-SK", 17, Duty.MANDATORY), ("CA-SK", 18, None),
    ("CA-NB", 18, Duty.MANDATORY), ("CA-NB", 19, None),
    ("CA-AB", 17, Duty.MANDATORY), ("CA-AB", 18, None),
    ("CA-MB", 17, Duty.MANDATORY), ("CA-QC", 17, Duty.MANDATORY), ("CA-PE", 17, Duty.MANDATORY),
    ("CA-NT", 15, Duty.MANDATORY), ("CA-NT", 18, Duty.PERMISSIVE),
    ("CA-NU", 15, Duty.MANDATORY), ("CA-NU", 17, Duty.PERMISSIVE),
    ("US", 17, Duty.MANDATORY), ("US-CA", 17, Duty.MANDATORY), ("US-NY", 17, Duty.MANDATORY),
    ("US-TX", 17, Duty.MANDATORY), ("US-FL", 17, Duty.MANDATORY), ("US-IL", 17, Duty.MANDATORY),
    ("US-NY", 18, None), ("DEFAULT", 17, Duty.MANDATORY), ("DEFAULT", 18, None),
    # Each upper bound, one year past it, and the ranges the references single out: SK's duty
    # reaches 16-17 since 12 Jun 2024 (it stopped at 15 before); NL's covers youth 16-17.
    ("CA-SK", 16, Duty.MANDATORY), ("CA-NL", 16, Duty.MANDATORY), ("CA-NS", 16, Duty.MANDATORY),
    ("CA-MB", 18, None), ("CA-QC", 18, None), ("CA-PE", 18, None), ("CA-NT", 16, Duty.PERMISSIVE),
    ("CA-NT", 19, None), ("CA-NU", 16, Duty.PERMISSIVE), ("CA-NU", 18, None),
    ("CA-YT", 0, Duty.MANDATORY),
    ("US", 18, None), ("US-CA", 18, None), ("US-TX", 18, None), ("US-FL", 18, None),
    ("US-IL", 18, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("code", "age", "duty"), CHILD_AGES, ids=[f"{c}-{a}" for c, a, _ in CHILD_AGES]
)
def test_child_protection_ages(code: str, age: int, duty: Duty | None) -> None:
    covering = {
        row.duty
        for row in own_rows(code)
        if row.trigger is Trigger.CHILD and (row.age_min or 0) <= age <= row.age_max  # type: ignore[operator]
    }

    assert (max(covering, key=[Duty.PERMISSIVE, Duty.MANDATORY].index) if covering else None) == (
        duty
    )


def test_nova_scotia_16_to_18_duty_depends_on_a_caregiver() -> None:
    rows = {row.id: row for row in own_rows("CA-NS")}

    assert rows["CA-NS-child-caregiver"].conditions == (Condition.CAREGIVER_INVOLVED,)
    assert rows["CA-NS-child-caregiver"].age_max == 18
    assert rows["CA-NS-child-third-party"].age_max == 15
    assert rows["CA-NS-child-third-party"].conditions == ()
    # 16-18 with no caregiver involved: permitted, not required (CFSA s.24 not extended).
    older = rows["CA-NS-child-16-18-third-party"]
    assert (older.duty, older.age_min, older.age_max) == (Duty.PERMISSIVE, 16, 18)
    assert older.conditions == (Condition.NO_CAREGIVER_INVOLVED,)


ADULT_DUTIES = {
    "CA-NS": Duty.MANDATORY, "CA-NL": Duty.MANDATORY, "CA-PE": Duty.MANDATORY,
    "CA-QC": Duty.MANDATORY, "CA-AB": Duty.MANDATORY, "CA-MB": Duty.MANDATORY,
    "CA-ON": Duty.MANDATORY, "CA-BC": Duty.PERMISSIVE, "CA-NB": Duty.PERMISSIVE,
    "CA-YT": Duty.PERMISSIVE, "CA-SK": None, "CA-NT": None, "CA-NU": None,
}  # fmt: skip


@pytest.mark.parametrize(("code", "duty"), ADULT_DUTIES.items())
def test_adult_protection_duty_per_province(code: str, duty: Duty | None) -> None:
    # The consent-only rows (a capable adult decides) are not a duty.
    duties = {
        row.duty
        for row in own_rows(code)
        if is_adult_protection(row) and row.duty is not Duty.CONSENT
    }

    if duty is None:
        assert not duties
        assert ENTRIES[code]["none_found"]["adult_protection"]
    else:
        assert duties == {duty}


# (rule id, age_min, age_max): the adult ages REFERENCES-jurisdictions.md §3 and §5 give.
ADULT_AGES = [
    ("CA-NS-adult-protection", 16, None),  # NS APA "adult" = 16+
    ("CA-PE-adult", 18, None),  # PE: adults 18+
    ("CA-NB-elder", 65, None),  # NB: "elderly persons" 65+, no duty
    ("CA-NL-adult-protection", 18, None),
    ("CA-BC-adult", 19, None),  # BC and YT: adults are 19+ (age of majority)
    ("CA-YT-adult", 19, None),
    ("US-CA-elder", 65, None),  # WIC 15610.27
    ("US-CA-dependent-adult", 18, 64),  # WIC 15610.23
    ("US-TX-elder", 65, None),  # HRC 48.002
    ("US-FL-vulnerable-adult", 18, None),  # no age-60 test
    ("US-IL-elder", 60, None),
    ("US-IL-adult-with-disability", 18, 59),
]


@pytest.mark.parametrize(
    ("rule_id", "age_min", "age_max"), ADULT_AGES, ids=[a[0] for a in ADULT_AGES]
)
def test_adult_protection_ages(rule_id: str, age_min: int, age_max: int | None) -> None:
    row = ALL_ROWS[rule_id]

    assert (row.age_min, row.age_max) == (age_min, age_max)


# Wound rows that leave out self-inflicted or accidental wounds, per REFERENCES-jurisdictions.md
# §4: AB both kinds; MB, BC, NT and NB stab only (NB counts self-inflicted gunshots).
SELF_INFLICTED_EXCLUDED = {
    "CA-AB": {"gunshot", "stab"},
    "CA-MB": {"stab"},
    "CA-BC": {"stab"},
    "CA-NT": {"stab"},
    "CA-NB": {"stab"},
    "CA-ON": set(),
    "CA-NS": set(),
    "CA-QC": set(),
    "CA-NL": set(),
}


@pytest.mark.parametrize(("code", "excluded"), SELF_INFLICTED_EXCLUDED.items())
def test_wound_rows_exclude_self_inflicted_wounds_where_the_act_does(
    code: str, excluded: set[str]
) -> None:
    found = {
        kind.value
        for row in own_rows(code)
        if row.trigger is Trigger.WEAPON_INJURY
        and row.duty is Duty.MANDATORY
        and {Condition.NOT_SELF_INFLICTED_OR_ACCIDENTAL, Condition.NOT_SELF_INFLICTED}
        & set(row.conditions)
        for kind in row.weapon_kinds
    }

    assert found == excluded


@pytest.mark.parametrize(
    ("code", "narrowed_by"),
    [("CA-ON", Condition.LIVES_IN_CARE_FACILITY), ("CA-AB", Condition.HARMED_IN_CARE),
     ("CA-MB", Condition.HARMED_IN_CARE), ("CA-QC", Condition.LIVES_IN_CARE_FACILITY)],
)  # fmt: skip
def test_care_only_adult_duties_carry_their_setting_as_a_condition(
    code: str, narrowed_by: Condition
) -> None:
    conditions = [set(row.conditions) for row in own_rows(code) if is_adult_protection(row)]

    assert any(narrowed_by in condition for condition in conditions)


def test_us_federal_baseline() -> None:
    rows = {row.id: row for row in own_rows("US")}

    child = rows["US-child-sex-trafficking"]
    assert (child.duty, child.age_max, child.recipient) == (
        Duty.MANDATORY,
        17,
        "child protective services",
    )
    assert "22 U.S.C. §7102" in child.legal_basis and "CAPTA" in child.legal_basis
    consent = rows["US-competent-adult"]
    # Any age: a capable minor keeps the consent path to police as an adult does.
    assert (consent.trigger, consent.duty, consent.age_min) == (Trigger.ANY, Duty.CONSENT, None)
    assert "45 CFR 164.512(c)" in consent.legal_basis


# (rule id, trigger, age_min, age_max, weapon kinds, citation fragment)
US_STATE_ROWS = [
    ("US-CA-child", Trigger.CHILD, None, 17, set(), "§11164"),
    ("US-CA-elder", Trigger.ELDER, 65, None, set(), "§15630"),
    ("US-CA-dependent-adult", Trigger.VULNERABLE_ADULT, 18, 64, set(), "§15630"),
    ("US-CA-firearm-wound", Trigger.WEAPON_INJURY, None, None, {"gunshot"}, "§11160"),
    ("US-CA-assaultive-injury", Trigger.CRIME_INJURY, None, None, set(), "§11160"),
    ("US-NY-child", Trigger.CHILD, None, 17, set(), "§413"),
    ("US-NY-gunshot", Trigger.WEAPON_INJURY, None, None, {"gunshot"}, "§265.25"),
    ("US-NY-knife-wound", Trigger.WEAPON_INJURY, None, None, {"stab"}, "§265.25"),
    ("US-TX-child", Trigger.CHILD, None, 17, set(), "§261.101"),
    ("US-TX-elder", Trigger.ELDER, 65, None, set(), "§48.051"),
    ("US-TX-gunshot", Trigger.WEAPON_INJURY, None, None, {"gunshot"}, "§161.041"),
    ("US-FL-child", Trigger.CHILD, None, 17, set(), "ch. 39"),
    ("US-FL-vulnerable-adult", Trigger.VULNERABLE_ADULT, 18, None, set(), "§415.1034"),
    ("US-FL-gunshot", Trigger.WEAPON_INJURY, None, None, {"gunshot"}, "§790.24"),
    ("US-FL-violent-injury", Trigger.CRIME_INJURY, None, None, set(), "§790.24"),
    ("US-IL-child", Trigger.CHILD, None, 17, set(), "325 ILCS 5"),
    ("US-IL-elder", Trigger.ELDER, 60, None, set(), "320 ILCS 20"),
    ("US-IL-adult-with-disability", Trigger.VULNERABLE_ADULT, 18, 59, set(), "320 ILCS 20"),
    ("US-IL-firearm-injury", Trigger.WEAPON_INJURY, None, None, {"gunshot"}, "2630/3.2"),
    ("US-IL-criminal-injury", Trigger.CRIME_INJURY, None, None, set(), "2630/3.2"),
]


@pytest.mark.parametrize(
    ("rule_id", "trigger", "age_min", "age_max", "kinds", "citation"),
    US_STATE_ROWS,
    ids=[r[0] for r in US_STATE_ROWS],
)
def test_us_state_rows(
    rule_id: str,
    trigger: Trigger,
    age_min: int | None,
    age_max: int | None,
    kinds: set[str],
    citation: str,
) -> None:
    found = ALL_ROWS[rule_id]

    assert (found.trigger, found.duty) == (trigger, Duty.MANDATORY)
    assert (found.age_min, found.age_max) == (age_min, age_max)
    assert {kind.value for kind in found.weapon_kinds} == kinds
    assert citation in found.legal_basis


def test_new_york_has_no_general_elder_duty() -> None:
    assert not any(row.trigger is Trigger.ELDER for row in own_rows("US-NY"))
    assert "no general duty" in ENTRIES["US-NY"]["notes"]


@pytest.mark.parametrize("row", ALL_ROWS.values(), ids=list(ALL_ROWS))
def test_every_row_is_traceable(row: RuleRow) -> None:
    assert row.legal_basis.strip()
    assert row.source.strip()
    assert row.recipient.strip()
    assert row.disclosure_limit.strip()
    assert row.checked_on == TABLE_DATE


@pytest.mark.parametrize(
    "rule_id",
    [
        # Marked ❓, `verify` or "not re-read" in REFERENCES-jurisdictions.md.
        "CA-SK-child", "CA-NB-child", "CA-NT-child-under-16", "CA-NT-child-16-18",
        "CA-NU-child-under-16", "CA-NU-child-16-17", "CA-PE-child", "CA-NB-gunshot",
        "CA-NB-stab", "CA-NL-gunshot-stab", "US-CA-child", "US-CA-dependent-adult",
        "US-CA-firearm-wound", "US-CA-assaultive-injury", "US-IL-child", "US-IL-elder",
        "US-IL-criminal-injury",
        # The seed's simplifications.
        "DEFAULT-child-protection", "DEFAULT-child-police", "DEFAULT-elder",
        "DEFAULT-developmental-disability", "DEFAULT-crime-injury", "DEFAULT-lacks-capacity",
        "DEFAULT-competent-adult",
    ],
)  # fmt: skip
def test_unconfirmed_rows_need_verification(rule_id: str) -> None:
    assert ALL_ROWS[rule_id].needs_verification is True


@pytest.mark.parametrize(
    "rule_id",
    [
        "CA-ON-child-under-16", "CA-ON-child-16-17", "CA-ON-gunshot", "CA-BC-child",
        "CA-AB-child", "CA-YT-child", "CA-MB-stab", "CA-QC-gunshot", "US-NY-gunshot",
        "US-TX-gunshot", "US-FL-gunshot", "US-CA-elder",
    ],
)  # fmt: skip
def test_confirmed_rows_are_not_flagged(rule_id: str) -> None:
    assert ALL_ROWS[rule_id].needs_verification is False


def test_canadian_wound_reports_limit_what_is_disclosed() -> None:
    # §4: name (if known), fact and type of wound, facility name and location; QC: identity and
    # institution only. The limit must name the facility and say that nothing else goes.
    for code in WITH_WOUND_LAW:
        for row in own_rows(code):
            if row.trigger is Trigger.WEAPON_INJURY:
                limit = row.disclosure_limit
                assert "name" in limit or "identity" in limit, row.id
                assert "facility" in limit or "institution" in limit, row.id
                assert "Nothing else" in limit or "only" in limit, row.id


def test_hotlines() -> None:
    def numbers(code: str) -> list[str]:
        return [line["number"] for line in ENTRIES[code]["hotlines"]]

    assert numbers("CA") == ["1-833-900-1010", "988"]
    assert numbers("US") == ["1-888-373-7888", "988"]
    assert "233733" in ENTRIES["US"]["hotlines"][0]["notes"]
    assert {"1-833-900-1010", "1-888-373-7888", "988"} == set(numbers("DEFAULT"))
    assert "1-800-342-3720" in numbers("US-NY")
    assert "1-855-376-4957" in numbers("CA-NL")
    for code in ENTRIES:
        for line in ENTRIES[code]["hotlines"]:
            assert line["name"] and line["number"] and line["notes"]


# Every number REFERENCES-jurisdictions.md gives for a jurisdiction, on that jurisdiction.
REFERENCE_NUMBERS = {
    "CA-AB": ["1-800-638-0715", "1-800-387-5437", "1-888-357-9339"],
    "CA-BC": ["310-1234", "1-800-663-9122"],
    "CA-MB": ["1-866-440-6366", "1-866-626-4862"],
    "CA-NB": ["1-833-733-7835", "1-800-442-9799"],
    "CA-NS": ["1-877-424-1177", "1-866-922-2434", "1-800-225-7225"],
    "CA-PE": ["1-877-341-3101", "1-800-341-6868"],
    "CA-NL": ["1-855-376-4957"],
    "CA-QC": ["1-800-361-8665"],
    "CA-YT": ["1-800-661-0408 ext. 3002", "867-667-5555", "1-800-661-0408 ext. 3946"],
    "CA-NT": ["1-855-297-5155"],
    "US-NY": ["1-800-342-3720"],
}


@pytest.mark.parametrize(("code", "expected"), REFERENCE_NUMBERS.items())
def test_local_lines_match_the_reference(code: str, expected: list[str]) -> None:
    assert [line["number"] for line in ENTRIES[code]["hotlines"]] == expected


def test_nunavut_feedback_line_is_not_offered_as_a_reporting_line() -> None:
    # §2: 1-855-522-5201 is a feedback line; reports go to the local social services worker.
    assert ENTRIES["CA-NU"]["hotlines"] == []
    assert "feedback line, not a reporting line" in ENTRIES["CA-NU"]["notes"]


# --- Checklists ---------------------------------------------------------------------------------

TEMPLATES = {t["slug"]: t for t in CHECKLISTS["templates"]}


def test_the_five_checklists_from_the_seed() -> None:
    assert list(TEMPLATES) == [
        "safety-protocol",
        "safe-environment",
        "immediate-care",
        "transfer-handoff",
        "help-refused",
    ]


@pytest.mark.parametrize("slug", list(TEMPLATES))
def test_checklist_shape(slug: str) -> None:
    template = TEMPLATES[slug]

    assert template["version"] == 1
    assert template["title"] and template["source"].startswith("seed/")
    slugs = [item["slug"] for item in template["items"]]
    assert len(slugs) == len(set(slugs)) >= 4
    for item in template["items"]:
        assert set(item) <= {"slug", "text", "help", "requires_consent", "section", "translations"}
        assert item["text"].strip()
        assert isinstance(item["requires_consent"], bool)


# Every item the seed lists, by the slug that carries it (issue 4's "from the seed").
SEED_ITEMS = {
    "safety-protocol": [
        "alert-supervisor", "keep-environment-secure", "call-security-on-threats",
        "stay-with-patient",
    ],
    "safe-environment": [
        "patient-alone", "creative-separation", "watch-for-monitoring", "build-trust-gradually",
        "people-on-the-inside",
    ],
    "immediate-care": [
        # physical
        "treat-injuries", "screen-sti", "screen-pregnancy", "screen-substance-use",
        "screen-suicidal-thoughts", "forensic-evidence", "treat-dehydration",
        "treat-malnutrition", "treat-hygiene-conditions",
        # mental health
        "assess-depression", "assess-anxiety", "assess-ptsd", "assess-suicide-risk",
        "assess-dissociation", "crisis-intervention",
        # safe discharge
        "connect-support-team", "safe-discharge-plan",
    ],
    "transfer-handoff": [
        "transfer-by-ambulance-or-police", "no-self-transport", "security-escort",
        "advance-notice", "handoff-report", "private-treatment-area", "warm-handover",
    ],
    "help-refused": [
        "do-not-judge", "no-negative-comments", "offer-hotline", "offer-team-contacts",
        "offer-discreet-card", "safe-place", "follow-up-visit",
    ],
}  # fmt: skip
SEED_SECTIONS = {
    "physical": SEED_ITEMS["immediate-care"][:9],
    "mental_health": SEED_ITEMS["immediate-care"][9:15],
    "safe_discharge": SEED_ITEMS["immediate-care"][15:],
}


@pytest.mark.parametrize("slug", list(SEED_ITEMS))
def test_every_seed_item_is_on_its_checklist(slug: str) -> None:
    assert [item["slug"] for item in TEMPLATES[slug]["items"]] == SEED_ITEMS[slug]


@pytest.mark.parametrize("section", list(SEED_SECTIONS))
def test_immediate_care_items_sit_in_the_seed_sections(section: str) -> None:
    items = [i["slug"] for i in TEMPLATES["immediate-care"]["items"] if i["section"] == section]

    assert items == SEED_SECTIONS[section]


def test_the_threat_item_names_security_and_the_police() -> None:
    (item,) = [i for i in TEMPLATES["safety-protocol"]["items"] if "security" in i["text"]]

    assert "police" in item["text"] and "threatening" in item["text"]


def test_checklists_never_name_the_concern() -> None:
    # A title or an item may be read over the clinician's shoulder or from a printout.
    for template in TEMPLATES.values():
        assert "traffick" not in template["title"].lower()
        for item in template["items"]:
            assert "traffick" not in (item["text"] + item.get("help", "")).lower()


def test_only_forensic_evidence_needs_consent() -> None:
    needing = [
        (template["slug"], item["slug"])
        for template in TEMPLATES.values()
        for item in template["items"]
        if item["requires_consent"]
    ]

    assert needing == [("immediate-care", "forensic-evidence")]


def test_immediate_care_sections() -> None:
    sections = [item.get("section") for item in TEMPLATES["immediate-care"]["items"]]

    assert set(sections) == {"physical", "mental_health", "safe_discharge"}
    assert sections == sorted(sections, key=["physical", "mental_health", "safe_discharge"].index)
    other_items = [i for s, t in TEMPLATES.items() if s != "immediate-care" for i in t["items"]]
    assert not any("section" in item for item in other_items)


def test_the_entry_schema_declares_the_one_place_code_pattern() -> None:
    """`cases.jurisdictions.JURISDICTION_CODE` is the home of the pattern (cases cannot import
    safety); the entry schema repeats it for files and edits, and must say the same."""
    from cases.jurisdictions import JURISDICTION_CODE

    schema = json.loads(
        files("safety").joinpath("content/schemas/jurisdiction.schema.json").read_text("utf-8")
    )
    assert schema["$defs"]["code"]["pattern"] == JURISDICTION_CODE.pattern
    assert JURISDICTION_CODE.match("CA-ON") and not JURISDICTION_CODE.match("ca-on")
