"""Facts → what the rules require, through the views; recording the decision on the case."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases import actions as case_actions
from cases.content import save_version
from cases.models import AuditEntry
from safety import actions
from safety.models import Jurisdiction, ReportingDecisionRecord, RuleTableVersion

ONTARIO_V1 = "CA-ON 1 · CA 1 · DEFAULT 1"

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "facts"}


def assess(case, by, outcome: str = "present") -> None:
    """Record a capacity assessment: all four abilities `outcome` ("present" or "absent")."""
    finding = {
        a: (outcome, "Said it back in her own words")
        for a in ("communicate_choice", "understand", "appreciate", "reason")
    }
    actions.record_capacity_assessment(
        case, decision="whether to involve police", findings=finding, by=by
    )


def facts(**changes) -> dict:
    """A 24-year-old in Ontario with no injury, at home, who declined police."""
    data = {
        "age": 24,
        "age_basis": "confirmed",
        "injury_kind": "none",
        "lives_in_care_facility": "no",
        "patient_consents": "no",
        "rules_version": ONTARIO_V1,
        "action": "check",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def check(client, case, **changes):
    return client.post(reverse("safety:check-reporting", args=[case.ref]), facts(**changes), **HTMX)


def section(html: str, heading: str) -> str:
    """The text under one result heading, up to the next one."""
    return html.split(f">{heading}</h5>")[1].split("<h5")[0]


def headline(html: str) -> str:
    return re.search(r'<p class="fw-bold mb-2 headline">([^<]+)</p>', html).group(1)


def test_checking_returns_the_facts_fragment_with_the_result(personas, case, content):
    response = check(personas.client_for("clinician"), case)
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="mb-4" id="facts"')
    assert "What these facts lead to" in html and "<html" not in html
    assert "Decision support, not legal advice." in html
    assert "Record this decision" in html
    assert not ReportingDecisionRecord.objects.exists()


def test_sixteen_year_old_in_ontario_reporting_is_permitted_not_required(personas, case, content):
    assess(case, personas.clinician)
    html = check(personas.client_for("clinician"), case, age=16).content.decode()
    assert headline(html) == "No report is required on these facts."
    permitted = section(html, "Permitted: you may report")
    assert "a children&#x27;s aid society" in permitted
    assert "Child, Youth and Family Services Act, 2017, s.125" in permitted
    # The guide's general statement and Ontario's law, side by side in one line.
    assert "The guide says a report to child protection and to the police is required" in html
    assert "The law of Ontario says" in html


def test_a_minor_keeps_the_consent_path_to_police(personas, case, content):
    assess(case, personas.clinician)
    html = check(
        personas.client_for("clinician"), case, age=16, patient_consents="unknown"
    ).content.decode()
    consent = section(html, "With the patient’s consent")
    assert "local police" in consent


def test_fifteen_year_old_in_ontario_must_be_reported_with_the_whole_duty(personas, case, content):
    html = check(personas.client_for("clinician"), case, age=15).content.decode()
    assert headline(html) == "Required: a report to a children&#x27;s aid society."
    required = section(html, "Required")
    for shown in ("Who reports", "How", "How soon", "What may be disclosed", "Law"):
        assert f">{shown}</dt>" in required
    assert "Any person, professionals included" in required
    # A statute and a plain label; never a rule id or a file name.
    assert "CA-ON-child-under-16" not in html and "REFERENCES-" not in html and "seed/" not in html


def test_competent_adult_who_declines_police_no_report_and_a_hotline(personas, case, content):
    assess(case, personas.clinician)
    html = check(personas.client_for("clinician"), case).content.decode()
    assert headline(html) == "No report is required on these facts."
    assert "Declined by the patient: a report to local police." in html
    assert "their refusal is respected" in html
    assert "1-833-900-1010" in section(html, "Lines to call together with the patient")


def test_a_refusal_is_not_the_last_word_while_a_duty_is_undecided(personas, case, content):
    assess(case, personas.clinician)
    html = check(personas.client_for("clinician"), case, injury_kind="unknown").content.decode()
    assert headline(html).startswith("Not settled")
    assert "That stands only if none of the questions still open leads to a required report" in html
    assert "their refusal is respected" not in html


def test_an_unanswered_question_is_never_read_as_no(personas, case, content):
    assess(case, personas.clinician)
    html = check(
        personas.client_for("clinician"), case, lives_in_care_facility=None
    ).content.decode()
    assert headline(html).startswith("Not settled")
    assert "No report is required" not in headline(html)
    assert "care home or residential care facility" in section(
        html, "Answers that would change this"
    )


def test_gunshot_wound_requires_a_limited_police_report(personas, case, content):
    assess(case, personas.clinician)
    html = check(personas.client_for("clinician"), case, injury_kind="gunshot").content.decode()
    required = section(html, "Required")
    assert "local police" in required and "Mandatory Gunshot Wounds Reporting Act" in required
    assert "name" in required.split("What may be disclosed")[1].lower()
    assert "the patient&#x27;s consent is not sought" in html


def test_a_place_with_no_rules_says_so_first_and_gives_the_guide_only(personas, content):
    case = case_actions.open_case(
        unit=personas.emergency,
        jurisdiction="ELSEWHERE",
        age_years=40,
        preferred_language="en",
        by=personas.clinician,
    )
    assess(case, personas.clinician, "absent")
    html = check(personas.client_for("clinician"), case, age=40).content.decode()
    result = html.split('id="preview"')[1]
    assert result.index("Harbor has no rules for this place") < result.index("headline")
    assert headline(html).startswith("General advice from the guide, not the law of this place:")
    assert "local police" in section(html, "Required")


def test_capacity_comes_from_the_assessment_and_is_not_asked(personas, case, content):
    client = personas.client_for("clinician")
    html = client.get(reverse("safety:case-reporting", args=[case.ref])).content.decode()
    form = (
        html.split('id="facts-form"')[0].split('id="facts"')[1] + html.split('id="facts-form"')[1]
    )
    assert 'name="capacity"' not in form
    assert "not assessed (counts as unknown)" in html
    assess(case, personas.clinician)
    html = client.get(reverse("safety:case-reporting", args=[case.ref])).content.decode()
    used = html.split('id="capacity-used"')[1].split("</p>")[0]
    assert "Has capacity for this decision" in used and 'href="#reassess"' in used


def test_questions_that_cannot_matter_are_not_asked(personas, case, content):
    client = personas.client_for("clinician")
    adult = check(client, case, age=24).content.decode()
    minor = check(client, case, age=16, lives_in_care_facility=None).content.decode()
    assert 'name="lives_in_care_facility"' in adult
    assert 'name="lives_in_care_facility"' not in minor  # no "care home?" for a 16-year-old


def test_an_estimated_age_shows_the_minor_and_the_adult_side_by_side(personas, case, content):
    html = check(
        personas.client_for("clinician"), case, age=17, age_basis="estimated"
    ).content.decode()
    assert "The patient&#x27;s age is not confirmed" in html
    minor = html.split(">If the patient is a minor</h4>")[1].split(
        ">If the patient is an adult</h4>"
    )[0]
    adult = html.split(">If the patient is an adult</h4>")[1]
    assert "a children&#x27;s aid society" in minor and "under 16" in minor
    assert "a children&#x27;s aid society" not in adult.split("guide-note")[0]
    assert "plan for a possible minor" in html


def test_age_must_be_given_for_a_confirmed_age(personas, case, content):
    html = check(personas.client_for("clinician"), case, age="").content.decode()
    assert "Enter the age, or choose “Not known”." in html
    html = check(personas.client_for("clinician"), case, age_basis="unknown").content.decode()
    assert "An age is entered: choose whether it is confirmed or estimated." in html
    assert 'value="24"' in html  # what was typed is kept


def test_the_reporting_tab_says_it_is_decision_support(personas, case, content):
    html = (
        personas.client_for("clinician")
        .get(reverse("safety:case-reporting", args=[case.ref]))
        .content.decode()
    )
    intro = html.split('id="tab-heading"')[1].split('id="capacity"')[0]
    assert "Decision support, not legal advice." in intro


def test_recording_stores_the_whole_duty_and_the_capacity_assessment(personas, case, content):
    assess(case, personas.clinician)
    client = personas.client_for("clinician")
    response = client.post(
        reverse("safety:check-reporting", args=[case.ref]), facts(age=15, action="record")
    )
    assert response.status_code == 302 and response["Location"].endswith("/reporting/#recorded")
    record = ReportingDecisionRecord.objects.get(case=case)
    assert record.facts["age"] == 15 and record.facts["patient_consents"] == "no"
    assert record.facts["capacity"] == "has_capacity"
    assert record.facts["capacity_assessment"] == case.capacity_assessments.get().pk
    assert record.result["rules_version"] == ONTARIO_V1
    # The versions it used, one per layer merged (own, country, baseline).
    assert sorted((j.slug, j.version) for j in record.rules.all()) == [
        ("CA", 1),
        ("CA-ON", 1),
        ("DEFAULT", 1),
    ]
    required = record.result["required"]
    assert [r["recipient"] for r in required] == ["a children's aid society"]
    assert required[0]["legal_basis"] == "Child, Youth and Family Services Act, 2017, s.125"
    assert required[0]["reporter"] == "Any person, professionals included"
    assert required[0]["rule_ids"] == ["CA-ON-child-under-16"]
    assert required[0]["sources"] == ["REFERENCES-jurisdictions.md §2 (algomacas.org)"]
    case.refresh_from_db()
    assert case.report_outstanding
    assert case.events.filter(kind="reporting.decision_recorded").exists()
    assert AuditEntry.objects.filter(
        case=case, detail__event="reporting.decision_recorded"
    ).exists()
    page = client.get(reverse("safety:case-reporting", args=[case.ref])).content.decode()
    recorded = page.split('id="recorded-heading"')[1]
    assert "Not logged yet" in recorded and 'id="out-of-date"' not in recorded
    assert (
        '<dt class="col-sm-7">Patient&#x27;s age</dt><dd class="col-sm-5">15 (Confirmed)'
        in recorded
    )


def test_the_next_decision_starts_from_the_last_recorded_facts(personas, case, content):
    client = personas.client_for("clinician")
    client.post(reverse("safety:check-reporting", args=[case.ref]), facts(action="record"))
    html = client.get(reverse("safety:case-reporting", args=[case.ref])).content.decode()
    assert re.search(r'name="lives_in_care_facility" value="no"[^>]*checked', html)
    assert re.search(r'name="injury_kind" value="none"[^>]*checked', html)


def test_a_later_capacity_assessment_marks_the_decision_out_of_date(personas, case, content):
    assess(case, personas.clinician)
    client = personas.client_for("clinician")
    client.post(reverse("safety:check-reporting", args=[case.ref]), facts(action="record"))
    url = reverse("safety:case-reporting", args=[case.ref])
    assert 'id="out-of-date"' not in client.get(url).content.decode()
    assess(case, personas.clinician, "absent")  # lacks capacity: the consent path no longer holds
    assert 'id="out-of-date"' in client.get(url).content.decode()


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


def edit_ontario(by, change) -> Jurisdiction:
    """Save CA-ON's rules, changed by `change(entry)`, as its next version."""
    newest = Jurisdiction.objects.newest("CA-ON")
    entry = newest.as_content()
    change(entry)
    row, _created = save_version(
        Jurisdiction, "CA-ON", entry, base_version=newest.version, by=by, note="Edited"
    )
    return row


