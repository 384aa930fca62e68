"""De-identified figures per month and unit, counted in the database from cases and timelines.

Small numbers identify people, also by subtraction: if "all units" shows 12 cases not screened
and "Emergency" 9, Maternity's 3 are told apart even though Maternity's own cell says "<5". So
every figure is built from *safe cells*:

- a cell is one month of one unit: the filters (unit, first and last month) only ever select
  whole cells, never part of one;
- a cell with fewer than `SMALL` cases counts for nothing, anywhere; within a counted cell, a
  count under `SMALL` shows as "<5" and adds nothing to any total, and where the parts of a
  split (screened / not screened, the concern levels, escalated) would let a count under 5 be
  worked out from the cell's total, the smallest shown part is hidden too ("*");
- so every number shown is a sum of counts of 5 or more, and any two views (a filter set and
  its superset, one month and three) differ by 0 or by 5 or more: nothing can be narrowed below
  5 cases by combining filters. A median time is shown only over 5 cases or more.

Totals can therefore be lower than the true ones; the page says so. `tabulate` is pure (cells
in, what the page shows out); `load` reads the cells with four aggregate queries, whatever the
number of cases.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.db.models.fields.json import KT
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.events import EventKind
from cases.models import Case, CaseEvent, CaseQuerySet, Unit

SMALL = 5
SMALL_LABEL = "<5"
NO_TIME = "—"

REVIEW_KINDS = (
    EventKind.REVIEW_COMMENTED,
    EventKind.REVIEW_RETURNED,
    EventKind.REVIEW_SIGNED_OFF,
    EventKind.CASE_ESCALATION_RESOLVED,
)
# Events counted one by one (a case may have several referrals).
COUNTED_EVENTS: dict[str, EventKind] = {
    "referrals_offered": EventKind.REFERRAL_OFFERED,
    "referrals_accepted": EventKind.REFERRAL_ACCEPTED,
    "referrals_connected": EventKind.REFERRAL_CONNECTED,
    "reports_logged": EventKind.REPORTING_REQUIRED_REPORT_LOGGED,
}

COLUMNS: list[tuple[str, Promise]] = [
    ("opened", _("Cases opened")),
    ("screened", _("Screened")),
    ("not_screened", _("Not screened")),
    ("concern_high", _("High concern")),
    ("concern_possible", _("Possible concern")),
    ("concern_none", _("No concern")),
    ("escalated", _("Escalated")),
    ("referrals_offered", _("Referrals offered")),
    ("referrals_accepted", _("Referrals accepted")),
    ("referrals_connected", _("Referrals connected")),
    ("reports_logged", _("Required reports logged")),
]
TIMES: list[tuple[str, Promise]] = [
    ("to_review", _("Hours to review (median)")),
    ("to_safety", _("Hours to first safety action (median)")),
    ("to_report", _("Hours from decision to report (median)")),
]

# The reasons the screening gate offers (screening/content/gate.json), in the reader's language;
# a test keeps the two lists the same. A code not listed shows as itself.
REASON_LABELS: dict[str, Promise] = {
    "companion_would_not_leave": _("Companion would not leave the patient alone"),
    "no_interpreter": _("No professional interpreter available"),
    "patient_declined": _("Patient declined to talk"),
    "clinically_unstable": _("Patient clinically unstable"),
    "other": _("Other reason"),
    "unknown": _("No reason recorded"),
}


def reason_label(code: str) -> str:
    label = REASON_LABELS.get(code)
    return str(label) if label is not None else code


@dataclass
class Cell:
    """One month of one unit: counts, and the hours behind each median. No case in it is named."""

    month: str
    unit: str
    counts: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    hours: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    @property
    def counted(self) -> bool:
        return self.counts["opened"] >= SMALL


def safe(value: int) -> int:
    """What a cell's count adds to any figure: itself from 5 up, else nothing."""
    return value if value >= SMALL else 0


# Columns that split a cell's cases into parts. The cell's total is shown, so the parts left
# unshown can be worked out by subtraction (7 cases, 5 screened: 2 were not, whatever "<5"
# says). Each split has a part never shown (neither screened nor recorded as not screened; not
# assessed; not escalated).
PARTITIONS: tuple[tuple[str, ...], ...] = (
    ("screened", "not_screened"),
    ("concern_high", "concern_possible", "concern_none"),
    ("escalated",),
)
HIDDEN_LABEL = "*"


