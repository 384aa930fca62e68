"""The jurisdiction rule table: its rows, its validation, and how a jurisdiction's rows are merged.

The law lives in data (`safety/content/jurisdictions.json`, one JSON document per stored
version); this module knows the document's shape and refuses anything else, loudly and saying
where. `safety.rules` applies the rows to a patient's facts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The table's baseline (the seed guide's general advice), and the code a case carries when it
# is somewhere Harbor has no rules for. ELSEWHERE is never an entry of the table.
DEFAULT_CODE = "DEFAULT"
ELSEWHERE_CODE = "ELSEWHERE"
# The one shape of a jurisdiction code: a country (CA), a subdivision (CA-ON), or DEFAULT.
JURISDICTION_CODE = re.compile(r"^(DEFAULT|[A-Z]{2}(-[A-Z0-9]{1,3})?)$")


class Trigger(StrEnum):
    """What a row is about. Ages and conditions decide whether it applies; the trigger adds
    its own test only for injuries and capacity, and names the topic for merging layers."""

    CHILD = "child"
    ELDER = "elder"
    VULNERABLE_ADULT = "vulnerable_adult"
    WEAPON_INJURY = "weapon_injury"
    CRIME_INJURY = "crime_injury"
    CAPACITY = "capacity"  # the patient lacks decision-making capacity
    ANY = "any"  # any patient: the consent path


class Duty(StrEnum):
    MANDATORY = "mandatory"
    PERMISSIVE = "permissive"
    CONSENT = "consent"  # permitted with the patient's consent, and only then


class InjuryKind(StrEnum):
    NONE = "none"  # no injury at all
    GUNSHOT = "gunshot"
    STAB = "stab"
    OTHER = "other"  # an injury that is not a gunshot or stab wound


class Condition(StrEnum):
    """The closed list of conditions a row may carry. Each is one fact on the facts form
    (`safety.facts.CONDITION_FACTS`), so no condition can become a question nobody can answer."""

    CAREGIVER_INVOLVED = "caregiver_involved"
    NO_CAREGIVER_INVOLVED = "no_caregiver_involved"
    NOT_SELF_INFLICTED_OR_ACCIDENTAL = "not_self_inflicted_or_accidental"
    SELF_INFLICTED_OR_ACCIDENTAL = "self_inflicted_or_accidental"
    NOT_SELF_INFLICTED = "not_self_inflicted"
    NOT_ACCIDENTAL = "not_accidental"
    SERIOUS_INJURY = "serious_injury"
    NOT_ARRIVED_WITH_POLICE = "not_arrived_with_police"
    SEXUAL_EXPLOITATION = "sexual_exploitation"
    DEVELOPMENTAL_DISABILITY = "developmental_disability"
    DISABILITY = "disability"
    VULNERABLE_ADULT = "vulnerable_adult"
    LACKS_CAPACITY = "lacks_capacity"
    LIVES_IN_CARE_FACILITY = "lives_in_care_facility"
    LIVES_IN_COMMUNITY = "lives_in_community"
    HARMED_IN_CARE = "harmed_in_care"
    UNDER_GUARDIANSHIP = "under_guardianship"
    STATE_OVERSEEN_SERVICES = "state_overseen_services"
    ABUSER_RELATIONSHIP = "abuser_relationship"
    CANNOT_SELF_REPORT = "cannot_self_report"


CONDITION_LABELS = {
    Condition.CAREGIVER_INVOLVED: gettext_lazy("a parent or caregiver is involved"),
    Condition.NO_CAREGIVER_INVOLVED: gettext_lazy("no parent or caregiver is involved"),
    Condition.NOT_SELF_INFLICTED_OR_ACCIDENTAL: gettext_lazy(
        "the wound is not self-inflicted or accidental"
    ),
    Condition.SELF_INFLICTED_OR_ACCIDENTAL: gettext_lazy(
        "the wound is self-inflicted or accidental"
    ),
    Condition.NOT_SELF_INFLICTED: gettext_lazy("the wound is not self-inflicted"),
    Condition.NOT_ACCIDENTAL: gettext_lazy("the wound is not from an accident"),
    Condition.SERIOUS_INJURY: gettext_lazy("the injury is life-threatening"),
    Condition.NOT_ARRIVED_WITH_POLICE: gettext_lazy("the patient did not arrive with police"),
    Condition.SEXUAL_EXPLOITATION: gettext_lazy("the exploitation is sexual"),
    Condition.DEVELOPMENTAL_DISABILITY: gettext_lazy(
        "the patient has a developmental or intellectual disability"
    ),
    Condition.DISABILITY: gettext_lazy("the patient has a physical or mental disability"),
    Condition.VULNERABLE_ADULT: gettext_lazy(
        "the patient depends on others for care or protection"
    ),
    Condition.LACKS_CAPACITY: gettext_lazy("the patient lacks decision-making capacity"),
    Condition.LIVES_IN_CARE_FACILITY: gettext_lazy(
        "the patient lives in a care home or residential care facility"
    ),
    Condition.LIVES_IN_COMMUNITY: gettext_lazy("the patient lives at home, not in a care facility"),
    Condition.HARMED_IN_CARE: gettext_lazy(
        "the patient was harmed while receiving care or support services"
    ),
    Condition.UNDER_GUARDIANSHIP: gettext_lazy(
        "the patient is under guardianship, tutorship or a protection mandate"
    ),
    Condition.STATE_OVERSEEN_SERVICES: gettext_lazy(
        "the patient receives disability or mental-health services the state oversees"
    ),
    Condition.ABUSER_RELATIONSHIP: gettext_lazy(
        "the person responsible is a caretaker, relative or partner"
    ),
    Condition.CANNOT_SELF_REPORT: gettext_lazy("the patient cannot report for themselves"),
}

# Topics a jurisdiction may record as "none found" (no law located) instead of rows.
NONE_FOUND_TOPICS = frozenset({"child", "adult_protection", "weapon_injury", "crime_injury"})


class RuleTableError(ValueError):
    """The jurisdiction rule table is malformed; the message says where."""


@dataclass(frozen=True)
class Hotline:
    name: str
    number: str
    notes: str


@dataclass(frozen=True)
class RuleRow:
    """One duty from one statute. Ages are whole years, both bounds inclusive; None is open.

    `reporter`, `method` and `deadline` are None where the sources do not say.
    """

    id: str
    jurisdiction: str
    trigger: Trigger
    duty: Duty
    age_min: int | None
    age_max: int | None
    weapon_kinds: frozenset[InjuryKind]
    conditions: tuple[Condition, ...]
    reporter: str | None
    recipient: str
    method: str | None
    deadline: str | None
    disclosure_limit: str
    legal_basis: str
    source: str
    checked_on: date
    needs_verification: bool
    notes: str | None

    @property
    def condition_labels(self) -> list[str]:
        return [str(CONDITION_LABELS[condition]) for condition in self.conditions]

    @property
    def topic(self) -> str:
        """A specific layer's row replaces the general rows of the same topic."""
        return f"consent:{self.trigger}" if self.duty is Duty.CONSENT else self.trigger.value


