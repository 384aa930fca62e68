"""The interface language: the profile's choice, else the browser's; one click switches it.

French pages need the compiled catalogues (`make messages`); the module skips if they are
missing rather than failing on something else.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from cases import actions
from cases.models import Case, User
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    not (ROOT / "cases/locale/fr/LC_MESSAGES/django.mo").exists(),
    reason="French catalogues not compiled: run `make messages`",
)

SIGNED_IN = ["clinician", "supervisor", "administrator"]
HOME_HEADING = {"en": '<h1 class="h3">Home</h1>', "fr": '<h1 class="h3">Accueil</h1>'}


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


def switch(client, language: str, next_url: str, **headers):
    return client.post(
        reverse("cases:switch-language"), {"language": language, "next": next_url}, **headers
    )


# --- the profile's language, else the browser's ---------------------------------------------


@pytest.mark.parametrize("name", SIGNED_IN)
def test_a_french_profile_gets_french_pages_whatever_the_browser_asks(personas, name):
    User.objects.filter(username=name).update(language="fr")
    page = personas.client_for(name).get("/", HTTP_ACCEPT_LANGUAGE="en-CA,en;q=0.9")
    text = page.content.decode()
    assert HOME_HEADING["fr"] in text
    assert html_lang(text) == "fr"
    assert page["Content-Language"] == "fr"


@pytest.mark.parametrize("name", SIGNED_IN)
def test_an_english_profile_gets_english_pages_from_a_french_browser(personas, name):
    User.objects.filter(username=name).update(language="en")
    page = personas.client_for(name).get("/", HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")
    assert HOME_HEADING["en"] in page.content.decode()
    assert html_lang(page.content.decode()) == "en"


@pytest.mark.parametrize("name", SIGNED_IN)
@pytest.mark.parametrize(
    ("accept", "language"), [("fr-CA,fr;q=0.9,en;q=0.5", "fr"), ("en-CA", "en"), ("de-DE", "en")]
)
def test_a_blank_profile_follows_the_browser(personas, name, accept, language):
    assert User.objects.get(username=name).language == ""
    page = personas.client_for(name).get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert HOME_HEADING[language] in page.content.decode()
    assert html_lang(page.content.decode()) == language


def test_an_anonymous_visitor_gets_the_sign_in_page_in_the_browsers_language(client, db):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-CA").content.decode()
    assert "<title>Se connecter · Harbor</title>" in page
    assert html_lang(page) == "fr"
    assert ">Se connecter</button>" in page


# --- the switch -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SIGNED_IN)
def test_one_click_switches_a_signed_in_person_saves_it_and_returns_to_the_page(personas, name):
    client = personas.client_for(name)
    page = client.get("/?unit=&q=", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # The header offers the other language, named in itself.
    offer = r'<button[^>]*name="language" value="fr" lang="fr"[^>]*>Français</button>'
    assert re.search(offer, page)
    assert '<input type="hidden" name="next" value="/?unit=&amp;q=">' in page

    response = switch(client, "fr", "/?unit=&q=", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == "/?unit=&q="
    assert User.objects.get(username=name).language == "fr"

    # Remembered: the next page, and a new session elsewhere, are French.
    assert HOME_HEADING["fr"] in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    elsewhere = personas.client_for(name)
    assert HOME_HEADING["fr"] in elsewhere.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # And back, one click again, from the French page's "English" button.
    french = client.get("/").content.decode()
    assert re.search(r'<button[^>]*value="en" lang="en"[^>]*>English</button>', french)
    switch(client, "en", "/")
    assert User.objects.get(username=name).language == "en"
    assert HOME_HEADING["en"] in client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()


def test_the_switch_returns_a_clinician_to_the_case_tab_they_were_on(personas, case):
    client = personas.client_for("clinician")
    tab = case.get_absolute_url()
    response = switch(client, "fr", tab)
    assert response["Location"] == tab
    page = client.get(tab).content.decode()
    assert f"Dossier {case.ref}" in page and ">Chronologie</h2>" in page


def test_an_anonymous_visitor_switches_on_the_sign_in_page_and_it_is_remembered(client, db):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="fr" lang="fr"' in page
    response = switch(client, "fr", reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert response.cookies["harbor_language"].value == "fr"
    # The cookie wins over the browser from then on.
    again = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html_lang(again) == "fr" and ">Se connecter</button>" in again


def test_a_visitor_who_chose_french_signs_in_to_french_pages(client, personas):
    switch(client, "fr", reverse("login"))
    response = client.post(
        reverse("login"), {"username": "clinician", "password": PASSWORD}, follow=True
    )
    assert HOME_HEADING["fr"] in response.content.decode()


def test_a_profile_language_wins_over_the_cookie(personas):
    client = personas.client_for("supervisor")
    User.objects.filter(username="supervisor").update(language="en")
    client.cookies["harbor_language"] = "fr"
    assert HOME_HEADING["en"] in client.get("/").content.decode()


def test_the_switch_never_sends_anyone_to_another_site(personas):
    client = personas.client_for("clinician")
    response = switch(client, "fr", "https://elsewhere.example/phish")
    assert response.status_code == 302
    assert not response["Location"].startswith("https://elsewhere.example")


@pytest.mark.parametrize("language", ["de", "", "fr" * 500])
def test_an_unknown_language_is_a_clear_400_and_changes_nothing(personas, language):
    client = personas.client_for("clinician")
    response = switch(client, language, "/")
    assert response.status_code == 400
    assert "Harbor could not read the request" in response.content.decode()
    assert User.objects.get(username="clinician").language == ""


def test_the_switch_needs_the_pages_csrf_token(personas):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.clinician)
    assert switch(client, "fr", "/").status_code == 403
    assert User.objects.get(username="clinician").language == ""


def test_the_switch_is_on_every_header_and_says_nothing_telling(personas, case):
    client = personas.client_for("clinician")
    for url in ("/", reverse("cases:start-case"), case.get_absolute_url()):
        page = client.get(url).content.decode()
        form = re.search(r'<form[^>]*id="language-switch".*?</form>', page, re.S).group(0)
        assert 'action="/language/"' in form
        assert re.sub(r"<[^>]+>|\s+", " ", form).split() == ["Français"]


# --- dates, the timeline, the JavaScript catalogue, mail --------------------------------------


def test_dates_follow_the_language(personas, case):
    actions.escalate_case(case, reason="Bruising", to=None, by=personas.clinician)
    at = datetime(2026, 12, 1, 13, 30, tzinfo=ZoneInfo("America/Toronto"))
    Case.objects.filter(pk=case.pk).update(escalated_at=at)
    client = personas.client_for("clinician")
    english = client.get(case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = client.get(case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<h3 class="h6">Escalated Dec 1, 13:30</h3>' in english
    assert '<h3 class="h6">Remonté le 1 déc., 13:30</h3>' in french


def test_the_timeline_is_told_in_the_readers_language_whoever_wrote_it(personas, case):
    actions.escalate_case(case, reason="Bruising", to=personas.supervisor, by=personas.clinician)
    User.objects.filter(username="supervisor").update(language="fr")
    page = personas.client_for("supervisor").get(case.get_absolute_url()).content.decode()
    assert "Remonté à Supervisor\u00a0: Bruising" in page
    assert "Dossier ouvert à l’unité Emergency" in page
    assert "Escalated to" not in page and "Case opened" not in page


def test_the_javascript_catalogue_needs_a_sign_in_and_speaks_the_profiles_language(personas):
    url = reverse("javascript-catalog")
    assert personas.client_for("anonymous").get(url).status_code == 302
    User.objects.filter(username="clinician").update(language="fr")
    catalogue = personas.client_for("clinician").get(url).content.decode()
    # JSON, so non-ASCII letters come escaped ("Copi\u00e9.").
    assert '"Saving\\u2026": "Enregistrement\\u2026"' in catalogue
    assert '"Copied.": "Copi\\u00e9."' in catalogue


def test_signed_in_pages_load_the_catalogue_and_the_sign_in_page_does_not(personas, client):
    url = reverse("javascript-catalog")
    assert f'<script src="{url}"' in personas.client_for("clinician").get("/").content.decode()
    assert url not in client.get(reverse("login")).content.decode()


def test_the_escalation_notice_reaches_each_supervisor_in_their_language(
    personas, case, settings, django_capture_on_commit_callbacks
):
    settings.HARBOR_ESCALATION_EMAIL = True
    User.objects.filter(username="supervisor").update(language="fr", email="s@example.org")
    english = User.objects.create_user(
        "supervisor2", email="t@example.org", facility=personas.facility
    )
    english.groups.set(personas.supervisor.groups.all())
    # The clinician who escalates reads French: each notice still follows its reader.
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        actions.escalate_case(case, reason="x", to=None, by=personas.clinician)
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        "s@example.org": "Un dossier attend votre révision dans Harbor",
        "t@example.org": "A case needs your review in Harbor",
    }