def visible_counts(cell: Cell) -> tuple[dict[str, int | None], set[str]]:
    """A counted cell's columns as they may be shown (None: not shown), and which of them are
    hidden although 5 or more ("*"): within each split, what is not shown adds up to 0 or to 5
    or more, so no count under 5 follows from the cell's total."""
    counts = cell.counts
    visible: dict[str, int | None] = {
        name: counts[name] if counts[name] >= SMALL else None for name, _label in COLUMNS
    }
    hidden_too: set[str] = set()
    for parts in PARTITIONS:
        while True:
            unshown = counts["opened"] - sum(visible[part] or 0 for part in parts)
            candidates = [part for part in parts if visible[part] is not None]
            if not 0 < unshown < SMALL or not candidates:
                break
            smallest = min(candidates, key=lambda part: (visible[part], part))
            visible[smallest] = None
            hidden_too.add(smallest)
    return visible, hidden_too


def cell_text(value: int | None, hidden: bool) -> str:
    if hidden:
        return HIDDEN_LABEL
    return SMALL_LABEL if value is None else str(value)


def shown(count: int) -> str:
    """A sum of safe counts: 0 means "none that may be shown"."""
    return SMALL_LABEL if count < SMALL else str(count)


def shown_hours(values: list[float]) -> str:
    if len(values) < SMALL:
        return NO_TIME
    return f"{statistics.median(values):.1f}"


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds() / 3600


@dataclass(frozen=True)
class Bar:
    """One bar of a server-drawn SVG chart; a "<5" draws no bar, only its label."""

    label: str
    value: str
    y: int
    width: int


def bars(items: list[tuple[str, str]], *, max_width: int = 300, step: int = 28) -> list[Bar]:
    numbers = [int(v) for _label, v in items if v != SMALL_LABEL]
    top = max(numbers, default=1)
    return [
        Bar(
            label,
            value,
            i * step,
            0 if value == SMALL_LABEL else round(max_width * int(value) / top),
        )
        for i, (label, value) in enumerate(items)
    ]


@dataclass(frozen=True)
class Figures:
    """What the page and the CSV show. `suppressed`: no cell of 5 cases or more is selected."""

    suppressed: bool
    total: str
    rows: list[list[str]]
    months: list[tuple[str, str]]
    """(month, cases opened shown), for the chart."""
    reasons: list[tuple[str, str, str]]
    """(reason code, its label, count shown): why cases were not screened."""
    never_asked_percent: str
    left_out: bool = False
    """Whether some cases were not counted (a cell, or a count, under 5)."""


SUPPRESSED = Figures(True, SMALL_LABEL, [], [], [], NO_TIME)


def tabulate(cells: list[Cell]) -> Figures:
    """The figures of these cells, every number a sum of safe counts (module docstring)."""
    counted = [cell for cell in cells if cell.counted]
    total = sum(cell.counts["opened"] for cell in counted)
    if total == 0:
        return SUPPRESSED
    visible = {id(cell): visible_counts(cell) for cell in counted}
    left_out = len(counted) < len(cells) or any(
        value is None and cell.counts[name] > 0
        for cell in counted
        for name, value in visible[id(cell)][0].items()
    )
    rows = []
    for cell in sorted(cells, key=lambda c: (c.month, c.unit)):
        values, hidden_too = visible.get(id(cell), ({}, set()))
        rows.append(
            [cell.month, cell.unit]
            + [cell_text(values.get(name), name in hidden_too) for name, _label in COLUMNS]
            + [shown_hours(cell.hours[name] if cell.counted else []) for name, _label in TIMES]
        )
    per_month: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for cell in counted:
        per_month[cell.month] += cell.counts["opened"]
        for code, n in cell.reasons.items():
            reasons[code] += safe(n)
    months = sorted({cell.month for cell in cells})
    not_screened = sum(visible[id(cell)][0]["not_screened"] or 0 for cell in counted)
    return Figures(
        suppressed=False,
        total=shown(total),
        rows=rows,
        months=[(month, shown(per_month[month])) for month in months],
        reasons=[(code, reason_label(code), shown(n)) for code, n in reasons.most_common() if n],
        never_asked_percent=f"{round(100 * not_screened / total)} %" if not_screened else NO_TIME,
        left_out=left_out,
    )


def _month(value: datetime) -> str:
    return f"{timezone.localtime(value) if timezone.is_aware(value) else value:%Y-%m}"


