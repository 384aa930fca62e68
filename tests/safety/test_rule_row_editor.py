"""Administrators edit the rule table one row, one line, one jurisdiction at a time."""

from __future__ import annotations

import copy
import json

import pytest
from django.urls import reverse

from cases.models import AuditEntry
from safety.models import RuleTableVersion


def table() -> RuleTableVersion:
    return RuleTableVersion.objects.current()


def ontario_row(row_id="CA-ON-gunshot") -> dict:
    return copy.deepcopy(next(r for r in table().entry("CA-ON")["rules"] if r["id"] == row_id))


def row_post(row: dict, *, note="Re-read the Act", base_version=1) -> dict:
    """The row form's POST: what a browser sends for these values (empty fields left out)."""
    data = {"note": note, "base_version": base_version}
    for key, value in row.items():
        if key in ("weapon_kinds", "conditions"):
            data[key] = value
        elif key == "needs_verification":
            if value:
                data[key] = "on"
        elif value is not None:
            data[key] = value
    return data


def rule_url(row_id="CA-ON-gunshot", code="CA-ON") -> str:
    return reverse("safety:admin-jurisdiction-rule", args=[code, row_id])


def new_rule_url(code="CA-ON") -> str:
    return reverse("safety:admin-jurisdiction-new-rule", args=[code])


def test_the_jurisdiction_page_lists_its_rows_with_an_edit_link_each(personas, content):
    html = (
        personas.client_for("administrator")
        .get(reverse("safety:admin-jurisdiction", args=["CA-ON"]))
        .content.decode()
    )
    for row in table().entry("CA-ON")["rules"]:
        assert f'href="{rule_url(row["id"])}"' in html
    assert f'href="{new_rule_url()}"' in html
    assert 'href="/safety/jurisdictions/CA/"' in html  # an inherited row is edited where it lives
    assert reverse("safety:admin-jurisdiction-new-line", args=["CA-ON"]) in html


def test_the_row_form_shows_every_field_labelled(personas, content):
    html = personas.client_for("administrator").get(rule_url()).content.decode()
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
        "What changed, and your source",
    ):
        assert label in html, label
    assert 'value="2026-11-29"' in html and "Mandatory Gunshot Wounds Reporting Act" in html


def test_editing_one_row_makes_a_new_version_changing_only_that_row(personas, content):
    client = personas.client_for("administrator")
    before = copy.deepcopy(table().data)
    row = ontario_row()
    row["weapon_kinds"] = ["gunshot", "stab"]
    row["needs_verification"] = True
    response = client.post(rule_url(), row_post(row))
    assert response.status_code == 302 and response["Location"].endswith("/CA-ON/#rules")
    saved = table()
    assert saved.version == 2 and saved.created_by == personas.administrator
    assert saved.note == "Re-read the Act"
    assert ontario_row() == row
    expected = copy.deepcopy(before)
    expected["version"] = 2
    ontario = next(e for e in expected["jurisdictions"] if e["code"] == "CA-ON")
    ontario["rules"] = [row if r["id"] == row["id"] else r for r in ontario["rules"]]
    assert saved.data == expected
    assert RuleTableVersion.objects.get(version=1).data == before
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CONTENT_CHANGE, detail__object="rule_table", detail__version=2
    ).exists()


def test_the_id_of_an_existing_row_cannot_be_changed(personas, content):
    row = ontario_row()
    data = row_post({**row, "id": "CA-ON-renamed"})
    personas.client_for("administrator").post(rule_url(), data)
    ids = [r["id"] for r in table().entry("CA-ON")["rules"]]
    assert "CA-ON-gunshot" in ids and "CA-ON-renamed" not in ids


def test_adding_a_row(personas, content):
    row = {
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
    response = personas.client_for("administrator").post(new_rule_url(), row_post(row))
    assert response.status_code == 302
    assert table().entry("CA-ON")["rules"][-1] == row


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"id": "CA-QC-gunshot"}, "Start the id with CA-ON-"),
        ({"trigger": "child", "weapon_kinds": [], "age_max": None}, "needs an upper age limit"),
        ({"age_min": 18, "age_max": 16}, "below the lower age limit"),
        ({"weapon_kinds": []}, "Tick the wounds this rule covers."),
        ({"trigger": "crime_injury"}, "gunshot or stab wound rules only"),
        (
            {"trigger": "any", "weapon_kinds": []},
            "A rule for any patient is a rule with their consent.",
        ),
        ({"checked_on": "29/11/2026"}, "Enter a valid date."),
        ({"recipient": ""}, "This field is required."),
        ({"id": "CA-ON-child-under-16"}, "Another rule already has this id"),
    ],
)
def test_a_bad_new_row_gets_a_field_error_and_keeps_what_was_typed(
    personas, content, changes, field_error
):
    row = {**ontario_row(), "id": "CA-ON-new", "legal_basis": "Typed by hand, keep me"}
    row.update(changes)
    response = personas.client_for("administrator").post(new_rule_url(), row_post(row))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Not saved." in html and field_error in html
    assert 'value="Typed by hand, keep me"' in html
    assert table().version == 1


