"""Facts → what the rules require, through the views; recording the decision on the case."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases import actions as case_actions
from cases.models import AuditEntry
from safety import actions
from safety.models import ReportingDecisionRecord, RuleTableVersion

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "facts"}


def facts(**changes) -> dict:
    """A 24-year-old with capacity who declined police; every fact answered explicitly."""
    data = {
        "age": 24,
        "capacity": "has_capacity",
        "serious_crime_injury": "no",
        "injury_kind": "other",
        "injury_self_inflicted_or_accidental": "no",
        "developmental_disability": "no",
        "vulnerable_or_elderly_adult": "no",
        "exploitation_kind": "sexual",
        "caregiver_involved": "no",
        "patient_consents_to_police": "no",
        "rules_version": 1,
        "action": "check",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def check(client, case, **changes):
    return client.post(reverse("safety:check-reporting", args=[case.ref]), facts(**changes), **HTMX)


def section(html: str, heading: str) -> str:
    """The text under one result heading, up to the next one."""
    return html.split(f">{heading}</h5>")[1].split("<h5")[0]


def test_checking_returns_the_facts_fragment_with_the_result(personas, case, content):
    response = check(personas.client_for("clinician"), case)
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="mb-4" id="facts"')
    assert "What these facts lead to" in html and "<html" not in html
    assert "Decision support, not legal advice." in html
    assert "Record this decision" in html
    assert not ReportingDecisionRecord.objects.exists()


def test_sixteen_year_old_in_ontario_reporting_is_permitted_not_required(personas, case, content):
    html = check(personas.client_for("clinician"), case, age=16).content.decode()
    assert "No report is required on these facts." in section(html, "Required")
    permitted = section(html, "Permitted: you may report")
    assert "a children&#x27;s aid society" in permitted
    assert "Child, Youth and Family Services Act, 2017, s.125" in permitted
    assert "checked 2026-11-29" in permitted


def test_fifteen_year_old_in_ontario_must_be_reported(personas, case, content):
    html = check(personas.client_for("clinician"), case, age=15).content.decode()
    required = section(html, "Required")
    assert "a children&#x27;s aid society" in required
    assert "What may be disclosed" in required and "Legal basis" in required


def test_competent_adult_who_declines_police_no_report_and_a_hotline(personas, case, content):
    html = check(personas.client_for("clinician"), case).content.decode()
    assert "No report is required on these facts." in section(html, "Required")
    assert "None." in section(html, "Only with the patient's consent")
    assert "declined police involvement" in html and "their refusal is respected" in html
    assert "1-833-900-1010" in section(html, "Lines to call together with the patient")


def test_competent_adult_not_asked_yet_gets_the_question(personas, case, content):
    html = check(
        personas.client_for("clinician"), case, patient_consents_to_police="unknown"
    ).content.decode()
    assert "local police" in section(html, "Only with the patient's consent")
    assert "Ask the patient whether they want police involved" in section(html, "Still unknown")


def test_adult_lacking_capacity_where_the_seed_baseline_applies(personas, content):
    case = case_actions.open_case(
        unit=personas.emergency,
        jurisdiction="US-WA",
        age_years=40,
        preferred_language="en",
        by=personas.clinician,
    )
    html = check(
        personas.client_for("clinician"), case, age=40, capacity="lacks_capacity"
    ).content.decode()
    required = section(html, "Required")
    assert "local police" in required and "Needs verification" in required
    assert "US-WA is not in the rule table" in html


def test_adult_lacking_capacity_in_ontario_asks_what_decides_it(personas, case, content):
    html = check(personas.client_for("clinician"), case, capacity="lacks_capacity").content.decode()
    assert "long-term care home" in section(html, "Still unknown")
    assert "substitute decision-maker" in html


def test_gunshot_wound_requires_a_limited_police_report(personas, case, content):
    html = check(
        personas.client_for("clinician"), case, injury_kind="gunshot", serious_crime_injury="yes"
    ).content.decode()
    required = section(html, "Required")
    assert "local police" in required and "Mandatory Gunshot Wounds Reporting Act" in required
    assert "name" in required.split("What may be disclosed")[1].lower()
    assert "the patient&#x27;s consent is not sought" in html


def test_unknown_age_is_a_question_not_a_guess(personas, case, content):
    html = check(personas.client_for("clinician"), case, age="", age_unknown="on").content.decode()
    assert "No report is required on these facts." in section(html, "Required")
    assert "Patient&#x27;s age: a report to a children&#x27;s aid society is required under 16" in (
        section(html, "Still unknown")
    )


@pytest.mark.parametrize(
    "missing",
    [
        "serious_crime_injury",
        "patient_consents_to_police",
        "capacity",
        "injury_kind",
        "developmental_disability",
        "vulnerable_or_elderly_adult",
        "exploitation_kind",
        "caregiver_involved",
    ],
)
def test_an_unanswered_fact_is_never_defaulted(personas, case, content, missing):
    client = personas.client_for("clinician")
    html = check(client, case, **{missing: None}).content.decode()
    assert "This field is required." in html
    assert "What these facts lead to" not in html
    assert 'value="24"' in html  # what was typed is kept
    client.post(
        reverse("safety:check-reporting", args=[case.ref]),
        facts(action="record", **{missing: None}),
    )
    assert not ReportingDecisionRecord.objects.exists()


def test_the_reporting_tab_says_it_is_decision_support(personas, case, content):
    html = (
        personas.client_for("clinician")
        .get(reverse("safety:case-reporting", args=[case.ref]))
        .content.decode()
    )
    intro = html.split('id="tab-heading"')[1].split('id="capacity"')[0]
    assert "Decision support, not legal advice." in intro


def test_age_must_be_given_or_marked_unknown(personas, case, content):
    html = check(personas.client_for("clinician"), case, age="").content.decode()
    assert "Enter the age, or tick “Age not known”." in html
    html = check(personas.client_for("clinician"), case, age_unknown="on").content.decode()
    assert "Either enter the age or tick “Age not known”." in html


def test_the_form_prefills_age_from_the_case_and_leaves_the_rest_unanswered(
    personas, case, content
):
    html = (
        personas.client_for("clinician")
        .get(reverse("safety:case-reporting", args=[case.ref]))
        .content.decode()
    )
    assert re.search(r'name="age" value="24"', html)
    for name in ("serious_crime_injury", "injury_kind", "patient_consents_to_police"):
        assert not re.search(rf'name="{name}" value="[a-z_]+"[^>]*checked', html)


def test_recording_stores_facts_result_and_rules_version(personas, case, content):
    client = personas.client_for("clinician")
    response = client.post(
        reverse("safety:check-reporting", args=[case.ref]), facts(age=15, action="record")
    )
    assert response.status_code == 302 and response["Location"].endswith("/reporting/#recorded")
    record = ReportingDecisionRecord.objects.get(case=case)
    assert record.facts["age"] == 15 and record.facts["patient_consents_to_police"] == "no"
    assert record.rule_table.version == 1 and record.result["rules_version"] == 1
    assert record.required_recipients() == ["a children's aid society"]
    assert record.recorded_by == personas.clinician
    case.refresh_from_db()
    assert case.report_outstanding
    event = case.events.get(kind="reporting.decision_recorded")
    assert event.summary == "Reporting decision recorded: 1 required, 0 permitted, 0 still unknown"
    assert AuditEntry.objects.filter(
        case=case, detail__event="reporting.decision_recorded"
    ).exists()
    page = client.get(reverse("safety:case-reporting", args=[case.ref])).content.decode()
    recorded = page.split('id="recorded-heading"')[1]
    assert "Not logged yet" in recorded and "Report to log" in page
    assert '<dt class="col-sm-7">Age in years</dt><dd class="col-sm-5">15</dd>' in recorded
    assert 'Does the patient want the police involved?</dt><dd class="col-sm-5">No' in recorded


def test_an_unknown_age_is_recorded_as_unknown(personas, case, content):
    personas.client_for("clinician").post(
        reverse("safety:check-reporting", args=[case.ref]),
        facts(age="", age_unknown="on", action="record"),
    )
    assert ReportingDecisionRecord.objects.get().facts["age"] is None
    page = personas.client_for("clinician").get(reverse("safety:case-reporting", args=[case.ref]))
    assert 'Age in years</dt><dd class="col-sm-5">Unknown' in page.content.decode()


def test_recording_with_htmx_redirects_the_browser(personas, case, content):
    response = personas.client_for("clinician").post(
        reverse("safety:check-reporting", args=[case.ref]), facts(action="record"), **HTMX
    )
    assert response.status_code == 200 and response["HX-Redirect"] == (
        f"/safety/cases/{case.ref}/reporting/"
    )


def test_a_decision_with_no_required_report_leaves_nothing_outstanding(personas, case, content):
    client = personas.client_for("clinician")
    url = reverse("safety:check-reporting", args=[case.ref])
    client.post(url, facts(age=15, action="record"))
    client.post(url, facts(age=24, action="record"))
    case.refresh_from_db()
    assert not case.report_outstanding
    assert ReportingDecisionRecord.objects.filter(case=case).count() == 2


def test_recording_after_the_rules_changed_is_refused_until_reviewed(personas, case, content):
    table = RuleTableVersion.objects.current()
    actions.save_rule_table(table.data, note="Re-checked", by=personas.administrator)
    client = personas.client_for("clinician")
    response = client.post(
        reverse("safety:check-reporting", args=[case.ref]),
        facts(age=15, action="record", rules_version=1),
        **HTMX,
    )
    html = response.content.decode()
    assert "The reporting rules changed since you last checked" in html
    assert 'name="rules_version" value="2"' in html
    assert not ReportingDecisionRecord.objects.exists()
    client.post(
        reverse("safety:check-reporting", args=[case.ref]),
        facts(age=15, action="record", rules_version=2),
    )
    assert ReportingDecisionRecord.objects.get().rule_table.version == 2


def test_the_recorded_decision_outlives_later_rule_edits(personas, case, content):
    client = personas.client_for("clinician")
    client.post(reverse("safety:check-reporting", args=[case.ref]), facts(age=15, action="record"))
    table = RuleTableVersion.objects.current()
    data = table.data
    for entry in data["jurisdictions"]:
        for row in entry["rules"]:
            row["recipient"] = row["recipient"].replace("children's aid", "renamed")
    actions.save_rule_table(data, note="Renamed", by=personas.administrator)
    html = client.get(reverse("safety:case-reporting", args=[case.ref])).content.decode()
    assert "a children&#x27;s aid society" in html.split('id="recorded-heading"')[1]
