"""No page's query count grows with the data: every case list, and every tab and fragment of a
case, issues the same number of queries with a few cases and with four times as many.

The cases are built by the benchmark's `bench.seed.build_case`, through Harbor's own actions
(screening, checklists, capacity, reporting decision, referrals, note, escalation), so each
list shows rows of every shape. No timings here: `make bench` measures those.
"""

from __future__ import annotations

import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import seed
from referrals.models import Service

# FEW is large enough that every shape of row (escalated, referred, not screened…) is already
# there: a query that runs only once a list has such a row is not growth.
FEW, MANY = 6, 24
CODES = (
    "sexual=suspected&labour=not_suspected&encounter=A&multiple=unknown&past=unknown"
    "&childhood=unknown"
)


def lists() -> list[tuple[str, str, dict[str, str]]]:
    return [
        ("clinician", "/", {}),
        ("supervisor", "/", {}),
        ("supervisor", "/review/", {}),
        ("supervisor", "/review/", {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "queue"}),
        ("supervisor", "/review/work/", {}),
        ("supervisor", "/review/figures/", {}),
        ("clinician", "/?q=bay", {}),
    ]


def case_urls(ref: str) -> list[tuple[str, str, dict[str, str]]]:
    tab = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "tab-panel"}
    pages = [
        f"/cases/{ref}/",
        f"/cases/{ref}/edit/",
        f"/cases/{ref}/escalate/",
        f"/screening/cases/{ref}/",
        f"/safety/cases/{ref}/",
        f"/safety/cases/{ref}/care/",
        f"/safety/cases/{ref}/reporting/",
        f"/referrals/cases/{ref}/",
        f"/documentation/cases/{ref}/",
    ]
    urls = [("clinician", url, {}) for url in pages] + [("clinician", url, tab) for url in pages]
    return urls + [
        ("clinician", f"/cases/{ref}/summary/", {"HTTP_HX_REQUEST": "true"}),
        ("clinician", f"/screening/cases/{ref}/summary/", {"HTTP_HX_REQUEST": "true"}),
        ("clinician", f"/documentation/cases/{ref}/ehr-text/", {}),
        ("clinician", f"/documentation/cases/{ref}/codes/?{CODES}", {"HTTP_HX_REQUEST": "true"}),
        (
            "clinician",
            f"/referrals/cases/{ref}/search/?region=CA-ON&text=legal",
            {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results"},
        ),
        ("supervisor", f"/cases/{ref}/review/", {}),
        ("supervisor", f"/cases/{ref}/access-log/", {}),
    ]


def add_cases(personas, rng: random.Random, count: int):
    partners = list(Service.objects.filter(is_demo=True))
    return [
        seed.build_case(
            rng,
            personas.emergency if i % 2 == 0 else personas.maternity,
            personas.clinician if i % 2 == 0 else personas.other_clinician,
            personas.supervisor,
            partners,
        )
        for i in range(count)
    ]


def query_counts(personas, urls) -> dict[tuple[str, str, str], int]:
    counts = {}
    clients = {name: personas.client_for(name) for name in ("clinician", "supervisor")}
    for persona, url, headers in urls:
        client = clients[persona]
        client.get(url, **headers)  # the first request after sign-in writes the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, **headers)
        assert response.status_code == 200, (persona, url, response.status_code)
        counts[(persona, url, headers.get("HTTP_HX_TARGET", ""))] = len(queries.captured_queries)
    return counts


@pytest.fixture
def content(db, directory) -> None:
    call_command("load_content", stdout=StringIO())


def test_no_page_issues_more_queries_with_more_cases(personas, content):
    rng = random.Random(15)  # noqa: S311 - synthetic data
    measured = seed.build_case(
        rng,
        personas.emergency,
        personas.clinician,
        personas.supervisor,
        list(Service.objects.filter(is_demo=True)),
        finish=False,
    )
    add_cases(personas, rng, FEW - 1)
    urls = lists() + case_urls(measured.ref)
    few = query_counts(personas, urls)
    add_cases(personas, rng, MANY - FEW)
    many = query_counts(personas, urls)
    grown = {url: (few[url], many[url]) for url in few if few[url] != many[url]}
    assert grown == {}
