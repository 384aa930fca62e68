"""The tab's and the summary's rows read their questions, themes and signs from the content
versions' cache: the same rows, in the same order, as joined from the database; the concern
summary, a pure rule, is cached on what it reads and is the same as computed from those rows."""

from __future__ import annotations

import pytest
from django.utils import translation

from screening import actions, content, rules
from screening.models import Screening
from screening.views import latest_screening


def joined(screening: Screening):
    """The rows as read before the cache: joined with their content."""
    observations = list(screening.observations.select_related("indicator"))
    answers = list(screening.answers.select_related("question__theme"))
    return observations, answers


def described(rows):
    observations, answers = rows
    return (
        [
            (o.pk, o.indicator.slug, o.indicator.text, o.indicator.translations)
            for o in observations
        ],
        [(a.pk, a.question.slug, a.question.translations, a.question.theme.slug) for a in answers],
    )


def test_cached_content_gives_the_rows_the_database_joins(screening):
    read = latest_screening(screening.case)
    assert described(actions.summary_rows(read)) == described(joined(read))


def test_cached_rows_come_with_no_query_for_their_content(screening, django_assert_num_queries):
    read = latest_screening(screening.case)
    actions.summary_rows(read)  # the versions' rows, read once
    with django_assert_num_queries(2):
        observations, answers = actions.summary_rows(read)
        [(o.indicator.text, o.indicator.weight) for o in observations]
        [(a.question.text, a.question.theme.title) for a in answers]


def test_the_cache_is_one_bank_version_s(screening):
    bank = latest_screening(screening.case).bank
    questions = content.bank_questions(bank)
    assert {q.theme.bank_id for q in questions.values()} == {bank.pk}
    assert content.bank_questions(bank) is questions
    assert set(questions) == set(screening.answers.values_list("question_id", flat=True))


def test_a_screening_read_without_its_content_reads_it_joined(screening, django_assert_num_queries):
    bare = Screening.objects.get(pk=screening.pk)
    with django_assert_num_queries(2):
        observations, answers = actions.summary_rows(bare)
        [o.indicator.text for o in observations]
        [a.question.theme.title for a in answers]


def seen_and_answered(personas, screening) -> None:
    """Signs seen, and concerns marked in two themes: a summary with reasons of each kind."""
    observations = list(screening.observations.select_related("indicator"))
    for observation in (observations[0], observations[-1]):
        actions.save_observation(
            observation, observed=True, note="", base_version=1, by=personas.clinician
        )
    answers = list(screening.answers.select_related("question__theme"))
    for answer in (answers[0], answers[-1], answers[7]):
        actions.save_answer(
            answer,
            status="answered",
            note="",
            verbatim=False,
            concern=True,
            base_version=1,
            by=personas.clinician,
        )
    actions.save_answer(
        answers[3],
        status="declined",
        note="",
        verbatim=False,
        concern=False,
        base_version=1,
        by=personas.clinician,
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_cached_summary_is_the_rule_s_on_the_joined_rows(personas, screening, language):
    seen_and_answered(personas, screening)
    read = latest_screening(screening.case)
    with translation.override(language):
        expected = actions.summary_of(Screening.objects.get(pk=screening.pk))  # joined rows
        alone = actions.summary_of(read)  # the summary fragment: one query for the facts
        with_rows = actions.summary_of(read, actions.summary_rows(read))  # the tab
        as_text = [str(r) for r in expected.reasons]
    assert expected.level == rules.ConcernLevel.HIGH
    assert alone == with_rows == expected
    assert [str(r) for r in alone.reasons] == as_text
    assert len(as_text) >= 4


def test_the_cached_summary_follows_a_new_answer(personas, screening):
    read = latest_screening(screening.case)
    before = actions.summary_of(read)
    seen_and_answered(personas, screening)
    after = actions.summary_of(latest_screening(screening.case))
    assert before.level == rules.ConcernLevel.NONE
    assert after.level == rules.ConcernLevel.HIGH


def test_the_summary_reads_its_facts_in_one_query(personas, screening, django_assert_num_queries):
    seen_and_answered(personas, screening)
    read = latest_screening(screening.case)
    with django_assert_num_queries(1):
        actions.summary_of(read)


def test_the_summary_fragment_stays_within_six_queries(
    personas, screening, django_assert_max_num_queries
):
    seen_and_answered(personas, screening)
    client = personas.client_for("clinician")
    url = f"/screening/cases/{screening.case.ref}/summary/"
    client.get(url, HTTP_HX_REQUEST="true")  # the first request after sign-in writes the session
    # The session, the user, the case, its screening, the audit entry, and the summary's facts.
    with django_assert_max_num_queries(6):
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert "High concern" in response.content.decode()
