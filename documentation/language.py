"""The language check: judgemental, speculative or labelling wording in a note, with neutral
wording to use instead.

Pure functions over a word list that is data (`content/language.json`, with its source). The
check only reports: it never changes what the clinician wrote. Text between quotation marks is
the patient's own words and is never flagged, and neither is the "patient's own words" section.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.schemas import ContentInvalid, Problem, check_unique, validate


class Category(StrEnum):
    JUDGEMENTAL = "judgemental"
    SPECULATIVE = "speculative"
    LABELLING = "labelling"
    MINOR = "minor"


CATEGORY_LABELS = {
    Category.JUDGEMENTAL: gettext_lazy("Judgemental"),
    Category.SPECULATIVE: gettext_lazy("Speculative"),
    Category.LABELLING: gettext_lazy("Labelling"),
    Category.MINOR: gettext_lazy("Patient under 18"),
}


class WordListError(ValueError):
    """The word list is malformed; the message says where."""


@dataclass(frozen=True)
class Entry:
    id: str
    language: str
    category: Category
    terms: tuple[str, ...]
    why: str
    suggestion: str
    minor_only: bool = False
    # For a minor, some labels are more than labels: the guide's "no such thing as a child
    # prostitute". These replace `why` and `suggestion` when the patient is under 18.
    minor_why: str = ""
    minor_suggestion: str = ""
    # `why` and `minor_why` for a reader of another interface language, as (language, field,
    # text). The suggestion stays in the note's language: it is the wording to write instead.
    translations: tuple[tuple[str, str, str], ...] = ()

    def explained(self, field: str, language: str | None) -> str:
        """`why` or `minor_why` in `language` when written, else the entry's own."""
        own: str = getattr(self, field)
        if language is None or language == self.language:
            return own
        return next(
            (text for lang, name, text in self.translations if (lang, name) == (language, field)),
            own,
        )


@dataclass(frozen=True)
class WordList:
    version: int
    source: str
    entries: tuple[Entry, ...]

    def for_language(self, language: str) -> tuple[Entry, ...]:
        return tuple(entry for entry in self.entries if entry.language == language)


@dataclass(frozen=True)
class Finding:
    """One flagged wording: where it is, why it was flagged and what to write instead."""

    entry_id: str
    category: Category
    matched: str
    start: int
    end: int
    why: str
    suggestion: str
    # The patient's age is unknown and this applies only to a minor: say so, do not assert it.
    only_if_minor: bool = False

    @property
    def category_label(self) -> str:
        return str(CATEGORY_LABELS[self.category])


LANGUAGES = ("en", "fr")


def note_languages(active: str | None) -> tuple[str, ...]:
    """The languages a note is checked in: the writer's interface language first, then the
    others (Canadian teams write notes in English or French whatever their screen shows)."""
    first = (active or "en").split("-")[0]
    return (
        (first, *(lang for lang in LANGUAGES if lang != first)) if first in LANGUAGES else LANGUAGES
    )


# The word list is administrator-edited content (`documentation.models.WordListVersion`, the one
# content pattern): this schema says its shape, `check_word_list` the rest.
WORD_LIST_SCHEMA = Path(__file__).resolve().parent / "content" / "schemas" / "language.schema.json"


def check_word_list(document: Mapping[str, Any]) -> None:
    """What the schema cannot say, at the JSON path it concerns: ids are unique, a wording is
    on one entry only per language, and only the minor category can apply only to minors."""
    problems: list[Problem] = []
    seen_terms: dict[tuple[str, str], str] = {}
    check_unique(document["entries"], "id", ("entries",))
    for index, entry in enumerate(document["entries"]):
        if entry.get("minor_only") and entry["category"] != Category.MINOR:
            problems.append(
                Problem(
                    ("entries", index, "minor_only"),
                    _("only the “patient under 18” category can apply to minors only"),
                )
            )
        for position, term in enumerate(entry["terms"]):
            key = (entry["language"], _normalise(term))
            if key in seen_terms and seen_terms[key] != entry["id"]:
                problems.append(
                    Problem(
                        ("entries", index, "terms", position),
                        _("“%(term)s” is already in entry %(other)s")
                        % {"term": term, "other": seen_terms[key]},
                    )
                )
            seen_terms.setdefault(key, entry["id"])
    if problems:
        raise ContentInvalid(problems)


