"""Retention hook (cases' purge_closed_cases command): a purged case keeps no words of the
patient or clinician from its screenings; statuses and codes stay for the figures."""

from __future__ import annotations

from screening.models import Answer, InstrumentResponse, ObservedIndicator, Screening


def purge(case_ids: list[int]) -> None:
    Screening.objects.filter(case_id__in=case_ids).update(separation_note="", not_screened_note="")
    # The answer's note is where quotes live; the status (answered or not) stays.
    Answer.objects.filter(screening__case_id__in=case_ids).update(note="", verbatim=False)
    ObservedIndicator.objects.filter(screening__case_id__in=case_ids).update(note="")
    InstrumentResponse.objects.filter(screening__case_id__in=case_ids).update(answers={})
