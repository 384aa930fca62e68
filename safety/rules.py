"""Decision-making capacity and reporting requirements, as pure decisions.

Nothing here touches the database, the request or the clock: facts come in as frozen dataclasses
and a decision goes out with the reasons that produced it. The law itself lives in data
(`safety/content/jurisdictions.json`); this module only knows how to read a rule row and apply it
to the facts. Everything it says is decision support, not legal advice.

The one promise that shapes the engine: a missing fact is never filled in with a guess. When a
rule's outcome depends on something the clinician has not recorded, the rule is neither required
nor permitted; it becomes a question in `ReportingDecision.unknowns`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any

DISCLAIMER = (
    "Decision support, not legal advice. Check each rule's source and your facility's policy; "
    "rules marked for verification have not been confirmed against the current law."
)


# --- Capacity -----------------------------------------------------------------------------------


class Ability(StrEnum):
    """The four decision-specific abilities (Appelbaum, NEJM 2007;357:1834-40)."""

    COMMUNICATE_CHOICE = "communicate_choice"
    UNDERSTAND = "understand"
    APPRECIATE = "appreciate"
    REASON = "reason"

    @property
    def label(self) -> str:
        return _ABILITY_LABELS[self]


_ABILITY_LABELS = {
    Ability.COMMUNICATE_CHOICE: "communicate a choice",
    Ability.UNDERSTAND: "understand the relevant information",
    Ability.APPRECIATE: "appreciate the situation and its consequences",
    Ability.REASON: "reason about the options",
}


class AbilityFinding(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    NOT_ASSESSED = "not_assessed"


class CapacityOutcome(StrEnum):
    HAS_CAPACITY = "has_capacity"
    LACKS_CAPACITY = "lacks_capacity"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class CapacityResult:
    outcome: CapacityOutcome
    reasons: tuple[str, ...]


def assess_capacity(findings: Mapping[Ability, AbilityFinding]) -> CapacityResult:
    """Whether the patient has capacity for this decision, from the four abilities.

    Capacity needs all four abilities, so one absent ability is enough to find that the patient
    lacks capacity (the absent ones are named). Capacity is found only when all four were assessed
    and are present. Anything else, including an ability missing from `findings`, leaves the
    outcome unknown and names what was not assessed: guessing either way could take a decision
    away from a capable patient or leave an incapable one without protection.
    """
    by_ability = {ability: AbilityFinding.NOT_ASSESSED for ability in Ability}
    for ability, finding in findings.items():
        # Accept the enum or its stored value, so a form or a database row can be passed as is.
        by_ability[Ability(ability)] = AbilityFinding(finding)

    absent = [a for a in Ability if by_ability[a] is AbilityFinding.ABSENT]
    if absent:
        return CapacityResult(
            CapacityOutcome.LACKS_CAPACITY,
            tuple(f"Absent: the ability to {a.label}." for a in absent),
        )
    not_assessed = [a for a in Ability if by_ability[a] is AbilityFinding.NOT_ASSESSED]
    if not_assessed:
        return CapacityResult(
            CapacityOutcome.UNKNOWN,
            tuple(f"Not assessed: the ability to {a.label}." for a in not_assessed),
        )
    return CapacityResult(
        CapacityOutcome.HAS_CAPACITY,
        ("All four abilities are present: " + "; ".join(a.label for a in Ability) + ".",),
    )


# --- Facts --------------------------------------------------------------------------------------


class Tri(StrEnum):
    """A yes/no fact that may not be known yet. UNKNOWN is never read as NO."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class InjuryKind(StrEnum):
    GUNSHOT = "gunshot"
    STAB = "stab"
    OTHER = "other"  # any other wound, or none: not a gunshot or stab wound


class ExploitationKind(StrEnum):
    SEXUAL = "sexual"
    LABOUR = "labour"
    BOTH = "both"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ReportingFacts:
    """What the clinician has recorded. None and UNKNOWN mean "not known yet", never "no"."""

    jurisdiction: str
    age: int | None
    capacity: CapacityOutcome
    serious_crime_injury: Tri
    injury_kind: InjuryKind | None
    injury_self_inflicted_or_accidental: Tri
    developmental_disability: Tri
    vulnerable_or_elderly_adult: Tri
    exploitation_kind: ExploitationKind
    caregiver_involved: Tri
    patient_consents_to_police: Tri

    def __post_init__(self) -> None:
        if self.age is not None and (isinstance(self.age, bool) or self.age < 0):
            raise ValueError(f"age must be a whole number of years or None, not {self.age!r}")