def normalised_word_list(content: Mapping[str, Any]) -> dict[str, Any]:
    """A valid document with every optional part present, as a stored version returns it."""
    return {
        **content,
        "source": content.get("source", ""),
        "entries": [
            {
                "id": e["id"],
                "language": e["language"],
                "category": e["category"],
                "terms": [t.strip() for t in e["terms"]],
                "why": e["why"].strip(),
                "suggestion": e["suggestion"].strip(),
                "minor_only": bool(e.get("minor_only", False)),
                "minor_why": e.get("minor_why", "").strip(),
                "minor_suggestion": e.get("minor_suggestion", "").strip(),
                "translations": e.get("translations") or {},
            }
            for e in content["entries"]
        ],
    }


def shipped_word_list_document() -> dict[str, Any]:
    """The shipped file, validated: what the data migration and the loader store."""
    document = json.loads((files("documentation") / "content" / "language.json").read_text("utf-8"))
    document = {**document, "slug": WORD_LIST_SLUG}
    validate(WORD_LIST_SCHEMA, document)
    check_word_list(document)
    return document


WORD_LIST_SLUG = "language-check"


def load_word_list(data: Mapping[str, Any]) -> WordList:
    """The word list from its JSON document, or WordListError naming the first problem."""
    if not isinstance(data.get("source"), str) or not data["source"].strip():
        raise WordListError("The word list needs a source note.")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise WordListError("The word list needs a version number (1 or more).")
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise WordListError("The word list has no entries.")
    entries: list[Entry] = []
    seen_ids: set[str] = set()
    seen_terms: dict[tuple[str, str], str] = {}
    for index, raw in enumerate(raw_entries, start=1):
        entry = _parse_entry(raw, f"Entry {index}")
        if entry.id in seen_ids:
            raise WordListError(f"Entry {index}: id {entry.id!r} is used twice.")
        seen_ids.add(entry.id)
        for term in entry.terms:
            key = (entry.language, _normalise(term))
            if key in seen_terms:
                raise WordListError(
                    f"Entry {index} ({entry.id}): {term!r} is already in {seen_terms[key]!r}."
                )
            seen_terms[key] = entry.id
        entries.append(entry)
    return WordList(version=version, source=data["source"], entries=tuple(entries))


def _parse_entry(raw: Any, where: str) -> Entry:
    if not isinstance(raw, dict):
        raise WordListError(f"{where}: must be an object.")
    entry_id = raw.get("id")
    if not isinstance(entry_id, str) or not entry_id:
        raise WordListError(f"{where}: needs an id.")
    where = f"{where} ({entry_id})"
    language = raw.get("language")
    if language not in LANGUAGES:
        raise WordListError(f"{where}: language must be one of {', '.join(LANGUAGES)}.")
    try:
        category = Category(str(raw.get("category")))
    except ValueError:
        raise WordListError(
            f"{where}: category must be one of {', '.join(c.value for c in Category)}."
        ) from None
    terms = raw.get("terms")
    if (
        not isinstance(terms, list)
        or not terms
        or not all(isinstance(t, str) and t.strip() for t in terms)
    ):
        raise WordListError(f"{where}: terms must be a non-empty list of words or phrases.")
    for field in ("why", "suggestion"):
        if not isinstance(raw.get(field), str) or not raw[field].strip():
            raise WordListError(f"{where}: {field} must not be empty.")
    minor_only = raw.get("minor_only", False)
    if not isinstance(minor_only, bool):
        raise WordListError(f"{where}: minor_only must be true or false.")
    if minor_only and category is not Category.MINOR:
        raise WordListError(f"{where}: only the minor category can be minor_only.")
    raw_translations = raw.get("translations", {})
    if not isinstance(raw_translations, dict) or not all(
        isinstance(texts, dict) and all(isinstance(t, str) for t in texts.values())
        for texts in raw_translations.values()
    ):
        raise WordListError(f"{where}: translations must map a language to its texts.")
    return Entry(
        id=entry_id,
        language=language,
        category=category,
        terms=tuple(t.strip() for t in terms),
        why=raw["why"].strip(),
        suggestion=raw["suggestion"].strip(),
        minor_only=minor_only,
        minor_why=str(raw.get("minor_why", "")).strip(),
        minor_suggestion=str(raw.get("minor_suggestion", "")).strip(),
        translations=tuple(
            (lang, field, text.strip())
            for lang, texts in sorted(raw_translations.items())
            for field, text in sorted(texts.items())
            if field in ("why", "minor_why") and text.strip()
        ),
    )


