"""Figures: counted against a known data set, with the "<5" rule and filter suppression."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from cases import actions, figures
from cases.events import EventKind
from cases.models import AuditEntry, Case, Unit
from tests.conftest import ALL_PERSONAS, Personas

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
F = figures.CaseFacts
H = figures.Happened


@pytest.mark.parametrize(("n", "expected"), [(0, "<5"), (1, "<5"), (4, "<5"), (5, "5"), (12, "12")])
def test_small_counts_are_hidden(n: int, expected: str) -> None:
    assert figures.shown(n) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("Emergency", "Emergency"),
        ("<5", "<5"),
    ],
)
def test_csv_cells_never_start_a_formula(value: str, expected: str) -> None:
    assert figures.csv_safe(value) == expected


def known_cases() -> list[tuple[figures.CaseFacts, list[figures.Happened]]]:
    """Six cases in March on Emergency: five screened (high concern), one not screened; each
    escalated and reviewed 2 h later, first safety action 1 h after opening."""
    data = []
    for i in range(6):
        start = T0 + timedelta(days=i)
        kinds = [
            H(
                EventKind.SCREENING_NOT_SCREENED if i == 5 else EventKind.SCREENING_COMPLETED,
                start,
                "patient_declined" if i == 5 else "",
            ),
            H(EventKind.SAFETY_ITEM_DONE, start + timedelta(hours=1)),
            H(EventKind.CASE_ESCALATED, start + timedelta(hours=1)),
            H(EventKind.REVIEW_SIGNED_OFF, start + timedelta(hours=3)),
            H(EventKind.REFERRAL_OFFERED, start + timedelta(hours=4)),
        ]
        data.append((F("2026-03", "Emergency", "" if i == 5 else "high", start), kinds))
    data.append((F("2026-04", "Maternity", "possible", T0 + timedelta(days=30)), []))
    return data


def test_tabulate_known_data_set() -> None:
    result = figures.tabulate(known_cases())
    assert not result.suppressed and result.total == "7"
    header = figures.header()
    march = dict(zip(header, result.rows[0], strict=True))
    assert march["Month"] == "2026-03" and march["Unit"] == "Emergency"
    assert march["Cases opened"] == "6"
    assert march["Screened"] == "5" and march["Not screened"] == "<5"
    assert march["High concern"] == "5" and march["Escalated"] == "6"
    assert march["Referrals offered"] == "6" and march["Referrals connected"] == "<5"
    assert march["Hours to review (median)"] == "2.0"
    assert march["Hours to first safety action (median)"] == "1.0"
    assert march["Hours from decision to report (median)"] == "—"
    april = dict(zip(header, result.rows[1], strict=True))
    assert april["Cases opened"] == "<5" and april["Hours to review (median)"] == "—"
    assert result.months == [("2026-03", "6"), ("2026-04", "<5")]
    assert result.reasons == [("patient_declined", "<5")]
    bars = figures.bars(result.months)
    assert bars[0].width == 300 and bars[1].width == 0 and bars[1].value == "<5"


def test_fewer_than_five_cases_suppress_everything() -> None:
    result = figures.tabulate(known_cases()[:4])
    assert result.suppressed and result.rows == [] and result.months == []


def open_cases(personas: Personas, unit: Unit, n: int, concern: str) -> None:
    for _ in range(n):
        case = actions.open_case(
            unit=unit,
            jurisdiction="CA-ON",
            age_years=30,
            preferred_language="en",
            by=personas.clinician if unit == personas.emergency else personas.other_clinician,
        )
        Case.objects.filter(pk=case.pk).update(concern_level=concern)


@pytest.fixture
def data_set(personas: Personas) -> Personas:
    open_cases(personas, personas.emergency, 6, "high")
    open_cases(personas, personas.emergency, 3, "possible")
    open_cases(personas, personas.maternity, 5, "possible")
    return personas


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_only_supervisors_read_figures(data_set: Personas, persona: str) -> None:
    response = data_set.client_for(persona).get("/review/figures/")
    expected = {"anonymous": 302, "supervisor": 200}.get(persona, 403)
    assert response.status_code == expected


def test_combined_filters_that_isolate_few_cases_show_nothing(data_set: Personas) -> None:
    client = data_set.client_for("supervisor")
    emergency = client.get(f"/review/figures/?unit={data_set.emergency.pk}").content.decode()
    assert "figures-table" in emergency and "9 cases in all" in emergency
    possible = client.get("/review/figures/?concern=possible").content.decode()
    assert "8 cases in all" in possible
    # Each filter alone leaves 5 or more; together they leave 3 cases: nothing is shown.
    both = client.get(
        f"/review/figures/?unit={data_set.emergency.pk}&concern=possible"
    ).content.decode()
    assert "figures-suppressed" in both and "figures-table" not in both
    csv_text = client.get(
        f"/review/figures.csv?unit={data_set.emergency.pk}&concern=possible"
    ).content.decode()
    assert len(list(csv.reader(io.StringIO(csv_text)))) == 1  # the header alone


@pytest.mark.parametrize(
    ("count", "parents", "expected"),
    [
        (0, [], False),
        (3, [], True),
        (5, [], False),
        (5, [8], True),  # 8 - 5 = 3 cases told apart by difference
        (5, [10], False),
        (5, [5], False),
        (6, [20, 9], True),
        (0, [3], True),
    ],
)
def test_isolates(count: int, parents: list[int], expected: bool) -> None:
    assert figures.isolates(count, parents) is expected


def test_a_combination_that_isolates_by_difference_shows_nothing(data_set: Personas) -> None:
    # "Possible concern" holds 8 cases, Maternity's 5 of them: showing Maternity's would tell
    # Emergency's 3 by subtraction, so nothing is shown.
    page = data_set.client_for("supervisor").get(
        f"/review/figures/?unit={data_set.maternity.pk}&concern=possible"
    )
    assert "figures-suppressed" in page.content.decode()


def test_bad_filter_is_a_400(data_set: Personas) -> None:
    response = data_set.client_for("supervisor").get("/review/figures/?since=not-a-date")
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()


def test_csv_is_audited_and_safe(data_set: Personas) -> None:
    Unit.objects.filter(pk=data_set.maternity.pk).update(name="=HYPERLINK(1)")
    response = data_set.client_for("supervisor").get("/review/figures.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Month", "Unit", "Cases opened"]
    units = {row[1] for row in rows[1:]}
    assert units == {"Emergency", "'=HYPERLINK(1)"}
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.detail == {"what": "figures", "format": "csv"}
    assert entry.user == data_set.supervisor


def test_figures_query_bound(data_set: Personas, django_assert_max_num_queries) -> None:
    client = data_set.client_for("supervisor")
    # Constant in the number of cases (14 here): two reads for the figures, one count.
    with django_assert_max_num_queries(12):
        response = client.get("/review/figures/")
    assert "14 cases in all" in response.content.decode()
