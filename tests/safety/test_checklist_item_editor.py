"""Administrators edit a checklist item by item: add, remove, reorder; each save a new version."""

from __future__ import annotations

import json

from django.urls import reverse

from cases.models import AuditEntry
from safety.models import ChecklistTemplate


def editor_url(slug="safety-protocol") -> str:
    return reverse("safety:admin-checklist", args=[slug])


def item_post(items, *, title="Safety protocol", note="Local policy", base_version=1, extra=None):
    """The item editor's POST: one form per item (position, text, …), plus the blank extra one."""
    forms = [*items, *(extra or [{}])]
    data = {
        "title": title,
        "note": note,
        "base_version": base_version,
        "items-TOTAL_FORMS": len(forms),
        "items-INITIAL_FORMS": len(items),
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }
    for n, item in enumerate(forms):
        for key in ("slug", "text", "help", "section", "ORDER"):
            if item.get(key) not in (None, ""):
                data[f"items-{n}-{key}"] = item[key]
        if item.get("requires_consent"):
            data[f"items-{n}-requires_consent"] = "on"
        if item.get("DELETE"):
            data[f"items-{n}-DELETE"] = "on"
    return data


def current(slug="safety-protocol") -> list[dict]:
    return [
        {**item, "ORDER": n}
        for n, item in enumerate(ChecklistTemplate.objects.newest(slug).items, start=1)
    ]


def test_the_editor_shows_one_labelled_form_per_item(personas, content):
    html = personas.client_for("administrator").get(editor_url()).content.decode()
    shipped = ChecklistTemplate.objects.newest("safety-protocol").items
    assert html.count(">Item ") >= len(shipped) and "Add an item" in html
    assert shipped[0]["text"] in html
    assert 'for="id_items-0-text"' in html and 'for="id_items-0-requires_consent"' in html
    assert "Advanced: edit as JSON" in html


def test_edit_add_remove_and_reorder_in_one_save(personas, content):
    client = personas.client_for("administrator")
    items = current()
    first, second, third, fourth = items
    first["text"] = "Tell the charge nurse and the supervisor."
    third["DELETE"] = True
    fourth["ORDER"] = 0  # moved to the top
    new = {"text": "Call a code grey if anyone is threatening.", "ORDER": 9, "section": ""}
    response = client.post(editor_url(), item_post(items, extra=[new]))
    assert response.status_code == 302
    saved = ChecklistTemplate.objects.newest("safety-protocol")
    assert saved.version == 2 and saved.created_by == personas.administrator
    assert [i["slug"] for i in saved.items] == [
        fourth["slug"],
        first["slug"],  # an edited item keeps its identity
        second["slug"],
        "call-a-code-grey-if-anyone-is-threatening",
    ]
    assert saved.items[1]["text"] == "Tell the charge nurse and the supervisor."
    assert third["slug"] not in {i["slug"] for i in saved.items}
    assert len(ChecklistTemplate.objects.get(slug="safety-protocol", version=1).items) == 4
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CONTENT_CHANGE, detail__object="checklist", detail__version=2
    ).exists()


def test_an_empty_item_text_is_a_field_error_and_keeps_what_was_typed(personas, content):
    client = personas.client_for("administrator")
    items = current()
    items[0]["text"] = ""
    items[1]["text"] = "A change that must survive the error"
    response = client.post(editor_url(), item_post(items))
    html = response.content.decode()
    assert response.status_code == 400 and "Not saved." in html
    assert "This field is required." in html
    assert "A change that must survive the error" in html
    assert ChecklistTemplate.objects.filter(slug="safety-protocol").count() == 1


def test_immediate_care_refuses_forensic_evidence_without_consent(personas, content):
    client = personas.client_for("administrator")
    items = current("immediate-care")
    forensic = next(i for i in items if i["slug"] == "forensic-evidence")
    forensic["requires_consent"] = False
    data = item_post(items, title="Immediate care", note="Simplify")
    html = client.post(editor_url("immediate-care"), data).content.decode()
    assert "must keep “requires consent” ticked" in html
    assert "border-danger" in html  # shown on the item itself
    assert ChecklistTemplate.objects.filter(slug="immediate-care").count() == 1


def test_immediate_care_refuses_to_drop_the_forensic_item(personas, content):
    client = personas.client_for("administrator")
    items = current("immediate-care")
    next(i for i in items if i["slug"] == "forensic-evidence")["DELETE"] = True
    data = item_post(items, title="Immediate care", note="Not done here")
    html = client.post(editor_url("immediate-care"), data).content.decode()
    assert "Keep the forensic-evidence item" in html and "not applicable" in html
    assert ChecklistTemplate.objects.filter(slug="immediate-care").count() == 1


def test_the_json_editor_cannot_bypass_the_consent_safeguard(personas, content):
    client = personas.client_for("administrator")
    items = ChecklistTemplate.objects.newest("immediate-care").items
    for item in items:
        item["requires_consent"] = False
    data = {"title": "Immediate care", "items": json.dumps(items), "note": "x", "base_version": 1}
    html = client.post(editor_url("immediate-care"), data).content.decode()
    assert "must keep “requires consent” ticked" in html
    assert ChecklistTemplate.objects.filter(slug="immediate-care").count() == 1


def test_a_save_from_a_stale_page_is_refused_and_keeps_the_edit(personas, content):
    client = personas.client_for("administrator")
    items = current()
    items[0]["text"] = "First edit"
    client.post(editor_url(), item_post(items))
    items[0]["text"] = "Second edit, from the old page"
    html = client.post(editor_url(), item_post(items, base_version=1)).content.decode()
    assert "saved version 2" in html and "Second edit, from the old page" in html
    assert ChecklistTemplate.objects.newest("safety-protocol").items[0]["text"] == "First edit"


def test_an_earlier_version_is_restored_by_saving_it_again(personas, content):
    client = personas.client_for("administrator")
    original = current()
    edited = [dict(item) for item in original]
    edited[0]["text"] = "Changed"
    client.post(editor_url(), item_post(edited))
    page = client.get(editor_url() + "?version=1").content.decode()
    assert "Restore version 1" in page and original[0]["text"] in page
    # The restore form posts back to the page it is on (`?version=1`), so the translations
    # version 1 had come back with its English.
    client.post(
        editor_url() + "?version=1",
        item_post(original, note="Restore version 1", base_version=2),
    )
    newest = ChecklistTemplate.objects.newest("safety-protocol")
    assert (
        newest.version == 3
        and newest.items == ChecklistTemplate.objects.get(slug="safety-protocol", version=1).items
    )
