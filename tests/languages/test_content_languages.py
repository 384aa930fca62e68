"""The content-languages page and marking a translation reviewed, per persona."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import AuditEntry
from cases.translations import TranslationReview, reviewed_languages
from screening.content import gate_row

PAGE = reverse("cases:content-languages")
REVIEW = reverse("cases:mark-translation-reviewed")


def review_post(row, language="es"):
    return {"kind": row.AUDIT_NAME, "slug": row.slug, "version": row.version, "language": language}


def test_an_administrator_sees_each_document_and_language_with_its_provenance(personas, content):
    with_page = personas.client_for("administrator").get(PAGE)
    text = with_page.content.decode()
    assert with_page.status_code == 200
    assert "Screening gate" in text and "Question bank" in text
    assert "Written for Harbor, not yet reviewed by a qualified translator." in text
    assert "Mark reviewed by a qualified translator" in text


def test_an_administrator_marks_a_translation_reviewed_and_it_is_audited(personas, content):
    row = gate_row()
    response = personas.client_for("administrator").post(REVIEW, review_post(row))
    assert response.status_code == 302
    review = TranslationReview.objects.get()
    assert (review.kind, review.language, review.reviewed_by) == (
        "gate",
        "es",
        personas.administrator,
    )
    assert "es" in reviewed_languages(row)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CONTENT_CHANGE)
    assert entry.detail == {
        "object": "gate",
        "slug": "gate",
        "version": row.version,
        "how": "review",
        "language": "es",
    }
    page = personas.client_for("administrator").get(PAGE).content.decode()
    assert "Reviewed by" in page


def test_an_edit_of_the_reviewed_text_makes_it_unreviewed_again(personas, content):
    from cases.content import save_version
    from screening.models import GateContent

    row = gate_row()
    personas.client_for("administrator").post(REVIEW, review_post(row))
    document = row.as_content()
    document["universal_education"]["translations"]["es"]["patient_text"] = "Otro texto."
    new, _created = save_version(
        GateContent, row.slug, document, base_version=row.version, by=personas.administrator
    )
    assert "es" not in reviewed_languages(new)


def test_reviewing_a_language_the_document_does_not_have_is_refused(personas, content):
    response = personas.client_for("administrator").post(REVIEW, review_post(gate_row(), "pt"))
    assert response.status_code == 302
    assert not TranslationReview.objects.exists()


@pytest.mark.parametrize("persona", ["clinician", "other_clinician", "supervisor"])
def test_nobody_but_an_administrator_sees_the_page_or_marks_a_review(personas, content, persona):
    client = personas.client_for(persona)
    assert client.get(PAGE).status_code == 403
    assert client.post(REVIEW, review_post(gate_row())).status_code == 403
    assert not TranslationReview.objects.exists()


def test_anonymous_is_sent_to_sign_in(personas, content):
    client = personas.client_for("anonymous")
    for response in (client.get(PAGE), client.post(REVIEW, review_post(gate_row()))):
        assert response.status_code == 302 and "/login" in response["Location"]
    assert not TranslationReview.objects.exists()


def test_an_unknown_document_is_a_404(personas, content):
    client = personas.client_for("administrator")
    assert client.post(REVIEW, {"kind": "nope", "slug": "x", "version": "1"}).status_code == 404
    bad = {**review_post(gate_row()), "version": "99"}
    assert client.post(REVIEW, bad).status_code == 404


def test_a_bad_language_code_is_refused_with_the_form_kept(personas, content):
    response = personas.client_for("administrator").post(
        reverse("cases:add-content-language"),
        {"code": "Portuguese!", "name": "Português", "base_version": "0"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Write a language code such as pt, fr-CA or zh-Hant." in text
    assert 'value="Portuguese!"' in text


def test_adding_a_language_from_a_stale_list_is_refused_with_the_input_kept(personas, content):
    from django.core.management import call_command

    call_command("load_cases_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    response = personas.client_for("administrator").post(
        reverse("cases:add-content-language"),
        {"code": "ko", "name": "한국어", "base_version": "0"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Someone changed the list meanwhile (now version 1)" in text
    assert 'value="한국어"' in text and 'name="base_version" value="1"' in text
