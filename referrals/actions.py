"""Directory edits and case referrals: each write is one transaction with its history or timeline.

Every referral change writes a `referral.*` timeline event (and so an audit entry) through
`cases.actions.record_event`, and keeps `Case.next_follow_up` equal to the earliest follow-up
still open, in the same transaction, so the supervisors' overdue list reads the case alone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.actions import record_event
from cases.content import StaleVersion, save_version
from cases.events import EventKind
from cases.models import Case, User
from referrals import rules
from referrals.entries import current_document
from referrals.models import (
    BarrierAssessment,
    HelpDeclined,
    Referral,
    ReferralEntry,
    Service,
    ServiceVersion,
)

# The timeline kind each status change records (declared once in cases.events).
STATUS_EVENTS: dict[rules.Status, EventKind] = {
    rules.Status.OFFERED: EventKind.REFERRAL_OFFERED,
    rules.Status.ACCEPTED: EventKind.REFERRAL_ACCEPTED,
    rules.Status.DECLINED: EventKind.REFERRAL_DECLINED,
    rules.Status.CONTACTED: EventKind.REFERRAL_CONTACTED,
    rules.Status.CONNECTED: EventKind.REFERRAL_CONNECTED,
    rules.Status.NO_RESPONSE: EventKind.REFERRAL_NO_RESPONSE,
    rules.Status.CLOSED: EventKind.REFERRAL_CLOSED,
}


class Refused(ValueError):
    """A rule refused the change (a transition, the contact plan); the message says why."""


# --- Directory ---------------------------------------------------------------------------------
# Every change of an entry is a new `ServiceVersion` through `cases.content.save_version`: the
# editor (cases.editing.edit_content), verifying, retiring and importing alike.


def entry_version(service: Service) -> ServiceVersion:
    """The newest saved version of the entry, recording the rows as they stand when there is
    none with a document yet (an entry made before whole versions were kept, or written
    straight to the rows), so every change has a version to start from."""
    newest = ServiceVersion.objects.newest(str(service.pk))
    if newest is not None and newest.restorable:
        return newest
    return record_entry(service, by=None, note=_("Recorded as the directory stood"))


def record_entry(service: Service, *, by: User | None, note: str, how: str = "import") -> Any:
    """Save the service's rows, as they are now, as the entry's next version (after an HSDS
    import wrote them, for instance); nothing new when they equal the newest version."""
    document = current_document(service.pk)
    if document is None:
        raise Service.DoesNotExist(service.pk)
    row, _created = save_version(
        ServiceVersion, str(service.pk), document, base_version=None, by=by, note=note, how=how
    )
    return row


def _save_entry(
    service: Service, change: dict[str, Any], *, base_version: int, by: User, note: str, how: str
) -> ServiceVersion:
    current = entry_version(service)
    row, _created = save_version(
        ServiceVersion,
        current.slug,
        {**current.as_content(), **change},
        base_version=base_version,
        by=by,
        note=note,
        how=how,
    )
    return row


def verify_service(service: Service, *, base_version: int, on: date, by: User) -> ServiceVersion:
    """An administrator checked the entry with the partner: it is fresh from `on`."""
    return _save_entry(
        service,
        {"assured_date": on.isoformat(), "assurer_email": by.email},
        base_version=base_version,
        by=by,
        note=_("Verified with the partner"),
        how="verify",
    )


def set_service_status(
    service: Service, status: str, *, base_version: int, by: User
) -> ServiceVersion:
    """Retire an entry (HSDS `defunct`: no longer offered, kept for the referrals that used
    it) or bring it back."""
    retired = status == Service.Status.DEFUNCT
    return _save_entry(
        service,
        {"status": status},
        base_version=base_version,
        by=by,
        note=_("Retired") if retired else _("Returned to the directory"),
        how="retire" if retired else "return",
    )


# --- Referrals on a case -----------------------------------------------------------------------


def _label(service: Service) -> str:
    # Timeline summaries may be printed by other phases: never a line's own (telling) name.
    return service.screen_label or service.name


def contact_plan(case: Case) -> rules.ContactPlan:
    return rules.ContactPlan(
        do_not_contact=case.contact_do_not_contact,
        may_call=case.contact_may_call,
        may_leave_voicemail=case.contact_may_leave_voicemail,
        may_text=case.contact_may_text,
        safe_times=case.contact_safe_times,
        phone_monitored=case.contact_phone_monitored,
    )


def _refresh_follow_up(case: Case) -> None:
    """Keep `Case.next_follow_up` on the earliest open follow-up (referrals or a refusal)."""
    today = timezone.localdate()
    dates = list(case.referrals.open().values_list("follow_up_on", flat=True))
    declined = HelpDeclined.objects.filter(case=case, follow_up_on__gte=today)
    dates += list(declined.values_list("follow_up_on", flat=True))
    due = rules.next_follow_up(dates)
    if case.next_follow_up != due:
        Case.objects.filter(pk=case.pk).update(next_follow_up=due, updated_at=timezone.now())
        case.next_follow_up = due


def _lock_referral(referral: Referral, base_version: int) -> Referral:
    fresh = Referral.objects.select_for_update().select_related("service").get(pk=referral.pk)
    if fresh.version != base_version:
        raise StaleVersion(fresh)
    return fresh


def _touch(referral: Referral, fields: list[str]) -> None:
    referral.version += 1
    referral.updated_at = timezone.now()
    referral.save(update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def save_barriers(
    case: Case, barriers: list[str], *, base_version: int | None, by: User
) -> BarrierAssessment:
    current = BarrierAssessment.objects.select_for_update().filter(case=case).first()
    if current is None:
        if base_version not in (None, 0):
            # The page claimed a saved assessment that does not exist: "theirs" is none yet.
            raise StaleVersion(BarrierAssessment(case=case, barriers=[], version=0))
        current = BarrierAssessment(case=case, barriers=barriers, updated_by=by, version=1)
    else:
        if current.version != base_version:
            raise StaleVersion(current)
        current.barriers, current.version, current.updated_by = barriers, current.version + 1, by
    current.updated_at = timezone.now()
    current.save()
    record_event(
        case,
        EventKind.REFERRAL_BARRIERS_ASSESSED,
        by=by,
        summary="Barriers to getting help recorded",
        payload={"barriers": barriers},
    )
    return current


@transaction.atomic
def offer_service(case: Case, service: Service, *, by: User) -> Referral:
    if service.status not in (Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED):
        raise Refused(_("This entry is no longer in the directory."))
    referral = Referral.objects.create(case=case, service=service, created_by=by, responsible=by)
    ReferralEntry.objects.create(
        referral=referral, kind=ReferralEntry.Kind.STATUS, by=by, to_status="offered"
    )
    record_event(
        case,
        EventKind.REFERRAL_OFFERED,
        by=by,
        summary=f"Referral offered: {_label(service)}"[:300],
        payload={"referral": referral.pk, "service": str(service.pk)},
    )
    return referral


@transaction.atomic
def record_decision(
    referral: Referral,
    *,
    accepted: bool,
    consent_to_share: bool,
    share_scope: str,
    follow_up_on: date | None,
    responsible: User | None,
    base_version: int,
    by: User,
) -> Referral:
    """The patient's answer to an offer, and (if they accept) what they agree may be shared."""
    fresh = _lock_referral(referral, base_version)
    target = rules.Status.ACCEPTED if accepted else rules.Status.DECLINED
    decision = rules.check_transition(
        rules.TransitionFacts(rules.Status(fresh.status), target, consent_to_share)
    )
    if not decision.allowed:
        raise Refused(decision.reason)
    previous = fresh.status
    fresh.status = target.value
    fresh.consent_to_share = consent_to_share and accepted
    fresh.share_scope = share_scope if fresh.consent_to_share else ""
    fresh.follow_up_on = follow_up_on
    fresh.responsible = responsible or fresh.responsible
    _touch(fresh, ["status", "consent_to_share", "share_scope", "follow_up_on", "responsible"])
    ReferralEntry.objects.create(
        referral=fresh,
        kind=ReferralEntry.Kind.STATUS,
        by=by,
        from_status=previous,
        to_status=target.value,
        note=share_scope if fresh.consent_to_share else "",
    )
    record_event(
        fresh.case,
        STATUS_EVENTS[target],
        by=by,
        summary=(f"Referral {'accepted' if accepted else 'declined'}: {_label(fresh.service)}")[
            :300
        ],
        payload={
            "referral": fresh.pk,
            "consent_to_share": fresh.consent_to_share,
            "follow_up_on": follow_up_on.isoformat() if follow_up_on else None,
        },
    )
    _refresh_follow_up(fresh.case)
    return fresh


