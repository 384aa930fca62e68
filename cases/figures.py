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
in, what the page shows out); `load` reads the cells with two aggregate queries, whatever the
number of cases, and no case's row leaves the database (medians included). What a case's
timeline tells the figures is kept, one row per case, in `CaseFigures` as its events are
written (`count_event`), so the figures read one row per case, not every event.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Q
from django.db.models.fields.json import KT
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.events import EventKind
from cases.models import Case, CaseEvent, CaseFigures, CaseQuerySet, Unit

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
    """Every case's hours, where a caller has them (tests); `load` fills `medians` instead."""
    medians: dict[str, tuple[int, float]] = field(default_factory=dict)
    """For each time: over how many cases, and their median, as the database took it."""

    @property
    def counted(self) -> bool:
        return self.counts["opened"] >= SMALL

    def median(self, name: str) -> tuple[int, float | None]:
        """Over how many cases the time `name` is taken, and its median (None: no case)."""
        if name in self.medians:
            return self.medians[name]
        values = self.hours[name]
        return len(values), statistics.median(values) if values else None


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


def shown_hours(cell: Cell, name: str) -> str:
    """A median time of a counted cell, over 5 cases or more."""
    n, median = cell.median(name)
    if not cell.counted or n < SMALL or median is None:
        return NO_TIME
    return f"{median:.1f}"


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
            + [shown_hours(cell, name) for name, _label in TIMES]
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


# Kinds read from the timeline, and what each tells of its case.
FLAG_EVENTS: dict[str, EventKind] = {
    "completed": EventKind.SCREENING_COMPLETED,
    "declared_not_screened": EventKind.SCREENING_NOT_SCREENED,
    "escalations": EventKind.CASE_ESCALATED,
}
FIRST_EVENTS: dict[str, tuple[EventKind, ...]] = {
    "first_escalated": (EventKind.CASE_ESCALATED,),
    "first_reviewed": REVIEW_KINDS,
    "first_safety": (EventKind.SAFETY_ITEM_DONE,),
    "first_decision": (EventKind.REPORTING_DECISION_RECORDED,),
    "first_report": (EventKind.REPORTING_REQUIRED_REPORT_LOGGED,),
}
# Each time: from when, to when, by the names above ("created_at": the case's opening).
TIME_SPANS: dict[str, tuple[str, str]] = {
    "to_review": ("first_escalated", "first_reviewed"),
    "to_safety": ("created_at", "first_safety"),
    "to_report": ("first_decision", "first_report"),
}
CONCERNS = {
    "concern_high": Case.Concern.HIGH,
    "concern_possible": Case.Concern.POSSIBLE,
    "concern_none": Case.Concern.NONE,
}


COUNTERS: tuple[str, ...] = (*FLAG_EVENTS, *COUNTED_EVENTS)
# Which of a case's figures (`CaseFigures`) an event of each kind moves: the counters it adds
# one to, the first times it may set.
MOVES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    str(kind): (
        tuple(name for name, k in {**FLAG_EVENTS, **COUNTED_EVENTS}.items() if k == kind),
        tuple(name for name, group in FIRST_EVENTS.items() if kind in group),
    )
    for kind in {
        *FLAG_EVENTS.values(),
        *COUNTED_EVENTS.values(),
        *(kind for group in FIRST_EVENTS.values() for kind in group),
    }
}


