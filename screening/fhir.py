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

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.content import unique_slug
from cases.languages import is_language_tag
from cases.schemas import ContentInvalid, validate
from screening.rules import (
    SLUG_PATTERN,
    YES_NO,
    AnswerStatus,
    Bank,
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


def _translations_of(element: Mapping[str, Any], key: str) -> dict[str, str]:
    """language → text from `_<key>`'s translation extensions; FhirImportError if malformed."""
    carried = element.get(f"_{key}")
    if not isinstance(carried, Mapping):
        return {}
    found: dict[str, str] = {}
    for ext in carried.get("extension") or []:
        if not isinstance(ext, Mapping) or ext.get("url") != TRANSLATION_EXTENSION:
            continue
        parts = {
            part.get("url"): part
            for part in ext.get("extension") or []
            if isinstance(part, Mapping)
        }
        language = parts.get("lang", {}).get("valueCode")
        content = parts.get("content", {}).get("valueString")
        if not isinstance(language, str) or not is_language_tag(language):
            raise FhirImportError(
                f"A translation of '{key}' needs a 'lang' sub-extension with a language code "
                "such as 'fr' (valueCode)."
            )
        if not isinstance(content, str) or not content.strip():
            raise FhirImportError(
                f"The '{language}' translation of '{key}' needs a 'content' sub-extension "
                "(valueString, not empty)."
            )
        found[language] = content
    return found


def _gather(pairs: Sequence[tuple[str, dict[str, str]]]) -> dict[str, dict[str, str]]:
    """{field: {language: text}} pairs as Harbor's `translations`: {language: {field: text}}."""
    translations: dict[str, dict[str, str]] = {}
    for field, by_language in pairs:
        for language, text in by_language.items():
            translations.setdefault(language, {})[field] = text
    return translations


def _with(content: dict[str, Any], translations: dict[str, dict[str, str]]) -> dict[str, Any]:
    if translations:
        content["translations"] = translations
    return content


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


# --- Import ---------------------------------------------------------------------------------------


# --- Import ---------------------------------------------------------------------------------------
#
# Any valid R4 Questionnaire is read, not only Harbor's own: identity from `url`, else
# `identifier`, else `name`; groups as themes; `choice` answers as valueCoding, valueString or
# valueInteger, scored by ordinalValue or itemWeight. Items Harbor cannot represent are listed
# by linkId with the reason, and nothing is imported.

SCHEMA = Path(__file__).resolve().parent / "content" / "schemas" / "fhir-questionnaire.schema.json"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
LOINC_YES, LOINC_NO = "LA33-6", "LA32-8"
ANSWER_VALUES = ("valueCoding", "valueString", "valueInteger")


# The two kinds of content a Questionnaire is imported as, named in refusals.
_KINDS = {
    "conversation guide": gettext_lazy("conversation guide"),
    "brief instrument": gettext_lazy("brief instrument"),
}


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def _questionnaire_fields(resource: Any, kind: str) -> dict[str, Any]:
    """Check the resource is a Questionnaire (its declared schema) and return its header."""
    if not isinstance(resource, Mapping):
        raise FhirImportError(
            _("Expected a FHIR Questionnaire as a JSON object, got %(type)s.")
            % {"type": type(resource).__name__}
        )
    resource_type = resource.get("resourceType")
    if resource_type != "Questionnaire":
        raise FhirImportError(
            _("Expected resourceType 'Questionnaire' for a %(kind)s, got %(found)s.")
            % {"kind": _KINDS[kind], "found": repr(resource_type)}
        )
    try:
        validate(SCHEMA, resource, limits=False)
    except ContentInvalid as invalid:
        raise FhirImportError(
            _("This is not a FHIR R4 Questionnaire Harbor can read: %(problems)s")
            % {"problems": invalid}
        ) from invalid
    version = resource.get("version", "")
    # ASCII digits only ("²".isdigit() is true), and few enough to fit a database integer.
    if carries_version(resource) and len(version) > 9:
        raise FhirImportError(
            _("The Questionnaire version must be a whole number such as '1', got '%(version)s'.")
            % {"version": version}
        )
    title = resource.get("title") or resource.get("name") or ""
    if not title.strip():
        raise FhirImportError(_("The Questionnaire has no 'title' (non-empty text is required)."))
    slug, where = _identity(resource)
    source = next(
        (resource[key] for key in ("description", "copyright", "publisher") if resource.get(key)),
        _("Imported from the FHIR Questionnaire %(where)s.") % {"where": where},
    )
    return {
        "slug": slug,
        # A whole-number version is kept; any other ("1.0.0") or none: the next version.
        "version": int(version) if carries_version(resource) else None,
        "title": title.strip(),
        "source": source,
    }


def carries_version(resource: Mapping[str, Any]) -> bool:
    """Whether the file names a whole-number version (else it is imported as the next one)."""
    version = resource.get("version", "")
    return isinstance(version, str) and version.isascii() and version.isdigit()


def _identity(resource: Mapping[str, Any]) -> tuple[str, str]:
    """The slug this content is known by, and where it came from: url, identifier or name."""
    url = resource.get("url") or ""
    if url.startswith(QUESTIONNAIRE_URL_PREFIX) and len(url) > len(QUESTIONNAIRE_URL_PREFIX):
        return _slug_of(url.removeprefix(QUESTIONNAIRE_URL_PREFIX)), url
    if url:
        return _slug_of(re.split(r"[/:#]", url.rstrip("/"))[-1]), url
    for identifier in resource.get("identifier") or []:
        if identifier.get("value"):
            return _slug_of(identifier["value"]), _("identifier %(value)s") % {
                "value": identifier["value"]
            }
    if resource.get("name"):
        return _slug_of(resource["name"]), _("named %(name)s") % {"name": resource["name"]}
    raise FhirImportError(
        _(
            "The Questionnaire has no url, identifier or name, so Harbor cannot tell which "
            "content it is (or which versions belong together)."
        )
    )


def _slug_of(text: str, taken: Sequence[str] = ()) -> str:
    """A Harbor slug for a FHIR name or linkId: itself when it already is one."""
    if SLUG_PATTERN.fullmatch(text) and text not in taken:
        return text
    return unique_slug(text, taken, fallback="q", words=12)


def _string(element: Mapping[str, Any], key: str, what: str) -> str:
    value = element.get(key)
    if not isinstance(value, str) or not value.strip():
        raise FhirImportError(
            _("%(what)s has no '%(key)s' (non-empty text is required).")
            % {"what": what, "key": key}
        )
    return value


def _extension_value(element: Mapping[str, Any], url: str, value_key: str, what: str) -> Any:
    """The value of the one extension with this url, checked for its FHIR value type."""
    matches = _extensions(element, url)
    if len(matches) != 1:
        found = _("none") if not matches else f"{len(matches)}"
        raise FhirImportError(
            _("%(what)s needs exactly one extension %(url)s (found %(found)s).")
            % {"what": _capfirst(what), "url": url, "found": found}
        )
    if value_key not in matches[0]:
        raise FhirImportError(
            _("The extension %(url)s on %(what)s must carry %(key)s.")
            % {"url": url, "what": what, "key": value_key}
        )
    return matches[0][value_key]


def _extensions(element: Mapping[str, Any], url: str) -> list[Mapping[str, Any]]:
    return [ext for ext in element.get("extension") or [] if ext.get("url") == url]


def _titled_extensions(resource: Mapping[str, Any], url: str) -> list[dict[str, Any]]:
    titled = []
    for ext in _extensions(resource, url):
        parts = {
            part.get("url"): part.get("valueString")
            for part in ext.get("extension") or []
            if isinstance(part, Mapping)
        }
        if not isinstance(parts.get("title"), str) or not isinstance(parts.get("text"), str):
            raise FhirImportError(
                _("The extension %(url)s needs a 'title' and a 'text' sub-extension (valueString).")
                % {"url": url}
            )
        subs = {
            part.get("url"): part
            for part in ext.get("extension") or []
            if isinstance(part, Mapping)
        }
        translations = _gather(
            [(name, _translations_of(subs[name], "valueString")) for name in ("title", "text")]
        )
        titled.append(_with({"title": parts["title"], "text": parts["text"]}, translations))
    return titled


def _check_unique_link_ids(items: Sequence[Mapping[str, Any]]) -> None:
    seen: set[str] = set()
    for link_id in _link_ids(items):
        if link_id in seen:
            raise FhirImportError(
                _("linkId '%(id)s' is used more than once; every item needs its own linkId.")
                % {"id": link_id}
            )
        seen.add(link_id)


def _link_ids(items: Sequence[Mapping[str, Any]]) -> list[str]:
    return [i["linkId"] for item in items for i in (item, *_all(item.get("item") or []))]


def _all(items: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [i for item in items for i in (item, *_all(item.get("item") or []))]


class _Refusals:
    """Every item Harbor cannot represent, by linkId with the reason; raised all at once."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def add(self, reason: str) -> None:
        self.reasons.append(reason)

    def raise_any(self) -> None:
        if self.reasons:
            raise FhirImportError(
                _("Nothing was imported: Harbor cannot represent these items. %(reasons)s")
                % {"reasons": " ".join(self.reasons)}
            )


def questionnaire_to_bank(resource: Any) -> Bank:
    """Read a conversation guide: `group` items are themes holding free-text questions
    (`text` or `string`); a Questionnaire without groups is one theme. A theme's purpose is
    Harbor's purpose extension, else its first `display` item, else its title. `display` items
    are read, never asked. Raises FhirImportError listing every item it cannot represent."""
    header = _questionnaire_fields(resource, "conversation guide")
    items = resource["item"]
    _check_unique_link_ids(items)
    refusals = _Refusals()
    has_groups = any(item["type"] == "group" for item in items)
    for item in items:
        if item["type"] in {"group", "display"}:
            continue
        if item["type"] not in BANK_QUESTION_TYPES:
            refusals.add(
                _(
                    "Item '%(id)s' has type '%(type)s', which a conversation guide cannot hold "
                    "(expected 'group' for a theme)."
                )
                % {"id": item["linkId"], "type": item["type"]}
            )
        elif has_groups:
            refusals.add(
                _(
                    "Item '%(id)s' is a question outside a theme group; every question must sit "
                    "inside a 'group' item when the Questionnaire has groups."
                )
                % {"id": item["linkId"]}
            )
    if has_groups:
        groups = [item for item in items if item["type"] == "group"]
    else:  # a flat Questionnaire is one theme
        asked = [i for i in items if i["type"] in {"display", *BANK_QUESTION_TYPES}]
        groups = [{"linkId": header["slug"], "text": header["title"], "item": asked}]
    taken: list[str] = []
    themes = []
    for group in groups:
        link_id = group["linkId"]
        displays = [i for i in group.get("item") or [] if i["type"] == "display" and i.get("text")]
        questions = []
        for question in group.get("item") or []:
            if question["type"] == "display":
                continue
            if question["type"] not in BANK_QUESTION_TYPES:
                refusals.add(
                    _(
                        "Item '%(id)s' in group '%(group)s' has type '%(type)s'; "
                        "conversation-guide questions must be 'text' or 'string' (nested groups, "
                        "choices and measurements are not asked in a conversation)."
                    )
                    % {"id": question["linkId"], "group": link_id, "type": question["type"]}
                )
                continue
            if not (question.get("text") or "").strip():
                refusals.add(_("Item '%(id)s' has no 'text' to ask.") % {"id": question["linkId"]})
                continue
            slug = _slug_of(question["linkId"], taken)
            taken.append(slug)
            questions.append(
                _with(
                    {"slug": slug, "text": question["text"]},
                    _gather([("text", _translations_of(question, "text"))]),
                )
            )
        purpose_translations: dict[str, str] = {}
        if _extensions(group, PURPOSE_EXTENSION):
            where = _("group '%(id)s'") % {"id": link_id}
            purpose = _extension_value(group, PURPOSE_EXTENSION, "valueString", where)
            purpose_translations = _translations_of(
                _extensions(group, PURPOSE_EXTENSION)[0], "valueString"
            )
        else:
            purpose = displays[0]["text"] if displays else (group.get("text") or "")
        if not questions and group.get("item"):
            refusals.add(_("Group '%(id)s' has no question Harbor can ask.") % {"id": link_id})
        elif not group.get("item"):
            refusals.add(
                _("Group '%(id)s' has no 'item' list: there is nothing to ask.") % {"id": link_id}
            )
        title = (group.get("text") or "").strip()
        if not title:
            refusals.add(
                _("Group '%(id)s' has no 'text' to show as the theme's title.") % {"id": link_id}
            )
        slug = _slug_of(link_id, taken)
        taken.append(slug)
        themes.append(
            _with(
                {"slug": slug, "title": title, "purpose": purpose, "questions": questions},
                _gather(
                    [("title", _translations_of(group, "text")), ("purpose", purpose_translations)]
                ),
            )
        )
    refusals.raise_any()
    content = _with(
        {
            **header,
            "themes": themes,
            "principles": _titled_extensions(resource, PRINCIPLE_EXTENSION),
            "guidance": _titled_extensions(resource, GUIDANCE_EXTENSION),
        },
        _gather([("title", _translations_of(resource, "title"))]),
    )
    try:
        return load_bank({**content, "version": content["version"] or 1})
    except ContentInvalid as error:
        raise FhirImportError(
            _("The Questionnaire is not a usable conversation guide: %(problems)s")
            % {"problems": error}
        ) from error


def _score(option: Mapping[str, Any]) -> float | None:
    """An answer option's score: ordinalValue or itemWeight, else a valueInteger itself."""
    for url in (ORDINAL_VALUE, ITEM_WEIGHT):
        for ext in _extensions(option, url):
            value = ext.get("valueDecimal", ext.get("valueInteger"))
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
    value = option.get("valueInteger")
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _yes_no_reason(item: Mapping[str, Any]) -> str | None:
    """None when this `choice` item is a yes/no question Harbor can count; else why not."""
    options = item.get("answerOption") or []
    if any(not any(key in o for key in ANSWER_VALUES) for o in options):
        return _("an answer option is not a valueCoding, valueString or valueInteger")
    scores = sorted(s for s in map(_score, options) if s is not None)
    if len(options) == 2 and scores == [0.0, 1.0]:
        return None
    codes = {o.get("valueCoding", {}).get("code") for o in options}
    if len(options) == 2 and not scores and codes == {LOINC_YES, LOINC_NO}:
        return None
    if scores:
        described = _("scored %(scores)s") % {"scores": ", ".join(f"{s:g}" for s in scores)}
    else:
        described = _("not scored")
    return _(
        "%(count)s answer options (%(described)s); Harbor's brief instruments count yes/no "
        "items: two options scored 1 and 0"
    ) % {"count": len(options), "described": described}


def questionnaire_to_instrument(resource: Any) -> Instrument:
    """Read a brief instrument: `boolean` items, or `choice` items with two options scored 1
    and 0 (ordinalValue, itemWeight or valueInteger; LOINC Yes/No unscored); `display` items are
    skipped. Harbor's rule (positive if at least N yes, age range, validation note, demo flag)
    must be present as urn:harbor:extension:* values: Harbor never guesses a threshold.
    Raises FhirImportError listing every item it cannot represent."""
    header = _questionnaire_fields(resource, "brief instrument")
    _check_unique_link_ids(resource["item"])
    refusals = _Refusals()
    items = []
    taken: list[str] = []
    for item in resource["item"]:
        link_id, item_type = item["linkId"], item["type"]
        if item_type == "display":
            continue
        if item_type == "choice":
            reason = _yes_no_reason(item)
            if reason:
                refusals.add(_("Item '%(id)s' has %(reason)s.") % {"id": link_id, "reason": reason})
                continue
        elif item_type != "boolean":
            refusals.add(
                _(
                    "Item '%(id)s' has type '%(type)s'; instrument items must be yes/no questions "
                    "of type 'boolean' (or a 'choice' of two options scored 1 and 0)."
                )
                % {"id": link_id, "type": item_type}
            )
            continue
        if not (item.get("text") or "").strip():
            refusals.add(_("Item '%(id)s' has no 'text' to ask.") % {"id": link_id})
            continue
        slug = _slug_of(link_id, taken)
        taken.append(slug)
        items.append(
            _with(
                {"slug": slug, "text": item["text"], "answer_type": YES_NO},
                _gather([("text", _translations_of(item, "text"))]),
            )
        )
    refusals.raise_any()
    what = _("the Questionnaire")
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
    note = _extensions(resource, VALIDATION_NOTE_EXTENSION)
    _with(
        content,
        _gather(
            [
                ("title", _translations_of(resource, "title")),
                ("validation_note", _translations_of(note[0], "valueString") if note else {}),
            ]
        ),
    )
    try:
        return load_instrument({**content, "version": content["version"] or 1})
    except ContentInvalid as error:
        raise FhirImportError(
            _("The Questionnaire is not a usable instrument: %(problems)s") % {"problems": error}
        ) from error
