"""The timeline as people read it: each event told from its kind and payload, in the reader's
language.

A `CaseEvent` also stores a `summary`, written once in the language of whoever acted; it is a
record, never shown as is: a French-speaking supervisor reading a case an English-speaking
clinician worked on reads every entry in French. Each kind has a translatable message here,
with the payload's values as `%(name)s` parameters (a reason or a comment stays in its
writer's words; once retention has blanked it, the message without it is shown).

Where an entry names something a phase holds (a checklist item's text, a referral's service, a
reason's label), `cases` cannot look it up without importing the phase. Each phase may name a
function in `HARBOR_TIMELINE_DETAILS_PROVIDERS`: given the events, it returns, for those it
knows, the name of that thing in the active language; the message then carries it
("Referral offered: %(detail)s"), and without one the plain message stands ("Referral offered").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cases.events import EventKind
from cases.models import Case, CaseEvent, User

TIMELINE_LIMIT = 200

DetailsProvider = Callable[[list[CaseEvent]], dict[int, str]]


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a case's timeline, ready to show."""

    at: datetime
    by: User
    kind: str
    text: str


# Kinds whose message needs nothing from the payload, or uses a phase's detail when one is
# given: (the message alone, the message with the detail).
PLAIN: dict[EventKind, tuple[Promise, Promise | None]] = {
    EventKind.SCREENING_GATE_MET: (
        _("Screening started: patient seen alone, confidentiality limits explained"),
        None,
    ),
    EventKind.SCREENING_NOT_SCREENED: (_("Not screened"), _("Not screened: %(detail)s")),
    EventKind.SCREENING_PAUSED: (_("Screening paused"), None),
    EventKind.SCREENING_RESUMED: (_("Screening resumed"), None),
    EventKind.SCREENING_COMPLETED: (_("Screening completed"), None),
    EventKind.SCREENING_ANSWER_SAVED: (_("Answer saved"), None),
    EventKind.SCREENING_INDICATOR_SAVED: (_("Observed sign saved"), None),
    EventKind.SCREENING_INSTRUMENT_SAVED: (_("Instrument answers saved"), None),
    EventKind.SAFETY_ITEM_DONE: (
        _("Checklist item done"),
        _("Checklist item done: %(detail)s"),
    ),
    EventKind.SAFETY_ITEM_NOT_APPLICABLE: (
        _("Checklist item marked not applicable"),
        _("Checklist item marked not applicable: %(detail)s"),
    ),
    EventKind.SAFETY_ITEM_REOPENED: (
        _("Checklist item reopened"),
        _("Checklist item reopened: %(detail)s"),
    ),
    EventKind.SAFETY_THREAT_REPORTED: (
        _("Threatening behaviour reported; security and emergency numbers shown"),
        None,
    ),
    EventKind.SAFETY_THREAT_WITHDRAWN: (
        _("Threatening behaviour report withdrawn: pressed by mistake"),
        None,
    ),
    EventKind.REPORTING_CAPACITY_ASSESSED: (
        _("Capacity assessed"),
        _("Capacity assessed: %(detail)s"),
    ),
    EventKind.REPORTING_REQUIRED_REPORT_LOGGED: (
        _("Required report logged"),
        _("Required report logged: %(detail)s"),
    ),
    EventKind.REPORTING_DISCLOSURE_LOGGED: (
        _("Disclosure logged"),
        _("Disclosure logged: %(detail)s"),
    ),
    EventKind.REFERRAL_BARRIERS_ASSESSED: (_("Barriers to getting help recorded"), None),
    EventKind.REFERRAL_OFFERED: (_("Referral offered"), _("Referral offered: %(detail)s")),
    EventKind.REFERRAL_ACCEPTED: (_("Referral accepted"), _("Referral accepted: %(detail)s")),
    EventKind.REFERRAL_DECLINED: (_("Referral declined"), _("Referral declined: %(detail)s")),
    EventKind.REFERRAL_CONTACTED: (
        _("Referral: service contacted"),
        _("Referral: service contacted: %(detail)s"),
    ),
    EventKind.REFERRAL_CONNECTED: (
        _("Referral: patient connected"),
        _("Referral: patient connected: %(detail)s"),
    ),
    EventKind.REFERRAL_NO_RESPONSE: (
        _("Referral: no response"),
        _("Referral: no response: %(detail)s"),
    ),
    EventKind.REFERRAL_CLOSED: (_("Referral closed"), _("Referral closed: %(detail)s")),
    EventKind.REFERRAL_PATIENT_CONTACTED: (
        _("Follow-up contact with the patient"),
        _("Follow-up contact with the patient: %(detail)s"),
    ),
    EventKind.REFERRAL_WARM_HANDOVER: (_("Warm handover"), _("Warm handover: %(detail)s")),
    EventKind.REFERRAL_HELP_DECLINED: (_("Help declined for now; resources offered anyway"), None),
    EventKind.DOCUMENTATION_NOTE_STARTED: (
        _("Encounter note started (prefilled from the case)"),
        None,
    ),
    EventKind.DOCUMENTATION_NOTE_FINALISED: (_("Encounter note finalised"), None),
    EventKind.DOCUMENTATION_ADDENDUM_ADDED: (_("Addendum added to the encounter note"), None),
    EventKind.DOCUMENTATION_DRAFT_SAVED: (_("Encounter note draft saved"), None),
    EventKind.DOCUMENTATION_INJURY_ADDED: (_("Injury added to the encounter note"), None),
    EventKind.DOCUMENTATION_INJURY_REMOVED: (_("Injury removed from the encounter note"), None),
    EventKind.DOCUMENTATION_PREFILL_SETTLED: (_("Prefilled section of the note settled"), None),
    EventKind.DOCUMENTATION_CODES_CHOSEN: (_("Codes chosen for the encounter note"), None),
}


