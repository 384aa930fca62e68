"""A French-speaking clinician on the Safety, Care and Reporting tabs, and an administrator on
the checklist and rule-table editors: French headings, labels and results, no English heading.

Needs the compiled catalogues (`make messages`).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases.models import User
from safety.models import ChecklistTemplate
from tests.safety.test_checklist_item_editor import current, item_post
from tests.safety.test_reporting_decision import assess, check


def in_french(personas, name: str):
    User.objects.filter(username=name).update(language="fr")
    return personas.client_for(name)


def plain(html: str) -> str:
    return html.replace("\u00a0", " ")


def headings(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", text).strip()
        for text in re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", html, re.S)
    ]


TABS = [
    pytest.param(
        "safety:case-safety",
        {"Sécurité", "Si quelqu’un devient menaçant"},
        {"Safety", "If anyone becomes threatening"},
        id="safety",
    ),
    pytest.param(
        "safety:case-care",
        {"Soins", "Numéros à proposer au patient"},
        {"Care", "Numbers to offer the patient"},
        id="care",
    ),
    pytest.param(
        "safety:case-reporting",
        {"Signalement", "Capacité décisionnelle", "Obligations de signalement"},
        {"Reporting", "Decision-making capacity", "Reporting requirements"},
        id="reporting",
    ),
]


@pytest.mark.parametrize(("url_name", "french", "english"), TABS)
def test_a_french_clinician_gets_french_headings_on_each_tab(
    personas, case, content, url_name, french, english
):
    response = in_french(personas, "clinician").get(reverse(url_name, args=[case.ref]))
    shown = set(headings(plain(response.content.decode())))
    assert response.status_code == 200
    assert french <= shown
    assert english.isdisjoint(shown)


def test_checklist_items_offer_their_controls_in_french(personas, case, content):
    html = plain(
        in_french(personas, "clinician")
        .get(reverse("safety:case-safety", args=[case.ref]))
        .content.decode()
    )
    assert "Marquer comme fait" in html and "Sans objet…" in html
    assert re.search(r"\d+ sur \d+ traités", html)
    assert "Mark done" not in html


def test_a_refused_checklist_change_is_explained_in_french(personas, case, content):
    client = in_french(personas, "clinician")
    url = reverse(
        "safety:set-checklist-item", args=[case.ref, "safety-protocol", "alert-supervisor"]
    )
    response = client.post(
        url,
        {"status": "not_applicable", "reason": "", "base_version": 0},
        **{"HTTP_HX_REQUEST": "true"},
    )
    assert response.status_code == 200  # the item again, with the refusal, nothing saved
    assert "Indiquez pourquoi cet élément ne s’applique pas." in plain(response.content.decode())


def test_the_reporting_result_is_in_french(personas, case, content):
    client = in_french(personas, "clinician")
    assess(case, personas.clinician)
    html = plain(check(client, case).content.decode())
    assert "Aucun signalement n’est obligatoire d’après ces faits." in html
    assert "Proposez les lignes d’aide quelle que soit la décision" in html
    assert "Le patient a refusé un signalement à local police" in html
    assert "No report is required" not in html


def test_a_minor_gets_the_french_duty_and_the_guide_note(personas, case, content):
    client = in_french(personas, "clinician")
    assess(case, personas.clinician)
    html = plain(check(client, case, age=15, caregiver_involved="no").content.decode())
    assert "Obligatoire : un signalement à a children's aid society." in html.replace("&#x27;", "'")
    assert "Le patient a 15 ans (règle applicable avant 16 ans)" in html
    assert "Selon la loi en vigueur (Ontario)" in html


def test_a_capacity_assessment_is_confirmed_in_french(personas, case, content):
    client = in_french(personas, "clinician")
    data = {"decision": "faire intervenir la police"}
    for ability in ("communicate_choice", "understand", "appreciate", "reason"):
        data[ability] = "present"
        data[f"{ability}_evidence"] = "L’a redit dans ses mots"
    response = client.post(reverse("safety:assess-capacity", args=[case.ref]), data, follow=True)
    html = plain(response.content.decode())
    assert "Évaluation de la capacité consignée : Apte pour cette décision." in html


EDITORS = [
    pytest.param("safety:admin-checklists", {}, "Listes de vérification", id="checklists"),
    pytest.param(
        "safety:admin-checklist",
        {"slug": "safety-protocol"},
        "Avancé : modifier en JSON",
        id="checklist",
    ),
    pytest.param(
        "safety:admin-jurisdictions",
        {},
        "Règles de signalement par province, territoire ou État",
        id="rule-table",
    ),
    pytest.param(
        "safety:admin-jurisdiction", {"code": "CA-ON"}, "En vigueur pour les cliniciens", id="rules"
    ),
    pytest.param(
        "safety:admin-jurisdiction", {"code": "US-WA"}, "Nouveau territoire US-WA", id="new-place"
    ),
]


@pytest.mark.parametrize(("url_name", "kwargs", "expected"), EDITORS)
def test_the_safety_editors_are_in_french(personas, content, url_name, kwargs, expected):
    response = in_french(personas, "administrator").get(reverse(url_name, kwargs=kwargs))
    html = plain(response.content.decode())
    assert response.status_code == 200
    assert expected in headings(html) or expected in html
    assert "Reporting rules by jurisdiction" not in html and "In force for clinicians" not in html


def test_a_refused_checklist_edit_is_explained_in_french(personas, content):
    client = in_french(personas, "administrator")
    items = current("immediate-care")
    next(i for i in items if i["slug"] == "forensic-evidence")["requires_consent"] = False
    data = item_post(items, title="Immediate care", note="Simplifier")
    response = client.post(reverse("safety:admin-checklist", args=["immediate-care"]), data)
    html = plain(response.content.decode())
    assert response.status_code == 400
    assert "doit garder la case « nécessite le consentement » cochée" in html
    assert ChecklistTemplate.objects.filter(slug="immediate-care").count() == 1


def test_the_rules_in_force_read_in_words_not_codes(personas, content):
    html = plain(
        in_french(personas, "administrator")
        .get(reverse("safety:admin-jurisdiction", kwargs={"code": "CA-ON"}))
        .content.decode()
    )
    table = html.split("<tbody>")[1].split("</tbody>")[0]
    assert "Protection de l’enfance (selon l’âge)" in table
    assert "Doit signaler (obligatoire)" in table and "par balle" in table
    assert "<td>mandatory" not in table and "<td>child" not in table
