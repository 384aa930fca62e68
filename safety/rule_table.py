"""The jurisdiction rule table: its rows, its validation, and how a jurisdiction's rows are merged.

The law lives in data (`safety/content/jurisdictions.json`, one JSON document per stored
version); this module knows the document's shape and refuses anything else, loudly and saying
where. `safety.rules` applies the rows to a patient's facts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.schemas import ContentInvalid, Problem, check_unique, validate

Path_ = tuple[str | int, ...]

# The table's baseline (the seed guide's general advice), and the code a case carries when it
# is somewhere Harbor has no rules for. ELSEWHERE is never an entry of the table.
DEFAULT_CODE = "DEFAULT"
ELSEWHERE_CODE = "ELSEWHERE"


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
    Condition.SEXUAL_EXPLOITATION: gettext_lazy("what the patient is made to do is sexual"),
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

# The shipped entries' names, so each place reads in the interface's language (Québec,
# Colombie-Britannique). Keyed by the name as stored: a name an administrator has changed is
# shown as they typed it.
PLACE_NAMES = {
    "Seed baseline (jurisdiction not in the table)": gettext_lazy(
        "Seed baseline (jurisdiction not in the table)"
    ),
    "Canada (national)": gettext_lazy("Canada (national)"),
    "Alberta": gettext_lazy("Alberta"),
    "British Columbia": gettext_lazy("British Columbia"),
    "Saskatchewan": gettext_lazy("Saskatchewan"),
    "Manitoba": gettext_lazy("Manitoba"),
    "Ontario": gettext_lazy("Ontario"),
    "Quebec": gettext_lazy("Quebec"),
    "New Brunswick": gettext_lazy("New Brunswick"),
    "Nova Scotia": gettext_lazy("Nova Scotia"),
    "Prince Edward Island": gettext_lazy("Prince Edward Island"),
    "Newfoundland and Labrador": gettext_lazy("Newfoundland and Labrador"),
    "Yukon": gettext_lazy("Yukon"),
    "Northwest Territories": gettext_lazy("Northwest Territories"),
    "Nunavut": gettext_lazy("Nunavut"),
    "United States (federal)": gettext_lazy("United States (federal)"),
    "California": gettext_lazy("California"),
    "New York": gettext_lazy("New York"),
    "Texas": gettext_lazy("Texas"),
    "Florida": gettext_lazy("Florida"),
    "Illinois": gettext_lazy("Illinois"),
}


def place_name(name: str) -> str:
    """A jurisdiction's name in the active language, where it is one Harbor ships."""
    return str(PLACE_NAMES.get(name, name))


# Topics a jurisdiction may record as "none found" (no law located) instead of rows.
NONE_FOUND_TOPICS = frozenset({"child", "adult_protection", "weapon_injury", "crime_injury"})


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
    version: str  # `version_key`: the versions of the entries merged
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


def merge(code: str, entries: Mapping[str, Entry]) -> JurisdictionRules:
    """The rules for `code` from the entries of its layers (its own, its country's, DEFAULT).

    Rows come in layers, most specific first: the jurisdiction's own entry, then its country's
    entry (e.g. `US` for `US-NY`). A later layer adds rows only for topics no earlier layer
    covers, because a specific statute replaces the general rule rather than adding a second
    report. ELSEWHERE (or a code with no entry) gets the DEFAULT baseline alone, marked so.
    """
    wanted = code.strip().upper()
    if not wanted:
        raise ValueError("a jurisdiction code is required")
    own = entries.get(wanted) if wanted != ELSEWHERE_CODE else None
    default = entries[DEFAULT_CODE]
    if own is None or own.code == DEFAULT_CODE:
        return JurisdictionRules(
            code=wanted,
            name=_("Elsewhere (no rules in Harbor)"),
            version=version_key([default]),
            hotlines=_unique_lines(default.hotlines),
            rows=default.rows,
            elsewhere=True,
        )
    country_code = wanted.split("-")[0]
    country = entries.get(country_code) if country_code != wanted else None
    rows: list[RuleRow] = []
    covered: set[str] = set()
    layers = [entry for entry in (own, country) if entry is not None]
    for entry in layers:
        rows += [row for row in entry.rows if row.topic not in covered]
        covered |= {row.topic for row in entry.rows}
    lines = [line for entry in reversed(layers) for line in entry.hotlines]
    return JurisdictionRules(
        code=wanted,
        name=place_name(own.name),
        version=version_key([*layers, default]),
        hotlines=_unique_lines(lines or default.hotlines),
        rows=tuple(rows),
        notes=(own.notes,) if own.notes else (),
        none_found=MappingProxyType(dict(own.none_found)),
    )


