"""The gate: no question before the patient is alone, with a professional interpreter if needed,
and told the limits of confidentiality; otherwise "not screened, and why" and resources."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases.models import AuditEntry
from cases.providers import hotlines_for
from screening.content import gate
from screening.models import Answer, Screening
from tests.screening.conftest import GATE_MET
from tests.visible_text import visible_text

FIRST_QUESTION = "Can you tell me a bit about where you"


def tab(case) -> str:
    return reverse("screening:case-screening", kwargs={"case_ref": case.ref})


def start(client, case, data):
    return client.post(reverse("screening:start-screening", kwargs={"case_ref": case.ref}), data)


def refused(client, case, url_name, data):
    """Post a form that must be refused: it redirects back to the gate (so reloading never
    sends it again), and the page it lands on shows the errors and what was typed, once."""
    response = client.post(reverse(url_name, kwargs={"case_ref": case.ref}), data)
    assert response.status_code == 302
    assert response["Location"] == tab(case) + "#gate"
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page


def start_refused(client, case, data):
    return refused(client, case, "screening:start-screening", data)


def test_before_the_gate_no_question_is_shown_and_the_ontario_text_is(personas, case, content):
    page = personas.client_for("clinician").get(tab(case)).content.decode()
    assert "Before you ask anything" in page
    assert FIRST_QUESTION not in page
    assert "some gunshot or stab wounds" in page  # the CA text, for a CA-ON case
    assert "Ask open questions" in page  # guidance is beside the gate already


def test_meeting_the_gate_starts_a_screening_with_every_question_not_asked(personas, case, content):
    response = start(personas.client_for("clinician"), case, GATE_MET)
    assert response.status_code == 302
    screening = Screening.objects.get(case=case)
    assert screening.status == Screening.Status.IN_PROGRESS
    assert screening.answers.count() == 24
    assert set(screening.answers.values_list("status", flat=True)) == {Answer.Status.NOT_ASKED}
    event = case.events.get(kind="screening.gate_met")
    assert event.by == personas.clinician
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CASE_CHANGE, case=case, detail__event="screening.gate_met"
    ).exists()
    page = personas.client_for("clinician").get(tab(case)).content.decode()
    assert FIRST_QUESTION in page
    assert "What does that tattoo mean or represent?" in page  # beside the tattoo sign


def test_a_companion_as_interpreter_is_refused_with_the_reason(personas, case, content):
    response = start_refused(
        personas.client_for("clinician"), case, {**GATE_MET, "interpreter": "companion-or-family"}
    )
    assert not Screening.objects.exists()
    page = response.content.decode()
    assert "Not accepted." in page
    assert "They may be the person controlling the patient" in page
    assert FIRST_QUESTION not in page


@pytest.mark.parametrize(
    "missing", ["patient_alone", "confidentiality_explained", "patient_agreed"]
)
def test_every_part_of_the_gate_is_required(personas, case, content, missing):
    data = {key: value for key, value in GATE_MET.items() if key != missing}
    response = start_refused(personas.client_for("clinician"), case, data)
    assert not Screening.objects.exists()
    assert 'id="gate-errors"' in response.content.decode()


def test_other_separation_needs_a_few_words(personas, case, content):
    response = start_refused(
        personas.client_for("clinician"), case, {**GATE_MET, "separation_method": "other"}
    )
    assert "Say briefly how the patient was seen alone." in response.content.decode()
    assert not Screening.objects.exists()


def test_not_screened_records_why_and_shows_universal_education(personas, case, content):
    client = personas.client_for("clinician")
    response = client.post(
        reverse("screening:not-screened", kwargs={"case_ref": case.ref}),
        {"reason": "companion_would_not_leave", "universal_education_offered": "on"},
    )
    assert response.status_code == 302
    screening = Screening.objects.get(case=case)
    assert screening.status == Screening.Status.NOT_SCREENED
    assert not screening.answers.exists()
    event = case.events.get(kind="screening.not_screened")
    assert event.summary == "Not screened: Companion would not leave the patient alone"
    page = client.get(tab(case)).content.decode()
    assert gate()["universal_education"]["patient_text"] in page
    assert "1-833-900-1010" in page  # the Canadian line for a CA case
    assert "1-888-373-7888" not in page
    assert FIRST_QUESTION not in page
    assert "traffick" not in visible_text(page).lower()
    case.refresh_from_db()
    assert case.concern_level == ""  # nothing assessed: not "no concern"


def test_other_reason_needs_a_note(personas, case, content):
    response = refused(
        personas.client_for("clinician"), case, "screening:not-screened", {"reason": "other"}
    )
    assert "Say briefly why screening could not go ahead." in response.content.decode()
    assert not Screening.objects.exists()


def test_a_second_screening_cannot_start_while_one_is_under_way(personas, screening):
    response = start(personas.client_for("clinician"), screening.case, GATE_MET)
    assert response.status_code == 302
    assert Screening.objects.count() == 1


def test_the_screening_tab_never_names_the_crime(personas, screening):
    page = personas.client_for("clinician").get(tab(screening.case)).content.decode().lower()
    assert "traffick" not in page


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("patient_alone", "Confirm the patient is alone before asking anything."),
        ("separation_method", "Choose how the patient was seen alone."),
        ("interpreter", "Say whether a professional interpreter is needed."),
        ("confidentiality_explained", "Read the limits of confidentiality to the patient first."),
        ("patient_agreed", "Go ahead only if the patient agrees"),
    ],
)
def test_each_missing_part_of_the_gate_says_what_to_do(personas, case, content, missing, message):
    data = {key: value for key, value in GATE_MET.items() if key != missing}
    page = start_refused(personas.client_for("clinician"), case, data).content.decode()
    assert 'id="gate-errors"' in page
    assert message in page
    assert "This field is required." not in page
    # Only a companion chosen as interpreter is "not accepted"; a missing choice is not.
    assert "Not accepted." not in page


def test_a_refused_form_shows_its_errors_once_and_a_reload_does_not_resend_it(
    personas, case, content
):
    client = personas.client_for("clinician")
    page = start_refused(client, case, {**GATE_MET, "separation_method": "other"}).content.decode()
    assert "Say briefly how the patient was seen alone." in page
    again = client.get(tab(case)).content.decode()
    assert "Say briefly how the patient was seen alone." not in again
    assert not Screening.objects.exists()


def test_a_refused_gate_keeps_what_was_ticked(personas, case, content):
    page = start_refused(
        personas.client_for("clinician"),
        case,
        {
            **GATE_MET,
            "separation_method": "registration-forms",
            "interpreter": "companion-or-family",
        },
    ).content.decode()
    assert re.search(r'<input[^>]*value="registration-forms"[^>]*checked', page)
    assert "A companion, friend or family member cannot interpret." in page


def test_the_resources_to_offer_are_shown_before_not_screened_is_recorded(personas, case, content):
    page = personas.client_for("clinician").get(tab(case)).content.decode()
    assert 'id="offer-resources"' in page
    assert "1-833-900-1010" in page  # Canada's line, for a CA-ON case
    assert "1-888-373-7888" not in page
    assert gate()["universal_education"]["patient_text"] in page


@pytest.mark.parametrize("jurisdiction", ["CA-ON", "US-NY", "GB-ENG"])
def test_patient_facing_resources_never_name_the_crime_in_any_country(
    personas, content, jurisdiction
):
    from cases import actions as case_actions

    case = case_actions.open_case(
        unit=personas.emergency,
        jurisdiction=jurisdiction,
        age_years=30,
        preferred_language="en",
        by=personas.clinician,
    )
    client = personas.client_for("clinician")
    before = client.get(tab(case)).content.decode()
    client.post(
        reverse("screening:not-screened", kwargs={"case_ref": case.ref}),
        {"reason": "patient_declined", "universal_education_offered": "on"},
    )
    after = client.get(tab(case)).content.decode()
    assert "Not screened" in after
    for page in (before, after):
        assert "traffick" not in visible_text(page).lower()
    # The directory's lines for the place: their own names (which may say it) are one click
    # away, never shown; a place the directory has no line for says so instead.
    shown = visible_text(after)
    lines = hotlines_for(jurisdiction=jurisdiction)
    assert bool(lines) is (jurisdiction != "GB-ENG")
    assert ("No line on file for this place." in shown) is (not lines)
    for line in lines:
        assert f"{line.screen_label} · {line.phone}" in shown
        assert line.full_name not in shown
        assert f"<summary>Full name of this line</summary><span>{line.full_name}</span>" in after


@pytest.mark.parametrize(
    "method", [m["slug"] for m in gate()["separation_methods"]], ids=lambda slug: slug
)
def test_how_the_patient_was_separated_is_recorded_with_the_screening(
    personas, case, content, method
):
    label = next(m["label"] for m in gate()["separation_methods"] if m["slug"] == method)
    note = "Walked her to the scale in the corridor" if method == "other" else ""
    data = {**GATE_MET, "separation_method": method, "separation_note": note}
    assert start(personas.client_for("clinician"), case, data).status_code == 302
    screening = Screening.objects.get(case=case)
    assert (screening.separation_method, screening.separation_note) == (method, note)
    assert screening.patient_alone and screening.confidentiality_explained
    assert screening.patient_agreed
    payload = case.events.get(kind="screening.gate_met").payload
    assert payload["separation"] == label
    assert payload["interpreter"] == "Not needed: we share a language"


@pytest.mark.parametrize(
    "reason", [r["slug"] for r in gate()["not_screened_reasons"]], ids=lambda slug: slug
)
def test_each_reason_for_not_screening_is_recorded_and_shown_with_resources(
    personas, case, content, reason
):
    label = next(r["label"] for r in gate()["not_screened_reasons"] if r["slug"] == reason)
    client = personas.client_for("clinician")
    response = client.post(
        reverse("screening:not-screened", kwargs={"case_ref": case.ref}),
        {"reason": reason, "note": "Seen again at discharge" if reason == "other" else ""},
    )
    assert response.status_code == 302
    screening = Screening.objects.get(case=case)
    assert (screening.status, screening.not_screened_reason) == ("not_screened", reason)
    assert screening.universal_education_offered is False
    assert case.events.get(kind="screening.not_screened").summary == f"Not screened: {label}"
    page = client.get(tab(case)).content.decode()
    assert f"Recorded reason: <strong>{label}</strong>" in page
    assert "Resources not yet offered." in page
    assert gate()["universal_education"]["patient_text"] in page
    assert FIRST_QUESTION not in page


@pytest.mark.parametrize(
    ("jurisdiction", "text_key"),
    [("CA-ON", "CA"), ("CA-QC", "CA"), ("US-NY", "US"), ("GB-ENG", "default")],
)
def test_the_gate_shows_the_confidentiality_text_of_the_case_jurisdiction(
    personas, content, jurisdiction, text_key
):
    from cases import actions as case_actions

    case = case_actions.open_case(
        unit=personas.emergency,
        jurisdiction=jurisdiction,
        age_years=30,
        preferred_language="en",
        by=personas.clinician,
    )
    page = personas.client_for("clinician").get(tab(case)).content.decode()
    expected = gate()["confidentiality_limits"]["texts"][text_key]
    others = [t for k, t in gate()["confidentiality_limits"]["texts"].items() if k != text_key]
    assert f'id="confidentiality-text">{expected}</blockquote>' in page.replace("&#x27;", "'")
    assert not any(other in page.replace("&#x27;", "'") for other in others)