# --- The rule table -----------------------------------------------------------------------------


class Trigger(StrEnum):
    CHILD = "child"
    ELDER = "elder"
    VULNERABLE_ADULT = "vulnerable_adult"
    WEAPON_INJURY = "weapon_injury"
    CRIME_INJURY = "crime_injury"
    CAPACITY = "capacity"


class Duty(StrEnum):
    MANDATORY = "mandatory"
    PERMISSIVE = "permissive"
    CONSENT = "consent"


class KnownCondition(StrEnum):
    """Conditions the engine can check against the facts. Any other condition text in the table
    is put to the clinician as a question, because the facts cannot answer it."""

    CAREGIVER = "caregiver involvement required"
    NOT_SELF_INFLICTED = "not self-inflicted or accidental"
    SELF_INFLICTED = "self-inflicted or accidental"
    DEVELOPMENTAL_DISABILITY = "developmental disability"
    SEXUAL_EXPLOITATION = "sexual exploitation"


# Topics a jurisdiction may record as "none found" (no law located) instead of rows.
NONE_FOUND_TOPICS = frozenset({"child", "adult_protection", "weapon_injury", "crime_injury"})

DEFAULT_CODE = "DEFAULT"


class RuleTableError(ValueError):
    """The jurisdiction rule table is malformed; the message says where."""


@dataclass(frozen=True)
class Hotline:
    name: str
    number: str
    notes: str


@dataclass(frozen=True)
class RuleRow:
    """One duty from one statute. Ages are whole years, both bounds inclusive; None is open."""

    id: str
    jurisdiction: str
    trigger: Trigger
    duty: Duty
    age_min: int | None
    age_max: int | None
    weapon_kinds: frozenset[InjuryKind]
    condition: str | None
    recipient: str
    disclosure_limit: str
    legal_basis: str
    source: str
    checked_on: date
    needs_verification: bool
    notes: str | None


@dataclass(frozen=True)
class JurisdictionRules:
    """The rows that apply in one jurisdiction, already merged with its fallbacks.

    `notes` says how the rows were assembled (e.g. that DEFAULT stood in for a missing entry);
    `none_found` maps a topic to a note that no law on it was found there.
    """

    code: str
    name: str
    version: int
    hotlines: tuple[Hotline, ...]
    rows: tuple[RuleRow, ...]
    notes: tuple[str, ...] = ()
    none_found: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


def load_jurisdiction_rules(data: Mapping[str, Any], code: str) -> JurisdictionRules:
    """The rules for `code`, from the parsed jurisdictions.json, with its fallbacks merged in.

    The whole table is validated first, so a malformed row fails loudly wherever it is.
    Rows come in layers, most specific first: the jurisdiction's own entry; its country's entry
    (e.g. `US` for `US-NY`); and, only when the jurisdiction has no entry of its own, the DEFAULT
    seed baseline. A later layer adds rows only for topics (triggers, with the consent path as a
    topic of its own) that no earlier layer covers, because a specific statute replaces the general
    rule rather than adding a second report. The notes say when a fallback was used.
    """
    version, entries = _parse_table(data)
    wanted = code.strip().upper()
    if not wanted:
        raise ValueError("a jurisdiction code is required")

    own = entries.get(wanted)
    country_code = wanted.split("-")[0]
    country = entries.get(country_code) if country_code != wanted else None
    layers = [entry for entry in (own, country) if entry is not None]
    notes: list[str] = []
    if own is None:
        layers.append(entries[DEFAULT_CODE])
        notes.append(
            f"{wanted} is not in the rule table: the seed guide's general rules (DEFAULT) stand "
            "in for its law. Check the local law before relying on them."
        )

    rows: list[RuleRow] = []
    covered: set[str] = set()
    for entry in layers:
        added = [row for row in entry.rows if _topic(row) not in covered]
        if added and entry is not layers[0]:
            topics = ", ".join(sorted({_topic(row) for row in added}))
            notes.append(f"{entry.name} rules are included for: {topics}.")
        rows.extend(added)
        covered |= {_topic(row) for row in entry.rows}

    return JurisdictionRules(
        code=wanted,
        name=own.name if own else f"{wanted} (not in the rule table)",
        version=version,
        hotlines=_merge_hotlines(country, own, entries[DEFAULT_CODE]),
        rows=tuple(rows),
        notes=tuple(notes) + ((own.notes,) if own and own.notes else ()),
        none_found=MappingProxyType(dict(own.none_found) if own else {}),
    )


