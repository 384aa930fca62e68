"""A clinician signs in, starts a case, opens every tab, then hides the screen."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

TABS = ["Overview", "Screening", "Safety", "Care", "Reporting", "Referrals", "Notes"]


def test_clinician_journey_through_the_case_shell_and_quick_hide(personas, page, sign_in):
    page.goto("/accounts/login/")
    assert_accessible(page)
    sign_in("clinician")
    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Start a new case").click()
    assert_accessible(page)
    page.get_by_label("Ward label").fill("Bay 3")
    page.get_by_label("Age in years").fill("19")
    page.get_by_label("Preferred language").select_option("fr")
    page.get_by_role("button", name="Start case").click()
    # A new case opens where the work starts: the screening gate.
    expect(page).to_have_url(re.compile(r"/screening/cases/[a-z2-9]{5}-[a-z2-9]{5}/$"))
    expect(page.get_by_role("heading", name="Before you ask anything")).to_be_visible()
    expect(page.locator(".case-header")).to_contain_text("Bay 3")
    assert_accessible(page)
    case_ref = page.url.rstrip("/").rsplit("/", 1)[1]
    case_url = f"{page.url.split('/screening/')[0]}/cases/{case_ref}/"
    page.goto(case_url)
    expect(page.get_by_text("Case opened on Emergency")).to_be_visible()
    assert "traffick" not in page.title().lower()

    # Each page of the case, reached by its plain link, before any tab is swapped in.
    for link in ("Edit details and safe contact", "Escalate to a supervisor"):
        page.get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", name=link)).to_be_visible()
        assert_accessible(page)
        page.goto(case_url)

    # A page that HTMX only swaps into keeps this marker; a full page load would drop it.
    page.evaluate("window.harborSamePage = true")
    tabs = page.get_by_role("navigation", name="Case sections")
    for label in TABS[1:] + TABS[:1]:
        tabs.get_by_role("link", name=label, exact=True).click()
        expect(tabs.get_by_role("link", name=label, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        expect(page.locator("#tab-panel h2").first).to_be_visible()
        assert page.evaluate("window.harborSamePage === true"), f"{label} reloaded the page"
        assert "traffick" not in page.title().lower()
        assert_accessible(page)

    # The shortcut: Shift three times replaces the screen and signs out.
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    expect(page.get_by_role("heading", name="Ward information")).to_be_visible()
    page.wait_for_url("**/welcome/")
    assert_accessible(page)

    # Nothing of the case comes back: not with the back button (however far back), not by
    # its address.
    for _ in range(3):
        page.go_back()
        page.wait_for_load_state()
        assert "/accounts/login/" in page.url or "/welcome/" in page.url, page.url
        assert case_ref not in page.locator("body").inner_text()
        expect(page.get_by_text("Case opened on Emergency")).to_have_count(0)
    page.goto(case_url)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_text("Case opened on Emergency")).to_have_count(0)

    # Signed in again, home offers the case they were on first, without opening it.
    sign_in("clinician")
    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    back = page.locator("#last-case").get_by_role(
        "link", name=re.compile(f"Back to case {case_ref}")
    )
    expect(back).to_contain_text("Bay 3")
    assert_accessible(page)
    # And the list finds it by its label.
    page.get_by_label("Find by ward label or reference").fill("bay 3")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("cell", name="Bay 3")).to_be_visible()
    assert_accessible(page)


def test_quick_hide_button_signs_out_at_once(personas, page, sign_in):
    sign_in("supervisor")
    expect(
        page.get_by_role("heading", name="Escalated to supervisors, oldest first")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Hide screen").click()
    page.wait_for_url("**/welcome/")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_an_idle_workstation_locks_itself(personas, case, page, sign_in, settings):
    settings.HARBOR_IDLE_LOCK_MINUTES = 0.05  # three seconds
    sign_in("clinician")
    page.goto(case.get_absolute_url())
    expect(page.get_by_role("heading", name=f"Case {case.ref}")).to_be_visible()
    page.wait_for_url("**/accounts/login/?locked=1", timeout=15_000)
    expect(page.get_by_text("signed out after a period of inactivity")).to_be_visible()
    page.go_back()
    expect(page.get_by_text(case.ref)).to_have_count(0)


def test_the_shortcut_also_hides_the_administrators_pages(personas, page, sign_in):
    from django.contrib.auth.models import Group, Permission

    from cases.models import Role

    personas.administrator.is_staff = True
    personas.administrator.save()
    Group.objects.get(name=Role.ADMINISTRATOR).permissions.set(
        Permission.objects.filter(content_type__app_label="cases")
    )
    sign_in("administrator")
    expect(page.get_by_role("heading", name="What you administer")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Users, units and roles").click()
    expect(page.get_by_role("button", name="Hide screen")).to_be_visible()
    page.wait_for_load_state()  # harbor.js is deferred: its shortcut listens once loaded
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url("**/welcome/")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/login/"))


def test_a_supervisor_reassigns_a_case_and_closes_its_escalation(personas, case, page, sign_in):
    from cases import actions

    actions.escalate_case(case, reason="Companion answers for her", to=None, by=personas.clinician)
    sign_in("supervisor")
    page.goto(case.get_absolute_url())
    page.get_by_label("Assign to").select_option(label="Other_Clinician")
    assert_accessible(page)
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_text("Case assigned.")).to_be_visible()
    expect(page.get_by_text("Assigned to Other_Clinician")).to_be_visible()

    page.get_by_label("Review note").fill("Spoke with her alone; plan agreed")
    page.get_by_role("button", name="Close escalation").click()
    expect(page.get_by_text("Escalation closed.")).to_be_visible()
    expect(page.get_by_role("button", name="Close escalation")).to_have_count(0)
    assert_accessible(page)
