"""Checklist templates are versioned data: an edit makes a new version; cases keep theirs."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from cases import actions as case_actions
from cases.models import AuditEntry
from safety.models import ChecklistTemplate


def editor_url(slug="safety-protocol") -> str:
    return reverse("safety:admin-checklist", args=[slug])


def edit(client, items, *, base_version=1, title="Safety protocol", note="Local policy"):
    return client.post(
        editor_url(),
        {"title": title, "items": json.dumps(items), "note": note, "base_version": base_version},
    )


def shipped_items() -> list[dict]:
    return ChecklistTemplate.objects.newest("safety-protocol").items


def test_loading_the_content_twice_changes_nothing(content):
    out = StringIO()
    call_command("load_safety_content", stdout=out)
    assert ChecklistTemplate.objects.count() == 5
    assert "Already loaded: checklist Safety protocol (version 1)" in out.getvalue()


def test_an_administrator_edit_makes_a_new_version_with_who_and_why(personas, content):
    client = personas.client_for("administrator")
    items = [*shipped_items(), {"slug": "call-code-grey", "text": "Call a code grey."}]
    response = edit(client, items)
    assert response.status_code == 302
    newest = ChecklistTemplate.objects.newest("safety-protocol")
    assert newest.version == 2 and newest.created_by == personas.administrator
    assert newest.note == "Local policy" and newest.items[-1]["text"] == "Call a code grey."
    assert (
        ChecklistTemplate.objects.get(slug="safety-protocol", version=1).items
        == shipped_items()[:4]
    )
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CONTENT_CHANGE, detail__object="checklist", detail__version=2
    ).exists()
    page = client.get(editor_url()).content.decode()
    assert "Version 2" in page and "Version 1" in page and "Local policy" in page
    old = client.get(editor_url() + "?version=1").content.decode()
    assert "an earlier version" in old and "Call a code grey." not in old.split("<form")[0]


def test_a_case_keeps_the_version_it_started_with(personas, case, content):
    clinician = personas.client_for("clinician")
    clinician.post(
        reverse(
            "safety:set-checklist-item", args=[case.ref, "safety-protocol", "alert-supervisor"]
        ),
        {"status": "done", "base_version": 0},
    )
    edit(
        personas.client_for("administrator"),
        [*shipped_items(), {"slug": "call-code-grey", "text": "Call a code grey."}],
    )

    started = clinician.get(reverse("safety:case-safety", args=[case.ref])).content.decode()
    assert "Call a code grey." not in started and "version 1" in started

    new_case = case_actions.open_case(
        unit=personas.emergency,
        jurisdiction="CA-ON",
        age_years=30,
        preferred_language="en",
        by=personas.clinician,
    )
    fresh = clinician.get(reverse("safety:case-safety", args=[new_case.ref])).content.decode()
    # A case not started yet simply shows the current items, without a version note.
    assert "Call a code grey." in fresh and "version 2" not in fresh


def test_malformed_items_are_refused_with_a_clear_message_and_the_text_kept(personas, content):
    client = personas.client_for("administrator")
    response = client.post(
        editor_url(),
        {"title": "Safety protocol", "items": '[{"slug": "x"', "note": "n", "base_version": 1},
    )
    html = response.content.decode()
    assert response.status_code == 400 and "This is not valid JSON" in html
    assert "[{&quot;slug&quot;: &quot;x&quot;</textarea>" in html
    response = edit(client, [{"slug": "Bad Slug", "text": "x"}])
    assert "items 1 › slug: must be lowercase letters and digits joined by hyphens" in (
        response.content.decode()
    )
    response = edit(client, [{"slug": "a", "text": "x"}, {"slug": "a", "text": "y"}])
    assert "items 2 › slug: a is used twice" in response.content.decode()
    assert ChecklistTemplate.objects.filter(slug="safety-protocol").count() == 1


def test_a_save_from_an_old_version_of_the_editor_is_refused(personas, content):
    client = personas.client_for("administrator")
    edit(client, [*shipped_items(), {"slug": "a", "text": "First edit."}])
    response = edit(client, [*shipped_items(), {"slug": "b", "text": "Second edit."}])
    assert response.status_code == 409
    assert "saved version 2 at" in response.content.decode()
    assert ChecklistTemplate.objects.newest("safety-protocol").items[-1]["text"] == "First edit."


def test_saving_unchanged_content_makes_no_version(personas, content):
    edit(personas.client_for("administrator"), shipped_items())
    assert ChecklistTemplate.objects.filter(slug="safety-protocol").count() == 1


def test_the_checklist_list_uses_a_fixed_number_of_queries(
    personas, content, django_assert_max_num_queries
):
    client = personas.client_for("administrator")
    edit(client, [*shipped_items(), {"slug": "a", "text": "First edit."}])
    with django_assert_max_num_queries(8):
        page = client.get(reverse("safety:admin-checklists")).content.decode()
    assert "(2 versions)" in page and "Immediate care" in page
