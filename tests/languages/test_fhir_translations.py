"""FHIR Questionnaires carry translations with the HL7 translation extension, both ways."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screening.fhir import (
    TRANSLATION_EXTENSION,
    FhirImportError,
    bank_to_questionnaire,
    instrument_to_questionnaire,
)
from screening.fhir_import import questionnaire_to_bank, questionnaire_to_instrument
from screening.rules import load_bank, load_instrument

CONTENT = Path(__file__).resolve().parents[2] / "screening" / "content"
BANK = load_bank(json.loads((CONTENT / "seed_bank.json").read_text("utf-8")))
INSTRUMENT = load_instrument(
    json.loads((CONTENT / "instruments" / "demo_brief_screen.json").read_text("utf-8"))
)


def test_a_question_carries_its_french_on_text():
    question = bank_to_questionnaire(BANK)["item"][0]["item"][0]
    (extension,) = question["_text"]["extension"]
    assert extension["url"] == TRANSLATION_EXTENSION
    assert extension["extension"] == [
        {"url": "lang", "valueCode": "fr"},
        {"url": "content", "valueString": BANK.themes[0].questions[0].translations["fr"]["text"]},
    ]


def test_a_bank_round_trips_with_every_translation():
    back = questionnaire_to_bank(json.loads(json.dumps(bank_to_questionnaire(BANK))))
    assert back.translations == BANK.translations
    assert [t.translations for t in back.themes] == [t.translations for t in BANK.themes]
    assert [q.translations for t in back.themes for q in t.questions] == [
        q.translations for t in BANK.themes for q in t.questions
    ]
    assert [p.translations for p in back.principles] == [p.translations for p in BANK.principles]
    assert [g.translations for g in back.guidance] == [g.translations for g in BANK.guidance]


def test_an_instrument_round_trips_with_every_translation():
    back = questionnaire_to_instrument(instrument_to_questionnaire(INSTRUMENT))
    assert back.translations == INSTRUMENT.translations
    assert [i.translations for i in back.items] == [i.translations for i in INSTRUMENT.items]


def test_a_translation_without_a_language_is_refused():
    resource = bank_to_questionnaire(BANK)
    resource["item"][0]["item"][0]["_text"]["extension"][0]["extension"][0] = {"url": "lang"}
    with pytest.raises(FhirImportError, match="needs a 'lang' sub-extension"):
        questionnaire_to_bank(resource)
