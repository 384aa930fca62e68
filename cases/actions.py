"""Writes that touch the case and its timeline and audit log together, each in one transaction.

Phase apps call `record_event` (inside their own atomic action) to tell the case what happened,
and `bump_version` when their change must invalidate forms opened on an older version.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from cases import audit, events, figures, notify, review
from cases.content import StaleVersion
from cases.events import EventKind
from cases.models import AuditEntry, Case, CaseEvent, Facility, Unit, User


def record_event(
    case: Case,
    kind: EventKind,
    *,
    by: User,
    summary: str,
    payload: dict[str, Any] | None = None,
) -> CaseEvent:
    """Add a timeline entry and the matching audit entry (a change to the case).

    The kind and its payload fields must be declared in `cases.events`; the audit entry copies
    only the fields the kind declares as audited (ids and codes). Prose (a note, a reason in the
    user's words) stays on the timeline, with the case, and is never copied into the log.
    """
    payload = payload or {}
    declared = events.check_payload(kind, payload)
    event = CaseEvent.objects.create(
        case=case, kind=str(kind), by=by, summary=summary[:300], payload=payload
    )
    figures.count_event(event)
    audit.record(
        AuditEntry.Action.CASE_CHANGE,
        user=by,
        case=case,
        event=str(kind),
        **{key: value for key, value in payload.items() if key in declared.audited},
    )
    return event


def bump_version(case: Case, *, base_version: int | None = None, **changes: Any) -> None:
    """Move the case to its next version, refusing if someone else got there first.

    The check and the increment are one UPDATE, so two concurrent saves of the same version
    cannot both succeed whatever the isolation level; `changes` (other columns) are written by
    the same UPDATE. Given `base_version`, the UPDATE matched exactly that version, so the new
    one is known without reading the row back.
    """
    rows = Case.objects.filter(pk=case.pk)
    if base_version is not None:
        rows = rows.filter(version=base_version)
    now = timezone.now()
    if rows.update(**changes, version=F("version") + 1, updated_at=now) == 0:
        raise StaleVersion(Case.objects.get(pk=case.pk))
    if base_version is None:
        case.refresh_from_db(fields=["version", "updated_at"])
    else:
        case.version, case.updated_at = base_version + 1, now


@transaction.atomic
def open_case(
    *,
    unit: Unit,
    jurisdiction: str,
    age_years: int | None,
    preferred_language: str,
    by: User,
    ward_label: str = "",
) -> Case:
    case = Case.objects.create(
        facility=unit.facility,
        unit=unit,
        jurisdiction=jurisdiction,
        age_years=age_years,
        preferred_language=preferred_language,
        ward_label=ward_label,
        created_by=by,
        assignee=by,
    )
    audit.record(AuditEntry.Action.CASE_CREATE, user=by, case=case)
    record_event(
        case,
        EventKind.CASE_OPENED,
        by=by,
        summary=f"Case opened on {unit.name}",
        payload={"unit": unit.pk},
    )
    return case


# The fields a clinician edits on the case itself; phases own everything else.
EDITABLE_FIELDS = (
    "ward_label",
    "age_years",
    "jurisdiction",
    "preferred_language",
    "status",
    "contact_do_not_contact",
    "contact_phone_monitored",
    "contact_may_call",
    "contact_may_leave_voicemail",
    "contact_may_text",
    "contact_safe_times",
    "contact_code_word",
)


@transaction.atomic
def update_case(case: Case, changes: dict[str, Any], *, base_version: int, by: User) -> list[str]:
    """Save edited case details if nobody saved a newer version meanwhile.

    Raises StaleVersion (and changes nothing) when the case moved on; the caller shows the
    user what changed and keeps what they typed. Returns the names of the fields that changed.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    fresh = Case.objects.select_for_update().get(pk=case.pk)
    if fresh.version != base_version:
        raise StaleVersion(fresh)
    if changes.get("status") == Case.Status.CLOSED:
        changes = {**changes, "ward_label": ""}  # a closed case keeps no bay, bed or initials
    changed = [name for name, value in changes.items() if getattr(fresh, name) != value]
    if not changed:
        return []
    written = {name: changes[name] for name in changed}
    if "status" in changed:
        # When it closed: the retention clock (purge_closed_cases) starts here.
        written["closed_at"] = timezone.now() if changes["status"] == Case.Status.CLOSED else None
    bump_version(fresh, base_version=base_version, **written)
    # Only field names go in the timeline: the code word and times are not repeated there.
    record_event(
        case,
        EventKind.CASE_DETAILS_CHANGED,
        by=by,
        summary="Case details updated: " + ", ".join(_label(name) for name in changed),
        payload={"fields": changed},
    )
    case.refresh_from_db()
    return changed


def _label(field_name: str) -> str:
    return str(getattr(Case._meta.get_field(field_name), "verbose_name", field_name))


def lock_case(case: Case, *, base_version: int | None = None) -> Case:
    """The case's row, locked until the transaction ends; refused if it moved on meanwhile."""
    fresh = Case.objects.select_for_update().get(pk=case.pk)
    if base_version is not None and fresh.version != base_version:
        raise StaleVersion(fresh)
    return fresh


@transaction.atomic
def escalate_case(
    case: Case,
    *,
    reason: str,
    to: User | None,
    by: User,
    base_version: int | None = None,
) -> Case:
    """Put the case in front of a supervisor, with the reason they will read first.

    Escalating a case that is already escalated keeps its place in the oldest-first queue (and
    the supervisor it went to, unless a new one is named), and keeps the earlier reason under
    the new one: a second alarm must neither push the case behind newer ones nor hide the
    first. A person escalating from a form passes the version they saw, so a reason written
    against an older case is refused; a threat report passes none, so it always lands.
    """
    fresh = lock_case(case, base_version=base_version)
    combined = reason
    if fresh.is_escalated and fresh.escalation_reason and fresh.escalation_reason != reason:
        combined = f"{reason.rstrip('.')}. Earlier reason: {fresh.escalation_reason}"
    # The row is locked: its version is the one just read.
    bump_version(
        case,
        base_version=fresh.version,
        escalated_at=fresh.escalated_at or timezone.now(),
        escalation_reason=combined,
        escalated_to=to or fresh.escalated_to,
        escalated_by=by,
    )
    if fresh.escalated_at is None:
        # A new escalation only; sent once the escalation is committed, never for a rollback.
        transaction.on_commit(lambda: notify.notify_new_escalation(fresh.facility))
    target = to.display_name if to else "the supervisors on duty"
    record_event(
        case,
        EventKind.CASE_ESCALATED,
        by=by,
        summary=f"Escalated to {target}: {reason}",
        payload={"to": to.pk if to else None, "reason": reason},
    )
    case.refresh_from_db()
    return case


@transaction.atomic
def resolve_escalation(case: Case, *, by: User, note: str, base_version: int) -> Case:
    """Close the escalation the supervisor read: refused if anything (a threat report, a new
    reason) arrived after they opened the page, so nothing is cleared unread."""
    fresh = lock_case(case, base_version=base_version)
    if not fresh.is_escalated:
        raise StaleVersion(fresh)
    bump_version(case, base_version=fresh.version, escalated_at=None, escalated_to=None)
    record_event(
        case,
        EventKind.CASE_ESCALATION_RESOLVED,
        by=by,
        summary=f"Escalation reviewed and closed: {note}",
        payload={"note": note},
    )
    case.refresh_from_db()
    return case


def may_assign(case: Case, user: User) -> bool:
    """Supervisors of the case's facility assign; the current assignee may hand over."""
    if user.is_supervisor and user.facility_id == case.facility_id:
        return True
    return case.assignee_id is not None and case.assignee_id == user.pk


@transaction.atomic
def assign_case(case: Case, *, to: User, by: User, base_version: int) -> Case:
    fresh = lock_case(case, base_version=base_version)
    if not may_assign(fresh, by):
        raise PermissionError("Only a supervisor or the current assignee assigns this case.")
    previous = fresh.assignee_id
    bump_version(case, base_version=fresh.version, assignee=to)
    record_event(
        case,
        EventKind.CASE_ASSIGNED,
        by=by,
        summary=f"Assigned to {to.display_name}",
        payload={"to": to.pk, "previous": previous},
    )
    case.refresh_from_db()
    return case


@transaction.atomic
def update_facility_settings(
    facility: Facility, changes: dict[str, Any], *, base_version: int, by: User
) -> list[str]:
    """Save the settings form if nobody saved newer settings meanwhile (check and bump in one
    locked step, as for a case)."""
    fresh = Facility.objects.select_for_update().get(pk=facility.pk)
    if fresh.version != base_version:
        raise StaleVersion(fresh)
    changed = [name for name, value in changes.items() if getattr(fresh, name) != value]
    if changed:
        Facility.objects.filter(pk=facility.pk).update(
            version=F("version") + 1, **{name: changes[name] for name in changed}
        )
        audit.record(
            AuditEntry.Action.CONTENT_CHANGE,
            user=by,
            object="facility",
            target=facility.pk,
            fields=changed,
            version=base_version + 1,
        )
    facility.refresh_from_db()
    return changed


@transaction.atomic
def log_line_call(case: Case, *, phone: str, by: User) -> CaseEvent:
    """Record, in one click, that the clinician called a line together with the patient.

    Only the number goes on the timeline: a line's own name may be telling.
    """
    # A timeline entry only: no field of the case changes, so no form opened on it goes stale.
    return record_event(
        case,
        EventKind.CASE_LINE_CALLED,
        by=by,
        summary=gettext("Called a line with the patient (%(phone)s)") % {"phone": phone},
        payload={"phone": phone},
    )


class SignOffRefused(Exception):
    """The rules (cases.review) refuse this sign-off; the message says why, in the UI's words."""


def _acts(case: Case, user: User) -> list[review.Act]:
    """The case's timeline, and this person's changes the audit log holds alone: autosaved
    answers, indicators and note drafts are logged, not put on the timeline, yet they are
    clinical work all the same."""
    timeline = [
        review.Act(kind, by_id, payload)
        for kind, by_id, payload in case.events.order_by("at", "pk").values_list(
            "kind", "by_id", "payload"
        )
    ]
    logged = [
        review.Act(str(detail.get("event", "")) if isinstance(detail, dict) else "", user.pk, {})
        for detail in AuditEntry.objects.filter(
            case=case, user=user, action=AuditEntry.Action.CASE_CHANGE
        ).values_list("detail", flat=True)
    ]
    return timeline + logged


def sign_off_refusal(case: Case, user: User) -> str | None:
    worked = review.worked_on(user.pk, _acts(case, user), created_by_id=case.created_by_id)
    return review.sign_off_refusal(
        is_supervisor=user.is_supervisor and user.facility_id == case.facility_id,
        worked=worked,
        is_open=case.status == Case.Status.OPEN,
        signed_off=case.review_status == Case.Review.SIGNED_OFF,
    )


@transaction.atomic
def comment_on_case(case: Case, *, comment: str, by: User) -> CaseEvent:
    """A supervisor's comment, on the timeline only: no field changes, so no form goes stale."""
    return record_event(
        case,
        EventKind.REVIEW_COMMENTED,
        by=by,
        summary=gettext("Supervisor comment: %(comment)s") % {"comment": comment},
        payload={"comment": comment},
    )


@transaction.atomic
def return_case(case: Case, *, request: str, by: User, base_version: int) -> Case:
    """Send the case back to its clinician with a request they see on their home. The case
    stays in the queue, marked returned, until a supervisor signs it off."""
    fresh = lock_case(case, base_version=base_version)
    if not (by.is_supervisor and by.facility_id == fresh.facility_id):
        raise PermissionError("Only a supervisor of this facility returns a case.")
    bump_version(
        case,
        base_version=fresh.version,
        review_status=Case.Review.RETURNED,
        review_request=request,
    )
    record_event(
        case,
        EventKind.REVIEW_RETURNED,
        by=by,
        summary=gettext("Returned to the clinician: %(request)s") % {"request": request},
        payload={"request": request},
    )
    case.refresh_from_db()
    return case


@transaction.atomic
def sign_off_case(case: Case, *, by: User, base_version: int) -> Case:
    """Sign the case off and close its escalation; refused (SignOffRefused) for anyone who
    worked on it, whatever roles they hold. Checked under the row lock, on the timeline as it
    is now, so work added after the page was opened counts."""
    fresh = lock_case(case, base_version=base_version)
    refusal = sign_off_refusal(fresh, by)
    if refusal:
        raise SignOffRefused(refusal)
    was_escalated = fresh.is_escalated
    bump_version(
        case,
        base_version=fresh.version,
        review_status=Case.Review.SIGNED_OFF,
        review_request="",
        signed_off_at=timezone.now(),
        signed_off_by=by,
        escalated_at=None,
        escalated_to=None,
    )
    record_event(
        case,
        EventKind.REVIEW_SIGNED_OFF,
        by=by,
        summary=gettext("Signed off by %(name)s") % {"name": by.display_name},
        payload={"escalation_closed": was_escalated},
    )
    case.refresh_from_db()
    return case