@cache
def shipped_word_list() -> WordList:
    document = json.loads((files("documentation") / "content" / "language.json").read_text("utf-8"))
    return load_word_list(document)


def _normalise(text: str) -> str:
    return " ".join(text.casefold().split())


# The patient's words, between quotation marks, are never flagged: they are what was said. A
# closing ’ must not be followed by a letter, so the apostrophe in "patient’s" is not one.
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»|‘(?:[^’]|’(?=\w))*’(?!\w)")


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _QUOTED.finditer(text)]


@cache
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so "illegal alien" wins over "illegal"; whole words only, and any run of
    # spaces or a line break inside a phrase still matches.
    ordered = sorted(terms, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, term.split())) for term in ordered)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def check_language(
    text: str,
    *,
    patient_is_minor: bool | None,
    language: str | Sequence[str] = "en",
    explain_in: str | None = None,
    word_list: WordList | None = None,
) -> tuple[Finding, ...]:
    """Every flagged wording in `text`, in reading order, with why and what to write instead.

    `language` is the note's language, or several (a bilingual team writes in either), the
    first winning where two lists hold the same word. `explain_in` is the reader's language,
    for the reason given. `patient_is_minor` is None when the age is unknown: wording that is
    wrong only for a child is then still shown, marked as applying if the patient is under 18,
    because a missing age must never hide the guide's point that a child cannot consent.
    """
    return _findings_in(
        text,
        _terms(word_list, language, patient_is_minor),
        patient_is_minor=patient_is_minor,
        explain_in=explain_in,
    )


def _terms(
    word_list: WordList | None, language: str | Sequence[str], patient_is_minor: bool | None
) -> dict[str, Entry]:
    """Each flagged wording (normalised) and its entry, for the note's languages and age."""
    words = word_list or shipped_word_list()
    languages = [language] if isinstance(language, str) else list(language)
    entries = [
        entry
        for lang in reversed(languages)  # so that the first language's entry is the one kept
        for entry in words.for_language(lang)
        if not (entry.minor_only and patient_is_minor is False)
    ]
    return {_normalise(term): entry for entry in entries for term in entry.terms}


def _findings_in(
    text: str,
    by_term: Mapping[str, Entry],
    *,
    patient_is_minor: bool | None,
    explain_in: str | None,
) -> tuple[Finding, ...]:
    if not by_term or not text:
        return ()
    quoted = _quoted_spans(text)
    findings = []
    for match in _pattern(tuple(by_term)).finditer(text):  # compiled once per word list
        if any(start <= match.start() < end for start, end in quoted):
            continue
        entry = by_term[_normalise(match.group())]
        use_minor_wording = patient_is_minor is True and bool(entry.minor_why)
        findings.append(
            Finding(
                entry_id=entry.id,
                category=Category.MINOR if use_minor_wording else entry.category,
                matched=match.group(),
                start=match.start(),
                end=match.end(),
                why=entry.explained("minor_why" if use_minor_wording else "why", explain_in),
                suggestion=(entry.minor_suggestion or entry.suggestion)
                if use_minor_wording
                else entry.suggestion,
                only_if_minor=entry.minor_only and patient_is_minor is None,
            )
        )
    return tuple(findings)


def check_sections(
    sections: Mapping[str, str],
    *,
    patient_is_minor: bool | None,
    language: str | Sequence[str] = "en",
    explain_in: str | None = None,
    verbatim: frozenset[str] = frozenset(),
    word_list: WordList | None = None,
) -> dict[str, tuple[Finding, ...]]:
    """Findings per section of a note, leaving out sections with none and verbatim sections
    (the patient's own words are recorded exactly as said, never corrected)."""
    result = {}
    # The wordings to look for are the same for every section: gathered once per note.
    by_term = _terms(word_list, language, patient_is_minor)
    for slug, text in sections.items():
        if slug in verbatim:
            continue
        findings = _findings_in(
            text, by_term, patient_is_minor=patient_is_minor, explain_in=explain_in
        )
        if findings:
            result[slug] = findings
    return result
