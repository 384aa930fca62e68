"""The Notes tab: the encounter note from start to addendum, for each persona."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from cases.models import AuditEntry, CaseEvent
from documentation.models import EncounterNote
from safety import actions as safety_actions
from screening import actions as screening_actions
from screening.models import Answer, ObservedIndicator
from tests.conftest import ALL_PERSONAS


def url(case, name="", *args):
    base = f"/documentation/cases/{case.ref}/"
    return base + (name.format(*args) if name else "")


@pytest.fixture
def content(db):
    call_command("load_screening_content", stdout=StringIO())
    call_command("load_safety_content", stdout=StringIO())


@pytest.fixture
def screened(content, personas, case):
    """A screening with one observed sign and one answer in the patient's own words."""
    screening = screening_actions.start_screening(
        case,
        screening_actions.Gate(
            separation_method="routine-procedure", separation_note="", interpreter="not-needed"
        ),
        by=personas.clinician,
    )
    sign = ObservedIndicator.objects.filter(screening=screening).first()
    screening_actions.save_observation(
        sign, observed=True, note="", base_version=sign.version, by=personas.clinician
    )
    answer = Answer.objects.filter(screening=screening).first()
    screening_actions.save_answer(
        answer,
        status="answered",
        note="He keeps my passport",
        verbatim=True,
        concern=True,
        base_version=answer.version,
        by=personas.clinician,
    )
    return screening


def started(personas, case) -> EncounterNote:
    personas.client_for("clinician").post(url(case, "start/"))
    return EncounterNote.objects.get(case=case)


def draft_post(note, **sections):
    data = {"version": str(note.version), "sensitive": "on", "sensitive_reason": ""}
    for slug, text in note.sections.items():
        data[f"section_{slug}"] = sections.get(slug, text)
    for slug, value in note.consents.items():
        data[f"consent_{slug}"] = value
    return data


EXPECTED_TAB_STATUS = {
    "clinician": 200,
    "other_clinician": 404,
    "supervisor": 200,
    "administrator": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_notes_tab_access_for_each_persona(personas, case, persona):
    response = personas.client_for(persona).get(url(case))
    assert response.status_code == EXPECTED_TAB_STATUS[persona]
    if persona == "anonymous":
        assert "/accounts/login/" in response["Location"]
    if response.status_code == 200:
        assert "Start the encounter note" in response.content.decode()


WRITES = [
    ("post", "start/"),
    ("post", "save/"),
    ("post", "injuries/"),
    ("post", "injuries/x/remove/"),
    ("post", "offers/plan/"),
    ("post", "codes/choose/"),
    ("post", "finalise/"),
    ("post", "addenda/"),
    ("post", "addenda/check/"),
    ("get", "codes/?sexual=suspected"),
    ("get", "ehr-text/"),
    ("get", "print/card/"),
    ("get", "print/slip/"),
    ("get", "print/contacts/"),
    ("get", "print/handover/"),
]


@pytest.mark.parametrize(("method", "path"), WRITES)
@pytest.mark.parametrize(
    ("persona", "status"), [("other_clinician", 404), ("administrator", 403), ("anonymous", 302)]
)
def test_no_one_outside_the_case_reaches_any_note_url(
    personas, case, method, path, persona, status
):
    started(personas, case)
    response = getattr(personas.client_for(persona), method)(url(case, path))
    assert response.status_code == status
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DOCUMENT).exists()


def test_starting_prefills_from_the_case_with_the_patients_words_quoted(personas, case, screened):
    safety_actions.record_capacity_assessment(
        case,
        decision="Whether to involve the police",
        findings={
            a: ("present", "") for a in ("communicate_choice", "understand", "appreciate", "reason")
        },
        by=personas.clinician,
    )
    note = started(personas, case)
    sign = ObservedIndicator.objects.filter(observed=True).select_related("indicator").get()
    assert note.sections["own_words"].startswith("Patient states: “He keeps my passport”")
    assert sign.indicator.text in note.sections["observations"]
    assert (
        "Capacity for “Whether to involve the police”: Has capacity" in note.sections["reporting"]
    )
    assert "Conversation held with the patient alone" in note.sections["presentation"]
    assert CaseEvent.objects.filter(case=case, kind="documentation.note_started").count() == 1
    page = personas.client_for("clinician").get(url(case)).content.decode()
    assert "He keeps my passport" in page
    assert "The case has changed" not in page


