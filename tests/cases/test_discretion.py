"""Quick-hide, idle lock, no-store, neutral wording and the strict CSP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from cases.models import AuditEntry

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
    assert settings.SESSION_COOKIE_AGE == 600 and settings.SESSION_SAVE_EVERY_REQUEST


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


def test_the_quick_hide_button_is_on_every_signed_in_page(personas, case):
    client = personas.client_for("clinician")
    for url in (reverse("cases:home"), case.get_absolute_url(), reverse("cases:start-case")):
        assert 'id="quick-hide"' in client.get(url).content.decode()


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
