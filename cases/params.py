"""Reading numbers out of request parameters without trusting `str.isdigit()`.

`"²".isdigit()` and `"٣".isdigit()` are true, yet `int("²")` raises and a thirty-digit number
overflows a database integer: both used to end in a 500. Only ASCII digits, within range, pass.
"""

from __future__ import annotations

import json
import re
from typing import Any

# A database integer column holds at most this; versions and ids never come near it.
MAX_WHOLE_NUMBER = 2**31 - 1
ASCII_WHOLE_NUMBER = re.compile(r"[0-9]{1,10}")


def whole_number(text: str | None, *, maximum: int = MAX_WHOLE_NUMBER) -> int | None:
    """The number `text` spells in ASCII digits, or None if it is anything else or too big."""
    if text is None or not ASCII_WHOLE_NUMBER.fullmatch(text):
        return None
    value = int(text)
    return value if value <= maximum else None


# Limits for JSON that people paste or upload (content imports and editors): generous for real
# content (a bank has tens of questions), far below what would fill a page or the database.
MAX_JSON_STRING_CHARS = 20_000
MAX_JSON_LIST_ITEMS = 1_000


def loads_json(text: str | bytes) -> Any:
    """`json.loads`, refusing what the database cannot store or nobody should store.

    PostgreSQL's jsonb and text columns cannot hold a NUL character, which JSON spells
    `\\u0000`; such text, an overlong string or an enormous list is refused with a
    `json.JSONDecodeError` naming the problem, so callers keep their one error path.
    """
    document = text.decode("utf-8") if isinstance(text, bytes) else text
    data = json.loads(document)
    problem = _problem_in(data)
    if problem:
        raise json.JSONDecodeError(problem, document, 0)
    return data


def _problem_in(value: Any) -> str:
    if isinstance(value, str):
        if "\x00" in value:
            return "it contains a NUL character (\\u0000), which cannot be stored"
        if len(value) > MAX_JSON_STRING_CHARS:
            return f"a text is longer than {MAX_JSON_STRING_CHARS} characters"
        return ""
    if isinstance(value, dict):
        return next(
            (p for item in (*value.keys(), *value.values()) if (p := _problem_in(item))), ""
        )
    if isinstance(value, list):
        if len(value) > MAX_JSON_LIST_ITEMS:
            return f"a list has more than {MAX_JSON_LIST_ITEMS} entries"
        return next((p for item in value if (p := _problem_in(item))), "")
    return ""
