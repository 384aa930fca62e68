"""`cases.dates.date_formatter` shows what the template's `date` filter shows, for datetimes
(in the current time zone, across the nights clocks move) and dates, in English and French."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import translation

from cases.dates import date_formatter

# Two transitions of daylight saving time in Toronto, and an ordinary day.
MOMENTS = [
    start + timedelta(minutes=23 * i, seconds=i, microseconds=7 * i)
    for start in (
        datetime(2026, 3, 8, 5, 0, tzinfo=UTC),
        datetime(2026, 11, 1, 4, 0, tzinfo=UTC),
        datetime(2026, 12, 31, 22, 0, tzinfo=UTC),
    )
    for i in range(30)
]
DAYS = [date(2026, 1, 1) + timedelta(days=37 * i) for i in range(12)]
FORMATS = [
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "MONTH_DAY_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "c",
    "r",
    "U",
    "I",
    "P",
    r"D \t\h\e jS, g:i a T O",
]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("name", FORMATS)
def test_it_shows_what_the_date_filter_shows(language: str, name: str) -> None:
    values = MOMENTS + (DAYS if name in {"DATE_FORMAT", "MONTH_DAY_FORMAT"} else [])
    template = Template("{% for v in values %}{{ v|date:name }}\n{% endfor %}")
    with translation.override(language):
        expected = template.render(Context({"values": values, "name": name}))
        shown = date_formatter(name)
        assert "".join(f"{shown(v)}\n" for v in values) == expected