# A short name for the kinds whose full message needs their payload (the access log's "Part").
KIND_LABELS: dict[EventKind, Promise] = {
    EventKind.CASE_OPENED: _("Case opened"),
    EventKind.CASE_DETAILS_CHANGED: _("Case details updated"),
    EventKind.CASE_ESCALATED: _("Escalated"),
    EventKind.CASE_ESCALATION_RESOLVED: _("Escalation closed"),
    EventKind.CASE_ASSIGNED: _("Assigned"),
    EventKind.CASE_LINE_CALLED: _("Called a line with the patient"),
    EventKind.REVIEW_COMMENTED: _("Supervisor comment"),
    EventKind.REVIEW_RETURNED: _("Returned to the clinician"),
    EventKind.REVIEW_SIGNED_OFF: _("Signed off"),
    EventKind.SCREENING_CONCERN_ASSESSED: _("Concern level assessed"),
    EventKind.REPORTING_DECISION_RECORDED: _("Reporting decision recorded"),
    EventKind.REFERRAL_FOLLOW_UP_SET: _("Referral follow-up set"),
}


def kind_label(kind: str) -> str | None:
    """A short name for an event kind, in the active language (None for an unknown kind)."""
    try:
        known = EventKind(kind)
    except ValueError:
        return None
    if known in PLAIN:
        return str(PLAIN[known][0])
    return str(KIND_LABELS[known])


def _field_label(name: str) -> str:
    try:
        field = Case._meta.get_field(name)
    except FieldDoesNotExist:  # a field removed since the event was written
        return name.replace("_", " ")
    return str(getattr(field, "verbose_name", name))


