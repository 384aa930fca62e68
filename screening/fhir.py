"""FHIR R4 conversion for screening content and answers: plain dicts in and out.

Question banks and brief instruments travel as `Questionnaire` resources, a screening
conversation as a `QuestionnaireResponse`. What core FHIR has no element for (a theme's purpose,
an instrument's threshold and age range, an answer's status) is carried in extensions under
`urn:harbor:extension:`. This module holds that vocabulary and the export; the import, strict
and all-or-nothing (FhirImportError naming the problem, never a partly filled result), is
`screening.fhir_import`.

Every exported resource carries the HL7 security labels SDV (sensitive: abuse or violence) and
R (restricted), because this content would harm the patient if shown through a patient portal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from screening.rules import (
    AnswerStatus,
    Bank,
    Instrument,
)

QUESTIONNAIRE_URL_PREFIX = "urn:harbor:questionnaire:"
EXTENSION_PREFIX = "urn:harbor:extension:"
PURPOSE_EXTENSION = EXTENSION_PREFIX + "purpose"
PRINCIPLE_EXTENSION = EXTENSION_PREFIX + "principle"
GUIDANCE_EXTENSION = EXTENSION_PREFIX + "guidance"
POSITIVE_IF_AT_LEAST_EXTENSION = EXTENSION_PREFIX + "positive-if-at-least"
MIN_AGE_EXTENSION = EXTENSION_PREFIX + "min-age"
MAX_AGE_EXTENSION = EXTENSION_PREFIX + "max-age"
VALIDATION_NOTE_EXTENSION = EXTENSION_PREFIX + "validation-note"
DEMO_EXTENSION = EXTENSION_PREFIX + "demo"
ANSWER_STATUS_EXTENSION = EXTENSION_PREFIX + "answer-status"
CONCERN_EXTENSION = EXTENSION_PREFIX + "concern"
VERBATIM_EXTENSION = EXTENSION_PREFIX + "verbatim"

# FHIR's own way to carry a string in other languages: on the element's `_<name>` sibling,
# one extension per language with `lang` (a BCP-47 code) and `content`.
TRANSLATION_EXTENSION = "http://hl7.org/fhir/StructureDefinition/translation"

SECURITY_LABELS = (
    {
        "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
        "code": "SDV",
        "display": "sexual assault, abuse, or domestic violence information sensitivity",
    },
    {
        "system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
        "code": "R",
        "display": "restricted",
    },
)

QUESTIONNAIRE_STATUSES = frozenset({"draft", "active", "retired", "unknown"})
# Free-text question types a conversation-guide question may arrive as; Harbor writes "text".
BANK_QUESTION_TYPES = frozenset({"text", "string"})


class FhirImportError(ValueError):
    """A FHIR resource could not be imported; the message says what is wrong, for a human."""


@dataclass(frozen=True)
class ResponseAnswer:
    question_slug: str
    status: AnswerStatus
    note: str
    verbatim: bool  # the note is the patient's own words, quoted
    concern: bool


def _meta() -> dict[str, Any]:
    return {"security": [dict(label) for label in SECURITY_LABELS]}


def _computer_name(slug: str) -> str:
    # FHIR `name` is machine-friendly: "conversation-guide" -> "ConversationGuide".
    return "".join(part.capitalize() for part in slug.split("-"))


def _questionnaire_header(slug: str, version: int, title: str, source: str) -> dict[str, Any]:
    return {
        "resourceType": "Questionnaire",
        "meta": _meta(),
        "url": QUESTIONNAIRE_URL_PREFIX + slug,
        "version": str(version),
        "name": _computer_name(slug),
        "title": title,
        "status": "active",
        "description": source,
    }


def _titled_extension(
    url: str, title: str, text: str, translations: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    translations = translations or {}
    return {
        "url": url,
        "extension": [
            _translate(
                {"url": "title", "valueString": title}, "valueString", translations, "title"
            ),
            _translate({"url": "text", "valueString": text}, "valueString", translations, "text"),
        ],
    }


def _translate(
    element: dict[str, Any], key: str, translations: Mapping[str, Any], field: str
) -> dict[str, Any]:
    """`element` with `_<key>` carrying `field`'s translations (FHIR translation extension)."""
    found = [
        (language, texts[field])
        for language, texts in sorted(translations.items())
        if isinstance(texts, Mapping) and isinstance(texts.get(field), str) and texts[field]
    ]
    if found:
        element[f"_{key}"] = {
            "extension": [
                {
                    "url": TRANSLATION_EXTENSION,
                    "extension": [
                        {"url": "lang", "valueCode": language},
                        {"url": "content", "valueString": text},
                    ],
                }
                for language, text in found
            ]
        }
    return element


# --- Export ---------------------------------------------------------------------------------------


