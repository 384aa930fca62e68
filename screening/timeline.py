"""What the screening phase names on a case's timeline, in the reader's language.

`cases.timeline` tells each event from its kind and payload; for "not screened" it asks here
for the reason's label (`HARBOR_TIMELINE_DETAILS_PROVIDERS`), which the gate content holds in
each language. The stored summary stays the record, in the writer's words.
"""

from __future__ import annotations

from django.utils.translation import get_language

from cases.events import EventKind
from cases.languages import translated
from cases.models import CaseEvent
from screening import content


def timeline_details(events: list[CaseEvent]) -> dict[int, str]:
    """The not-screened reason's label for each such event, by event id (no query when there
    is none; the gate is read once, from the per-version cache)."""
    not_screened = [e for e in events if e.kind == EventKind.SCREENING_NOT_SCREENED]
    if not not_screened:
        return {}
    reasons = {r["slug"]: r for r in content.gate_in_force()["not_screened_reasons"]}
    language = get_language()
    return {
        event.pk: translated(reasons[slug], "label", language).text
        for event in not_screened
        if (slug := event.payload.get("reason")) in reasons
    }