def layer_codes(code: str) -> tuple[str, ...]:
    """The entries `merge` reads for `code`: its own, its country's, and DEFAULT."""
    wanted = code.strip().upper()
    return tuple(dict.fromkeys((wanted, wanted.split("-")[0], DEFAULT_CODE)))


def version_key(entries: list[Entry]) -> str:
    """Which versions of which entries a result comes from, e.g. "CA-ON 2 · CA 1 · DEFAULT 1":
    recorded with a decision, and compared to refuse recording one after the rules changed."""
    return " · ".join(f"{entry.code} {entry.version}" for entry in entries)


def load_jurisdiction_rules(data: Mapping[str, Any], code: str) -> JurisdictionRules:
    """The rules for `code` from a whole rule-table document (the shipped file), checked first."""
    return merge(code, parse_table(data))


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
    entries = parse_table(data)
    found = [
        Place(entry.code, place_name(entry.name), entry.code.split("-")[0])
        for entry in entries.values()
        if "-" in entry.code
    ]
    return sorted(found, key=lambda place: (place.country, place.name))


# --- Validation: the declared schemas, then `check_entry` ---------------------------------------

SCHEMAS = Path(__file__).resolve().parent / "content" / "schemas"
ENTRY_SCHEMA = SCHEMAS / "jurisdiction.schema.json"
TABLE_SCHEMA = SCHEMAS / "rule-table.schema.json"


@dataclass(frozen=True)
class Entry:
    """One jurisdiction's own rules, hotlines and notes, as one stored version holds them."""

    code: str
    name: str
    version: int
    hotlines: tuple[Hotline, ...]
    rows: tuple[RuleRow, ...]
    none_found: Mapping[str, str]
    notes: str | None


ROW_FIELDS = tuple(
    json.loads(ENTRY_SCHEMA.read_text(encoding="utf-8"))["$defs"]["rule"]["required"]
)
_WEAPONS = {InjuryKind.GUNSHOT.value, InjuryKind.STAB.value}
# Conditions about the wound only make sense on injury rows.
_INJURY_CONDITIONS = {
    Condition.NOT_SELF_INFLICTED_OR_ACCIDENTAL,
    Condition.SELF_INFLICTED_OR_ACCIDENTAL,
    Condition.NOT_SELF_INFLICTED,
    Condition.NOT_ACCIDENTAL,
}


def check_entry(entry: Mapping[str, Any], path: Path_ = ()) -> None:
    """What the entry schema cannot say, each problem at its JSON path (ContentInvalid).

    Run after `validate(ENTRY_SCHEMA, entry)`, by every way an entry arrives: the shipped file,
    the row editor, the JSON editor and the data migration.
    """
    problems = [
        Problem((*path, "rules", index, name), message)
        for index, row in enumerate(entry["rules"])
        for name, message in _row_problems(row, entry["code"])
    ]
    if problems:
        raise ContentInvalid(problems)
    check_unique(entry["rules"], "id", (*path, "rules"))