@dataclass(frozen=True)
class JurisdictionRules:
    """The rows that apply in one jurisdiction, already merged with its country's.

    `elsewhere` means Harbor has no rules for the case's place: only the seed guide's general
    advice (DEFAULT) is given, labelled so. `none_found` maps a topic to a note that no law on
    it was found there.
    """

    code: str
    name: str
    version: int
    hotlines: tuple[Hotline, ...]
    rows: tuple[RuleRow, ...]
    elsewhere: bool = False
    notes: tuple[str, ...] = ()
    none_found: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def minor_until(self) -> int:
        """The oldest age a child row of this jurisdiction covers (e.g. 18 in BC, under 19)."""
        ages = [row.age_max for row in self.rows if row.trigger is Trigger.CHILD and row.age_max]
        return max(ages, default=17)


def load_jurisdiction_rules(data: Mapping[str, Any], code: str) -> JurisdictionRules:
    """The rules for `code`, from the parsed jurisdictions.json, with its country's rows merged.

    The whole table is validated first, so a malformed row fails loudly wherever it is. Rows
    come in layers, most specific first: the jurisdiction's own entry, then its country's entry
    (e.g. `US` for `US-NY`). A later layer adds rows only for topics no earlier layer covers,
    because a specific statute replaces the general rule rather than adding a second report.
    ELSEWHERE (or a code the table does not hold) gets the DEFAULT baseline alone, marked so.
    """
    version, entries = parse_table(data)
    wanted = code.strip().upper()
    if not wanted:
        raise ValueError("a jurisdiction code is required")
    own = entries.get(wanted) if wanted != ELSEWHERE_CODE else None
    default = entries[DEFAULT_CODE]
    if own is None or own.code == DEFAULT_CODE:
        return JurisdictionRules(
            code=wanted,
            name=_("Elsewhere (no rules in Harbor)"),
            version=version,
            hotlines=_unique_lines(default.hotlines),
            rows=default.rows,
            elsewhere=True,
        )
    country_code = wanted.split("-")[0]
    country = entries.get(country_code) if country_code != wanted else None
    rows: list[RuleRow] = []
    covered: set[str] = set()
    for entry in (own, country):
        if entry is None:
            continue
        rows += [row for row in entry.rows if row.topic not in covered]
        covered |= {row.topic for row in entry.rows}
    lines = [line for entry in (country, own) if entry for line in entry.hotlines]
    return JurisdictionRules(
        code=wanted,
        name=own.name,
        version=version,
        hotlines=_unique_lines(lines or default.hotlines),
        rows=tuple(rows),
        notes=(own.notes,) if own.notes else (),
        none_found=MappingProxyType(dict(own.none_found)),
    )


