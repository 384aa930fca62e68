"""Writes that touch the case and its timeline and audit log together, each in one transaction.

Phase apps call `record_event` (inside their own atomic action) to tell the case what happened,
and `bump_version` when their change must invalidate forms opened on an older version.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases import audit
from cases.content import StaleVersion
from cases.models import AuditEntry, Case, CaseEvent, Unit, User


def record_event(
    case: Case, kind: str, *, by: User, summary: str, payload: dict[str, Any] | None = None
) -> CaseEvent:
    """Add a timeline entry and the matching audit entry (a change to the case).

    The audit entry keeps only the payload's identifiers and codes; prose (a note, a reason in
    the user's words) stays on the timeline, with the case, and is never copied into the log.
    """
    event = CaseEvent.objects.create(
        case=case, kind=kind, by=by, summary=summary, payload=payload or {}
    )
    audit.record(
        AuditEntry.Action.CASE_CHANGE, user=by, case=case, event=kind, **codes_only(payload or {})
    )
    return event


def codes_only(payload: dict[str, Any]) -> dict[str, Any]:
    """Numbers, booleans, and strings without spaces (slugs, codes); lists of the same."""

    def is_code(value: Any) -> bool:
        if value is None or isinstance(value, bool | int | float):
            return True
        if isinstance(value, str):
            return len(value) <= 80 and not any(ch.isspace() for ch in value)
        if isinstance(value, list | tuple):
            return all(is_code(item) for item in value)
        return False

    return {key: value for key, value in payload.items() if is_code(value)}


def bump_version(case: Case, *, expected_version: int | None = None) -> None:
    """Move the case to its next version, refusing if someone else got there first.

    The check and the increment are one UPDATE, so two concurrent saves of the same version
    cannot both succeed whatever the isolation level.
    """
    rows = Case.objects.filter(pk=case.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    now = timezone.now()
    if rows.update(version=F("version") + 1, updated_at=now) == 0:
        raise StaleVersion(Case.objects.get(pk=case.pk))
    case.refresh_from_db(fields=["version", "updated_at"])


@transaction.atomic
def open_case(
    *,
    unit: Unit,
    jurisdiction: str,
    age_years: int | None,
    preferred_language: str,
    by: User,
) -> Case:
    case = Case.objects.create(
        facility=unit.facility,
        unit=unit,
        jurisdiction=jurisdiction,
        age_years=age_years,
        preferred_language=preferred_language,
        created_by=by,
        assignee=by,
    )
    audit.record(AuditEntry.Action.CASE_CREATE, user=by, case=case)
    record_event(case, "case.opened", by=by, summary=f"Case opened on {unit.name}")
    return case


# The fields a clinician edits on the case itself; phases own everything else.
EDITABLE_FIELDS = (
    "age_years",
    "jurisdiction",
    "preferred_language",
    "status",
    "contact_do_not_contact",
    "contact_may_call",
    "contact_may_leave_voicemail",
    "contact_may_text",
    "contact_safe_times",
    "contact_code_word",
)


@transaction.atomic
def update_case(
    case: Case, changes: dict[str, Any], *, expected_version: int, by: User
) -> list[str]:
    """Save edited case details if nobody saved a newer version meanwhile.

    Raises StaleVersion (and changes nothing) when the case moved on; the caller shows the
    user what changed and keeps what they typed. Returns the names of the fields that changed.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    fresh = Case.objects.select_for_update().get(pk=case.pk)
    if fresh.version != expected_version:
        raise StaleVersion(fresh)
    changed = [name for name, value in changes.items() if getattr(fresh, name) != value]
    if not changed:
        return []
    Case.objects.filter(pk=case.pk).update(**{name: changes[name] for name in changed})
    bump_version(fresh, expected_version=expected_version)
    # Only field names go in the timeline: the code word and times are not repeated there.
    record_event(
        case,
        "case.details_changed",
        by=by,
        summary="Case details updated: " + ", ".join(_label(name) for name in changed),
        payload={"fields": changed},
    )
    case.refresh_from_db()
    return changed


def _label(field_name: str) -> str:
    return str(getattr(Case._meta.get_field(field_name), "verbose_name", field_name))


@transaction.atomic
def escalate_case(case: Case, *, reason: str, to: User | None, by: User) -> Case:
    """Put the case in front of a supervisor, with the reason they will read first.

    Escalating a case that is already escalated updates the reason but keeps its place in the
    oldest-first queue (and the supervisor it went to, unless a new one is named): a second
    alarm must not push the case behind newer ones.
    """
    fresh = Case.objects.select_for_update().get(pk=case.pk)
    Case.objects.filter(pk=case.pk).update(
        escalated_at=fresh.escalated_at or timezone.now(),
        escalation_reason=reason,
        escalated_to=to or fresh.escalated_to,
        escalated_by=by,
    )
    bump_version(case)
    record_event(
        case,
        "case.escalated",
        by=by,
        summary=f"Escalated to {to.display_name if to else 'the supervisors on duty'}",
        payload={"to": to.pk if to else None},
    )
    case.refresh_from_db()
    return case


@transaction.atomic
def resolve_escalation(case: Case, *, by: User, note: str) -> Case:
    Case.objects.filter(pk=case.pk).update(escalated_at=None, escalated_to=None)
    bump_version(case)
    record_event(
        case,
        "case.escalation_resolved",
        by=by,
        summary=f"Escalation reviewed and closed: {note}"[:300],
        payload={"note": note},
    )
    case.refresh_from_db()
    return case


@transaction.atomic
def assign_case(case: Case, *, to: User, by: User) -> Case:
    Case.objects.filter(pk=case.pk).update(assignee=to)
    bump_version(case)
    record_event(
        case,
        "case.assigned",
        by=by,
        summary=f"Assigned to {to.display_name}",
        payload={"to": to.pk},
    )
    case.refresh_from_db()
    return case
