"""FHIR R4 import of screening content: a `Questionnaire` as a question bank or an instrument.

Any valid R4 Questionnaire is read, not only Harbor's own: identity from `url`, else
`identifier`, else `name`; groups as themes; `choice` answers as valueCoding, valueString or
valueInteger, scored by ordinalValue or itemWeight. Items Harbor cannot represent are listed
by linkId with the reason, and nothing is imported (FhirImportError). The vocabulary both
directions share, and the export, are in `screening.fhir`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.content import unique_slug
from cases.languages import is_language_tag
from cases.schemas import ContentInvalid, validate
from screening.fhir import (
    BANK_QUESTION_TYPES,
    DEMO_EXTENSION,
    GUIDANCE_EXTENSION,
    MAX_AGE_EXTENSION,
    MIN_AGE_EXTENSION,
    POSITIVE_IF_AT_LEAST_EXTENSION,
    PRINCIPLE_EXTENSION,
    PURPOSE_EXTENSION,
    QUESTIONNAIRE_URL_PREFIX,
    TRANSLATION_EXTENSION,
    VALIDATION_NOTE_EXTENSION,
    FhirImportError,
)
from screening.rules import (
    SLUG_PATTERN,
    YES_NO,
    Bank,
    Instrument,
    load_bank,
    load_instrument,
)


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