def bank_to_questionnaire(bank: Bank) -> dict[str, Any]:
    """A conversation guide as a Questionnaire: one `group` item per theme, `text` questions."""
    resource = _questionnaire_header(bank.slug, bank.version, bank.title, bank.source)
    _translate(resource, "title", bank.translations, "title")
    extensions = [
        _titled_extension(PRINCIPLE_EXTENSION, p.title, p.text, p.translations)
        for p in bank.principles
    ]
    extensions += [
        _titled_extension(GUIDANCE_EXTENSION, g.title, g.text, g.translations)
        for g in bank.guidance
    ]
    if extensions:  # FHIR forbids empty arrays
        resource["extension"] = extensions
    resource["item"] = [
        _translate(
            {
                "linkId": theme.slug,
                "type": "group",
                "text": theme.title,
                "extension": [
                    _translate(
                        {"url": PURPOSE_EXTENSION, "valueString": theme.purpose},
                        "valueString",
                        theme.translations,
                        "purpose",
                    )
                ],
                "item": [
                    _translate(
                        {"linkId": question.slug, "type": "text", "text": question.text},
                        "text",
                        question.translations,
                        "text",
                    )
                    for question in theme.questions
                ],
            },
            "text",
            theme.translations,
            "title",
        )
        for theme in bank.themes
    ]
    return resource


def instrument_to_questionnaire(instrument: Instrument) -> dict[str, Any]:
    """A brief instrument as a Questionnaire of `boolean` items; its rule in extensions."""
    resource = _questionnaire_header(
        instrument.slug, instrument.version, instrument.title, instrument.source
    )
    if not instrument.source:
        del resource["description"]  # FHIR forbids empty strings
    resource["extension"] = [
        {"url": POSITIVE_IF_AT_LEAST_EXTENSION, "valueInteger": instrument.positive_if_at_least},
        {"url": MIN_AGE_EXTENSION, "valueInteger": instrument.min_age},
        {"url": MAX_AGE_EXTENSION, "valueInteger": instrument.max_age},
        _translate(
            {"url": VALIDATION_NOTE_EXTENSION, "valueString": instrument.validation_note},
            "valueString",
            instrument.translations,
            "validation_note",
        ),
        {"url": DEMO_EXTENSION, "valueBoolean": instrument.demo},
    ]
    _translate(resource, "title", instrument.translations, "title")
    resource["item"] = [
        _translate(
            {"linkId": item.slug, "type": "boolean", "text": item.text},
            "text",
            item.translations,
            "text",
        )
        for item in instrument.items
    ]
    return resource


def screening_to_questionnaire_response(
    bank: Bank,
    answers: Sequence[ResponseAnswer],
    *,
    authored: str,
    subject_ref: str | None,
) -> dict[str, Any]:
    """One screening conversation as a completed QuestionnaireResponse, grouped by theme.

    Every question of the bank appears, so the record shows what was *not* asked too; a question
    with no ResponseAnswer is "not_asked". Each item carries its status in an extension. Only an
    answered question carries the note as `answer.valueString` (with a verbatim flag) and a
    concern mark. A note or concern on a question that was not answered, an unknown question or
    a question answered twice is a contradiction and raises ValueError rather than being
    exported wrongly.
    """
    known = {question.slug for theme in bank.themes for question in theme.questions}
    by_question: dict[str, ResponseAnswer] = {}
    for answer in answers:
        if answer.question_slug not in known:
            raise ValueError(f"Question '{answer.question_slug}' is not in bank '{bank.slug}'.")
        if answer.question_slug in by_question:
            raise ValueError(f"Question '{answer.question_slug}' has more than one answer.")
        if answer.status is not AnswerStatus.ANSWERED and (answer.note.strip() or answer.concern):
            raise ValueError(
                f"Question '{answer.question_slug}' was {answer.status.value.replace('_', ' ')} "
                "but carries a note or concern mark."
            )
        by_question[answer.question_slug] = answer

    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "meta": _meta(),
        "questionnaire": f"{QUESTIONNAIRE_URL_PREFIX}{bank.slug}|{bank.version}",
        "status": "completed",
        "authored": authored,
    }
    if subject_ref:
        resource["subject"] = {"reference": subject_ref}
    resource["item"] = [
        {
            "linkId": theme.slug,
            "text": theme.title,
            "item": [
                _response_item(question.slug, question.text, by_question.get(question.slug))
                for question in theme.questions
            ],
        }
        for theme in bank.themes
    ]
    return resource


def _response_item(slug: str, text: str, answer: ResponseAnswer | None) -> dict[str, Any]:
    status = answer.status if answer else AnswerStatus.NOT_ASKED
    item: dict[str, Any] = {
        "linkId": slug,
        "text": text,
        "extension": [{"url": ANSWER_STATUS_EXTENSION, "valueCode": status.value}],
    }
    if answer and status is AnswerStatus.ANSWERED:
        item["extension"].append({"url": CONCERN_EXTENSION, "valueBoolean": answer.concern})
        # An answered question with no note stays answer-less: FHIR strings cannot be empty.
        if answer.note.strip():
            item["answer"] = [
                {
                    "valueString": answer.note,
                    "extension": [{"url": VERBATIM_EXTENSION, "valueBoolean": answer.verbatim}],
                }
            ]
    return item
