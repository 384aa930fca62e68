"""The audit log keeps declared fields only (ids, codes, versions), and timeline kinds are
declared once. The probe found a one-word review note copied into an audit entry, because the
old filter guessed "no spaces" meant "a code"."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from cases import actions, audit, events
from cases.events import EVENTS, EventKind, UndeclaredEventError
from cases.models import AuditEntry, CaseEvent

pytestmark = pytest.mark.django_db


def test_a_one_word_review_note_stays_out_of_the_audit_log(personas, case):
    actions.escalate_case(case, reason="Worried", to=None, by=personas.clinician)
    case.refresh_from_db()
    response = personas.client_for("supervisor").post(
        reverse("cases:resolve-escalation", args=[case.ref]),
        {"note": "Seen", "version": case.version},
    )
    assert response.status_code == 302
    event = CaseEvent.objects.get(kind=EventKind.CASE_ESCALATION_RESOLVED)
    assert event.payload == {"note": "Seen"}  # on the timeline, with the case
    leaked = [e.pk for e in AuditEntry.objects.all() if "Seen" in json.dumps(e.detail)]
    assert leaked == []
    entry = AuditEntry.objects.get(detail__event=EventKind.CASE_ESCALATION_RESOLVED)
    assert entry.detail == {"event": "case.escalation_resolved"}


def test_an_escalation_reason_is_on_the_timeline_but_not_in_the_log(personas, case):
    actions.escalate_case(case, reason="Bruising", to=personas.supervisor, by=personas.clinician)
    entry = AuditEntry.objects.get(detail__event=EventKind.CASE_ESCALATED)
    assert entry.detail == {"event": "case.escalated", "to": personas.supervisor.pk}
    assert "Bruising" in CaseEvent.objects.get(kind=EventKind.CASE_ESCALATED).summary


@pytest.mark.parametrize(
    ("action", "detail"),
    [
        (AuditEntry.Action.CASE_VIEW, {"note": "Seen"}),  # undeclared field
        (AuditEntry.Action.CONTENT_CHANGE, {"object": "rule_table", "note": "x"}),
        (AuditEntry.Action.SIGN_IN, {"reason": "x"}),
        (AuditEntry.Action.CASE_CHANGE, {"event": "case.opened", "note": "x"}),
        (AuditEntry.Action.CASE_CHANGE, {"event": "case.escalated", "reason": "x"}),
    ],
)
def test_undeclared_detail_is_refused(personas, action, detail):
    with pytest.raises(audit.UndeclaredAuditDetail):
        audit.record(action, user=personas.clinician, **detail)
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "value",
    ["two words", "line\nbreak", "x" * 121, {"nested": 1}, ["ok", "not ok"], 1.5],
)
def test_a_declared_field_still_holds_only_a_code(personas, value):
    with pytest.raises(audit.UndeclaredAuditDetail):
        audit.record(AuditEntry.Action.CASE_VIEW, user=personas.clinician, part=value)


@pytest.mark.parametrize(
    "value", ["overview", "conversation-guide|2", "checklist/item_slug", 7, None, True, [1, 2]]
)
def test_codes_ids_and_versions_are_kept(personas, value):
    entry = audit.record(AuditEntry.Action.CASE_VIEW, user=personas.clinician, part=value)
    assert entry.detail == {"part": value}


def test_every_action_declares_its_fields():
    declared = set(audit.AUDITED) | {AuditEntry.Action.CASE_CHANGE}
    assert declared == set(AuditEntry.Action)


def test_every_event_kind_is_declared_with_audited_fields_among_its_payload():
    assert set(EVENTS) == set(EventKind)
    for spec in EVENTS.values():
        assert spec.audited <= spec.payload


def test_record_event_refuses_an_undeclared_kind_or_field(personas, case):
    with pytest.raises(UndeclaredEventError):
        actions.record_event(case, "screening.made_up", by=personas.clinician, summary="x")  # type: ignore[arg-type]
    with pytest.raises(UndeclaredEventError):
        actions.record_event(
            case,
            EventKind.CASE_ASSIGNED,
            by=personas.clinician,
            summary="x",
            payload={"to": 1, "note": "x"},
        )
    assert case.events.count() == 1  # only "case opened"


def test_a_spec_cannot_audit_a_field_it_does_not_carry():
    with pytest.raises(ValueError, match="payload fields"):
        events.spec("to", audited=("note",))