def load(cases: CaseQuerySet) -> list[Cell]:
    """The cells of these cases: four GROUP BY queries, however many cases there are."""
    tz = timezone.get_current_timezone()
    month = TruncMonth("created_at", tzinfo=tz)
    event_month = TruncMonth("case__created_at", tzinfo=tz)

    def has(kind: EventKind) -> Exists:
        return Exists(CaseEvent.objects.filter(case=OuterRef("pk"), kind=kind))

    completed = has(EventKind.SCREENING_COMPLETED)
    cells: dict[tuple[str, str], Cell] = {}

    def cell(at: datetime, unit: str) -> Cell:
        key = (_month(at), unit)
        return cells.setdefault(key, Cell(*key))

    for row in (
        cases.annotate(month=month)
        .values("month", "unit__name")
        .annotate(
            opened=Count("pk"),
            screened=Count("pk", filter=Q(completed)),
            not_screened=Count(
                "pk", filter=Q(has(EventKind.SCREENING_NOT_SCREENED)) & ~Q(completed)
            ),
            concern_high=Count("pk", filter=Q(concern_level=Case.Concern.HIGH)),
            concern_possible=Count("pk", filter=Q(concern_level=Case.Concern.POSSIBLE)),
            concern_none=Count("pk", filter=Q(concern_level=Case.Concern.NONE)),
            escalated=Count("pk", filter=Q(has(EventKind.CASE_ESCALATED))),
        )
        .order_by()
    ):
        counts: dict[str, Any] = dict(row)
        target = cell(counts.pop("month"), counts.pop("unit__name"))
        target.counts.update(counts)

    events = CaseEvent.objects.filter(case__in=cases).annotate(month=event_month)
    names = {str(kind): name for name, kind in COUNTED_EVENTS.items()}
    for by_kind in (
        events.filter(kind__in=list(names))
        .values("month", "case__unit__name", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        target = cell(by_kind["month"], by_kind["case__unit__name"])
        target.counts[names[by_kind["kind"]]] += by_kind["n"]

    for by_reason in (
        events.filter(kind=EventKind.SCREENING_NOT_SCREENED)
        .annotate(reason=KT("payload__reason"))
        .values("month", "case__unit__name", "reason")
        .annotate(n=Count("case", distinct=True))
        .order_by()
    ):
        target = cell(by_reason["month"], by_reason["case__unit__name"])
        target.reasons[by_reason["reason"] or "unknown"] += by_reason["n"]

    def first(*kinds: EventKind) -> Min:
        return Min("events__at", filter=Q(events__kind__in=kinds))

    # The times: one aggregated row per case that has any of them; the medians are taken here.
    for times in (
        # Exists, not a join: a filtered join would also filter the MINs below.
        cases.filter(
            Exists(
                CaseEvent.objects.filter(
                    case=OuterRef("pk"),
                    kind__in=[
                        EventKind.CASE_ESCALATED,
                        EventKind.SAFETY_ITEM_DONE,
                        EventKind.REPORTING_DECISION_RECORDED,
                    ],
                )
            )
        )
        .values("pk", "created_at", "unit__name")
        .annotate(
            escalated=first(EventKind.CASE_ESCALATED),
            reviewed=first(*REVIEW_KINDS),
            safety=first(EventKind.SAFETY_ITEM_DONE),
            decision=first(EventKind.REPORTING_DECISION_RECORDED),
            report=first(EventKind.REPORTING_REQUIRED_REPORT_LOGGED),
        )
        .order_by()
    ):
        target = cell(times["created_at"], times["unit__name"])
        for name, start, end in (
            ("to_review", times["escalated"], times["reviewed"]),
            ("to_safety", times["created_at"], times["safety"]),
            ("to_report", times["decision"], times["report"]),
        ):
            hours = _hours(start, end)
            if hours is not None:
                target.hours[name].append(hours)
    return list(cells.values())


def header() -> list[str]:
    return [gettext("Month"), gettext("Unit")] + [str(label) for _n, label in COLUMNS + TIMES]


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """A spreadsheet must not run a cell as a formula (a unit named "=HYPERLINK(…)")."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def to_csv(figures: Figures) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_safe(cell) for cell in header()])
    for row in figures.rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return out.getvalue()


def month_bounds(since: str, until: str) -> Q:
    """Whole months only, so a filter never cuts a cell (see the module docstring)."""
    condition = Q()
    if since:
        year, month = map(int, since.split("-"))
        condition &= Q(
            created_at__gte=datetime(year, month, 1, tzinfo=timezone.get_current_timezone())
        )
    if until:
        year, month = map(int, until.split("-"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        condition &= Q(
            created_at__lt=datetime(year, month, 1, tzinfo=timezone.get_current_timezone())
        )
    return condition


def filtered(cases: CaseQuerySet, *, unit: Unit | None, since: str, until: str) -> CaseQuerySet:
    if unit:
        cases = cases.filter(unit=unit)
    return cases.filter(month_bounds(since, until))
