"""Each role's home page: the right cases, escalations oldest first, and a bounded query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import actions
from cases.models import Case


def open_cases(personas, n: int, unit=None) -> list[Case]:
    return [
        actions.open_case(
            unit=unit or personas.emergency,
            jurisdiction="CA-ON",
            age_years=30,
            preferred_language="en",
            by=personas.clinician,
        )
        for _ in range(n)
    ]


def test_clinician_sees_open_cases_of_their_units_and_a_start_button(personas):
    mine = open_cases(personas, 2)
    theirs = open_cases(personas, 1, unit=personas.maternity)[0]
    Case.objects.filter(pk=theirs.pk).update(assignee=None)
    page = personas.client_for("clinician").get(reverse("cases:home")).content.decode()
    assert all(c.ref in page for c in mine)
    assert theirs.ref not in page
    assert "Start a new case" in page


def test_supervisor_sees_escalated_cases_first_oldest_first(personas):
    older, newer, calm = open_cases(personas, 3)
    actions.escalate_case(newer, reason="second", to=None, by=personas.clinician)
    actions.escalate_case(older, reason="first", to=None, by=personas.clinician)
    Case.objects.filter(pk=older.pk).update(escalated_at=timezone.now() - timedelta(hours=2))
    response = personas.client_for("supervisor").get(reverse("cases:home"))
    assert [c.ref for c in response.context["escalated_cases"]] == [older.ref, newer.ref]
    page = response.content.decode()
    assert page.index(older.ref) < page.index(newer.ref) < page.index(calm.ref)


def test_administrator_sees_what_they_administer_and_no_case(personas):
    case = open_cases(personas, 1)[0]
    page = personas.client_for("administrator").get(reverse("cases:home")).content.decode()
    assert "Facility settings" in page
    assert "Users, units and roles" in page
    assert case.ref not in page


def test_other_unit_clinician_does_not_see_the_case(personas):
    case = open_cases(personas, 1)[0]
    page = personas.client_for("other_clinician").get(reverse("cases:home")).content.decode()
    assert case.ref not in page


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("cases:home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["clinician", "supervisor"])
def test_home_query_count_does_not_grow_with_cases(
    personas, django_assert_max_num_queries, persona
):
    cases = open_cases(personas, 30)
    for c in cases[:10]:
        actions.escalate_case(c, reason="check", to=personas.supervisor, by=personas.clinician)
    client = personas.client_for(persona)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cases:home"))
    assert response.status_code == 200


class TestStartCase:
    def test_clinician_starts_a_case_on_their_unit(self, personas):
        client = personas.client_for("clinician")
        response = client.post(
            reverse("cases:start-case"),
            {
                "unit": personas.emergency.pk,
                "age_years": "",
                "jurisdiction": "CA-ON",
                "preferred_language": "es",
                "ward_label": "Bay 4",
            },
        )
        case = Case.objects.get()
        # A new case opens on the screening gate, where the work starts.
        assert response["Location"] == reverse("screening:case-screening", args=[case.ref])
        assert case.age_years is None and case.jurisdiction == "CA-ON"
        assert case.ward_label == "Bay 4"
        assert case.assignee == personas.clinician
        assert case.events.get().kind == "case.opened"

    def test_a_unit_that_is_not_theirs_is_refused(self, personas):
        client = personas.client_for("clinician")
        response = client.post(
            reverse("cases:start-case"),
            {"unit": personas.maternity.pk, "jurisdiction": "CA-ON", "preferred_language": "en"},
        )
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        assert not Case.objects.exists()

    @pytest.mark.parametrize("persona", ["supervisor", "administrator"])
    def test_non_clinicians_cannot_start_a_case(self, personas, persona):
        assert personas.client_for(persona).get(reverse("cases:start-case")).status_code == 403


def test_escalating_again_keeps_the_place_in_the_queue_and_the_supervisor(personas):
    case = open_cases(personas, 1)[0]
    actions.escalate_case(case, reason="first", to=personas.supervisor, by=personas.clinician)
    first_at = Case.objects.get(pk=case.pk).escalated_at
    actions.escalate_case(case, reason="second alarm", to=None, by=personas.clinician)
    case.refresh_from_db()
    assert case.escalated_at == first_at
    assert case.escalation_reason == "second alarm. Earlier reason: first"
    assert case.escalated_to == personas.supervisor
