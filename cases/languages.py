"""Which language a piece of clinical content is shown in (pure: no ORM, no request).

Content carries its text per language beside the source text: every object holding text
(a question, a sign, a checklist item, the gate's wording) keeps its source fields in English and
may carry `"translations": {"fr": {"text": "…"}, "es": {…}}`, keyed by BCP-47 language tag.
A field whose value is a map (the confidentiality wording per place) is translated as a map of
the same keys. The schemas declare this shape once
(`cases/content/schemas/translations.schema.json`).

- Clinician-facing text shows in the interface language, else English (`translated`).
- Patient-facing text shows in the case's preferred language, with the interface language
  beside it, and says which language is shown when the preferred one is missing (`patient_view`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

SOURCE_LANGUAGE = "en"

# BCP-47 as content keys use it: a language subtag, then optional script/region/variant subtags
# ("fr", "fr-CA", "zh-Hant", "es-419"). Lower/upper case as people write them.
LANGUAGE_TAG = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
_TAG = re.compile(LANGUAGE_TAG)


def is_language_tag(code: str) -> bool:
    return bool(_TAG.match(code))


def candidates(language: str | None, *, fallback: str = SOURCE_LANGUAGE) -> list[str]:
    """The languages to try, best first: the tag itself, its shorter forms, then the fallback.

    "fr-CA" → ["fr-CA", "fr", "en"]; Django's "fr-ca" is matched case-insensitively.
    """
    # A page asks this for every text it shows (a hundred times for the same few tags): the
    # answer is worked out once per tag and fallback, and each caller gets its own list.
    return list(_candidates(language or "", fallback))


@lru_cache(maxsize=256)
def _candidates(language: str, fallback: str) -> tuple[str, ...]:
    tried: list[str] = []
    parts = (language or "").split("-")
    for end in range(len(parts), 0, -1):
        tag = "-".join(parts[:end])
        if tag and tag.lower() not in (t.lower() for t in tried):
            tried.append(tag)
    if fallback.lower() not in (t.lower() for t in tried):
        tried.append(fallback)
    return tuple(tried)


def _translations(item: Any) -> Mapping[str, Any]:
    if isinstance(item, Mapping):
        found = item.get("translations")
    else:
        found = getattr(item, "translations", None)
    return found if isinstance(found, Mapping) else {}


def _source(item: Any, field: str) -> Any:
    if isinstance(item, Mapping):
        return item.get(field, "")
    return getattr(item, field, "")


def _lookup(translations: Mapping[str, Any], language: str) -> Mapping[str, Any] | None:
    for key, value in translations.items():
        if key.lower() == language.lower() and isinstance(value, Mapping):
            return value
    return None


@dataclass(frozen=True)
class Shown:
    """A text as shown, and the language it is in."""

    text: Any
    language: str

    def __str__(self) -> str:
        return str(self.text)


def translated(item: Any, field: str, language: str | None) -> Shown:
    """`item`'s `field` in `language` (or a shorter form of it), else in English.

    `item` is a content object (a dict of a document, or a model row with `translations`).
    """
    translations = _translations(item)
    for tag in _candidates(language or "", SOURCE_LANGUAGE):
        if tag.lower() == SOURCE_LANGUAGE:
            return Shown(_source(item, field), SOURCE_LANGUAGE)
        found = _lookup(translations, tag)
        if found is not None and found.get(field):
            return Shown(found[field], tag)
    return Shown(_source(item, field), SOURCE_LANGUAGE)


def has_language(item: Any, field: str, language: str) -> bool:
    return translated(item, field, language).language.lower() == language.lower()


@dataclass(frozen=True)
class PatientView:
    """What a patient-facing text shows the clinician.

    `patient` is what the patient reads (their preferred language, or the best fallback);
    `missing` is True when the preferred language was not available (the clinician is told
    which language is shown instead); `beside` is the same text in the clinician's interface
    language, when that differs from what the patient reads (None otherwise).
    """

    patient: Shown
    wanted: str
    missing: bool
    beside: Shown | None


def patient_view(item: Any, field: str, *, patient: str, interface: str) -> PatientView:
    """The patient's language first, the clinician's beside it. Table-tested."""
    shown = translated(item, field, patient)
    wanted_base = patient.split("-")[0].lower()
    missing = shown.language.split("-")[0].lower() != wanted_base
    own = translated(item, field, interface)
    beside = None if own.language.lower() == shown.language.lower() else own
    return PatientView(patient=shown, wanted=patient, missing=missing, beside=beside)


# --- Walking a document's texts (completeness, provenance, the translation editor) --------------


@dataclass(frozen=True)
class Text:
    """One translatable text of a document: where it is, its field, the English source and
    its translations."""

    path: tuple[str | int, ...]
    field: str
    source: Any
    translations: Mapping[str, Any]

    @property
    def key(self) -> str:
        """A stable name for the form field and the fingerprint ("themes.0.questions.2.text")."""
        return ".".join(map(str, (*self.path, self.field)))


def _objects_at(document: Any, parts: Sequence[str], path: tuple[str | int, ...]) -> Iterator[Any]:
    if not parts:
        if isinstance(document, list):
            for index, item in enumerate(document):
                if isinstance(item, Mapping):
                    yield (*path, index), item
        elif isinstance(document, Mapping):
            yield path, document
        return
    head, *rest = parts
    if isinstance(document, list):
        for index, item in enumerate(document):
            yield from _objects_at(item, parts, (*path, index))
    elif isinstance(document, Mapping) and head in document:
        yield from _objects_at(document[head], rest, (*path, head))


def texts_of(document: Mapping[str, Any], declared: Mapping[str, Sequence[str]]) -> list[Text]:
    """Every translatable text in `document`, as its kind declares them.

    `declared` maps where the objects are ("" the document itself, "themes.questions" every
    question of every theme) to their translatable fields, the way `ROWS` names row lists.
    """
    found: list[Text] = []
    for where, fields in declared.items():
        parts = where.split(".") if where else []
        for path, item in _objects_at(document, parts, ()):
            for field in fields:
                if item.get(field) in (None, "", {}):
                    continue
                found.append(Text(path, field, item[field], _translations(item)))
    return found


def missing_in(texts: Sequence[Text], language: str) -> list[str]:
    """The keys of `texts` that have no translation in `language` (every key of a map field
    included). English, the source, is never missing."""
    if language.lower() == SOURCE_LANGUAGE:
        return []
    missing: list[str] = []
    for text in texts:
        value = (_lookup(text.translations, language) or {}).get(text.field)
        if isinstance(text.source, Mapping):
            have = value if isinstance(value, Mapping) else {}
            missing += [f"{text.key}.{k}" for k in text.source if not have.get(k)]
        elif not value:
            missing.append(text.key)
    return missing


def languages_in(texts: Sequence[Text]) -> list[str]:
    """Every language some text is translated into, in first-seen order."""
    seen: list[str] = []
    for text in texts:
        for language in text.translations:
            if language not in seen:
                seen.append(language)
    return seen


def fingerprint(texts: Sequence[Text], language: str) -> str:
    """Names exactly what a reviewer read: every source text and its translation in
    `language`. A review holds as long as neither changes."""
    pairs = [
        [text.key, text.source, (_lookup(text.translations, language) or {}).get(text.field)]
        for text in texts
    ]
    blob = json.dumps(pairs, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def with_translation(
    document: Mapping[str, Any],
    declared: Mapping[str, Sequence[str]],
    language: str,
    values: Mapping[str, Any],
) -> dict[str, Any]:
    """A copy of `document` whose texts in `language` are `values` (by `Text.key`); an empty
    value removes that translation."""
    copy: dict[str, Any] = json.loads(json.dumps(document))
    for text in texts_of(copy, declared):
        if text.key not in values:
            continue
        item: Any = copy
        for part in text.path:
            item = item[part]
        translations = item.setdefault("translations", {})
        entry = translations.setdefault(language, {})
        value = values[text.key]
        if value in (None, "", {}):
            entry.pop(text.field, None)
        else:
            entry[text.field] = value
        if not entry:
            translations.pop(language)
        if not translations:
            item.pop("translations")
    return copy


def carried(stored: Mapping[str, Any], shipped: Mapping[str, Any], fields: Sequence[str]) -> Any:
    """The shipped object's translations, when `stored` says exactly what it says in English
    (the same `fields`), else None: how a data migration gives stored versions the translations
    written since, without touching a word a case used."""
    if not shipped.get("translations"):
        return None
    if any(stored.get(field) != shipped.get(field) for field in fields):
        return None
    return shipped["translations"]


def _identity(
    document: Any, path: tuple[str | int, ...], rows: Mapping[str, str | None]
) -> tuple[Any, ...]:
    """A row's identity across versions: its slug where its list is keyed (`ROWS`), else its
    position, so a reordered question keeps its translation."""
    identity: list[Any] = []
    names: list[str] = []
    item: Any = document
    for part in path:
        if isinstance(part, int):
            key = rows.get(".".join(names))
            row = item[part]
            identity.append(row.get(key, part) if key and isinstance(row, Mapping) else part)
        else:
            names.append(part)
            identity.append(part)
        item = item[part]
    return tuple(identity)


def carry_translations(
    before: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    after: Mapping[str, Any],
    declared: Mapping[str, Sequence[str]],
    rows: Mapping[str, str | None],
) -> dict[str, Any]:
    """`after` (an edit made in English) with each text's translations kept from `before`
    (the version the edit started from, or a list of versions, newest first), field by field,
    where that version's English of the field is the edited English: a changed source text
    drops its translation, and English typed back as an earlier version had it gets that
    version's translation back. Objects that bring their own translations (a JSON edit, an
    import) keep them."""
    versions = [before] if isinstance(before, Mapping) else list(before)
    known: list[dict[tuple[Any, ...], tuple[Mapping[str, Any], Mapping[str, Any]]]] = []
    for version in versions:
        found: dict[tuple[Any, ...], tuple[Mapping[str, Any], Mapping[str, Any]]] = {}
        for where in declared:
            parts = where.split(".") if where else []
            for path, item in _objects_at(version, parts, ()):
                if _translations(item):
                    found[_identity(version, path, rows)] = (item, _translations(item))
        known.append(found)
    copy: dict[str, Any] = json.loads(json.dumps(after))
    for where, fields in declared.items():
        parts = where.split(".") if where else []
        for path, item in _objects_at(copy, parts, ()):
            if _translations(item):
                continue
            identity = _identity(copy, path, rows)
            kept: dict[str, dict[str, Any]] = {}
            for field in fields:
                for found in known:
                    if identity not in found or found[identity][0].get(field) != item.get(field):
                        continue
                    texts = {
                        language: fields_[field]
                        for language, fields_ in found[identity][1].items()
                        if field in fields_
                    }
                    if texts:
                        for language, text in texts.items():
                            kept.setdefault(language, {})[field] = text
                        break
            if kept:
                item["translations"] = kept
    return copy
