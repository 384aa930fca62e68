"""Editing case details, with optimistic locking between two people on the same version."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import AuditEntry, Case


def details(case: Case, **changes) -> dict:
    data = {
        "age_years": case.age_years or "",
        "jurisdiction": case.jurisdiction,
        "preferred_language": case.preferred_language,
        "status": case.status,
        "contact_safe_times": "",
        "contact_code_word": "",
        "version": case.version,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def edit_url(case: Case) -> str:
    return reverse("cases:edit-case", kwargs={"case_ref": case.ref})


def test_clinician_saves_safe_contact_preferences(personas, case):
    client = personas.client_for("clinician")
    response = client.post(
        edit_url(case),
        details(
            case, contact_may_text="on", contact_safe_times="weekdays 9-11", jurisdiction="US-NY"
        ),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.contact_may_text and case.contact_safe_times == "weekdays 9-11"
    assert case.jurisdiction == "US-NY"
    assert case.version == 2
    event = case.events.get(kind="case.details_changed")
    assert "weekdays" not in str(event.payload) and "weekdays" not in event.summary


def test_do_not_contact_with_a_contact_method_is_refused_and_input_kept(personas, case):
    client = personas.client_for("clinician")
    response = client.post(
        edit_url(case),
        details(case, contact_do_not_contact="on", contact_may_call="on", contact_code_word="blue"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    # Said once, in a clinician's words: never the database constraint's name.
    assert page.count("cannot be combined with a way to contact the patient") == 1
    assert "Constraint" not in page and "do_not_contact_excludes" not in page
    assert 'value="blue"' in page
    case.refresh_from_db()
    assert case.version == 1 and not case.contact_do_not_contact


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("age_years", "130", "less than or equal to 125"),
        ("age_years", "-1", "greater than or equal to 0"),
    ],
)
def test_bad_input_gets_a_clear_message(personas, case, field, value, message):
    response = personas.client_for("clinician").post(
        edit_url(case), details(case, **{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_second_save_of_the_same_version_gets_a_conflict_and_keeps_its_input(personas, case):
    clinician = personas.client_for("clinician")
    supervisor = personas.client_for("supervisor")
    opened_at = details(case)  # both opened the form at version 1

    first = clinician.post(edit_url(case), {**opened_at, "contact_safe_times": "mornings"})
    assert first.status_code == 302

    second = supervisor.post(edit_url(case), {**opened_at, "contact_safe_times": "evenings only"})
    assert second.status_code == 200
    page = second.content.decode()
    assert "Someone saved this case while you were editing it" in page
    assert "mornings" in page  # what is saved now
    assert "evenings only" in page  # what they typed, still in the form
    case.refresh_from_db()
    assert case.contact_safe_times == "mornings"
    assert AuditEntry.objects.filter(case=case, action=AuditEntry.Action.CASE_CONFLICT).exists()

    # The form now carries the newest version, so saving again is a deliberate overwrite.
    assert f'name="version" value="{case.version}"' in page
    again = supervisor.post(edit_url(case), details(case, contact_safe_times="evenings only"))
    assert again.status_code == 302
    case.refresh_from_db()
    assert case.contact_safe_times == "evenings only"


def test_saving_nothing_changed_keeps_the_version(personas, case):
    personas.client_for("clinician").post(edit_url(case), details(case))
    case.refresh_from_db()
    assert case.version == 1
    assert not case.events.filter(kind="case.details_changed").exists()
