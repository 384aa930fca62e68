"""A French-speaking clinician on the Screening tab, and an administrator on the screening
content editors: French headings, labels, refusals and summaries, no English heading left.

Needs the compiled catalogues (`make messages`).
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case, User
from screening.models import IndicatorSet, Instrument, QuestionBank
from tests.screening.conftest import sign_post


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


def test_the_gate_is_in_french_and_names_the_province_in_french(personas, case, content):
    Case.objects.filter(pk=case.pk).update(jurisdiction="CA-QC")
    page = in_french(personas, "clinician").get(
        reverse("screening:case-screening", args=[case.ref])
    )
    html = plain(page.content.decode())
    assert page.status_code == 200
    assert {
        "Dépistage",
        "Avant de poser quoi que ce soit",
        "Si ce n’est pas possible maintenant",
    } <= set(headings(html))
    assert "Limites de la confidentialité (Québec)" in headings(html)
    assert "Le patient est seul : toute personne qui l’accompagnait a été séparée de lui" in html
    assert "Commencer la conversation" in html
    assert "Before you ask anything" not in html and "Start the conversation" not in html


def test_a_refused_gate_says_what_to_do_in_french(personas, case, content):
    client = in_french(personas, "clinician")
    client.post(reverse("screening:start-screening", args=[case.ref]), {})
    html = plain(client.get(reverse("screening:case-screening", args=[case.ref])).content.decode())
    assert "Non commencé : aucune question ne peut encore être posée." in html
    assert "Confirmez que le patient est seul avant de poser quoi que ce soit." in html


def test_a_screening_under_way_is_in_french_with_its_summary(personas, case, screening):
    client = in_french(personas, "clinician")
    html = plain(client.get(reverse("screening:case-screening", args=[case.ref])).content.decode())
    assert {
        "Ce que vous avez observé",
        "Guide d’entretien, par thème",
        "Résumé de la préoccupation (jusqu’ici)",
        "Pourquoi",
        "Prochaines étapes",
        "Comment poser les questions",
    } <= set(headings(html))
    assert "Aucune préoccupation : aucun signe fort" in html
    assert "0 sur 24 posées" in html
    assert "Terminer le dépistage…" in html
    english = {"What you observed", "Concern summary (so far)", "Next steps", "How to ask"}
    assert english.isdisjoint(headings(html))


def test_a_strong_sign_gives_a_french_reason_and_french_next_steps(personas, case, screening):
    client = in_french(personas, "clinician")
    observation = (
        screening.observations.select_related("indicator")
        .filter(indicator__weight="strong")
        .first()
    )
    client.post(
        reverse("screening:save-observation", args=[case.ref, observation.pk]),
        sign_post(observation),
    )
    summary = plain(client.get(reverse("screening:summary", args=[case.ref])).content.decode())
    assert "Préoccupation possible" in summary
    assert "Préoccupation possible : un signe fort a été observé." in summary
    # The sign is named as the tab shows it: in French, from the content's translation.
    french_text = observation.indicator.translations["fr"]["text"]
    assert f"Observé (signe fort) : {french_text}" in summary.replace("&#x27;", "'")
    assert "Poursuivez la conversation tenant compte des traumatismes" in summary


def test_pausing_says_so_in_french(personas, case, screening):
    client = in_french(personas, "clinician")
    response = client.post(reverse("screening:pause-screening", args=[case.ref]), follow=True)
    html = plain(response.content.decode())
    assert "Dépistage mis en pause. Tout ce qui a été saisi jusqu’ici est enregistré." in html
    assert "En pause : les questions sont masquées." in html


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("banks", "Banques de questions, signes observés et outils brefs"),
        ("bank", "Thèmes et leurs questions"),
        ("signs", "Signes observés, version 1"),
        ("instrument", "Modifier l’outil bref"),
    ],
)
def test_the_screening_editors_are_in_french(personas, content, page, expected):
    urls = {
        "banks": reverse("screening:admin-banks"),
        "bank": reverse("screening:edit-bank", args=[QuestionBank.objects.first().pk]),
        "signs": reverse("screening:edit-indicators", args=[IndicatorSet.objects.first().pk]),
        "instrument": reverse("screening:edit-instrument", args=[Instrument.objects.first().pk]),
    }
    response = in_french(personas, "administrator").get(urls[page])
    html = plain(response.content.decode())
    assert response.status_code == 200
    assert expected in html
    assert "Question banks, observed signs" not in html and "Themes and their questions" not in html


def test_a_refused_import_is_explained_in_french(personas, content):
    client = in_french(personas, "administrator")
    upload = SimpleUploadedFile("q.json", b"{not json", content_type="application/json")
    response = client.post(reverse("screening:import-content"), {"kind": "bank", "file": upload})
    html = plain(response.content.decode())
    assert response.status_code == 400
    assert "Rien n’a été importé. Le fichier n’est pas du JSON valide" in html
