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


def _barrier_entries(both: int, one: int) -> None:
    """Fresh and stale entries serving Ontario: `both` address housing and money, `one` only
    money."""
    from referrals.models import BARRIER, TaxonomyTerm

    ids = dict(
        TaxonomyTerm.objects.filter(taxonomy=BARRIER, code__in=["housing", "money"]).values_list(
            "code", "pk"
        )
    )
    today = timezone.localdate()
    rows = [(f"Demo: both {i:03}", [ids["housing"], ids["money"]]) for i in range(both)]
    rows += [(f"Demo: money {i:03}", [ids["money"]]) for i in range(one)]
    services = Service.objects.bulk_create(
        [
            Service(
                name=name,
                # Every third entry is stale: it ranks after the fresh ones of its count.
                assured_date=today - timedelta(days=400 if i % 3 == 0 else 1),
                search_keys=rules.search_keys(term_ids=terms, language_codes=[], extents=["CA-ON"]),
            )
            for i, (name, terms) in enumerate(rows)
        ]
    )
    ServiceArea.objects.bulk_create([ServiceArea(service=s, extent="CA-ON") for s in services])


def _ranked_names(page: int) -> list[str]:
    results = search_services(
        SearchCriteria(region="CA-ON", barriers=("housing", "money")),
        now=timezone.localtime(),
        stale_after_days=180,
        page=page,
    )
    return [result.service.name for result in results]


@pytest.mark.parametrize("both", [5, 20, 45])
def test_barrier_ranking_is_one_order_across_pages_however_many_address_every_barrier(
    directory, both
):
    """Entries addressing every barrier are looked up first (a page full of them ends the
    search there); a page they do not fill ranks every match. Either way: most barriers first,
    then fresh before stale, then by name, page after page."""
    _barrier_entries(both=both, one=30)
    every = _ranked_names(1) + _ranked_names(2) + _ranked_names(3) + _ranked_names(4)
    # The same order worked out here, over every listed entry serving Ontario (the shipped demo
    # entries that address housing or money among them).
    keys = [rules.term_key(pk) for pk in _barrier_ids()]
    stale_after = timezone.localdate() - timedelta(days=180)
    matching = [
        (sum(key in s.search_keys for key in keys), s)
        for s in Service.objects.listed().serving("CA-ON")
        if any(key in s.search_keys for key in keys)
    ]
    matching.sort(
        key=lambda pair: (
            -pair[0],
            pair[1].assured_date is None or pair[1].assured_date < stale_after,
            pair[1].name.lower(),
        )
    )
    assert every == [s.name for _count, s in matching][: 4 * PAGE_SIZE]
    assert len(every) == min(len(matching), 4 * PAGE_SIZE) and len(set(every)) == len(every)


def _barrier_ids() -> list:
    from referrals.models import BARRIER, TaxonomyTerm

    return list(
        TaxonomyTerm.objects.filter(taxonomy=BARRIER, code__in=["housing", "money"]).values_list(
            "pk", flat=True
        )
    )
