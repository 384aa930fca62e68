"""Answers and observed signs save as they are typed, keep the case's concern level current and
never lose what the clinician typed."""

from __future__ import annotations

from django.urls import reverse

from cases.models import AuditEntry
from screening.models import Answer, ObservedIndicator
from tests.screening.conftest import answer_post, sign_post

HTMX = {"HX-Request": "true"}


def answer_url(answer) -> str:
    return reverse(
        "screening:save-answer",
        kwargs={"case_ref": answer.screening.case.ref, "answer_id": answer.pk},
    )


def sign_url(observation) -> str:
    return reverse(
        "screening:save-observation",
        kwargs={"case_ref": observation.screening.case.ref, "observation_id": observation.pk},
    )


def answer_in(screening, theme_slug: str) -> Answer:
    return screening.answers.filter(question__theme__slug=theme_slug).first()


def test_an_autosave_returns_only_the_rows_status_with_the_next_version(personas, screening):
    answer = answer_in(screening, "environment-and-daily-life")
    response = personas.client_for("clinician").post(
        answer_url(answer), answer_post(answer, note="Sleeps on the floor"), headers=HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Saved" in body
    assert f'name="answer-{answer.pk}-version" value="2"' in body
    assert "<textarea" not in body  # the text box being typed in is never replaced
    assert response["HX-Trigger"] == "screening-changed"
    answer.refresh_from_db()
    assert (answer.status, answer.note, answer.version) == ("answered", "Sleeps on the floor", 2)
    assert answer.updated_by == personas.clinician


def test_each_save_is_audited_without_the_note(personas, screening):
    answer = answer_in(screening, "environment-and-daily-life")
    personas.client_for("clinician").post(
        answer_url(answer), answer_post(answer, note="private words"), headers=HTMX
    )
    entry = AuditEntry.objects.get(detail__event="screening.answer_saved")
    assert entry.case == screening.case
    assert "private words" not in str(entry.detail)


def test_without_javascript_a_save_redirects_back_to_the_question(personas, screening):
    answer = answer_in(screening, "environment-and-daily-life")
    response = personas.client_for("clinician").post(answer_url(answer), answer_post(answer))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#q-{answer.question.slug}")


def test_a_note_on_an_unasked_question_is_refused_but_kept_on_screen(personas, screening):
    answer = answer_in(screening, "environment-and-daily-life")
    client = personas.client_for("clinician")
    data = answer_post(answer, status="not_asked", note="She looked at the door")
    status = client.post(answer_url(answer), data, headers=HTMX).content.decode()
    assert "Not saved" in status and "Choose “Answered” to keep a note" in status
    page = client.post(answer_url(answer), data).content.decode()
    assert "She looked at the door" in page  # the full page re-renders with what was typed
    answer.refresh_from_db()
    assert answer.note == "" and answer.version == 1


def test_a_concern_in_the_control_theme_makes_the_case_high_concern(personas, screening):
    answer = answer_in(screening, "control-over-id-money-and-contact")
    client = personas.client_for("clinician")
    client.post(answer_url(answer), answer_post(answer, concern=True), headers=HTMX)
    case = screening.case
    case.refresh_from_db()
    assert case.concern_level == "high"
    event = case.events.get(kind="screening.concern_assessed")
    assert event.summary == "Concern level now: high concern"
    summary = client.get(reverse("screening:summary", kwargs={"case_ref": case.ref}))
    # The reasons name the question the clinician asked, not an internal slug.
    assert answer.question.text in summary.content.decode()
    assert answer.question.slug not in summary.content.decode()


def test_clearing_the_only_finding_returns_the_case_to_not_assessed(personas, screening):
    observation = screening.observations.get(indicator__slug="ownership-tattoo")
    client = personas.client_for("clinician")
    client.post(sign_url(observation), sign_post(observation), headers=HTMX)
    screening.case.refresh_from_db()
    assert screening.case.concern_level == "possible"
    client.post(
        sign_url(observation), sign_post(observation, observed=False, version=2), headers=HTMX
    )
    screening.case.refresh_from_db()
    assert screening.case.concern_level == ""
    assert screening.case.events.filter(kind="screening.concern_assessed").count() == 2


def test_an_observed_sign_saves_with_its_note(personas, screening):
    observation = screening.observations.get(indicator__slug="constant-phone-checks")
    response = personas.client_for("supervisor").post(
        sign_url(observation), sign_post(observation, note="phone buzzing"), headers=HTMX
    )
    assert "Saved" in response.content.decode()
    observation.refresh_from_db()
    assert observation.observed and observation.note == "phone buzzing"
    assert observation.updated_by == personas.supervisor


def test_saving_the_same_content_again_writes_nothing(personas, screening):
    answer = answer_in(screening, "environment-and-daily-life")
    client = personas.client_for("clinician")
    client.post(answer_url(answer), answer_post(answer, note="same"), headers=HTMX)
    client.post(answer_url(answer), answer_post(answer, note="same", version=2), headers=HTMX)
    answer.refresh_from_db()
    assert answer.version == 2
    assert AuditEntry.objects.filter(detail__event="screening.answer_saved").count() == 1


def test_an_answer_from_another_case_is_404(personas, screening, case):
    from cases import actions as case_actions

    other_case = case_actions.open_case(
        unit=personas.emergency,
        jurisdiction="CA-ON",
        age_years=30,
        preferred_language="en",
        by=personas.clinician,
    )
    answer = screening.answers.first()
    url = reverse(
        "screening:save-answer", kwargs={"case_ref": other_case.ref, "answer_id": answer.pk}
    )
    response = personas.client_for("clinician").post(url, answer_post(answer))
    assert response.status_code == 404
    assert ObservedIndicator.objects.filter(version__gt=1).count() == 0
