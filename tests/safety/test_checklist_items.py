"""Ticking checklist items on a case: done, not applicable with a reason, consent, conflicts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEntry
from safety.models import ChecklistItem

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "item-safety-protocol-alert-supervisor"}


def item_url(case, checklist="safety-protocol", item="alert-supervisor") -> str:
    return reverse("safety:set-checklist-item", args=[case.ref, checklist, item])


def state(case, checklist="safety-protocol", item="alert-supervisor") -> ChecklistItem:
    return ChecklistItem.objects.get(checklist__case=case, checklist__slug=checklist, slug=item)


def test_ticking_an_item_with_htmx_returns_only_that_item(personas, case, content):
    response = personas.client_for("clinician").post(
        item_url(case), {"status": "done", "base_version": 0}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<li class="list-group-item" id="item-safety-protocol-alert')
    assert "Done" in html and "Clinician" in html
    assert "<html" not in html and "Keep the care area secure" not in html
    assert state(case).status == "done" and state(case).changed_by == personas.clinician


def test_ticking_without_javascript_redirects_back_to_the_item(personas, case, content):
    response = personas.client_for("clinician").post(
        item_url(case), {"status": "done", "base_version": 0}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(
        f"/safety/cases/{case.ref}/#item-safety-protocol-alert-supervisor"
    )
    page = personas.client_for("clinician").get(response["Location"]).content.decode()
    assert "1 of 4 dealt with" in page


def test_a_tick_writes_the_timeline_and_the_audit_log(personas, case, content):
    personas.client_for("clinician").post(item_url(case), {"status": "done", "base_version": 0})
    event = case.events.get(kind="safety.item_done")
    assert event.summary == "Safety protocol: “Tell your supervisor as soon as you can.” done"
    assert event.payload["template_version"] == 1 and event.by == personas.clinician
    assert AuditEntry.objects.filter(
        case=case, action=AuditEntry.Action.CASE_CHANGE, detail__event="safety.item_done"
    ).exists()


def test_not_applicable_needs_a_reason_and_keeps_nothing_half_saved(personas, case, content):
    client = personas.client_for("clinician")
    response = client.post(
        item_url(case), {"status": "not_applicable", "reason": "  ", "base_version": 0}, **HTMX
    )
    assert "Say why this item does not apply." in response.content.decode()
    assert not case.checklists.exists() and not case.events.filter(kind__startswith="safety")

    response = client.post(
        item_url(case),
        {"status": "not_applicable", "reason": "Supervisor is here", "base_version": 0},
        **HTMX,
    )
    assert "Reason: Supervisor is here" in response.content.decode()
    assert state(case).status == "not_applicable"
    assert case.events.filter(kind="safety.item_not_applicable").exists()


def test_the_tab_shows_who_dealt_with_each_item_and_when(personas, case, content):
    client = personas.client_for("clinician")
    client.post(item_url(case), {"status": "done", "base_version": 0})
    personas.client_for("supervisor").post(
        item_url(case, item="stay-with-patient"),
        {"status": "not_applicable", "reason": "Patient asked to be alone", "base_version": 0},
    )
    html = client.get(reverse("safety:case-safety", args=[case.ref])).content.decode()

    def shown(item: str) -> str:
        return html.split(f'id="item-safety-protocol-{item}"')[1].split("<form")[0]

    done, not_applicable = state(case), state(case, item="stay-with-patient")
    assert "Done</span>" in shown("alert-supervisor")
    when = timezone.localtime(done.changed_at).isoformat()
    assert f'Clinician, <time datetime="{when}">' in shown("alert-supervisor")
    assert "Not applicable</span>" in shown("stay-with-patient")
    assert "Reason: Patient asked to be alone · Supervisor, <time datetime=" in (
        shown("stay-with-patient")
    )
    assert not_applicable.changed_by == personas.supervisor
    assert "Open</span>" in shown("call-security-on-threats")
    assert "<time" not in shown("call-security-on-threats")


def test_a_refused_change_without_javascript_keeps_what_was_typed(personas, case, content):
    response = personas.client_for("clinician").post(
        item_url(case, "immediate-care", "forensic-evidence"),
        {"status": "done", "reason": "typed text", "base_version": 0},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Record the patient&#x27;s consent before marking this item done." in html
    assert ">typed text</textarea>" in html
    assert '<h2 id="tab-heading" class="h4">Care</h2>' in html


def test_forensic_evidence_needs_recorded_consent(personas, case, content):
    client = personas.client_for("clinician")
    url = item_url(case, "immediate-care", "forensic-evidence")
    refused = client.post(url, {"status": "done", "base_version": 0}, **HTMX)
    assert "consent" in refused.content.decode()
    assert not ChecklistItem.objects.filter(status="done").exists()

    client.post(url, {"status": "done", "consent": "on", "base_version": 0}, **HTMX)
    item = state(case, "immediate-care", "forensic-evidence")
    assert item.status == "done"
    assert item.consent_recorded_by == personas.clinician and item.consent_recorded_at
    assert case.events.get(kind="safety.item_done").payload["consent_recorded"] is True


def test_an_item_can_be_reopened(personas, case, content):
    client = personas.client_for("clinician")
    client.post(item_url(case), {"status": "done", "base_version": 0})
    client.post(item_url(case), {"status": "open", "base_version": 1})
    assert state(case).status == "open" and state(case).version == 2
    assert case.events.filter(kind="safety.item_reopened").exists()


def test_second_change_of_the_same_item_gets_a_conflict_and_nothing_is_overwritten(
    personas, case, content
):
    clinician = personas.client_for("clinician")
    supervisor = personas.client_for("supervisor")
    # Both loaded the item while it was open (version 0).
    clinician.post(item_url(case), {"status": "done", "base_version": 0}, **HTMX)
    response = supervisor.post(
        item_url(case),
        {"status": "not_applicable", "reason": "Not needed", "base_version": 0},
        **HTMX,
    )
    html = response.content.decode()
    assert "Someone else changed this item while you had it open" in html
    assert "“Done” (Clinician" in html and "Your change was not saved" in html
    assert ">Not needed</textarea>" in html  # what they typed is still there
    assert 'name="base_version" value="1"' in html  # a second try is a deliberate choice
    assert state(case).status == "done" and state(case).changed_by == personas.clinician
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CASE_CONFLICT, case=case).exists()


def test_unknown_items_are_404(personas, case, content):
    response = personas.client_for("clinician").post(
        item_url(case, "safety-protocol", "no-such-item"), {"status": "done", "base_version": 0}
    )
    assert response.status_code == 404
    assert not case.checklists.exists()  # nothing started, nothing written
    assert not case.events.filter(kind__startswith="safety.item").exists()


def test_unknown_items_on_a_started_checklist_are_404(personas, case, content):
    client = personas.client_for("clinician")
    client.post(item_url(case), {"status": "done", "base_version": 0})
    response = client.post(
        item_url(case, "safety-protocol", "no-such-item"), {"status": "done", "base_version": 0}
    )
    assert response.status_code == 404


def test_a_stale_tick_without_consent_is_refused_for_the_consent_not_as_a_conflict(
    personas, case, content
):
    client = personas.client_for("clinician")
    url = item_url(case, "immediate-care", "forensic-evidence")
    client.post(url, {"status": "not_applicable", "reason": "Declined", "base_version": 0})
    html = client.post(url, {"status": "done", "base_version": 0}, **HTMX).content.decode()
    assert "Record the patient&#x27;s consent before marking this item done." in html
    assert "Someone else changed this item" not in html
    assert 'name="base_version" value="1"' in html and "Not applicable" in html
    assert state(case, "immediate-care", "forensic-evidence").status == "not_applicable"
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.CASE_CONFLICT).exists()


def test_a_tick_reads_nothing_before_the_item_it_locks(
    personas, case, content, django_assert_max_num_queries
):
    client = personas.client_for("clinician")
    client.post(item_url(case), {"status": "done", "base_version": 0}, **HTMX)
    # Session, user, case; the transaction: the locked item, its update, the timeline event
    # and the audit row.
    with django_assert_max_num_queries(9):
        response = client.post(item_url(case), {"status": "open", "base_version": 1}, **HTMX)
    assert 'id="item-safety-protocol-alert-supervisor"' in response.content.decode()
    assert state(case).status == "open"


@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        ("safety:case-safety", ["Safety protocol", "Private conversation", "ext. 5555", "911"]),
        (
            "safety:case-care",
            [
                "Immediate care",
                "Physical health",
                "Mental health",
                "Safe discharge and referrals",
                "Transfer and handover",
                "If help is declined",
                "1-833-900-1010",
            ],
        ),
    ],
)
def test_tabs_show_their_checklists(personas, case, content, url_name, expected):
    html = personas.client_for("clinician").get(reverse(url_name, args=[case.ref])).content.decode()
    for text in expected:
        assert text in html


# Session, user, case, the versions shown, the items' states, the audit row; Care adds the
# directory's lines: kept, one query for the directory's version marker (7 in all on SQLite);
# on PostgreSQL, inside the test's own transaction that loaded the directory, the lines are
# read afresh every time (referrals.directory_version), six queries (12 in all).
CARE_BOUND = 12 if connection.vendor == "postgresql" else 7


@pytest.mark.parametrize(
    ("url_name", "bound"), [("safety:case-safety", 8), ("safety:case-care", CARE_BOUND)]
)
def test_checklist_tabs_use_a_fixed_number_of_queries(
    personas, case, content, url_name, bound, django_assert_max_num_queries
):
    client = personas.client_for("clinician")
    for item in ("alert-supervisor", "keep-environment-secure", "stay-with-patient"):
        client.post(item_url(case, item=item), {"status": "done", "base_version": 0})
    for item in ("treat-injuries", "screen-sti", "assess-ptsd"):
        client.post(item_url(case, "immediate-care", item), {"status": "done", "base_version": 0})
    # As a server reads it after its first page: the directory's lines are kept while the
    # directory stays the same (referrals.hotlines), one query for its version marker.
    client.get(reverse(url_name, args=[case.ref]))
    with django_assert_max_num_queries(bound):
        client.get(reverse(url_name, args=[case.ref]))
