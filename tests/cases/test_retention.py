"""The retention command: closed cases lose identifying details and free text after the
facility's retention days; figures still count them. Runs on SQLite and PostgreSQL alike."""

from __future__ import annotations

import os
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cases import actions, figures, timeline_guard
from cases.events import EVENTS, EventKind
from cases.models import AuditEntry, Case, CaseEvent
from documentation.models import EncounterNote
from screening import actions as screening_actions
from screening.models import Screening
from tests.conftest import Personas


@pytest.fixture(autouse=True)
def screening_content(db) -> None:  # noqa: ANN001
    call_command("load_screening_content", stdout=StringIO())


def closed_case(personas: Personas, *, days_ago: int) -> Case:
    case = actions.open_case(
        unit=personas.emergency,
        jurisdiction="CA-ON",
        age_years=31,
        preferred_language="en",
        by=personas.clinician,
        ward_label="Bay 4",
    )
    actions.escalate_case(case, reason="Companion answered for her", to=None, by=personas.clinician)
    actions.comment_on_case(case, comment="Ask about the van again", by=personas.supervisor)
    Case.objects.filter(pk=case.pk).update(
        contact_code_word="bluebird", contact_safe_times="mornings", concern_level="high"
    )
    screening_actions.record_not_screened(
        case,
        reason="patient_declined",
        note="She said he waits outside",
        universal_education_offered=True,
        by=personas.clinician,
    )
    EncounterNote.objects.create(
        case=case,
        template_slug="encounter",
        template_version=1,
        sections={"history": "Told us about the van"},
        injuries=[{"site": "left_arm"}],
        created_by=personas.clinician,
        updated_by=personas.clinician,
    )
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED, closed_at=timezone.now() - timedelta(days=days_ago)
    )
    return Case.objects.get(pk=case.pk)


def test_purges_only_cases_closed_longer_than_the_setting(personas: Personas) -> None:
    old = closed_case(personas, days_ago=91)
    recent = closed_case(personas, days_ago=89)
    out = StringIO()
    call_command("purge_closed_cases", stdout=out)
    assert "Purged 1 closed case(s)." in out.getvalue()
    old.refresh_from_db()
    assert old.purged_at is not None
    assert (old.ward_label, old.age_years, old.contact_code_word, old.contact_safe_times) == (
        "",
        None,
        "",
        "",
    )
    assert old.escalation_reason == ""
    assert Screening.objects.get(case=old).not_screened_note == ""
    assert Screening.objects.get(case=old).not_screened_reason == "patient_declined"
    note = EncounterNote.objects.get(case=old)
    assert note.sections == {} and note.injuries == []
    # The recent one is untouched.
    recent.refresh_from_db()
    assert recent.purged_at is None and recent.contact_code_word == "bluebird"
    assert EncounterNote.objects.get(case=recent).injuries == [{"site": "left_arm"}]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CASE_PURGE)
    # The escalation and the comment carried words; nothing else on this timeline did.
    assert entry.case == old and entry.detail == {"retention_days": 90, "events_redacted": 2}


def payload_of(case: Case, kind: EventKind) -> dict[str, object]:
    return CaseEvent.objects.get(case=case, kind=kind).payload


def test_timeline_words_go_and_kinds_codes_and_dates_stay(personas: Personas) -> None:
    old = closed_case(personas, days_ago=91)
    before = {e.pk: (e.kind, e.at, e.by_id) for e in CaseEvent.objects.filter(case=old)}
    call_command("purge_closed_cases", stdout=StringIO())
    after = {e.pk: (e.kind, e.at, e.by_id) for e in CaseEvent.objects.filter(case=old)}
    assert after == before
    escalated = CaseEvent.objects.get(case=old, kind=EventKind.CASE_ESCALATED)
    assert escalated.payload == {"to": None, "reason": ""} and escalated.summary == ""
    comment = CaseEvent.objects.get(case=old, kind=EventKind.REVIEW_COMMENTED)
    assert comment.payload == {"comment": ""} and comment.summary == ""
    # The not-screened reason is a code the figures count: it stays, and so does its summary.
    not_screened = CaseEvent.objects.get(case=old, kind=EventKind.SCREENING_NOT_SCREENED)
    assert not_screened.payload["reason"] == "patient_declined"
    assert not_screened.summary.startswith("Not screened")
    words = ("Companion", "van", "waits outside", "Bay 4", "bluebird")
    for event in CaseEvent.objects.filter(case=old):
        assert not any(word in f"{event.summary} {event.payload}" for word in words)


