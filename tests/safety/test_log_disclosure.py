"""The disclosure log: each report actually made, and the outstanding-report flag it clears."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from safety.models import Disclosure


def record_decision(client, case, **changes):
    data = {
        "age": 15,
        "age_basis": "confirmed",
        "injury_kind": "none",
        "patient_consents": "no",
        "rules_version": "CA-ON 1 · CA 1 · DEFAULT 1",
        "action": "record",
    }
    data.update(changes)
    return client.post(reverse("safety:check-reporting", args=[case.ref]), data)


def log(client, case, **changes):
    data = {
        "report": "a children's aid society",
        "other_recipient": "",
        "made_at": (timezone.localtime() - timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M"),
        "reference_number": "CAS-4411",
        "legal_basis": "",
        "patient_informed": "yes",
        "not_informed_reason": "",
    }
    data.update(changes)
    return client.post(reverse("safety:log-disclosure", args=[case.ref]), data)


def test_logging_the_required_report_clears_the_outstanding_flag(personas, case, content):
    client = personas.client_for("clinician")
    record_decision(client, case)
    case.refresh_from_db()
    assert case.report_outstanding

    response = log(client, case)
    assert response.status_code == 302 and response["Location"].endswith("#disclosures")
    entry = Disclosure.objects.get(case=case)
    assert entry.recipient == "a children's aid society" and entry.reference_number == "CAS-4411"
    assert entry.legal_basis == "Child, Youth and Family Services Act, 2017, s.125"
    assert entry.patient_informed and entry.logged_by == personas.clinician
    case.refresh_from_db()
    assert not case.report_outstanding
    event = case.events.get(kind="reporting.required_report_logged")
    assert event.summary == "Report to a children's aid society logged"
    page = client.get(reverse("safety:case-reporting", args=[case.ref])).content.decode()
    assert "CAS-4411" in page and "Logged</span>" in page


def test_supervisors_see_the_case_until_the_report_is_logged(personas, case, content):
    record_decision(personas.client_for("clinician"), case)
    supervisor = personas.client_for("supervisor")

    def outstanding_section() -> str:
        home = supervisor.get(reverse("cases:home")).content.decode()
        return home.split('id="reports-heading"')[1].split("</section>")[0]

    assert case.ref in outstanding_section()
    log(personas.client_for("supervisor"), case)
    assert case.ref not in outstanding_section()


def test_not_telling_the_patient_needs_a_reason_and_keeps_the_input(personas, case, content):
    client = personas.client_for("clinician")
    record_decision(client, case)
    response = log(client, case, patient_informed="no")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Say why the patient was not told." in html and 'value="CAS-4411"' in html
    assert not Disclosure.objects.exists()

    log(client, case, patient_informed="no", not_informed_reason="Controller present; risk of harm")
    entry = Disclosure.objects.get()
    assert not entry.patient_informed
    assert entry.not_informed_reason == "Controller present; risk of harm"


def test_the_log_shows_to_whom_when_reference_basis_and_whether_the_patient_was_told(
    personas, case, content
):
    client = personas.client_for("clinician")
    record_decision(client, case)
    made_at = timezone.localtime() - timedelta(hours=1)
    log(client, case, made_at=made_at.strftime("%Y-%m-%dT%H:%M"))
    log(
        client,
        case,
        report="other",
        other_recipient="Victim services",
        legal_basis="Patient's written consent",
        reference_number="",
        patient_informed="no",
        not_informed_reason="Controller in the room",
    )
    page = client.get(reverse("safety:case-reporting", args=[case.ref])).content.decode()
    rows = page.split('id="disclosures-heading"')[1].split("</tbody>")[0].split("<tr>")[2:]
    victim, society = rows  # newest report first
    assert "Victim services" in victim and "No: Controller in the room" in victim
    assert "Patient&#x27;s written consent" in victim and "<td>—</td>" in victim
    assert "a children&#x27;s aid society" in society and "CAS-4411" in society
    assert "Child, Youth and Family Services Act, 2017, s.125" in society
    assert "<td>Yes</td>" in society and "Clinician" in society
    assert made_at.strftime("%b %-d, %H:%M") in society


def test_another_recipient_needs_a_name_and_a_legal_basis(personas, case, content):
    client = personas.client_for("clinician")
    html = log(client, case, report="other").content.decode()
    assert "Name the recipient." in html and "Give the legal basis for this report." in html
    log(
        client,
        case,
        report="other",
        other_recipient="Victim services",
        legal_basis="Patient's written consent",
    )
    entry = Disclosure.objects.get()
    assert entry.recipient == "Victim services" and entry.rule_id == ""
    assert case.events.filter(kind="reporting.disclosure_logged").exists()


def test_a_required_report_logged_as_another_recipient_still_counts(personas, case, content):
    client = personas.client_for("clinician")
    record_decision(client, case)
    log(
        client,
        case,
        report="other",
        other_recipient="A Children's Aid  Society",
        legal_basis="CYFSA s.125",
    )
    case.refresh_from_db()
    assert not case.report_outstanding


def test_a_report_time_in_the_future_is_refused(personas, case, content):
    html = log(personas.client_for("clinician"), case, made_at="2999-01-01T10:00").content.decode()
    assert "This time is in the future." in html
    assert not Disclosure.objects.exists()


def test_the_reporting_tab_uses_a_fixed_number_of_queries(
    personas, case, content, django_assert_max_num_queries
):
    client = personas.client_for("clinician")
    record_decision(client, case)
    for number in range(5):
        log(client, case, reference_number=f"R-{number}")
    # 20, plus the directory's lines for the recorded result (at most 5: tests/referrals).
    with django_assert_max_num_queries(25):
        page = client.get(reverse("safety:case-reporting", args=[case.ref])).content.decode()
    assert "R-4" in page and "R-0" in page
