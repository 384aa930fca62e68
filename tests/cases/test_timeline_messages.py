"""The timeline is told from each event's kind and payload, in the reader's language.

Table-driven over every declared kind: each has a message in English and in French, with the
payload's values in it, and never the summary stored when the event was written.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from cases.events import EventKind
from cases.models import CaseEvent, User
from cases.timeline import describe, kind_label

WRITER = User(username="ayesha", first_name="Ayesha")
SUPERVISOR = User(pk=7, username="sam", first_name="Sam")
PEOPLE = {7: SUPERVISOR}
UNITS = {3: "Emergency"}

# kind, payload, detail from a phase's provider, English, French
CASES = [
    (
        EventKind.CASE_OPENED,
        {"unit": 3},
        None,
        "Case opened on Emergency",
        "Dossier ouvert à l’unité Emergency",
    ),
    (EventKind.CASE_OPENED, {}, None, "Case opened", "Dossier ouvert"),
    (
        EventKind.CASE_DETAILS_CHANGED,
        {"fields": ["ward_label", "status"]},
        None,
        "Case details updated: ward label, status",
        "Détails du dossier mis à jour\u00a0: repère, statut",
    ),
    (
        EventKind.CASE_ESCALATED,
        {"to": 7, "reason": "Bruising"},
        None,
        "Escalated to Sam: Bruising",
        "Remonté à Sam\u00a0: Bruising",
    ),
    (
        EventKind.CASE_ESCALATED,
        {"to": None, "reason": "Bruising"},
        None,
        "Escalated to the supervisors on duty: Bruising",
        "Remonté aux superviseurs de garde\u00a0: Bruising",
    ),
    # After retention blanked the words: said so, in the reader's language.
    (
        EventKind.CASE_ESCALATED,
        {"to": None, "reason": ""},
        None,
        "Escalated to the supervisors on duty: details removed after the retention period",
        "Remonté aux superviseurs de garde\u00a0: détails retirés après la période de conservation",
    ),
    (
        EventKind.CASE_ESCALATION_RESOLVED,
        {"note": ""},
        None,
        "Escalation reviewed and closed: details removed after the retention period",
        "Remontée révisée et close\u00a0: détails retirés après la période de conservation",
    ),
    (
        EventKind.CASE_ASSIGNED,
        {"to": 7, "previous": None},
        None,
        "Assigned to Sam",
        "Attribué à Sam",
    ),
    (
        EventKind.CASE_LINE_CALLED,
        {"phone": "1-833-900-1010"},
        None,
        "Called a line with the patient (1-833-900-1010)",
        "Ligne appelée avec le patient (1-833-900-1010)",
    ),
    (
        EventKind.REVIEW_COMMENTED,
        {"comment": "Call back"},
        None,
        "Supervisor comment: Call back",
        "Commentaire du superviseur\u00a0: Call back",
    ),
    (
        EventKind.REVIEW_COMMENTED,
        {"comment": ""},
        None,
        "Supervisor comment: details removed after the retention period",
        "Commentaire du superviseur\u00a0: détails retirés après la période de conservation",
    ),
    (
        EventKind.REVIEW_RETURNED,
        {"request": "Log it"},
        None,
        "Returned to the clinician: Log it",
        "Renvoyé au clinicien\u00a0: Log it",
    ),
    (
        EventKind.REVIEW_SIGNED_OFF,
        {"escalation_closed": True},
        None,
        "Signed off by Ayesha",
        "Approuvé par Ayesha",
    ),
    (
        EventKind.SCREENING_CONCERN_ASSESSED,
        {"level": "high", "previous": ""},
        None,
        "Concern level now: High concern",
        "Niveau de préoccupation actuel\u00a0: Préoccupation élevée",
    ),
    (
        EventKind.SCREENING_NOT_SCREENED,
        {"reason": "other"},
        None,
        "Not screened",
        "Dépistage non fait",
    ),
    (
        EventKind.SAFETY_ITEM_DONE,
        {"checklist": "safety-protocol", "item": "tell-supervisor"},
        "Tell your supervisor",
        "Checklist item done: Tell your supervisor",
        "Élément de la liste fait\u00a0: Tell your supervisor",
    ),
    (
        EventKind.REPORTING_DECISION_RECORDED,
        {"required": ["a children's aid society"]},
        None,
        "Reporting decision recorded: 1 report required",
        "Décision de signalement consignée\u00a0: 1 signalement obligatoire",
    ),
    (
        EventKind.REPORTING_DECISION_RECORDED,
        {"required": []},
        None,
        "Reporting decision recorded: no report required",
        "Décision de signalement consignée\u00a0: aucun signalement obligatoire",
    ),
    (
        EventKind.REFERRAL_FOLLOW_UP_SET,
        {"follow_up_on": "2026-12-04"},
        None,
        "Referral follow-up set for Dec 4, 2026",
        "Suivi de l’orientation fixé au 4 déc. 2026",
    ),
    (
        EventKind.REFERRAL_FOLLOW_UP_SET,
        {"follow_up_on": None},
        None,
        "Referral follow-up cleared",
        "Suivi de l’orientation retiré",
    ),
    (
        EventKind.REFERRAL_OFFERED,
        {"referral": 1},
        "Safe Haven",
        "Referral offered: Safe Haven",
        "Orientation proposée\u00a0: Safe Haven",
    ),
    (
        EventKind.DOCUMENTATION_NOTE_FINALISED,
        {"note": 1},
        None,
        "Encounter note finalised",
        "Note de consultation finalisée",
    ),
]


def event(kind: EventKind, payload: dict) -> CaseEvent:
    return CaseEvent(kind=str(kind), payload=payload, by=WRITER, summary="stored English prose")


@pytest.mark.parametrize(
    ("kind", "payload", "detail", "english", "french"),
    CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_each_event_is_told_in_the_readers_language(kind, payload, detail, english, french):
    for language, expected in (("en", english), ("fr", french)):
        with translation.override(language):
            assert describe(event(kind, payload), PEOPLE, detail, UNITS) == expected


@pytest.mark.parametrize("kind", list(EventKind), ids=str)
def test_every_declared_kind_has_its_own_words_in_both_languages(kind):
    # A plausible payload for every kind: whatever the kind reads, a message comes out, and it
    # is never the summary that was stored.
    payload = {"fields": [], "required": [], "level": "", "to": None, "follow_up_on": None}
    with translation.override("en"):
        english = describe(event(kind, payload), {}, None, {})
        label = kind_label(str(kind))
    with translation.override("fr"):
        french = describe(event(kind, payload), {}, None, {})
        french_label = kind_label(str(kind))
    assert english and "stored English prose" not in english
    assert french != english
    assert label and french_label and french_label != label


def test_an_unknown_kind_is_named_not_refused():
    with translation.override("fr"):
        assert describe(event("case.made_up", {}), {}, None, {}) == "Consigné\u00a0: case.made_up"  # type: ignore[arg-type]
    assert kind_label("case.made_up") is None
