"""Retention hook (cases' purge_closed_cases command): a purged case keeps no note text, no
injuries and no addenda; the note's status and codes stay."""

from __future__ import annotations

from documentation.models import Addendum, EncounterNote


def purge(case_ids: list[int]) -> None:
    EncounterNote.objects.filter(case_id__in=case_ids).update(
        sections={}, injuries=[], prefill_basis={}, sensitive_reason=""
    )
    Addendum.objects.filter(note__case_id__in=case_ids).update(text="")