def test_removing_a_row_needs_a_reason_and_keeps_it_in_history(personas, content):
    client = personas.client_for("administrator")
    url = reverse("safety:admin-jurisdiction-remove-rule", args=["CA-ON", "CA-ON-gunshot"])
    html = client.post(url, {"remove-base_version": 1, "remove-note": ""}).content.decode()
    assert "Not removed." in html and table().version == 1
    response = client.post(url, {"remove-base_version": 1, "remove-note": "Repealed"})
    assert response.status_code == 302
    assert "CA-ON-gunshot" not in [r["id"] for r in table().entry("CA-ON")["rules"]]
    assert table().note == "Repealed"
    assert RuleTableVersion.objects.get(version=1).entry("CA-ON")["rules"][3]["id"] == (
        "CA-ON-gunshot"
    )


def test_a_row_saved_from_a_stale_page_is_refused_and_keeps_the_edit(personas, content):
    client = personas.client_for("administrator")
    row = ontario_row()
    client.post(rule_url(), row_post({**row, "recipient": "the first edit"}))
    html = client.post(
        rule_url(), row_post({**row, "recipient": "the stale edit"}, base_version=1)
    ).content.decode()
    assert "Someone saved version 2" in html and 'value="the stale edit"' in html
    assert ontario_row()["recipient"] == "the first edit"


def test_lines_are_added_edited_and_removed_one_at_a_time(personas, content):
    client = personas.client_for("administrator")
    add = reverse("safety:admin-jurisdiction-new-line", args=["CA-ON"])
    line = {"name": "Ontario crisis line", "number": "1-800-000-0000", "notes": "24/7, EN/FR."}
    assert client.post(add, {**line, "note": "Added", "base_version": 1}).status_code == 302
    assert table().entry("CA-ON")["hotlines"] == [line]
    edit = reverse("safety:admin-jurisdiction-line", args=["CA-ON", 1])
    html = client.post(
        edit, {**line, "number": "", "note": "x", "base_version": 2}
    ).content.decode()
    assert "This field is required." in html and 'value="Ontario crisis line"' in html
    client.post(edit, {**line, "number": "1-800-111-1111", "note": "New number", "base_version": 2})
    assert table().entry("CA-ON")["hotlines"][0]["number"] == "1-800-111-1111"
    remove = reverse("safety:admin-jurisdiction-remove-line", args=["CA-ON", 1])
    client.post(remove, {"remove-note": "Closed", "remove-base_version": 3})
    assert table().entry("CA-ON")["hotlines"] == [] and table().version == 4
    assert client.get(edit).status_code == 404


def test_a_new_jurisdiction_starts_with_its_name_then_gets_rows(personas, content):
    client = personas.client_for("administrator")
    page = client.get(reverse("safety:admin-jurisdiction", args=["US-WA"])).content.decode()
    assert "Start by giving it a name" in page
    assert client.get(new_rule_url("US-WA")).status_code == 200
    details = reverse("safety:admin-jurisdiction-details", args=["US-WA"])
    data = {
        "name": "Washington",
        "notes": "",
        "none_found_weapon_injury": "No weapon-injury reporting law (Houry 2002).",
        "note": "Added",
        "base_version": 1,
    }
    assert client.post(details, data).status_code == 302
    entry = table().entry("US-WA")
    assert entry["name"] == "Washington" and entry["country"] == "US"
    assert entry["none_found"] == {"weapon_injury": "No weapon-injury reporting law (Houry 2002)."}


@pytest.mark.parametrize("persona", ["clinician", "supervisor", "anonymous"])
def test_only_administrators_reach_the_row_editors(personas, content, persona):
    client = personas.client_for(persona)
    urls = [
        rule_url(),
        new_rule_url(),
        reverse("safety:admin-jurisdiction-new-line", args=["CA-ON"]),
        reverse("safety:admin-jurisdiction-details", args=["CA-ON"]),
    ]
    for url in urls:
        assert client.get(url).status_code == (302 if persona == "anonymous" else 403)
    row = ontario_row()
    assert client.post(rule_url(), row_post({**row, "recipient": "x"})).status_code in {302, 403}
    url = reverse("safety:admin-jurisdiction-remove-rule", args=["CA-ON", "CA-ON-gunshot"])
    assert client.post(url, {"remove-note": "x", "remove-base_version": 1}).status_code in {
        302,
        403,
    }
    assert table().version == 1


def test_an_earlier_version_of_a_jurisdiction_is_restored(personas, content):
    client = personas.client_for("administrator")
    row = ontario_row()
    client.post(rule_url(), row_post({**row, "recipient": "changed"}))
    old = client.get(reverse("safety:admin-jurisdiction", args=["CA-ON"]) + "?version=1")
    html = old.content.decode()
    assert "Restore as a new version" in html and f'href="{rule_url()}"' not in html
    original = RuleTableVersion.objects.get(version=1).entry("CA-ON")
    client.post(
        reverse("safety:admin-jurisdiction", args=["CA-ON"]),
        {"entry": json.dumps(original), "note": "Restore CA-ON from version 1", "base_version": 2},
    )
    assert table().version == 3 and table().entry("CA-ON") == original
