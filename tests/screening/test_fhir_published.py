"""Questionnaires as published tools export them (tests/fixtures/questionnaires, sources noted
there): what Harbor can represent is read; what it cannot is refused by linkId, nothing imported."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.schemas import validate
from screening.fhir import FhirImportError, bank_to_questionnaire, instrument_to_questionnaire
from screening.fhir_import import SCHEMA, questionnaire_to_instrument
from screening.models import Instrument, QuestionBank
from screening.rules import load_bank, load_instrument

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "questionnaires"
CONTENT = Path(__file__).resolve().parents[2] / "screening" / "content"
PHQ9_ITEMS = ["/44250-9", "/44255-8", "/44259-0", "/44254-1", "/44251-7", "/44258-2"]


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["lhc-forms-phq9.json", "lhc-forms-weight-height.json"])
def test_the_published_files_are_valid_against_the_declared_schema(name):
    validate(SCHEMA, fixture(name))  # raises ContentInvalid otherwise


def test_harbors_own_exports_are_valid_against_the_declared_schema():
    bank = load_bank(json.loads((CONTENT / "seed_bank.json").read_text(encoding="utf-8")))
    path = CONTENT / "instruments" / "demo_brief_screen.json"
    instrument = load_instrument(json.loads(path.read_text(encoding="utf-8")))
    validate(SCHEMA, bank_to_questionnaire(bank))
    validate(SCHEMA, instrument_to_questionnaire(instrument))


def test_phq9_from_lhc_forms_is_refused_item_by_item_with_the_reason():
    with pytest.raises(FhirImportError) as refused:
        questionnaire_to_instrument(fixture("lhc-forms-phq9.json"))
    message = str(refused.value)
    assert message.startswith("Nothing was imported: Harbor cannot represent these items.")
    for link_id in PHQ9_ITEMS:
        assert f"Item '{link_id}' has 4 answer options (scored 0, 1, 2, 3)" in message
    assert "Item '/44261-6' has type 'decimal'" in message
    assert "Item '/69722-7' has 4 answer options (not scored)" in message
    # Not refused for its identity: it has no url, and its LOINC identifier names it.
    assert "url" not in message


def test_a_two_option_choice_scored_by_ordinal_value_is_a_yes_no_item():
    resource = fixture("lhc-forms-phq9.json")
    first = copy.deepcopy(resource["item"][0])
    first["answerOption"] = [first["answerOption"][1], first["answerOption"][0]]  # 1 then 0
    demo = instrument_to_questionnaire(
        load_instrument(
            json.loads(
                (CONTENT / "instruments" / "demo_brief_screen.json").read_text(encoding="utf-8")
            )
        )
    )
    resource.update(item=[first], extension=demo["extension"])
    instrument = questionnaire_to_instrument({**resource, "version": "3"})
    assert instrument.slug == "q-44249-1"  # from the LOINC identifier, as no url is given
    assert instrument.version == 3
    assert [(i.slug, i.text) for i in instrument.items] == [
        ("q-44250-9", "Little interest or pleasure in doing things?")
    ]


def test_weight_and_height_panel_is_refused_for_its_measurements():
    with pytest.raises(FhirImportError) as refused:
        questionnaire_to_instrument(fixture("lhc-forms-weight-height.json"))
    for link_id in ("/29463-7", "/8302-2", "/39156-5"):
        assert f"Item '{link_id}' has type 'decimal'" in str(refused.value)


def test_uploading_the_published_phq9_shows_every_reason_and_imports_nothing(personas, content):
    client = personas.client_for("administrator")
    payload = (FIXTURES / "lhc-forms-phq9.json").read_bytes()
    response = client.post(
        reverse("screening:import-content"),
        {"kind": "instrument", "file": SimpleUploadedFile("phq9.json", payload)},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported" in body
    assert "/44260-8" in body and "/44261-6" in body
    assert Instrument.objects.count() == 1  # the demo instrument only
    assert QuestionBank.objects.count() == 1


def test_a_versionless_bank_file_is_imported_as_the_next_version(personas, content):
    bank = QuestionBank.for_content(QuestionBank.objects.all()).get()
    resource = bank_to_questionnaire(bank.to_rule())
    resource.pop("version")
    resource["title"] = "Conversation guide, edited elsewhere"
    response = personas.client_for("administrator").post(
        reverse("screening:import-content"),
        {"kind": "bank", "file": SimpleUploadedFile("q.json", json.dumps(resource).encode())},
    )
    assert response.status_code == 302
    newest = QuestionBank.objects.latest_published(bank.slug)
    assert (newest.version, newest.title) == (2, "Conversation guide, edited elsewhere")
    assert newest.changes == [
        {
            "row": "",
            "op": "changed",
            "fields": {"title": ["Conversation guide", "Conversation guide, edited elsewhere"]},
        }
    ]