@transaction.atomic
def change_status(
    referral: Referral,
    target: rules.Status,
    *,
    override_reason: str = "",
    note: str = "",
    base_version: int,
    by: User,
) -> Referral:
    fresh = _lock_referral(referral, base_version)
    decision = rules.check_transition(
        rules.TransitionFacts(
            rules.Status(fresh.status), target, fresh.consent_to_share, override_reason
        )
    )
    if not decision.allowed:
        raise Refused(decision.reason)
    previous = fresh.status
    fresh.status = target.value
    _touch(fresh, ["status"])
    ReferralEntry.objects.create(
        referral=fresh,
        kind=ReferralEntry.Kind.STATUS,
        by=by,
        from_status=previous,
        to_status=target.value,
        override_reason=override_reason if decision.overridden else "",
        note=note,
    )
    record_event(
        fresh.case,
        STATUS_EVENTS[target],
        by=by,
        summary=f"Referral {rules.STATUS_LABELS[target]}: {_label(fresh.service)}"[:300],
        payload={
            "referral": fresh.pk,
            "from": previous,
            "consent_overridden": decision.overridden,
            "override_reason": override_reason if decision.overridden else "",
        },
    )
    _refresh_follow_up(fresh.case)
    return fresh


@transaction.atomic
def set_follow_up(
    referral: Referral,
    *,
    follow_up_on: date | None,
    responsible: User | None,
    base_version: int,
    by: User,
) -> Referral:
    fresh = _lock_referral(referral, base_version)
    fresh.follow_up_on = follow_up_on
    fresh.responsible = responsible
    _touch(fresh, ["follow_up_on", "responsible"])
    ReferralEntry.objects.create(referral=fresh, kind=ReferralEntry.Kind.FOLLOW_UP, by=by)
    record_event(
        fresh.case,
        EventKind.REFERRAL_FOLLOW_UP_SET,
        by=by,
        summary=(
            f"Follow-up set for {follow_up_on:%Y-%m-%d}" if follow_up_on else "Follow-up cleared"
        ),
        payload={
            "referral": fresh.pk,
            "follow_up_on": follow_up_on.isoformat() if follow_up_on else None,
            "responsible": responsible.pk if responsible else None,
        },
    )
    _refresh_follow_up(fresh.case)
    return fresh


