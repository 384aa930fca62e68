"""A clinician notes the patient's barriers, searches the directory (results update as filters
change), offers a shelter, records the patient's consent and follow-up, and follows the referral
to connected; then a second offer is declined and the tab turns to the refusal path."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases import actions
from cases.models import Case, CaseEvent
from tests.browser.conftest import assert_accessible


@pytest.fixture
def case(personas):
    call_command("load_referrals_content", stdout=StringIO())
    return actions.open_case(
        unit=personas.emergency,
        jurisdiction="CA-ON",
        age_years=24,
        preferred_language="en",
        by=personas.clinician,
    )


def card(page: Page, name: str):
    return page.locator("article.card").filter(has_text=name)


def test_barriers_search_offer_consent_follow_up_connected_and_a_refusal(
    personas, case, page, sign_in
):
    sign_in("clinician")
    page.goto(f"/cases/{case.ref}/")
    tabs = page.get_by_role("navigation", name="Case sections")
    tabs.get_by_role("link", name="Referrals", exact=True).click()
    expect(page.get_by_role("heading", name="Find a service")).to_be_visible()
    # No safe phone contact is recorded yet: the tab says so before anyone contacts the patient.
    expect(page.locator("#contact-plan")).to_contain_text("phone may be monitored")
    assert_accessible(page)

    barriers = page.get_by_role("group", name="Barriers the patient faces")
    barriers.get_by_label("Housing", exact=True).check()
    barriers.get_by_label("Transportation", exact=True).check()
    page.get_by_role("button", name="Save the barriers").click()
    search = page.get_by_role("search", name="Find a service")
    expect(search.get_by_label("Transportation", exact=True)).to_be_checked()
    expect(search.get_by_label("Region", exact=True)).to_have_value("CA-ON")

    # Results follow the filters without a page load (HTMX).
    search.get_by_label("Need", exact=True).select_option(label="Shelter")
    results = page.locator("#results")
    expect(results).to_contain_text("1 service found")
    expect(results).to_contain_text("Demo: Safe Harbour emergency shelter")
    expect(results).to_contain_text("No police report needed")
    assert_accessible(page)
    results.get_by_role("button", name="Offer to the patient").click()

    shelter = card(page, "Demo: Safe Harbour emergency shelter")
    expect(shelter.locator(".badge").first).to_have_text("Offered")
    shelter.get_by_label("accepts the referral").check()
    shelter.get_by_label("The patient agrees that we share information with this service").check()
    shelter.get_by_label("What may be shared").fill("First name and the ward phone")
    follow_up = timezone.localdate() + timedelta(days=2)
    decision = shelter.locator("form").filter(
        has=page.get_by_role("button", name="Record the decision")
    )
    decision.get_by_label("Follow up on", exact=True).fill(follow_up.isoformat())
    shelter.get_by_role("button", name="Record the decision").click()
    shelter = card(page, "Demo: Safe Harbour emergency shelter")
    expect(shelter.locator(".badge").first).to_have_text("Accepted")
    expect(shelter).to_contain_text("Agrees to share: First name and the ward phone")
    assert_accessible(page)

    shelter.get_by_label("New status").select_option(label="Recipient contacted")
    shelter.get_by_role("button", name="Update the status").click()
    shelter = card(page, "Demo: Safe Harbour emergency shelter")
    shelter.get_by_label("New status").select_option(label="Connected")
    shelter.get_by_role("button", name="Update the status").click()
    expect(card(page, "Demo: Safe Harbour emergency shelter").locator(".badge").first).to_have_text(
        "Connected"
    )

    # A second offer, declined: the refusal path, with the national line by its neutral label.
    search = page.get_by_role("search", name="Find a service")
    search.get_by_label("Housing", exact=True).uncheck()  # the saved barriers pre-fill the search
    search.get_by_label("Transportation", exact=True).uncheck()
    search.get_by_label("Need", exact=True).select_option(label="Legal aid")
    expect(page.locator("#results")).to_contain_text("1 service found")
    page.locator("#results li").filter(has_text="Demo: Lakeshore legal clinic").get_by_role(
        "button", name="Offer to the patient"
    ).click()
    legal = card(page, "Demo: Lakeshore legal clinic")
    legal.get_by_label("declines it").check()
    legal.get_by_role("button", name="Record the decision").click()
    refusal = page.locator("#help-declined")
    expect(refusal).to_contain_text("National 24/7 helpline: 1-833-900-1010")
    refusal.get_by_label("The national line was offered anyway").check()
    refusal.get_by_label("Follow-up visit proposed for").fill(
        (timezone.localdate() + timedelta(days=7)).isoformat()
    )
    refusal.get_by_role("button", name="Record what was offered").click()
    checklist = page.locator("#refusal-checklist")
    expect(checklist).to_contain_text("Done: Offer the confidential national line anyway.")
    expect(checklist).to_contain_text("Done: Propose a follow-up visit.")
    assert_accessible(page)

    assert list(
        CaseEvent.objects.filter(case=case, kind__startswith="referral.")
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    ) == [
        "referral.barriers_assessed",
        "referral.offered",
        "referral.accepted",
        "referral.contacted",
        "referral.connected",
        "referral.offered",
        "referral.declined",
        "referral.help_declined",
    ]
    assert Case.objects.get(pk=case.pk).next_follow_up == timezone.localdate() + timedelta(days=7)
