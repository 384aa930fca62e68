"""What someone looking over the clinician's shoulder, or at the paper, can see: the Hide screen
button stays in reach however far a long tab is scrolled, a printed case page is one neutral
line, and a paused screening shows nothing telling."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from screening import actions as screening_actions
from tests.browser.conftest import assert_accessible
from tests.visible_text import visible_text

SIZES = [(1366, 768), (800, 600)]


@pytest.fixture
def content(transactional_db) -> None:
    call_command("load_screening_content", stdout=io.StringIO())
    call_command("load_safety_content", stdout=io.StringIO())
    # The referral directory: the lines every tab offers are its national lines.
    call_command("load_referrals_content", stdout=io.StringIO())


@pytest.fixture
def screening(content, personas, case):
    return screening_actions.start_screening(
        case,
        screening_actions.Gate(
            separation_method="routine-procedure", separation_note="", interpreter="not-needed"
        ),
        by=personas.clinician,
    )


def hide_button_in_view(page: Page) -> bool:
    return page.evaluate(
        """() => {
          const r = document.getElementById("quick-hide").getBoundingClientRect();
          return r.width > 0 && r.top >= 0 && r.left >= 0
            && r.bottom <= window.innerHeight && r.right <= window.innerWidth;
        }"""
    )


@pytest.mark.parametrize(("width", "height"), SIZES, ids=["1366x768", "800x600"])
def test_hide_screen_stays_in_reach_at_the_bottom_of_the_screening_tab(
    personas, screening, page, sign_in, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    sign_in("clinician")
    page.goto(f"/screening/cases/{screening.case.ref}/")
    assert hide_button_in_view(page)
    expect(page.locator("#quick-hide-shortcut")).to_contain_text("Shift")
    if width == 1366:
        # One theme at a time: about five screens, down from eleven with all 24 questions.
        assert page.evaluate("document.documentElement.scrollHeight") < 6 * height
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("window.scrollY > 0")
    assert hide_button_in_view(page), "Hide screen scrolled out of view"
    expect(page.locator("#quick-hide-shortcut")).to_be_visible()
    assert_accessible(page)
    page.locator("#quick-hide").click()
    expect(page.get_by_role("heading", name="Ward information")).to_be_visible()
    # Let the sign-out finish before the database is reset for the next test.
    page.wait_for_url("**/welcome/")


@pytest.mark.parametrize("tab", ["", "screening/", "care/"])
def test_a_printed_case_page_is_one_neutral_line(personas, screening, page, sign_in, tab):
    case = screening.case
    case.ward_label = "Bay 7"
    case.save(update_fields=["ward_label"])
    sign_in("clinician")
    url = {
        "": f"/cases/{case.ref}/",
        "screening/": f"/screening/cases/{case.ref}/",
        "care/": f"/safety/cases/{case.ref}/care/",
    }[tab]
    page.goto(url)
    expect(page.locator(".case-header")).to_contain_text(case.ref)
    reader = PdfReader(io.BytesIO(page.pdf()))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) == 1
    assert text.strip() == "Ward workstation page. Not for printing."
    for secret in (case.ref, "Bay 7", "Emergency", "Hide screen", "Helpline", "helpline"):
        assert secret not in text


def test_a_paused_screening_shows_nothing_telling(personas, screening, page, sign_in):
    from screening.models import ObservedIndicator

    tattoo = (
        ObservedIndicator.objects.filter(
            screening=screening, indicator__text__icontains="property of"
        ).first()
        or screening.observations.first()
    )
    screening_actions.save_observation(
        tattoo, observed=True, note="", base_version=tattoo.version, by=personas.clinician
    )
    sign_in("clinician")
    page.goto(f"/screening/cases/{screening.case.ref}/")
    expect(page.locator("#summary")).to_contain_text(tattoo.indicator.text)
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_text("Paused: the questions are hidden.")).to_be_visible()
    summary = page.locator("#summary")
    expect(summary).to_contain_text("Possible concern")
    expect(summary).not_to_contain_text(tattoo.indicator.text)
    expect(page.locator("#guidance-folded")).not_to_have_attribute("open", "")
    expect(page.get_by_text("Never ask for a label")).to_be_hidden()
    shown = visible_text(page.content())
    assert tattoo.indicator.text not in shown
    assert "property of" not in shown.lower()
    assert_accessible(page)