def test_every_declared_free_text_field_is_a_payload_field_and_never_audited() -> None:
    for kind, declared in EVENTS.items():
        assert declared.free_text <= declared.payload, kind
        assert not declared.free_text & declared.audited, kind
    assert timeline_guard.free_text_fields()["case.escalated"] == ["reason"]
    assert "review.returned" in timeline_guard.summary_kinds()


def try_update(event: CaseEvent, **changes: object) -> None:
    with transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(**changes)


@pytest.mark.parametrize(
    ("kind", "changes"),
    [
        # Anything but blanking declared free text is refused by the database itself.
        (EventKind.CASE_ESCALATED, {"kind": "case.opened"}),
        (EventKind.CASE_ESCALATED, {"payload": {"to": None, "reason": "[removed]"}}),
        (EventKind.CASE_ESCALATED, {"payload": {"to": None, "reason": None}}),
        (EventKind.CASE_ESCALATED, {"payload": {"to": 99, "reason": ""}}),
        (EventKind.CASE_ESCALATED, {"payload": {"to": None}}),
        (EventKind.CASE_ESCALATED, {"payload": {"to": None, "reason": "", "extra": ""}}),
        (EventKind.CASE_ESCALATED, {"summary": "Escalated"}),
        (EventKind.SCREENING_NOT_SCREENED, {"payload": {"screening": 1, "reason": ""}}),
        (EventKind.SCREENING_NOT_SCREENED, {"summary": ""}),
        (EventKind.CASE_OPENED, {"at": timezone.now() - timedelta(days=1)}),
    ],
)
def test_the_database_refuses_any_other_change_to_a_closed_cases_timeline(
    personas: Personas, kind: EventKind, changes: dict[str, object]
) -> None:
    case = closed_case(personas, days_ago=1)
    event = CaseEvent.objects.get(case=case, kind=kind)
    with pytest.raises(DatabaseError, match="append-only"):
        try_update(event, **changes)
    assert CaseEvent.objects.get(pk=event.pk).payload == event.payload


def test_the_database_allows_blanking_free_text_on_a_closed_case_only(personas: Personas) -> None:
    case = closed_case(personas, days_ago=1)
    event = CaseEvent.objects.get(case=case, kind=EventKind.CASE_ESCALATED)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.OPEN)
    with pytest.raises(DatabaseError, match="append-only"):
        try_update(event, payload={"to": None, "reason": ""}, summary="")
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    try_update(event, payload={"to": None, "reason": ""}, summary="")
    event.refresh_from_db()
    assert event.payload == {"to": None, "reason": ""} and event.summary == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's test runner deletes rows")
def test_the_database_refuses_deleting_a_timeline_entry(personas: Personas) -> None:
    case = closed_case(personas, days_ago=1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CaseEvent.objects.filter(case=case).delete()


def test_facility_setting_and_second_run(personas: Personas) -> None:
    case = closed_case(personas, days_ago=10)
    type(personas.facility).objects.filter(pk=personas.facility.pk).update(retention_days=7)
    call_command("purge_closed_cases", stdout=StringIO())
    out = StringIO()
    call_command("purge_closed_cases", stdout=out)
    assert "Purged 0 closed case(s)." in out.getvalue()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CASE_PURGE, case=case).count() == 1


def test_open_cases_are_never_purged(personas: Personas) -> None:
    case = actions.open_case(
        unit=personas.emergency,
        jurisdiction="CA-ON",
        age_years=31,
        preferred_language="en",
        by=personas.clinician,
        ward_label="Bay 9",
    )
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now() - timedelta(days=400))
    call_command("purge_closed_cases", stdout=StringIO())
    case.refresh_from_db()
    assert case.purged_at is None and case.ward_label == "Bay 9"