def count_event(event: CaseEvent) -> None:
    """Add a new timeline event to its case's figures, in the event's transaction
    (`actions.record_event` calls it): one INSERT … ON CONFLICT DO UPDATE, so the first event
    of two at once on a case cannot both insert. Counters move by one in the database and a
    first time only ever moves earlier, so concurrent events of one case add up."""
    counters, firsts = MOVES.get(event.kind, ((), ()))
    if not counters and not firsts:
        return
    q = connection.ops.quote_name
    table = q(CaseFigures._meta.db_table)
    at = connection.ops.adapt_datetimefield_value(event.at)
    names = [*COUNTERS, *FIRST_EVENTS]
    values: list[Any] = [int(name in counters) for name in COUNTERS]
    values += [at if name in firsts else None for name in FIRST_EVENTS]
    moves = [f"{q(name)} = {table}.{q(name)} + 1" for name in counters]
    moves += [
        f"{q(name)} = CASE WHEN {table}.{q(name)} IS NULL OR {table}.{q(name)} > "
        f"excluded.{q(name)} THEN excluded.{q(name)} ELSE {table}.{q(name)} END"
        for name in firsts
    ]
    # Only the models' own names are joined here; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({q('case_id')}, {', '.join(q(n) for n in names)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * (len(names) + 1))}) "
        f"ON CONFLICT ({q('case_id')}) DO UPDATE SET {', '.join(moves)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [event.case_id, *values])


def _cells_sql(cases: CaseQuerySet) -> tuple[str, tuple[Any, ...]]:
    """One statement for every count and time of every cell: the cases (month, unit,
    concern), joined to their figures (`CaseFigures`), then grouped per cell. A median is
    read as the one or two middle times of its cell (an ordered aggregate on PostgreSQL,
    window functions elsewhere), so no case's row leaves the database.

    The two inner queries are the ORM's own SQL (its month in the current time zone), the
    time spans use the backend's own datetime subtraction, and only the grouping around them
    is written here, in SQL that SQLite and PostgreSQL both run."""
    tz = timezone.get_current_timezone()
    per_case = (
        cases.order_by()
        .annotate(cell_month=TruncMonth("created_at", tzinfo=tz), cell_unit=F("unit__name"))
        .values("cell_month", "cell_unit", "concern_level", "created_at", case_pk=F("pk"))
    )
    cases_sql, cases_params = per_case.query.sql_with_params()
    figures_sql, figures_params = (
        CaseFigures.objects.values("case_id", *COUNTERS, *FIRST_EVENTS)
        .order_by()
        .query.sql_with_params()
    )
    q = connection.ops.quote_name

    def column(name: str) -> str:
        return f"c.{q(name)}" if name == "created_at" else f"e.{q(name)}"

    spans = []
    for t, (start, end) in TIME_SPANS.items():
        span, _none = connection.ops.subtract_temporals(
            "DateTimeField", (column(end), ()), (column(start), ())
        )
        spans.append(f"CASE WHEN {column(end)} >= {column(start)} THEN {span} END AS {t}")
    counts = [*FLAG_EVENTS, *COUNTED_EVENTS]
    joined = ", ".join(
        [
            "c.cell_month",
            "c.cell_unit",
            "c.concern_level",
            *(f"COALESCE(e.{q(name)}, 0) AS {name}" for name in counts),
            *spans,
        ]
    )
    columns = [
        "COUNT(*) AS opened",
        "COUNT(*) FILTER (WHERE completed > 0) AS screened",
        "COUNT(*) FILTER (WHERE declared_not_screened > 0 AND completed = 0) AS not_screened",
        *(f"COUNT(*) FILTER (WHERE concern_level = %s) AS {name}" for name in CONCERNS),
        "COUNT(*) FILTER (WHERE escalations > 0) AS escalated",
        *(f"SUM({name}) AS {name}" for name in COUNTED_EVENTS),
    ]
    # Only fixed names and the ORM's compiled SQL are joined here; every value is a parameter.
    rows = (
        f"SELECT {joined} FROM ({cases_sql}) c "  # noqa: S608
        f"LEFT JOIN ({figures_sql}) e ON e.case_id = c.case_pk"
    )
    # Sorted times 1..n: the median is the mean of positions (n + 1) / 2 and n / 2 + 1 (the
    # same one when n is odd), in integer division.
    if connection.vendor == "postgresql":
        # Each cell's times sorted in an ordered aggregate: a third of the cost of ranking
        # every case with window functions, here.
        for t in TIME_SPANS:
            ordered = f"(ARRAY_AGG({t} ORDER BY {t}) FILTER (WHERE {t} IS NOT NULL))"
            columns += [
                f"COUNT({t}) AS n_{t}",
                f"{ordered}[(COUNT({t}) + 1) / 2] AS low_{t}",
                f"{ordered}[COUNT({t}) / 2 + 1] AS high_{t}",
            ]
    else:
        cell = "PARTITION BY cell_month, cell_unit"
        ranks = ", ".join(
            f"ROW_NUMBER() OVER ({cell} ORDER BY {t} IS NULL, {t}) AS rank_{t}, "
            f"COUNT({t}) OVER ({cell}) AS n_{t}"
            for t in TIME_SPANS
        )
        rows = f"SELECT *, {ranks} FROM ({rows}) per_case"  # noqa: S608 - as above
        for t in TIME_SPANS:
            columns += [
                f"MAX(n_{t}) AS n_{t}",
                f"MIN(CASE WHEN rank_{t} = (n_{t} + 1) / 2 THEN {t} END) AS low_{t}",
                f"MAX(CASE WHEN rank_{t} = n_{t} / 2 + 1 THEN {t} END) AS high_{t}",
            ]
    sql = (
        f"SELECT cell_month, cell_unit, {', '.join(columns)} "  # noqa: S608
        f"FROM ({rows}) cell_rows GROUP BY cell_month, cell_unit"
    )
    concerns = tuple(str(level) for level in CONCERNS.values())
    return sql, (*concerns, *cases_params, *figures_params)


