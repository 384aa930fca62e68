"""The reporting rules in the database, one version history per jurisdiction, edited by
administrators through the one content editor (rules and lines as formsets, or JSON)."""

from __future__ import annotations

import copy
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.content import save_version
from cases.models import AuditEntry
from safety.models import Jurisdiction, RuleTableVersion, rules_in_force
from safety.rule_table_forms import JurisdictionEditor
from tests.content_forms import as_submitted


def editor_url(code: str = "CA-ON") -> str:
    return reverse("safety:admin-jurisdiction", args=[code])


def newest(code: str = "CA-ON") -> Jurisdiction:
    found = Jurisdiction.objects.newest(code)
    assert found is not None
    return found


def ontario() -> dict:
    return copy.deepcopy(newest().as_content())


def editor(code: str = "CA-ON") -> JurisdictionEditor:
    row = newest(code)
    return JurisdictionEditor(None, content=row.as_content(), base_version=row.version)


def rule_index(row_id: str, code: str = "CA-ON") -> int:
    return next(i for i, r in enumerate(newest(code).as_content()["rules"]) if r["id"] == row_id)


def post_rows(client, code="CA-ON", *, note="Re-read the Act", **changes):
    return client.post(editor_url(code), as_submitted(editor(code), note=note, **changes))


def save_json(client, entry, *, code="CA-ON", base_version=1, note="Re-read CYFSA s.125"):
    text = entry if isinstance(entry, str) else json.dumps(entry)
    return client.post(
        editor_url(code), {"entry": text, "note": note, "base_version": base_version}
    )


# --- The loader ---------------------------------------------------------------------------------


def test_the_shipped_table_is_loaded_once_a_version_per_jurisdiction(content):
    out = StringIO()
    call_command("load_safety_content", stdout=out)
    assert set(Jurisdiction.objects.values_list("version", flat=True)) == {1}
    assert Jurisdiction.objects.filter(slug="CA-ON").count() == 1
    from safety.places import shipped_table

    file_version = shipped_table()["version"]
    assert f"Already loaded: CA-ON (version 1) (shipped file: {file_version})" in out.getvalue()


def test_the_loader_never_replaces_an_administrators_edit(personas, content, monkeypatch):
    entry = ontario()
    entry["name"] = "Ontario (local policy)"
    save_version(Jurisdiction, "CA-ON", entry, base_version=1, by=personas.administrator)
    from safety.management.commands import load_safety_content
    from safety.places import shipped_table

    newer = shipped_table()
    newer["version"] += 1
    for shipped in newer["jurisdictions"]:
        if shipped["code"] in ("CA-ON", "CA-BC"):
            shipped["name"] += " (newer file)"
    monkeypatch.setattr(load_safety_content, "shipped_table", lambda: newer)
    out = StringIO()
    call_command("load_safety_content", stdout=out)
    assert "Kept: CA-ON (version 2), edited in Harbor" in out.getvalue()
    assert newest().name == "Ontario (local policy)" and newest().version == 2
    # A jurisdiction nobody edited takes the newer file; an unchanged one records it.
    assert (newest("CA-BC").version, newest("CA-BC").name) == (
        2,
        "British Columbia (newer file)",
    )
    assert (newest("CA-AB").version, newest("CA-AB").shipped_version) == (1, newer["version"])


# --- The pages ----------------------------------------------------------------------------------


def test_the_list_states_it_is_decision_support_and_flags_unverified_rows(personas, content):
    html = (
        personas.client_for("administrator")
        .get(reverse("safety:admin-jurisdictions"))
        .content.decode()
    )
    assert "Decision support, not legal advice." in html
    assert "CA-ON" in html and "US-IL" in html and "text-bg-warning" in html


def test_the_list_uses_a_fixed_number_of_queries(personas, content, django_assert_max_num_queries):
    client = personas.client_for("administrator")
    for version in (1, 2, 3):
        save_json(client, {**ontario(), "name": f"Ontario {version}"}, base_version=version)
    with django_assert_max_num_queries(10):
        client.get(reverse("safety:admin-jurisdictions"))


