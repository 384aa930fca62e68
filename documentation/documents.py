"""The printable documents, rendered by WeasyPrint from templates and never stored.

Patient-facing papers (discreet card, follow-up slip, contacts handout) take their words from
the `PatientTexts` content (shipped as `content/patient_texts.json`: English, French and
Spanish; administrators add languages) in the patient's language, carry no logo, no case
reference and nothing naming a crime; `telling_words_in` (the one list of
`cases/content/telling_words.json`, its paper entries) guards them and any free text typed
onto them. The handover report is for the receiving clinical team.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib.resources import files
from typing import Any

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetchingError

from cases import discretion, languages
from cases.content import cached_rule
from cases.providers import Hotline

# The languages Harbor ships complete patient texts in; an administrator adds more as data
# (`PatientTexts`' translations), which `patient_languages()` then offers.
PATIENT_LANGUAGES = ("en", "fr", "es")
PATIENT_TEXTS_SLUG = "patient-texts"
PAPER = {"a4": ("A4", 2, 5), "letter": ("letter", 2, 4)}  # page size, columns, rows of cards


@cache
def _content(name: str) -> dict[str, Any]:
    return json.loads((files("documentation") / "content" / name).read_text("utf-8"))


def _texts_row() -> Any:
    from documentation.models import PatientTexts

    # The document is read only when its version is not cached yet (`cached_rule`); the
    # history of changes, never here.
    return PatientTexts.objects.defer("document", "changes").latest_published(PATIENT_TEXTS_SLUG)


def _texts_document() -> tuple[Any, dict[str, Any]]:
    """The texts in force (the published version, else the shipped file) and their row."""
    row = _texts_row()
    if row is None:
        return None, _content("patient_texts.json")
    return row, cached_rule(row, row.as_content)


@dataclass(frozen=True)
class Papers:
    """The papers' texts in force, read once (one query) for everything a page asks of them."""

    row: Any
    document: dict[str, Any]

    @cached_property
    def _texts(self) -> list[languages.Text]:
        from documentation.models import PatientTexts

        return languages.texts_of(self.document, PatientTexts.TEXTS)

    @cached_property
    def _languages(self) -> tuple[str, ...]:
        found = self._texts
        ready = [c for c in languages.languages_in(found) if not languages.missing_in(found, c)]
        return (languages.SOURCE_LANGUAGE, *ready)

    def languages(self) -> tuple[str, ...]:
        """Every language the papers can be printed in: English and each language whose texts
        are complete (a half-written language is never printed)."""
        return self._languages

    def language_for(self, preferred: str) -> str:
        """The language to print in: the patient's if Harbor has texts for it, else English."""
        offered = self.languages()
        for tag in languages.candidates(preferred):
            if tag in offered:
                return tag
        return languages.SOURCE_LANGUAGE

    def texts(self, language: str) -> dict[str, str]:
        """Every text of the papers in `language` (its complete translation, else English)."""
        from documentation.models import PATIENT_TEXT_KEYS

        chosen = self.language_for(language)
        return {
            key: str(languages.translated(self.document, key, chosen)) for key in PATIENT_TEXT_KEYS
        }

    def provenance(self, language: str) -> str:
        """What the clinician is told of the translation into `language` (never printed):
        reviewed by whom and when, or not yet reviewed by a qualified translator."""
        from cases.translations import PROVENANCE_UNREVIEWED, reviews_of

        chosen = self.language_for(language) if language else ""
        if chosen in ("", languages.SOURCE_LANGUAGE):
            return ""
        review = reviews_of(self.row, self._texts).get(chosen) if self.row is not None else None
        if review is None:
            return str(PROVENANCE_UNREVIEWED)
        return _("Translation reviewed by %(name)s on %(date)s.") % {
            "name": review.reviewed_by.display_name,
            "date": date_format(review.reviewed_at, "DATE_FORMAT"),
        }


def papers() -> Papers:
    row, document = _texts_document()
    return Papers(row, document)


def patient_languages() -> tuple[str, ...]:
    return papers().languages()


def patient_language(preferred: str) -> str:
    return papers().language_for(preferred)


def patient_texts(language: str) -> dict[str, str]:
    return papers().texts(language)


