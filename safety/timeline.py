"""What the safety phase names on a case's timeline, in the reader's language.

`cases.timeline` tells each event from its kind and payload; it asks here
(`HARBOR_TIMELINE_DETAILS_PROVIDERS`) for what only this phase holds: the checklist item an
entry is about (its checklist's title and its text, in the version the case used), the capacity
outcome, and the recipient of a report logged (as the clinician typed it). The stored summary
stays the record, in the writer's words.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases.events import EventKind
from cases.languages import translated
from cases.models import CaseEvent
from safety.models import OUTCOME_CHOICES, ChecklistTemplate, Disclosure

_ITEM_KINDS = {
    EventKind.SAFETY_ITEM_DONE,
    EventKind.SAFETY_ITEM_NOT_APPLICABLE,
    EventKind.SAFETY_ITEM_REOPENED,
}
_REPORT_KINDS = {EventKind.REPORTING_REQUIRED_REPORT_LOGGED, EventKind.REPORTING_DISCLOSURE_LOGGED}


def timeline_details(events: list[CaseEvent]) -> dict[int, str]:
    """Each safety event's detail by event id: at most one query for the checklist versions and
    one for the reports, whatever the number of events."""
    language = get_language()
    details: dict[int, str] = {}
    items = [e for e in events if e.kind in _ITEM_KINDS]
    if items:
        wanted = {(e.payload.get("checklist"), e.payload.get("template_version")) for e in items}
        versions = Q()
        for slug, version in wanted:
            versions |= Q(slug=slug, version=version)
        templates = {
            (t.slug, t.version): t
            for t in ChecklistTemplate.objects.filter(versions).only(
                "slug", "version", "title", "items", "translations"
            )
        }
        for event in items:
            template = templates.get(
                (event.payload.get("checklist"), event.payload.get("template_version"))
            )
            item = (
                next((i for i in template.items if i["slug"] == event.payload.get("item")), None)
                if template
                else None
            )
            if template and item:
                details[event.pk] = _("%(checklist)s: “%(item)s”") % {
                    "checklist": translated(template, "title", language).text,
                    "item": translated(item, "text", language).text,
                }
    outcomes = dict(OUTCOME_CHOICES)
    for event in events:
        if event.kind == EventKind.REPORTING_CAPACITY_ASSESSED:
            outcome = outcomes.get(event.payload.get("outcome"))
            if outcome:
                details[event.pk] = str(outcome).lower()
    reports = [e for e in events if e.kind in _REPORT_KINDS]
    if reports:
        recipients = dict(
            Disclosure.objects.filter(
                pk__in=[e.payload.get("disclosure") for e in reports]
            ).values_list("pk", "recipient")
        )
        for event in reports:
            recipient = recipients.get(event.payload.get("disclosure"))
            if recipient:
                details[event.pk] = recipient
    return details
