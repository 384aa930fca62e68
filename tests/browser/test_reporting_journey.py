"""The Reporting tab as a clinician uses it: a typical adult decision counted in clicks, and a
patient of unknown age from the side-by-side answer to a decision a later assessment outdates."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Locator, Page, expect

from cases import actions
from safety import actions as safety_actions
from safety.models import ReportingDecisionRecord
from tests.browser.conftest import assert_accessible
from tests.browser.test_safety_journey import CONSENT_QUESTION, open_tab

ABILITIES = ("communicate_choice", "understand", "appreciate", "reason")
# The most a typical adult decision may take, from opening the tab to a recorded decision.
MAX_CLICKS = 8


@pytest.fixture
def content(personas) -> None:
    call_command("load_safety_content", stdout=StringIO())
    # The referral directory: the lines every tab offers are its national lines.
    call_command("load_referrals_content", stdout=StringIO())


def open_case(personas, age: int | None):
    return actions.open_case(
        unit=personas.emergency,
        jurisdiction="CA-ON",
        age_years=age,
        preferred_language="en",
        by=personas.clinician,
    )


def assess(case, by, finding: str) -> None:
    safety_actions.record_capacity_assessment(
        case,
        decision="Whether to involve the police",
        findings={a: (finding, "Explained it back in her own words") for a in ABILITIES},
        by=by,
    )


class Clicks:
    """Every click and radio choice the clinician makes, counted."""

    def __init__(self) -> None:
        self.count = 0

    def click(self, target: Locator) -> None:
        self.count += 1
        target.click()

    def answer(self, page: Page, question: str, choice: str) -> None:
        self.count += 1
        page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()


def test_a_typical_adult_decision_takes_at_most_eight_clicks(personas, content, page, sign_in):
    case = open_case(personas, 34)
    assess(case, personas.clinician, "present")
    sign_in("clinician")
    page.goto(f"/cases/{case.ref}/")
    clicks = Clicks()

    tabs = page.get_by_role("navigation", name="Case sections")
    clicks.click(tabs.get_by_role("link", name="Reporting", exact=True))
    expect(page.locator("#capacity-used")).to_contain_text("Has capacity for this decision")
    expect(page.get_by_label("Age in years")).to_have_value("34")
    clicks.answer(page, "Injury", "No injury")
    clicks.answer(page, "Does the patient live in a care home or residential care facility?", "No")
    clicks.answer(page, CONSENT_QUESTION, "No")
    clicks.click(page.get_by_role("button", name="Show what applies"))
    preview = page.locator("#preview")
    expect(preview.locator(".headline")).to_have_text("No report is required on these facts.")
    expect(preview).to_contain_text("Declined by the patient: a report to local police.")
    assert_accessible(page)
    clicks.click(preview.get_by_role("button", name="Record this decision"))
    expect(page.get_by_text("Reporting decision recorded.")).to_be_visible()

    print(f"\nClicks for a typical adult decision: {clicks.count}")
    assert clicks.count <= MAX_CLICKS
    assert clicks.count == 6  # tab, three answers, show, record; no typing at all
    assert ReportingDecisionRecord.objects.filter(case=case).count() == 1


def test_unknown_age_side_by_side_then_confirmed_recorded_and_outdated(
    personas, content, page, sign_in
):
    case = open_case(personas, None)
    assess(case, personas.clinician, "present")
    sign_in("clinician")
    page.goto(f"/cases/{case.ref}/")
    open_tab(page, "Reporting")
    assert_accessible(page)

    # Age not known: the minor's and the adult's answers side by side.
    expect(page.get_by_role("group", name="The age is").get_by_label("Not known")).to_be_checked()
    page.get_by_role("group", name="Injury").get_by_label("No injury", exact=True).check()
    page.get_by_role("group", name=CONSENT_QUESTION).get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Show what applies").click()
    preview = page.locator("#preview")
    expect(preview.locator(".headline").first).to_contain_text("age is not confirmed")
    minor = preview.get_by_role("region", name="If the patient is a minor")
    adult = preview.get_by_role("region", name="If the patient is an adult")
    expect(minor).to_contain_text("a children's aid society is required under 16")
    expect(adult).not_to_contain_text("children's aid society")
    expect(preview).to_contain_text("plan for a possible minor")
    expect(preview).to_contain_text("The law of Ontario says")
    assert_accessible(page)

    # The age is confirmed: one answer, the whole duty on screen.
    page.get_by_label("Age in years").fill("15")
    page.get_by_role("group", name="The age is").get_by_label("Confirmed", exact=True).check()
    page.get_by_role("button", name="Show what applies").click()
    # Wait for the swap (the side-by-side goes) before reading the single headline.
    expect(preview.get_by_role("region", name="If the patient is a minor")).to_have_count(0)
    expect(preview.locator(".headline")).to_have_text(
        "Required: a report to a children's aid society."
    )
    expect(preview).to_contain_text("Child, Youth and Family Services Act, 2017, s.125")
    expect(preview).not_to_contain_text("CA-ON-child")
    preview.get_by_role("button", name="Record this decision").click()
    expect(page.get_by_text("Reporting decision recorded.")).to_be_visible()
    recorded = page.locator("#recorded")
    expect(recorded.locator("#out-of-date")).to_have_count(0)
    assert_accessible(page)

    # A new assessment finds she lacks capacity: saved in place, and the decision is outdated.
    page.get_by_text("Reassess capacity").click()
    page.get_by_label("Decision being assessed").fill("Whether to involve the police")
    for ability, name in (
        ("communicate_choice", "Evidence for communicating a choice"),
        ("understand", "Evidence for understanding"),
        ("appreciate", "Evidence for appreciating the situation"),
        ("reason", "Evidence for reasoning"),
    ):
        page.locator(f"input[name={ability}][value=absent]").check()
        page.get_by_label(name).fill("Could not say back what police involvement would mean")
    url = page.url
    page.get_by_role("button", name="Record assessment").click()
    expect(page.get_by_text("Capacity assessment recorded.")).to_be_visible()
    assert page.url == url  # no navigation: the tab was redrawn in place
    expect(page.locator("#capacity-used")).to_contain_text("Lacks capacity for this decision")
    expect(page.locator("#out-of-date")).to_contain_text("Out of date")
    assert_accessible(page)
    assert "traffick" not in page.title().lower()
