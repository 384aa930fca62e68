"""A French-speaking clinician reads the Notes tab, its checks and its editor in French."""

from __future__ import annotations

import re

import pytest

from documentation import actions
from tests.visible_text import visible_text


def url(case, name=""):
    return f"/documentation/cases/{case.ref}/{name}"


def french(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    return client


@pytest.fixture
def clinician(personas):
    return french(personas.client_for("clinician"))


ENGLISH_HEADINGS = re.compile(
    r"\b(Injuries|Wording check|Finalise|Print|Addenda|Consents|Save draft)\b"
)


def test_the_draft_note_is_in_french(clinician, personas, case):
    # "Notes" reads the same in French; every other heading of the tab must be French.
    note = actions.start_note(case, prefill={}, by=personas.clinician)
    clinician.post(
        url(case, "save/"),
        {"version": note.version, "section_presentation": "Le patient prétend être tombé."},
    )
    html = clinician.get(url(case)).content.decode()
    for words in (
        "Note de rencontre",
        "Observations neutres",
        "Les propres mots du patient",
        "Signalement à la police",
        "Vérification de la formulation",
        "Laisse entendre que le clinicien doute",
        "Blessures",
        "Avant-bras gauche",
        "Codes CIM-10-CM",
        "Finaliser la note",
        "Cartes discrètes",
    ):
        assert words in html, words
    headings = re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", html, re.S)
    notes_headings = [visible_text(h) for h in headings]
    assert not [h for h in notes_headings if ENGLISH_HEADINGS.fullmatch(h.strip())]


def test_the_final_note_its_addenda_and_the_ehr_text_are_in_french(clinician, personas, case):
    note = actions.start_note(
        case, prefill={"presentation": "Vu aux urgences."}, by=personas.clinician
    )
    clinician.post(
        url(case, "save/"),
        {
            "version": note.version,
            "section_presentation": "Vu aux urgences.",
            "sensitive": "on",
            "sensitive_reason": "Le partenaire lit le portail",
        },
    )
    note.refresh_from_db()
    clinician.post(url(case, "finalise/"), {"version": note.version})
    html = clinician.get(url(case)).content.decode()
    assert "Finalisée par" in html and "Addendas" in html and "Ajouter un addenda" in html
    text = clinician.get(url(case, "ehr-text/")).content.decode()
    assert "ACCÈS RESTREINT — sensible (SDV/R)" in text
    assert "Motif : Le partenaire lit le portail" in text
    assert "Présentation:" in text and "Consentements :" in text


def test_the_code_helper_speaks_french(clinician, personas, case):
    actions.start_note(case, prefill={}, by=personas.clinician)
    response = clinician.get(
        url(case, "codes/"),
        {
            "sexual": "ruled_out",
            "labour": "not_suspected",
            "encounter": "A",
            "multiple": "unknown",
            "past": "unknown",
            "childhood": "unknown",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Z04.81" in html and "a été écartée pendant cette rencontre" in html
    assert "Non codé : une fois le soupçon écarté, utilisez Z04.81" in html


def test_the_note_template_editor_is_in_french(personas):
    client = french(personas.client_for("administrator"))
    html = client.get("/documentation/templates/encounter/").content.decode()
    assert "Tous les modèles de note" in html and "Ajouter une rubrique" in html
    assert "Intitulé de la rubrique (Français)" in html
