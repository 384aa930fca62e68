"""A supervisor's work lists, read from the case's summary fields alone (one query a list)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.dates import date_formatter
from cases.models import Case, CaseQuerySet, Facility

LIST_LIMIT = 50
# A follow-up is "due" from today to this many days ahead; before today it is overdue.
DUE_WITHIN_DAYS = 2


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One line of a list, in words: up to 200 lines on the page."""

    url: str
    ref: str
    unit: str
    follow_up: str
    opened: str


@dataclass(frozen=True)
class WorkList:
    slug: str
    title: str
    empty_text: str
    cases: list[Case]

    @property
    def items(self) -> list[WorkItem]:
        follow_up, opened = gettext("follow-up %(day)s"), gettext("opened %(day)s")
        day = date_formatter("MONTH_DAY_FORMAT")
        url = case_url("cases:case-detail")
        return [
            WorkItem(
                url=url(case.ref),
                ref=case.ref,
                unit=case.unit.name,
                follow_up=follow_up % {"day": day(case.next_follow_up)}
                if case.next_follow_up
                else "",
                opened=opened % {"day": day(case.created_at)},
            )
            for case in self.cases
        ]

    @property
    def items_html(self) -> SafeString:
        """The list's lines (`<li>…</li>`) as the template's loop wrote them, every value
        escaped: one `format_html` a line instead of a loop over up to 200."""
        return format_html_join(
            "",
            ITEM_HTML,
            (
                (
                    item.url,
                    item.ref,
                    item.unit,
                    format_html(" · {}", item.follow_up) if item.follow_up else "",
                    item.opened,
                )
                for item in self.items
            ),
        )


ITEM_HTML = '\n    <li><a href="{}">{}</a> · {}{} · {}</li>\n  '
# A reference as Harbor makes them (letters, digits, "-"): a path segment needing no quoting.
PLAIN_REF = re.compile(r"[A-Za-z0-9-]+")


def case_url(name: str) -> Callable[[str], str]:
    """`reverse(name, args=[ref])` for many cases, reversed once: a plain reference is put
    in place of a marker, any other goes through `reverse` itself."""
    marker = "case-ref"
    before, after = reverse(name, args=[marker]).split(marker)

    def url(ref: str) -> str:
        if PLAIN_REF.fullmatch(ref):
            return f"{before}{ref}{after}"
        return reverse(name, args=[ref])

    return url


def first(
    cases: CaseQuerySet, limit: int = LIST_LIMIT, *, only: tuple[str, ...] = ()
) -> list[Case]:
    """The list's first `limit` cases, with their list columns (or `only` these). Thousands
    of open cases may match (every one with a follow-up overdue): the database picks the
    first ones from the narrow rows of the case table alone, and joins the rest to those."""
    chosen = Case.objects.filter(pk__in=cases.values("pk")[:limit]).order_by(*cases.query.order_by)
    if only:
        return list(chosen.select_related("unit").only(*only))
    return list(chosen.with_list_columns())


# What a line of a work list shows (WorkItem).
LINE_COLUMNS = ("ref", "unit__name", "next_follow_up", "created_at")


def work_lists(visible: CaseQuerySet, *, facility: Facility, today: date) -> list[WorkList]:
    open_cases = visible.open()
    # Opened before that day in the facility's time zone: compared as a moment, not as each
    # case's local date, so the database converts no row.
    old_before = timezone.make_aware(
        datetime.combine(today - timedelta(days=facility.open_case_alert_days), time.min)
    )
    spec = [
        (
            "reports",
            _("Required reports not yet logged"),
            _("Every required report has been logged."),
            open_cases.filter(report_outstanding=True).order_by("created_at"),
        ),
        (
            "overdue",
            _("Referral follow-ups overdue"),
            _("No follow-up is overdue."),
            open_cases.filter(next_follow_up__lt=today).order_by("next_follow_up"),
        ),
        (
            "due",
            _("Follow-up visits due"),
            _("No follow-up is due in the next days."),
            open_cases.filter(
                next_follow_up__gte=today,
                next_follow_up__lte=today + timedelta(days=DUE_WITHIN_DAYS),
            ).order_by("next_follow_up"),
        ),
        (
            "long-open",
            _("Open longer than %(days)d days") % {"days": facility.open_case_alert_days},
            _("No case has been open that long."),
            open_cases.filter(created_at__lt=old_before).order_by("created_at"),
        ),
    ]
    return [
        WorkList(slug, str(title), str(empty), first(cases, only=LINE_COLUMNS))
        for slug, title, empty, cases in spec
    ]