def _topic(row: RuleRow) -> str:
    return "consent" if row.duty is Duty.CONSENT else row.trigger.value


def _merge_hotlines(
    country: _Entry | None, own: _Entry | None, default: _Entry
) -> tuple[Hotline, ...]:
    """National lines first (the ones to call with the patient), then local ones, once each.

    The DEFAULT lines (both countries' national lines) are offered only when nothing more
    specific is known, so a patient in Texas is not handed the Canadian number.
    """
    found = [line for entry in (country, own) if entry for line in entry.hotlines]
    if not found:
        found = list(default.hotlines)
    unique: dict[str, Hotline] = {}
    for line in found:
        unique.setdefault(line.number, line)
    return tuple(unique.values())


# --- Validation of the table --------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    code: str
    name: str
    hotlines: tuple[Hotline, ...]
    rows: tuple[RuleRow, ...]
    none_found: Mapping[str, str]
    notes: str | None


_CODE = re.compile(r"^(DEFAULT|[A-Z]{2}(-[A-Z0-9]{1,3})?)$")
_TOP_FIELDS = {"version", "checked_on", "source_note", "jurisdictions"}
_ENTRY_FIELDS = {"code", "name", "country", "hotlines", "rules"}
_ENTRY_OPTIONAL = {"none_found", "notes"}
_ROW_FIELDS = {
    "id",
    "trigger",
    "duty",
    "age_min",
    "age_max",
    "weapon_kinds",
    "condition",
    "recipient",
    "disclosure_limit",
    "legal_basis",
    "source",
    "checked_on",
    "needs_verification",
    "notes",
}
_WEAPONS = {InjuryKind.GUNSHOT.value, InjuryKind.STAB.value}


def _parse_table(data: Mapping[str, Any]) -> tuple[int, dict[str, _Entry]]:
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

    entries: dict[str, _Entry] = {}
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
        raise RuleTableError("the table needs a DEFAULT entry for jurisdictions it does not list")
    return version, entries


def _parse_entry(raw: Any, where: str) -> _Entry:
    if not isinstance(raw, Mapping):
        raise RuleTableError(f"{where}: must be an object")
    _exact_keys(raw, _ENTRY_FIELDS, _ENTRY_OPTIONAL, where)
    code = raw["code"]
    if not isinstance(code, str) or not _CODE.match(code):
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
    rows = tuple(_parse_row(row, f"{where}.rules[{i}]", code) for i, row in enumerate(raw["rules"]))
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
    return _Entry(code, name, hotlines, rows, MappingProxyType(dict(none_found)), notes)


def _parse_hotline(raw: Any, where: str) -> Hotline:
    if not isinstance(raw, Mapping):
        raise RuleTableError(f"{where}: must be an object")
    _exact_keys(raw, {"name", "number", "notes"}, set(), where)
    return Hotline(
        name=_text(raw["name"], f"{where}.name"),
        number=_text(raw["number"], f"{where}.number"),
        notes=_text(raw["notes"], f"{where}.notes"),
    )


def _parse_row(raw: Any, where: str, code: str) -> RuleRow:
    if not isinstance(raw, Mapping):
        raise RuleTableError(f"{where}: must be an object")
    # Every field is required, nulls included, so a misspelt key cannot silently drop a limit.
    _exact_keys(raw, _ROW_FIELDS, set(), where)
    row_id = _text(raw["id"], f"{where}.id")
    if not row_id.startswith(f"{code}-"):
        raise RuleTableError(f"{where}.id: {row_id!r} must start with {code}-")
    where = f"{where} ({row_id})"
    trigger = _choice(Trigger, raw["trigger"], f"{where}.trigger")
    duty = _choice(Duty, raw["duty"], f"{where}.duty")
    age_min = _age(raw["age_min"], f"{where}.age_min")
    age_max = _age(raw["age_max"], f"{where}.age_max")
    if age_min is not None and age_max is not None and age_min > age_max:
        raise RuleTableError(f"{where}: age_min {age_min} is above age_max {age_max}")
    if trigger is Trigger.CHILD and age_max is None:
        raise RuleTableError(f"{where}: a child rule needs an age_max")
    if duty is Duty.CONSENT and trigger is not Trigger.CAPACITY:
        raise RuleTableError(f"{where}: the consent duty belongs to a capacity rule")
    kinds = raw["weapon_kinds"]
    if not isinstance(kinds, list) or not set(kinds) <= _WEAPONS:
        raise RuleTableError(f"{where}.weapon_kinds: must be a list drawn from {sorted(_WEAPONS)}")
    if (trigger is Trigger.WEAPON_INJURY) != bool(kinds):
        raise RuleTableError(
            f"{where}.weapon_kinds: needed for weapon_injury rules, and only there"
        )
    condition = raw["condition"]
    if condition is not None:
        _text(condition, f"{where}.condition")
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
        condition=condition,
        recipient=_text(raw["recipient"], f"{where}.recipient"),
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


