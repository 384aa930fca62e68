"""Every screening URL against each persona: the case's team and supervisors in, others out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.screening.conftest import GATE_MET

EXPECTED = {
    "clinician": 200,
    "supervisor": 200,
    "other_clinician": 404,
    "administrator": 403,
    "anonymous": 302,
}


def case_urls(case, screening) -> dict[str, tuple[str, str]]:
    answer = screening.answers.first()
    sign = screening.observations.first()
    ref = {"case_ref": case.ref}
    return {
        "tab": ("get", reverse("screening:case-screening", kwargs=ref)),
        "summary": ("get", reverse("screening:summary", kwargs=ref)),
        "answer": (
            "post",
            reverse("screening:save-answer", kwargs={**ref, "answer_id": answer.pk}),
        ),
        "sign": (
            "post",
            reverse("screening:save-observation", kwargs={**ref, "observation_id": sign.pk}),
        ),
        "pause": ("post", reverse("screening:pause-screening", kwargs=ref)),
        "resume": ("post", reverse("screening:resume-screening", kwargs=ref)),
        "finish": ("post", reverse("screening:complete-screening", kwargs=ref)),
        "start": ("post", reverse("screening:start-screening", kwargs=ref)),
        "not-screened": ("post", reverse("screening:not-screened", kwargs=ref)),
        "export": ("get", reverse("screening:export-response", kwargs=ref)),
    }


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_each_persona_gets_the_screening_tab_as_expected(personas, screening, persona):
    url = reverse("screening:case-screening", kwargs={"case_ref": screening.case.ref})
    response = personas.client_for(persona).get(url)
    assert response.status_code == EXPECTED[persona]
    if persona == "anonymous":
        assert "/accounts/login/" in response["Location"]
    if response.status_code == 200:
        assert screening.case.ref.encode() in response.content


@pytest.mark.parametrize(
    "name",
    ["summary", "answer", "sign", "pause", "resume", "finish", "start", "not-screened", "export"],
)
@pytest.mark.parametrize("persona", ["other_clinician", "administrator", "anonymous"])
def test_outsiders_get_nothing_from_any_screening_url(personas, screening, persona, name):
    method, url = case_urls(screening.case, screening)[name]
    client = personas.client_for(persona)
    response = getattr(client, method)(url, GATE_MET)
    assert response.status_code == EXPECTED[persona]
    assert screening.case.events.count() == 2  # opened + gate met: nothing more happened


@pytest.mark.parametrize("persona", ["clinician", "supervisor"])
def test_the_case_team_can_use_the_summary_and_save_answers(personas, screening, persona):
    urls = case_urls(screening.case, screening)
    client = personas.client_for(persona)
    assert client.get(urls["summary"][1]).status_code == 200
    answer = screening.answers.first()
    response = client.post(
        urls["answer"][1],
        {f"answer-{answer.pk}-status": "declined", f"answer-{answer.pk}-version": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert b"Saved" in response.content


def test_export_is_404_until_the_screening_is_finished(personas, screening):
    _, url = case_urls(screening.case, screening)["export"]
    assert personas.client_for("clinician").get(url).status_code == 404


ADMIN_PAGES = ["screening:admin-banks"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("administrator", 200),
        ("clinician", 403),
        ("supervisor", 403),
        ("other_clinician", 403),
        ("anonymous", 302),
    ],
)
def test_only_administrators_open_the_content_editors(personas, content, persona, status):
    from screening.models import IndicatorSet, Instrument, QuestionBank

    bank = QuestionBank.objects.get()
    checklist = IndicatorSet.objects.get()
    instrument = Instrument.objects.get()
    urls = [
        reverse("screening:admin-banks"),
        reverse("screening:edit-bank", args=[bank.pk]),
        reverse("screening:export-bank", args=[bank.pk]),
        reverse("screening:edit-indicators", args=[checklist.pk]),
        reverse("screening:edit-instrument", args=[instrument.pk]),
        reverse("screening:export-instrument", args=[instrument.pk]),
    ]
    client = personas.client_for(persona)
    for url in urls:
        assert client.get(url).status_code == status, url
    response = client.post(reverse("screening:import-content"), {"kind": "bank"})
    assert response.status_code == (400 if persona == "administrator" else status)


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_a_finished_screening_is_exported_only_to_the_case_team(personas, screening, persona):
    from screening import actions

    actions.complete_screening(screening, by=personas.clinician)
    _, url = case_urls(screening.case, screening)["export"]
    response = personas.client_for(persona).get(url)
    assert response.status_code == EXPECTED[persona]
    if response.status_code == 200:
        assert response.json()["resourceType"] == "QuestionnaireResponse"