def _unique_lines(lines: tuple[Hotline, ...] | list[Hotline]) -> tuple[Hotline, ...]:
    """National lines first (the country's entry comes first), each number once."""
    unique: dict[str, Hotline] = {}
    for line in lines:
        unique.setdefault(line.number, line)
    return tuple(unique.values())


@dataclass(frozen=True)
class Place:
    """A jurisdiction a case may be in: a subdivision of a country, with its own rules."""

    code: str
    name: str
    country: str


def places(data: Mapping[str, Any]) -> list[Place]:
    """The provinces, territories and states the table holds rules for, by country then name.

    Country entries (CA, US) are layers under their subdivisions, not places of their own;
    DEFAULT is the baseline for ELSEWHERE.
    """
    _version, entries = parse_table(data)
    found = [
        Place(entry.code, entry.name, entry.code.split("-")[0])
        for entry in entries.values()
        if "-" in entry.code
    ]
    return sorted(found, key=lambda place: (place.country, place.name))


# --- Validation of the table --------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    hotlines: tuple[Hotline, ...]
    rows: tuple[RuleRow, ...]
    none_found: Mapping[str, str]
    notes: str | None


_TOP_FIELDS = {"version", "checked_on", "source_note", "jurisdictions"}
_ENTRY_FIELDS = {"code", "name", "country", "hotlines", "rules"}
_ENTRY_OPTIONAL = {"none_found", "notes"}
ROW_FIELDS = (
    "id",
    "trigger",
    "duty",
    "age_min",
    "age_max",
    "weapon_kinds",
    "conditions",
    "reporter",
    "recipient",
    "method",
    "deadline",
    "disclosure_limit",
    "legal_basis",
    "source",
    "checked_on",
    "needs_verification",
    "notes",
)
_WEAPONS = {InjuryKind.GUNSHOT.value, InjuryKind.STAB.value}
# Conditions about the wound only make sense on injury rows.
_INJURY_CONDITIONS = {
    Condition.NOT_SELF_INFLICTED_OR_ACCIDENTAL,
    Condition.SELF_INFLICTED_OR_ACCIDENTAL,
    Condition.NOT_SELF_INFLICTED,
    Condition.NOT_ACCIDENTAL,
}