def _row_problems(row: Mapping[str, Any], code: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    row_id, trigger, duty = row["id"], Trigger(row["trigger"]), Duty(row["duty"])
    low, high = row["age_min"], row["age_max"]
    if not row_id.startswith(f"{code}-") or len(row_id) == len(code) + 1:
        found.append(
            (
                "id",
                _("Start the id with %(prefix)s and add a few words, e.g. %(prefix)schild.")
                % {"prefix": f"{code}-"},
            )
        )
    if low is not None and high is not None and low > high:
        found.append(("age_max", _("This is below the lower age limit.")))
    if trigger is Trigger.CHILD and high is None:
        found.append(("age_max", _("A child protection rule needs an upper age limit.")))
    if trigger is Trigger.ANY and duty is not Duty.CONSENT:
        found.append(("duty", _("A rule for any patient is a rule with their consent.")))
    if trigger is Trigger.WEAPON_INJURY and not row["weapon_kinds"]:
        found.append(("weapon_kinds", _("Tick the wounds this rule covers.")))
    if trigger is not Trigger.WEAPON_INJURY and row["weapon_kinds"]:
        found.append(
            ("weapon_kinds", _("Wounds apply to gunshot or stab wound rules only: untick them."))
        )
    conditions = {Condition(c) for c in row["conditions"]}
    if conditions & _INJURY_CONDITIONS and trigger is not Trigger.WEAPON_INJURY:
        found.append(("conditions", _("Wound conditions belong to gunshot or stab wound rules.")))
    adult = trigger in (Trigger.VULNERABLE_ADULT, Trigger.ELDER) and duty is not Duty.CONSENT
    if adult and not conditions and low is None:
        found.append(("conditions", _("An adult-protection rule needs an age or a condition.")))
    try:
        date.fromisoformat(row["checked_on"])
    except ValueError:
        found.append(("checked_on", _("Enter a real date, e.g. 2026-11-29.")))
    return found


def check_table(data: Mapping[str, Any]) -> None:
    """The shipped file: its schema, every entry's checks, codes and rule ids unique across it,
    and the DEFAULT baseline present (ContentInvalid with paths)."""
    validate(TABLE_SCHEMA, data)
    entries = data["jurisdictions"]
    for index, entry in enumerate(entries):
        check_entry(entry, ("jurisdictions", index))
    check_unique(entries, "code", ("jurisdictions",))
    rows = [
        {"id": row["id"], "at": (i, r)}
        for i, e in enumerate(entries)
        for r, row in enumerate(e["rules"])
    ]
    check_unique(rows, "id", ("rules",))
    if not any(entry["code"] == DEFAULT_CODE for entry in entries):
        raise ContentInvalid(
            [Problem(("jurisdictions",), _("The table needs a DEFAULT entry for other places."))]
        )


def normalised_entry(content: Mapping[str, Any]) -> dict[str, Any]:
    """The entry with its optional parts (notes, none_found) absent when empty, so a save, the
    file and a stored version compare equal."""
    document = {k: v for k, v in content.items() if k not in ("notes", "none_found")}
    if content.get("notes"):
        document["notes"] = content["notes"]
    if content.get("none_found"):
        document["none_found"] = dict(content["none_found"])
    return document


def entry_of(content: Mapping[str, Any], *, version: int) -> Entry:
    """A checked entry as frozen dataclasses (`safety.models.Jurisdiction.rule` caches it)."""
    code = content["code"]
    return Entry(
        code=code,
        name=content["name"],
        version=version,
        hotlines=tuple(Hotline(**line) for line in content["hotlines"]),
        rows=tuple(_row_of(row, code) for row in content["rules"]),
        none_found=MappingProxyType(dict(content.get("none_found") or {})),
        notes=content.get("notes") or None,
    )


def _row_of(row: Mapping[str, Any], code: str) -> RuleRow:
    return RuleRow(
        id=row["id"],
        jurisdiction=code,
        trigger=Trigger(row["trigger"]),
        duty=Duty(row["duty"]),
        age_min=row["age_min"],
        age_max=row["age_max"],
        weapon_kinds=frozenset(InjuryKind(kind) for kind in row["weapon_kinds"]),
        conditions=tuple(Condition(c) for c in row["conditions"]),
        reporter=row["reporter"],
        recipient=row["recipient"],
        method=row["method"],
        deadline=row["deadline"],
        disclosure_limit=row["disclosure_limit"],
        legal_basis=row["legal_basis"],
        source=row["source"],
        checked_on=date.fromisoformat(row["checked_on"]),
        needs_verification=row["needs_verification"],
        notes=row["notes"],
    )


def parse_table(data: Mapping[str, Any]) -> dict[str, Entry]:
    """The shipped file's entries by code, checked (ContentInvalid saying where otherwise)."""
    check_table(data)
    return {e["code"]: entry_of(e, version=data["version"]) for e in data["jurisdictions"]}
