""" "Not screened" on the timeline names its reason in the reader's language, whoever recorded
it (`screening.timeline`)."""

from __future__ import annotations

from cases.models import User
from screening import actions


def page_for(personas, case, name: str, language: str) -> str:
    User.objects.filter(username=name).update(language=language)
    html = personas.client_for(name).get(case.get_absolute_url()).content.decode()
    return html.replace("\u00a0", " ").replace("&#x27;", "'")


def test_the_not_screened_reason_reads_in_each_readers_language(personas, case, content):
    actions.record_not_screened(
        case,
        reason="companion_would_not_leave",
        note="",
        universal_education_offered=True,
        by=personas.clinician,
    )
    english = page_for(personas, case, "supervisor", "en")
    french = page_for(personas, case, "supervisor", "fr")
    assert "Not screened: Companion would not leave the patient alone" in english
    assert "L'accompagnateur a refusé de laisser le patient seul" in french
    assert "Companion would not leave" not in french
