"""Directory edits and case referrals: each write is one transaction with its history or timeline.

Every referral change writes a `referral.*` timeline event (and so an audit entry) through
`cases.actions.record_event`, and keeps `Case.next_follow_up` equal to the earliest follow-up
still open, in the same transaction, so the supervisors' overdue list reads the case alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases import audit
from cases.actions import record_event
from cases.content import StaleVersion
from cases.events import EventKind
from cases.models import AuditEntry, Case, User
from referrals import hsds, rules
from referrals.models import (
    BARRIER,
    FLAG,
    KIND,
    Attribute,
    BarrierAssessment,
    HelpDeclined,
    Organization,
    Phone,
    Referral,
    ReferralEntry,
    Schedule,
    Service,
    ServiceChange,
    TaxonomyTerm,
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

# The service columns the editor changes; everything else (imported HSDS extras) is kept.
EDITED_COLUMNS = (
    "name",
    "description",
    "url",
    "email",
    "interpretation_services",
    "application_process",
    "fees_description",
    "wait_time",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "alert",
    "is_demo",
    "hotline_rank",
    "screen_label",
    "refer_by",
    "refer_needs",
    "refer_never_send",
    "consent_requirements",
    "handover_contact",
    "handover_hours",
    "protocol_reviewed_on",
)


@dataclass(frozen=True)
class Hours:
    always_open: bool
    byday: str = ""
    opens_at: Any = None
    closes_at: Any = None


@dataclass(frozen=True)
class ServiceEdit:
    """What the editor form gives: the columns, the organisation name and the nested lists."""

    columns: dict[str, Any]
    organization_name: str
    phone: str
    text_number: str
    languages: tuple[str, ...]
    regions: tuple[str, ...]
    terms: tuple[str, ...]  # taxonomy term ids (flags, kinds, barriers)
    hours: Hours


def _lock_service(service: Service, base_version: int) -> Service:
    fresh = Service.objects.select_for_update().get(pk=service.pk)
    if fresh.version != base_version:
        raise StaleVersion(fresh)
    return fresh


def service_state(service: Service) -> dict[str, Any]:
    """What the history compares: the edited columns and the nested lists, as JSON values."""
    state: dict[str, Any] = {}
    for name in (*EDITED_COLUMNS, "status", "assured_date"):
        value = getattr(service, name)
        state[name] = value.isoformat() if isinstance(value, date) else value
    state["organization"] = service.organization.name if service.organization else ""
    phones = list(service.phones.all())
    state["phone"] = next((p.number for p in phones if p.type in ("voice", "")), "")
    state["text_number"] = next((p.number for p in phones if p.type == "text"), "")
    state["languages"] = [lang.code for lang in service.languages.all()]
    state["regions"] = [area.extent for area in service.service_areas.all()]
    state["terms"] = sorted(str(a.taxonomy_term_id) for a in service.attributes.all())
    state["hours"] = [
        f"{s.byday} {s.opens_at or ''}-{s.closes_at or ''}" for s in service.schedules.all()
    ]
    return state


def _record_change(
    service: Service, action: str, before: dict[str, Any], *, by: User
) -> ServiceChange:
    after = service_state(service)
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    audit.record(
        AuditEntry.Action.CONTENT_CHANGE,
        user=by,
        content="referral-directory",
        service=str(service.pk),
        change=action,
        version=service.version,
    )
    return ServiceChange.objects.create(
        service=service, action=action, by=by, version=service.version, changes=changes
    )


@transaction.atomic
def save_service(
    service: Service | None, edit: ServiceEdit, *, base_version: int, by: User
) -> Service:
    """Create an entry, or save an edit made from `base_version`; StaleVersion otherwise."""
    if service is None:
        service = Service(status=Service.Status.ACTIVE, version=0)
        before: dict[str, Any] = {}
    else:
        service = _lock_service(service, base_version)
        before = service_state(service)
    for name, value in edit.columns.items():
        if name not in EDITED_COLUMNS:
            raise ValueError(f"Not edited here: {name}")
        setattr(service, name, value)
    if edit.organization_name:
        organization = Organization.objects.filter(name=edit.organization_name).first()
        if organization is None:
            organization = Organization.objects.create(name=edit.organization_name, description="")
        service.organization = organization
    service.version += 1
    service.last_modified = timezone.now()
    service.save()
    _sync_phones(service, edit.phone, edit.text_number)
    _sync(service.languages, "code", [{"code": code, "name": code} for code in edit.languages])
    _sync(
        service.service_areas,
        "extent",
        [{"extent": r, "name": r, "extent_type": "harbor-region"} for r in edit.regions],
    )
    _sync_terms(service, edit.terms)
    _sync_hours(service, edit.hours)
    hsds.refresh_search(service)
    _record_change(
        service,
        ServiceChange.Action.CREATED if not before else ServiceChange.Action.EDITED,
        before,
        by=by,
    )
    return service


def _sync(related: Any, key: str, wanted: list[dict[str, Any]]) -> None:
    """Make a nested list hold `wanted`: rows with a kept key stay (with their HSDS extras)."""
    keys = [row[key] for row in wanted]
    related.exclude(**{f"{key}__in": keys}).delete()
    existing = {getattr(row, key): row for row in related.all()}
    for position, values in enumerate(wanted):
        row = existing.get(values[key])
        if row is None:
            related.create(position=position, **values)
        elif row.position != position:
            row.position = position
            row.save(update_fields=["position"])


def _sync_phones(service: Service, voice: str, text: str) -> None:
    for kinds, number, phone_type in ((("voice", ""), voice, "voice"), (("text",), text, "text")):
        rows = list(service.phones.filter(type__in=kinds))
        first = rows[0] if rows else None
        if not number:
            service.phones.filter(type__in=kinds).delete()
        elif first is None:
            Phone.objects.create(service=service, number=number, type=phone_type, position=9)
        elif first.number != number:
            first.number = number
            first.save(update_fields=["number"])


def _sync_terms(service: Service, term_ids: tuple[str, ...]) -> None:
    editable = TaxonomyTerm.objects.filter(taxonomy__in=[FLAG, KIND, BARRIER])
    wanted = {pk for pk in editable.filter(pk__in=term_ids).values_list("pk", flat=True)}
    service.attributes.filter(taxonomy_term__in=editable).exclude(
        taxonomy_term_id__in=wanted
    ).delete()
    have = set(service.attributes.values_list("taxonomy_term_id", flat=True))
    for term_id in sorted(wanted - have):
        Attribute.objects.create(service=service, taxonomy_term_id=term_id, position=99)


def _sync_hours(service: Service, hours: Hours) -> None:
    if hours.always_open:
        rows = [(",".join(rules.WEEKDAYS), time(0, 0), time(23, 59))]
    elif hours.byday and hours.opens_at and hours.closes_at:
        rows = [(hours.byday, hours.opens_at, hours.closes_at)]
    else:
        rows = []
    current = [(s.byday, s.opens_at, s.closes_at) for s in service.schedules.all()]
    if current == rows:
        return
    service.schedules.all().delete()
    for byday, opens, closes in rows:
        Schedule.objects.create(
            service=service, freq="WEEKLY", byday=byday, opens_at=opens, closes_at=closes
        )


@transaction.atomic
def verify_service(service: Service, *, base_version: int, on: date, by: User) -> Service:
    """An administrator checked the entry with the partner: it is fresh from `on`."""
    fresh = _lock_service(service, base_version)
    before = service_state(fresh)
    fresh.assured_date = on
    fresh.assurer_email = by.email
    fresh.verified_by = by
    fresh.version += 1
    fresh.save(update_fields=["assured_date", "assurer_email", "verified_by", "version"])
    _record_change(fresh, ServiceChange.Action.VERIFIED, before, by=by)
    return fresh


@transaction.atomic
def set_service_status(service: Service, status: str, *, base_version: int, by: User) -> Service:
    """Retire an entry (HSDS `defunct`: no longer offered, kept for the referrals that used
    it) or bring it back."""
    fresh = _lock_service(service, base_version)
    before = service_state(fresh)
    fresh.status = status
    fresh.version += 1
    fresh.save(update_fields=["status", "version"])
    action = (
        ServiceChange.Action.RETIRED
        if status == Service.Status.DEFUNCT
        else ServiceChange.Action.RESTORED
    )
    _record_change(fresh, action, before, by=by)
    return fresh


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
        raise Refused("This entry is no longer in the directory.")
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
