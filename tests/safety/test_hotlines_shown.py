"""The lines the Care and Reporting tabs offer come from the referral directory
(cases.providers.hotlines_for) for the case's place and language, not from the rule table; a place
the directory has no line for says so."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases import actions as case_actions
from cases.jurisdictions import ELSEWHERE
from tests.safety.test_reporting_decision import facts
from tests.visible_text import visible_text

NO_LINE = "No line on file for this place."
US_LINE, CA_LINE = "1-888-373-7888", "1-833-900-1010"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "facts"}


def open_case(personas, jurisdiction: str):
    return case_actions.open_case(
        unit=personas.emergency,
        jurisdiction=jurisdiction,
        age_years=30,
        preferred_language="en",
        by=personas.clinician,
    )


def care(personas, case) -> str:
    url = reverse("safety:case-care", args=[case.ref])
    return personas.client_for("clinician").get(url).content.decode()


def reporting_result(personas, case, **changes) -> str:
    response = personas.client_for("clinician").post(
        reverse("safety:check-reporting", args=[case.ref]),
        facts(**{"age": 30, **changes}),
        **HTMX,
    )
    html = response.content.decode()
    assert "What these facts lead to" in html
    return html.split("Lines to call together with the patient")[1].split("</details>")[0]


@pytest.mark.parametrize(
    ("jurisdiction", "shown", "absent"),
    [("US-TX", US_LINE, CA_LINE), ("CA-ON", CA_LINE, US_LINE), ("CA-NU", CA_LINE, US_LINE)],
)
def test_care_offers_the_directory_lines_of_the_case_country(
    personas, content, jurisdiction, shown, absent
):
    page = care(personas, open_case(personas, jurisdiction))
    text = visible_text(page)
    assert f"National 24/7 helpline · {shown}" in text
    assert absent not in page and NO_LINE not in text
    # The line's own name is one click away, never on screen, and the call can be logged.
    assert "<summary>Full name of this line</summary>" in page
    assert "Trafficking" not in text
    assert f'name="phone" value="{shown}"' in page


@pytest.mark.parametrize(
    ("jurisdiction", "shown", "absent"), [("US-NY", US_LINE, CA_LINE), ("CA-QC", CA_LINE, US_LINE)]
)
def test_the_reporting_result_offers_the_directory_lines(
    personas, content, jurisdiction, shown, absent
):
    lines = visible_text(reporting_result(personas, open_case(personas, jurisdiction)))
    assert f"National 24/7 helpline · {shown}" in lines
    assert absent not in lines and NO_LINE not in lines


def test_a_recorded_decision_offers_todays_directory_lines(personas, content):
    case = open_case(personas, "CA-ON")
    client = personas.client_for("clinician")
    client.post(reverse("safety:check-reporting", args=[case.ref]), facts(action="record"))
    page = client.get(reverse("safety:case-reporting", args=[case.ref])).content.decode()
    recorded = page.split('id="recorded"')[1]
    assert f"National 24/7 helpline · {CA_LINE}" in visible_text(recorded)


def test_elsewhere_says_no_line_is_on_file_on_every_tab(personas, content):
    case = open_case(personas, ELSEWHERE)
    client = personas.client_for("clinician")
    screening = client.get(reverse("screening:case-screening", args=[case.ref])).content.decode()
    pages = {
        "care": care(personas, case),
        "reporting": reporting_result(personas, case),
        "gate": screening,
    }
    for where, html in pages.items():
        assert NO_LINE in visible_text(html), where
        assert US_LINE not in html and CA_LINE not in html, where


def test_without_a_directory_care_says_no_line_is_on_file(personas, content, settings):
    # The rule table still holds its own lines (its owner drops them), but nothing reads them
    # for display: with no directory, none of them is shown.
    settings.HARBOR_HOTLINES_PROVIDER = ""
    page = care(personas, open_case(personas, "CA-ON"))
    assert NO_LINE in visible_text(page)
    assert CA_LINE not in page
