"""A supervisor's work lists, read from the case's summary fields alone (one query a list)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

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


def work_lists(visible: CaseQuerySet, *, facility: Facility, today: date) -> list[WorkList]:
    open_cases = visible.open().with_list_columns()
    old_before = today - timedelta(days=facility.open_case_alert_days)
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
            open_cases.filter(created_at__date__lt=old_before).order_by("created_at"),
        ),
    ]
    return [
        WorkList(slug, str(title), str(empty), list(cases[:LIST_LIMIT]))
        for slug, title, empty, cases in spec
    ]
