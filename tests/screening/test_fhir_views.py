"""FHIR through the views: export and import banks and instruments, export a finished screening."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import AuditEntry
from screening.models import Instrument, QuestionBank
from tests.screening.conftest import answer_post


def upload(client, kind: str, payload: bytes):
    return client.post(
        reverse("screening:import-content"),
        {"kind": kind, "file": SimpleUploadedFile("q.json", payload, "application/json")},
    )


def test_bank_round_trip_export_then_import_gives_the_identical_bank(personas, content):
    client = personas.client_for("administrator")
    bank = QuestionBank.objects.get()
    exported = client.get(reverse("screening:export-bank", args=[bank.pk]))
    assert exported["Content-Disposition"] == (
        'attachment; filename="questionnaire-conversation-guide-v1.json"'
    )
    original = bank.to_rule()
    QuestionBank.objects.all().delete()

    response = upload(client, "bank", exported.content)
    assert response.status_code == 302
    imported = QuestionBank.objects.prefetch_related("themes__questions").get()
    assert imported.to_rule() == original
    again = client.get(reverse("screening:export-bank", args=[imported.pk]))
    assert json.loads(again.content) == json.loads(exported.content)


def test_importing_the_same_version_again_is_a_harmless_no_op(personas, content):
    client = personas.client_for("administrator")
    bank = QuestionBank.objects.get()
    exported = client.get(reverse("screening:export-bank", args=[bank.pk])).content
    response = upload(client, "bank", exported)
    assert response.status_code == 302
    assert QuestionBank.objects.count() == 1


def test_different_content_under_an_existing_version_is_refused(personas, content):
    client = personas.client_for("administrator")
    bank = QuestionBank.objects.get()
    resource = json.loads(client.get(reverse("screening:export-bank", args=[bank.pk])).content)
    resource["title"] = "Another guide"
    response = upload(client, "bank", json.dumps(resource).encode())
    assert response.status_code == 400
    assert "already exists with different content" in response.content.decode()
    resource["version"] = "2"
    assert upload(client, "bank", json.dumps(resource).encode()).status_code == 302
    assert QuestionBank.objects.get(published=True).title == "Another guide"


def test_instrument_round_trip(personas, content):
    client = personas.client_for("administrator")
    instrument = Instrument.objects.get()
    exported = client.get(reverse("screening:export-instrument", args=[instrument.pk])).content
    original = instrument.to_rule()
    Instrument.objects.all().delete()
    assert upload(client, "instrument", exported).status_code == 302
    assert Instrument.objects.get().to_rule() == original


@pytest.mark.parametrize(
    ("kind", "payload", "message"),
    [
        pytest.param("bank", b"{not json", "The file is not valid JSON", id="not-json"),
        pytest.param("bank", b"\xff\xfe", "The file is not valid JSON", id="not-utf8"),
        pytest.param("bank", b"[]", "Expected a FHIR Questionnaire", id="a-list"),
        pytest.param(
            "bank", b'{"resourceType": "Patient"}', "Expected resourceType", id="wrong-type"
        ),
        pytest.param(
            "instrument",
            b'{"resourceType": "Questionnaire", "url": "urn:harbor:questionnaire:x",'
            b' "version": "1", "status": "active", "title": "X", "description": "d",'
            b' "item": [{"linkId": "a", "type": "text", "text": "Q?"}]}',
            "must be yes/no questions",
            id="instrument-with-text-items",
        ),
    ],
)
def test_a_malformed_file_imports_nothing_and_says_why(personas, content, kind, payload, message):
    response = upload(personas.client_for("administrator"), kind, payload)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was imported." in body
    assert message in body
    assert QuestionBank.objects.count() == 1
    assert Instrument.objects.count() == 1


def test_a_bank_that_fails_halfway_leaves_no_rows(personas, content):
    client = personas.client_for("administrator")
    bank = QuestionBank.objects.get()
    resource = json.loads(client.get(reverse("screening:export-bank", args=[bank.pk])).content)
    resource["version"] = "7"
    resource["item"][5]["item"].append(dict(resource["item"][0]["item"][0]))  # duplicate linkId
    response = upload(client, "bank", json.dumps(resource).encode())
    assert response.status_code == 400
    assert "more than once" in response.content.decode()
    assert QuestionBank.objects.count() == 1


def test_a_finished_screening_exports_as_a_questionnaire_response(personas, screening):
    case = screening.case
    client = personas.client_for("supervisor")
    answer = screening.answers.first()
    client.post(
        reverse("screening:save-answer", args=[case.ref, answer.pk]),
        answer_post(answer, note="On a mattress in the kitchen", verbatim=True, concern=True),
    )
    client.post(reverse("screening:complete-screening", args=[case.ref]))

    response = client.get(reverse("screening:export-response", args=[case.ref]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="response-{case.ref}.json"'
    assert "traffick" not in disposition.lower()
    resource = json.loads(response.content)
    assert resource["resourceType"] == "QuestionnaireResponse"
    assert resource["status"] == "completed"
    first = resource["item"][0]["item"][0]
    assert first["answer"][0]["valueString"] == "On a mattress in the kitchen"
    assert len([q for theme in resource["item"] for q in theme["item"]]) == 24
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORT, case=case, user=personas.supervisor
    ).exists()
