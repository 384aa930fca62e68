"""The rows of a case's access log, each formatted once, in Python, before the template.

The page shows up to 500 entries. Per row, the template's two date filters, the user's
display name through a joined model and the action and part labels (lazy translations) cost
most of the page's time; here the database returns only the columns shown, the labels are
looked up once per distinct code, and the date is formatted as Django's `date` filter would,
with the parts that depend on the day worked out once per day.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.db.models.fields.json import KT
from django.utils import formats, timezone
from django.utils.dateformat import DateFormat, TimeFormat

from cases.models import AuditEntry
from cases.templatetags.harbor import part_label


@dataclass(frozen=True, slots=True)
class Row:
    at: str
    """ISO 8601 in the current time zone, as `|date:'c'`."""
    when: str
    """As `|date:"DATETIME_FORMAT"`."""
    who: str
    what: str
    part: str
    where: str


# Django's own format pieces, where they are plain numbers of the time.
FAST_TIME: dict[str, Callable[[datetime], str]] = {
    "H": lambda t: f"{t.hour:02d}",
    "i": lambda t: f"{t.minute:02d}",
    "s": lambda t: f"{t.second:02d}",
    "G": lambda t: str(t.hour),
}
TIME_CHARACTERS = frozenset(name for name in dir(TimeFormat) if len(name) == 1)


def datetime_formatter(format_name: str = "DATETIME_FORMAT") -> Callable[[datetime], str]:
    """A function giving what `{{ value|date:format_name }}` shows in the active language and
    time zone, for many values: the format is read and split once (Django's own pattern), each
    day's date parts are formatted once, and only the time parts per value."""
    split = re.split(r"(?<!\\)([a-zA-Z])", str(formats.get_format(format_name)))
    pieces = [
        (bool(i % 2), piece if i % 2 else re.sub(r"\\(.)", r"\1", piece))
        for i, piece in enumerate(split)
        if piece
    ]
    zone = timezone.get_current_timezone()
    days: dict[date, list[str | None]] = {}

    def format_one(value: datetime) -> str:
        local = timezone.localtime(value, zone)
        parts = days.get(local.date())
        if parts is None:
            day = DateFormat(local)
            parts = days[local.date()] = [
                None
                if is_code and piece in TIME_CHARACTERS
                else (str(getattr(day, piece)()) if is_code else piece)
                for is_code, piece in pieces
            ]
        out = []
        time: TimeFormat | None = None
        for part, (_is_code, piece) in zip(parts, pieces, strict=True):
            if part is not None:
                out.append(part)
            elif piece in FAST_TIME:
                out.append(FAST_TIME[piece](local))
            else:
                time = time or TimeFormat(local)
                out.append(str(getattr(time, piece)()))
        return "".join(out)

    return format_one


def rows(entries: QuerySet[AuditEntry]) -> list[Row]:
    """The shown columns of these entries, formatted (see the module docstring)."""
    when = datetime_formatter()
    zone = timezone.get_current_timezone()
    actions: dict[str, str] = {}
    parts: dict[str, str] = {}
    out = []
    for at, first, last, user_name, username, action, part, event, ip in entries.values_list(
        "at",
        "user__first_name",
        "user__last_name",
        "user__username",
        "username",
        "action",
        KT("detail__part"),
        KT("detail__event"),
        "ip_address",
    ):
        if action not in actions:
            actions[action] = AuditEntry(action=action).get_action_display()
        subject = str(part or event or "")
        if subject not in parts:
            parts[subject] = part_label(subject)
        # As User.display_name (full name, else the account's name), else the name typed.
        who = (f"{first} {last}".strip() or user_name) if user_name is not None else ""
        out.append(
            Row(
                at=timezone.localtime(at, zone).isoformat(),
                when=when(at),
                who=who or username,
                what=actions[action],
                part=parts[subject],
                where=ip or "—",
            )
        )
    return out
