"""Retention: after a facility's `retention_days`, a closed case loses what could identify the
patient and every free text, and keeps what the figures count (unit, dates, concern level,
statuses and the timeline's kinds and codes).

Harbor is decision support beside the EHR, not the legal record. The phases' own free text is
cleared by their hooks, named in `HARBOR_RETENTION_HOOKS`, so `cases` imports no phase app; the
timeline's free text is blanked here, through the one path its append-only guard allows.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from cases import audit
from cases.events import EVENTS, EventKind
from cases.models import AuditEntry, Case, CaseEvent, Facility

BATCH = 200

# What a purged case keeps of itself: nothing a person could recognise the patient by.
CLEARED = {
    "ward_label": "",
    "age_years": None,
    "contact_safe_times": "",
    "contact_code_word": "",
    "escalation_reason": "",
    "review_request": "",
}


def due(facility: Facility, now: datetime) -> list[int]:
    cutoff = now - timedelta(days=facility.retention_days)
    closed_before = Q(closed_at__lt=cutoff) | Q(closed_at__isnull=True, updated_at__lt=cutoff)
    return list(
        Case.objects.filter(facility=facility, status=Case.Status.CLOSED, purged_at__isnull=True)
        .filter(closed_before)
        .values_list("pk", flat=True)[:BATCH]
    )


def redact_timeline(case_ids: list[int]) -> Counter[int]:
    """Blank the free text of these (closed) cases' timeline entries; how many per case.

    Only the fields `cases.events` declares as free text become "", and a summary that may
    quote them becomes empty: the one change the database's append-only guard allows
    (cases.timeline_guard). Kinds, codes and dates stay for the figures.
    """
    kinds = [
        str(kind)
        for kind, declared in EVENTS.items()
        if declared.free_text or declared.words_in_summary
    ]
    changed: list[CaseEvent] = []
    for event in CaseEvent.objects.filter(case_id__in=case_ids, kind__in=kinds).only(
        "pk", "case_id", "kind", "payload", "summary"
    ):
        declared = EVENTS[EventKind(event.kind)]
        payload = {
            key: "" if key in declared.free_text else value for key, value in event.payload.items()
        }
        summary = "" if declared.words_in_summary else event.summary
        if payload != event.payload or summary != event.summary:
            event.payload, event.summary = payload, summary
            changed.append(event)
    CaseEvent.objects.bulk_update(changed, ["payload", "summary"], batch_size=BATCH)
    return Counter(event.case_id for event in changed)


@transaction.atomic
def purge(case_ids: list[int], *, retention_days: int, now: datetime) -> int:
    """Clear these cases and their phases' free text in one transaction, one audit entry each."""
    cases = list(
        Case.objects.select_for_update().filter(
            pk__in=case_ids, status=Case.Status.CLOSED, purged_at__isnull=True
        )
    )
    ids = [case.pk for case in cases]
    if not ids:
        return 0
    Case.objects.filter(pk__in=ids).update(purged_at=now, **CLEARED)
    for path in settings.HARBOR_RETENTION_HOOKS:
        import_string(path)(ids)
    redacted = redact_timeline(ids)
    for case in cases:
        audit.record(
            AuditEntry.Action.CASE_PURGE,
            user=None,
            case=case,
            retention_days=retention_days,
            events_redacted=redacted[case.pk],
        )
    return len(ids)


def run(now: datetime | None = None) -> int:
    now = now or timezone.now()
    total = 0
    for facility in Facility.objects.order_by("pk"):
        while ids := due(facility, now):
            total += purge(ids, retention_days=facility.retention_days, now=now)
    return total
