"""The retention command: closed cases lose identifying details and free text after the
facility's retention days; figures still count them. Runs on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases import actions, figures
from cases.models import AuditEntry, Case
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
    assert entry.case == old and entry.detail == {"retention_days": 90}


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
    assert result.reasons == [("patient_declined", "5")]


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
