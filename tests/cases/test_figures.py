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


def cell(month: str, unit: str, **counts: int) -> figures.Cell:
    c = figures.Cell(month, unit)
    c.counts.update(counts)
    return c


def known_cells() -> list[figures.Cell]:
    """March: Emergency 7 cases (5 screened, 2 not), Maternity 6 (all screened), ICU 3.
    April: Emergency 5. Hours to review over March Emergency's 7 escalations."""
    march_er = cell(
        "2026-03",
        "Emergency",
        opened=7,
        screened=5,
        not_screened=2,
        concern_high=5,
        concern_possible=2,
        escalated=7,
        referrals_offered=9,
        referrals_connected=3,
    )
    march_er.reasons.update({"patient_declined": 2})
    march_er.hours["to_review"] = [1, 2, 2, 3, 10, 4, 2]
    march_er.hours["to_safety"] = [1, 1, 1, 1]
    march_mat = cell("2026-03", "Maternity", opened=6, screened=6, concern_none=6)
    march_icu = cell("2026-03", "ICU", opened=3, screened=3, escalated=3)
    march_icu.reasons.update({"no_interpreter": 1})
    april_er = cell("2026-04", "Emergency", opened=5, not_screened=5, concern_possible=5)
    april_er.reasons.update({"companion_would_not_leave": 5})
    return [march_er, march_mat, march_icu, april_er]


def test_tabulate_known_data_set() -> None:
    result = figures.tabulate(known_cells())
    # ICU's 3 cases count nowhere: 7 + 6 + 5.
    assert not result.suppressed and result.total == "18" and result.left_out
    header = figures.header()
    rows = {(row[0], row[1]): dict(zip(header, row, strict=True)) for row in result.rows}
    er = rows[("2026-03", "Emergency")]
    # 5 of 7 screened would tell that 2 were not: both are hidden, the 5 as "*".
    assert er["Cases opened"] == "7" and er["Screened"] == "*" and er["Not screened"] == "<5"
    assert er["High concern"] == "*" and er["Possible concern"] == "<5"
    assert er["Escalated"] == "7" and er["Referrals offered"] == "9"
    assert er["Referrals connected"] == "<5"
    assert er["Hours to review (median)"] == "2.0"
    assert er["Hours to first safety action (median)"] == "—"  # 4 values: too few
    icu = rows[("2026-03", "ICU")]
    assert {icu[name] for name in header[2:-3]} == {"<5"}
    assert rows[("2026-04", "Emergency")]["Not screened"] == "5"
    # March counts Emergency's 7 and Maternity's 6, never ICU's 3.
    assert result.months == [("2026-03", "13"), ("2026-04", "5")]
    # Only the April reason reaches 5 in a counted cell; labels, not codes.
    assert result.reasons == [
        ("companion_would_not_leave", "Companion would not leave the patient alone", "5")
    ]
    assert result.never_asked_percent == "28 %"  # 5 of 18
    chart = figures.bars(result.months)
    assert chart[0].width == 300 and chart[1].value == "5"


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # (opened, screened, not screened) → what the two columns show.
        ((7, 7, 0), ("7", "<5")),  # nothing left over
        ((7, 5, 2), ("*", "<5")),  # 5 shown would tell the 2
        ((7, 5, 0), ("*", "<5")),  # 2 neither screened nor not: same
        ((10, 5, 5), ("5", "5")),
        ((12, 5, 5), ("5", "*")),  # 2 left over: one part of 5 is hidden with them
        ((15, 5, 5), ("5", "5")),  # 5 left over: safe
        ((9, 6, 3), ("*", "<5")),
    ],
)
def test_a_split_never_lets_a_small_count_follow_from_the_total(
    counts: tuple[int, int, int], expected: tuple[str, str]
) -> None:
    opened, screened, not_screened_ = counts
    c = cell("2026-03", "Emergency", opened=opened, screened=screened, not_screened=not_screened_)
    values, hidden = figures.visible_counts(c)
    shown = tuple(
        figures.cell_text(values[name], name in hidden) for name in ("screened", "not_screened")
    )
    assert shown == expected
    unshown = opened - sum(values[name] or 0 for name in ("screened", "not_screened"))
    assert unshown == 0 or unshown >= 5


def test_a_month_with_only_small_cells_shows_nothing() -> None:
    result = figures.tabulate([cell("2026-03", "ICU", opened=4, screened=4)])
    assert result.suppressed and result.rows == [] and result.months == []


