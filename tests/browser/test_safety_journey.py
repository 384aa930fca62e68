"""A clinician works the Safety, Care and Reporting tabs of a case for a 15-year-old in Ontario:
ticks checklists, assesses capacity, records the reporting decision and logs the report made."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from cases import actions
from safety import actions as safety_actions
from safety.capacity import CapacityOutcome
from safety.facts import AgeBasis, ReportingFacts, Tri
from safety.rule_table import InjuryKind
from tests.browser.conftest import assert_accessible


@pytest.fixture
def content(personas) -> None:
    call_command("load_safety_content", stdout=StringIO())
    # The referral directory: the lines every tab offers are its national lines.
    call_command("load_referrals_content", stdout=StringIO())


@pytest.fixture
def case(personas, content):
    return actions.open_case(
        unit=personas.emergency,
        jurisdiction="CA-ON",
        age_years=15,
        preferred_language="en",
        by=personas.clinician,
    )


def answer(page: Page, question: str, choice: str) -> None:
    page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()


CONSENT_QUESTION = "Does the patient agree to the reports that need their consent (e.g. police)?"


def open_tab(page: Page, label: str) -> None:
    tabs = page.get_by_role("navigation", name="Case sections")
    tabs.get_by_role("link", name=label, exact=True).click()
    expect(tabs.get_by_role("link", name=label, exact=True)).to_have_attribute(
        "aria-current", "page"
    )


def test_clinician_works_through_safety_care_and_reporting(personas, case, page, sign_in):
    sign_in("clinician")
    page.goto(f"/cases/{case.ref}/")

    # Safety: tick one item, and mark another not applicable with a reason.
    open_tab(page, "Safety")
    assert_accessible(page)
    supervisor_item = page.locator("#item-safety-protocol-alert-supervisor")
    # A double click records once (htmx drops the second request; the button is disabled).
    supervisor_item.get_by_role("button", name="Mark done").dblclick()
    expect(supervisor_item.locator(".badge")).to_have_text("Done")
    assert (
        case.events.filter(kind="safety.item_done", payload__item="alert-supervisor").count() == 1
    )
    expect(supervisor_item.get_by_role("button", name="Reopen")).to_be_visible()
    stay_item = page.locator("#item-safety-protocol-stay-with-patient")
    stay_item.get_by_text("Not applicable…").click()
    stay_item.get_by_role("button", name="Mark not applicable").click()
    expect(stay_item.get_by_role("alert")).to_contain_text("Say why this item does not apply.")
    stay_item.get_by_label("Why it does not apply").fill("Patient asked to be alone")
    stay_item.get_by_role("button", name="Mark not applicable").click()
    expect(stay_item).to_contain_text("Reason: Patient asked to be alone")
    assert_accessible(page)

    # Care: forensic evidence waits for the patient's consent.
    open_tab(page, "Care")
    forensic = page.locator("#item-immediate-care-forensic-evidence")
    forensic.get_by_role("button", name="Mark done").click()
    expect(forensic.get_by_role("alert")).to_contain_text("Record the patient's consent")
    forensic.get_by_label("The patient gave consent").check()
    forensic.get_by_role("button", name="Mark done").click()
    expect(forensic).to_contain_text("Consent recorded by Clinician")
    assert_accessible(page)

    # Reporting: capacity first.
    open_tab(page, "Reporting")
    assert_accessible(page)
    page.get_by_label("Decision being assessed").fill("Whether to involve the police")
    for ability in ("communicate_choice", "understand", "appreciate", "reason"):
        page.locator(f"input[name={ability}][value=present]").check()
        page.locator(f"#id_{ability}_evidence").fill("Explained it back in her own words")
    page.get_by_role("button", name="Record assessment").click()
    expect(page.get_by_text("Capacity assessment recorded")).to_be_visible()
    assert_accessible(page)

    # The facts: the age comes from the case, capacity from the assessment just recorded.
    expect(page.get_by_label("Age in years")).to_have_value("15")
    expect(page.locator("#capacity-used")).to_contain_text("Has capacity for this decision")
    answer(page, "Injury", "No injury")
    answer(page, CONSENT_QUESTION, "No")
    page.get_by_role("button", name="Show what applies").click()
    preview = page.locator("#preview")
    expect(preview.get_by_role("heading", name="What these facts lead to")).to_be_visible()
    expect(preview).to_contain_text("a children's aid society")
    expect(preview).to_contain_text("Decision support, not legal advice.")
    assert_accessible(page)

    preview.get_by_role("button", name="Record this decision").click()
    expect(page.get_by_text("Reporting decision recorded.")).to_be_visible()
    recorded = page.locator("#recorded")
    expect(recorded.get_by_text("Not logged yet")).to_be_visible()
    expect(page.locator(".case-header").get_by_text("Report to log")).to_be_visible()
    assert_accessible(page)

    # The report actually made.
    page.get_by_label("Report made to").select_option(label="a children's aid society")
    page.get_by_label("Reference number").fill("CAS-2291")
    answer(page, "Was the patient told about this report?", "Yes")
    page.get_by_role("button", name="Log this report").click()
    expect(page.get_by_text("Report to a children's aid society logged.")).to_be_visible()
    expect(page.locator("#disclosures").get_by_role("cell", name="CAS-2291")).to_be_visible()
    expect(recorded.get_by_text("Logged", exact=True)).to_be_visible()
    expect(page.locator(".case-header").get_by_text("Report to log")).to_have_count(0)
    assert_accessible(page)
    assert "traffick" not in page.title().lower()


def test_threatening_behaviour_shows_the_numbers_at_once(personas, case, page, sign_in):
    sign_in("clinician")
    page.goto(f"/cases/{case.ref}/")
    page.get_by_role("button", name="Threatening behaviour").click()
    alert = page.locator("#threat-numbers")
    expect(alert.get_by_role("heading", name="Call security now")).to_be_visible()
    expect(alert).to_contain_text("ext. 5555")
    expect(alert).to_contain_text("911")
    expect(page.locator(".case-header").get_by_text("Escalated")).to_be_visible()
    # Reporting the threat ticked "call security" on the safety protocol.
    expect(page.locator("#item-safety-protocol-call-security-on-threats .badge")).to_have_text(
        "Done"
    )
    assert_accessible(page)


def test_a_double_click_reports_once_and_a_mistaken_press_can_be_undone(
    personas, case, page, sign_in
):
    sign_in("clinician")
    page.goto(f"/cases/{case.ref}/")
    # A slow network: the second press comes while the first is still on its way.
    held = []
    page.route("**/threat/", lambda route: held.append(route))
    button = page.get_by_role("button", name="Threatening behaviour")
    # Two presses 150 ms apart, from inside the page (Playwright's own clicks wait for the
    # navigation the first one started).
    button.evaluate("b => { b.click(); setTimeout(() => b.click(), 150); }")
    page.wait_for_timeout(400)
    assert len(held) == 1, "the second press sent the report again"
    for route in held:
        route.continue_()
    expect(page.locator("#threat-numbers")).to_be_visible()
    assert case.events.filter(kind="safety.threat_reported").count() == 1
    assert_accessible(page)
    page.get_by_role("button", name="Undo: pressed by mistake").click()
    expect(page.get_by_text("Undone: the report is withdrawn")).to_be_visible()
    expect(page.locator(".case-header").get_by_text("Escalated")).to_have_count(0)
    expect(page.locator("#item-safety-protocol-call-security-on-threats .badge")).to_have_text(
        "Open"
    )
    assert_accessible(page)


def test_care_lines_show_a_neutral_label_and_log_a_call_in_one_click(personas, case, page, sign_in):
    sign_in("clinician")
    page.goto(f"/safety/cases/{case.ref}/care/")
    numbers = page.get_by_role("complementary", name="Numbers to offer the patient")
    expect(numbers).to_contain_text("National 24/7 helpline · 1-833-900-1010")
    full_name = numbers.get_by_text("Canadian Human Trafficking Hotline")
    expect(full_name).to_be_hidden()
    assert_accessible(page)
    numbers.get_by_text("Full name of this line").first.click()
    expect(full_name).to_be_visible()
    assert_accessible(page)
    line = numbers.locator("li").first
    # While the request is on its way the button says so and cannot be pressed again.
    held = []
    page.route("**/line-called/", lambda route: held.append(route))
    called = line.get_by_role("button", name=re.compile("Called with the patient"))
    called.click()
    expect(called).to_be_disabled()
    expect(called).to_have_class(re.compile("harbor-busy"))
    expect(line.locator("form")).to_have_attribute("aria-busy", "true")
    page.wait_for_timeout(100)
    assert len(held) == 1
    held[0].continue_()
    expect(line.get_by_role("status")).to_contain_text("Recorded: you called 1-833-900-1010")
    expect(line.get_by_role("button", name=re.compile("Called with the patient"))).to_be_enabled()
    assert case.events.filter(kind="case.line_called").count() == 1
    # (the pointer off the button: axe would sample Bootstrap's hover transition half-way)
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)
    assert_accessible(page)


def test_supervisor_works_the_threat_and_the_report_still_to_log(personas, case, page, sign_in):
    """A threatened, escalated case with a required report unlogged reaches the supervisor's
    home once, in the escalated list with its report to log; the supervisor logs the report."""
    safety_actions.report_threat(case, by=personas.clinician)
    _layers, rules = safety_actions.rules_for(case)
    facts = ReportingFacts(
        jurisdiction="CA-ON",
        age=15,
        age_basis=AgeBasis.CONFIRMED,
        capacity=CapacityOutcome.HAS_CAPACITY,
        injury_kind=InjuryKind.NONE,
        patient_consents=Tri.NO,
    )
    safety_actions.record_reporting_decision(case, facts, by=personas.clinician)

    sign_in("supervisor")
    escalated = page.get_by_role("region", name="Escalated to supervisors, oldest first")
    expect(escalated.get_by_role("row", name=re.compile(case.ref))).to_contain_text(
        "Threatening behaviour reported"
    )
    expect(escalated.get_by_role("row", name=re.compile(case.ref))).to_contain_text("Report to log")
    # Once on the home: not again among the reports still to log.
    to_log = page.get_by_role("region", name="A required report still to log")
    expect(to_log.get_by_role("link", name=case.ref)).to_have_count(0)
    assert_accessible(page)

    escalated.get_by_role("link", name=case.ref).click()
    open_tab(page, "Reporting")
    recorded = page.locator("#recorded")
    expect(recorded.get_by_text("Not logged yet")).to_be_visible()
    expect(recorded).to_contain_text(f"rules in force: {rules.version}")
    page.get_by_label("Report made to").select_option(label="a children's aid society")
    answer(page, "Was the patient told about this report?", "No")
    page.get_by_label("If not, why not").fill("Telling her now would put her at risk")
    page.get_by_role("button", name="Log this report").click()
    expect(page.locator("#disclosures")).to_contain_text(
        "No: Telling her now would put her at risk"
    )
    assert_accessible(page)

    page.goto("/")
    expect(
        page.get_by_role("region", name="A required report still to log").get_by_text(
            "Every required report has been logged."
        )
    ).to_be_visible()


def test_administrator_reviews_and_edits_the_rules(personas, content, page, sign_in):
    sign_in("administrator")
    page.get_by_role("link", name="Reporting rules by jurisdiction").click()
    expect(page.get_by_text("Decision support, not legal advice.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="CA-ON").click()
    assert_accessible(page)

    # One rule, in its own fieldset: a bad value is refused next to the field, nothing lost.
    editor = page.locator("#rule-editor")
    gunshot = editor.locator("fieldset", has_text="CA-ON-gunshot")
    gunshot.get_by_label("Stab", exact=True).check()
    gunshot.get_by_label("Legal basis (citation)").fill(
        "Mandatory Gunshot Wounds Reporting Act, 2005"
    )
    gunshot.get_by_label("Applies to").select_option(label="Injury from a crime")
    editor.get_by_label("What changed, and why").fill("Local policy")
    editor.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Wounds apply to gunshot or stab wound rules only"
    )
    expect(gunshot.get_by_label("Stab", exact=True)).to_be_checked()
    assert_accessible(page)
    gunshot.get_by_label("Applies to").select_option(label="Gunshot or stab wound")
    editor.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text("Saved as version 2.")).to_be_visible()
    gunshot_row = page.locator("#rules tr", has_text="CA-ON-gunshot")
    expect(gunshot_row).to_contain_text(
        re.compile(r"Gunshot or stab wound, (gunshot, stab|stab, gunshot)")
    )
    expect(page.get_by_role("link", name="Version 2")).to_be_visible()

    # A line to call with the patient, in the same editor.
    line = editor.locator("fieldset", has_text="Add a line")
    line.get_by_label("Name").fill("Ontario crisis line")
    line.get_by_label("Number").fill("1-866-000-0000")
    line.get_by_label("Hours, languages and what the line does").fill("24/7, English and French.")
    editor.get_by_label("What changed, and why").fill("Added the provincial line")
    editor.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text("Saved as version 3.")).to_be_visible()
    expect(editor.locator("fieldset", has_text="Line 1").get_by_label("Number")).to_have_value(
        "1-866-000-0000"
    )

    # The advanced JSON editor, validated by the same schema and checks.
    page.get_by_text("Advanced: edit CA-ON as JSON").click()
    json_editor = page.get_by_label("Rules for this jurisdiction (JSON)")
    json_editor.fill(json_editor.input_value().replace('"Ontario"', '"Ontario (reviewed)"'))
    page.locator("#json-form").get_by_label("What changed, and why").fill("Reviewed")
    page.get_by_role("button", name="Save JSON as a new version").click()
    expect(page.get_by_text("Saved as version 4.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"Ontario \(reviewed\)"))).to_be_visible()
    assert_accessible(page)

    page.goto("/")
    page.get_by_role("link", name="Checklists").click()
    page.get_by_role("link", name="Immediate care").click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    assert_accessible(page)
    editor = page.locator("#item-editor")
    forensic = editor.locator("fieldset", has=page.locator("input[value=forensic-evidence]"))
    forensic.get_by_label("Only with the patient's consent").uncheck()
    editor.get_by_label("What changed, and why").fill("Simplify")
    editor.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("alert")).to_contain_text("must keep “requires consent” ticked")
    assert_accessible(page)
    forensic.get_by_label("Only with the patient's consent").check()
    added = editor.locator("fieldset", has_text="Add an item")
    added.locator("input[name$='-text']").fill("Offer a warm drink and food.")
    editor.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text("Saved as version 2.")).to_be_visible()
    expect(editor).to_contain_text("Item 18")
