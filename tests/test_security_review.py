"""Regression tests from the security and privacy review: each once failed on a real defect."""

from __future__ import annotations

import json
from io import StringIO

from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from cases import actions as case_actions
from cases.models import AuditEntry, Role
from screening import actions as screening_actions
from screening.models import Instrument, InstrumentResponse


def _screening_content():
    call_command("load_screening_content", stdout=StringIO())


def _start_screening(case, by):
    _screening_content()
    return screening_actions.start_screening(
        case,
        screening_actions.Gate(
            separation_method="routine-procedure", separation_note="", interpreter="not-needed"
        ),
        by=by,
    )


# --- 1. Free text of a supervisor's review note is copied into the audit log -----------------


def test_resolve_escalation_note_text_is_not_copied_into_audit_log(personas, case):
    secret = "Uncle Viktor collects her passport and phone every night"
    case_actions.escalate_case(case, reason="worried", to=None, by=personas.clinician)
    client = personas.client_for("supervisor")
    response = client.post(
        reverse("cases:resolve-escalation", args=[case.ref]),
        {"note": secret, "version": case.version},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert not case.is_escalated  # the note was accepted, so the test can fail
    leaked = [e for e in AuditEntry.objects.all() if secret in json.dumps(e.detail)]
    assert leaked == [], "the review note's text is stored in AuditEntry.detail"


# --- 2. Case content re-rendered by a refused POST is shown without a CASE_VIEW audit ---------


def test_refused_resume_post_showing_the_screening_is_audited_as_a_view(personas, case):
    screening = _start_screening(case, personas.clinician)
    answer = screening.answers.select_related("question").first()
    secret = "He keeps my documents in his car"
    screening_actions.save_answer(
        answer,
        status="answered",
        note=secret,
        verbatim=True,
        concern=True,
        base_version=answer.version,
        by=personas.clinician,
    )
    before = AuditEntry.objects.filter(action=AuditEntry.Action.CASE_VIEW).count()
    client = personas.client_for("supervisor")
    # Refused, it redirects back to the tab (POST/redirect/GET), which shows it all again.
    response = client.post(reverse("screening:resume-screening", args=[case.ref]), {}, follow=True)
    assert response.redirect_chain and response.redirect_chain[0][1] == 302
    assert secret in response.content.decode()  # the whole tab, patient's words included
    after = AuditEntry.objects.filter(action=AuditEntry.Action.CASE_VIEW).count()
    assert after > before, "case content was displayed but no CASE_VIEW audit entry was written"


def test_refused_capacity_post_showing_the_reporting_tab_is_audited_as_a_view(personas, case):
    call_command("load_safety_content", stdout=StringIO())
    before = AuditEntry.objects.filter(action=AuditEntry.Action.CASE_VIEW).count()
    client = personas.client_for("supervisor")
    response = client.post(reverse("safety:assess-capacity", args=[case.ref]), {})
    assert response.status_code == 200
    assert case.ref in response.content.decode()  # the full case page with the reporting tab
    after = AuditEntry.objects.filter(action=AuditEntry.Action.CASE_VIEW).count()
    assert after > before, "case content was displayed but no CASE_VIEW audit entry was written"


# --- 3. Instrument answers are saved with no optimistic-lock check ----------------------------


def test_instrument_save_refuses_a_form_opened_before_someone_else_saved(personas, case):
    _start_screening(case, personas.clinician)
    instrument = Instrument.objects.published().for_age(case.age_years).get()
    prefix = f"instrument-{instrument.pk}"
    url = reverse("screening:save-instrument", args=[case.ref, instrument.pk])
    slugs = [item["slug"] for item in instrument.items]
    # Two clinicians open the tab at the same time (the form carries no version at all).
    first = {f"{prefix}-{slug}": "yes" for slug in slugs}
    second = {f"{prefix}-{slug}": "no" for slug in slugs}
    personas.client_for("clinician").post(url, first)
    personas.client_for("supervisor").post(url, second)  # built from the same, older state
    saved = InstrumentResponse.objects.get().answers
    assert all(value is True for value in saved.values()), (
        "the second save, made from a stale form, silently overwrote the first "
        f"(now {saved}); no version check exists on this save path"
    )


# --- 4. An administrator reaches case contents by granting themselves a clinical role --------


def test_administrator_cannot_give_themselves_a_clinical_role_in_manage(personas, case):
    admin = personas.administrator
    admin.is_staff = True
    admin.save()
    group = Group.objects.get(name=Role.ADMINISTRATOR)
    group.permissions.set(  # as load_demo sets them up
        Permission.objects.filter(
            content_type__app_label="cases", content_type__model__in=["user", "unit", "facility"]
        )
    )
    client = personas.client_for("administrator")
    url = reverse("admin:cases_user_change", args=[admin.pk])
    form = client.get(url)
    assert form.status_code == 200
    clinician_group = Group.objects.get(name=Role.CLINICIAN)
    response = client.post(
        url,
        {
            "username": admin.username,
            "first_name": admin.first_name,
            "last_name": "",
            "email": "",
            "is_active": "on",
            "is_staff": "on",
            "groups": [str(group.pk), str(clinician_group.pk)],
            "date_joined_0": admin.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": admin.date_joined.strftime("%H:%M:%S"),
            "facility": str(personas.facility.pk),
            "units": [str(personas.emergency.pk)],
        },
    )
    assert response.status_code in (302, 200)
    case_page = personas.client_for("administrator").get(case.get_absolute_url())
    assert case_page.status_code in (403, 404), (
        "the administrator gave themselves the clinician role and a unit in /manage/ and now "
        "reads the case"
    )


def test_administrator_grants_a_role_to_someone_else_and_it_is_audited(personas):
    admin = personas.administrator
    admin.is_staff = True
    admin.save()
    Group.objects.get(name=Role.ADMINISTRATOR).permissions.set(
        Permission.objects.filter(content_type__app_label="cases", content_type__model="user")
    )
    nurse = personas.other_clinician
    supervisor_group = Group.objects.get(name=Role.SUPERVISOR)
    clinician_group = Group.objects.get(name=Role.CLINICIAN)
    response = personas.client_for("administrator").post(
        reverse("admin:cases_user_change", args=[nurse.pk]),
        {
            "username": nurse.username,
            "first_name": nurse.first_name,
            "last_name": "",
            "email": "",
            "is_active": "on",
            "groups": [str(clinician_group.pk), str(supervisor_group.pk)],
            "facility": str(personas.facility.pk),
            "units": [str(personas.maternity.pk)],
        },
    )
    assert response.status_code == 302
    nurse.refresh_from_db()
    assert set(nurse.groups.values_list("name", flat=True)) == {"clinician", "supervisor"}
    entry = AuditEntry.objects.get(detail__object="user_access", detail__target=nurse.pk)
    assert entry.user == admin
    assert entry.detail["previous_roles"] == ["clinician"]
    assert entry.detail["roles"] == ["clinician", "supervisor"]


def test_a_stale_instrument_form_shows_both_versions_and_saving_again_replaces(personas, case):
    _start_screening(case, personas.clinician)
    instrument = Instrument.objects.published().for_age(case.age_years).get()
    prefix = f"instrument-{instrument.pk}"
    url = reverse("screening:save-instrument", args=[case.ref, instrument.pk])
    slugs = [item["slug"] for item in instrument.items]
    opened = {f"{prefix}-version": "0"}
    personas.client_for("clinician").post(
        url, {**opened, **{f"{prefix}-{s}": "yes" for s in slugs}}
    )
    supervisor = personas.client_for("supervisor")
    mine = {f"{prefix}-{s}": "no" for s in slugs}
    refused = supervisor.post(url, {**opened, **mine})
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Not saved:" in page and "your choices are still in the form" in page
    assert f'name="{prefix}-version" value="1"' in page
    assert AuditEntry.objects.filter(case=case, action=AuditEntry.Action.CASE_CONFLICT).exists()
    supervisor.post(url, {f"{prefix}-version": "1", **mine})
    response = InstrumentResponse.objects.get()
    assert response.version == 2 and not any(response.answers.values())


# --- 5. Deeply nested JSON crashes the upload and JSON editors with a 500 ---------------------

# Deep enough to exhaust the parser's recursion, short enough to pass the field-size floor.
DEEP = "[" * 20_000 + "]" * 20_000


def test_fhir_import_of_deeply_nested_json_is_refused_not_a_server_error(personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _screening_content()
    client = personas.client_for("administrator")
    client.raise_request_exception = False
    response = client.post(
        reverse("screening:import-content"),
        {"kind": "bank", "file": SimpleUploadedFile("q.json", DEEP.encode(), "application/json")},
    )
    assert response.status_code == 400, f"got {response.status_code} (RecursionError escaped)"


def test_jurisdiction_json_editor_refuses_deeply_nested_json(personas):
    from safety.models import Jurisdiction

    call_command("load_safety_content", stdout=StringIO())
    client = personas.client_for("administrator")
    client.raise_request_exception = False
    response = client.post(
        reverse("safety:admin-jurisdiction", args=["CA-ON"]),
        {
            "entry": DEEP,
            "note": "test",
            "base_version": Jurisdiction.objects.newest("CA-ON").version,
        },
    )
    assert response.status_code == 400, f"got {response.status_code}"
    assert "nested too deeply" in response.content.decode()
