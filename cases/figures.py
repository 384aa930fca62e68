"""De-identified figures per month and unit, read from the cases and their timelines.

Small numbers identify people. Two rules keep every figure safe:

- a count under `SMALL` shows as "<5" (and a time is shown only over `SMALL` cases or more);
- a filter combination that leaves fewer than `SMALL` cases shows no figure at all, so nobody
  can narrow the figures down to a handful of patients by stacking filters.

`tabulate` is pure (a list of cases and their events in, rows out); `load` reads the database in
two queries.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.events import EventKind
from cases.models import CaseEvent, CaseQuerySet

SMALL = 5
SMALL_LABEL = "<5"

COUNTED_KINDS = frozenset(
    {
        EventKind.SCREENING_COMPLETED,
        EventKind.SCREENING_NOT_SCREENED,
        EventKind.CASE_ESCALATED,
        EventKind.REVIEW_COMMENTED,
        EventKind.REVIEW_RETURNED,
        EventKind.REVIEW_SIGNED_OFF,
        EventKind.CASE_ESCALATION_RESOLVED,
        EventKind.SAFETY_ITEM_DONE,
        EventKind.REFERRAL_OFFERED,
        EventKind.REFERRAL_ACCEPTED,
        EventKind.REFERRAL_CONNECTED,
        EventKind.REPORTING_DECISION_RECORDED,
        EventKind.REPORTING_REQUIRED_REPORT_LOGGED,
    }
)
REVIEW_KINDS = frozenset(
    {
        EventKind.REVIEW_COMMENTED,
        EventKind.REVIEW_RETURNED,
        EventKind.REVIEW_SIGNED_OFF,
        EventKind.CASE_ESCALATION_RESOLVED,
    }
)


@dataclass(frozen=True)
class CaseFacts:
    """What the figures need of one case: no identifier, no free text."""

    month: str
    unit: str
    concern: str
    created_at: datetime


@dataclass(frozen=True)
class Happened:
    kind: str
    at: datetime
    reason: str = ""


@dataclass
class Row:
    month: str
    unit: str
    counts: Counter[str] = field(default_factory=Counter)
    hours: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))


COLUMNS: list[tuple[str, object]] = [
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
TIMES: list[tuple[str, object]] = [
    ("to_review", _("Hours to review (median)")),
    ("to_safety", _("Hours to first safety action (median)")),
    ("to_report", _("Hours from decision to report (median)")),
]


def shown(count: int) -> str:
    return SMALL_LABEL if count < SMALL else str(count)


def shown_hours(values: list[float]) -> str:
    if len(values) < SMALL:
        return "—"
    return f"{statistics.median(values):.1f}"


def _hours(start: datetime, end: datetime) -> float:
    return max((end - start).total_seconds(), 0) / 3600


def add_case(row: Row, facts: CaseFacts, happened: list[Happened]) -> None:
    """Count one case and its timeline (oldest first) into its month and unit's row."""
    kinds = Counter(h.kind for h in happened)
    row.counts["opened"] += 1
    if kinds[EventKind.SCREENING_COMPLETED]:
        row.counts["screened"] += 1
    elif kinds[EventKind.SCREENING_NOT_SCREENED]:
        row.counts["not_screened"] += 1
    if facts.concern:
        row.counts[f"concern_{facts.concern}"] += 1
    if kinds[EventKind.CASE_ESCALATED]:
        row.counts["escalated"] += 1
    row.counts["referrals_offered"] += kinds[EventKind.REFERRAL_OFFERED]
    row.counts["referrals_accepted"] += kinds[EventKind.REFERRAL_ACCEPTED]
    row.counts["referrals_connected"] += kinds[EventKind.REFERRAL_CONNECTED]
    row.counts["reports_logged"] += kinds[EventKind.REPORTING_REQUIRED_REPORT_LOGGED]
    first = _first_times(happened)
    if "escalated" in first and "reviewed" in first:
        row.hours["to_review"].append(_hours(first["escalated"], first["reviewed"]))
    if "safety" in first:
        row.hours["to_safety"].append(_hours(facts.created_at, first["safety"]))
    if "decision" in first and "report" in first:
        row.hours["to_report"].append(_hours(first["decision"], first["report"]))


def _first_times(happened: list[Happened]) -> dict[str, datetime]:
    first: dict[str, datetime] = {}
    for h in happened:
        if h.kind == EventKind.CASE_ESCALATED:
            first.setdefault("escalated", h.at)
        elif h.kind in REVIEW_KINDS and "escalated" in first:
            first.setdefault("reviewed", h.at)
        elif h.kind == EventKind.SAFETY_ITEM_DONE:
            first.setdefault("safety", h.at)
        elif h.kind == EventKind.REPORTING_DECISION_RECORDED:
            first.setdefault("decision", h.at)
        elif h.kind == EventKind.REPORTING_REQUIRED_REPORT_LOGGED and "decision" in first:
            first.setdefault("report", h.at)
    return first


