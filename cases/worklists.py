"""A supervisor's work lists, read from the case's summary fields alone (one query a list)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseQuerySet, Facility

LIST_LIMIT = 50
# A follow-up is "due" from today to this many days ahead; before today it is overdue.
DUE_WITHIN_DAYS = 2


@dataclass(frozen=True)
class WorkList:
    slug: str
    title: str
    empty_text: str
    cases: list[Case]


def first(cases: CaseQuerySet) -> list[Case]:
    """The list's first `LIST_LIMIT` cases, with their list columns. Thousands of open cases
    may match (every one with a follow-up overdue): the database picks the first ones from
    the narrow rows of the case table alone, and joins units and people to those only."""
    chosen = cases.values("pk")[:LIST_LIMIT]
    return list(
        Case.objects.filter(pk__in=chosen).with_list_columns().order_by(*cases.query.order_by)
    )


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
        WorkList(slug, str(title), str(empty), first(cases)) for slug, title, empty, cases in spec
    ]
