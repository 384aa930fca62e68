"""The jurisdiction rule table in the database: edited by administrators, with history."""

from __future__ import annotations

import copy
import json
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from cases.models import AuditEntry
from safety.models import RuleTableVersion


def editor_url(code="CA-ON") -> str:
    return reverse("safety:admin-jurisdiction", args=[code])


def ontario() -> dict:
    return copy.deepcopy(RuleTableVersion.objects.current().entry("CA-ON"))


def save(client, entry, *, code="CA-ON", base_version=1, note="Re-read CYFSA s.125"):
    text = entry if isinstance(entry, str) else json.dumps(entry)
    return client.post(
        editor_url(code), {"entry": text, "note": note, "base_version": base_version}
    )


def test_the_shipped_table_is_loaded_once(content):
    out = StringIO()
    call_command("load_safety_content", stdout=out)
    assert RuleTableVersion.objects.count() == 1
    assert "Already loaded: Rule table version 1" in out.getvalue()


def test_a_stored_table_from_before_the_structured_fields_is_replaced_and_kept(content):
    old = RuleTableVersion.objects.get()
    for entry in old.data["jurisdictions"]:
        for row in entry["rules"]:
            row["condition"] = None  # the old free-text field
            del row["conditions"]
    old.save()
    call_command("load_safety_content", stdout=StringIO())
    newest = RuleTableVersion.objects.current()
    assert newest.version == 2 and "no longer fits the schema" in newest.note
    assert (
        "condition" in RuleTableVersion.objects.get(version=1).data["jurisdictions"][0]["rules"][0]
    )


def test_the_list_states_it_is_decision_support_and_flags_unverified_rows(personas, content):
    html = (
        personas.client_for("administrator")
        .get(reverse("safety:admin-jurisdictions"))
        .content.decode()
    )
    assert "Decision support, not legal advice." in html
    assert "CA-ON" in html and "US-IL" in html and "text-bg-warning" in html


def test_the_jurisdiction_page_shows_citation_source_checked_on_and_verification(personas, content):
    html = personas.client_for("administrator").get(editor_url("CA-NT")).content.decode()
    assert "Decision support, not legal advice." in html
    assert "Needs verification" in html and "checked 2026-11-29" in html
    assert "REFERENCES-jurisdictions.md" in html


def test_an_edit_makes_a_new_version_with_who_when_and_why(personas, content):
    client = personas.client_for("administrator")
    entry = ontario()
    entry["rules"][0]["recipient"] = "the local children's aid society"
    response = save(client, entry)
    assert response.status_code == 302
    table = RuleTableVersion.objects.current()
    assert table.version == 2 and table.data["version"] == 2
    assert table.created_by == personas.administrator and table.note == "Re-read CYFSA s.125"
    assert table.entry("CA-ON")["rules"][0]["recipient"] == "the local children's aid society"
    assert RuleTableVersion.objects.get(version=1).entry("CA-ON")["rules"][0]["recipient"] == (
        "a children's aid society"
    )
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CONTENT_CHANGE, detail__object="rule_table", detail__version=2
    ).exists()
    page = client.get(editor_url()).content.decode()
    assert "Version 2" in page and "Version 1" in page and "Re-read CYFSA s.125" in page
    old = client.get(editor_url() + "?version=1").content.decode()
    assert "an earlier version" in old and "Restore CA-ON from version 1" in old


def test_the_engine_runs_from_the_database(personas, case, content):
    entry = ontario()
    entry["rules"][0]["age_max"] = 17  # a local policy: every minor is a required report
    save(personas.client_for("administrator"), entry)
    data = {
        "age": 16,
        "age_basis": "confirmed",
        "injury_kind": "none",
        "patient_consents": "no",
        "action": "check",
    }
    html = (
        personas.client_for("clinician")
        .post(reverse("safety:check-reporting", args=[case.ref]), data)
        .content.decode()
    )
    required = html.split(">Required</h5>")[1].split("<h5")[0]
    assert "a children&#x27;s aid society" in required and "rule table version 2" in html


def test_a_malformed_edit_gets_a_clear_error_and_saves_nothing(personas, content):
    client = personas.client_for("administrator")
    entry = ontario()
    entry["rules"][0]["duty"] = "sometimes"
    response = save(client, entry)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Not saved." in html and "&#x27;sometimes&#x27; is not one of mandatory" in html
    assert "sometimes" in html.split("<textarea")[1]  # the edit is still there to fix
    del entry["rules"][0]["checked_on"]
    entry["rules"][0]["duty"] = "mandatory"
    assert "missing checked_on" in save(client, entry).content.decode()
    assert "This is not valid JSON" in save(client, '{"code": "CA-ON",').content.decode()
    assert "whose code is CA-ON" in save(client, {**ontario(), "code": "CA-QC"}).content.decode()
    assert RuleTableVersion.objects.count() == 1


def test_a_save_based_on_an_old_version_is_refused(personas, content):
    client = personas.client_for("administrator")
    first = ontario()
    first["name"] = "Ontario (first edit)"
    save(client, first)
    second = ontario()
    second["name"] = "Ontario (second edit)"
    response = save(client, second, base_version=1)
    assert "Someone saved version 2 while you were editing" in response.content.decode()
    assert RuleTableVersion.objects.current().entry("CA-ON")["name"] == "Ontario (first edit)"


def test_an_administrator_adds_a_jurisdiction(personas, content):
    client = personas.client_for("administrator")
    response = client.get(reverse("safety:admin-jurisdictions") + "?code=us-wa")
    assert response["Location"] == editor_url("US-WA")
    assert "New jurisdiction US-WA" in client.get(editor_url("US-WA")).content.decode()
    entry = {
        "code": "US-WA",
        "name": "Washington",
        "country": "US",
        "hotlines": [],
        "rules": [],
        "none_found": {"weapon_injury": "No weapon-injury reporting law (Houry 2002)."},
    }
    assert save(client, entry, code="US-WA", note="Added").status_code == 302
    assert RuleTableVersion.objects.current().entry("US-WA")["name"] == "Washington"


def test_the_jurisdiction_list_uses_a_fixed_number_of_queries(
    personas, content, django_assert_max_num_queries
):
    client = personas.client_for("administrator")
    for version in (1, 2, 3):
        save(client, {**ontario(), "name": f"Ontario {version}"}, base_version=version)
    with django_assert_max_num_queries(10):
        client.get(reverse("safety:admin-jurisdictions"))


def test_a_version_that_is_not_a_number_is_404(personas, content):
    response = personas.client_for("administrator").get(editor_url() + "?version=abc")
    assert response.status_code == 404
