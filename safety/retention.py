"""Retention hook (cases' purge_closed_cases command): free text goes, statuses and codes stay."""

from __future__ import annotations

from safety.models import CapacityAssessment, ChecklistItem, Disclosure

# What stands where typed words were, in a column that must not be empty: a report made without
# telling the patient must say why (a database constraint), and its recipient was typed (it can
# name a person). A dash reads the same in every language.
REMOVED = "—"


def purge(case_ids: list[int]) -> None:
    ChecklistItem.objects.filter(checklist__case_id__in=case_ids).update(reason="")
    CapacityAssessment.objects.filter(case_id__in=case_ids).update(
        communicate_choice_evidence="",
        understand_evidence="",
        appreciate_evidence="",
        reason_evidence="",
    )
    disclosures = Disclosure.objects.filter(case_id__in=case_ids)
    disclosures.update(reference_number="", recipient=REMOVED)
    disclosures.filter(patient_informed=False).update(not_informed_reason=REMOVED)
