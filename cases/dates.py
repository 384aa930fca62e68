"""Dates as Django's `date` filter shows them, for pages that show hundreds (the access log,
the work lists): the filter reads and splits its format and builds a formatter per value."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.dateformat import DateFormat, TimeFormat

# Django's own format pieces, where they are plain numbers of the time.
FAST_TIME: dict[str, Callable[[Any], str]] = {
    "H": lambda t: f"{t.hour:02d}",
    "i": lambda t: f"{t.minute:02d}",
    "s": lambda t: f"{t.second:02d}",
    "G": lambda t: str(t.hour),
}
# Pieces that change within a day: the time's, and the date's that read the moment (ISO and
# RFC forms, the epoch, daylight saving time).
PER_VALUE = frozenset(name for name in dir(TimeFormat) if len(name) == 1) | {"c", "r", "U", "I"}


def date_formatter(format_name: str) -> Callable[[date], str]:
    """A function giving what `{{ value|date:format_name }}` shows in the active language and
    time zone (a datetime is shown in local time, as templates do), for many values: the
    format is read and split once (Django's own pattern), each day's date parts are formatted
    once, and only the time parts per value."""
    split = re.split(r"(?<!\\)([a-zA-Z])", str(formats.get_format(format_name)))
    pieces = [
        (bool(i % 2), piece if i % 2 else re.sub(r"\\(.)", r"\1", piece))
        for i, piece in enumerate(split)
        if piece
    ]
    zone = timezone.get_current_timezone()
    days: dict[date, list[str | None]] = {}

    def format_one(value: date) -> str:
        local = timezone.localtime(value, zone) if isinstance(value, datetime) else value
        key = local.date() if isinstance(local, datetime) else local
        parts = days.get(key)
        if parts is None:
            day = DateFormat(local)
            parts = days[key] = [
                None
                if is_code and piece in PER_VALUE
                else (str(getattr(day, piece)()) if is_code else piece)
                for is_code, piece in pieces
            ]
        out = []
        moment: DateFormat | None = None
        for part, (_is_code, piece) in zip(parts, pieces, strict=True):
            if part is not None:
                out.append(part)
            elif piece in FAST_TIME:
                out.append(FAST_TIME[piece](local))
            else:
                moment = moment or DateFormat(local)
                out.append(str(getattr(moment, piece)()))
        return "".join(out)

    return format_one