# --- The decision -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    recipient: str
    legal_basis: str
    disclosure_limit: str
    rule_id: str
    reason: str
    needs_verification: bool


@dataclass(frozen=True)
class ReportingDecision:
    jurisdiction: str
    rules_version: int
    required: tuple[Report, ...]
    permitted: tuple[Report, ...]
    needs_consent: tuple[Report, ...]
    hotlines: tuple[Hotline, ...]
    unknowns: tuple[str, ...]
    reasons: tuple[str, ...]
    disclaimer: str = DISCLAIMER


# The questions put to the clinician, one per missing fact, in this order.
FACT_AGE = "Patient's age"
FACT_CAPACITY = "Patient's decision-making capacity"
FACT_WOUND = "Kind of wound (gunshot, stab or other)"
FACT_SELF_INFLICTED = "Whether the wound was self-inflicted or accidental"
FACT_CRIME_INJURY = "Whether the patient has a serious injury caused by a crime"
FACT_DEVELOPMENTAL_DISABILITY = "Whether the patient has a developmental disability"
FACT_VULNERABLE = "Whether the patient is an elderly or otherwise vulnerable adult"
FACT_EXPLOITATION = "Kind of exploitation (sexual, labour or both)"
FACT_CAREGIVER = "Whether a parent or caregiver is involved"
ASK_ABOUT_POLICE = "Ask the patient whether they want police involved"
_FACT_ORDER = (
    FACT_AGE,
    FACT_CAPACITY,
    FACT_WOUND,
    FACT_SELF_INFLICTED,
    FACT_CRIME_INJURY,
    FACT_DEVELOPMENTAL_DISABILITY,
    FACT_VULNERABLE,
    FACT_EXPLOITATION,
    FACT_CAREGIVER,
)
_DUTY_PHRASE = {
    Duty.MANDATORY: "is required",
    Duty.PERMISSIVE: "is permitted",
    Duty.CONSENT: "needs the patient's consent",
}
# Rows whose report goes to the police by their nature: once one of them is required, asking the
# patient's permission for a police report would be a false choice.
_POLICE_TRIGGERS = frozenset({Trigger.WEAPON_INJURY, Trigger.CRIME_INJURY})
_HOTLINE_REASON = (
    "Offer the hotlines whatever is decided: call together with the patient, who can stay "
    "anonymous. They can find local services and a safety plan the patient accepts."
)


def reporting_requirements(facts: ReportingFacts, rules: JurisdictionRules) -> ReportingDecision:
    """Which reports are required, which are permitted, which need the patient's consent, and why.

    Each non-consent row of the table is checked against the facts (see `_evaluate`):
    - child rows by the patient's age range;
    - elder rows by age (when the row has an age limit) or else by the elderly/vulnerable flag;
    - vulnerable-adult rows by developmental disability, the vulnerable flag or lack of capacity;
    - weapon-injury rows by the kind of wound, crime-injury rows by a serious crime injury;
    - capacity rows when the patient lacks capacity;
    - a row's condition, when the facts can answer it. A "caregiver involvement required" row
      whose caregiver answer is NO is permitted rather than required: the duty lapses but a
      report may still be made.
    A mandatory row that applies is required, a permissive one is permitted. A row whose outcome
    turns on a missing fact goes to `unknowns` as a question and nowhere else. Then the consent
    path (see `_consent_path`) decides the police question for an adult with capacity. Several
    rows reaching the same recipient give one report. Hotlines are always offered.
    """
    if facts.jurisdiction.strip().upper() != rules.code:
        raise ValueError(f"the facts are for {facts.jurisdiction} but the rules for {rules.code}")

    outcomes = [_evaluate(row, facts) for row in rules.rows if row.duty is not Duty.CONSENT]
    applied = [outcome for outcome in outcomes if outcome.duty is not None]
    required = [o for o in applied if o.duty is Duty.MANDATORY]
    permitted = [o for o in applied if o.duty is Duty.PERMISSIVE]
    questions = [question for outcome in outcomes for question in outcome.questions]
    reasons = list(rules.notes)
    reasons += [f"{o.row.id}: {o.note}." for o in outcomes if o.note]

    consent = _consent_path(rules, facts, required)
    permitted += consent.permitted
    questions += consent.questions
    reasons += consent.reasons

    required_reports = _one_per_recipient(_report(o, "required") for o in required)
    must = {report.recipient.casefold() for report in required_reports}
    permitted_reports = _one_per_recipient(
        _report(o, "permitted") for o in permitted if o.row.recipient.casefold() not in must
    )
    may = {report.recipient.casefold() for report in permitted_reports}
    # A question only stays if its answer could change what is reported.
    open_questions = [
        q
        for q in questions
        if q.recipient.casefold() not in must
        and not (q.duty is not Duty.MANDATORY and q.recipient.casefold() in may)
    ]
    unknowns = _phrase_questions(open_questions)
    if consent.ask:
        unknowns += (
            f"{ASK_ABOUT_POLICE}: with their consent a report to {consent.ask.row.recipient} "
            "is permitted.",
        )

    reasons += _none_found_reasons(rules, facts)
    if not required_reports:
        reasons.append(
            "No report is required on the facts recorded."
            + (" Some facts are still missing: see the questions." if unknowns else "")
        )
    reasons.append(_HOTLINE_REASON)
    return ReportingDecision(
        jurisdiction=rules.code,
        rules_version=rules.version,
        required=required_reports,
        permitted=permitted_reports,
        needs_consent=(_report(consent.ask, "consent"),) if consent.ask else (),
        hotlines=rules.hotlines,
        unknowns=unknowns,
        reasons=tuple(reasons),
    )


