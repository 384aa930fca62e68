"""What the clinician records for the reporting engine, and how each rule condition is answered.

Every condition a rule row may carry (`safety.rule_table.Condition`) maps here to one fact, and
every fact is one question on the facts form, so no condition can become a question nobody can
answer. Pure: no database, request or clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

from django.utils.translation import gettext_lazy

from safety.capacity import CapacityOutcome
from safety.rule_table import Condition, InjuryKind

OLDEST = 130


class Tri(StrEnum):
    """A yes/no fact that may not be known yet. UNKNOWN is never read as NO."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class AgeBasis(StrEnum):
    CONFIRMED = "confirmed"
    ESTIMATED = "estimated"
    APPEARS_MINOR = "appears_minor"
    UNKNOWN = "unknown"


class InjuryCause(StrEnum):
    ANOTHER_PERSON = "another_person"
    SELF_INFLICTED = "self_inflicted"
    ACCIDENT = "accident"
    UNKNOWN = "unknown"


class ExploitationKind(StrEnum):
    SEXUAL = "sexual"
    LABOUR = "labour"
    BOTH = "both"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ReportingFacts:
    """What the clinician has recorded. None and UNKNOWN mean "not known yet", never "no".

    `age` is the stated or estimated age; only a CONFIRMED age decides age-limited rows.
    `injury_kind` None means not known; InjuryKind.NONE means no injury at all.
    """

    jurisdiction: str
    age: int | None = None
    age_basis: AgeBasis = AgeBasis.UNKNOWN
    capacity: CapacityOutcome = CapacityOutcome.UNKNOWN
    injury_kind: InjuryKind | None = None
    injury_cause: InjuryCause = InjuryCause.UNKNOWN
    crime_injury: Tri = Tri.UNKNOWN
    serious_injury: Tri = Tri.UNKNOWN
    arrived_with_police: Tri = Tri.UNKNOWN
    exploitation_kind: ExploitationKind = ExploitationKind.UNKNOWN
    caregiver_involved: Tri = Tri.UNKNOWN
    developmental_disability: Tri = Tri.UNKNOWN
    disability: Tri = Tri.UNKNOWN
    vulnerable_adult: Tri = Tri.UNKNOWN
    lives_in_care_facility: Tri = Tri.UNKNOWN
    harmed_in_care: Tri = Tri.UNKNOWN
    under_guardianship: Tri = Tri.UNKNOWN
    state_overseen_services: Tri = Tri.UNKNOWN
    abuser_relationship: Tri = Tri.UNKNOWN
    cannot_self_report: Tri = Tri.UNKNOWN
    patient_consents: Tri = Tri.UNKNOWN

    def __post_init__(self) -> None:
        if self.age is not None and (isinstance(self.age, bool) or not 0 <= self.age <= OLDEST):
            raise ValueError(f"age must be whole years from 0 to {OLDEST} or None")
        if self.age_basis in (AgeBasis.CONFIRMED, AgeBasis.ESTIMATED) and self.age is None:
            raise ValueError("a confirmed or estimated age needs the age")


# The questions, in the order the form asks them.
FACT_QUESTIONS = {
    "age": gettext_lazy("Patient's age"),
    "capacity": gettext_lazy("Decision-making capacity (from the assessment)"),
    "injury_kind": gettext_lazy("Injury"),
    "injury_cause": gettext_lazy("How was the wound caused?"),
    "crime_injury": gettext_lazy(
        "Is any injury caused by a crime (an assault, abuse, any offence)?"
    ),
    "serious_injury": gettext_lazy("Is the injury life-threatening?"),
    "arrived_with_police": gettext_lazy("Did the patient arrive with a police officer?"),
    # Screen-safe: the clinician reads it beside the patient, so it names no crime.
    "exploitation_kind": gettext_lazy("What the patient is made to do"),
    "caregiver_involved": gettext_lazy("Is a parent or caregiver involved in the harm?"),
    "developmental_disability": gettext_lazy(
        "Does the patient have a developmental or intellectual disability (began before 18)?"
    ),
    "disability": gettext_lazy("Does the patient have a physical or mental disability?"),
    "vulnerable_adult": gettext_lazy(
        "Does the patient depend on others for care or protection (frail, ill, dependent)?"
    ),
    "lives_in_care_facility": gettext_lazy(
        "Does the patient live in a care home or residential care facility?"
    ),
    "harmed_in_care": gettext_lazy(
        "Was the patient harmed while receiving care or support services (hospital, care home, "
        "shelter)?"
    ),
    "under_guardianship": gettext_lazy(
        "Is the patient under guardianship, tutorship or a protection mandate?"
    ),
    "state_overseen_services": gettext_lazy(
        "Does the patient receive disability or mental-health services the state oversees?"
    ),
    "abuser_relationship": gettext_lazy(
        "Is the person responsible a caretaker, relative or someone in an ongoing relationship "
        "with the patient?"
    ),
    "cannot_self_report": gettext_lazy("Is the patient unable to report for themselves?"),
    "patient_consents": gettext_lazy(
        "Does the patient agree to the reports that need their consent (e.g. police)?"
    ),
}
FACT_ORDER = tuple(FACT_QUESTIONS)