def parse_table(data: Mapping[str, Any]) -> tuple[int, dict[str, Entry]]:
    """The table's version and its entries by code, or RuleTableError saying what is wrong."""
    if not isinstance(data, Mapping):
        raise RuleTableError("the rule table must be a JSON object")
    _exact_keys(data, _TOP_FIELDS, set(), "the rule table")
    version = data["version"]
    if not _is_int(version) or version < 1:
        raise RuleTableError("version must be a whole number of at least 1")
    _date(data["checked_on"], "checked_on")
    _text(data["source_note"], "source_note")
    raw_entries = data["jurisdictions"]
    if not isinstance(raw_entries, list) or not raw_entries:
        raise RuleTableError("jurisdictions must be a non-empty list")

    entries: dict[str, Entry] = {}
    row_ids: set[str] = set()
    for index, raw in enumerate(raw_entries):
        entry = _parse_entry(raw, f"jurisdictions[{index}]")
        if entry.code in entries:
            raise RuleTableError(f"jurisdictions[{index}]: duplicate code {entry.code}")
        for row in entry.rows:
            if row.id in row_ids:
                raise RuleTableError(f"{entry.code}: duplicate rule id {row.id}")
            row_ids.add(row.id)
        entries[entry.code] = entry
    if DEFAULT_CODE not in entries:
        raise RuleTableError("the table needs a DEFAULT entry for places it does not list")
    return version, entries


def _parse_entry(raw: Any, where: str) -> Entry:
    if not isinstance(raw, Mapping):
        raise RuleTableError(f"{where}: must be an object")
    _exact_keys(raw, _ENTRY_FIELDS, _ENTRY_OPTIONAL, where)
    code = raw["code"]
    if not isinstance(code, str) or not JURISDICTION_CODE.match(code):
        raise RuleTableError(f"{where}: code {code!r} is not like CA-ON, US or DEFAULT")
    where = f"{where} ({code})"
    name = _text(raw["name"], f"{where}.name")
    if raw["country"] is not None:
        _text(raw["country"], f"{where}.country")
    if not isinstance(raw["hotlines"], list):
        raise RuleTableError(f"{where}.hotlines: must be a list")
    hotlines = tuple(
        _parse_hotline(line, f"{where}.hotlines[{i}]") for i, line in enumerate(raw["hotlines"])
    )
    if not isinstance(raw["rules"], list):
        raise RuleTableError(f"{where}.rules: must be a list")
    rows = tuple(parse_row(row, f"{where}.rules[{i}]", code) for i, row in enumerate(raw["rules"]))
    none_found = raw.get("none_found", {})
    if not isinstance(none_found, Mapping) or set(none_found) - NONE_FOUND_TOPICS:
        raise RuleTableError(
            f"{where}.none_found: must map topics from {sorted(NONE_FOUND_TOPICS)} to a note"
        )
    for topic, note in none_found.items():
        _text(note, f"{where}.none_found.{topic}")
    notes = raw.get("notes")
    if notes is not None:
        _text(notes, f"{where}.notes")
    return Entry(code, name, hotlines, rows, MappingProxyType(dict(none_found)), notes)


def _parse_hotline(raw: Any, where: str) -> Hotline:
    if not isinstance(raw, Mapping):
        raise RuleTableError(f"{where}: must be an object")
    _exact_keys(raw, {"name", "number", "notes"}, set(), where)
    return Hotline(
        name=_text(raw["name"], f"{where}.name"),
        number=_text(raw["number"], f"{where}.number"),
        notes=_text(raw["notes"], f"{where}.notes"),
    )