def test_the_page_shows_the_rules_in_force_with_citation_source_checked_on(personas, content):
    html = personas.client_for("administrator").get(editor_url("CA-NT")).content.decode()
    assert "Decision support, not legal advice." in html
    assert "Needs verification" in html and "checked 2026-11-29" in html
    assert "REFERENCES-jurisdictions.md" in html
    assert 'href="/safety/jurisdictions/CA/"' in html  # an inherited rule is edited where it lives


def test_the_rule_form_shows_every_field_labelled(personas, content):
    html = personas.client_for("administrator").get(editor_url()).content.decode()
    for label in (
        "Rule id",
        "Applies to",
        "Duty",
        "From age (inclusive)",
        "To age (inclusive)",
        "Wounds covered",
        "Only when",
        "Who must report",
        "To whom",
        "How",
        "How soon",
        "What may be disclosed",
        "Legal basis (citation)",
        "Source",
        "Checked on",
        "Needs verification",
        "Notes",
        "Remove rule 1",
        "Add a rule",
        "Add a line",
        "What changed, and why",
    ):
        assert label in html, label
    assert 'value="2026-11-29"' in html and "Mandatory Gunshot Wounds Reporting Act" in html


# --- Saving -------------------------------------------------------------------------------------


def test_editing_one_rule_makes_a_new_version_of_that_jurisdiction_only(personas, content):
    client = personas.client_for("administrator")
    before = ontario()
    i = rule_index("CA-ON-gunshot")
    response = post_rows(
        client,
        **{f"rules-{i}-weapon_kinds": ["gunshot", "stab"], f"rules-{i}-needs_verification": "on"},
    )
    assert response.status_code == 302 and response["Location"] == editor_url()
    saved = newest()
    assert saved.version == 2 and saved.created_by == personas.administrator
    assert saved.note == "Re-read the Act"
    expected = copy.deepcopy(before)
    expected["version"] = 2
    expected["rules"][i].update(weapon_kinds=["gunshot", "stab"], needs_verification=True)
    assert saved.as_content() == expected
    assert (
        Jurisdiction.objects.get(slug="CA-ON", version=1).as_content()["rules"] == (before["rules"])
    )
    assert saved.changes == [
        {
            "row": "rules:CA-ON-gunshot",
            "op": "changed",
            "fields": {
                "needs_verification": [before["rules"][i]["needs_verification"], True],
                "weapon_kinds": [["gunshot"], ["gunshot", "stab"]],
            },
        }
    ]
    assert set(Jurisdiction.objects.exclude(slug="CA-ON").values_list("version", flat=True)) == {1}
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CONTENT_CHANGE,
        detail__object="jurisdiction",
        detail__slug="CA-ON",
        detail__version=2,
    ).exists()
    page = client.get(editor_url()).content.decode()
    assert "Version 2" in page and "Version 1" in page and "Re-read the Act" in page


def test_the_id_of_a_saved_rule_cannot_be_changed(personas, content):
    i = rule_index("CA-ON-gunshot")
    post_rows(personas.client_for("administrator"), **{f"rules-{i}-id": "CA-ON-renamed"})
    ids = [r["id"] for r in newest().as_content()["rules"]]
    assert "CA-ON-gunshot" in ids and "CA-ON-renamed" not in ids


NEW_RULE = {
    "id": "CA-ON-stab",
    "trigger": "weapon_injury",
    "duty": "permissive",
    "age_min": None,
    "age_max": None,
    "weapon_kinds": ["stab"],
    "conditions": ["not_self_inflicted_or_accidental"],
    "reporter": "The hospital",
    "recipient": "local police",
    "method": "By telephone",
    "deadline": None,
    "disclosure_limit": "Name, fact of treatment, facility.",
    "legal_basis": "Local hospital policy 12.3",
    "source": "Hospital policy manual, 2026",
    "checked_on": "2026-11-30",
    "needs_verification": False,
    "notes": None,
}


def new_rule_fields(rule: dict, index: int) -> dict:
    """The empty rule at the end of the formset, filled in as a browser sends it."""
    data: dict = {}
    for key, value in rule.items():
        name = f"rules-{index}-{key}"
        if key == "needs_verification":
            data[name] = "on" if value else None
        else:
            data[name] = value if value is not None else ""
    return data


