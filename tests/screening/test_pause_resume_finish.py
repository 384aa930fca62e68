"""Pause hides the questions, resume asks again that the patient is alone, finish freezes it."""

from __future__ import annotations

from django.urls import reverse

from screening.models import Screening
from tests.screening.conftest import answer_post

FIRST_QUESTION = "Can you tell me a bit about where you"


def post(client, name, case, data=None):
    return client.post(reverse(f"screening:{name}", kwargs={"case_ref": case.ref}), data or {})


def tab(client, case) -> str:
    url = reverse("screening:case-screening", kwargs={"case_ref": case.ref})
    return client.get(url).content.decode()


def test_pausing_hides_the_questions_and_keeps_the_answers(personas, screening):
    client = personas.client_for("clinician")
    answer = screening.answers.first()
    client.post(
        reverse("screening:save-answer", args=[screening.case.ref, answer.pk]),
        answer_post(answer, note="kept while paused"),
    )
    assert post(client, "pause-screening", screening.case).status_code == 302
    screening.refresh_from_db()
    assert screening.status == Screening.Status.PAUSED
    assert screening.case.events.filter(kind="screening.paused").exists()
    page = tab(client, screening.case)
    assert FIRST_QUESTION not in page
    assert "Resume" in page


def test_resuming_needs_the_patient_alone_again(personas, screening):
    client = personas.client_for("clinician")
    post(client, "pause-screening", screening.case)
    refused = post(client, "resume-screening", screening.case)
    # Refused: back to the tab (a reload does not resend it), which says what is missing.
    assert refused.status_code == 302 and refused["Location"].endswith("#questions")
    assert (
        "Resume only once the patient is alone again"
        in client.get(refused["Location"]).content.decode()
    )
    screening.refresh_from_db()
    assert screening.status == Screening.Status.PAUSED
    post(client, "resume-screening", screening.case, {"still_alone": "on"})
    screening.refresh_from_db()
    assert screening.status == Screening.Status.IN_PROGRESS
    assert FIRST_QUESTION in tab(client, screening.case)


def test_finishing_freezes_the_answers_and_records_the_level(personas, screening):
    client = personas.client_for("clinician")
    answer = screening.answers.get(question__slug=screening.answers.first().question.slug)
    client.post(
        reverse("screening:save-answer", args=[screening.case.ref, answer.pk]),
        answer_post(answer, note="Sleeps on a mat", verbatim=True),
    )
    post(client, "complete-screening", screening.case)
    screening.refresh_from_db()
    assert screening.status == Screening.Status.COMPLETED
    assert screening.completed_at is not None
    assert screening.case.events.filter(kind="screening.completed").exists()
    page = tab(client, screening.case)
    assert "<q>Sleeps on a mat</q>" in page
    assert "<textarea" not in page.split('id="signs"')[1].split('id="summary"')[0]
    # Answers can no longer change.
    refused = client.post(
        reverse("screening:save-answer", args=[screening.case.ref, answer.pk]),
        answer_post(answer, note="changed later", version=2),
        headers={"HX-Request": "true"},
    )
    assert "Not saved" in refused.content.decode()
    answer.refresh_from_db()
    assert answer.note == "Sleeps on a mat"


def test_a_new_screening_can_start_after_one_is_finished(personas, screening):
    from tests.screening.conftest import GATE_MET

    client = personas.client_for("clinician")
    post(client, "complete-screening", screening.case)
    post(client, "start-screening", screening.case, GATE_MET)
    assert screening.case.screenings.count() == 2


def test_finishing_asks_once_more_and_says_how_many_questions_were_not_asked(personas, screening):
    page = (
        personas.client_for("clinician")
        .get(reverse("screening:case-screening", args=[screening.case.ref]))
        .content.decode()
    )
    assert '<details class="w-100" id="finish">' in page
    assert "Yes, finish the screening" in page
    assert f"{screening.answers.count()} questions were not asked" in page
