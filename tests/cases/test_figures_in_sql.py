"""The figures counted in the database are the figures counted case by case: every count,
reason and median of every cell, on a data set with every shape a cell can take.

`case_by_case` is the loader the figures had before they were aggregated in SQL (one row per
case, the medians taken in Python); it stays here as the reference.
"""

from __future__ import annotations

import importlib
import pkgutil
import random
import statistics
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.db.models.fields.json import KT
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases import actions, figures
from cases.events import EventKind
from cases.models import Case, CaseEvent, CaseFigures, CaseQuerySet, Unit
from tests.conftest import Personas


def _month(value: datetime) -> str:
    return f"{timezone.localtime(value) if timezone.is_aware(value) else value:%Y-%m}"


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds() / 3600


def case_by_case(cases: CaseQuerySet) -> list[figures.Cell]:  # noqa: C901 - the old loader, as it was
    tz = timezone.get_current_timezone()
    month = TruncMonth("created_at", tzinfo=tz)
    event_month = TruncMonth("case__created_at", tzinfo=tz)

    def has(kind: EventKind) -> Exists:
        return Exists(CaseEvent.objects.filter(case=OuterRef("pk"), kind=kind))

    completed = has(EventKind.SCREENING_COMPLETED)
    cells: dict[tuple[str, str], figures.Cell] = {}

    def cell(at: datetime, unit: str) -> figures.Cell:
        key = (_month(at), unit)
        return cells.setdefault(key, figures.Cell(*key))

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
        counts = dict(row)
        target = cell(counts.pop("month"), counts.pop("unit__name"))
        target.counts.update(counts)

    events = CaseEvent.objects.filter(case__in=cases).annotate(month=event_month)
    names = {str(kind): name for name, kind in figures.COUNTED_EVENTS.items()}
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

    for times in (
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
            reviewed=first(*figures.REVIEW_KINDS),
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


# Kinds a case's timeline gets in the data set, drawn at random; the times between them too.
KINDS = [
    EventKind.SCREENING_COMPLETED,
    EventKind.SCREENING_NOT_SCREENED,
    EventKind.CASE_ESCALATED,
    EventKind.CASE_ESCALATION_RESOLVED,
    EventKind.REVIEW_COMMENTED,
    EventKind.REVIEW_SIGNED_OFF,
    EventKind.SAFETY_ITEM_DONE,
    EventKind.REPORTING_DECISION_RECORDED,
    EventKind.REPORTING_REQUIRED_REPORT_LOGGED,
    EventKind.REFERRAL_OFFERED,
    EventKind.REFERRAL_ACCEPTED,
    EventKind.REFERRAL_CONNECTED,
    EventKind.REFERRAL_DECLINED,
    EventKind.DOCUMENTATION_NOTE_STARTED,
]
REASONS = ["patient_declined", "no_interpreter", "companion_would_not_leave", None]
START = datetime(2026, 1, 31, 22, 0, tzinfo=UTC)  # late on the 31st: local and UTC months differ


@pytest.fixture
def varied(personas: Personas) -> Personas:
    """About 160 cases over three units and four months, cells from 1 to 30 cases; each case
    with 0 to 12 events of the kinds above, at random times before or after its opening (so
    some times run backwards), some at the same minute (ties), referrals several times."""
    rng = random.Random(15)  # noqa: S311 - synthetic data
    icu = Unit.objects.create(facility=personas.facility, name="ICU")
    units = [personas.emergency, personas.maternity, icu]
    for i in range(160):
        unit = units[0] if i % 5 < 3 else units[1 + i % 2]
        opened_at = START + timedelta(
            days=rng.choice([0, 1, 20, 35, 70]), minutes=rng.randint(0, 900)
        )
        case = actions.open_case(
            unit=unit,
            jurisdiction="CA-ON",
            age_years=30,
            preferred_language="en",
            by=personas.supervisor,
        )
        concern = rng.choice([*Case.Concern.values, Case.Concern.values[0]])
        Case.objects.filter(pk=case.pk).update(created_at=opened_at, concern_level=concern)
        for _ in range(rng.randint(0, 12)):
            kind = rng.choice(KINDS)
            payload = {}
            if kind == EventKind.SCREENING_NOT_SCREENED:
                reason = rng.choice(REASONS)
                payload = {"screening": 0} | ({"reason": reason} if reason else {})
            event = CaseEvent.objects.create(
                case=case,
                kind=str(kind),
                by=personas.supervisor,
                summary="x",
                payload=payload,
                at=opened_at + timedelta(minutes=rng.choice([-30, 0, 15, 60, 61, 90, 600, 2000])),
            )
            # What `actions.record_event` does after writing an event (events come in no
            # order of time here, so a first time must move earlier).
            figures.count_event(event)
    return personas


FIGURES_FIELDS = [*figures.COUNTERS, *figures.FIRST_EVENTS]


def case_figures_migration() -> Any:
    """The migration that creates and fills `CaseFigures` (found by name: merges renumber)."""
    import cases.migrations

    (name,) = [
        m.name
        for m in pkgutil.iter_modules(cases.migrations.__path__)
        if m.name.endswith("_case_figures")
    ]
    return importlib.import_module(f"cases.migrations.{name}")


def test_the_migration_fills_the_same_figures_as_the_events_kept(varied: Personas) -> None:
    """Migration 0014 fills `CaseFigures` from the events already written: the same rows as
    `count_event` kept while they were written."""
    kept = {row["case_id"]: row for row in CaseFigures.objects.values("case_id", *FIGURES_FIELDS)}
    assert len(kept) > 100
    CaseFigures.objects.all().delete()
    migration = case_figures_migration()
    migration.backfill(django_apps, SimpleNamespace(connection=connection))
    filled = {row["case_id"]: row for row in CaseFigures.objects.values("case_id", *FIGURES_FIELDS)}
    assert filled == kept


def test_an_event_written_by_an_action_counts_at_once(personas: Personas) -> None:
    case = actions.open_case(
        unit=personas.emergency,
        jurisdiction="CA-ON",
        age_years=30,
        preferred_language="en",
        by=personas.clinician,
    )
    assert not CaseFigures.objects.filter(case=case).exists()  # opening moves no figure
    first = actions.record_event(
        case, EventKind.CASE_ESCALATED, by=personas.clinician, summary="x", payload={}
    )
    actions.record_event(
        case, EventKind.CASE_ESCALATED, by=personas.clinician, summary="x", payload={}
    )
    actions.record_event(
        case, EventKind.REVIEW_SIGNED_OFF, by=personas.supervisor, summary="x", payload={}
    )
    row = CaseFigures.objects.get(case=case)
    assert (row.escalations, row.completed, row.first_escalated) == (2, 0, first.at)
    assert row.first_reviewed is not None and row.first_reviewed >= first.at


def by_cell(cells: list[figures.Cell]) -> dict[tuple[str, str], figures.Cell]:
    return {(c.month, c.unit): c for c in cells}


def scopes(personas: Personas) -> list[CaseQuerySet]:
    every = Case.objects.for_user(personas.supervisor)
    icu = Unit.objects.get(name="ICU")
    return [
        every,
        figures.filtered(every, unit=personas.emergency, since="", until=""),
        figures.filtered(every, unit=icu, since="2026-02", until="2026-03"),
        figures.filtered(every, unit=None, since="2026-02", until="2026-02"),
        Case.objects.for_user(personas.clinician),
        Case.objects.for_user(personas.administrator),
    ]


def test_every_count_reason_and_median_is_the_same_as_case_by_case(varied: Personas) -> None:
    for cases in scopes(varied):
        expected, got = by_cell(case_by_case(cases)), by_cell(figures.load(cases))
        assert got.keys() == expected.keys()
        for key, old in expected.items():
            new = got[key]
            assert {n: new.counts[n] for n, _l in figures.COLUMNS} == {
                n: old.counts[n] for n, _l in figures.COLUMNS
            }, key
            assert +new.reasons == +old.reasons, key
            for name, _label in figures.TIMES:
                values = old.hours[name]
                median = statistics.median(values) if values else None
                assert new.median(name) == (len(values), median), (key, name)


def test_the_pages_figures_are_the_same_as_case_by_case(varied: Personas) -> None:
    shapes = set()
    for cases in scopes(varied):
        result = figures.tabulate(figures.load(cases))
        assert result == figures.tabulate(case_by_case(cases))
        shapes.update(value for row in result.rows for value in row[2:])
    # The data set reaches every kind of shown value: counts, "<5", "*", medians and "—".
    assert {figures.SMALL_LABEL, figures.HIDDEN_LABEL, figures.NO_TIME} <= shapes
    assert any(value.replace(".", "").isdigit() and "." in value for value in shapes)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bench copies in PostgreSQL")
def test_the_benchmarks_copies_keep_each_cases_figures(varied: Personas) -> None:
    """The benchmark multiplies its cases with SQL copies of every table that hangs off a case
    (`bench.copies`): each copy's figures are those of its own events."""
    from bench.copies import case_tables, multiply

    assert CaseFigures in case_tables()
    multiply(2)
    kept = {row["case_id"]: row for row in CaseFigures.objects.values("case_id", *FIGURES_FIELDS)}
    CaseFigures.objects.all().delete()
    migration = case_figures_migration()
    migration.backfill(django_apps, SimpleNamespace(connection=connection))
    filled = {row["case_id"]: row for row in CaseFigures.objects.values("case_id", *FIGURES_FIELDS)}
    assert filled == kept and len(kept) > 300