def test_adding_a_rule(personas, content):
    n = len(ontario()["rules"])
    response = post_rows(personas.client_for("administrator"), **new_rule_fields(NEW_RULE, n))
    assert response.status_code == 302
    assert newest().as_content()["rules"][-1] == NEW_RULE


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"id": "CA-QC-gunshot"}, "Start the id with CA-ON-"),
        ({"trigger": "child", "weapon_kinds": [], "age_max": None}, "needs an upper age limit"),
        ({"age_min": 18, "age_max": 16}, "below the lower age limit"),
        ({"weapon_kinds": []}, "Tick the wounds this rule covers."),
        ({"trigger": "crime_injury", "conditions": []}, "gunshot or stab wound rules only"),
        ({"trigger": "any", "weapon_kinds": [], "conditions": []}, "with their consent."),
        ({"checked_on": "29/11/2026"}, "Enter a valid date."),
        ({"recipient": ""}, "This field is required."),
        ({"id": "CA-ON-child-under-16"}, "is used twice"),
    ],
)
def test_a_bad_new_rule_gets_a_field_error_and_keeps_what_was_typed(
    personas, content, changes, field_error
):
    rule = {**NEW_RULE, "legal_basis": "Typed by hand, keep me", **changes}
    n = len(ontario()["rules"])
    response = post_rows(personas.client_for("administrator"), **new_rule_fields(rule, n))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Not saved." in html and field_error in html
    assert 'value="Typed by hand, keep me"' in html
    assert newest().version == 1


def test_removing_a_rule_keeps_it_in_history(personas, content):
    i = rule_index("CA-ON-gunshot")
    response = post_rows(
        personas.client_for("administrator"), note="Repealed", **{f"rules-{i}-DELETE": "on"}
    )
    assert response.status_code == 302
    assert "CA-ON-gunshot" not in [r["id"] for r in newest().as_content()["rules"]]
    assert newest().note == "Repealed"
    assert newest().changes[0]["row"] == "rules:CA-ON-gunshot"
    assert newest().changes[0]["op"] == "removed"
    old = Jurisdiction.objects.get(slug="CA-ON", version=1).as_content()
    assert "CA-ON-gunshot" in [r["id"] for r in old["rules"]]


def test_a_save_from_a_stale_page_is_refused_showing_theirs_and_keeping_yours(personas, content):
    client = personas.client_for("administrator")
    stale = as_submitted(editor(), note="Mine", **{"rules-0-recipient": "the stale edit"})
    post_rows(client, **{"rules-0-recipient": "the first edit"})
    response = client.post(editor_url(), stale)
    html = response.content.decode()
    assert response.status_code == 409
    assert "saved version 2" in html and 'value="the stale edit"' in html
    assert newest().as_content()["rules"][0]["recipient"] == "the first edit"


