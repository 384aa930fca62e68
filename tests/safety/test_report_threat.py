"""The threatening-behaviour button: numbers on screen, the event recorded, the case escalated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import actions as case_actions
from cases.models import AuditEntry, Case


def report(client, case):
    return client.post(reverse("safety:report-threat", args=[case.ref]), follow=True)


def test_one_click_shows_the_numbers_records_the_event_and_escalates(personas, case, content):
    response = report(personas.client_for("clinician"), case)
    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"/safety/cases/{case.ref}/?threat=1")
    assert "Call security now" in html
    assert "Security: <strong>ext. 5555</strong>" in html
    assert "Emergency: <strong>911</strong>" in html
    case.refresh_from_db()
    assert case.is_escalated and case.escalation_reason == "Threatening behaviour reported"
    assert case.escalated_by == personas.clinician
    kinds = list(case.events.values_list("kind", flat=True))
    assert "safety.threat_reported" in kinds and "case.escalated" in kinds
    assert AuditEntry.objects.filter(
        case=case, detail__event="safety.threat_reported", user=personas.clinician
    ).exists()


def test_the_supervisor_sees_it_in_the_escalation_queue(personas, case, content):
    report(personas.client_for("clinician"), case)
    home = personas.client_for("supervisor").get(reverse("cases:home")).content.decode()
    queue = home.split('id="escalated-heading"')[1].split("</section>")[0]
    assert case.ref in queue and "Threatening behaviour reported" in queue


def test_threatened_cases_queue_oldest_first(personas, case, content):
    newer = case_actions.open_case(
        unit=personas.emergency,
        jurisdiction="CA-ON",
        age_years=30,
        preferred_language="en",
        by=personas.clinician,
    )
    client = personas.client_for("clinician")
    report(client, newer)
    report(client, case)
    Case.objects.filter(pk=case.pk).update(escalated_at=timezone.now() - timedelta(hours=1))
    home = personas.client_for("supervisor").get(reverse("cases:home")).content.decode()
    queue = home.split('id="escalated-heading"')[1].split("</section>")[0]
    assert queue.index(case.ref) < queue.index(newer.ref)


def test_a_second_click_does_not_move_the_case_down_the_queue(personas, case, content):
    client = personas.client_for("clinician")
    report(client, case)
    case.refresh_from_db()
    first_at = case.escalated_at
    report(client, case)
    case.refresh_from_db()
    assert case.escalated_at == first_at
    assert case.events.filter(kind="safety.threat_reported").count() == 2


def test_an_earlier_escalation_reason_is_kept(personas, case, content):
    case_actions.escalate_case(
        case, reason="Patient disclosed debt bondage", to=None, by=personas.clinician
    )
    report(personas.client_for("clinician"), case)
    case.refresh_from_db()
    assert case.escalation_reason == (
        "Threatening behaviour reported. Earlier reason: Patient disclosed debt bondage"
    )


def test_a_facility_without_a_security_number_says_what_to_do(personas, case, content):
    personas.facility.security_phone = ""
    personas.facility.save()
    html = report(personas.client_for("clinician"), case).content.decode()
    assert "no number set: call the switchboard" in html


@pytest.mark.parametrize(
    "url_name",
    [
        "cases:case-detail",
        "safety:case-safety",
        "safety:case-care",
        "safety:case-reporting",
        "cases:edit-case",
    ],
)
def test_the_button_is_in_the_case_header_on_every_tab(personas, case, content, url_name):
    html = personas.client_for("clinician").get(reverse(url_name, args=[case.ref])).content.decode()
    header = html.split('<div class="case-header')[1].split("</h1>")[0]
    assert f'action="/safety/cases/{case.ref}/threat/"' in header
    assert ">Threatening behaviour</button>" in header


def test_the_button_needs_a_post(personas, case, content):
    response = personas.client_for("clinician").get(
        reverse("safety:report-threat", args=[case.ref])
    )
    assert response.status_code == 405
    case.refresh_from_db()
    assert not case.is_escalated
