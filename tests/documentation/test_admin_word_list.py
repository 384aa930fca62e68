"""Administrators edit the language check's word list on the one content pattern; the check
reads the published version from the next keystroke on."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import AuditEntry
from documentation import actions
from documentation.forms import WordListEditor
from documentation.models import EncounterNote, WordListVersion
from tests.conftest import ALL_PERSONAS
from tests.content_forms import as_submitted

URL = reverse("documentation:admin-word-list")


def submitted(**changes):
    row = actions.current_word_list()
    editor = WordListEditor(None, content=row.as_content(), base_version=row.version)
    return as_submitted(editor, note="Local wording", **changes)


def entry_index(entry_id: str) -> int:
    entries = actions.current_word_list().entries
    return next(i for i, e in enumerate(entries) if e["id"] == entry_id)


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_only_administrators_open_the_word_list(personas, persona):
    response = personas.client_for(persona).get(URL)
    assert response.status_code == {"administrator": 200, "anonymous": 302}.get(persona, 403)
    if persona == "administrator":
        html = response.content.decode()
        assert "Language check wording" in html and "Add an entry" in html
        assert "non-compliant\nnoncompliant" in html  # one wording per line
        assert "Laisse entendre que le clinicien doute du patient." in html


def with_judgemental_entry(terms: str, **extra: str) -> dict[str, str]:
    """The editor's form as submitted, with one judgemental wording added after the others."""
    n = len(actions.current_word_list().entries)
    fields = {
        "language": "en",
        "category": "judgemental",
        "terms": terms,
        "why": "Judges the patient.",
        "suggestion": "describe what happened",
        **extra,
    }
    return submitted(**{f"entries-{n}-{name}": value for name, value in fields.items()})


def test_an_added_wording_is_flagged_by_the_next_check_and_the_save_is_audited(personas, case):
    client = personas.client_for("administrator")
    data = with_judgemental_entry("difficult patient\ndifficult", why_fr="Juge le patient.")
    assert client.post(URL, data).status_code == 302
    newest = WordListVersion.objects.newest("language-check")
    assert newest.version == 2
    added = newest.entries[-1]
    assert added["id"] == "difficult-patient"
    assert added["terms"] == ["difficult patient", "difficult"]
    assert added["translations"] == {"fr": {"why": "Juge le patient."}}
    assert ("entries:difficult-patient", "added") in {(c["row"], c["op"]) for c in newest.changes}
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CONTENT_CHANGE, detail__object="language-check"
    ).exists()
    # The clinician's next keystroke is checked against it.
    note = actions.start_note(case, prefill={}, by=personas.clinician)
    status = personas.client_for("clinician").post(
        f"/documentation/cases/{case.ref}/save/",
        {"version": note.version, "section_presentation": "A difficult patient."},
        HTTP_HX_REQUEST="true",
    )
    assert "Judges the patient." in status.content.decode()


def test_a_draft_checked_before_an_edit_is_checked_against_the_new_version_after(personas, case):
    # The note is read with the word list in force in the same query: nothing of that
    # version is kept between requests but its rule, by the version read.
    note = actions.start_note(case, prefill={}, by=personas.clinician)
    clinician = personas.client_for("clinician")

    def check() -> str:
        fresh = EncounterNote.objects.get(pk=note.pk)
        return clinician.post(
            f"/documentation/cases/{case.ref}/save/",
            {"version": fresh.version, "section_presentation": "A difficult patient."},
            HTTP_HX_REQUEST="true",
        ).content.decode()

    assert "Judges the patient." not in check()
    data = with_judgemental_entry("difficult patient")
    assert personas.client_for("administrator").post(URL, data).status_code == 302
    assert "Judges the patient." in check()
    assert (
        "Judges the patient." in clinician.get(f"/documentation/cases/{case.ref}/").content.decode()
    )


def test_a_removed_entry_is_no_longer_flagged(personas, case):
    client = personas.client_for("administrator")
    index = entry_index("denies")
    assert client.post(URL, submitted(**{f"entries-{index}-DELETE": "on"})).status_code == 302
    note = actions.start_note(case, prefill={}, by=personas.clinician)
    status = personas.client_for("clinician").post(
        f"/documentation/cases/{case.ref}/save/",
        {"version": note.version, "section_presentation": "Denies pain."},
        HTTP_HX_REQUEST="true",
    )
    assert "No judgemental, speculative or labelling wording found." in status.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (lambda i: {f"entries-{i}-terms": "  "}, "This field is required."),
        (lambda i: {f"entries-{i}-minor_only": "on"}, "can apply to minors only"),
        (lambda i: {f"entries-{i}-terms": "claims\nrefused"}, "“refused” is already in entry"),
        (lambda i: {f"entries-{i}-why": ""}, "This field is required."),
    ],
)
def test_an_invalid_save_says_why_and_keeps_the_input(personas, changes, message):
    client = personas.client_for("administrator")
    index = entry_index("claims")
    data = submitted(**{f"entries-{index}-suggestion": "Kept suggestion", **changes(index)})
    response = client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and 'value="Kept suggestion"' in html
    assert WordListVersion.objects.newest("language-check").version == 1


def test_a_stale_save_is_refused_and_an_earlier_version_restores(personas):
    client = personas.client_for("administrator")
    index = entry_index("claims")
    mine = submitted(**{f"entries-{index}-suggestion": "Mine"})
    assert (
        client.post(URL, submitted(**{f"entries-{index}-suggestion": "Theirs"})).status_code == 302
    )
    refused = client.post(URL, mine)
    html = refused.content.decode()
    assert refused.status_code == 409 and "saved version 2" in html
    assert 'value="Mine"' in html and "Theirs" in html
    old = client.get(f"{URL}?version=1").content.decode()
    assert "Version 1 (an earlier version)" in old and 'value="states / reports"' in old
    row = WordListVersion.objects.get(slug="language-check", version=1)
    editor = WordListEditor(None, content=row.as_content(), base_version=2)
    assert client.post(f"{URL}?version=1", as_submitted(editor)).status_code == 302
    restored = WordListVersion.objects.newest("language-check")
    assert restored.version == 3 and restored.entries == row.entries
