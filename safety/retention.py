"""Retention hook (cases' purge_closed_cases command): free text goes, statuses and codes stay."""

from __future__ import annotations

from safety.models import CapacityAssessment, ChecklistItem, Disclosure


def purge(case_ids: list[int]) -> None:
    ChecklistItem.objects.filter(checklist__case_id__in=case_ids).update(reason="")
    CapacityAssessment.objects.filter(case_id__in=case_ids).update(
        communicate_choice_evidence="",
        understand_evidence="",
        appreciate_evidence="",
        reason_evidence="",
    )
    Disclosure.objects.filter(case_id__in=case_ids).update(
        reference_number="", not_informed_reason=""
    )
