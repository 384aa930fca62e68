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
    opened = actions.open_case(
        unit=personas.emergency,
        jurisdiction="CA-ON",
        age_years=24,
        preferred_language="en",
        by=personas.clinician,
    )
    # The safe-contact plan as the clinician recorded it: calls agreed, the phone may be seen.
    actions.update_case(
        opened,
        {"contact_phone_monitored": True, "contact_may_call": True},
        base_version=opened.version,
        by=personas.clinician,
    )
    return Case.objects.get(pk=opened.pk)


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
    # The plan says the phone may be monitored: the tab says so before anyone contacts the patient.
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

    # A text to a monitored phone is refused until overridden with a reason; a call is fine.
    shelter.get_by_text("Follow-up, contact with the patient, warm handover").click()
    contact = shelter.locator("form").filter(has=page.get_by_role("button", name="Log the contact"))
    expect(contact).to_contain_text("no texts or voicemails")
    contact.get_by_label("Contact with the patient").select_option(label="Text message")
    contact.get_by_role("button", name="Log the contact").click()
    shelter = card(page, "Demo: Safe Harbour emergency shelter")
    expect(shelter.get_by_role("alert")).to_contain_text("someone else could see it")
    assert_accessible(page)
    shelter.get_by_text("Follow-up, contact with the patient, warm handover").click()
    contact = shelter.locator("form").filter(has=page.get_by_role("button", name="Log the contact"))
    contact.get_by_label("Reason to override the safe-contact plan").fill(
        "Patient asked for a text today"
    )
    contact.get_by_role("button", name="Log the contact").click()
    shelter = card(page, "Demo: Safe Harbour emergency shelter")
    shelter.get_by_text("History").click()
    expect(shelter).to_contain_text("override: Patient asked for a text today")

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
        "referral.patient_contacted",
        "referral.contacted",
        "referral.connected",
        "referral.offered",
        "referral.declined",
        "referral.help_declined",
    ]
    assert Case.objects.get(pk=case.pk).next_follow_up == timezone.localdate() + timedelta(days=7)


def test_an_administrator_edits_verifies_and_restores_an_entry(personas, case, page, sign_in):
    sign_in("administrator")
    page.goto("/referrals/directory/")
    page.get_by_label("Name or organisation").fill("counselling")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 entry", exact=True)).to_be_visible()
    page.get_by_role("link", name="Demo: Northside counselling").first.click()
    expect(page.get_by_role("heading", name="Demo: Northside counselling")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Alert").fill("Closed 24–26 December")
    page.get_by_label("What changed, and why").fill("Holiday closure")
    page.get_by_role("button", name="Save as new version").click()
    expect(page.get_by_text("Saved as version 2.")).to_be_visible()
    history = page.locator("section").filter(has=page.get_by_role("heading", name="History"))
    expect(history).to_contain_text("Holiday closure")
    expect(history).to_contain_text("Closed 24–26 December")

    page.get_by_role("button", name="Verified with the partner today").click()
    expect(page.get_by_text("Entry marked as verified today.")).to_be_visible()
    expect(history).to_contain_text("Verified with the partner")

    history.get_by_role("link", name="Version 1").click()
    expect(page.get_by_text("You are looking at version 1.")).to_be_visible()
    expect(page.get_by_label("Alert")).to_have_value("")
    page.get_by_role("button", name="Save as new version").click()
    expect(page.get_by_text("Saved as version 4.")).to_be_visible()
    expect(page.get_by_label("Alert")).to_have_value("")
    # Restoring the content kept today's verification.
    expect(page.locator("#entry-status")).to_contain_text(timezone.localdate().isoformat())
    assert_accessible(page)