def test_figures_still_count_purged_cases(personas: Personas) -> None:
    for _ in range(5):
        closed_case(personas, days_ago=100)
    call_command("purge_closed_cases", stdout=StringIO())
    result = figures.tabulate(figures.load(Case.objects.filter(facility=personas.facility)))
    row = dict(zip(figures.header(), result.rows[0], strict=True))
    assert row["Cases opened"] == "5" and row["High concern"] == "5"
    assert row["Not screened"] == "5" and row["Escalated"] == "5"
    assert [(code, n) for code, _label, n in result.reasons] == [("patient_declined", "5")]


@pytest.mark.parametrize("status", [Case.Status.CLOSED, Case.Status.OPEN])
def test_closing_stamps_closed_at_and_reopening_clears_it(personas: Personas, status: str) -> None:
    case = actions.open_case(
        unit=personas.emergency,
        jurisdiction="CA-ON",
        age_years=31,
        preferred_language="en",
        by=personas.clinician,
    )
    actions.update_case(
        case, {"status": Case.Status.CLOSED}, base_version=case.version, by=personas.clinician
    )
    case.refresh_from_db()
    assert case.closed_at is not None
    if status == Case.Status.OPEN:
        actions.update_case(
            case, {"status": status}, base_version=case.version, by=personas.clinician
        )
        case.refresh_from_db()
        assert case.closed_at is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no database roles")
def test_the_apps_role_may_blank_free_text_and_nothing_else(personas: Personas) -> None:
    """The purge runs as the app's role: UPDATE on payload and summary only, checked by the
    trigger; any other column is a privilege error."""
    import psycopg

    from cases.db_roles import grant_app_role
    from tests.security.test_db_roles import app_role

    case = closed_case(personas, days_ago=1)
    event = CaseEvent.objects.get(case=case, kind=EventKind.CASE_ESCALATED)
    role = app_role()
    grant_app_role(connection, role)
    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"],
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=role,
        password=os.environ.get("HARBOR_DB_APP_PASSWORD", ""),
        autocommit=True,
    ) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE cases_caseevent SET kind = 'case.opened'")
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            conn.execute(
                'UPDATE cases_caseevent SET payload = \'{"to": null, "reason": "x"}\' '
                "WHERE id = %s",
                [event.pk],
            )
        conn.execute(
            'UPDATE cases_caseevent SET payload = \'{"to": null, "reason": ""}\', '
            "summary = '' WHERE id = %s",
            [event.pk],
        )
    event.refresh_from_db()
    assert event.payload == {"to": None, "reason": ""}


def test_a_purged_timeline_says_its_words_were_removed(personas: Personas) -> None:
    old = closed_case(personas, days_ago=91)
    call_command("purge_closed_cases", stdout=StringIO())
    page = personas.client_for("supervisor").get(old.get_absolute_url()).content.decode()
    assert (
        "Escalated to the supervisors on duty: details removed after the retention period" in page
    )
    assert "Supervisor comment: details removed after the retention period" in page
    assert "Companion" not in page and "the van" not in page


def test_a_logged_report_keeps_its_dates_and_loses_what_was_typed(personas: Personas) -> None:
    from safety import actions as safety_actions
    from safety.models import Disclosure

    case = closed_case(personas, days_ago=0)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.OPEN, closed_at=None)
    made_at = timezone.now() - timedelta(hours=2)
    safety_actions.log_disclosure(
        case,
        recipient="Constable Reyes, 14 Division",
        made_at=made_at,
        legal_basis="Patient's consent",
        patient_informed=False,
        not_informed_reason="Her partner reads her messages",
        reference_number="RX-2211",
        by=personas.clinician,
    )
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED, closed_at=timezone.now() - timedelta(days=400)
    )
    call_command("purge_closed_cases", stdout=StringIO())
    disclosure = Disclosure.objects.get(case=case)
    typed = [disclosure.recipient, disclosure.not_informed_reason, disclosure.reference_number]
    assert "Reyes" not in " ".join(typed) and "partner" not in " ".join(typed)
    assert "RX-2211" not in typed
    # What the figures need stays: that it was made, when, and that the patient was not told.
    assert disclosure.made_at == made_at and disclosure.patient_informed is False