def _duration(value: timedelta | int | None) -> timedelta | None:
    # PostgreSQL returns an interval; SQLite, which has none, Django's microseconds.
    return timedelta(microseconds=value) if isinstance(value, int) else value


def load(cases: CaseQuerySet) -> list[Cell]:
    """The cells of these cases: two aggregate queries, however many cases there are."""
    try:
        sql, params = _cells_sql(cases)
    except EmptyResultSet:  # no case may be read (`for_user` gave none())
        return []
    cells: dict[tuple[str, str], Cell] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            # A month is a datetime on PostgreSQL, "YYYY-MM-DD HH:MM:SS" on SQLite.
            key = (str(row["cell_month"])[:7], row["cell_unit"])
            target = cells[key] = Cell(*key)
            target.counts.update({name: row[name] or 0 for name, _label in COLUMNS if name in row})
            for t in TIME_SPANS:
                low, high = _duration(row[f"low_{t}"]), _duration(row[f"high_{t}"])
                if low is not None and high is not None:
                    middle = [low.total_seconds() / 3600, high.total_seconds() / 3600]
                    target.medians[t] = (row[f"n_{t}"], statistics.median(middle))

    month = TruncMonth("case__created_at", tzinfo=timezone.get_current_timezone())
    for by_reason in (
        CaseEvent.objects.filter(case__in=cases, kind=EventKind.SCREENING_NOT_SCREENED)
        .annotate(month=month, reason=KT("payload__reason"))
        .values("month", "case__unit__name", "reason")
        .annotate(n=Count("case", distinct=True))
        .order_by()
    ):
        key = (_month(by_reason["month"]), by_reason["case__unit__name"])
        target = cells.setdefault(key, Cell(*key))
        target.reasons[by_reason["reason"] or "unknown"] += by_reason["n"]
    return list(cells.values())


def _month(value: datetime) -> str:
    return f"{timezone.localtime(value) if timezone.is_aware(value) else value:%Y-%m}"


def table_body(figures: Figures) -> SafeString:
    """The table's rows (`<tr><td>…</td>…</tr>`), every cell escaped: one `format_html` a row
    (a template loop over 16 cells of 72 rows and more was most of the page's rendering)."""
    row = "<tr>" + "<td>{}</td>" * (2 + len(COLUMNS) + len(TIMES)) + "</tr>"
    return format_html_join("", row, figures.rows)


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