def _date(value: object) -> str:
    try:
        return date_format(date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    except ValueError:
        return str(value)


def _words(payload: dict[str, Any], key: str) -> str:
    """A person's words from the payload; retention leaves "" (cases.retention), said so."""
    return str(payload.get(key) or "") or gettext("details removed after the retention period")


def _name(people: dict[int, User], pk: object) -> str | None:
    person = people.get(pk) if isinstance(pk, int) else None
    return person.display_name if person else None


def describe(
    event: CaseEvent,
    people: dict[int, User],
    detail: str | None = None,
    units: dict[int, str] | None = None,
) -> str:
    """The event in the active language. `people` holds the users the payload names (by id),
    `units` the units' names; `detail` is the phase's name for what the event is about, if
    its provider gave one."""
    units = units or {}
    payload: dict[str, Any] = event.payload or {}
    try:
        kind = EventKind(event.kind)
    except ValueError:
        return gettext("Recorded: %(kind)s") % {"kind": event.kind}
    if kind in PLAIN:
        plain, detailed = PLAIN[kind]
        if detail and detailed is not None:
            return str(detailed) % {"detail": detail}
        return str(plain)
    if kind == EventKind.CASE_OPENED:
        # Events from before the unit was kept in the payload have none.
        unit = units.get(payload.get("unit"))  # type: ignore[arg-type]
        if unit is None:
            return gettext("Case opened")
        return gettext("Case opened on %(unit)s") % {"unit": unit}
    if kind == EventKind.CASE_DETAILS_CHANGED:
        fields = ", ".join(_field_label(name) for name in payload.get("fields", []))
        return gettext("Case details updated: %(fields)s") % {"fields": fields}
    if kind == EventKind.CASE_ESCALATED:
        reason = _words(payload, "reason")
        to = _name(people, payload.get("to"))
        if to:
            return gettext("Escalated to %(name)s: %(reason)s") % {"name": to, "reason": reason}
        return gettext("Escalated to the supervisors on duty: %(reason)s") % {"reason": reason}
    if kind == EventKind.CASE_ESCALATION_RESOLVED:
        note = _words(payload, "note")
        return gettext("Escalation reviewed and closed: %(note)s") % {"note": note}
    if kind == EventKind.CASE_ASSIGNED:
        to = _name(people, payload.get("to")) or gettext("someone no longer on staff")
        return gettext("Assigned to %(name)s") % {"name": to}
    if kind == EventKind.CASE_LINE_CALLED:
        phone = str(payload.get("phone", ""))
        return gettext("Called a line with the patient (%(phone)s)") % {"phone": phone}
    if kind == EventKind.REVIEW_COMMENTED:
        comment = _words(payload, "comment")
        return gettext("Supervisor comment: %(comment)s") % {"comment": comment}
    if kind == EventKind.REVIEW_RETURNED:
        request = _words(payload, "request")
        return gettext("Returned to the clinician: %(request)s") % {"request": request}
    if kind == EventKind.REVIEW_SIGNED_OFF:
        return gettext("Signed off by %(name)s") % {"name": event.by.display_name}
    if kind == EventKind.SCREENING_CONCERN_ASSESSED:
        level = payload.get("level", "")
        label = Case.Concern(level).label if level in Case.Concern.values else str(level)
        return gettext("Concern level now: %(level)s") % {"level": label}
    if kind == EventKind.REPORTING_DECISION_RECORDED:
        count = len(payload.get("required") or [])
        if not count:
            return gettext("Reporting decision recorded: no report required")
        return ngettext(
            "Reporting decision recorded: %(count)d report required",
            "Reporting decision recorded: %(count)d reports required",
            count,
        ) % {"count": count}
    if kind == EventKind.REFERRAL_FOLLOW_UP_SET:
        when = payload.get("follow_up_on")
        if not when:
            return gettext("Referral follow-up cleared")
        return gettext("Referral follow-up set for %(date)s") % {"date": _date(when)}
    raise AssertionError(f"No message for timeline event kind {kind}")  # pragma: no cover


def phase_details(events: list[CaseEvent]) -> dict[int, str]:
    """What each phase's provider (`HARBOR_TIMELINE_DETAILS_PROVIDERS`) names, by event id."""
    details: dict[int, str] = {}
    for path in getattr(settings, "HARBOR_TIMELINE_DETAILS_PROVIDERS", []):
        provider: DetailsProvider = import_string(path)
        details.update(provider(events))
    return details


def _people_named(events: Iterable[CaseEvent]) -> dict[int, User]:
    ids = {
        event.payload.get("to")
        for event in events
        if event.kind in {EventKind.CASE_ESCALATED, EventKind.CASE_ASSIGNED}
    }
    wanted = {pk for pk in ids if isinstance(pk, int)}
    return User.objects.in_bulk(wanted) if wanted else {}


# What an entry shows of its author (`User.display_name`), in the model's column order, which
# `Model.from_db` expects.
AUTHOR_FIELDS = tuple(
    field.attname
    for field in User._meta.concrete_fields
    if field.attname in {"first_name", "last_name", "username"}
)


def _events_with_authors(case: Case, limit: int) -> list[CaseEvent]:
    """The case's newest `limit` events, each with its author loaded once per person.

    `select_related("by")` would build a whole user per event, a hundred times over for the
    same two or three people: here each author's name columns come with the event, and one
    user (the columns a name needs; the rest deferred) is made per person."""
    named = {f"author_{name}": F(f"by__{name}") for name in AUTHOR_FIELDS}
    events = list(case.events.annotate(**named)[:limit])
    authors: dict[int, User] = {}
    for event in events:
        author = authors.get(event.by_id)
        if author is None:
            values = [event.by_id, *(getattr(event, f"author_{name}") for name in AUTHOR_FIELDS)]
            author = authors[event.by_id] = User.from_db(
                event._state.db, ["id", *AUTHOR_FIELDS], values
            )
        event.by = author
    return events


def timeline(case: Case, limit: int = TIMELINE_LIMIT) -> list[TimelineEntry]:
    """The newest `limit` entries of the case, told in the active language (two queries,
    whatever their number, plus one per details provider)."""
    events = _events_with_authors(case, limit)
    people = _people_named(events)
    details = phase_details(events)
    # A case opens on its own unit; it is already loaded.
    units = {case.unit_id: case.unit.name}
    # Most entries are a kind's plain message (a hundred "Checklist item done"): translated
    # once per kind here, as `describe` would.
    plain: dict[str, str] = {}
    entries = []
    for event in events:
        detail = details.get(event.pk)
        if event.kind in PLAIN and not (detail and PLAIN[EventKind(event.kind)][1] is not None):
            text = plain.get(event.kind)
            if text is None:
                text = plain[event.kind] = describe(event, people, detail, units)
        else:
            text = describe(event, people, detail, units)
        entries.append(TimelineEntry(event.at, event.by, event.kind, text))
    return entries