@pytest.mark.parametrize(
    "selection",
    [
        # Every way the filters can pick cells: each unit, each month, and all of them.
        lambda c: True,
        lambda c: c.unit == "Emergency",
        lambda c: c.unit == "Maternity",
        lambda c: c.unit == "ICU",
        lambda c: c.month == "2026-03",
        lambda c: c.month == "2026-04",
        lambda c: c.month == "2026-03" and c.unit == "Emergency",
        lambda c: c.month == "2026-03" and c.unit != "Emergency",
    ],
)
def test_no_subset_of_cells_differs_from_the_whole_by_fewer_than_five(selection) -> None:  # noqa: ANN001
    """A filter set and its superset (here: everything) never differ by 1 to 4 in any figure."""
    whole = figures.tabulate(known_cells())
    part = figures.tabulate([c for c in known_cells() if selection(c)])

    def totals(result: figures.Figures) -> dict[str, int]:
        sums: dict[str, int] = {}
        for row in result.rows:
            for name, value in zip(figures.header()[2:13], row[2:13], strict=True):
                sums[name] = sums.get(name, 0) + (int(value) if value.isdigit() else 0)
        return sums

    big, small = totals(whole), totals(part)
    for name, value in big.items():
        assert small.get(name, 0) == value or value - small.get(name, 0) >= 5, name
    reasons = {code: int(n) for code, _label, n in whole.reasons}
    for code, _label, n in part.reasons:
        assert reasons[code] - int(n) in (0,) or reasons[code] - int(n) >= 5


def test_every_gate_reason_has_a_translatable_label() -> None:
    from screening import content

    codes = {reason["slug"] for reason in content.gate()["not_screened_reasons"]}
    assert codes <= set(figures.REASON_LABELS)


MARCH = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def open_cases(
    personas: Personas, unit: Unit, n: int, concern: str, *, at: datetime = MARCH
) -> list[Case]:
    opened = []
    for _ in range(n):
        case = actions.open_case(
            unit=unit,
            jurisdiction="CA-ON",
            age_years=30,
            preferred_language="en",
            by=personas.supervisor,
        )
        Case.objects.filter(pk=case.pk).update(concern_level=concern, created_at=at)
        opened.append(case)
    return opened


def not_screened(cases: list[Case], reason: str, by) -> None:  # noqa: ANN001
    for case in cases:
        actions.record_event(
            case,
            EventKind.SCREENING_NOT_SCREENED,
            by=by,
            summary="Not screened",
            payload={"screening": 0, "reason": reason, "universal_education_offered": True},
        )


@pytest.fixture
def data_set(personas: Personas) -> Personas:
    """March: Emergency 9 (6 high, 3 possible; 2 not screened), Maternity 5 (possible, all
    5 not screened), ICU 3. April: Emergency 2. Only Emergency and Maternity in March count."""
    er = open_cases(personas, personas.emergency, 6, "high")
    er += open_cases(personas, personas.emergency, 3, "possible")
    not_screened(er[:2], "no_interpreter", personas.supervisor)
    maternity = open_cases(personas, personas.maternity, 5, "possible")
    not_screened(maternity, "patient_declined", personas.supervisor)
    icu = Unit.objects.create(facility=personas.facility, name="ICU")
    open_cases(personas, icu, 3, "high")
    open_cases(personas, personas.emergency, 2, "high", at=MARCH + timedelta(days=30))
    return personas


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_only_supervisors_read_figures(data_set: Personas, persona: str) -> None:
    response = data_set.client_for(persona).get("/review/figures/")
    expected = {"anonymous": 302, "supervisor": 200}.get(persona, 403)
    assert response.status_code == expected
    if persona == "supervisor":
        assert "14 cases counted" in response.content.decode()


