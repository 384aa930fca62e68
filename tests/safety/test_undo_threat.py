"""A mistaken press of "Threatening behaviour" can be taken back for a few seconds; the report
stays on the timeline, and only what it did alone is put back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from cases import actions as case_actions
from safety import actions
from safety.models import ChecklistItem


def report(client, case):
    return client.post(reverse("safety:report-threat", args=[case.ref]), follow=True)


def undo(client, case, event_id):
    return client.post(
        reverse("safety:undo-threat", args=[case.ref]), {"event": event_id}, follow=True
    )


def call_security(case) -> ChecklistItem:
    return ChecklistItem.objects.get(
        checklist__case=case, checklist__slug="safety-protocol", slug="call-security-on-threats"
    )


def test_reporting_a_threat_ticks_call_security(personas, case, content):
    report(personas.client_for("clinician"), case)
    item = call_security(case)
    assert item.status == ChecklistItem.Status.DONE and item.changed_by == personas.clinician
    assert case.events.filter(kind="safety.item_done").exists()


def test_the_page_after_the_press_offers_the_undo(personas, case, content):
    html = report(personas.client_for("clinician"), case).content.decode()
    event = case.events.get(kind="safety.threat_reported")
    assert 'id="undo-threat"' in html and f'name="event" value="{event.pk}"' in html
    assert "Undo: pressed by mistake" in html


def test_undo_within_the_window_closes_the_escalation_and_reopens_the_tick(personas, case, content):
    client = personas.client_for("clinician")
    report(client, case)
    event = case.events.get(kind="safety.threat_reported")
    html = undo(client, case, event.pk).content.decode()
    assert "Undone: the report is withdrawn" in html
    case.refresh_from_db()
    assert not case.is_escalated and case.escalation_reason == ""
    assert call_security(case).status == ChecklistItem.Status.OPEN
    kinds = list(case.events.values_list("kind", flat=True))
    # Nothing is lost: the report and its withdrawal are both on the timeline.
    assert "safety.threat_reported" in kinds and "safety.threat_withdrawn" in kinds
    assert case.events.get(kind="safety.threat_withdrawn").payload["withdrawn_event"] == event.pk


def test_undo_keeps_an_earlier_escalation_and_its_reason(personas, case, content):
    case_actions.escalate_case(case, reason="Patient seems afraid", to=None, by=personas.clinician)
    client = personas.client_for("clinician")
    report(client, case)
    undo(client, case, case.events.get(kind="safety.threat_reported").pk)
    case.refresh_from_db()
    assert case.is_escalated and case.escalation_reason == "Patient seems afraid"


def test_a_tick_done_earlier_by_hand_stays_done(personas, case, content):
    actions.set_checklist_item(
        case,
        "safety-protocol",
        "call-security-on-threats",
        status="done",
        base_version=0,
        by=personas.clinician,
    )
    client = personas.client_for("clinician")
    report(client, case)
    undo(client, case, case.events.get(kind="safety.threat_reported").pk)
    assert call_security(case).status == ChecklistItem.Status.DONE


@pytest.mark.parametrize(
    ("seconds_later", "undone"),
    [(actions.THREAT_UNDO_SECONDS - 1, True), (actions.THREAT_UNDO_SECONDS + 1, False)],
)
def test_the_undo_lasts_a_few_seconds(personas, case, content, seconds_later, undone):
    actions.report_threat(case, by=personas.clinician)
    event = case.events.get(kind="safety.threat_reported")
    later = event.at + timedelta(seconds=seconds_later)
    if undone:
        actions.withdraw_threat(case, event.pk, by=personas.clinician, now=later)
        case.refresh_from_db()
        assert not case.is_escalated
    else:
        with pytest.raises(actions.UndoRefused):
            actions.withdraw_threat(case, event.pk, by=personas.clinician, now=later)
        case.refresh_from_db()
        assert case.is_escalated


def test_too_late_says_so_and_changes_nothing(personas, case, content, monkeypatch):
    client = personas.client_for("clinician")
    report(client, case)
    event = case.events.get(kind="safety.threat_reported")
    # The timeline is append-only (a trigger on PostgreSQL): make the window over instead.
    monkeypatch.setattr(actions, "THREAT_UNDO_SECONDS", -1)
    html = undo(client, case, event.pk).content.decode()
    assert "can no longer be undone" in html
    case.refresh_from_db()
    assert case.is_escalated
    assert not case.events.filter(kind="safety.threat_withdrawn").exists()


def test_only_the_person_who_pressed_can_undo_it(personas, case, content):
    report(personas.client_for("clinician"), case)
    event = case.events.get(kind="safety.threat_reported")
    html = undo(personas.client_for("supervisor"), case, event.pk).content.decode()
    assert "can no longer be undone" in html
    case.refresh_from_db()
    assert case.is_escalated


def test_undoing_twice_is_refused(personas, case, content):
    client = personas.client_for("clinician")
    report(client, case)
    event = case.events.get(kind="safety.threat_reported")
    undo(client, case, event.pk)
    html = undo(client, case, event.pk).content.decode()
    assert "can no longer be undone" in html
    assert case.events.filter(kind="safety.threat_withdrawn").count() == 1


@pytest.mark.parametrize(("persona", "status"), [("other_clinician", 404), ("administrator", 403)])
def test_other_units_and_administrators_cannot_undo(personas, case, content, persona, status):
    actions.report_threat(case, by=personas.clinician)
    event = case.events.get(kind="safety.threat_reported")
    response = personas.client_for(persona).post(
        reverse("safety:undo-threat", args=[case.ref]), {"event": event.pk}
    )
    assert response.status_code == status
    case.refresh_from_db()
    assert case.is_escalated


def test_anonymous_is_sent_to_sign_in(personas, case, content):
    response = personas.client_for("anonymous").post(reverse("safety:undo-threat", args=[case.ref]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