@dataclass(frozen=True)
class Bar:
    """One bar of a server-drawn SVG chart; a count under SMALL draws no bar, only "<5"."""

    label: str
    value: str
    y: int
    width: int


def bars(months: list[tuple[str, str]], *, max_width: int = 300, step: int = 28) -> list[Bar]:
    numbers = [int(v) for _m, v in months if v != SMALL_LABEL]
    top = max(numbers, default=1)
    return [
        Bar(
            month,
            value,
            i * step,
            0 if value == SMALL_LABEL else round(max_width * int(value) / top),
        )
        for i, (month, value) in enumerate(months)
    ]


@dataclass(frozen=True)
class Figures:
    """What the page and the CSV show. `suppressed` means the filters leave too few cases."""

    suppressed: bool
    total: str
    rows: list[list[str]]
    months: list[tuple[str, str]]
    """(month, cases opened shown) for the chart."""
    reasons: list[tuple[str, str]]
    """(reason code, count shown): why cases were not screened."""
    never_asked_percent: str


SUPPRESSED = Figures(True, SMALL_LABEL, [], [], [], "—")


def tabulate(cases: Iterable[tuple[CaseFacts, list[Happened]]]) -> Figures:
    rows: dict[tuple[str, str], Row] = {}
    per_month: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    total = 0
    for facts, happened in cases:
        total += 1
        key = (facts.month, facts.unit)
        row = rows.setdefault(key, Row(facts.month, facts.unit))
        add_case(row, facts, happened)
        per_month[facts.month] += 1
        for h in happened:
            if h.kind == EventKind.SCREENING_NOT_SCREENED:
                reasons[h.reason or "unknown"] += 1
                break
    if total < SMALL:
        return SUPPRESSED
    table = [
        [row.month, row.unit]
        + [shown(row.counts[name]) for name, _label in COLUMNS]
        + [shown_hours(row.hours[name]) for name, _label in TIMES]
        for _key, row in sorted(rows.items())
    ]
    not_screened = sum(r.counts["not_screened"] for r in rows.values())
    return Figures(
        suppressed=False,
        total=shown(total),
        rows=table,
        months=[(month, shown(n)) for month, n in sorted(per_month.items())],
        reasons=[(reason, shown(n)) for reason, n in reasons.most_common()],
        never_asked_percent=f"{round(100 * not_screened / total)} %"
        if not_screened >= SMALL
        else "—",
    )


def load(cases: CaseQuerySet) -> list[tuple[CaseFacts, list[Happened]]]:
    """The facts of these cases and their counted events, in two queries."""
    facts: dict[int, CaseFacts] = {}
    for pk, unit, concern, created_at in cases.values_list(
        "pk", "unit__name", "concern_level", "created_at"
    ):
        local = timezone.localtime(created_at)
        facts[pk] = CaseFacts(f"{local:%Y-%m}", unit, concern, created_at)
    happened: dict[int, list[Happened]] = defaultdict(list)
    for case_id, kind, at, payload in (
        CaseEvent.objects.filter(case__in=cases, kind__in=COUNTED_KINDS)
        .order_by("at", "pk")
        .values_list("case_id", "kind", "at", "payload")
    ):
        reason = payload.get("reason", "") if kind == EventKind.SCREENING_NOT_SCREENED else ""
        happened[case_id].append(Happened(kind, at, str(reason)))
    return [(f, happened[pk]) for pk, f in facts.items()]


def header() -> list[str]:
    return [str(_("Month")), str(_("Unit"))] + [str(label) for _n, label in COLUMNS + TIMES]


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


def isolates(count: int, parents: list[int]) -> bool:
    """Whether a filter combination could single out fewer than SMALL cases: by itself, or by
    difference — the cases that one filter removes from the combination without it (e.g. "all
    units, possible concern" minus "Maternity, possible concern" is Emergency's)."""
    if 0 < count < SMALL:
        return True
    return any(0 < parent - count < SMALL for parent in parents)


def filtered(cases: CaseQuerySet, *, unit: Any, concern: str, since: Any) -> CaseQuerySet:
    if unit:
        cases = cases.filter(unit=unit)
    if concern:
        cases = cases.filter(concern_level=concern if concern != "unassessed" else "")
    if since:
        cases = cases.filter(created_at__date__gte=since)
    return cases