def test_recording_after_the_rules_changed_is_refused_until_reviewed(personas, case, content):
    edit_ontario(personas.administrator, lambda entry: entry.update(name="Ontario (re-checked)"))
    client = personas.client_for("clinician")
    response = client.post(
        reverse("safety:check-reporting", args=[case.ref]),
        facts(age=15, action="record", rules_version=ONTARIO_V1),
        **HTMX,
    )
    html = response.content.decode()
    assert "The reporting rules changed since you last checked" in html
    assert 'name="rules_version" value="CA-ON 2 · CA 1 · DEFAULT 1"' in html
    assert not ReportingDecisionRecord.objects.exists()
    client.post(
        reverse("safety:check-reporting", args=[case.ref]),
        facts(age=15, action="record", rules_version="CA-ON 2 · CA 1 · DEFAULT 1"),
    )
    used = ReportingDecisionRecord.objects.get().rules.get(slug="CA-ON")
    assert used.version == 2


def test_the_recorded_decision_outlives_later_rule_edits(personas, case, content):
    client = personas.client_for("clinician")
    client.post(reverse("safety:check-reporting", args=[case.ref]), facts(age=15, action="record"))

    def rename(entry):
        for row in entry["rules"]:
            row["recipient"] = row["recipient"].replace("children's aid", "renamed")

    edit_ontario(personas.administrator, rename)
    html = client.get(reverse("safety:case-reporting", args=[case.ref])).content.decode()
    recorded = html.split('id="recorded-heading"')[1]
    assert "a children&#x27;s aid society" in recorded
    assert 'id="out-of-date"' in recorded  # today's rules would send it elsewhere
    record = ReportingDecisionRecord.objects.get()
    assert record.rules.get(slug="CA-ON").version == 1  # the version it used, kept


