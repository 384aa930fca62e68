"""Safety listens to the timeline: some steps elsewhere settle one of its checklist items."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from cases.models import CaseEvent
from safety import actions


@receiver(post_save, sender=CaseEvent)
def tick_items_settled_by_event(
    sender: type[CaseEvent], instance: CaseEvent, created: bool, **kwargs: Any
) -> None:
    if created and instance.kind in actions.TICKED_BY_EVENT:
        actions.tick_items_for_event(instance.case, instance.kind, by=instance.by)
