"""The screening tab reads a fixed number of queries however many answers and signs it shows."""

from __future__ import annotations

from django.urls import reverse

from tests.screening.conftest import answer_post, sign_post


def test_the_tab_with_a_screening_under_way_stays_within_a_query_budget(
    personas, screening, django_assert_max_num_queries
):
    client = personas.client_for("clinician")
    case = screening.case
    for answer in screening.answers.all()[:10]:
        client.post(
            reverse("screening:save-answer", args=[case.ref, answer.pk]),
            answer_post(answer, note="noted", concern=True),
        )
    for observation in screening.observations.all()[:5]:
        client.post(
            reverse("screening:save-observation", args=[case.ref, observation.pk]),
            sign_post(observation),
        )
    with django_assert_max_num_queries(30):
        response = client.get(reverse("screening:case-screening", args=[case.ref]))
    page = response.content.decode()
    # One theme at a time (the first with a question still to ask: the 10 answered above fill
    # the first two themes), and the count of all 24.
    assert page.count("This answer raises concern") == 4
    assert "10 of 24 asked" in page
