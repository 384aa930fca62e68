"""Patient-facing text on the gate: the case's language, the clinician's beside it, which
language is shown when the case's is missing, and the unreviewed mark until a review."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases import actions as case_actions
from cases.translations import mark_reviewed
from screening.content import gate, gate_row

UNREVIEWED = "Written for Harbor, not yet reviewed by a qualified translator."


@pytest.fixture
def languages_loaded(content) -> None:
    call_command("load_cases_content", stdout=open("/dev/null", "w"))  # noqa: SIM115


def open_case(personas, language: str):
    return case_actions.open_case(
        unit=personas.emergency,
        jurisdiction="CA-ON",
        age_years=30,
        preferred_language=language,
        by=personas.clinician,
    )


def page(personas, case, *, interface: str = "en") -> str:
    client = personas.client_for("clinician")
    url = reverse("screening:case-screening", kwargs={"case_ref": case.ref})
    return client.get(url, headers={"accept-language": interface}).content.decode()


def test_a_spanish_case_reads_spanish_with_english_beside_and_the_unreviewed_mark(
    personas, languages_loaded
):
    text = page(personas, open_case(personas, "es"))
    spanish = gate()["confidentiality_limits"]["translations"]["es"]["texts"]["CA"]
    english = gate()["confidentiality_limits"]["texts"]["CA"]
    assert f'lang="es" id="confidentiality-text">{spanish}</blockquote>' in text
    assert "In English, for you:" in text
    assert english.replace("'", "&#x27;") in text
    assert UNREVIEWED in text


def test_once_spanish_is_reviewed_the_mark_goes(personas, languages_loaded):
    mark_reviewed(gate_row(), "es", by=personas.administrator)
    assert UNREVIEWED not in page(personas, open_case(personas, "es"))


def test_a_language_without_texts_says_which_language_is_shown_instead(personas, languages_loaded):
    text = page(personas, open_case(personas, "pt"))
    assert "No text in Português: shown in English." in text
    assert 'lang="en" id="confidentiality-text">' in text
    assert UNREVIEWED not in text  # English is the source, not a translation


def test_an_english_case_shows_english_alone(personas, languages_loaded):
    text = page(personas, open_case(personas, "en"))
    assert "for you:" not in text and UNREVIEWED not in text and "No text in" not in text


def test_a_language_an_administrator_adds_is_offered_and_its_texts_are_shown(
    personas, languages_loaded
):
    from cases.content import save_version
    from screening.models import GateContent

    admin = personas.client_for("administrator")
    response = admin.post(
        reverse("cases:add-content-language"),
        {"code": "pt-BR", "name": "Português (Brasil)", "base_version": "1"},
    )
    assert response.status_code == 302
    # Written without code: the gate document accepts any listed BCP-47 tag.
    row = gate_row()
    document = row.as_content()
    document["universal_education"]["translations"]["pt"] = {
        "patient_text": "Damos esta informação a todas as pessoas."
    }
    save_version(
        GateContent, row.slug, document, base_version=row.version, by=personas.administrator
    )
    start = personas.client_for("clinician").get(reverse("cases:start-case")).content.decode()
    assert "Português (Brasil)" in start
    case = open_case(personas, "pt-BR")  # a regional tag takes the language's texts
    from screening import actions

    actions.record_not_screened(
        case,
        reason="patient_declined",
        note="",
        universal_education_offered=False,
        by=personas.clinician,
    )
    text = page(personas, case)
    assert '<span lang="pt">Damos esta informação a todas as pessoas.</span>' in text
    assert UNREVIEWED in text
