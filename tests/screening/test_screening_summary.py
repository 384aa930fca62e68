"""The concern summary on the tab: the level, every reason behind it, the next steps, and the
plain statement that the conversation guide is not a validated score."""

from __future__ import annotations

from django.urls import reverse

from screening.rules import DISCLAIMER
from tests.screening.conftest import answer_post, sign_post

HTMX = {"HX-Request": "true"}


def summary(client, case) -> str:
    response = client.get(reverse("screening:summary", kwargs={"case_ref": case.ref}))
    assert response.status_code == 200
    return response.content.decode().replace("&#x27;", "'")


def save_sign(client, screening, slug: str) -> None:
    observation = screening.observations.get(indicator__slug=slug)
    url = reverse("screening:save-observation", args=[screening.case.ref, observation.pk])
    assert "Saved" in client.post(url, sign_post(observation), headers=HTMX).content.decode()


def save_answer(client, screening, question_slug: str, **fields) -> None:
    answer = screening.answers.get(question__slug=question_slug)
    url = reverse("screening:save-answer", args=[screening.case.ref, answer.pk])
    response = client.post(url, answer_post(answer, **fields), headers=HTMX)
    assert "Saved" in response.content.decode()


def test_a_new_screening_shows_no_concern_yet_and_says_it_is_not_a_score(personas, screening):
    page = summary(personas.client_for("clinician"), screening.case)
    assert "Concern summary (so far)" in page
    assert "No concern identified" in page
    assert "No concern: no strong sign" in page
    assert "Document that screening was done." in page
    assert str(DISCLAIMER) in page
    assert "not a validated screening score" in page


def test_possible_concern_names_the_sign_and_suggests_the_next_steps(personas, screening):
    client = personas.client_for("clinician")
    save_sign(client, screening, "ownership-tattoo")
    page = summary(client, screening.case)
    assert "Possible concern" in page
    assert "Possible concern: one strong sign was observed." in page
    assert "Observed (strong sign): Tattoo or branding that may mark ownership" in page
    assert "Schedule a follow-up visit" in page
    assert "Start the safety protocol" not in page
    assert str(DISCLAIMER) in page


def test_high_concern_lists_every_reason_and_the_safety_steps(personas, screening):
    client = personas.client_for("clinician")
    save_sign(client, screening, "ownership-tattoo")
    save_answer(client, screening, "who-holds-documents", note="He keeps it", concern=True)
    save_answer(client, screening, "sleeping-and-meals", status="declined")
    question = screening.answers.get(question__slug="who-holds-documents").question
    page = summary(client, screening.case)
    assert "High concern" in page
    assert "a concern was noted in an answer about threats, violence or pressure" in page
    assert "a strong sign was observed and a concern was noted" in page
    assert f"Concern noted in the answer to \u201c{question.text}\u201d" in page
    assert "Observed (strong sign): Tattoo" in page
    assert "Patient declined 1 question; declining is not counted as a concern." in page
    assert "Start the safety protocol" in page
    assert "Alert your supervisor now and escalate the case." in page
    assert str(DISCLAIMER) in page
    assert "traffick" not in page.lower()


def test_when_not_screened_the_summary_says_it_rests_on_signs_only(personas, case, content):
    client = personas.client_for("clinician")
    client.post(
        reverse("screening:not-screened", kwargs={"case_ref": case.ref}),
        {"reason": "no_interpreter"},
    )
    save_sign(client, case.screenings.get(), "companion-answers-for-patient")
    page = summary(client, case)
    assert "so no questions were asked: this summary rests on observed signs only" in page
    assert "Look for another chance to see the patient alone" in page
    assert str(DISCLAIMER) in page


def test_a_finished_screening_keeps_its_summary_on_the_tab(personas, screening):
    client = personas.client_for("clinician")
    save_sign(client, screening, "constant-phone-checks")
    save_sign(client, screening, "no-id-with-them")
    client.post(reverse("screening:complete-screening", args=[screening.case.ref]))
    page = client.get(
        reverse("screening:case-screening", args=[screening.case.ref])
    ).content.decode()
    section = page.split('id="summary"')[1].split("</section>")[0]
    assert "Concern summary</h3>" in section  # no longer "so far"
    assert "Possible concern: 2 supporting signs were observed." in section
    assert str(DISCLAIMER).replace("'", "&#x27;") in section
