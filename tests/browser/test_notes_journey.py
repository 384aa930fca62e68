"""A clinician writes the encounter note: a draft that survives a reload, a wording warning as
they type, an injury chosen on the body diagram, finalising, an addendum, and printing cards."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import Page, Response, expect

from documentation.models import EncounterNote
from tests.browser.conftest import assert_accessible


@pytest.fixture(autouse=True)
def hotline_directory(settings) -> None:
    settings.HARBOR_HOTLINES_PROVIDER = "tests.documentation.conftest.directory_hotlines"


def check_accessible(page: Page) -> None:
    # Move the pointer off the last button clicked: a hover transition caught half-way
    # is not the page's real contrast.
    page.mouse.move(0, 0)
    page.wait_for_timeout(250)
    assert_accessible(page)


def status(page: Page):
    return page.locator("#note-status")


def type_and_wait_for_save(page: Page, label: str, text: str) -> None:
    # The save that carries this text (a change event may send an earlier one first).
    sent = quote(text, safe="")

    def saved(response: Response) -> bool:
        body = response.request.post_data or ""
        return response.url.endswith("/save/") and response.status == 200 and sent in body

    with page.expect_response(saved):
        page.get_by_label(label).fill(text)
    expect(status(page)).to_contain_text("Saved")


def test_clinician_drafts_finalises_amends_and_prints(personas, case, page: Page, sign_in):
    sign_in("clinician")
    page.goto(f"/cases/{case.ref}/")
    tabs = page.get_by_role("navigation", name="Case sections")
    tabs.get_by_role("link", name="Notes", exact=True).click()
    start = page.get_by_role("button", name="Start the encounter note")
    expect(start).to_be_visible()
    check_accessible(page)
    start.click()

    # Draft: saves as typed, and the wording check speaks up without changing the text.
    presentation = page.get_by_label("Presentation")
    type_and_wait_for_save(page, "Presentation", "Patient refused the pelvic exam.")
    expect(page.locator("#wording")).to_contain_text("refused")
    expect(page.locator("#wording")).to_contain_text("declined / chose not to")
    expect(presentation).to_have_value("Patient refused the pelvic exam.")
    type_and_wait_for_save(page, "Why it is restricted", "Partner reads the patient portal")

    # A closed tab loses nothing: a fresh load shows the draft.
    page.reload()
    expect(page.get_by_label("Presentation")).to_have_value("Patient refused the pelvic exam.")
    expect(page.get_by_label("Why it is restricted")).to_have_value(
        "Partner reads the patient portal"
    )

    # An injury, chosen on the diagram, measured.
    page.locator("a.body-site[data-site='left-forearm']").click()
    injury_form = page.locator("#injury-form")
    expect(injury_form.get_by_label("Where")).to_have_value("left-forearm")
    injury_form.get_by_label("Length (cm)").fill("3")
    injury_form.get_by_label("Colour").fill("purple")
    injury_form.get_by_role("button", name="Add injury").click()
    expect(page.locator("#injury-list")).to_contain_text("Left forearm: 3 cm, purple")
    # The injury bumped the note's version; typing again still saves (no false conflict).
    type_and_wait_for_save(page, "Emotional state", "Quiet, watched the door.")
    expect(status(page)).not_to_contain_text("Not saved")
    check_accessible(page)

    # Finalise: the wording must be reviewed first; then the note is locked.
    page.get_by_role("button", name="Finalise the note").click()
    expect(page.get_by_role("alert")).to_contain_text("Review the flagged wording")
    expect(page.get_by_label("Presentation")).to_have_value("Patient refused the pelvic exam.")
    page.get_by_label("I have reviewed the flagged wording").check()
    page.get_by_role("button", name="Finalise the note").click()
    expect(page.locator("#note-heading")).to_contain_text("Final")
    expect(page.get_by_label("Presentation")).to_have_count(0)

    # Addendum, with who and when.
    page.get_by_label("Addendum").fill("Patient phoned to confirm the follow-up visit.")
    page.get_by_role("button", name="Add addendum").click()
    expect(page.locator(".addendum")).to_contain_text("Added by Clinician on")
    expect(page.locator(".addendum")).to_contain_text("Patient phoned to confirm")
    check_accessible(page)

    note = EncounterNote.objects.get(case=case)
    assert note.status == "final" and note.sections["emotional_state"] == "Quiet, watched the door."

    # Print the cards: a PDF comes back, named neutrally.
    with page.expect_response(lambda r: "/print/card/" in r.url) as card:
        page.get_by_role("button", name="Print cards").click()
    response = card.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'inline; filename="card.pdf"'
    # Leave the PDF viewer before the test's database is flushed: it may fetch the file again.
    page.goto("about:blank")


def test_administrator_edits_the_note_template_and_the_word_list(personas, page: Page, sign_in):
    sign_in("administrator")
    page.goto("/documentation/templates/")
    check_accessible(page)
    page.get_by_role("link", name="Encounter note").click()
    page.get_by_label("Position of section 1").fill("2")  # move Presentation down one
    page.get_by_label("What changed, and why").fill("Observations first")
    check_accessible(page)
    page.get_by_role("button", name="Save as new version").click()
    expect(page.get_by_text("Saved as version 2")).to_be_visible()
    expect(page.locator("#history-heading")).to_be_visible()
    check_accessible(page)
    from documentation.models import NoteTemplateVersion

    newest = NoteTemplateVersion.objects.newest("encounter")
    assert [s["slug"] for s in newest.sections[:2]] == ["observations", "presentation"]

    page.goto("/documentation/language-check/")
    expect(page.get_by_role("heading", name="Language check wording")).to_be_visible()
    check_accessible(page)
