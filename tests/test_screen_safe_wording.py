"""Screen-safe wording: the visible text of every case page and fragment, in every screening
state (paused included), holds none of the telling words (cases/content/telling_words.json).

"Visible" is what a person beside the screen can read (tests/visible_text.py): a hotline's full
name behind its closed disclosure is not, its screen label is.
"""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases import actions as case_actions
from cases.discretion import (
    is_screen_safe,
    screen_label_for,
    telling_words,
    telling_words_in,
)
from cases.models import Case
from screening import actions as screening_actions
from screening.models import Answer, Screening
from tests.cases.test_sign_in_required import ROUTES
from tests.visible_text import visible_text

STATES = ["no screening", "not screened", "in progress", "paused", "completed"]
# Case pages that are not a GET of the case alone, or not HTML.
SKIPPED_ROUTES = {"screening:export-response"}
HTMX_TAB = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "tab-panel"}


# --- The list and the helpers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Canadian Human Trafficking Hotline", ["Trafficking"]),
        ("She was bought and sold", ["bought", "sold"]),
        ("a trafficked patient", ["trafficked"]),
        ("Kind of exploitation", ["exploitation"]),
        ("never asked whether they were exploited or sold", ["exploited", "sold"]),
        ("Forced labour and sex work", ["Forced labour", "sex work"]),
        ("Threats, violence and pressure", []),
        ("National 24/7 helpline · 1-833-900-1010", []),
        ("Soldering iron burn; a soldier", []),
    ],
)
def test_telling_words_are_found_whole_from_the_start_of_a_word(text, found):
    assert telling_words_in(text) == found
    assert is_screen_safe(text) is (not found)


def test_the_list_is_data_with_its_source():
    assert "traffick" in telling_words() and "exploit" in telling_words()


@pytest.mark.parametrize(
    ("name", "notes", "label"),
    [
        (
            "Canadian Human Trafficking Hotline",
            "Canada. Confidential, 24/7.",
            "Confidential 24/7 helpline",
        ),
        ("National Human Trafficking Hotline", "Weekdays", "Confidential helpline"),
        ("9-8-8 Suicide Crisis Helpline", "Call or text, 24/7", "9-8-8 Suicide Crisis Helpline"),
    ],
)
def test_a_line_with_a_telling_name_gets_a_neutral_label(name, notes, label):
    assert screen_label_for(name, notes) == label


# --- Every case page and fragment, in every screening state --------------------------------------


@pytest.fixture
def content(db, directory) -> None:
    call_command("load_screening_content", stdout=StringIO())
    call_command("load_safety_content", stdout=StringIO())


def put_in_state(case: Case, state: str, by) -> None:
    if state == "no screening":
        return
    if state == "not screened":
        screening_actions.record_not_screened(
            case,
            reason="companion_would_not_leave",
            note="",
            universal_education_offered=True,
            by=by,
        )
        return
    screening = screening_actions.start_screening(
        case,
        screening_actions.Gate(
            separation_method="routine-procedure", separation_note="", interpreter="not-needed"
        ),
        by=by,
    )
    # Something seen and something said in every theme, so every text that can show does.
    for observation in screening.observations.select_related("indicator"):
        screening_actions.save_observation(
            observation, observed=True, note="", base_version=observation.version, by=by
        )
    for answer in screening.answers.all():
        screening_actions.save_answer(
            answer,
            status=Answer.Status.ANSWERED,
            note="Said she sleeps at work",
            verbatim=True,
            concern=True,
            base_version=answer.version,
            by=by,
        )
    if state == "paused":
        screening_actions.pause_screening(screening, by=by)
    if state == "completed":
        screening_actions.complete_screening(screening, by=by)


def case_urls(case: Case) -> list[str]:
    urls = []
    for name, route in ROUTES:
        if "<str:case_ref>" not in route or name in SKIPPED_ROUTES or re.search(r"<int:", route):
            continue
        urls.append("/" + route.replace("<str:case_ref>", case.ref).lstrip("^"))
    return urls


def pages_and_fragments(client, case: Case) -> dict[str, str]:
    """Every case page (whole, and as the tab fragment htmx swaps in), the header and
    screening-summary fragments, each theme of questions, and a reporting result."""
    shown: dict[str, str] = {}
    for url in case_urls(case):
        for label, extra in (("page", {}), ("tab fragment", HTMX_TAB)):
            response = client.get(url, **extra)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                shown[f"{label} {url}"] = response.content.decode()
    screening = Screening.objects.filter(case=case).first()
    if screening and screening.gate_met:
        tab = reverse("screening:case-screening", args=[case.ref])
        for slug in screening.bank.themes.values_list("slug", flat=True):
            shown[f"theme {slug}"] = client.get(tab, {"theme": slug}).content.decode()
    result = client.post(
        reverse("safety:check-reporting", args=[case.ref]),
        {
            "age": 24,
            "age_basis": "confirmed",
            "injury_kind": "none",
            "lives_in_care_facility": "no",
            "patient_consents": "no",
            "rules_version": 1,
            "action": "check",
        },
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="facts",
    )
    shown["reporting result"] = result.content.decode()
    return shown


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("persona", ["clinician", "supervisor"])
def test_no_case_page_or_fragment_shows_a_telling_word(personas, case, content, state, persona):
    put_in_state(case, state, personas.clinician)
    shown = pages_and_fragments(personas.client_for(persona), case)
    assert len(shown) >= 15, sorted(shown)
    found = {
        where: telling_words_in(visible_text(html))
        for where, html in shown.items()
        if telling_words_in(visible_text(html))
    }
    assert not found, found