def texts_provenance(language: str = "") -> str:
    return papers().provenance(language)


def telling_words_in(text: str, extra: Sequence[str] = ()) -> list[str]:
    """Every telling word or phrase that appears in `text`, in lower case, each once: the
    one list's entries for paper (`cases.discretion`, every printed language) and `extra`
    (e.g. hotline full names), as whole words, case-insensitively."""
    found = [word.casefold() for word in discretion.telling_words_in(text, where="paper")]
    for word in extra:
        if word and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE):
            found.append(word)
    return list(dict.fromkeys(found))


class _NoFetching(URLFetcher):
    """The papers load nothing from anywhere (no logo, no image, system fonts only), so any
    URL in them is refused rather than fetched: nothing printed can reach out to a server."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        raise URLFetchingError(f"Printouts fetch nothing: {url}")


class _Printing(threading.local):
    """What every printout shares, made once per worker thread: building WeasyPrint's default
    fetcher loads the system's TLS certificates (about a tenth of a second, twice per
    document), and each FontConfiguration reloads fontconfig and starts an empty font map."""

    def __init__(self) -> None:
        self.fetcher = _NoFetching()
        self.fonts = FontConfiguration()


_printing = _Printing()


@cache
def _stylesheet() -> CSS:
    return CSS(
        string=(files("documentation") / "content" / "print.css").read_text("utf-8"),
        url_fetcher=_printing.fetcher,
    )


@cache
def _page(page_size: str, margin: str) -> CSS:
    return CSS(
        string=f"@page {{ size: {page_size}; margin: {margin}; }}", url_fetcher=_printing.fetcher
    )


def render_pdf(
    template_name: str, context: dict[str, Any], *, page_size: str, margin: str = "15mm"
) -> bytes:
    html = render_to_string(template_name, context)
    printing = _printing
    pdf = HTML(string=html, url_fetcher=printing.fetcher).write_pdf(
        stylesheets=[_stylesheet(), _page(page_size, margin)], font_config=printing.fonts
    )
    if pdf is None:  # only when a target is given, which it is not
        raise RuntimeError("WeasyPrint returned no PDF.")
    return pdf


@dataclass(frozen=True)
class CardLine:
    label: str
    phone: str
    text: str = ""
    hours: str = ""


def card_lines(hotlines: Sequence[Hotline], language: str = "en") -> list[CardLine]:
    """What a card prints of each line: its screen label in the printed language (else
    English), never its full name."""
    return [
        CardLine(str(languages.translated(h, "screen_label", language)), h.phone, h.text, h.hours)
        for h in hotlines
    ]


def _in(language: str, texts: Papers | None) -> dict[str, Any]:
    """The papers' texts in `language` and the language they are in, from one read."""
    texts = texts or papers()
    return {"t": texts.texts(language), "lang": texts.language_for(language)}


def card_pdf(
    *,
    lines: Sequence[CardLine],
    language: str,
    paper: str,
    emergency_phone: str,
    texts: Papers | None = None,
) -> bytes:
    size, columns, rows = PAPER[paper]
    return render_pdf(
        "documentation/print/card.html",
        {
            **_in(language, texts),
            "lines": lines,
            "emergency_phone": emergency_phone,
            "cards": range(columns * rows),
        },
        page_size=size,
        margin="10mm 19mm",
    )


def slip_pdf(
    *, language: str, when: str, where: str, paper: str, texts: Papers | None = None
) -> bytes:
    return render_pdf(
        "documentation/print/slip.html",
        {
            **_in(language, texts),
            "when": when,
            "where": where,
        },
        page_size=PAPER[paper][0],
    )


def contacts_pdf(
    *,
    entries: Sequence[Any],
    lines: Sequence[CardLine],
    language: str,
    paper: str,
    texts: Papers | None = None,
) -> bytes:
    return render_pdf(
        "documentation/print/contacts.html",
        {
            **_in(language, texts),
            "entries": entries,
            "lines": lines,
        },
        page_size=PAPER[paper][0],
    )


def handover_pdf(context: dict[str, Any], *, paper: str) -> bytes:
    return render_pdf("documentation/print/handover.html", context, page_size=PAPER[paper][0])
