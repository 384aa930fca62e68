"""The directory's taxonomy terms are kept per process while the directory stays the same
(`referrals.terms`), and a change to them is read at once: the search form's choices and the
ids its filters probe come from what the directory says now.

As in test_hotlines_kept, tests that need a committed directory (as a server has) use a
transactional database: on PostgreSQL a transaction that wrote to the directory reads the terms
afresh every time.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction

from referrals.forms import SearchForm
from referrals.models import BARRIER, KIND, TaxonomyTerm
from referrals.search import SearchCriteria, search_services
from referrals.terms import directory_terms, read_terms


@pytest.fixture
def committed_directory(transactional_db):
    call_command("load_referrals_content", stdout=open("/dev/null", "w"))  # noqa: SIM115


def need_labels() -> list[str]:
    return [label for _code, label in SearchForm().fields["need"].choices][1:]


def test_what_is_kept_is_what_the_directory_says(committed_directory):
    assert directory_terms() == read_terms()
    assert directory_terms() == read_terms()
    assert {(t.taxonomy, t.code) for t in directory_terms()} >= {
        (BARRIER, "money"),
        (KIND, "shelter"),
    }


def test_terms_are_read_in_one_small_query_while_the_directory_stays_the_same(
    committed_directory, django_assert_num_queries
):
    first = directory_terms()
    with django_assert_num_queries(1):  # the directory's version marker only
        assert directory_terms() == first


def test_a_new_term_is_offered_and_searched_at_once(committed_directory):
    directory_terms()  # kept
    TaxonomyTerm.objects.create(taxonomy=KIND, code="peer-support", name="Peer support")
    assert "Peer support" in need_labels()
    # A term no entry carries yet: searching for it finds nothing (and reads the new term's id).
    page = search_services(SearchCriteria(need="peer-support"), now=_now(), stale_after_days=180)
    assert list(page) == []


def test_a_renamed_term_is_shown_renamed_at_once(committed_directory):
    directory_terms()
    # A term Harbor has no label of its own for shows its stored name.
    TaxonomyTerm.objects.create(taxonomy=KIND, code="peer-support", name="Peer support")
    assert "Peer support" in need_labels()
    TaxonomyTerm.objects.filter(taxonomy=KIND, code="peer-support").update(name="Peer mentors")
    assert "Peer mentors" in need_labels() and "Peer support" not in need_labels()


def test_a_change_rolled_back_leaves_the_terms_as_they_were(committed_directory):
    before = directory_terms()

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        TaxonomyTerm.objects.filter(taxonomy=BARRIER, code="money").update(code="funds")
        # Inside the writing transaction the terms are read afresh, never kept.
        assert (BARRIER, "funds") in {(t.taxonomy, t.code) for t in directory_terms()}
        raise Undo
    assert directory_terms() == before


def _now():
    from django.utils import timezone

    return timezone.localtime()