def parse_row(raw: Any, where: str, code: str) -> RuleRow:
    """One row, checked field by field; every field is required (nulls included), so a
    misspelt key cannot silently drop a limit."""
    if not isinstance(raw, Mapping):
        raise RuleTableError(f"{where}: must be an object")
    _exact_keys(raw, set(ROW_FIELDS), set(), where)
    row_id = _text(raw["id"], f"{where}.id")
    if not row_id.startswith(f"{code}-"):
        raise RuleTableError(f"{where}.id: {row_id!r} must start with {code}-")
    where = f"{where} ({row_id})"
    trigger = _choice(Trigger, raw["trigger"], f"{where}.trigger")
    duty = _choice(Duty, raw["duty"], f"{where}.duty")
    age_min = _age(raw["age_min"], f"{where}.age_min")
    age_max = _age(raw["age_max"], f"{where}.age_max")
    if age_min is not None and age_max is not None and age_min > age_max:
        raise RuleTableError(f"{where}.age_max: age_min {age_min} is above age_max {age_max}")
    if trigger is Trigger.CHILD and age_max is None:
        raise RuleTableError(f"{where}.age_max: a child rule needs an age_max")
    if trigger is Trigger.ANY and duty is not Duty.CONSENT:
        raise RuleTableError(f"{where}.trigger: a rule for any patient is a consent rule")
    kinds = raw["weapon_kinds"]
    if not isinstance(kinds, list) or not set(kinds) <= _WEAPONS:
        raise RuleTableError(f"{where}.weapon_kinds: must be a list drawn from {sorted(_WEAPONS)}")
    if (trigger is Trigger.WEAPON_INJURY) != bool(kinds):
        raise RuleTableError(
            f"{where}.weapon_kinds: needed for weapon_injury rules, and only there"
        )
    raw_conditions = raw["conditions"]
    if not isinstance(raw_conditions, list):
        raise RuleTableError(f"{where}.conditions: must be a list")
    conditions = tuple(_choice(Condition, c, f"{where}.conditions") for c in raw_conditions)
    if len(set(conditions)) != len(conditions):
        raise RuleTableError(f"{where}.conditions: a condition is listed twice")
    if set(conditions) & _INJURY_CONDITIONS and trigger is not Trigger.WEAPON_INJURY:
        raise RuleTableError(f"{where}.conditions: wound conditions belong to wound rules")
    if (
        trigger in (Trigger.VULNERABLE_ADULT, Trigger.ELDER)
        and duty is not Duty.CONSENT
        and not conditions
        and age_min is None
    ):
        raise RuleTableError(
            f"{where}.conditions: an adult-protection rule needs an age or a condition"
        )
    notes = raw["notes"]
    if notes is not None and not isinstance(notes, str):
        raise RuleTableError(f"{where}.notes: must be text or null")
    if not isinstance(raw["needs_verification"], bool):
        raise RuleTableError(f"{where}.needs_verification: must be true or false")
    return RuleRow(
        id=row_id,
        jurisdiction=code,
        trigger=trigger,
        duty=duty,
        age_min=age_min,
        age_max=age_max,
        weapon_kinds=frozenset(InjuryKind(kind) for kind in kinds),
        conditions=conditions,
        reporter=_optional_text(raw["reporter"], f"{where}.reporter"),
        recipient=_text(raw["recipient"], f"{where}.recipient"),
        method=_optional_text(raw["method"], f"{where}.method"),
        deadline=_optional_text(raw["deadline"], f"{where}.deadline"),
        disclosure_limit=_text(raw["disclosure_limit"], f"{where}.disclosure_limit"),
        legal_basis=_text(raw["legal_basis"], f"{where}.legal_basis"),
        source=_text(raw["source"], f"{where}.source"),
        checked_on=_date(raw["checked_on"], f"{where}.checked_on"),
        needs_verification=raw["needs_verification"],
        notes=notes,
    )


def _exact_keys(raw: Mapping[str, Any], required: set[str], optional: set[str], where: str) -> None:
    missing = required - raw.keys()
    unknown = raw.keys() - required - optional
    if missing:
        raise RuleTableError(f"{where}: missing {', '.join(sorted(missing))}")
    if unknown:
        raise RuleTableError(f"{where}: unknown field {', '.join(sorted(unknown))}")


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RuleTableError(f"{where}: must be non-empty text")
    return value


def _optional_text(value: Any, where: str) -> str | None:
    return None if value is None else _text(value, where)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _age(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if not _is_int(value) or not 0 <= value <= 130:
        raise RuleTableError(f"{where}: must be null or whole years from 0 to 130")
    return value


def _date(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise RuleTableError(f"{where}: must be a date like 2026-11-29") from None


def _choice[E: StrEnum](enum: type[E], value: Any, where: str) -> E:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise RuleTableError(f"{where}: {value!r} is not one of {allowed}") from None
