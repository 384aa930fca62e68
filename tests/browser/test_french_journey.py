"""A French-speaking clinician's shift, in French from the sign-in page on: start a case, meet
the gate, answer a question, reach the Reporting tab; axe-core clean in every state.

The words asserted are the French the pages really show: the case shell's (header, tabs,
buttons) from the core's catalogue, the gate's, the questions' and the Reporting tab's from the
screening and safety catalogues; and none of their former English headings may be left. The
gate's choices are content (their wording comes per language from the clinical content), so
they are reached by name and value, which stay the same in every language.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from cases.models import Case, User
from screening.models import Answer
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD

# The English the screening and safety tabs showed before they were translated: none of it may
# be left for a French reader.
ENGLISH_GATE = ["Before you ask anything", "Start the conversation"]
ENGLISH_QUESTIONS = ["What you observed"]
ENGLISH_REPORTING = ["Show what applies"]


@pytest.fixture
def content(transactional_db) -> None:
    call_command("load_content", stdout=io.StringIO())


def no_english_left(page: Page, phrases: list[str]) -> None:
    for phrase in phrases:
        expect(page.get_by_text(phrase, exact=True)).to_have_count(0)


def test_a_french_clinician_starts_a_case_screens_and_reaches_reporting(
    personas, content, page: Page
) -> None:
    User.objects.filter(pk=personas.clinician.pk).update(language="fr")
    # A workstation whose browser asks for Canadian French: the sign-in page follows it.
    page.set_extra_http_headers({"Accept-Language": "fr-CA,fr;q=0.9"})
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Nom d’utilisateur").fill("clinician")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    # Home, in French: the profile's language.
    expect(page.get_by_role("heading", name="Accueil", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Masquer l’écran")).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Nouveau dossier"
    ).click()
    expect(page.get_by_role("heading", name="Ouvrir un nouveau dossier")).to_be_visible()
    page.get_by_label("Âge (ans)").fill("34")
    assert_accessible(page)
    page.get_by_role("button", name="Ouvrir le dossier").click()

    # The new case opens on the screening gate.
    page.wait_for_url(re.compile(r"/screening/cases/"))
    case = Case.objects.get()
    expect(page.get_by_role("heading", name=f"Dossier {case.ref}")).to_be_visible()
    expect(page.locator("#case-summary")).to_contain_text("Préoccupation\u00a0: Non évaluée")
    tabs = page.get_by_role("navigation", name="Sections du dossier")
    for tab in ("Vue d’ensemble", "Dépistage", "Sécurité", "Soins", "Signalement"):
        expect(tabs.get_by_role("link", name=tab, exact=True)).to_be_visible()
    assert page.title() == f"Dossier {case.ref} · Harbor"
    expect(page.get_by_role("heading", name="Avant de poser quoi que ce soit")).to_be_visible()
    assert_accessible(page)
    no_english_left(page, ENGLISH_GATE)

    gate = page.locator("form[action$='/start/']")
    gate.locator("input[name=patient_alone]").check()
    gate.locator("input[name=separation_method][value=routine-procedure]").check()
    gate.locator("input[name=interpreter][value=not-needed]").check()
    gate.locator("input[name=confidentiality_explained]").check()
    gate.locator("input[name=patient_agreed]").check()
    gate.get_by_role("button", name="Commencer la conversation").click()

    # A question, answered: it saves as it is typed (the status the script writes is French).
    question = page.locator("#q-where-staying-typical-day")
    expect(question).to_be_visible()
    expect(page.get_by_role("heading", name="Ce que vous avez observé")).to_be_visible()
    assert_accessible(page)
    no_english_left(page, ENGLISH_QUESTIONS)
    saved = lambda response: "/answers/" in response.url and response.request.method == "POST"  # noqa: E731
    with page.expect_response(saved):
        question.locator("input[value=answered]").check()
    with page.expect_response(saved):
        question.locator("textarea").fill("Nous dormons tous au restaurant")
    expect(question.get_by_role("status")).to_contain_text("Enregistré")
    # The count the script keeps, from the JavaScript catalogue.
    expect(page.locator("#asked-count")).to_contain_text("1 sur 24 posées")
    answer = Answer.objects.get(question__slug="where-staying-typical-day", screening__case=case)
    assert answer.status == "answered"
    assert answer.note == "Nous dormons tous au restaurant"

    # The Reporting tab, one click away.
    tabs.get_by_role("link", name="Signalement", exact=True).click()
    expect(tabs.get_by_role("link", name="Signalement", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("button", name="Afficher ce qui s’applique")).to_be_visible()
    assert_accessible(page)
    no_english_left(page, ENGLISH_REPORTING)

    # One click back to English, on the same tab.
    page.get_by_role("button", name="English").click()
    expect(
        page.get_by_role("navigation", name="Case sections").get_by_role(
            "link", name="Reporting", exact=True
        )
    ).to_have_attribute("aria-current", "page")
    assert User.objects.get(pk=personas.clinician.pk).language == "en"