@transaction.atomic
def log_patient_contact(
    referral: Referral,
    method: rules.ContactMethod,
    *,
    note: str,
    override_reason: str,
    by: User,
) -> ReferralEntry:
    """A follow-up contact with the patient, allowed only as the safe-contact plan permits.

    A contact the plan forbids is refused unless an override reason is given; the override is
    recorded with the entry and flagged on the timeline.
    """
    case = Case.objects.select_for_update().get(pk=referral.case_id)
    decision = rules.check_patient_contact(contact_plan(case), method)
    if not decision.allowed and not override_reason.strip():
        raise Refused(" ".join(decision.warnings))
    overridden = not decision.allowed
    entry = ReferralEntry.objects.create(
        referral=referral,
        kind=ReferralEntry.Kind.CONTACT,
        by=by,
        contact_method=method.value,
        override_reason=override_reason if overridden else "",
        note=note,
    )
    record_event(
        case,
        EventKind.REFERRAL_PATIENT_CONTACTED,
        by=by,
        summary=f"Follow-up contact with the patient: {rules.CONTACT_METHOD_LABELS[method]}",
        payload={
            "referral": referral.pk,
            "method": method.value,
            "plan_overridden": overridden,
            "override_reason": override_reason if overridden else "",
        },
    )
    return entry


@transaction.atomic
def record_handover(
    referral: Referral, *, introduced_to: str, how: str, note: str, by: User
) -> ReferralEntry:
    """A warm handover: who (the acting user) introduced the patient to whom, when and how."""
    entry = ReferralEntry.objects.create(
        referral=referral,
        kind=ReferralEntry.Kind.HANDOVER,
        by=by,
        introduced_to=introduced_to,
        handover_how=how,
        note=note,
    )
    record_event(
        referral.case,
        EventKind.REFERRAL_WARM_HANDOVER,
        by=by,
        summary=f"Warm handover: introduced to {introduced_to} ({how})"[:300],
        payload={"referral": referral.pk, "how": how},
    )
    return entry


@transaction.atomic
def record_help_declined(
    case: Case,
    *,
    national_line_offered: bool,
    local_contacts_offered: bool,
    discreet_card_offered: bool,
    follow_up_on: date | None,
    note: str,
    by: User,
) -> HelpDeclined:
    record = HelpDeclined.objects.create(
        case=case,
        by=by,
        national_line_offered=national_line_offered,
        local_contacts_offered=local_contacts_offered,
        discreet_card_offered=discreet_card_offered,
        follow_up_on=follow_up_on,
        note=note,
    )
    done = [item.slug for item in rules.refusal_checklist(record.facts()) if item.done]
    record_event(
        case,
        EventKind.REFERRAL_HELP_DECLINED,
        by=by,
        summary="Help declined for now; resources offered anyway",
        payload={
            "checklist": "help-refused",
            "items_done": done,
            "follow_up_on": follow_up_on.isoformat() if follow_up_on else None,
        },
    )
    _refresh_follow_up(case)
    return record