def page(personas: Personas, query: str = "") -> str:
    response = personas.client_for("supervisor").get(f"/review/figures/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_reasons_show_their_labels(data_set: Personas) -> None:
    text = page(data_set)
    assert "Patient declined to talk: 5" in text
    # Emergency's 2 "no interpreter" never reach a figure, not even by subtraction.
    assert "no_interpreter" not in text and "No professional interpreter" not in text


def test_reasons_are_translated(data_set: Personas) -> None:
    client = data_set.client_for("supervisor")
    text = client.get("/review/figures/", headers={"accept-language": "fr"}).content.decode()
    assert "La personne a refusé de parler: 5" in text and "Patient declined" not in text


@pytest.mark.parametrize(
    ("query", "counted"),
    [
        ("", "14"),
        ("unit={emergency}", "9"),
        ("unit={maternity}", "5"),
        ("since=2026-03&until=2026-03", "14"),
        ("unit={emergency}&until=2026-03", "9"),
    ],
)
def test_filters_select_whole_cells(data_set: Personas, query: str, counted: str) -> None:
    query = query.format(emergency=data_set.emergency.pk, maternity=data_set.maternity.pk)
    assert f"{counted} cases counted" in page(data_set, query)


@pytest.mark.parametrize(
    "query",
    [
        "unit={icu}",  # 3 cases
        "since=2026-04",  # April: Emergency's 2
        "unit={emergency}&since=2026-04",
    ],
)
def test_filters_that_leave_fewer_than_five_show_nothing(data_set: Personas, query: str) -> None:
    icu = Unit.objects.get(name="ICU")
    text = page(data_set, query.format(icu=icu.pk, emergency=data_set.emergency.pk))
    assert "figures-suppressed" in text and "figures-table" not in text
    csv_text = (
        data_set.client_for("supervisor")
        .get(f"/review/figures.csv?{query.format(icu=icu.pk, emergency=data_set.emergency.pk)}")
        .content.decode()
    )
    assert len(list(csv.reader(io.StringIO(csv_text)))) == 1  # the header alone


def test_differences_between_filters_never_single_out_fewer_than_five(data_set: Personas) -> None:
    """All units minus Emergency is Maternity's 5, never ICU's 3; all months minus March is
    nothing, never April's 2; not screened overall equals Maternity's, so Emergency's 2 stay
    hidden."""

    def counted(query: str) -> int:
        text = page(data_set, query)
        return int(text.split(" cases counted")[0].rsplit(">", 1)[-1].split()[-1])

    everything = counted("")
    emergency = counted(f"unit={data_set.emergency.pk}")
    maternity = counted(f"unit={data_set.maternity.pk}")
    assert everything - emergency == maternity == 5
    assert counted("until=2026-03") == everything
    rows_all = csv_rows(data_set, "")
    rows_er = csv_rows(data_set, f"unit={data_set.emergency.pk}")
    assert not_screened_total(rows_all) - not_screened_total(rows_er) == 5


def csv_rows(personas: Personas, query: str) -> list[dict[str, str]]:
    text = personas.client_for("supervisor").get(f"/review/figures.csv?{query}").content.decode()
    return list(csv.DictReader(io.StringIO(text)))


def not_screened_total(rows: list[dict[str, str]]) -> int:
    return sum(int(r["Not screened"]) for r in rows if r["Not screened"].isdigit())


@pytest.mark.parametrize(
    "query", ["since=not-a-month", "since=2026-13", "since=2026-05&until=2026-04"]
)
def test_bad_filter_is_a_400(data_set: Personas, query: str) -> None:
    response = data_set.client_for("supervisor").get(f"/review/figures/?{query}")
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()


def test_csv_is_audited_and_safe(data_set: Personas) -> None:
    Unit.objects.filter(pk=data_set.maternity.pk).update(name="=HYPERLINK(1)")
    response = data_set.client_for("supervisor").get("/review/figures.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="harbor-figures.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Month", "Unit", "Cases opened"]
    units = {row[1] for row in rows[1:]}
    assert units == {"Emergency", "ICU", "'=HYPERLINK(1)"}
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.detail == {"what": "figures", "format": "csv"}
    assert entry.user == data_set.supervisor


def test_figures_query_bound(data_set: Personas, django_assert_max_num_queries) -> None:
    client = data_set.client_for("supervisor")
    # Constant in the number of cases: four aggregates for the figures; the rest is the page's
    # (session, user, groups, facility, the header's escalation count, the unit choices).
    with django_assert_max_num_queries(13):
        response = client.get("/review/figures/")
    assert "14 cases counted" in response.content.decode()
    open_cases(data_set, data_set.emergency, 10, "none")
    with django_assert_max_num_queries(13):
        response = client.get("/review/figures/")
    assert "24 cases counted" in response.content.decode()


def test_times_are_medians_over_five_cases(personas: Personas) -> None:
    cases = open_cases(personas, personas.emergency, 5, "high")
    for case in cases:
        actions.record_event(
            case,
            EventKind.CASE_ESCALATED,
            by=personas.clinician,
            summary="x",
            payload={"to": None, "reason": "r"},
        )
        actions.record_event(
            case,
            EventKind.REVIEW_COMMENTED,
            by=personas.supervisor,
            summary="x",
            payload={"comment": "c"},
        )
    result = figures.tabulate(figures.load(Case.objects.filter(pk__in=[c.pk for c in cases])))
    row = dict(zip(figures.header(), result.rows[0], strict=True))
    assert row["Escalated"] == "5"
    assert row["Hours to review (median)"] == "0.0"


def test_the_table_rows_are_what_the_template_loop_wrote() -> None:
    """`table_body` writes the rows the template's loop wrote, escaped the same way (a unit
    may be named anything)."""
    from django.template import Context, Template

    cells = known_cells()
    cells.append(cell("2026-03", '<b>"A&B"</b>', opened=6, screened=6))
    result = figures.tabulate(cells)
    loop = Template(
        "{% for row in result.rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>"
        "{% endfor %}</tr>{% endfor %}"
    ).render(Context({"result": result}))
    assert figures.table_body(result) == loop
    assert "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;" in loop
    assert loop.count("<tr>") == len(result.rows) >= 4
