"""A clinician screens a patient: the gate (met, and not met), observed signs and the
conversation guide, with every answer saved as it is typed and still there after a reload."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from screening import actions
from screening.models import Answer
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD
from tests.visible_text import visible_text


@pytest.fixture
def content(transactional_db) -> None:
    call_command("load_screening_content", stdout=io.StringIO())
    # The referral directory: the lines every tab offers are its national lines.
    call_command("load_referrals_content", stdout=io.StringIO())


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
    expect(page.get_by_role("alert")).to_contain_text("cannot interpret")
    expect(page.locator("#interpreter-refused")).to_contain_text(
        "may be the person controlling the patient"
    )
    # What was ticked is kept, so only the interpreter needs changing.
    expect(page.get_by_label("Routine test or imaging, escorted by you")).to_be_checked()
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

    # Writing a note on a question still marked "not asked" records it as answered.
    daily = page.locator("#q-rules-for-eating-resting-washroom")
    daily.get_by_label("What the patient said").fill("Has to ask to use the washroom")
    expect(daily.get_by_role("status")).to_contain_text("Saved")
    expect(daily.get_by_label("Answered")).to_be_checked()

    # One theme at a time; autosave needs no Save button (kept only for the no-script path).
    expect(page.locator("#asked-count")).to_contain_text("2 of 24 asked")
    expect(page.locator("#questions").get_by_role("button", name="Save")).to_have_count(0)
    page.evaluate("window.harborSamePage = true")
    page.get_by_role("navigation", name="Themes").get_by_role(
        "link", name=re.compile("Control over ID, money and contact")
    ).click()
    expect(page.get_by_role("heading", name="Control over ID, money and contact")).to_be_visible()
    expect(page.locator("#q-where-staying-typical-day")).to_have_count(0)
    assert page.evaluate("window.harborSamePage === true")
    assert_accessible(page)
    control = page.locator("#q-who-holds-documents")
    control.get_by_label("Answered").check()
    control.get_by_label("This answer raises concern").check()
    expect(control.get_by_role("status")).to_contain_text("Saved")
    expect(page.locator("#summary")).to_contain_text("High concern")
    # The case header follows without a reload.
    expect(page.locator("#case-summary")).to_contain_text("Concern: High concern")
    # Next steps lead where they are done: telling the supervisor is the escalation form.
    escalate = page.locator("#summary").get_by_role(
        "link", name="Alert your supervisor now and escalate the case."
    )
    expect(escalate).to_have_attribute("href", f"/cases/{case.ref}/escalate/")
    assert_accessible(page)

    # A reload stays on the theme being asked (its address was pushed); every answer is kept.
    page.reload()
    expect(
        page.locator("#q-who-holds-documents").get_by_label("This answer raises concern")
    ).to_be_checked()
    page.get_by_role("navigation", name="Themes").get_by_role(
        "link", name=re.compile("Environment and daily life")
    ).click()
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
    expect(page.locator("#signs input")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("The patient is alone again").check()
    page.get_by_role("button", name="Resume").click()
    page.get_by_text("Finish screening…").click()
    expect(page.locator("#finish")).to_contain_text("can no longer be changed")
    page.get_by_role("button", name="Yes, finish the screening").click()
    expect(page.get_by_role("link", name="Download record (FHIR JSON)")).to_be_visible()
    expect(page.get_by_text("We all sleep at the restaurant")).to_be_visible()
    assert "traffick" not in visible_text(page.content()).lower()
    assert_accessible(page)


def test_gate_not_met_records_why_and_offers_universal_education(
    personas, case, content, page, sign_in
):
    sign_in("clinician")
    open_screening_tab(page, case)
    page.get_by_label("Companion would not leave the patient alone").check()
    page.get_by_label("I offered these resources").check()
    page.get_by_role("button", name="Record: not screened").click()
    expect(page.get_by_role("heading", name=re.compile("Not screened"))).to_be_visible()
    expect(page.locator("#resources").get_by_text("1-833-900-1010")).to_be_visible()
    expect(page.get_by_text("Can you tell me a bit about where you")).to_have_count(0)
    # The line's own name is one click away, never on screen by default.
    assert "traffick" not in visible_text(page.content()).lower()
    resources = page.locator("#resources")
    expect(resources.get_by_text("Canadian Human Trafficking Hotline")).to_be_hidden()
    resources.get_by_text("Full name of this line").first.click()
    expect(resources.get_by_text("Canadian Human Trafficking Hotline")).to_be_visible()
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


def test_a_dropped_connection_keeps_the_typed_note_and_says_it_was_not_saved(
    personas, case, content, browser, live_server
):
    # Own context rather than the `page` fixture: the failed requests while offline are
    # expected console errors here, and only those are allowed.
    actions.start_screening(
        case,
        actions.Gate(
            separation_method="routine-procedure", separation_note="", interpreter="not-needed"
        ),
        by=personas.clinician,
    )
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("clinician")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    # Through the tab, so the rows arrive in an htmx swap, not a full page load.
    page.goto(f"/cases/{case.ref}/")
    page.get_by_role("navigation", name="Case sections").get_by_role(
        "link", name="Screening", exact=True
    ).click()
    question = page.locator("#q-where-staying-typical-day")
    expect(question).to_be_visible()
    question.get_by_label("Answered").check()
    expect(question.get_by_role("status")).to_contain_text("Saved")

    context.set_offline(True)
    note = question.get_by_label("What the patient said")
    note.fill("Sleeps at the restaurant")
    expect(question.get_by_role("status")).to_contain_text("Not saved — check connection")
    expect(note).to_have_value("Sleeps at the restaurant")
    # Submitting the row (what the no-script Save button does) fails the same way instead of
    # leaving the page; with scripts on there is no Save button to press.
    expect(question.get_by_role("button", name="Save")).to_be_hidden()
    question.evaluate("form => form.requestSubmit()")
    expect(question.get_by_role("status")).to_contain_text("Not saved — check connection")
    expect(note).to_have_value("Sleeps at the restaurant")
    assert Answer.objects.get(pk=answer_pk(case, "where-staying-typical-day")).note == ""
    offline_errors = len(errors)
    # htmx logs its failed-request events; the browser logs the refused request. Nothing else.
    expected = ("ERR_INTERNET_DISCONNECTED", "htmx:afterRequest", "htmx:sendError")
    assert errors and all(any(word in e for word in expected) for e in errors), errors

    context.set_offline(False)
    note.press("End")
    note.type(" with the others")
    expect(question.get_by_role("status")).to_contain_text("Saved")
    assert errors[offline_errors:] == []
    page.reload()
    expect(
        page.locator("#q-where-staying-typical-day").get_by_label("What the patient said")
    ).to_have_value("Sleeps at the restaurant with the others")
    assert_accessible(page)
    context.close()


def answer_pk(case, question_slug: str) -> int:
    return Answer.objects.get(screening__case=case, question__slug=question_slug).pk


def test_an_administrator_adds_a_theme_and_a_clinician_then_asks_it(
    personas, case, content, page, sign_in
):
    sign_in("administrator")
    page.goto("/screening/content/")
    page.get_by_role("link", name="Edit as new version of Conversation guide 1").click()
    assert_accessible(page)
    page.get_by_label("Remove theme 6", exact=True).check()
    new_theme = page.locator("fieldset", has_text="Add a theme (leave empty to add none)")
    new_theme.get_by_label("Theme title").fill("Health and care")
    page.get_by_role("button", name="Save as new version").click()
    # Half a new theme: refused, said beside it, and nothing typed lost.
    expect(page.get_by_role("alert")).to_contain_text("Not saved.")
    expect(new_theme).to_contain_text("A new theme needs a title, a purpose and a question.")
    expect(new_theme.get_by_label("Theme title")).to_have_value("Health and care")
    expect(page.get_by_label("Remove theme 6", exact=True)).to_be_checked()
    assert_accessible(page)
    new_theme.get_by_label("Purpose line").fill("Whether the patient can get care.")
    new_theme.get_by_label("Question", exact=True).first.fill("When did you last see a doctor?")
    page.get_by_role("button", name="Save as new version").click()
    expect(page.get_by_text("Saved as version 2.")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    sign_in("clinician")
    open_screening_tab(page, case)
    page.get_by_label("The patient is alone").check()
    page.get_by_label("Private examination").check()
    page.get_by_label("Not needed: we share a language").check()
    page.get_by_label("I read the limits of confidentiality").check()
    page.get_by_label("The patient agreed to talk").check()
    page.get_by_role("button", name="Start the conversation").click()
    themes = page.get_by_role("navigation", name="Themes")
    expect(themes.get_by_role("link", name=re.compile("Health and care"))).to_be_visible()
    expect(themes.get_by_role("link", name=re.compile("Support and connection"))).to_have_count(0)
    themes.get_by_role("link", name=re.compile("Health and care")).click()
    expect(page.get_by_text("When did you last see a doctor?")).to_be_visible()


def test_switching_tab_straight_after_typing_loses_nothing(personas, case, content, page, sign_in):
    # The save waits for a pause in typing; a clinician who clicks away at once (to another
    # section, through htmx, with no page unload) must not lose what was just typed.
    actions.start_screening(
        case,
        actions.Gate(
            separation_method="routine-procedure", separation_note="", interpreter="not-needed"
        ),
        by=personas.clinician,
    )
    sign_in("clinician")
    page.goto(f"/cases/{case.ref}/")
    open_case_section(page, case, "Screening")
    question = page.locator("#q-where-staying-typical-day")
    question.get_by_label("Answered").check()
    expect(question.get_by_role("status")).to_contain_text("Saved")
    question.get_by_label("What the patient said").fill("Sleeps at the restaurant")
    sign = page.locator("#sign-constant-phone-checks")
    sign.get_by_label("Note about: Constant texting").fill("Phone buzzed all through the visit")
    open_case_section(page, case, "Overview")

    open_case_section(page, case, "Screening")
    expect(
        page.locator("#q-where-staying-typical-day").get_by_label("What the patient said")
    ).to_have_value("Sleeps at the restaurant")
    expect(
        page.locator("#sign-constant-phone-checks").get_by_label("Note about: Constant texting")
    ).to_have_value("Phone buzzed all through the visit")


def test_a_slow_save_finishes_before_the_section_changes(personas, case, content, page, sign_in):
    # On a slow ward network the save may still be on its way (or queued behind another) when
    # the clinician clicks another section; the switch waits for it instead of dropping it.
    actions.start_screening(
        case,
        actions.Gate(
            separation_method="routine-procedure", separation_note="", interpreter="not-needed"
        ),
        by=personas.clinician,
    )
    sign_in("clinician")
    page.goto(f"/screening/cases/{case.ref}/")

    def slow(route):
        page.wait_for_timeout(1500)
        route.continue_()

    page.route("**/answers/**", slow)
    question = page.locator("#q-where-staying-typical-day")
    question.get_by_label("What the patient said").fill("First words")
    page.wait_for_timeout(1000)  # that save is now on its way, slowly
    question.get_by_label("What the patient said").fill("First words, then more")
    open_case_section(page, case, "Overview")
    page.unroute("**/answers/**")

    open_case_section(page, case, "Screening")
    expect(
        page.locator("#q-where-staying-typical-day").get_by_label("What the patient said")
    ).to_have_value("First words, then more")


def open_case_section(page, case, name: str) -> None:
    page.get_by_role("navigation", name="Case sections").get_by_role(
        "link", name=name, exact=True
    ).click()
    expect(
        page.get_by_role("navigation", name="Case sections").get_by_role("link", name=name)
    ).to_have_attribute("aria-current", "page")
