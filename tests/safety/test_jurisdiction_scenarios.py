"""One named patient per province, territory and state in the table, with the answer expected
from ../shared/REFERENCES-jurisdictions.md (the section is cited on each scenario).

These check the shipped data against the references, not the engine against itself: each
expectation was read from the reference table, not from jurisdictions.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from safety.capacity import CapacityOutcome
from safety.facts import InjuryCause, Tri
from safety.rule_table import InjuryKind, places
from tests.safety.test_rules import TABLE, decide, recipients

HAS = CapacityOutcome.HAS_CAPACITY
LACKS = CapacityOutcome.LACKS_CAPACITY
AT_HOME = {"injury_kind": InjuryKind.NONE, "patient_consents": Tri.NO}


@dataclass(frozen=True)
class Scenario:
    name: str
    code: str
    cites: str  # the REFERENCES-jurisdictions.md section the expectation comes from
    age: int
    facts: dict[str, Any]
    required: set[str] = field(default_factory=set)  # recipients that must be required
    not_required: set[str] = field(default_factory=set)
    permitted: set[str] = field(default_factory=set)
    shown: tuple[str, ...] = ()  # words the decision must carry (statute, deadline, reason)


SCENARIOS = [
    Scenario(
        "Alberta: a 15-year-old must be reported by any person",
        "CA-AB",
        "§2 AB: <18, any person, CYFEA s.4(1), to a director or police officer",
        15,
        {"capacity": HAS, **AT_HOME},
        required={"a child intervention director or the police"},
        shown=("Child, Youth and Family Enhancement Act, s.4(1)",),
    ),
    Scenario(
        "British Columbia: an 18-year-old is still a child (under 19)",
        "CA-BC",
        "§2 BC: <19, any person, CFCSA s.14(1)",
        18,
        {"capacity": HAS, **AT_HOME},
        required={"a child welfare worker (Helpline for Children, 310-1234)"},
    ),
    Scenario(
        "Saskatchewan: a 17-year-old is covered since the 2024 change to under 18",
        "CA-SK",
        "§2 SK: <18 since 12 Jun 2024 (was <16)",
        17,
        {"capacity": HAS, **AT_HOME},
        required={"child protection services or the police"},
    ),
    Scenario(
        "Manitoba: an adult stabbed by another person is reported by the facility",
        "CA-MB",
        "§4 MB: gunshot + stab that appears inflicted by another person; C.C.S.M. c.G125",
        30,
        {
            "capacity": HAS,
            "injury_kind": InjuryKind.STAB,
            "injury_cause": InjuryCause.ANOTHER_PERSON,
            "patient_consents": Tri.NO,
        },
        required={"local police"},
        shown=("C.C.S.M. c. G125",),
    ),
    Scenario(
        "Ontario: a 16-year-old may be reported, and need not be",
        "CA-ON",
        "§2 ON: must <16, may 16–17, CYFSA 2017 s.125",
        16,
        {"capacity": HAS, **AT_HOME},
        not_required={"a children's aid society"},
        permitted={"a children's aid society"},
    ),
    Scenario(
        "Quebec: a stab wound is not reportable; only firearm injuries are",
        "CA-QC",
        "§4 QC: firearm-projectile injury only, P-38.0001 s.9",
        30,
        {
            "capacity": HAS,
            "injury_kind": InjuryKind.STAB,
            "injury_cause": InjuryCause.ANOTHER_PERSON,
            "lives_in_care_facility": Tri.NO,
            "under_guardianship": Tri.NO,
            "patient_consents": Tri.NO,
        },
        not_required={"local police"},
    ),
    Scenario(
        "New Brunswick: a gunshot wound is reported orally within 24 hours",
        "CA-NB",
        "§4 NB: gunshot incl. self-inflicted; oral report ≤24 h, SNB 2020 c.26",
        30,
        {
            "capacity": HAS,
            "injury_kind": InjuryKind.GUNSHOT,
            "injury_cause": InjuryCause.SELF_INFLICTED,
            "patient_consents": Tri.NO,
        },
        required={"local police"},
        shown=("Within 24 hours after treatment is offered", "Orally"),
    ),
    Scenario(
        "Nova Scotia: a 17-year-old harmed by a third party is permitted, not mandatory",
        "CA-NS",
        "§2 NS: third-party abuse of 16–18 not mandatory (CFSA s.24)",
        17,
        {"capacity": HAS, "caregiver_involved": Tri.NO, "harmed_in_care": Tri.NO, **AT_HOME},
        not_required={"child protection services (1-877-424-1177)"},
        permitted={"child protection services (1-877-424-1177)"},
    ),
    Scenario(
        "Prince Edward Island: an adult in need of protection is reported by professionals",
        "CA-PE",
        "§3 PE: professionals with a duty of care; adults 18+ in need of protection",
        45,
        {"capacity": HAS, "vulnerable_adult": Tri.YES, **AT_HOME},
        required={"the Adult Protection Program"},
    ),
    Scenario(
        "Newfoundland and Labrador: an adult who lacks capacity must be reported by everyone",
        "CA-NL",
        "§3 NL: everyone; adult lacks capacity and is abused → 1-855-376-4957",
        40,
        {"capacity": LACKS, **AT_HOME},
        required={"Adult protection (1-855-376-4957)"},
    ),
    Scenario(
        "Yukon: an 18-year-old is still covered (under 19)",
        "CA-YT",
        "§2 YT: <19, every person, CFSA SY 2008 c.1",
        18,
        {"capacity": HAS, **AT_HOME},
        required={"Family and Children's Services or the RCMP"},
    ),
    Scenario(
        "Northwest Territories: a self-inflicted stab wound is not reported; by another it is",
        "CA-NT",
        "§4 NT: gunshot + non-self-inflicted stab, to the RCMP (2014 Act)",
        30,
        {
            "capacity": HAS,
            "injury_kind": InjuryKind.STAB,
            "injury_cause": InjuryCause.ANOTHER_PERSON,
            "patient_consents": Tri.NO,
        },
        required={"the RCMP"},
    ),
    Scenario(
        "Nunavut: no adult-protection duty for an adult who lacks capacity",
        "CA-NU",
        "§3 NU: none, protective orders only (Family Abuse Intervention Act)",
        40,
        {"capacity": LACKS, **AT_HOME},
        shown=("No duty to report; only protective orders",),
    ),
    Scenario(
        "California: any injury from assaultive conduct, phoned at once and written in 2 days",
        "US-CA",
        "§5 CA: PC §11160, firearm or assaultive/abusive conduct; phone + 2 working days",
        30,
        {
            "capacity": HAS,
            "injury_kind": InjuryKind.OTHER,
            "crime_injury": Tri.YES,
            "vulnerable_adult": Tri.NO,
            "patient_consents": Tri.NO,
        },
        required={"local police"},
        shown=("Cal. Penal Code §11160", "in writing within 2 working days"),
    ),
    Scenario(
        "New York: no general duty for a capable 70-year-old living at home",
        "US-NY",
        "§5 NY: no general elder mandate; only PHL §2803-d residents and SSL §488",
        70,
        {
            "capacity": HAS,
            "lives_in_care_facility": Tri.NO,
            "state_overseen_services": Tri.NO,
            **AT_HOME,
        },
        not_required={
            "the New York State Department of Health",
            "the Justice Center for the Protection of People with Special Needs",
        },
    ),
    Scenario(
        "Texas: any person reports a 16-year-old; professionals within 48 hours",
        "US-TX",
        "§5 TX: FC §261.101, any person immediately, professionals within 48 h",
        16,
        {"capacity": HAS, **AT_HOME},
        required={"the Department of Family and Protective Services or law enforcement"},
        shown=("professionals within 48 hours",),
    ),
    Scenario(
        "Florida: a capable adult is not a 'vulnerable adult'; one who lacks capacity is",
        "US-FL",
        "§5 FL: §415.1034, vulnerable adult = 18+ with impaired capacity",
        40,
        {"capacity": LACKS, "vulnerable_adult": Tri.YES, **AT_HOME},
        required={"the Florida central abuse hotline (DCF)"},
    ),
    Scenario(
        "Illinois: any injury from a crime, when the patient did not come with police",
        "US-IL",
        "§5 IL: 20 ILCS 2630/3.2, any injury as the victim of a criminal offence",
        30,
        {
            "capacity": HAS,
            "injury_kind": InjuryKind.OTHER,
            "crime_injury": Tri.YES,
            "arrived_with_police": Tri.NO,
            "disability": Tri.NO,
            "patient_consents": Tri.NO,
        },
        required={"local police"},
        shown=("20 ILCS 2630/3.2",),
    ),
]


def test_every_place_in_the_table_has_a_named_scenario():
    assert {s.code for s in SCENARIOS} == {place.code for place in places(TABLE)}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario(scenario: Scenario):
    decision = decide(scenario.code, scenario.age, **scenario.facts)
    required = recipients(decision.required)
    assert scenario.required <= required, scenario.cites
    assert not (scenario.not_required & required), scenario.cites
    assert scenario.permitted <= recipients(decision.permitted), scenario.cites
    text = " ".join(
        [
            *decision.reasons,
            *(
                f"{r.legal_basis} {r.deadline or ''} {r.method or ''}"
                for r in (*decision.required, *decision.permitted)
            ),
        ]
    )
    for words in scenario.shown:
        assert words in text, scenario.cites


def test_florida_capable_adult_is_not_reported():
    # §5 FL: the definition needs impaired capacity.
    decision = decide("US-FL", 40, capacity=HAS, vulnerable_adult=Tri.YES, **AT_HOME)
    assert "the Florida central abuse hotline (DCF)" not in recipients(decision.required)


def test_northwest_territories_self_inflicted_stab_is_not_reported():
    # §4 NT: only non-self-inflicted stab wounds.
    decision = decide(
        "CA-NT",
        30,
        capacity=HAS,
        injury_kind=InjuryKind.STAB,
        injury_cause=InjuryCause.SELF_INFLICTED,
        patient_consents=Tri.NO,
    )
    assert "the RCMP" not in recipients(decision.required)