@dataclass(frozen=True)
class _Check:
    """One thing a row needs, checked against the facts."""

    state: Tri
    because: str = ""  # what was found, when the check is met
    fact: str = ""  # the question to ask, when the fact is missing
    when: str = ""  # when the row applies, in that question's words
    why_not: str = ""  # worth telling the clinician when this check rules the row out
    downgrade: str = ""  # met, but a mandatory duty becomes permissive; says why


@dataclass(frozen=True)
class _Question:
    fact: str
    recipient: str
    duty: Duty
    when: str


@dataclass(frozen=True)
class _Outcome:
    row: RuleRow
    duty: Duty | None  # None: the row does not apply, or a fact is missing
    because: str = ""
    questions: tuple[_Question, ...] = ()
    note: str = ""


def _evaluate(row: RuleRow, facts: ReportingFacts) -> _Outcome:
    """Whether one row applies: every check must be met (a three-valued AND).

    A check that fails rules the row out, whatever else is missing, because no answer could
    bring it back. Otherwise each missing fact becomes a question and the row does not apply yet.
    """
    checks = _checks(row, facts)
    failed = next((check for check in checks if check.state is Tri.NO), None)
    if failed:
        return _Outcome(row, None, note=failed.why_not)
    missing = [check for check in checks if check.state is Tri.UNKNOWN]
    if missing:
        questions = tuple(_Question(c.fact, row.recipient, row.duty, c.when) for c in missing)
        return _Outcome(row, None, questions=questions)
    because = "; ".join(check.because for check in checks if check.because)
    downgrade = next((check.downgrade for check in checks if check.downgrade), "")
    duty = Duty.PERMISSIVE if downgrade and row.duty is Duty.MANDATORY else row.duty
    return _Outcome(row, duty, because=because, note=downgrade)


def _checks(row: RuleRow, facts: ReportingFacts) -> list[_Check]:
    """Everything the row needs: its age range, its trigger, and its condition."""
    checks = []
    if row.age_min is not None or row.age_max is not None:
        checks.append(_age_check(row, facts.age))
    checks += _trigger_checks(row, facts)
    if row.condition:
        checks.append(_condition_check(row, facts))
    return checks


def _age_check(row: RuleRow, age: int | None) -> _Check:
    """Inside the row's age range. Only child rows explain a miss: it is the age that decides."""
    ages = _age_range(row.age_min, row.age_max)
    when = ages if ages.startswith("under") else f"at {ages}"
    if age is None:
        return _Check(Tri.UNKNOWN, fact=FACT_AGE, when=when)
    low = row.age_min if row.age_min is not None else 0
    high = row.age_max if row.age_max is not None else age
    if low <= age <= high:
        return _Check(Tri.YES, because=f"the patient is {age} (this rule covers {ages})")
    # Only a minor needs telling why a child rule missed (e.g. 16 in Ontario); for an adult it is
    # obvious and would bury the reasons that matter.
    explain = row.trigger is Trigger.CHILD and age < 19
    why_not = f"the patient is {age}; this rule covers {ages}" if explain else ""
    return _Check(Tri.NO, why_not=why_not)


