"""The reporting facts form: one question per fact the rules use, asked only where it matters."""

from __future__ import annotations

import re

from django.urls import reverse

from cases import actions as case_actions
from safety.models import ReportingDecisionRecord
from tests.safety.test_reporting_decision import HTMX, assess, facts, section


def post(client, case, **changes):
    return client.post(reverse("safety:check-reporting", args=[case.ref]), facts(**changes), **HTMX)


def case_in(personas, jurisdiction: str, age: int = 30):
    return case_actions.open_case(
        unit=personas.emergency,
        jurisdiction=jurisdiction,
        age_years=age,
        preferred_language="en",
        by=personas.clinician,
    )


def test_every_question_is_a_fieldset_named_by_its_question_and_nothing_is_preanswered(
    personas, case, content
):
    html = (
        personas.client_for("clinician")
        .get(reverse("safety:case-reporting", args=[case.ref]))
        .content.decode()
    )
    form = html.split('id="facts-form"')[1].split("</form>")[0]
    legends = re.findall(r"<legend[^>]*>([^<]+)</legend>", form)
    assert legends == [
        "The patient",
        "The age is",
        "Injury",
        "Does the patient live in a care home or residential care facility?",
        "Does the patient agree to the reports that need their consent (e.g. police)?",
    ]
    assert form.count('type="radio"') == len(re.findall(r'<input[^>]+type="radio"[^>]+id="', form))
    # Only what the case already holds is filled in: its age, recorded as given.
    checked = re.findall(r'name="(\w+)" value="(\w+)"[^>]*checked', form)
    assert checked == [("age_basis", "confirmed")]


def test_the_kind_of_injury_is_never_defaulted(personas, case, content):
    html = post(personas.client_for("clinician"), case, injury_kind=None).content.decode()
    assert "What these facts lead to" not in html
    assert "Some answers are missing or unclear" in html
    assert 'value="24"' in html


def test_any_injury_from_a_crime_is_asked_where_the_law_covers_any(personas, content):
    case = case_in(personas, "US-CA")
    assess(case, personas.clinician)
    client = personas.client_for("clinician")
    html = post(client, case, age=30, injury_kind="other", crime_injury="yes").content.decode()
    assert "Is any injury caused by a crime (an assault, abuse, any offence)?" in html
    assert 'name="serious_injury"' not in html  # California's §11160 is not about "serious"
    assert "local police" in section(html, "Required")
    assert "Cal. Penal Code §11160" in section(html, "Required")


def test_no_injury_means_no_injury_report_and_no_injury_question(personas, content):
    case = case_in(personas, "US-CA")
    assess(case, personas.clinician)
    html = post(personas.client_for("clinician"), case, age=30).content.decode()
    assert "local police" not in section(html, "Required")
    assert "caused by a crime" not in section(html, "Answers that would change this")


def test_the_wound_cause_is_asked_where_a_rule_turns_on_it(personas, content):
    case = case_in(personas, "CA-BC")
    html = post(
        personas.client_for("clinician"), case, age=30, injury_kind="stab", injury_cause=None
    ).content.decode()
    assert "How was the wound caused?" in html
    assert "How was the wound caused?" in section(html, "Answers that would change this")


def test_recorded_facts_leave_out_what_was_not_asked(personas, case, content):
    client = personas.client_for("clinician")
    client.post(reverse("safety:check-reporting", args=[case.ref]), facts(action="record"))
    record = ReportingDecisionRecord.objects.get(case=case)
    assert record.facts["injury_kind"] == "none"
    assert record.facts["harmed_in_care"] == "unknown"  # not an Ontario question
    html = client.get(reverse("safety:case-reporting", args=[case.ref])).content.decode()
    used = html.split("Facts used")[1].split("</details>")[0]
    assert "No injury" in used and "harmed while receiving care" not in used
