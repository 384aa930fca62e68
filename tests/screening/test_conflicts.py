"""Two people saving the same row from the same version: the second is told, and loses nothing."""

from __future__ import annotations

from django.urls import reverse

from cases.models import AuditEntry
from tests.screening.conftest import answer_post, sign_post

HTMX = {"HX-Request": "true"}


def test_the_second_save_of_the_same_version_is_refused_showing_both_texts(personas, screening):
    answer = screening.answers.first()
    url = reverse(
        "screening:save-answer", kwargs={"case_ref": screening.case.ref, "answer_id": answer.pk}
    )
    first = personas.client_for("clinician").post(
        url, answer_post(answer, note="Stays at the employer's house"), headers=HTMX
    )
    assert "Saved" in first.content.decode()

    second = personas.client_for("supervisor").post(
        url, answer_post(answer, note="Lives with an aunt", version=1), headers=HTMX
    )
    body = second.content.decode()
    assert "Not saved" in body
    assert "Stays at the employer" in body  # what is saved now
    assert "Lives with an aunt" in body  # what they typed, still theirs
    assert "Save mine instead" in body
    # The row keeps the old version, so later autosaves keep refusing until the user chooses.
    assert f'name="answer-{answer.pk}-version" value="1"' in body
    answer.refresh_from_db()
    assert answer.note == "Stays at the employer's house"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CASE_CONFLICT).count() == 1


def test_without_javascript_the_conflict_page_keeps_the_typed_text(personas, screening):
    answer = screening.answers.first()
    url = reverse(
        "screening:save-answer", kwargs={"case_ref": screening.case.ref, "answer_id": answer.pk}
    )
    personas.client_for("clinician").post(url, answer_post(answer, note="first"))
    page = personas.client_for("supervisor").post(
        url, answer_post(answer, note="second", version=1)
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert ">\nsecond</textarea>" in body
    assert "first" in body


def test_choosing_to_keep_mine_saves_over_the_version_seen(personas, screening):
    answer = screening.answers.first()
    url = reverse(
        "screening:save-answer", kwargs={"case_ref": screening.case.ref, "answer_id": answer.pk}
    )
    personas.client_for("clinician").post(url, answer_post(answer, note="first"))
    response = personas.client_for("supervisor").post(
        url, answer_post(answer, note="second", version=1, overwrite=2)
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.note, answer.version) == ("second", 3)


def test_observed_signs_are_protected_the_same_way(personas, screening):
    observation = screening.observations.first()
    url = reverse(
        "screening:save-observation",
        kwargs={"case_ref": screening.case.ref, "observation_id": observation.pk},
    )
    personas.client_for("clinician").post(url, sign_post(observation, note="a"), headers=HTMX)
    response = personas.client_for("supervisor").post(
        url, sign_post(observation, note="b", version=1), headers=HTMX
    )
    assert "Not saved" in response.content.decode()
    observation.refresh_from_db()
    assert observation.note == "a"