def _age_range(age_min: int | None, age_max: int | None) -> str:
    if age_min is None and age_max is None:
        return "any age"
    if age_min is None:
        return f"under {age_max + 1}"
    if age_max is None:
        return f"{age_min} or over"
    if age_min == age_max:
        return f"{age_min}"
    return f"{age_min}–{age_max}"


def _trigger_checks(row: RuleRow, facts: ReportingFacts) -> list[_Check]:
    """What the row's trigger needs beyond its age range."""
    match row.trigger:
        case Trigger.CHILD:
            return []  # the age range is the whole test
        case Trigger.ELDER:
            # An elder row with an age limit is decided by age alone; without one, the seed's
            # "elderly" is the clinician's call, recorded as the vulnerable/elderly flag.
            if row.age_min is not None:
                return []
            return [
                _flag_check(
                    facts.vulnerable_or_elderly_adult,
                    "the patient is an elderly or vulnerable adult",
                    FACT_VULNERABLE,
                )
            ]
        case Trigger.VULNERABLE_ADULT:
            return _vulnerability_checks(facts)
        case Trigger.WEAPON_INJURY:
            return [_wound_check(row, facts.injury_kind)]
        case Trigger.CRIME_INJURY:
            return [
                _flag_check(
                    facts.serious_crime_injury,
                    "the patient has a serious injury caused by a crime",
                    FACT_CRIME_INJURY,
                )
            ]
        case Trigger.CAPACITY:
            return [_capacity_check(row, facts.capacity)]


def _flag_check(value: Tri, because: str, fact: str, when: str = "if so") -> _Check:
    """A yes/no fact as a check; UNKNOWN becomes a question, never a NO."""
    if value is Tri.YES:
        return _Check(Tri.YES, because=because)
    if value is Tri.NO:
        return _Check(Tri.NO)
    return _Check(Tri.UNKNOWN, fact=fact, when=when)


def _lacks_capacity(capacity: CapacityOutcome) -> Tri:
    return {
        CapacityOutcome.LACKS_CAPACITY: Tri.YES,
        CapacityOutcome.HAS_CAPACITY: Tri.NO,
        CapacityOutcome.UNKNOWN: Tri.UNKNOWN,
    }[capacity]


def _vulnerability_checks(facts: ReportingFacts) -> list[_Check]:
    """Any one of three signs makes an adult vulnerable (a three-valued OR).

    One YES is enough; all NO rules the row out; otherwise each missing sign is a question.
    """
    signs = [
        _flag_check(
            facts.developmental_disability,
            "the patient has a developmental disability",
            FACT_DEVELOPMENTAL_DISABILITY,
        ),
        _flag_check(
            facts.vulnerable_or_elderly_adult,
            "the patient is an elderly or vulnerable adult",
            FACT_VULNERABLE,
        ),
        _flag_check(
            _lacks_capacity(facts.capacity),
            "the patient lacks decision-making capacity",
            FACT_CAPACITY,
            when="if they lack capacity",
        ),
    ]
    met = [sign for sign in signs if sign.state is Tri.YES]
    if met:
        return met[:1]
    missing = [sign for sign in signs if sign.state is Tri.UNKNOWN]
    return missing or [_Check(Tri.NO)]


def _wound_check(row: RuleRow, kind: InjuryKind | None) -> _Check:
    covered = " or ".join(k.value for k in InjuryKind if k in row.weapon_kinds) + " wound"
    if kind is None:
        return _Check(Tri.UNKNOWN, fact=FACT_WOUND, when=f"for a {covered}")
    if kind in row.weapon_kinds:
        return _Check(Tri.YES, because=f"the patient has a {kind.value} wound")
    if kind is InjuryKind.OTHER:
        return _Check(Tri.NO)
    return _Check(
        Tri.NO, why_not=f"this rule covers a {covered} only; this is a {kind.value} wound"
    )