def _yes(name: str) -> Callable[[ReportingFacts], Tri]:
    return lambda facts: getattr(facts, name)


def _no(name: str) -> Callable[[ReportingFacts], Tri]:
    return lambda facts: negate(getattr(facts, name))


def negate(value: Tri) -> Tri:
    return {Tri.YES: Tri.NO, Tri.NO: Tri.YES, Tri.UNKNOWN: Tri.UNKNOWN}[value]


def _cause(*met: InjuryCause) -> Callable[[ReportingFacts], Tri]:
    def check(facts: ReportingFacts) -> Tri:
        if facts.injury_cause is InjuryCause.UNKNOWN:
            return Tri.UNKNOWN
        return Tri.YES if facts.injury_cause in met else Tri.NO

    return check


def lacks_capacity(facts: ReportingFacts) -> Tri:
    return {
        CapacityOutcome.LACKS_CAPACITY: Tri.YES,
        CapacityOutcome.HAS_CAPACITY: Tri.NO,
        CapacityOutcome.UNKNOWN: Tri.UNKNOWN,
    }[facts.capacity]


def _sexual(facts: ReportingFacts) -> Tri:
    if facts.exploitation_kind is ExploitationKind.UNKNOWN:
        return Tri.UNKNOWN
    both = (ExploitationKind.SEXUAL, ExploitationKind.BOTH)
    return Tri.YES if facts.exploitation_kind in both else Tri.NO


_OTHERS = InjuryCause.ANOTHER_PERSON
# Each condition a row may carry: the fact (a question on the facts form) that answers it.
CONDITION_FACTS: dict[Condition, tuple[str, Callable[[ReportingFacts], Tri]]] = {
    Condition.CAREGIVER_INVOLVED: ("caregiver_involved", _yes("caregiver_involved")),
    Condition.NO_CAREGIVER_INVOLVED: ("caregiver_involved", _no("caregiver_involved")),
    Condition.NOT_SELF_INFLICTED_OR_ACCIDENTAL: ("injury_cause", _cause(_OTHERS)),
    Condition.SELF_INFLICTED_OR_ACCIDENTAL: (
        "injury_cause",
        _cause(InjuryCause.SELF_INFLICTED, InjuryCause.ACCIDENT),
    ),
    Condition.NOT_SELF_INFLICTED: ("injury_cause", _cause(_OTHERS, InjuryCause.ACCIDENT)),
    Condition.NOT_ACCIDENTAL: ("injury_cause", _cause(_OTHERS, InjuryCause.SELF_INFLICTED)),
    Condition.SERIOUS_INJURY: ("serious_injury", _yes("serious_injury")),
    Condition.NOT_ARRIVED_WITH_POLICE: ("arrived_with_police", _no("arrived_with_police")),
    Condition.SEXUAL_EXPLOITATION: ("exploitation_kind", _sexual),
    Condition.DEVELOPMENTAL_DISABILITY: (
        "developmental_disability",
        _yes("developmental_disability"),
    ),
    Condition.DISABILITY: ("disability", _yes("disability")),
    Condition.VULNERABLE_ADULT: ("vulnerable_adult", _yes("vulnerable_adult")),
    Condition.LACKS_CAPACITY: ("capacity", lacks_capacity),
    Condition.LIVES_IN_CARE_FACILITY: ("lives_in_care_facility", _yes("lives_in_care_facility")),
    Condition.LIVES_IN_COMMUNITY: ("lives_in_care_facility", _no("lives_in_care_facility")),
    Condition.HARMED_IN_CARE: ("harmed_in_care", _yes("harmed_in_care")),
    Condition.UNDER_GUARDIANSHIP: ("under_guardianship", _yes("under_guardianship")),
    Condition.STATE_OVERSEEN_SERVICES: (
        "state_overseen_services",
        _yes("state_overseen_services"),
    ),
    Condition.ABUSER_RELATIONSHIP: ("abuser_relationship", _yes("abuser_relationship")),
    Condition.CANNOT_SELF_REPORT: ("cannot_self_report", _yes("cannot_self_report")),
}


def resolved(facts: ReportingFacts) -> ReportingFacts:
    """The facts with what one answer implies: no injury means no crime or serious injury;
    a wound caused by another person is an injury caused by a crime."""
    if facts.injury_kind is InjuryKind.NONE:
        return replace(facts, crime_injury=Tri.NO, serious_injury=Tri.NO)
    if facts.injury_kind is not None and facts.injury_cause is InjuryCause.ANOTHER_PERSON:
        return replace(facts, crime_injury=Tri.YES)
    return facts
