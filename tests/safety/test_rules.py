"""The reporting engine on the shipped rule table: one table of cases per promise it keeps."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from safety.capacity import CapacityOutcome
from safety.facts import AgeBasis, InjuryCause, ReportingFacts, Tri
from safety.rule_table import InjuryKind, load_jurisdiction_rules, places
from safety.rules import ReportingDecision, facts_to_ask, reporting_requirements

TABLE = json.loads((files("safety") / "content" / "jurisdictions.json").read_text("utf-8"))
CODES = [place.code for place in places(TABLE)]
ROW_IDS = [row["id"] for entry in TABLE["jurisdictions"] for row in entry["rules"]]

HAS = CapacityOutcome.HAS_CAPACITY
LACKS = CapacityOutcome.LACKS_CAPACITY
YES, NO = Tri.YES, Tri.NO


def decide(code: str, age: int | None = 30, **facts) -> ReportingDecision:
    """The decision for a patient of `age` (confirmed) in `code`, from the shipped table."""
    basis = facts.pop("age_basis", AgeBasis.CONFIRMED if age is not None else AgeBasis.UNKNOWN)
    return reporting_requirements(
        ReportingFacts(jurisdiction=code, age=age, age_basis=basis, **facts),
        load_jurisdiction_rules(TABLE, code),
    )


def recipients(reports) -> set[str]:
    return {report.recipient for report in reports}


# --- The whole duty reaches the result ------------------------------------------------------


def test_a_required_report_carries_who_to_whom_how_how_soon_what_and_the_statute():
    (report,) = decide("US-CA", 70, capacity=HAS, injury_kind=InjuryKind.NONE).required
    assert report.recipient == "adult protective services or local police"
    assert report.reporter == "Health practitioners (mandated reporters)"
    assert report.method == "By telephone, then in writing"
    assert report.deadline == "Immediately by telephone; in writing within 2 working days"
    assert report.disclosure_limit.startswith("The concern and what it rests on")
    assert report.legal_basis.startswith("Cal. Welf. & Inst. Code §15630")
    assert report.label == "Protection of an older adult"
    assert report.rule_ids == ("US-CA-elder",) and report.checked_on == "2026-11-29"


# --- "Permitted with the patient's consent" is its own kind ----------------------------------


@pytest.mark.parametrize(
    ("consents", "asked", "permitted", "declined"),
    [
        (
            Tri.UNKNOWN,
            {"a designated agency (usually the regional health authority)", "local police"},
            set(),
            set(),
        ),
        (
            YES,
            set(),
            {"a designated agency (usually the regional health authority)", "local police"},
            set(),
        ),
        (
            NO,
            set(),
            set(),
            {"a designated agency (usually the regional health authority)", "local police"},
        ),
    ],
)
def test_a_capable_adult_decides_the_consent_reports(consents, asked, permitted, declined):
    decision = decide(
        "CA-BC", 30, capacity=HAS, injury_kind=InjuryKind.NONE, patient_consents=consents
    )
    assert decision.required == ()
    assert recipients(decision.needs_consent) == asked
    assert recipients(decision.permitted) == permitted
    assert recipients(decision.declined) == declined


def test_a_consent_report_needs_capacity():
    decision = decide(
        "CA-BC", 30, capacity=LACKS, injury_kind=InjuryKind.NONE, patient_consents=YES
    )
    assert decision.needs_consent == () and "local police" not in recipients(decision.permitted)
    # Without capacity, the Adult Guardianship Act's permissive report applies instead.
    assert "a designated agency (usually the regional health authority)" in recipients(
        decision.permitted
    )
    assert any("substitute decision-maker" in reason for reason in decision.reasons)


# --- Minors keep the consent path ----------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "age", "required"),
    [
        ("CA-ON", 16, set()),  # CAS is permitted only; police is still the patient's choice
        ("CA-ON", 15, {"a children's aid society"}),
        ("US-TX", 16, {"the Department of Family and Protective Services or law enforcement"}),
        ("CA-NS", 17, set()),
    ],
)
def test_a_minor_with_no_police_duty_may_still_choose_police(code, age, required):
    decision = decide(code, age, capacity=HAS, injury_kind=InjuryKind.NONE, caregiver_involved=NO)
    assert recipients(decision.required) == required
    assert "local police" in recipients(decision.needs_consent)


# --- The questions match the statutes ------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "facts", "police_required"),
    [
        # California §11160 and Illinois 20 ILCS 2630/3.2: any injury from a crime.
        (
            "US-CA",
            {"injury_kind": InjuryKind.OTHER, "crime_injury": YES, "serious_injury": NO},
            True,
        ),
        (
            "US-IL",
            {"injury_kind": InjuryKind.OTHER, "crime_injury": YES, "arrived_with_police": NO},
            True,
        ),
        (
            "US-IL",
            {"injury_kind": InjuryKind.OTHER, "crime_injury": YES, "arrived_with_police": YES},
            False,
        ),
        # Florida §790.24: only a life-threatening injury from violence.
        (
            "US-FL",
            {"injury_kind": InjuryKind.OTHER, "crime_injury": YES, "serious_injury": NO},
            False,
        ),
        (
            "US-FL",
            {"injury_kind": InjuryKind.OTHER, "crime_injury": YES, "serious_injury": YES},
            True,
        ),
        # A wound caused by another person is an injury from a crime.
        (
            "US-CA",
            {"injury_kind": InjuryKind.STAB, "injury_cause": InjuryCause.ANOTHER_PERSON},
            True,
        ),
        ("US-CA", {"injury_kind": InjuryKind.NONE}, False),
    ],
)
def test_injury_duties_ask_what_their_statute_covers(code, facts, police_required):
    decision = decide(code, 30, capacity=HAS, patient_consents=NO, **facts)
    police = {"local police", "the county sheriff"} & recipients(decision.required)
    assert bool(police) is police_required


@pytest.mark.parametrize(
    ("code", "agency"),
    [
        ("CA-NS", "Adult Protection (1-800-225-7225)"),
        ("CA-NL", "Adult protection (1-855-376-4957)"),
        ("US-FL", "the Florida central abuse hotline (DCF)"),
        ("CA-QC", "the local service quality and complaints commissioner, or the police"),
    ],
)
def test_incapacity_rows_never_fire_for_a_capable_adult_marked_vulnerable(code, agency):
    everything_yes = {
        "vulnerable_adult": YES,
        "disability": YES,
        "lives_in_care_facility": NO,
        "under_guardianship": NO,
        "injury_kind": InjuryKind.NONE,
    }
    capable = decide(code, 40, capacity=HAS, **everything_yes)
    assert agency not in recipients(capable.required)
    lacking = decide(code, 40, capacity=LACKS, **everything_yes)
    assert agency in recipients(lacking.required)


# --- No false comfort ------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_the_headline_never_says_nothing_is_required_while_an_answer_could_change_it(code):
    decision = decide(code, 30, capacity=HAS, patient_consents=NO)  # nothing else answered
    if not decision.settled:
        assert "No report is required" not in decision.headline
        assert decision.unknowns
        assert not any("their refusal is respected" in reason for reason in decision.reasons)
    else:
        assert decision.headline == "No report is required on these facts." or decision.required


def test_a_refusal_is_the_last_word_only_once_no_duty_is_undecided():
    settled = decide(
        "CA-ON",
        30,
        capacity=HAS,
        injury_kind=InjuryKind.NONE,
        lives_in_care_facility=NO,
        patient_consents=NO,
    )
    assert settled.settled and settled.headline == "No report is required on these facts."
    assert any("their refusal is respected" in reason for reason in settled.reasons)
    open_wound = decide("CA-ON", 30, capacity=HAS, lives_in_care_facility=NO, patient_consents=NO)
    assert not open_wound.settled and open_wound.headline.startswith("Not settled")
    assert any("That stands only if" in reason for reason in open_wound.reasons)
    # ...and the question says which answer would change it.
    assert any(
        q.startswith("Injury — a report to local police is required for a gunshot wound")
        for q in open_wound.unknowns
    )


# --- Age not known -------------------------------------------------------------------------


@pytest.mark.parametrize("basis", [AgeBasis.UNKNOWN, AgeBasis.ESTIMATED, AgeBasis.APPEARS_MINOR])
def test_until_the_age_is_confirmed_the_minor_and_the_adult_are_shown_side_by_side(basis):
    age = 17 if basis is AgeBasis.ESTIMATED else None
    decision = decide(
        "CA-ON",
        age,
        age_basis=basis,
        capacity=HAS,
        injury_kind=InjuryKind.NONE,
        lives_in_care_facility=NO,
        patient_consents=NO,
    )
    assert not decision.age_confirmed and not decision.settled
    assert "not confirmed" in decision.headline and "possible minor" in decision.age_guidance
    minor, adult = decision.if_minor, decision.if_adult
    assert any("children's aid society is required under 16" in q for q in minor.unknowns)
    assert adult.settled and adult.required == () and adult.headline.startswith("No report")
    confirmed = decide("CA-ON", 17, capacity=HAS, injury_kind=InjuryKind.NONE, patient_consents=NO)
    assert confirmed.if_minor is None and confirmed.age_confirmed


@pytest.mark.parametrize(
    ("code", "oldest_child"), [("CA-BC", 18), ("CA-YT", 18), ("CA-ON", 17), ("US-TX", 17)]
)
def test_the_child_age_comes_from_the_table(code, oldest_child):
    rules = load_jurisdiction_rules(TABLE, code)
    assert rules.minor_until == oldest_child
    at_limit = decide(code, oldest_child, capacity=HAS, injury_kind=InjuryKind.NONE)
    assert at_limit.guide_note  # still a possible minor here
    above = decide(code, oldest_child + 1, capacity=HAS, injury_kind=InjuryKind.NONE)
    assert above.guide_note == ""


# --- Readable at a glance --------------------------------------------------------------------


def test_where_the_law_differs_from_the_guide_one_line_says_both_with_the_citation():
    note = decide("CA-ON", 16, capacity=HAS, injury_kind=InjuryKind.NONE).guide_note
    assert note.startswith("The guide says a report to child protection and to the police")
    assert "The law of Ontario says" in note
    assert "is permitted at 16–17 (Child, Youth and Family Services Act, 2017, s.125)" in note


@pytest.mark.parametrize("code", [*CODES, "ELSEWHERE"])
@pytest.mark.parametrize("age", [None, 15, 30, 70])
def test_nothing_shown_names_a_rule_id_or_a_file(code, age):
    decision = decide(
        code, age, capacity=LACKS, injury_kind=InjuryKind.GUNSHOT, patient_consents=NO
    )
    parts = [decision, decision.if_minor, decision.if_adult]
    shown = []
    for part in (p for p in parts if p):
        shown += [part.headline, part.guide_note, *part.unknowns, *part.reasons]
        for report in (*part.required, *part.permitted, *part.needs_consent, *part.declined):
            shown += [report.recipient, report.label, report.reason, report.legal_basis]
    text = " ".join(shown)
    assert "REFERENCES-" not in text and "seed/" not in text
    assert not [row_id for row_id in ROW_IDS if row_id in text]


# --- Elsewhere ----------------------------------------------------------------------------------


def test_elsewhere_gives_only_the_guides_advice_labelled_as_such():
    decision = decide("ELSEWHERE", 30, capacity=LACKS, injury_kind=InjuryKind.NONE)
    assert decision.elsewhere
    assert decision.headline.startswith("General advice from the guide, not the law of this place:")
    assert all(report.rule_ids[0].startswith("DEFAULT-") for report in decision.required)
    assert recipients(decision.required) == {"local police"}


# --- Only the questions that can matter --------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "ages", "asked", "not_asked"),
    [
        ("CA-ON", (16, 16), {"injury_kind", "patient_consents"}, {"lives_in_care_facility"}),
        ("CA-ON", (30, 30), {"injury_kind", "lives_in_care_facility"}, {"caregiver_involved"}),
        ("US-IL", (30, 30), {"crime_injury", "arrived_with_police"}, {"serious_injury"}),
        (
            "CA-NS",
            (17, 17),
            {"caregiver_involved", "harmed_in_care"},
            {"serious_injury"},
        ),  # NS: 16+
        ("CA-BC", (30, 30), {"injury_cause"}, {"caregiver_involved"}),
    ],
)
def test_facts_to_ask_follow_the_rows_that_can_apply(code, ages, asked, not_asked):
    ask = set(facts_to_ask(load_jurisdiction_rules(TABLE, code), ages))
    assert asked <= ask and not (not_asked & ask)
    assert "capacity" not in ask and "age" not in ask


def test_an_unknown_fact_is_a_question_never_a_no():
    decision = decide("CA-ON", 30, capacity=HAS, patient_consents=NO)  # injury not known
    assert decision.required == ()
    assert any(q.startswith("Injury") for q in decision.unknowns)
    with_gunshot = decide(
        "CA-ON", 30, capacity=HAS, patient_consents=NO, injury_kind=InjuryKind.GUNSHOT
    )
    assert recipients(with_gunshot.required) == {"local police"}


def test_facts_for_another_place_are_refused():
    with pytest.raises(ValueError):
        reporting_requirements(
            ReportingFacts(jurisdiction="CA-ON"), load_jurisdiction_rules(TABLE, "US-NY")
        )


# --- "No law found" (the lines to offer: tests/safety/test_hotlines_shown.py) ----------------


def test_where_no_wound_law_was_found_the_result_says_so():
    decision = decide("CA-PE", 30, capacity=HAS, injury_kind=InjuryKind.GUNSHOT)
    assert not {"local police"} & recipients(decision.required)
    assert any("No gunshot or stab wound reporting law was found" in r for r in decision.reasons)