def _capacity_check(row: RuleRow, capacity: CapacityOutcome) -> _Check:
    """Capacity rows: a mandatory or permissive one needs the patient to lack capacity; a consent
    one needs them to have it, since only a capable patient can give or refuse consent."""
    lacks = _lacks_capacity(capacity)
    if row.duty is not Duty.CONSENT:
        return _flag_check(
            lacks,
            "the patient lacks decision-making capacity",
            FACT_CAPACITY,
            when="if they lack capacity",
        )
    if lacks is Tri.NO:
        return _Check(Tri.YES, because="the patient is an adult with decision-making capacity")
    if lacks is Tri.YES:
        return _Check(
            Tri.NO,
            why_not="the patient lacks capacity, so police involvement cannot rest on their "
            "consent",
        )
    return _Check(Tri.UNKNOWN, fact=FACT_CAPACITY, when="if they have capacity")


def _condition_check(row: RuleRow, facts: ReportingFacts) -> _Check:
    """The row's condition, when the facts can answer it; otherwise a question for the clinician."""
    condition = (row.condition or "").strip()
    match condition.casefold():
        case KnownCondition.CAREGIVER:
            return _caregiver_check(row, facts.caregiver_involved)
        case KnownCondition.NOT_SELF_INFLICTED:
            value = facts.injury_self_inflicted_or_accidental
            if value is Tri.YES:
                return _Check(
                    Tri.NO, why_not="this rule leaves out self-inflicted or accidental wounds"
                )
            return _flag_check(
                Tri.YES if value is Tri.NO else value,
                "the wound is not self-inflicted or accidental",
                FACT_SELF_INFLICTED,
                when="unless it was",
            )
        case KnownCondition.SELF_INFLICTED:
            return _flag_check(
                facts.injury_self_inflicted_or_accidental,
                "the wound is self-inflicted or accidental",
                FACT_SELF_INFLICTED,
                when="if it was",
            )
        case KnownCondition.DEVELOPMENTAL_DISABILITY:
            return _flag_check(
                facts.developmental_disability,
                "the patient has a developmental disability",
                FACT_DEVELOPMENTAL_DISABILITY,
            )
        case KnownCondition.SEXUAL_EXPLOITATION:
            return _exploitation_check(facts.exploitation_kind)
        case _:
            return _Check(Tri.UNKNOWN, fact=f"Whether {condition}", when="if so")


def _caregiver_check(row: RuleRow, caregiver: Tri) -> _Check:
    if caregiver is Tri.YES:
        return _Check(Tri.YES, because="a parent or caregiver is involved")
    if caregiver is Tri.NO:
        return _Check(
            Tri.YES,
            because="no parent or caregiver is involved",
            downgrade="the duty applies only when a parent or caregiver is involved, so this "
            "report is permitted, not required",
        )
    when = "if so (permitted if not)" if row.duty is Duty.MANDATORY else "if so"
    return _Check(Tri.UNKNOWN, fact=FACT_CAREGIVER, when=when)


def _exploitation_check(kind: ExploitationKind) -> _Check:
    if kind in (ExploitationKind.SEXUAL, ExploitationKind.BOTH):
        return _Check(Tri.YES, because="the exploitation is sexual")
    if kind is ExploitationKind.LABOUR:
        return _Check(Tri.NO, why_not="this rule covers sexual exploitation only")
    return _Check(Tri.UNKNOWN, fact=FACT_EXPLOITATION, when="for sexual exploitation")


@dataclass(frozen=True)
class _ConsentOutcome:
    permitted: tuple[_Outcome, ...] = ()
    questions: tuple[_Question, ...] = ()
    reasons: tuple[str, ...] = ()
    ask: _Outcome | None = None  # the report waiting on the patient's answer


def _consent_path(
    rules: JurisdictionRules, facts: ReportingFacts, required: list[_Outcome]
) -> _ConsentOutcome:
    """The police question for an adult with capacity: their decision, not ours.

    A consent row (an adult, with capacity) applies unless a police report is already required by
    a weapon or crime-injury row, in which case asking would be a false choice. Then:
    consent YES -> the report is permitted; NO -> no report, and the refusal is respected;
    UNKNOWN -> the report waits in `needs_consent` and the clinician is asked to ask the patient.
    """
    permitted: list[_Outcome] = []
    questions: list[_Question] = []
    reasons: list[str] = []
    ask = None
    for row in (row for row in rules.rows if row.duty is Duty.CONSENT):
        outcome = _evaluate(row, facts)
        questions += outcome.questions
        if outcome.duty is None:
            if outcome.note:
                reasons.append(f"{row.id}: {outcome.note}.")
                if not required and facts.capacity is CapacityOutcome.LACKS_CAPACITY:
                    reasons.append(
                        f"{row.id}: no rule here requires a report for lack of capacity alone; "
                        "involve the substitute decision-maker and ask your privacy or legal "
                        "office."
                    )
            continue
        police = [o.row.id for o in required if o.row.trigger in _POLICE_TRIGGERS]
        if police:
            reasons.append(
                f"{row.id}: a police report is already required ({', '.join(police)}), so the "
                "patient's consent is not sought for it; tell them it will be made and what it "
                "will contain."
            )
            continue
        match facts.patient_consents_to_police:
            case Tri.YES:
                permitted.append(
                    replace(outcome, because=f"{outcome.because}, and agrees to police involvement")
                )
            case Tri.NO:
                reasons.append(
                    f"{row.id}: the patient is an adult with capacity and declined police "
                    "involvement. No police report is made: their refusal is respected."
                )
            case Tri.UNKNOWN:
                ask = outcome
    return _ConsentOutcome(tuple(permitted), tuple(questions), tuple(reasons), ask)


