"""The case page: phase tabs that work as plain links and as HTMX fragments, and the timeline."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases import actions
from cases.models import AuditEntry

PHASE_TABS = [
    ("screening", "Screening", "screening:case-screening"),
    ("safety", "Safety", "safety:case-safety"),
    ("care", "Care", "safety:case-care"),
    ("reporting", "Reporting", "safety:case-reporting"),
    ("referrals", "Referrals", "referrals:case-referrals"),
    ("notes", "Notes", "documentation:case-notes"),
]
TAB_PARAMS = [pytest.param(slug, label, name, id=slug) for slug, label, name in PHASE_TABS]

# What an HTMX tab click sends: htmx names the element it will swap.
HTMX_TAB_SWITCH = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "tab-panel"}


def tab_links(page: str) -> dict[str, str]:
    """Label → the <a> tag of each tab in the case's tab list."""
    nav = re.search(r'<nav aria-label="Case sections">(.*?)</nav>', page, re.S).group(1)
    return {
        label.strip(): tag
        for tag, label in re.findall(r'(<a class="nav-link[^>]*>)([^<]*)</a>', nav, re.S)
    }


def test_the_case_page_shows_every_phase_as_a_tab_with_a_real_link(personas, case):
    page = personas.client_for("clinician").get(case.get_absolute_url()).content.decode()
    links = tab_links(page)
    assert list(links) == ["Overview"] + [label for _, label, _ in PHASE_TABS]
    for _, label, url_name in PHASE_TABS:
        url = reverse(url_name, kwargs={"case_ref": case.ref})
        # A real href for a plain click (or no JavaScript), and hx-get for a fragment swap.
        assert f'href="{url}"' in links[label]
        assert f'hx-get="{url}"' in links[label]
        assert 'hx-target="#tab-panel"' in links[label]


@pytest.mark.parametrize(("slug", "label", "url_name"), TAB_PARAMS)
def test_each_tab_as_a_plain_link_is_the_whole_case_page(personas, case, slug, label, url_name):
    url = reverse(url_name, kwargs={"case_ref": case.ref})
    response = personas.client_for("clinician").get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith("<!doctype html>")
    assert f"Case {case.ref}" in page  # the case header
    assert 'aria-current="page"' in tab_links(page)[label]
    assert '<div id="tab-panel">' in page and "<h2" in page
    assert 'id="quick-hide"' in page


@pytest.mark.parametrize(("slug", "label", "url_name"), TAB_PARAMS)
def test_each_tab_loads_as_an_htmx_fragment(personas, case, slug, label, url_name):
    url = reverse(url_name, kwargs={"case_ref": case.ref})
    response = personas.client_for("clinician").get(url, **HTMX_TAB_SWITCH)
    fragment = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in fragment and "<nav" not in fragment
    assert 'id="case-summary"' not in fragment  # the header stays where it is
    assert "<h2" in fragment
    assert "no-store" in response["Cache-Control"]
    view = AuditEntry.objects.filter(case=case, action=AuditEntry.Action.CASE_VIEW).get()
    assert view.detail["part"] == slug


def test_the_overview_tab_also_loads_as_a_fragment(personas, case):
    fragment = (
        personas.client_for("supervisor")
        .get(case.get_absolute_url(), **HTMX_TAB_SWITCH)
        .content.decode()
    )
    assert "<html" not in fragment
    assert 'id="timeline"' in fragment


def test_the_timeline_shows_each_event_newest_first_with_who_did_it(personas, case):
    actions.escalate_case(case, reason="Companion answered for her", to=None, by=personas.clinician)
    actions.assign_case(
        case, to=personas.other_clinician, by=personas.supervisor, base_version=case.version
    )
    page = personas.client_for("clinician").get(case.get_absolute_url()).content.decode()
    timeline = re.search(r'<ol class="timeline" id="timeline">(.*?)</ol>', page, re.S).group(1)
    entries = re.findall(r"<li>(.*?)</li>", timeline, re.S)
    assert len(entries) == 3
    assert "Assigned to Other_Clinician" in entries[0] and "Supervisor" in entries[0]
    assert "Escalated to the supervisors on duty" in entries[1] and "Clinician" in entries[1]
    assert "Case opened on Emergency" in entries[2]


def visible_words(page: str) -> list[str]:
    """What can be read from across the room: the title, headings and the tab labels."""
    found = re.findall(r"<title>(.*?)</title>", page, re.S)
    for tag in ("h1", "h2", "h3"):
        found += re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", page, re.S)
    return found + list(tab_links(page)) if "Case sections" in page else found


@pytest.mark.parametrize("persona", ["clinician", "supervisor"])
def test_no_rendered_case_page_says_trafficking_in_its_title_headings_tabs_or_url(
    personas, case, persona
):
    # With the shipped clinical content loaded, which is where such words would come from.
    call_command("load_content", stdout=StringIO())
    client = personas.client_for(persona)
    urls = [case.get_absolute_url(), reverse("cases:home")]
    urls += [reverse(name, kwargs={"case_ref": case.ref}) for _, _, name in PHASE_TABS]
    for url in urls:
        page = client.get(url).content.decode()
        assert "traffick" not in url.lower()
        said = [words for words in visible_words(page) if "traffick" in words.lower()]
        assert not said, f"{url}: {said}"
