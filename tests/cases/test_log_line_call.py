"""One click records that a line was called together with the patient; and the access log
names the parts of a case in words, not codes."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.models import AuditEntry
from tests.visible_text import visible_text


def log_call(client, case, phone="1-833-900-1010", **extra):
    return client.post(
        reverse("cases:log-line-call", args=[case.ref]),
        {"phone": phone, "next": reverse("safety:case-care", args=[case.ref])},
        **extra,
    )


def test_the_care_tab_offers_the_one_click_log_beside_each_line(personas, case, directory):
    call_command("load_safety_content", stdout=StringIO())
    page = personas.client_for("clinician").get(reverse("safety:case-care", args=[case.ref]))
    html = page.content.decode()
    assert html.count("Called with the patient") >= 2
    assert 'name="phone" value="1-833-900-1010"' in html


def test_one_click_records_the_call_on_the_timeline_and_returns_to_the_tab(personas, case):
    response = log_call(personas.client_for("clinician"), case)
    assert response.status_code == 302
    assert response["Location"] == reverse("safety:case-care", args=[case.ref])
    event = case.events.get(kind="case.line_called")
    assert event.by == personas.clinician and event.payload == {"phone": "1-833-900-1010"}
    assert event.summary == "Called a line with the patient (1-833-900-1010)"
    assert AuditEntry.objects.filter(
        case=case, action=AuditEntry.Action.CASE_CHANGE, detail__event="case.line_called"
    ).exists()


def test_with_htmx_only_the_confirmation_comes_back(personas, case):
    response = log_call(personas.client_for("clinician"), case, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Recorded: you called 1-833-900-1010 with the patient." in response.content.decode()
    assert "<html" not in response.content.decode()
    assert response["HX-Trigger"] == "case-changed"


@pytest.mark.parametrize("phone", ["", "call me", "1" * 41])
def test_a_bad_number_is_not_recorded(personas, case, phone):
    response = log_call(personas.client_for("clinician"), case, phone=phone)
    assert response.status_code == 302
    assert not case.events.filter(kind="case.line_called").exists()


def test_a_next_address_elsewhere_is_ignored(personas, case):
    response = personas.client_for("clinician").post(
        reverse("cases:log-line-call", args=[case.ref]),
        {"phone": "988", "next": "https://elsewhere.example/"},
    )
    assert response["Location"] == case.get_absolute_url()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("clinician", 302), ("supervisor", 302), ("other_clinician", 404), ("administrator", 403)],
)
def test_who_may_log_a_call(personas, case, persona, status):
    assert log_call(personas.client_for(persona), case).status_code == status
    assert case.events.filter(kind="case.line_called").exists() is (status == 302)


def test_anonymous_is_sent_to_sign_in(personas, case):
    response = log_call(personas.client_for("anonymous"), case)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_access_log_names_parts_in_words(personas, case):
    call_command("load_safety_content", stdout=StringIO())
    clinician = personas.client_for("clinician")
    clinician.get(reverse("safety:case-care", args=[case.ref]))
    clinician.get(reverse("cases:case-summary", args=[case.ref]))
    log_call(clinician, case)
    page = personas.client_for("supervisor").get(reverse("cases:case-access-log", args=[case.ref]))
    shown = visible_text(page.content.decode())
    for words in ("Care", "Case header", "Called a line with the patient", "Case opened"):
        assert words in shown
    for code in ("case.line_called", "case.opened", " summary "):
        assert code not in shown