def test_lines_are_added_edited_and_removed_in_the_same_editor(personas, content):
    client = personas.client_for("administrator")
    line = {"name": "Ontario crisis line", "number": "1-800-000-0000", "notes": "24/7, EN/FR."}
    assert ontario()["hotlines"] == []
    added = {f"lines-0-{key}": value for key, value in line.items()}
    assert post_rows(client, note="Added", **added).status_code == 302
    assert newest().hotlines == [line]
    response = post_rows(client, note="x", **{"lines-0-number": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    post_rows(client, note="Closed", **{"lines-0-DELETE": "on"})
    assert newest().hotlines == [] and newest().version == 3


def test_a_new_jurisdiction_starts_empty_and_is_saved_as_its_version_1(personas, content):
    client = personas.client_for("administrator")
    response = client.get(reverse("safety:admin-jurisdictions") + "?code=us-wa")
    assert response["Location"] == editor_url("US-WA")
    page = client.get(editor_url("US-WA")).content.decode()
    assert "New jurisdiction US-WA" in page and "Start by giving it a name" in page
    data = {
        "base_version": "0",
        "name": "Washington",
        "notes": "",
        "none_found_weapon_injury": "No weapon-injury reporting law (Houry 2002).",
        "note": "Added",
        "rules-TOTAL_FORMS": "0",
        "rules-INITIAL_FORMS": "0",
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
    }
    assert client.post(editor_url("US-WA"), data).status_code == 302
    saved = newest("US-WA")
    assert (saved.version, saved.name, saved.country) == (1, "Washington", "US")
    assert saved.none_found == {"weapon_injury": "No weapon-injury reporting law (Houry 2002)."}
    assert ("US-WA", "Washington", "US") in __import__(
        "safety.places", fromlist=["x"]
    ).jurisdiction_places()


def test_an_earlier_version_is_restored_by_saving_it(personas, content):
    client = personas.client_for("administrator")
    post_rows(client, **{"rules-0-recipient": "changed"})
    html = client.get(editor_url() + "?version=1").content.decode()
    assert "Version 1 (an earlier version): restore it as a new one" in html
    assert "Restore version 1" in html
    original = Jurisdiction.objects.get(slug="CA-ON", version=1)
    shown = JurisdictionEditor(
        None, content=original.as_content(), base_version=2, note="Restore version 1"
    )
    assert client.post(editor_url() + "?version=1", as_submitted(shown)).status_code == 302
    restored = newest()
    assert restored.version == 3 and restored.note == "Restore version 1"
    assert restored.as_content()["rules"] == original.as_content()["rules"]


@pytest.mark.parametrize("persona", ["clinician", "supervisor", "anonymous"])
def test_only_administrators_edit_the_rules(personas, content, persona):
    client = personas.client_for(persona)
    assert client.get(editor_url()).status_code == (302 if persona == "anonymous" else 403)
    response = client.post(editor_url(), as_submitted(editor(), **{"rules-0-recipient": "x"}))
    assert response.status_code == (302 if persona == "anonymous" else 403)
    assert newest().version == 1


# --- The JSON editor ----------------------------------------------------------------------------


def test_the_json_editor_saves_the_entry_through_the_same_checks(personas, content):
    client = personas.client_for("administrator")
    entry = ontario()
    entry["rules"][0]["recipient"] = "the local children's aid society"
    assert save_json(client, entry).status_code == 302
    assert newest().as_content()["rules"][0]["recipient"] == "the local children's aid society"
    entry["rules"][0]["duty"] = "sometimes"
    response = save_json(client, entry, base_version=2)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Not saved." in html and "must be one of mandatory" in html
    assert "sometimes" in html.split("<textarea")[-1]  # the edit is still there to fix
    del entry["rules"][0]["checked_on"]
    entry["rules"][0]["duty"] = "mandatory"
    assert "checked_on is missing" in save_json(client, entry, base_version=2).content.decode()
    assert "This is not valid JSON" in save_json(client, '{"code": "CA-ON",').content.decode()
    other = {**ontario(), "code": "CA-QC"}
    assert "The code must stay CA-ON" in save_json(client, other, base_version=2).content.decode()
    assert newest().version == 2


def test_a_json_save_based_on_an_old_version_is_refused(personas, content):
    client = personas.client_for("administrator")
    save_json(client, {**ontario(), "name": "Ontario (first edit)"})
    response = save_json(client, {**ontario(), "name": "Ontario (second edit)"}, base_version=1)
    assert response.status_code == 409 and "saved version 2" in response.content.decode()
    assert newest().name == "Ontario (first edit)"


def test_a_version_that_is_not_a_number_is_404(personas, content):
    client = personas.client_for("administrator")
    for version in ("abc", "²", "1" * 30):
        assert client.get(editor_url() + f"?version={version}").status_code == 404


# --- The engine reads it ------------------------------------------------------------------------


def test_the_engine_runs_from_the_database(personas, case, content):
    entry = ontario()
    entry["rules"][0]["age_max"] = 17  # a local policy: every minor is a required report
    save_json(personas.client_for("administrator"), entry)
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
    assert "a children&#x27;s aid society" in required and "CA-ON 2 · CA 1 · DEFAULT 1" in html


def test_the_rules_are_read_once_per_version_not_per_request(
    personas, case, content, django_assert_num_queries
):
    rules_in_force("CA-ON")  # the first read builds each layer's rules
    with django_assert_num_queries(1):  # later: which versions are in force, nothing more
        _layers, rules = rules_in_force("CA-ON")
    assert rules.version == "CA-ON 1 · CA 1 · DEFAULT 1"


def test_a_published_version_is_what_the_engine_and_the_case_form_use(personas, content):
    layers, rules = rules_in_force("US-NY")
    assert sorted(layer.slug for layer in layers) == ["DEFAULT", "US", "US-NY"]
    assert rules.name == "New York"
    assert not RuleTableVersion.objects.exists()  # the archive is never written any more
