"""FHIR R4 conversion for screening content and answers: plain dicts in and out.

Question banks and brief instruments travel as `Questionnaire` resources, a screening
conversation as a `QuestionnaireResponse`. What core FHIR has no element for (a theme's purpose,
an instrument's threshold and age range, an answer's status) is carried in extensions under
`urn:harbor:extension:`. Imports are strict and all-or-nothing: anything Harbor cannot read
exactly raises FhirImportError naming the problem, never a partly filled result.

Every exported resource carries the HL7 security labels SDV (sensitive: abuse or violence) and
R (restricted), because this content would harm the patient if shown through a patient portal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from screening.rules import (
    YES_NO,
    AnswerStatus,
    Bank,
    ContentError,
    Instrument,
    load_bank,
    load_instrument,
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


def _titled_extension(url: str, title: str, text: str) -> dict[str, Any]:
    return {
        "url": url,
        "extension": [
            {"url": "title", "valueString": title},
            {"url": "text", "valueString": text},
        ],
    }


# --- Export ---------------------------------------------------------------------------------------


def bank_to_questionnaire(bank: Bank) -> dict[str, Any]:
    """A conversation guide as a Questionnaire: one `group` item per theme, `text` questions."""
    resource = _questionnaire_header(bank.slug, bank.version, bank.title, bank.source)
    extensions = [_titled_extension(PRINCIPLE_EXTENSION, p.title, p.text) for p in bank.principles]
    extensions += [_titled_extension(GUIDANCE_EXTENSION, g.title, g.text) for g in bank.guidance]
    if extensions:  # FHIR forbids empty arrays
        resource["extension"] = extensions
    resource["item"] = [
        {
            "linkId": theme.slug,
            "type": "group",
            "text": theme.title,
            "extension": [{"url": PURPOSE_EXTENSION, "valueString": theme.purpose}],
            "item": [
                {"linkId": question.slug, "type": "text", "text": question.text}
                for question in theme.questions
            ],
        }
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
        {"url": VALIDATION_NOTE_EXTENSION, "valueString": instrument.validation_note},
        {"url": DEMO_EXTENSION, "valueBoolean": instrument.demo},
    ]
    resource["item"] = [
        {"linkId": item.slug, "type": "boolean", "text": item.text} for item in instrument.items
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


# --- Import ---------------------------------------------------------------------------------------


def _questionnaire_fields(resource: Any, kind: str) -> dict[str, Any]:
    """Check the resource is a Questionnaire Harbor can identify; return its header fields."""
    if not isinstance(resource, Mapping):
        raise FhirImportError(
            f"Expected a FHIR Questionnaire as a JSON object, got {type(resource).__name__}."
        )
    resource_type = resource.get("resourceType")
    if resource_type != "Questionnaire":
        raise FhirImportError(
            f"Expected resourceType 'Questionnaire' for a {kind}, got {resource_type!r}."
        )
    url = _string(resource, "url", "The Questionnaire")
    if not url.startswith(QUESTIONNAIRE_URL_PREFIX) or url == QUESTIONNAIRE_URL_PREFIX:
        raise FhirImportError(
            f"The Questionnaire url must be '{QUESTIONNAIRE_URL_PREFIX}<slug>', got '{url}'."
        )
    version = _string(resource, "version", "The Questionnaire")
    # ASCII digits only ("²".isdigit() is true), and few enough to fit a database integer.
    if not version.isascii() or not version.isdigit() or len(version) > 9:
        raise FhirImportError(
            f"The Questionnaire version must be a whole number such as '1', got '{version}'."
        )
    status = _string(resource, "status", "The Questionnaire")
    if status not in QUESTIONNAIRE_STATUSES:
        raise FhirImportError(f"The Questionnaire status '{status}' is not a FHIR status.")
    return {
        "slug": url.removeprefix(QUESTIONNAIRE_URL_PREFIX),
        "version": int(version),
        "title": _string(resource, "title", "The Questionnaire"),
        # Harbor keeps the provenance note in `description`; content without one is refused.
        "source": _string(resource, "description", "The Questionnaire"),
    }


def _string(element: Mapping[str, Any], key: str, what: str) -> str:
    value = element.get(key)
    if not isinstance(value, str) or not value.strip():
        raise FhirImportError(f"{what} has no '{key}' (non-empty text is required).")
    return value


def _items(element: Mapping[str, Any], what: str) -> list[Mapping[str, Any]]:
    items = element.get("item")
    if not isinstance(items, list) or not items:
        raise FhirImportError(f"{what} has no 'item' list: there is nothing to import.")
    for item in items:
        if not isinstance(item, Mapping):
            raise FhirImportError(f"{what} has an item that is not a JSON object.")
        _string(item, "linkId", f"An item of {what}")
        _string(item, "type", f"Item '{item['linkId']}'")
    return items


def _extension_value(element: Mapping[str, Any], url: str, value_key: str, what: str) -> Any:
    """The value of the one extension with this url, checked for its FHIR value type."""
    matches = [
        ext
        for ext in element.get("extension") or []
        if isinstance(ext, Mapping) and ext.get("url") == url
    ]
    if len(matches) != 1:
        found = "none" if not matches else f"{len(matches)}"
        raise FhirImportError(f"{what} needs exactly one extension {url} (found {found}).")
    if value_key not in matches[0]:
        raise FhirImportError(f"The extension {url} on {what} must carry {value_key}.")
    return matches[0][value_key]


def _titled_extensions(resource: Mapping[str, Any], url: str) -> list[dict[str, str]]:
    titled = []
    for ext in resource.get("extension") or []:
        if not isinstance(ext, Mapping) or ext.get("url") != url:
            continue
        parts = {
            part.get("url"): part.get("valueString")
            for part in ext.get("extension") or []
            if isinstance(part, Mapping)
        }
        if not isinstance(parts.get("title"), str) or not isinstance(parts.get("text"), str):
            raise FhirImportError(
                f"The extension {url} needs a 'title' and a 'text' sub-extension (valueString)."
            )
        titled.append({"title": parts["title"], "text": parts["text"]})
    return titled


def _check_unique_link_ids(link_ids: Sequence[str]) -> None:
    seen: set[str] = set()
    for link_id in link_ids:
        if link_id in seen:
            raise FhirImportError(
                f"linkId '{link_id}' is used more than once; every item needs its own linkId."
            )
        seen.add(link_id)


def questionnaire_to_bank(resource: Any) -> Bank:
    """Read a conversation guide from a Questionnaire written by bank_to_questionnaire.

    Top-level items must be `group` items (the themes), each carrying a purpose extension and
    holding only free-text questions (`text` or `string`); linkIds must be unique across the
    whole Questionnaire. Raises FhirImportError on anything else.
    """
    header = _questionnaire_fields(resource, "conversation guide")
    themes = []
    for group in _items(resource, "The Questionnaire"):
        link_id, item_type = group["linkId"], group["type"]
        if item_type in BANK_QUESTION_TYPES:
            raise FhirImportError(
                f"Item '{link_id}' is a question outside a theme group; every question must sit "
                "inside a 'group' item."
            )
        if item_type != "group":
            raise FhirImportError(
                f"Item '{link_id}' has type '{item_type}', which a conversation guide cannot "
                "hold (expected 'group' for a theme)."
            )
        questions = []
        for question in _items(group, f"Group '{link_id}'"):
            if question["type"] not in BANK_QUESTION_TYPES:
                raise FhirImportError(
                    f"Item '{question['linkId']}' in group '{link_id}' has type "
                    f"'{question['type']}'; conversation-guide questions must be 'text' (nested "
                    "groups and other types are not supported)."
                )
            questions.append(
                {
                    "slug": question["linkId"],
                    "text": _string(question, "text", f"Item '{question['linkId']}'"),
                }
            )
        themes.append(
            {
                "slug": link_id,
                "title": _string(group, "text", f"Group '{link_id}'"),
                "purpose": _extension_value(
                    group, PURPOSE_EXTENSION, "valueString", f"group '{link_id}'"
                ),
                "questions": questions,
            }
        )
    _check_unique_link_ids(
        [theme["slug"] for theme in themes]
        + [question["slug"] for theme in themes for question in theme["questions"]]
    )
    content = {
        **header,
        "themes": themes,
        "principles": _titled_extensions(resource, PRINCIPLE_EXTENSION),
        "guidance": _titled_extensions(resource, GUIDANCE_EXTENSION),
    }
    try:
        return load_bank(content)
    except ContentError as error:
        raise FhirImportError(
            f"The Questionnaire is not a usable conversation guide: {error}"
        ) from error


def questionnaire_to_instrument(resource: Any) -> Instrument:
    """Read a brief instrument from a Questionnaire written by instrument_to_questionnaire.

    Items must all be `boolean` (yes/no) questions with unique linkIds; the threshold, age range,
    validation note and demo flag must each be present once as urn:harbor:extension:* values of
    the right FHIR type. Raises FhirImportError on anything else.
    """
    header = _questionnaire_fields(resource, "brief instrument")
    items = []
    for item in _items(resource, "The Questionnaire"):
        if item["type"] != "boolean":
            raise FhirImportError(
                f"Item '{item['linkId']}' has type '{item['type']}'; instrument items must be "
                "yes/no questions of type 'boolean'."
            )
        items.append(
            {
                "slug": item["linkId"],
                "text": _string(item, "text", f"Item '{item['linkId']}'"),
                "answer_type": YES_NO,
            }
        )
    _check_unique_link_ids([item["slug"] for item in items])
    what = "the Questionnaire"
    content = {
        **header,
        "items": items,
        "positive_if_at_least": _extension_value(
            resource, POSITIVE_IF_AT_LEAST_EXTENSION, "valueInteger", what
        ),
        "min_age": _extension_value(resource, MIN_AGE_EXTENSION, "valueInteger", what),
        "max_age": _extension_value(resource, MAX_AGE_EXTENSION, "valueInteger", what),
        "validation_note": _extension_value(
            resource, VALIDATION_NOTE_EXTENSION, "valueString", what
        ),
        "demo": _extension_value(resource, DEMO_EXTENSION, "valueBoolean", what),
    }
    try:
        return load_instrument(content)
    except ContentError as error:
        raise FhirImportError(f"The Questionnaire is not a usable instrument: {error}") from error
