"""Screen-safe wording: the words nobody near the screen or the paper may read, and helpers.

The list is data (`content/telling_words.json`), so wording reviews change it without code; each
entry says where it applies (screens, patient paper: `documentation` checks its documents with
`where="paper"`).
Tests scan the visible text of every case page against it; views use `screen_label_for` to give
a line whose own name is telling a neutral label, its full name kept behind a disclosure.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

WORDS_FILE = Path(__file__).resolve().parent / "content" / "telling_words.json"


@cache
def _content() -> list[dict[str, Any]]:
    return list(json.loads(WORDS_FILE.read_text(encoding="utf-8"))["entries"])


def telling_words(where: str = "screen") -> tuple[str, ...]:
    """The list's entries that apply `where`: "screen" (case pages) or "paper" (what the
    patient may carry, which holds the screen's words and more)."""
    return tuple(entry["text"] for entry in _content() if where in entry["where"])


@cache
def _pattern(where: str = "screen") -> re.Pattern[str]:
    entries = [entry for entry in _content() if where in entry["where"]]
    stems = "|".join(re.escape(e["text"]) for e in entries if e["match"] == "stem")
    words = "|".join(re.escape(e["text"]) for e in entries if e["match"] == "word")
    return re.compile(rf"\b(?:(?:{stems})\w*|(?:{words})\b)", re.IGNORECASE)


def telling_words_in(text: str, where: str = "screen") -> list[str]:
    """The telling words found in `text`, as written there (empty when it is safe `where`)."""
    return [match.group(0) for match in _pattern(where).finditer(text)]


def is_screen_safe(text: str) -> bool:
    return not telling_words_in(text)


def screen_label_for(name: str, notes: str = "") -> str:
    """A label for a line that may be on screen: its own name if that is safe, else neutral."""
    if is_screen_safe(name):
        return name
    if "24/7" in notes or "24/7" in name:
        return _("Confidential 24/7 helpline")
    return _("Confidential helpline")