def _report(outcome: _Outcome, verdict: str) -> Report:
    """The report a row leads to, with what was found and the row's limits and citation."""
    row = outcome.row
    if verdict == "consent":
        reason = f"{_capfirst(outcome.because)}: a report to {row.recipient} needs their consent."
    else:
        reason = f"{_capfirst(outcome.because)}: a report to {row.recipient} is {verdict}."
    if outcome.note:
        reason += f" ({_capfirst(outcome.note)}.)"
    return Report(
        recipient=row.recipient,
        legal_basis=row.legal_basis,
        disclosure_limit=row.disclosure_limit,
        rule_id=row.id,
        reason=reason,
        needs_verification=row.needs_verification,
    )


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def _one_per_recipient(reports: Iterable[Report]) -> tuple[Report, ...]:
    """One report per recipient: the clinician makes one call, citing every rule behind it."""
    merged: dict[str, Report] = {}
    for report in reports:
        key = report.recipient.casefold()
        if key in merged:
            first = merged[key]
            merged[key] = replace(
                first, reason=f"{first.reason} Also under {report.rule_id} ({report.legal_basis})."
            )
        else:
            merged[key] = report
    return tuple(merged.values())


def _phrase_questions(questions: list[_Question]) -> tuple[str, ...]:
    """One line per missing fact, naming each report its answer would decide, e.g.
    "Patient's age: a report to a children's aid society is required under 16 and permitted at
    16–17"."""
    by_fact: dict[str, dict[str, list[tuple[Duty, str]]]] = {}
    for question in questions:
        asks = by_fact.setdefault(question.fact, {}).setdefault(question.recipient, [])
        if (question.duty, question.when) not in asks:
            asks.append((question.duty, question.when))

    def order(fact: str) -> int:
        return _FACT_ORDER.index(fact) if fact in _FACT_ORDER else len(_FACT_ORDER)

    lines = []
    for fact in sorted(by_fact, key=order):  # stable: free-text conditions keep table order
        parts = [
            f"a report to {recipient} {_join_phrases(asks)}"
            for recipient, asks in by_fact[fact].items()
        ]
        lines.append(f"{fact}: {'; '.join(parts)}")
    return tuple(lines)


def _join_phrases(asks: list[tuple[Duty, str]]) -> str:
    """One recipient's part of a question, e.g. "is required under 16 and permitted at 16–17".

    A weaker duty over the same range as a mandatory one adds nothing, so it is left out.
    """
    mandatory = {when for duty, when in asks if duty is Duty.MANDATORY}
    kept = [(d, w) for d, w in asks if d is Duty.MANDATORY or w not in mandatory]
    phrases = [f"{_DUTY_PHRASE[duty]} {when}".strip() for duty, when in kept]
    first, *rest = phrases
    if first.startswith("is "):
        rest = [phrase.removeprefix("is ") for phrase in rest]
    return " and ".join([first, *rest])


def _none_found_reasons(rules: JurisdictionRules, facts: ReportingFacts) -> list[str]:
    """Say so when the facts touch a topic on which no law was found, so silence is not misread."""
    relevant = {
        "child": facts.age is None or facts.age < 19,
        "adult_protection": facts.capacity is CapacityOutcome.LACKS_CAPACITY
        or Tri.YES in (facts.developmental_disability, facts.vulnerable_or_elderly_adult),
        "weapon_injury": facts.injury_kind in (InjuryKind.GUNSHOT, InjuryKind.STAB),
        "crime_injury": facts.serious_crime_injury is Tri.YES,
    }
    return [
        f"{rules.name}: {note}"
        for topic, note in rules.none_found.items()
        if relevant.get(topic, False)
    ]
