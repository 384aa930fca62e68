"""A clinician screens a patient: the gate (met, and not met), observed signs and the
conversation guide, with every answer saved as it is typed and still there after a reload."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


@pytest.fixture
def content(transactional_db) -> None:
    call_command("load_screening_content", stdout=io.StringIO())


def open_screening_tab(page, case) -> None:
    page.goto(f"/cases/{case.ref}/")
    page.get_by_role("navigation", name="Case sections").get_by_role(
        "link", name="Screening", exact=True
    ).click()
    expect(page.get_by_role("heading", name="Before you ask anything")).to_be_visible()
    assert "traffick" not in page.title().lower()


def test_gate_met_then_signs_and_answers_save_as_typed(personas, case, content, page, sign_in):
    sign_in("clinician")
    open_screening_tab(page, case)
    expect(page.locator("#confidentiality-text")).to_contain_text("gunshot or stab wounds")
    assert_accessible(page)

    # A companion as interpreter is refused, with the reason.
    page.get_by_label("The patient is alone").check()
    page.get_by_label("Routine test or imaging, escorted by you").check()
    page.get_by_label("Companion, friend or family member").check()
    page.get_by_label("I read the limits of confidentiality").check()
    page.get_by_label("The patient agreed to talk").check()
    page.get_by_role("button", name="Start the conversation").click()
    expect(page.get_by_role("alert")).to_contain_text("may be the person controlling the patient")
    expect(page.get_by_text("Can you tell me a bit about where you")).to_have_count(0)
    assert_accessible(page)

    # With a professional interpreter, the conversation starts.
    page.get_by_label("Professional interpreter, by phone or video").check()
    page.get_by_label("The patient is alone").check()
    page.get_by_label("I read the limits of confidentiality").check()
    page.get_by_label("The patient agreed to talk").check()
    page.get_by_role("button", name="Start the conversation").click()
    expect(page.get_by_role("heading", name="What you observed")).to_be_visible()
    expect(page.get_by_text("What does that tattoo mean or represent?")).to_be_visible()
    assert_accessible(page)

    tattoo = page.locator("#sign-ownership-tattoo")
    tattoo.get_by_role("checkbox").check()
    expect(tattoo.get_by_role("status")).to_contain_text("Saved")
    expect(page.locator("#summary")).to_contain_text("Possible concern")

    question = page.locator("#q-where-staying-typical-day")
    question.get_by_label("Answered").check()
    question.get_by_label("What the patient said").fill("We all sleep at the restaurant")
    question.get_by_label("These are the patient's own words").check()
    expect(question.get_by_role("status")).to_contain_text("Saved")

    control = page.locator("#q-who-holds-documents")
    control.get_by_label("Answered").check()
    control.get_by_label("This answer raises concern").check()
    expect(control.get_by_role("status")).to_contain_text("Saved")
    expect(page.locator("#summary")).to_contain_text("High concern")
    assert_accessible(page)

    page.reload()
    question = page.locator("#q-where-staying-typical-day")
    expect(question.get_by_label("What the patient said")).to_have_value(
        "We all sleep at the restaurant"
    )
    expect(question.get_by_label("Answered")).to_be_checked()
    expect(page.locator("#sign-ownership-tattoo").get_by_role("checkbox")).to_be_checked()
    expect(page.locator("#summary")).to_contain_text("High concern")
    expect(page.locator(".case-header")).to_contain_text("Concern: High concern")

    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_text("Paused: the questions are hidden.")).to_be_visible()
    expect(page.locator("#questions textarea")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("The patient is alone again").check()
    page.get_by_role("button", name="Resume").click()
    page.get_by_role("button", name="Finish screening").click()
    expect(page.get_by_role("link", name="Download record (FHIR JSON)")).to_be_visible()
    expect(page.get_by_text("We all sleep at the restaurant")).to_be_visible()
    assert "traffick" not in page.content().lower()
    assert_accessible(page)


def test_gate_not_met_records_why_and_offers_universal_education(
    personas, case, content, page, sign_in
):
    sign_in("clinician")
    open_screening_tab(page, case)
    page.get_by_label("Companion would not leave the patient alone").check()
    page.get_by_label("I offered the resources below").check()
    page.get_by_role("button", name="Record: not screened").click()
    expect(page.get_by_role("heading", name=re.compile("Not screened"))).to_be_visible()
    expect(page.get_by_text("1-833-900-1010")).to_be_visible()
    expect(page.get_by_text("Can you tell me a bit about where you")).to_have_count(0)
    assert "traffick" not in page.content().lower()
    assert_accessible(page)

    # Signs seen can still be recorded, and the summary says no question was asked.
    sign = page.locator("#sign-companion-answers-for-patient")
    sign.get_by_role("checkbox").check()
    expect(sign.get_by_role("status")).to_contain_text("Saved")
    expect(page.locator("#summary")).to_contain_text("no questions were asked")
    page.reload()
    expect(
        page.locator("#sign-companion-answers-for-patient").get_by_role("checkbox")
    ).to_be_checked()
    assert_accessible(page)