def test_a_changed_source_is_offered_never_applied(personas, case, screened):
    note = started(personas, case)
    answer = Answer.objects.filter(screening=screened, status="not_asked").first()
    screening_actions.save_answer(
        answer,
        status="answered",
        note="I sleep at the restaurant",
        verbatim=True,
        concern=False,
        base_version=answer.version,
        by=personas.clinician,
    )
    client = personas.client_for("clinician")
    page = client.get(url(case)).content.decode()
    assert "The case has changed since these sections were filled" in page
    assert "I sleep at the restaurant" in page
    note.refresh_from_db()
    assert "I sleep at the restaurant" not in note.sections["own_words"]

    from documentation.rules import prefill_for, shipped_templates
    from documentation.sources import case_record

    offer = prefill_for(shipped_templates()["encounter"], case_record(case))["own_words"]
    # An offer that is not the current one is refused, so nothing stale is applied.
    stale = client.post(
        url(case, "offers/own_words/"), {"version": note.version, "offer": "old", "how": "replace"}
    )
    assert stale.status_code == 409
    response = client.post(
        url(case, "offers/own_words/"), {"version": note.version, "offer": offer, "how": "append"}
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert "He keeps my passport" in note.sections["own_words"]
    assert "I sleep at the restaurant" in note.sections["own_words"]
    assert "The case has changed" not in client.get(url(case)).content.decode()


def test_keeping_my_text_settles_the_offer_without_changing_the_section(personas, case, screened):
    note = started(personas, case)
    client = personas.client_for("clinician")
    client.post(url(case, "save/"), draft_post(note, own_words="My own summary"))
    answer = Answer.objects.filter(screening=screened, status="not_asked").first()
    screening_actions.save_answer(
        answer,
        status="answered",
        note="New words",
        verbatim=True,
        concern=False,
        base_version=answer.version,
        by=personas.clinician,
    )
    from documentation.rules import prefill_for, shipped_templates
    from documentation.sources import case_record

    offer = prefill_for(shipped_templates()["encounter"], case_record(case))["own_words"]
    note.refresh_from_db()
    client.post(
        url(case, "offers/own_words/"), {"version": note.version, "offer": offer, "how": "keep"}
    )
    note.refresh_from_db()
    assert note.sections["own_words"] == "My own summary"
    assert "The case has changed" not in client.get(url(case)).content.decode()


def test_autosave_saves_shows_wording_findings_and_survives_a_reload(personas, case):
    note = started(personas, case)
    client = personas.client_for("clinician")
    response = client.post(
        url(case, "save/"),
        draft_post(note, presentation="Patient claims she fell."),
        headers={"HX-Request": "true", "HX-Target": "note-status"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="note-status"' in body and "Saved" in body
    assert "<q>claims</q>" in body and "states / reports" in body
    assert '"version": 2' in response["HX-Trigger"]
    note.refresh_from_db()
    assert (note.version, note.sections["presentation"]) == (2, "Patient claims she fell.")
    # A new tab (a fresh GET) shows the draft as saved.
    page = personas.client_for("clinician").get(url(case)).content.decode()
    assert "Patient claims she fell." in page and 'value="2"' in page
    entry = AuditEntry.objects.filter(detail__event="documentation.draft_saved").get()
    assert entry.detail["fields"] == ["presentation"]
    assert "claims" not in str(entry.detail)  # the audit log never copies note text


def test_a_save_from_an_older_version_is_refused_and_the_text_kept(personas, case):
    note = started(personas, case)
    clinician = personas.client_for("clinician")
    supervisor = personas.client_for("supervisor")
    supervisor.post(url(case, "save/"), draft_post(note, plan="Supervisor's plan"))
    response = clinician.post(url(case, "save/"), draft_post(note, plan="My plan"))
    assert response.status_code == 409
    body = response.content.decode()
    assert "Not saved: Supervisor saved this note" in body
    assert "My plan" in body  # what was typed is still on the page
    note.refresh_from_db()
    assert note.sections["plan"] == "Supervisor's plan"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CASE_CONFLICT).count() == 1
    htmx = clinician.post(
        url(case, "save/"),
        draft_post(note, plan="Mine again") | {"version": "1"},
        headers={"HX-Request": "true"},
    )
    assert "Not saved: Supervisor saved this note" in htmx.content.decode()
    assert "HX-Trigger" not in htmx


def test_a_save_without_a_version_is_a_400_that_keeps_the_text(personas, case):
    note = started(personas, case)
    data = draft_post(note, plan="Keep me")
    del data["version"]
    response = personas.client_for("clinician").post(url(case, "save/"), data)
    assert response.status_code == 400
    assert "Keep me" in response.content.decode()


def test_injuries_are_structured_and_chosen_by_site(personas, case):
    note = started(personas, case)
    client = personas.client_for("clinician")
    page = client.get(url(case) + "?site=left-forearm").content.decode()
    assert 'aria-label="Left forearm"' in page
    assert '<option value="left-forearm" selected>' in page
    hx = {"HX-Request": "true"}
    bad = client.post(
        url(case, "injuries/"),
        {"version": note.version, "site": "left-forearm", "length_cm": "three", "colour": "purple"},
        headers=hx,
    )
    assert bad["X-Harbor-Outcome"] == "400"
    assert "Give the size in centimetres" in bad.content.decode()
    assert 'value="purple"' in bad.content.decode()
    ok = client.post(
        url(case, "injuries/"),
        {
            "version": note.version,
            "site": "left-forearm",
            "length_cm": "3",
            "colour": "purple",
            "description": "swollen",
        },
        headers=hx,
    )
    assert "Left forearm: 3 cm, purple; swollen" in ok.content.decode()
    note.refresh_from_db()
    assert note.injuries[0]["length_cm"] == "3" and note.version == 2
    stale = client.post(
        url(case, "injuries/"), {"version": 1, "site": "chest", "length_cm": "1"}, headers=hx
    )
    assert stale["X-Harbor-Outcome"] == "409" and "changed meanwhile" in stale.content.decode()
    removed = client.post(
        url(case, f"injuries/{note.injuries[0]['id']}/remove/"), {"version": note.version}
    )
    assert removed.status_code == 302
    note.refresh_from_db()
    assert note.injuries == []
    assert (
        client.post(url(case, "injuries/nope/remove/"), {"version": note.version}).status_code
        == 404
    )


def test_an_injury_over_htmx_swaps_its_section_without_reading_the_rest_of_the_tab(
    personas, case, screened
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    note = started(personas, case)
    client = personas.client_for("clinician")
    with CaptureQueriesContext(connection) as captured:
        ok = client.post(
            url(case, "injuries/"),
            {"version": note.version, "site": "chest", "length_cm": "2"},
            headers={"HX-Request": "true"},
        )
    body = ok.content.decode()
    assert body.lstrip().startswith('<section id="injuries"')
    assert "Chest: 2 cm" in body and 'class="body-site' in body and 'id="injury-form"' in body
    assert 'name="version" value="2"' in body  # the forms carry the saved version
    read = " ".join(query["sql"] for query in captured.captured_queries)
    # The case's records and the print choices belong to the rest of the tab.
    assert "screening_answer" not in read and "safety_checklistitem" not in read
    assert "documentation_patienttexts" not in read


def test_code_suggestions_and_chosen_codes_travel_in_the_ehr_text(personas, case):
    note = started(personas, case)
    client = personas.client_for("clinician")
    # Ticked sensitive (the default) but no reason yet: the text is marked all the same.
    early = client.get(url(case, "ehr-text/")).content.decode()
    assert "RESTRICTED — sensitive (SDV/R)" in early and "Reason: not recorded yet" in early
    assert "No reason is recorded for the restriction yet" in early
    query = (
        "sexual=suspected&labour=not_suspected&encounter=A"
        "&multiple=unknown&past=unknown&childhood=unknown"
    )
    page = client.get(url(case, "codes/?" + query), headers={"HX-Request": "true"}).content.decode()
    assert "T76.51XA" in page and "Adult forced sexual exploitation, suspected" in page
    assert "patient portal" in page
    assert client.get(url(case, "codes/?sexual=maybe")).status_code == 400
    client.post(
        url(case, "codes/choose/"), {"version": note.version, "code": ["T76.51XA", "DROP TABLE"]}
    )
    note.refresh_from_db()
    assert note.codes == ["T76.51XA"]
    client.post(
        url(case, "save/"), draft_post(note) | {"sensitive_reason": "Partner has the portal login"}
    )
    text = client.get(url(case, "ehr-text/")).content.decode()
    assert "RESTRICTED — sensitive (SDV/R)" in text and "Partner has the portal login" in text
    assert "T76.51XA" in text and "DRAFT, not final" in text
    export = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).first()
    assert export.detail == {"format": "ehr-text", "note": note.pk, "sensitive": True}


def test_finalise_needs_reviewed_wording_and_a_reason_then_locks(personas, case):
    note = started(personas, case)
    client = personas.client_for("clinician")
    client.post(url(case, "save/"), draft_post(note, presentation="Refused the exam."))
    note.refresh_from_db()
    refused = client.post(url(case, "finalise/"), {"version": note.version})
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "Review the flagged wording, then confirm." in body
    assert "Say why the note is restricted" in body
    note.refresh_from_db()
    assert note.status == "draft"
    client.post(url(case, "save/"), draft_post(note) | {"sensitive_reason": "Portal risk"})
    note.refresh_from_db()
    done = client.post(url(case, "finalise/"), {"version": note.version, "wording_reviewed": "on"})
    assert done.status_code == 302
    note.refresh_from_db()
    assert note.status == "final" and note.finalised_by == personas.clinician
    assert note.sections["presentation"] == "Refused the exam."  # never changed for them
    assert CaseEvent.objects.filter(kind="documentation.note_finalised").count() == 1
    locked = client.post(url(case, "save/"), draft_post(note, presentation="Changed"))
    assert locked.status_code == 409
    note.refresh_from_db()
    assert note.sections["presentation"] == "Refused the exam."


def test_addenda_on_a_final_note_say_who_and_when(personas, case):
    note = started(personas, case)
    client = personas.client_for("clinician")
    assert client.post(url(case, "addenda/"), {"text": "Too early"}).status_code == 409
    client.post(url(case, "save/"), draft_post(note, plan="Return in a week") | {"sensitive": ""})
    note.refresh_from_db()
    client.post(url(case, "finalise/"), {"version": note.version})
    assert client.post(url(case, "addenda/"), {"text": "  "}).status_code == 400
    supervisor = personas.client_for("supervisor")
    assert supervisor.post(url(case, "addenda/"), {"text": "Patient phoned."}).status_code == 302
    page = client.get(url(case)).content.decode()
    assert "Added by Supervisor on" in page and "Patient phoned." in page
    assert CaseEvent.objects.filter(kind="documentation.addendum_added").count() == 1
    assert "Addendum by Supervisor" in client.get(url(case, "ehr-text/")).content.decode()


def test_an_addendum_is_checked_as_typed_and_flagged_wording_needs_review(personas, case):
    note = started(personas, case)
    client = personas.client_for("clinician")
    client.post(url(case, "save/"), draft_post(note, plan="Return in a week") | {"sensitive": ""})
    note.refresh_from_db()
    client.post(url(case, "finalise/"), {"version": note.version})
    checked = client.post(url(case, "addenda/check/"), {"text": "Patient admits she lied."})
    body = checked.content.decode()
    assert body.lstrip().startswith('<div id="addendum-wording"')
    assert "<q>admits</q>" in body and "states / reports" in body
    clean = client.post(url(case, "addenda/check/"), {"text": "Patient phoned."}).content.decode()
    assert "<q>" not in clean
    refused = client.post(url(case, "addenda/"), {"text": "Patient admits she lied."})
    assert refused.status_code == 400
    assert "Patient admits she lied." in refused.content.decode()  # nothing typed is lost
    assert not note.addenda.exists()
    added = client.post(
        url(case, "addenda/"), {"text": "Patient admits she lied.", "wording_reviewed": "on"}
    )
    assert added.status_code == 302
    assert note.addenda.get().text == "Patient admits she lied."  # never changed for them


def test_notes_tab_reads_a_bounded_number_of_queries(
    personas, case, screened, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    note = started(personas, case)
    client = personas.client_for("clinician")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(case)).status_code == 200
        return len(captured)

    queries()  # the first request may slide the session's expiry (one write a minute)
    before = queries()
    # More injuries, answers in the patient's words and signs cost no extra query.
    for site in ("chest", "abdomen", "left-forearm"):
        client.post(
            url(case, "injuries/"), {"version": note.version, "site": site, "length_cm": "1"}
        )
        note.refresh_from_db()
    for answer in Answer.objects.filter(screening=screened, status="not_asked")[:3]:
        screening_actions.save_answer(
            answer,
            status="answered",
            note="More words",
            verbatim=True,
            concern=False,
            base_version=answer.version,
            by=personas.clinician,
        )
    assert queries() == before
    # A fixed count: the note (with its template version), the word list, the case's records,
    # and the patient papers' texts and content languages (read for the print choices).
    with django_assert_max_num_queries(14):
        client.get(url(case))


def test_the_note_is_read_with_its_template_version_and_word_list_in_one_query(
    personas, case, screened
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from documentation import actions
    from documentation.models import NoteTemplateVersion
    from documentation.views import note_of

    started(personas, case)
    stored = NoteTemplateVersion.objects.get(slug="encounter", version=1)
    words = actions.current_word_list()
    first = note_of(case)  # each version's rule built once for the process
    actions.template_of(first), actions.wording_languages(first)
    with CaptureQueriesContext(connection) as captured:
        note = note_of(case)
        template = actions.template_of(note)
        wording = actions.wording_languages(note)
    assert len(captured) == 1
    assert (note._template_row.pk, note._template_row.created_at) == (stored.pk, stored.created_at)
    assert template == stored.rule()
    assert (note._word_list_row.pk, note._word_list_row.created_at) == (words.pk, words.created_at)
    assert wording["word_list"] == words.rule()


def test_finalise_refused_over_htmx_swaps_in_place_and_success_redirects(personas, case):
    note = started(personas, case)
    client = personas.client_for("clinician")
    hx = {"HX-Request": "true"}
    client.post(url(case, "save/"), draft_post(note, presentation="Claims she fell."))
    note.refresh_from_db()
    refused = client.post(url(case, "finalise/"), {"version": note.version}, headers=hx)
    assert refused["X-Harbor-Outcome"] == "400"
    body = refused.content.decode()
    assert body.lstrip().startswith('<section id="finalise"')
    assert "Review the flagged wording" in body
    client.post(url(case, "save/"), draft_post(note) | {"sensitive_reason": "Portal risk"})
    note.refresh_from_db()
    done = client.post(
        url(case, "finalise/"), {"version": note.version, "wording_reviewed": "on"}, headers=hx
    )
    assert done["HX-Refresh"] == "true"
    note.refresh_from_db()
    assert note.status == "final"


def referral_lines(*, case, contacts=True):
    from documentation.sources import ReferralLine

    return [ReferralLine(name="Legal clinic", phone="555-0100", status="accepted")]


def test_checklists_referrals_and_the_follow_up_prefill_their_sections(
    personas, case, content, settings
):
    settings.HARBOR_CASE_REFERRALS_PROVIDER = "tests.documentation.test_case_notes.referral_lines"
    for slug, consent in (("treat-injuries", False), ("forensic-evidence", True)):
        safety_actions.set_checklist_item(
            case,
            "immediate-care",
            slug,
            status="done",
            consent=consent,
            base_version=0,
            by=personas.clinician,
        )
    safety_actions.set_checklist_item(
        case,
        "help-refused",
        "offer-discreet-card",
        status="done",
        base_version=0,
        by=personas.clinician,
    )
    note = started(personas, case)
    from safety.models import ChecklistTemplate

    treat = ChecklistTemplate.objects.newest("immediate-care").item("treat-injuries")
    assert treat is not None
    assert f"- {treat.text}" in note.sections["care_given"]
    assert (
        "Forensic evidence collected with the patient's recorded consent."
        in note.sections["care_given"]
    )
    assert note.sections["referrals"] == "- Legal clinic: accepted"
    assert "The patient declined help; done:" in note.sections["plan"]
    assert "Still to do:" in note.sections["plan"]  # the immediate-care items not done yet