@pytest.mark.parametrize("persona", ["other_clinician", "administrator"])
def test_others_cannot_check_or_record(personas, case, content, persona):
    response = check(personas.client_for(persona), case, action="record")
    assert response.status_code == (404 if persona == "other_clinician" else 403)
    assert not ReportingDecisionRecord.objects.exists()


def test_a_changed_age_on_the_case_marks_the_decision_out_of_date(personas, case, content):
    client = personas.client_for("clinician")
    client.post(reverse("safety:check-reporting", args=[case.ref]), facts(action="record"))
    url = reverse("safety:case-reporting", args=[case.ref])
    assert 'id="out-of-date"' not in client.get(url).content.decode()
    case.age_years = 15  # corrected in the case details: now a required report
    case.save(update_fields=["age_years"])
    assert 'id="out-of-date"' in client.get(url).content.decode()


def test_a_decision_recorded_by_the_earlier_engine_still_shows_and_is_out_of_date(
    personas, case, content
):
    old_result = {
        "jurisdiction": "CA-ON",
        "rules_version": 1,
        "required": [
            {
                "recipient": "a children's aid society",
                "legal_basis": "Child, Youth and Family Services Act, 2017, s.125",
                "disclosure_limit": "The concern.",
                "rule_id": "CA-ON-child-under-16",
                "reason": "The patient is 15.",
                "needs_verification": False,
            }
        ],
        "permitted": [],
        "needs_consent": [],
        "hotlines": [],
        "unknowns": [],
        "reasons": [],
    }
    ReportingDecisionRecord.objects.create(
        case=case,
        facts={"jurisdiction": "CA-ON", "age": 15, "serious_crime_injury": "no"},
        result=old_result,
        rule_table=RuleTableVersion.objects.create(version=1, data={}, note="Before"),
        recorded_by=personas.clinician,
    )
    client = personas.client_for("clinician")
    html = client.get(reverse("safety:case-reporting", args=[case.ref])).content.decode()
    assert 'id="out-of-date"' in html and "a children&#x27;s aid society" in html
    response = client.post(
        reverse("safety:log-disclosure", args=[case.ref]),
        {
            "report": "a children's aid society",
            "made_at": "2026-11-30T10:00",
            "patient_informed": "yes",
        },
    )
    assert response.status_code == 302
    assert case.disclosures.get().rule_id == "CA-ON-child-under-16"
