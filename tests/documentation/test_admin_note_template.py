"""Administrators edit the note template on the one content pattern: each save a version with
its row-level history, a stale save refused with the input kept, any version restorable; a note
keeps the template version it was started on."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from cases.models import AuditEntry
from documentation import actions
from documentation.forms import NoteTemplateEditor
from documentation.models import NoteTemplateVersion
from tests.conftest import ALL_PERSONAS
from tests.content_forms import as_submitted

URL = reverse("documentation:admin-note-template", args=["encounter"])
LIST_URL = reverse("documentation:admin-note-templates")


def submitted(**changes):
    row = actions.current_template()
    editor = NoteTemplateEditor(None, content=row.as_content(), base_version=row.version)
    return as_submitted(editor, note="Local wording", **changes)


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("url", [URL, LIST_URL])
def test_only_administrators_open_the_editor(personas, persona, url):
    response = personas.client_for(persona).get(url)
    expected = {"administrator": 200, "anonymous": 302}.get(persona, 403)
    assert response.status_code == expected
    if persona == "administrator":
        assert "Encounter note" in response.content.decode()


def test_the_list_shows_each_template_in_a_bounded_number_of_queries(
    personas, django_assert_max_num_queries
):
    client = personas.client_for("administrator")
    client.get(LIST_URL)  # the shipped template is stored on first use
    with django_assert_max_num_queries(10):
        html = client.get(LIST_URL).content.decode()
    assert "Encounter note" in html and ">8<" in html and ">5<" in html


def test_the_editor_shows_every_section_and_consent_with_its_french_text(personas):
    html = personas.client_for("administrator").get(URL).content.decode()
    assert 'value="Neutral observations"' in html
    assert 'value="Observations neutres"' in html
    assert "Section (Français)" in html
    assert 'value="Report to the police"' in html and 'value="Signalement à la police"' in html
    assert "Add a section" in html and "Add a consent" in html
    assert "History" in html and "shipped content" in html


def test_a_save_makes_the_next_version_with_its_row_level_history_and_is_audited(personas):
    client = personas.client_for("administrator")
    client.get(URL)
    response = client.post(
        URL,
        submitted(
            **{
                "sections-1-label": "What was seen",
                "sections-1-label_fr": "Ce qui a été vu",
                "consents-1-DELETE": "on",
            }
        ),
    )
    assert response.status_code == 302
    newest = NoteTemplateVersion.objects.newest("encounter")
    assert newest.version == 2 and newest.published and newest.note == "Local wording"
    assert NoteTemplateVersion.objects.filter(published=True).count() == 1
    observations = newest.sections[1]
    assert observations["slug"] == "observations"  # the slug stays whatever the label becomes
    assert observations["translations"]["fr"]["label"] == "Ce qui a été vu"
    assert [c["slug"] for c in newest.consents] == [
        "examination",
        "forensic_evidence",
        "sharing_information",
        "police_report",
    ]
    changes = {(c["row"], c["op"]): c["fields"] for c in newest.changes}
    assert changes[("sections:observations", "changed")]["label"] == [
        "Neutral observations",
        "What was seen",
    ]
    assert ("consents:photographs", "removed") in changes
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CONTENT_CHANGE, detail__object="note-template", detail__version=2
    ).exists()
    html = client.get(URL).content.decode()
    assert "What was seen" in html and "consents:photographs" in html


def test_a_new_section_gets_a_slug_from_its_label(personas):
    client = personas.client_for("administrator")
    client.get(URL)
    data = submitted(**{"sections-8-label": "Safe contact details", "sections-8-prefill": ""})
    assert client.post(URL, data).status_code == 302
    slugs = [s["slug"] for s in NoteTemplateVersion.objects.newest("encounter").sections]
    assert slugs[-1] == "safe_contact_details"


def test_a_note_keeps_the_template_version_it_was_started_on(personas, case):
    from cases.actions import open_case

    clinician = personas.clinician
    before = actions.start_note(case, prefill={}, by=clinician)
    client = personas.client_for("administrator")
    client.post(URL, submitted(**{"sections-0-label": "Reason for the visit"}))
    later_case = open_case(
        unit=personas.emergency,
        jurisdiction="CA-ON",
        age_years=30,
        preferred_language="en",
        by=clinician,
    )
    after = actions.start_note(later_case, prefill={}, by=clinician)
    assert (before.template_version, after.template_version) == (1, 2)
    assert actions.template_of(before, "en").sections[0].label == "Presentation"
    assert actions.template_of(after, "en").sections[0].label == "Reason for the visit"
    tab = personas.client_for("clinician").get(reverse("documentation:case-notes", args=[case.ref]))
    assert "Reason for the visit" not in tab.content.decode()


def test_a_stale_save_is_refused_with_theirs_and_yours_and_the_typed_text_kept(personas):
    client = personas.client_for("administrator")
    mine = submitted(**{"sections-0-label": "My label"})
    theirs = submitted(**{"sections-2-label": "Their label"})
    assert client.post(URL, theirs).status_code == 302
    response = client.post(URL, mine)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Not saved." in html and "saved version 2" in html
    assert 'value="My label"' in html  # what was typed is still in the form
    assert "Their label" in html  # theirs, from the stored changes
    assert NoteTemplateVersion.objects.newest("encounter").version == 2
    # The form now carries version 2: saving again replaces theirs knowingly.
    assert 'name="base_version" value="2"' in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sections-0-label": ""}, "This field is required."),
        ({"sections-3-verbatim": "on"}, "only one section holds the patient"),
        ({"title": "  "}, "This field is required."),
    ],
)
def test_an_invalid_save_says_where_and_keeps_the_input(personas, changes, message):
    client = personas.client_for("administrator")
    data = submitted(**{"sections-1-label": "Kept text", **changes})
    response = client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and 'value="Kept text"' in html
    assert NoteTemplateVersion.objects.newest("encounter").version == 1


def test_an_earlier_version_opens_and_saving_it_restores_it(personas):
    client = personas.client_for("administrator")
    client.post(URL, submitted(**{"sections-0-label": "Changed"}))
    page = client.get(f"{URL}?version=1")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Version 1 (an earlier version)" in html and 'value="Presentation"' in html
    row = NoteTemplateVersion.objects.get(slug="encounter", version=1)
    editor = NoteTemplateEditor(None, content=row.as_content(), base_version=2)
    assert client.post(f"{URL}?version=1", as_submitted(editor, note="Restore")).status_code == 302
    restored = NoteTemplateVersion.objects.newest("encounter")
    assert restored.version == 3 and restored.sections == row.sections
    assert client.get(f"{URL}?version=99").status_code == 404


def test_the_note_shows_the_template_in_the_clinicians_language(personas, case):
    actions.start_note(case, prefill={}, by=personas.clinician)
    client = personas.client_for("clinician")
    with translation.override("fr"):
        html = client.get(
            reverse("documentation:case-notes", args=[case.ref]), HTTP_ACCEPT_LANGUAGE="fr"
        ).content.decode()
    assert "Observations neutres" in html and "Signalement à la police" in html
