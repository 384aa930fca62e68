"""Every page, read by a French-speaking clinician, supervisor or administrator, is in French.

Each page is rendered twice for the same person, with their profile language set to English
and then to French. No heading, title, label or button of the French page may read exactly as
one of the English page: what stays the same is English nobody translated. Names that are the
same in both languages are allowed: Harbor's name, codes and units, and the data on the page
(case reference, unit and people's names).

The pages belong to every app. Each parametrised case is named `<app>:<persona>:<page>`, so a
failure says which app's catalogue is still missing (`-k screening` runs one app's). They are
not marked xfail: an app whose pages are not translated yet fails here, honestly, until its
catalogue lands.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from cases import actions
from cases.models import Case, Role, User
from tests.conftest import Personas

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    not (ROOT / "cases/locale/fr/LC_MESSAGES/django.mo").exists(),
    reason="French catalogues not compiled: run `make messages`",
)

# Words written the same in English and French that are not data: the product's name, codes,
# units of measure, and a few true cognates a translator rightly keeps.
SAME_IN_BOTH = {
    "Harbor",
    "CSV",
    "JSON",
    "FHIR",
    "HSDS",
    "PDF",
    "ICD",
    "CM",
    "cm",
    "mm",
    "Questionnaire",
    "QuestionnaireResponse",
    "English",
    "Français",
    "Version",
    "Date",
    "Total",
    "Type",
    "Description",
    "Code",
    "Codes",
    "Source",
    "Service",
    "Services",
    "Note",
    "Notes",
    "Instructions",
    "Options",
    "Contact",
    "Question",
    "Questions",
    "Minimum",
    "Maximum",
    "Points",
    "Message",
    "Permissions",
    "Section",
    "Sections",
    "Action",
    "Actions",
    "Police",
}

# What a person reads as a heading, a title, a label or a button.
READ_TAGS = {"title", "h1", "h2", "h3", "h4", "h5", "h6", "label", "legend", "button", "th"}
READ_TAGS |= {"summary", "caption"}
_LETTERS = re.compile(r"[^\W\d_]+")


class _Labels(HTMLParser):
    """The text of every heading, title, label and button (and submit inputs' values)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, list[str]]] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "input" and named.get("type") in {"submit", "button"} and named.get("value"):
            self.found.append(str(named["value"]))
        if tag in READ_TAGS:
            self.open.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                _tag, parts = self.open.pop(index)
                self.found.append(" ".join("".join(parts).split()))
                if index > 0:
                    self.open[index - 1][1].extend(parts)
                break

    def handle_data(self, data: str) -> None:
        if self.open:
            self.open[-1][1].append(data)


def labels_of(page: str) -> list[str]:
    # Scripts and styles hold no labels; the parser would read their text as data otherwise.
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    parser = _Labels()
    parser.feed(page)
    parser.close()
    return [text for text in parser.found if text]


def untranslated(english: str, french: str, data: set[str]) -> list[str]:
    """Labels of the French page that read exactly as a label of the English page, except
    those made only of names that are the same in both languages, numbers and signs."""
    same = set(labels_of(english)) & set(labels_of(french))
    allowed_words = SAME_IN_BOTH | data
    left = []
    for text in sorted(same):
        words = [word for word in _LETTERS.findall(text) if word not in allowed_words]
        if words:
            left.append(text)
    return left


# --- the state every page is rendered in ------------------------------------------------------


@dataclass
class State:
    personas: Personas
    case: Case
    ids: dict[str, Any]

    def data_words(self) -> set[str]:
        """Data shown on pages, the same in both languages: names, references, units."""
        people = User.objects.values_list("username", "first_name", "last_name")
        names = {part for row in people for name in row for part in _LETTERS.findall(name)}
        units = {part for unit in ("Emergency", "Maternity") for part in _LETTERS.findall(unit)}
        facility = set(_LETTERS.findall(self.personas.facility.name))
        ref = set(_LETTERS.findall(self.case.ref))
        # The directory's own entries (organisations' names) and the rule table's rule ids are
        # data an administrator typed, shown as they are in every language.
        from referrals.models import Service
        from safety.models import JurisdictionRule

        entries = {
            part
            for name in Service.objects.values_list("name", flat=True)
            for part in _LETTERS.findall(name)
        }
        rule_ids = {
            part
            for rule_id in JurisdictionRule.objects.values_list("rule_id", flat=True)
            for part in _LETTERS.findall(rule_id)
        }
        return names | units | facility | ref | entries | rule_ids


GATE_MET = {
    "patient_alone": "on",
    "separation_method": "routine-procedure",
    "separation_note": "",
    "interpreter": "not-needed",
    "confidentiality_explained": "on",
    "patient_agreed": "on",
}


@pytest.fixture
def state(personas: Personas) -> State:
    """A case as a shift leaves it: content loaded, the gate met, the case escalated, a note
    started; plus the ids of the content the editors' pages open."""
    call_command("load_content", stdout=StringIO())
    case = actions.open_case(
        unit=personas.emergency,
        jurisdiction="CA-ON",
        age_years=24,
        preferred_language="fr",
        by=personas.clinician,
    )
    clinician = personas.client_for("clinician")
    clinician.post(reverse("screening:start-screening", args=[case.ref]), GATE_MET)
    clinician.post(reverse("documentation:start-note", args=[case.ref]))
    actions.escalate_case(case, reason="Bay 4", to=None, by=personas.clinician)
    case.refresh_from_db()
    # The administrator as the demo sets one up: staff, with the rights on users and units.
    User.objects.filter(pk=personas.administrator.pk).update(is_staff=True)
    Group.objects.get(name=Role.ADMINISTRATOR).permissions.set(
        Permission.objects.filter(
            content_type__app_label="cases", content_type__model__in=["user", "unit"]
        )
    )
    return State(personas, case, content_ids())


def content_ids() -> dict[str, Any]:
    """The first of each kind of content an administrator edits (other apps' models: tests
    may read every app)."""
    from documentation.models import NoteTemplateVersion
    from referrals.models import Service
    from safety.models import ChecklistTemplate, Jurisdiction
    from screening.models import IndicatorSet, Instrument, QuestionBank

    def first(model: Any, field: str = "pk") -> Any:
        row = model.objects.order_by("pk").first()
        return getattr(row, field) if row is not None else None

    return {
        "bank": first(QuestionBank),
        "indicators": first(IndicatorSet),
        "instrument": first(Instrument),
        "checklist": first(ChecklistTemplate, "slug"),
        "jurisdiction": Jurisdiction.objects.filter(slug="CA-ON")
        .values_list("slug", flat=True)
        .first(),
        "service": first(Service),
        "note_template": first(NoteTemplateVersion, "slug"),
    }


# --- the pages: (app, persona, page, URL) ----------------------------------------------------

Url = Callable[[State], str]


def case_url(name: str) -> Url:
    return lambda s: reverse(name, args=[s.case.ref])


def content_url(name: str, key: str) -> Url:
    return lambda s: reverse(name, args=[s.ids[key]])


CASE_TABS: list[tuple[str, str, Url]] = [
    ("cases", "case-overview", case_url("cases:case-detail")),
    ("cases", "edit-case", case_url("cases:edit-case")),
    ("cases", "escalate-case", case_url("cases:escalate-case")),
    ("screening", "screening-tab", case_url("screening:case-screening")),
    ("safety", "safety-tab", case_url("safety:case-safety")),
    ("safety", "care-tab", case_url("safety:case-care")),
    ("safety", "reporting-tab", case_url("safety:case-reporting")),
    ("referrals", "referrals-tab", case_url("referrals:case-referrals")),
    ("referrals", "referral-search", case_url("referrals:case-search")),
    ("documentation", "notes-tab", case_url("documentation:case-notes")),
    ("documentation", "ehr-text", case_url("documentation:ehr-export")),
]

PAGES: list[tuple[str, str, str, Url]] = [
    ("cases", "clinician", "home", lambda s: reverse("cases:home")),
    ("cases", "clinician", "start-case", lambda s: reverse("cases:start-case")),
    *[(app, "clinician", page, url) for app, page, url in CASE_TABS],
    ("cases", "supervisor", "home", lambda s: reverse("cases:home")),
    ("cases", "supervisor", "review-queue", lambda s: reverse("cases:review-queue")),
    ("cases", "supervisor", "work-lists", lambda s: reverse("cases:work-lists")),
    ("cases", "supervisor", "figures", lambda s: reverse("cases:figures")),
    ("cases", "supervisor", "review-case", case_url("cases:review-case")),
    ("cases", "supervisor", "access-log", case_url("cases:case-access-log")),
    *[(app, "supervisor", page, url) for app, page, url in CASE_TABS],
    ("cases", "administrator", "home", lambda s: reverse("cases:home")),
    ("cases", "administrator", "facility-settings", lambda s: reverse("cases:facility-settings")),
    ("cases", "administrator", "users-admin", lambda s: reverse("admin:cases_user_changelist")),
    (
        "cases",
        "administrator",
        "user-admin",
        lambda s: reverse("admin:cases_user_change", args=[s.personas.clinician.pk]),
    ),
    ("screening", "administrator", "content", lambda s: reverse("screening:admin-banks")),
    ("screening", "administrator", "bank-editor", content_url("screening:edit-bank", "bank")),
    (
        "screening",
        "administrator",
        "signs-editor",
        content_url("screening:edit-indicators", "indicators"),
    ),
    (
        "screening",
        "administrator",
        "instrument-editor",
        content_url("screening:edit-instrument", "instrument"),
    ),
    ("safety", "administrator", "checklists", lambda s: reverse("safety:admin-checklists")),
    (
        "safety",
        "administrator",
        "checklist-editor",
        content_url("safety:admin-checklist", "checklist"),
    ),
    ("safety", "administrator", "rule-tables", lambda s: reverse("safety:admin-jurisdictions")),
    (
        "safety",
        "administrator",
        "rule-table-editor",
        content_url("safety:admin-jurisdiction", "jurisdiction"),
    ),
    ("referrals", "administrator", "directory", lambda s: reverse("referrals:directory")),
    ("referrals", "administrator", "search", lambda s: reverse("referrals:search")),
    ("referrals", "administrator", "new-service", lambda s: reverse("referrals:service-new")),
    (
        "referrals",
        "administrator",
        "edit-service",
        content_url("referrals:service-edit", "service"),
    ),
    ("referrals", "administrator", "import", lambda s: reverse("referrals:directory-import")),
    (
        "documentation",
        "administrator",
        "note-templates",
        lambda s: reverse("documentation:admin-note-templates"),
    ),
    (
        "documentation",
        "administrator",
        "note-template-editor",
        content_url("documentation:admin-note-template", "note_template"),
    ),
    (
        "referrals",
        "administrator",
        "directory-settings",
        lambda s: reverse("referrals:directory-settings"),
    ),
]


def render(state: State, persona: str, url: str, language: str) -> str:
    User.objects.filter(username=persona).update(language=language)
    # follow: "new entry" gives the entry its id first, then opens its editor.
    response = state.personas.client_for(persona).get(url, follow=True)
    assert response.status_code == 200, f"{url} in {language}: {response.status_code}"
    assert f'<html lang="{language}"' in response.content.decode()[:300]
    return response.content.decode()


@pytest.mark.parametrize(
    ("app", "persona", "url"),
    [
        pytest.param(app, persona, url, id=f"{app}:{persona}:{page}")
        for app, persona, page, url in PAGES
    ],
)
def test_page_reads_in_french(state: State, app: str, persona: str, url: Url) -> None:
    address = url(state)
    english = render(state, persona, address, "en")
    french = render(state, persona, address, "fr")
    left = untranslated(english, french, state.data_words())
    # The whole list, one a line: it is the app's to-do list for its catalogue.
    assert left == [], f"{len(left)} still in English on {address}:\n" + "\n".join(left)


def test_the_check_finds_english_left_on_a_french_page() -> None:
    # The check itself must be able to fail: an untranslated heading and button are found, a
    # translated one, data and a number are not.
    english = (
        "<title>Home · Harbor</title><h1>Case abcde</h1><h2>Details</h2><button>Save</button>"
        '<label>Age</label><th>12</th><input type="submit" value="Start">'
    )
    french = (
        "<title>Accueil · Harbor</title><h1>Dossier abcde</h1><h2>Details</h2><button>Save"
        '</button><label>Âge</label><th>12</th><input type="submit" value="Start">'
    )
    assert untranslated(english, french, {"abcde"}) == ["Details", "Save", "Start"]
