"""Screen-safe wording: the words nobody near the screen or the paper may read, and helpers.

The list is data (`content/telling_words.json`), so wording reviews change it without code.
Tests scan the visible text of every case page against it; views use `screen_label_for` to give
a line whose own name is telling a neutral label, its full name kept behind a disclosure.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

WORDS_FILE = Path(__file__).resolve().parent / "content" / "telling_words.json"


@cache
def _content() -> dict[str, list[str]]:
    return json.loads(WORDS_FILE.read_text(encoding="utf-8"))


def telling_words() -> tuple[str, ...]:
    return (*_content()["stems"], *_content()["words"])


@cache
def _pattern() -> re.Pattern[str]:
    stems = "|".join(re.escape(stem) for stem in _content()["stems"])
    words = "|".join(re.escape(word) for word in _content()["words"])
    return re.compile(rf"\b(?:(?:{stems})\w*|(?:{words})\b)", re.IGNORECASE)


def telling_words_in(text: str) -> list[str]:
    """The telling words found in `text`, as written there (empty when it is screen-safe)."""
    return [match.group(0) for match in _pattern().finditer(text)]


def is_screen_safe(text: str) -> bool:
    return not telling_words_in(text)


def screen_label_for(name: str, notes: str = "") -> str:
    """A label for a line that may be on screen: its own name if that is safe, else neutral."""
    if is_screen_safe(name):
        return name
    if "24/7" in notes or "24/7" in name:
        return _("Confidential 24/7 helpline")
    return _("Confidential helpline")
