"""Find text in a Django template that a person would read but that is not marked for translation.

The template's own syntax is taken out first: comments, `{% translate %}` and
`{% blocktranslate %}` (marked, so fine), `{{ variables }}` (their text comes from code or data,
checked elsewhere) and every other tag. What remains is HTML; its text nodes and the attributes a
person reads or hears (title, alt, placeholder, aria-label, a button's value) must then hold no
letters. Scripts and styles are skipped: JavaScript strings go through the JavaScript catalogue.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["cases", "screening", "safety", "referrals", "documentation"]

# Words that read the same in every language Harbor ships (the product's name, units, codes).
UNTRANSLATED_WORDS = {"Harbor", "cm", "mm", "HSDS", "FHIR", "CSV", "JSON", "ICD-10-CM", "PDF"}

_COMMENT = re.compile(r"{#.*?#}", re.S)
_BLOCK_COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)
_BLOCKTRANSLATE = re.compile(r"{%\s*blocktrans(late)?\b.*?{%\s*endblocktrans(late)?\s*%}", re.S)
_VERBATIM_SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
_VARIABLE = re.compile(r"{{.*?}}", re.S)
_TAG = re.compile(r"{%.*?%}", re.S)
_LETTERS = re.compile(r"[^\W\d_]{2,}")
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "label"}


def template_files() -> list[Path]:
    folders = [ROOT / "templates", *(ROOT / app / "templates" for app in APPS)]
    return sorted(path for folder in folders if folder.exists() for path in folder.rglob("*.html"))


def _strip_template_syntax(source: str) -> str:
    # Each removal keeps the newlines, so line numbers in findings stay true.
    def blank(match: re.Match[str]) -> str:
        return "\n" * match.group(0).count("\n") + " "

    for pattern in (_COMMENT, _BLOCK_COMMENT, _BLOCKTRANSLATE, _VERBATIM_SCRIPT, _VARIABLE, _TAG):
        source = pattern.sub(blank, source)
    return source


def _readable(text: str) -> bool:
    words = _LETTERS.findall(text)
    return any(word not in UNTRANSLATED_WORDS for word in words)


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        for name, value in attrs:
            if value and name in READ_ATTRIBUTES and _readable(value):
                self.found.append((self.getpos()[0], f'{name}="{value}"'))
        is_button = tag == "input" and (named.get("type") or "") in {"submit", "button", "reset"}
        value = named.get("value")
        if is_button and value and _readable(value):
            self.found.append((self.getpos()[0], f'value="{value}"'))

    def handle_data(self, data: str) -> None:
        if _readable(data):
            self.found.append((self.getpos()[0], data.strip()))


def unmarked_text(path: Path) -> list[str]:
    """Each finding as 'line: text', in the order the template has them."""
    finder = _Finder()
    finder.feed(_strip_template_syntax(path.read_text(encoding="utf-8")))
    finder.close()
    return [f"{line}: {text[:80]}" for line, text in finder.found]
