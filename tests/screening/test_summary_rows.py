"""The tab's and the summary's rows read their questions, themes and signs from the content
versions' cache: the same rows, in the same order, as joined from the database."""

from __future__ import annotations

from screening import actions, content
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
