"""The printable documents, rendered by WeasyPrint from templates and never stored.

Patient-facing papers (discreet card, follow-up slip, contacts handout) take their words from
`content/patient_texts.json` in the patient's language (English, French, Spanish for now), carry
no logo, no case reference and nothing naming a crime; `telling_words_in` (the one list of
`cases/content/telling_words.json`, its paper entries) guards them and any free text typed onto
them. The handover report is for the receiving clinical team.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from django.template.loader import render_to_string
from weasyprint import CSS, HTML

from cases import discretion
from cases.providers import Hotline

PATIENT_LANGUAGES = ("en", "fr", "es")
PAPER = {"a4": ("A4", 2, 5), "letter": ("letter", 2, 4)}  # page size, columns, rows of cards


@cache
def _content(name: str) -> dict[str, Any]:
    return json.loads((files("documentation") / "content" / name).read_text("utf-8"))


def patient_language(preferred: str) -> str:
    """The language to print in: the patient's if Harbor has texts for it, else English."""
    return preferred if preferred in PATIENT_LANGUAGES else "en"


def patient_texts(language: str) -> dict[str, str]:
    return _content("patient_texts.json")["languages"][patient_language(language)]


def texts_provenance() -> str:
    return str(_content("patient_texts.json")["provenance"])


def telling_words_in(text: str, extra: Sequence[str] = ()) -> list[str]:
    """Every telling word or phrase that appears in `text`, in lower case, each once: the
    one list's entries for paper (`cases.discretion`, every printed language) and `extra`
    (e.g. hotline full names), as whole words, case-insensitively."""
    found = [word.casefold() for word in discretion.telling_words_in(text, where="paper")]
    for word in extra:
        if word and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE):
            found.append(word)
    return list(dict.fromkeys(found))


@cache
def _stylesheet() -> CSS:
    return CSS(string=(files("documentation") / "content" / "print.css").read_text("utf-8"))


def render_pdf(
    template_name: str, context: dict[str, Any], *, page_size: str, margin: str = "15mm"
) -> bytes:
    html = render_to_string(template_name, context)
    page = CSS(string=f"@page {{ size: {page_size}; margin: {margin}; }}")
    pdf = HTML(string=html).write_pdf(stylesheets=[_stylesheet(), page])
    if pdf is None:  # only when a target is given, which it is not
        raise RuntimeError("WeasyPrint returned no PDF.")
    return pdf


@dataclass(frozen=True)
class CardLine:
    label: str
    phone: str
    text: str = ""
    hours: str = ""


def card_lines(hotlines: Sequence[Hotline]) -> list[CardLine]:
    """What a card prints of each line: its screen label, never its full name."""
    return [CardLine(h.screen_label, h.phone, h.text, h.hours) for h in hotlines]


def card_pdf(
    *, lines: Sequence[CardLine], language: str, paper: str, emergency_phone: str
) -> bytes:
    size, columns, rows = PAPER[paper]
    return render_pdf(
        "documentation/print/card.html",
        {
            "t": patient_texts(language),
            "lang": patient_language(language),
            "lines": lines,
            "emergency_phone": emergency_phone,
            "cards": range(columns * rows),
        },
        page_size=size,
        margin="10mm 19mm",
    )


def slip_pdf(*, language: str, when: str, where: str, paper: str) -> bytes:
    return render_pdf(
        "documentation/print/slip.html",
        {
            "t": patient_texts(language),
            "lang": patient_language(language),
            "when": when,
            "where": where,
        },
        page_size=PAPER[paper][0],
    )


def contacts_pdf(
    *, entries: Sequence[Any], lines: Sequence[CardLine], language: str, paper: str
) -> bytes:
    return render_pdf(
        "documentation/print/contacts.html",
        {
            "t": patient_texts(language),
            "lang": patient_language(language),
            "entries": entries,
            "lines": lines,
        },
        page_size=PAPER[paper][0],
    )


def handover_pdf(context: dict[str, Any], *, paper: str) -> bytes:
    return render_pdf("documentation/print/handover.html", context, page_size=PAPER[paper][0])
