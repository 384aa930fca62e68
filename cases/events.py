"""Every kind of timeline event, declared once, with the payload fields it may carry.

Phases name a kind from `EventKind` (never a string they build), and `record_event` refuses a
kind or a payload field that is not declared here. Each kind also says which of its fields
the audit log keeps: identifiers, codes and versions only. Prose (a reason or a note in the
user's words) may sit in the timeline payload, with the case, but never in the audit log.

`cases` imports no phase app, so the phases' kinds are declared here too: adding a kind is a
one-line change in this file, reviewed with the rest of the audit rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EventKind(StrEnum):
    CASE_OPENED = "case.opened"
    CASE_DETAILS_CHANGED = "case.details_changed"
    CASE_ESCALATED = "case.escalated"
    CASE_ESCALATION_RESOLVED = "case.escalation_resolved"
    CASE_ASSIGNED = "case.assigned"
    CASE_LINE_CALLED = "case.line_called"

    # Supervisor review (cases.review). Comments and requests are a supervisor's words: they
    # stay on the timeline, never in the audit log.
    REVIEW_COMMENTED = "review.commented"
    REVIEW_RETURNED = "review.returned"
    REVIEW_SIGNED_OFF = "review.signed_off"

    SCREENING_GATE_MET = "screening.gate_met"
    SCREENING_NOT_SCREENED = "screening.not_screened"
    SCREENING_CONCERN_ASSESSED = "screening.concern_assessed"
    SCREENING_PAUSED = "screening.paused"
    SCREENING_RESUMED = "screening.resumed"
    SCREENING_COMPLETED = "screening.completed"
    # Audit-only: autosaved rows would flood the timeline, so they are logged, not shown.
    SCREENING_ANSWER_SAVED = "screening.answer_saved"
    SCREENING_INDICATOR_SAVED = "screening.indicator_saved"
    SCREENING_INSTRUMENT_SAVED = "screening.instrument_saved"

    SAFETY_ITEM_DONE = "safety.item_done"
    SAFETY_ITEM_NOT_APPLICABLE = "safety.item_not_applicable"
    SAFETY_ITEM_REOPENED = "safety.item_reopened"
    SAFETY_THREAT_REPORTED = "safety.threat_reported"
    SAFETY_THREAT_WITHDRAWN = "safety.threat_withdrawn"

    REPORTING_CAPACITY_ASSESSED = "reporting.capacity_assessed"
    REPORTING_DECISION_RECORDED = "reporting.decision_recorded"
    REPORTING_REQUIRED_REPORT_LOGGED = "reporting.required_report_logged"
    REPORTING_DISCLOSURE_LOGGED = "reporting.disclosure_logged"

    REFERRAL_BARRIERS_ASSESSED = "referral.barriers_assessed"
    REFERRAL_OFFERED = "referral.offered"
    REFERRAL_ACCEPTED = "referral.accepted"
    REFERRAL_DECLINED = "referral.declined"
    REFERRAL_CONTACTED = "referral.contacted"
    REFERRAL_CONNECTED = "referral.connected"
    REFERRAL_NO_RESPONSE = "referral.no_response"
    REFERRAL_CLOSED = "referral.closed"
    REFERRAL_FOLLOW_UP_SET = "referral.follow_up_set"
    REFERRAL_PATIENT_CONTACTED = "referral.patient_contacted"
    REFERRAL_WARM_HANDOVER = "referral.warm_handover"
    REFERRAL_HELP_DECLINED = "referral.help_declined"

    DOCUMENTATION_NOTE_STARTED = "documentation.note_started"
    DOCUMENTATION_NOTE_FINALISED = "documentation.note_finalised"
    DOCUMENTATION_ADDENDUM_ADDED = "documentation.addendum_added"
    # Audit-only: a draft saves as it is typed; the timeline shows the note, not each keystroke.
    DOCUMENTATION_DRAFT_SAVED = "documentation.draft_saved"
    DOCUMENTATION_INJURY_ADDED = "documentation.injury_added"
    DOCUMENTATION_INJURY_REMOVED = "documentation.injury_removed"
    DOCUMENTATION_PREFILL_SETTLED = "documentation.prefill_settled"
    DOCUMENTATION_CODES_CHOSEN = "documentation.codes_chosen"


@dataclass(frozen=True)
class EventSpec:
    payload: frozenset[str]
    """Fields the timeline payload may hold."""
    audited: frozenset[str]
    """The subset the audit log copies: ids, codes, versions, booleans."""
    free_text: frozenset[str] = frozenset()
    """Fields in a person's words. Retention blanks them ("") once a case is past the
    facility's retention period; the database's append-only guard allows no other change
    (cases.timeline_guard)."""
    words_in_summary: bool = False
    """Whether the summary sentence may quote such words: retention then empties it too."""


def spec(
    *payload: str,
    audited: tuple[str, ...] | None = None,
    free_text: tuple[str, ...] = (),
    words_in_summary: bool | None = None,
) -> EventSpec:
    kept = frozenset(payload if audited is None else audited)
    if not kept <= frozenset(payload):
        raise ValueError("Audited fields must be payload fields.")
    words = frozenset(free_text)
    if not words <= frozenset(payload):
        raise ValueError("Free-text fields must be payload fields.")
    if words & kept:
        # A person's words never reach the audit log, which retention cannot touch.
        raise ValueError("Free-text fields must not be audited.")
    return EventSpec(
        frozenset(payload),
        kept,
        words,
        bool(words) if words_in_summary is None else words_in_summary,
    )


REFERRAL_DECISION = spec("referral", "consent_to_share", "follow_up_on")
# An override's reason is the clinician's words: on the timeline, never in the audit log.
REFERRAL_STATUS = spec(
    "referral",
    "from",
    "consent_overridden",
    "override_reason",
    audited=("referral", "from", "consent_overridden"),
    free_text=("override_reason",),
    words_in_summary=False,
)

SAFETY_ITEM = spec("checklist", "template_version", "item", "status", "consent_recorded")

EVENTS: dict[EventKind, EventSpec] = {
    EventKind.CASE_OPENED: spec("unit"),
    EventKind.CASE_DETAILS_CHANGED: spec("fields"),
    EventKind.CASE_ESCALATED: spec("to", "reason", audited=("to",), free_text=("reason",)),
    EventKind.CASE_ESCALATION_RESOLVED: spec("note", audited=(), free_text=("note",)),
    EventKind.CASE_ASSIGNED: spec("to", "previous"),
    # The number called stays with the case; the log keeps only that a line was called.
    EventKind.CASE_LINE_CALLED: spec("phone", audited=()),
    EventKind.REVIEW_COMMENTED: spec("comment", audited=(), free_text=("comment",)),
    EventKind.REVIEW_RETURNED: spec("request", audited=(), free_text=("request",)),
    EventKind.REVIEW_SIGNED_OFF: spec("escalation_closed"),
    EventKind.SCREENING_GATE_MET: spec(
        "screening", "bank", "separation", "interpreter", audited=("screening", "bank")
    ),
    EventKind.SCREENING_NOT_SCREENED: spec("screening", "reason", "universal_education_offered"),
    EventKind.SCREENING_CONCERN_ASSESSED: spec("screening", "level", "previous"),
    EventKind.SCREENING_PAUSED: spec("screening"),
    EventKind.SCREENING_RESUMED: spec("screening"),
    EventKind.SCREENING_COMPLETED: spec("screening"),
    EventKind.SCREENING_ANSWER_SAVED: spec("question", "status"),
    EventKind.SCREENING_INDICATOR_SAVED: spec("indicator", "observed"),
    EventKind.SCREENING_INSTRUMENT_SAVED: spec("instrument", "positive"),
    EventKind.SAFETY_ITEM_DONE: SAFETY_ITEM,
    EventKind.SAFETY_ITEM_NOT_APPLICABLE: SAFETY_ITEM,
    EventKind.SAFETY_ITEM_REOPENED: SAFETY_ITEM,
    # Whether the case was already escalated: what an undo must put back.
    EventKind.SAFETY_THREAT_REPORTED: spec("was_escalated"),
    EventKind.SAFETY_THREAT_WITHDRAWN: spec("withdrawn_event", "item_reopened"),
    EventKind.REPORTING_CAPACITY_ASSESSED: spec("assessment", "outcome"),
    EventKind.REPORTING_DECISION_RECORDED: spec(
        # "required" names recipients in words: on the timeline, not in the log.
        "decision",
        "rules_version",
        "required",
        audited=("decision", "rules_version"),
    ),
    # The summary names the recipient as typed ("Report to … logged").
    EventKind.REPORTING_REQUIRED_REPORT_LOGGED: spec(
        "disclosure", "required", "patient_informed", words_in_summary=True
    ),
    EventKind.REPORTING_DISCLOSURE_LOGGED: spec(
        "disclosure", "required", "patient_informed", words_in_summary=True
    ),
    EventKind.REFERRAL_BARRIERS_ASSESSED: spec("barriers"),
    EventKind.REFERRAL_OFFERED: spec("referral", "service"),
    EventKind.REFERRAL_ACCEPTED: REFERRAL_DECISION,
    EventKind.REFERRAL_DECLINED: REFERRAL_DECISION,
    EventKind.REFERRAL_CONTACTED: REFERRAL_STATUS,
    EventKind.REFERRAL_CONNECTED: REFERRAL_STATUS,
    EventKind.REFERRAL_NO_RESPONSE: REFERRAL_STATUS,
    EventKind.REFERRAL_CLOSED: REFERRAL_STATUS,
    EventKind.REFERRAL_FOLLOW_UP_SET: spec("referral", "follow_up_on", "responsible"),
    EventKind.REFERRAL_PATIENT_CONTACTED: spec(
        "referral",
        "method",
        "plan_overridden",
        "override_reason",
        audited=("referral", "method", "plan_overridden"),
        free_text=("override_reason",),
        words_in_summary=False,
    ),
    # The summary names the person the patient was introduced to.
    EventKind.REFERRAL_WARM_HANDOVER: spec(
        "referral", "how", audited=("referral",), free_text=("how",)
    ),
    EventKind.REFERRAL_HELP_DECLINED: spec("checklist", "items_done", "follow_up_on"),
    EventKind.DOCUMENTATION_NOTE_STARTED: spec("note", "template", "version"),
    EventKind.DOCUMENTATION_NOTE_FINALISED: spec(
        "note", "version", "sensitive", "codes", "flagged"
    ),
    EventKind.DOCUMENTATION_ADDENDUM_ADDED: spec("note", "addendum"),
    EventKind.DOCUMENTATION_DRAFT_SAVED: spec("note", "version", "fields"),
    EventKind.DOCUMENTATION_INJURY_ADDED: spec("note", "version", "site"),
    EventKind.DOCUMENTATION_INJURY_REMOVED: spec("note", "version"),
    EventKind.DOCUMENTATION_PREFILL_SETTLED: spec("note", "version", "section", "how"),
    EventKind.DOCUMENTATION_CODES_CHOSEN: spec("note", "version", "codes"),
}


class UndeclaredEventError(ValueError):
    """A timeline event of a kind, or with a field, that `EVENTS` does not declare."""


def spec_of(kind: str) -> EventSpec:
    try:
        return EVENTS[EventKind(kind)]
    except ValueError as error:
        raise UndeclaredEventError(f"Undeclared timeline event kind {kind!r}.") from error


def check_payload(kind: str, payload: dict[str, object]) -> EventSpec:
    declared = spec_of(kind)
    extra = set(payload) - declared.payload
    if extra:
        raise UndeclaredEventError(f"{kind} does not declare payload fields {sorted(extra)}.")
    return declared
