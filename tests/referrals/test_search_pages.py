"""Directory search a page at a time: twenty results, then a "more" link (with and without
JavaScript), the same ranking across pages, and a bounded number of queries on any page; on both
databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals import rules
from referrals.models import Service, ServiceArea
from referrals.search import PAGE_SIZE, SearchCriteria, search_services

HTMX = {"HX-Request": "true", "HX-Target": "results"}


def _many_in_ontario(count: int) -> None:
    """`count` more fresh entries serving Ontario (the shipped directory has 20 in all)."""
    today = timezone.localdate()
    services = Service.objects.bulk_create(
        [
            Service(
                name=f"Demo: extra entry {i:03}",
                assured_date=today - timedelta(days=i % 3),
                # As `hsds.refresh_search` derives them on a write through Harbor.
                search_keys=rules.search_keys(term_ids=[], language_codes=[], extents=["CA-ON"]),
            )
            for i in range(count)
        ]
    )
    ServiceArea.objects.bulk_create([ServiceArea(service=s, extent="CA-ON") for s in services])


def _page(page: int) -> list[tuple[bool, str]]:
    results = search_services(
        SearchCriteria(region="CA-ON"), now=timezone.localtime(), stale_after_days=180, page=page
    )
    return [(result.freshness.is_stale, result.service.name) for result in results]


def test_results_come_a_page_at_a_time_in_one_ranking(directory):
    _many_in_ontario(45)
    first = search_services(
        SearchCriteria(region="CA-ON"), now=timezone.localtime(), stale_after_days=180
    )
    assert len(first) == PAGE_SIZE and first.has_more and (first.first, first.last) == (1, 20)
    pages = [_page(1), _page(2), _page(3), _page(4)]
    assert [len(p) for p in pages[:2]] == [PAGE_SIZE, PAGE_SIZE] and pages[3] == []
    every = [row for page in pages for row in page]
    assert len({name for _stale, name in every}) == len(every)  # no entry on two pages
    # Fresh entries by name, then stale ones by name, across the page boundaries.
    assert every == sorted(every, key=lambda row: (row[0], row[1].lower()))
    assert any(stale for stale, _name in every)


@pytest.mark.parametrize("htmx", [False, True])
def test_the_more_link_shows_the_next_page_with_or_without_javascript(directory, personas, htmx):
    _many_in_ontario(25)
    client = personas.client_for("clinician")
    url = reverse("referrals:search")
    headers = HTMX if htmx else {}
    first = client.get(url, {"region": "CA-ON"}, headers=headers).content.decode()
    assert "Services 1 to 20, best matches first" in first
    more = f'href="{url}?region=CA-ON&amp;page=2"'
    assert more in first and "More results" in first and "Previous results" not in first
    second = client.get(url, {"region": "CA-ON", "page": 2}, headers=headers).content.decode()
    assert ("<html" in second) is not htmx
    assert "Services 21 to " in second and "Previous results" in second
    assert first.count('<li class="card mb-2') == PAGE_SIZE


def test_a_page_beyond_the_last_offered_is_a_400(directory, personas):
    response = personas.client_for("clinician").get(
        reverse("referrals:search"), {"region": "CA-ON", "page": 51}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("page", [1, 2])
def test_a_search_reads_in_a_bounded_number_of_queries(
    directory, personas, django_assert_max_num_queries, page
):
    _many_in_ontario(45)
    client = personas.client_for("clinician")
    query = {"region": "CA-ON", "need": "housing", "barriers": ["money"], "page": page}
    client.get(reverse("referrals:search"), query, headers=HTMX)
    # Session and user, the terms (one query for the form, one for the filters), the regions,
    # the facility's settings, the ranked ids, the page's entries and their four lists.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("referrals:search"), query, headers=HTMX)
    assert response.status_code == 200


def test_the_case_search_pages_within_the_case(directory, personas, case):
    _many_in_ontario(25)
    client = personas.client_for("clinician")
    url = reverse("referrals:case-search", args=[case.ref])
    html = client.get(url, {"region": "CA-ON"}, headers=HTMX).content.decode()
    assert f'href="{url}?region=CA-ON&amp;page=2"' in html
    whole = client.get(url, {"region": "CA-ON", "page": 2}).content.decode()
    assert "Services 21 to " in whole and "Barriers to getting help" in whole
