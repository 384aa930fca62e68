"""A supervisor works the queue: review, return to the clinician, sign off, then the figures."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from cases import actions
from cases.models import Case
from tests.browser.conftest import assert_accessible


def test_supervisor_queue_review_return_sign_off_figures(personas, page, sign_in):
    for n in range(6):
        case = actions.open_case(
            unit=personas.emergency,
            jurisdiction="CA-ON",
            age_years=20 + n,
            preferred_language="en",
            by=personas.clinician,
        )
    actions.escalate_case(
        case, reason="Companion answers every question", to=None, by=personas.clinician
    )
    Case.objects.filter(pk=case.pk).update(report_outstanding=True)

    sign_in("supervisor")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name=re.compile("Review"))).to_contain_text("1 new")
    assert_accessible(page)
    nav.get_by_role("link", name=re.compile("Review")).click()
    expect(page.get_by_role("heading", name="Waiting for review, oldest first")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=case.ref)
    expect(row).to_contain_text("Companion answers every question")
    expect(row).to_contain_text("Report to log")
    assert_accessible(page)

    row.get_by_role("link", name=case.ref).click()
    expect(page.get_by_role("heading", name="Review", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What the clinician should do").fill("Please log the report decision")
    page.get_by_role("button", name="Return to the clinician").click()
    expect(page.get_by_text("Returned to the clinician.")).to_be_visible()
    expect(page.locator("#tab-panel")).to_contain_text("Please log the report decision")
    # Having reviewed it, the header no longer counts it as new.
    expect(nav.get_by_role("link", name=re.compile("Review"))).not_to_contain_text("new")
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in("clinician")
    expect(page.locator("#review-requests")).to_contain_text("Please log the report decision")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in("supervisor")
    page.goto(f"/cases/{case.ref}/review/")
    page.get_by_role("button", name="Sign off").click()
    expect(page.get_by_text("Case signed off.")).to_be_visible()
    expect(page.get_by_text("No case is waiting for review.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Figures").click()
    expect(page.get_by_role("heading", name="Cases opened per month")).to_be_visible()
    expect(page.locator("#figures-table")).to_contain_text("Emergency")
    expect(page.get_by_role("img", name="Cases opened per month")).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_text("6 cases counted")).to_be_visible()
    # Maternity has no case: too few to show anything, by itself or by difference.
    page.get_by_label("Unit", exact=True).select_option(label="Maternity")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#figures-suppressed")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.goto("/review/figures/")
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == "harbor-figures.csv"
