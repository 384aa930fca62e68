"""The shipped translations, checked per language as data.

Every language a patient-facing document carries is complete for every patient-facing text,
French is complete for every text a clinician reads, and no patient-facing text says a telling
word in any printed language.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cases.languages import languages_in, missing_in, texts_of
from documentation import documents
from documentation.models import PatientTexts
from safety.models import ChecklistTemplate
from screening.models import GateContent, IndicatorSet, Instrument, QuestionBank

ROOT = Path(__file__).resolve().parents[2]


def read(path: str):
    return json.loads((ROOT / path).read_text(encoding="utf-8"))


SHIPPED = [
    (QuestionBank, read("screening/content/seed_bank.json")),
    (IndicatorSet, read("screening/content/indicators.json")),
    (Instrument, read("screening/content/instruments/demo_brief_screen.json")),
    (GateContent, read("screening/content/gate.json")),
    (PatientTexts, read("documentation/content/patient_texts.json")),
    *((ChecklistTemplate, t) for t in read("safety/content/checklists.json")["templates"]),
]
PATIENT_FACING = [(m, d) for m, d in SHIPPED if m.PATIENT_TEXTS]


def ids(pair):
    model, document = pair
    return f"{model.AUDIT_NAME}:{document.get('slug', '')}"


@pytest.mark.parametrize("pair", SHIPPED, ids=[ids(p) for p in SHIPPED])
def test_french_is_complete_for_every_text(pair):
    model, document = pair
    assert missing_in(texts_of(document, model.TEXTS), "fr") == []


@pytest.mark.parametrize("pair", PATIENT_FACING, ids=[ids(p) for p in PATIENT_FACING])
def test_every_shipped_language_is_complete_for_every_patient_facing_text(pair):
    model, document = pair
    found = texts_of(document, model.PATIENT_TEXTS)
    shipped = languages_in(found)
    assert {"fr", "es"} <= set(shipped)
    for language in shipped:
        assert missing_in(found, language) == [], language


@pytest.mark.parametrize("pair", PATIENT_FACING, ids=[ids(p) for p in PATIENT_FACING])
def test_no_patient_facing_text_carries_a_telling_word_in_any_language(pair):
    model, document = pair
    found = texts_of(document, model.PATIENT_TEXTS)
    words = []
    for text in found:
        values = [text.source, *(t.get(text.field) for t in text.translations.values())]
        for value in values:
            for piece in value.values() if isinstance(value, dict) else [value]:
                words += documents.telling_words_in(piece or "")
    assert words == []


def test_every_shipped_document_validates_against_its_schema():
    from cases.schemas import validate

    for model, document in SHIPPED:
        validate(model.SCHEMA, {"slug": "shipped", **document})
