"""Quick-hide, idle lock, no-store, neutral wording and the strict CSP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from cases.models import AuditEntry, Role

ROOT = Path(settings.BASE_DIR)
TEMPLATES = [p for p in ROOT.rglob("*.html") if ".venv" not in p.parts and "var" not in p.parts]


def test_quick_hide_signs_out_audits_and_lands_on_a_neutral_page(personas, case):
    client = personas.client_for("clinician")
    response = client.post(reverse("cases:quick-hide"))
    assert response["Location"] == reverse("cases:neutral")
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.QUICK_HIDE, user=personas.clinician
    ).exists()
    assert "no-store" in response["Cache-Control"]
    after = client.get(case.get_absolute_url())
    assert after.status_code == 302 and "/accounts/login/" in after["Location"]
    neutral = client.get(reverse("cases:neutral")).content.decode()
    assert "Ward information" in neutral and case.ref not in neutral


@pytest.mark.django_db
def test_quick_hide_works_even_without_a_session(client):
    response = client.post(reverse("cases:quick-hide"))
    assert response.status_code == 302


def test_idle_lock_signs_out_and_says_why(personas):
    client = personas.client_for("clinician")
    response = client.post(reverse("cases:idle-lock"))
    assert response["Location"] == reverse("login") + "?locked=1"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IDLE_LOCK).exists()
    page = client.get(response["Location"]).content.decode()
    assert "signed out after a period of inactivity" in page


def test_idle_lock_time_reaches_the_page_and_the_session(personas, settings):
    page = personas.client_for("clinician").get(reverse("cases:home")).content.decode()
    assert 'data-idle-seconds="600"' in page
    assert settings.SESSION_COOKIE_AGE == 600 and settings.HARBOR_SESSION_TOUCH_SECONDS == 60


@pytest.mark.parametrize(
    "url_name", ["cases:case-detail", "cases:edit-case", "screening:case-screening"]
)
def test_case_pages_are_never_stored_by_the_browser(personas, case, url_name):
    response = personas.client_for("clinician").get(
        reverse(url_name, kwargs={"case_ref": case.ref})
    )
    assert "no-store" in response["Cache-Control"]


def test_the_page_has_a_strict_nonce_csp(personas):
    response = personas.client_for("clinician").get(reverse("cases:home"))
    csp = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert scripts and all(f'nonce="{nonce}"' in s for s in scripts)


# Swapped into a page that already has the button.
FRAGMENT_ROUTES = {"cases:case-summary"}


def signed_in_pages(personas, case, persona):
    """Every page of the project this persona can open (URL patterns filled in, GET, 200 HTML)."""
    from tests.cases.test_sign_in_required import ROUTES, concrete

    if persona == "administrator":  # as load_demo sets them up: people and places in /manage/
        personas.administrator.is_staff = True
        personas.administrator.save()
        Group.objects.get(name=Role.ADMINISTRATOR).permissions.set(
            Permission.objects.filter(content_type__app_label="cases")
        )
    client = personas.client_for(persona)
    client.raise_request_exception = False
    for name, route in ROUTES:
        if name in FRAGMENT_ROUTES:
            continue
        url = concrete(route.replace("<str:case_ref>", case.ref))
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            yield url, response


@pytest.mark.parametrize("persona", ["clinician", "supervisor", "administrator"])
def test_the_quick_hide_button_and_idle_lock_are_on_every_signed_in_page(personas, case, persona):
    pages = dict(signed_in_pages(personas, case, persona))
    assert len(pages) >= 5
    for url, response in pages.items():
        page = response.content.decode()
        assert 'id="quick-hide"' in page, url
        assert 'data-idle-seconds="600"' in page, url
        assert re.search(r'<script src="/static/harbor/harbor.js"[^>]*nonce=', page), url
        assert "no-store" in response["Cache-Control"], url


@pytest.mark.parametrize("persona", ["clinician", "administrator"])
def test_every_asset_of_every_page_ships_with_the_app(personas, case, persona):
    from django.contrib.staticfiles import finders

    for url, response in signed_in_pages(personas, case, persona):
        page = response.content.decode()
        assets = re.findall(r'<(?:script|link|img)\b[^>]*\b(?:src|href)="([^"]+)"', page)
        for asset in assets:
            # Same origin only; and a static file must really be among the app's own.
            assert asset.startswith("/") and not asset.startswith("//"), f"{url}: {asset}"
            if asset.startswith(settings.STATIC_URL):
                path = asset.removeprefix(settings.STATIC_URL)
                assert finders.find(path), f"{url}: {asset} is missing"


def test_harbor_static_files_load_nothing_from_elsewhere():
    for path in (ROOT / "static" / "harbor").iterdir():
        text = path.read_text().replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", text), path.name


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_handlers_styles_or_external_assets(path):
    text = path.read_text()
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert not re.search(r"\sstyle\s*=", text), "inline style attribute"
    assert "<style" not in text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline script"
    assert not re.search(r"(src|href)=\"https?://", text), "asset from another host"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_titles_and_headings_never_say_trafficking(path):
    text = path.read_text().lower()
    for tag in ("title", "h1", "h2", "h3"):
        for content in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", text, re.S):
            assert "traffick" not in content, f"<{tag}> in {path.name}"
    for block in re.findall(r"{% block title %}(.*?){% endblock", text, re.S):
        assert "traffick" not in block


def test_no_url_says_trafficking():
    from tests.cases.test_sign_in_required import ROUTES

    assert not [route for _, route in ROUTES if "traffick" in route.lower()]


def test_the_case_header_refreshes_itself_when_a_phase_reports_a_change(personas, case):
    from cases.models import Case

    client = personas.client_for("clinician")
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'hx-trigger="screening-changed from:body, case-changed from:body"' in page
    Case.objects.filter(pk=case.pk).update(concern_level=Case.Concern.HIGH)
    fragment = client.get(
        reverse("cases:case-summary", kwargs={"case_ref": case.ref}), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Concern: High concern" in fragment
    assert "<html" not in fragment and 'id="case-summary"' in fragment