@pytest.mark.parametrize("jurisdiction", ["CA-ON", "US-NY"])
def test_the_lines_full_names_are_one_click_away_and_never_printed(personas, content, jurisdiction):
    case = case_actions.open_case(
        unit=personas.emergency,
        jurisdiction=jurisdiction,
        age_years=30,
        preferred_language="en",
        by=personas.clinician,
    )
    page = (
        personas.client_for("clinician")
        .get(reverse("safety:case-care", args=[case.ref]))
        .content.decode()
    )
    names = re.findall(
        r'<details class="hotline-name d-print-none small">'
        r"<summary>Full name of this line</summary><span>([^<]+)</span></details>",
        page,
    )
    assert any("Trafficking" in name for name in names), names
    assert "National 24/7 helpline · " in visible_text(page)  # the directory's screen label
    for name in names:
        assert name not in visible_text(page)


def test_while_paused_nothing_seen_or_said_is_on_the_screening_tab(personas, case, content):
    put_in_state(case, "paused", personas.clinician)
    screening = Screening.objects.get(case=case)
    client = personas.client_for("clinician")
    tab = visible_text(
        client.get(reverse("screening:case-screening", args=[case.ref])).content.decode()
    )
    summary = visible_text(
        client.get(
            reverse("screening:summary", args=[case.ref]), HTTP_HX_REQUEST="true"
        ).content.decode()
    )
    assert "High concern" in summary and "Paused: the reasons are hidden" in summary
    for shown in (tab, summary):
        for observation in screening.observations.select_related("indicator"):
            assert observation.indicator.text not in shown
        for answer in screening.answers.select_related("question"):
            assert answer.question.text not in shown
        assert "Said she sleeps at work" not in shown
        for point in screening.bank.guidance:
            assert point["text"] not in shown
    # Resumed, the summary says why again.
    screening_actions.resume_screening(screening, by=personas.clinician)
    again = visible_text(
        client.get(
            reverse("screening:summary", args=[case.ref]), HTTP_HX_REQUEST="true"
        ).content.decode()
    )
    assert "Said she sleeps at work" in again or "concerns were noted" in again


def test_the_scan_sees_the_reporting_result_and_every_tab(personas, case, content):
    put_in_state(case, "in progress", personas.clinician)
    shown = pages_and_fragments(personas.client_for("clinician"), case)
    assert "What these facts lead to" in shown["reporting result"]
    for tab in ("Screening", "Safety", "Care", "Reporting", "Referrals", "Notes"):
        current = re.compile(rf'aria-current="page"[^>]*>{tab}</a>')
        assert any(current.search(html) for html in shown.values()), tab
    # And it would catch one: the directory's lines have telling full names (behind a disclosure).
    assert any("Trafficking" in html for html in shown.values())


# --- The reporting tab and its result, in every place of the rule table ---------------------------

JURISDICTIONS = [
    entry["code"]
    for entry in json.loads(
        (Path(__file__).resolve().parents[1] / "safety/content/jurisdictions.json").read_text()
    )["jurisdictions"]
    if entry["code"] not in ("DEFAULT", "CA")
]


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
@pytest.mark.parametrize("age", [None, 15, 70])
def test_the_reporting_tab_and_its_results_show_no_telling_word(
    personas, content, jurisdiction, age
):
    """Every question the facts form can ask here, and the results of both the worst case
    (every condition met: the most reports, each with its reason) and of not knowing."""
    case = case_actions.open_case(
        unit=personas.emergency,
        jurisdiction=jurisdiction,
        age_years=age,
        preferred_language="en",
        by=personas.clinician,
    )
    client = personas.client_for("clinician")
    tab = client.get(reverse("safety:case-reporting", args=[case.ref])).content.decode()
    asked = sorted(set(re.findall(r'type="radio" name="(\w+)"', tab)) - {"age_basis"})
    basis = {"age_basis": "unknown"} if age is None else {"age": age, "age_basis": "confirmed"}
    shown = {"tab": tab}
    for answers in ("yes", "unknown"):
        data = {name: answers for name in asked}
        data.update(injury_kind="gunshot", injury_cause="another_person")
        if "exploitation_kind" in asked:
            data["exploitation_kind"] = "sexual" if answers == "yes" else "unknown"
        result = client.post(
            reverse("safety:check-reporting", args=[case.ref]),
            {**data, **basis, "rules_version": 1, "action": "check"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="facts",
        ).content.decode()
        assert "What these facts lead to" in result, (answers, asked)
        shown[answers] = result
    found = {where: telling_words_in(visible_text(html)) for where, html in shown.items()}
    assert not any(found.values()), found


def test_the_notes_tab_with_a_note_started_shows_no_telling_word(personas, case, content):
    """The Notes tab with its note open (sections, consents, body diagram, code helper), after
    a screening whose findings prefill it."""
    put_in_state(case, "completed", personas.clinician)
    client = personas.client_for("clinician")
    client.post(reverse("documentation:start-note", args=[case.ref]))
    notes = reverse("documentation:case-notes", args=[case.ref])
    shown = {
        "page": client.get(notes).content.decode(),
        "tab fragment": client.get(notes, **HTMX_TAB).content.decode(),
    }
    assert 'id="note-form"' in shown["page"] or "Save draft" in shown["page"]
    found = {where: telling_words_in(visible_text(html)) for where, html in shown.items()}
    assert not any(found.values()), found
