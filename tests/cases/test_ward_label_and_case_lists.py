"""Telling cases apart: a short ward label (never the name), shown in lists and the header,
cleared on close; the clinician's list filters by unit and finds by label or reference; and
the case they were on comes first after a quick-hide or idle lock."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases import actions
from cases.models import Case
from tests.visible_text import visible_text


def open_case(personas, unit, label="", age=30) -> Case:
    return actions.open_case(
        unit=unit,
        jurisdiction="CA-ON",
        age_years=age,
        preferred_language="en",
        ward_label=label,
        by=personas.clinician,
    )


def home(client, **params) -> str:
    return client.get(reverse("cases:home"), params).content.decode()


def test_the_forms_say_never_to_use_the_name(personas, case):
    client = personas.client_for("clinician")
    for url in (reverse("cases:start-case"), reverse("cases:edit-case", args=[case.ref])):
        page = client.get(url).content.decode()
        assert "Never the patient&#x27;s name." in page or "Never the patient's name." in page
        assert 'maxlength="20"' in page


def test_a_label_longer_than_twenty_characters_is_refused_and_kept(personas):
    client = personas.client_for("clinician")
    response = client.post(
        reverse("cases:start-case"),
        {
            "unit": personas.emergency.pk,
            "ward_label": "Bay 4, bed 2, near the window",
            "jurisdiction": "CA-ON",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 200
    assert "at most 20 characters" in response.content.decode()
    assert 'value="Bay 4, bed 2, near the window"' in response.content.decode()
    assert not Case.objects.exists()


def test_the_label_shows_in_the_list_and_the_header(personas):
    case = open_case(personas, personas.emergency, "Bed 12 JD")
    client = personas.client_for("clinician")
    assert "Bed 12 JD" in visible_text(home(client))
    header = client.get(reverse("cases:case-summary", args=[case.ref])).content.decode()
    assert "Bed 12 JD" in visible_text(header)


def test_closing_the_case_clears_the_label(personas):
    case = open_case(personas, personas.emergency, "Bay 3")
    actions.update_case(
        case,
        {"status": Case.Status.CLOSED},
        base_version=case.version,
        by=personas.clinician,
    )
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.ward_label == ""
    assert "ward_label" in case.events.get(kind="case.details_changed").payload["fields"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bay 3", {"Bay 3"}),
        ("BAY", {"Bay 3", "Bay 4"}),
        ("window", set()),
        ("", {"Bay 3", "Bay 4"}),
    ],
)
def test_find_by_label(personas, query, expected):
    for label in ("Bay 3", "Bay 4"):
        open_case(personas, personas.emergency, label)
    page = home(personas.client_for("clinician"), q=query)
    shown = {label for label in ("Bay 3", "Bay 4") if f"<td>{label}</td>" in page}
    assert shown == expected
    if not expected:
        assert "No open case matches." in page


def test_find_by_reference(personas):
    wanted, other = open_case(personas, personas.emergency), open_case(personas, personas.emergency)
    page = home(personas.client_for("clinician"), q=wanted.ref[:7])
    assert f">{wanted.ref}</a>" in page and f">{other.ref}</a>" not in page


def test_filter_by_unit(personas):
    personas.clinician.units.add(personas.maternity)
    on_emergency = open_case(personas, personas.emergency, "ED 1")
    on_maternity = open_case(personas, personas.maternity, "Mat 1")
    client = personas.client_for("clinician")
    page = home(client, unit=personas.maternity.pk)
    assert f">{on_maternity.ref}</a>" in page and f">{on_emergency.ref}</a>" not in page
    everything = home(client)
    assert f">{on_maternity.ref}</a>" in everything and f">{on_emergency.ref}</a>" in everything


def test_a_unit_that_is_not_theirs_cannot_be_filtered_on(personas):
    other_unit_case = actions.open_case(
        unit=personas.maternity,
        jurisdiction="CA-ON",
        age_years=30,
        preferred_language="en",
        ward_label="Mat 9",
        by=personas.other_clinician,
    )
    page = home(personas.client_for("clinician"), unit=personas.maternity.pk)
    assert other_unit_case.ref not in page and "Mat 9" not in page


def test_the_filtered_list_keeps_a_query_bound(personas, django_assert_max_num_queries):
    for number in range(8):
        open_case(personas, personas.emergency, f"Bay {number}")
    client = personas.client_for("clinician")
    client.get(reverse("cases:home"))
    with django_assert_max_num_queries(14):
        page = home(client, q="Bay", unit=personas.emergency.pk)
    assert page.count("<td>Bay ") == 8


def test_after_a_quick_hide_home_offers_the_case_they_were_on_first(personas):
    older = open_case(personas, personas.emergency, "Bay 1")
    last = open_case(personas, personas.emergency, "Bay 2")
    client = personas.client_for("clinician")
    client.get(last.get_absolute_url())
    client.get(older.get_absolute_url())
    client.get(last.get_absolute_url())
    client.post(reverse("cases:quick-hide"))
    client.force_login(personas.clinician)
    page = home(client)
    offered = page.split('id="last-case"')[1].split("</section>")[0]
    assert last.ref in offered and "Bay 2" in offered and older.ref not in offered
    # First on the page, and only a link: nothing of the case is opened by itself.
    assert page.index('id="last-case"') < page.index('id="mine-heading"')
    assert "Case opened on" not in page


def test_a_closed_or_no_longer_visible_case_is_not_offered(personas):
    case = open_case(personas, personas.emergency, "Bay 5")
    client = personas.client_for("clinician")
    client.get(case.get_absolute_url())
    actions.update_case(
        case, {"status": Case.Status.CLOSED}, base_version=case.version, by=personas.clinician
    )
    assert 'id="last-case"' not in home(client)


def test_nobody_else_is_offered_someone_elses_last_case(personas, case):
    personas.client_for("clinician").get(case.get_absolute_url())
    for persona in ("other_clinician", "supervisor"):
        assert 'id="last-case"' not in home(personas.client_for(persona))
