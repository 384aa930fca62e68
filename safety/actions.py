"""Safety writes: each is one transaction that also writes the case timeline and audit entries.

Case-level summaries (`Case.report_outstanding`, the escalation) change in the same transaction
as the rows that justify them, so the supervisor's queues never disagree with the case.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, fields, replace
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.actions import bump_version, escalate_case, record_event
from cases.content import StaleVersion
from cases.events import EventKind
from cases.models import Case, CaseEvent, User
from safety.capacity import Ability, AbilityFinding, CapacityOutcome, assess_capacity
from safety.facts import AgeBasis, ExploitationKind, InjuryCause, ReportingFacts, Tri
from safety.models import (
    CapacityAssessment,
    CaseChecklist,
    ChecklistItem,
    ChecklistTemplate,
    Disclosure,
    Jurisdiction,
    ReportingDecisionRecord,
    rules_in_force,
)
from safety.rule_table import InjuryKind, JurisdictionRules
from safety.rules import ReportingDecision, reporting_requirements

THREAT_REASON = "Threatening behaviour reported"


class ItemRefused(ValueError):
    """The change breaks a checklist rule (a reason, a consent); the message says which."""


class ItemNotOnChecklist(ItemRefused):
    """The item is not on the version of the checklist the case uses (or would start on)."""


def _lock(case: Case) -> Case:
    # Serialises the writes of one case that read before they write (checklist start, the
    # outstanding-report summary), whatever the database's isolation level.
    return Case.objects.select_for_update().get(pk=case.pk)


# --- Checklists ---------------------------------------------------------------------------------


@transaction.atomic
def set_checklist_item(
    case: Case,
    checklist_slug: str,
    item_slug: str,
    *,
    status: str,
    reason: str = "",
    consent: bool = False,
    base_version: int,
    by: User,
) -> ChecklistItem:
    """Mark one item done, not applicable (with a reason) or open again.

    The first change on a checklist pins the case to the template's newest version. Raises
    ItemNotOnChecklist if the case's version has no such item, ItemRefused if a reason or the
    patient's consent is missing, and then StaleVersion if the item changed since the user saw
    it at `base_version`; in each case nothing is saved.
    """
    # A started checklist stays on its version for good, so the item's own row lock is enough
    # to serialise its changes: the item, its checklist and template come in one locked read.
    # Only starting a checklist (reading before writing the pin) takes the case's lock.
    item = (
        ChecklistItem.objects.select_for_update(of=("self",))
        .select_related("checklist__template", "changed_by", "consent_recorded_by")
        # The version's items come from its cached rule; its history is not needed here.
        .defer(*(f"checklist__template__{name}" for name in UNREAD_TEMPLATE_FIELDS))
        .filter(checklist__case=case, checklist__slug=checklist_slug, slug=item_slug)
        .first()
    )
    if item is None:
        _lock(case)
        started = _start_checklist(case, checklist_slug, by=by)
        item = (
            ChecklistItem.objects.select_for_update()
            .filter(checklist=started, slug=item_slug)
            .first()
        )
        if item is not None:
            item.checklist = started
    checklist = item.checklist if item is not None else None
    template_item = checklist.template.item(item_slug) if checklist is not None else None
    if item is None or checklist is None or template_item is None:
        raise ItemNotOnChecklist(
            _("This item is not on the version of the checklist this case uses.")
        )
    # The rules first, then the version: a change that breaks a rule is refused for what it
    # lacks, whoever saved the item since.
    reason = reason.strip()
    needs_consent = status == ChecklistItem.Status.DONE and template_item.requires_consent
    if status == ChecklistItem.Status.NOT_APPLICABLE and not reason:
        raise ItemRefused(_("Say why this item does not apply."))
    if needs_consent and not consent:
        raise ItemRefused(_("Record the patient's consent before marking this item done."))
    if status not in ChecklistItem.Status.values:
        raise ItemRefused(_("Choose done, not applicable or open."))
    if item.version != base_version:
        raise StaleVersion(item)

    now = timezone.now()
    if needs_consent:
        item.consent_recorded_at, item.consent_recorded_by = now, by
    item.status = status
    item.reason = reason if status == ChecklistItem.Status.NOT_APPLICABLE else ""
    item.changed_at, item.changed_by = now, by
    item.version += 1
    item.save()

    verb = {
        ChecklistItem.Status.DONE: "done",
        ChecklistItem.Status.NOT_APPLICABLE: "not applicable",
        ChecklistItem.Status.OPEN: "reopened",
    }[ChecklistItem.Status(status)]
    record_event(
        case,
        ITEM_EVENTS[ChecklistItem.Status(status)],
        by=by,
        summary=_clip(f"{checklist.template.title}: “{template_item.text}” {verb}"),
        payload={
            "checklist": checklist_slug,
            "template_version": checklist.template.version,
            "item": item_slug,
            "status": status,
            "consent_recorded": bool(consent and template_item.requires_consent),
        },
    )
    return item


# What a tick never reads of its checklist's version: the items (`rule()` holds them, read once
# per process), the row-level history and the editor's note and source.
UNREAD_TEMPLATE_FIELDS = ("items", "changes", "note", "source")


def _start_checklist(case: Case, slug: str, *, by: User) -> CaseChecklist:
    checklist = CaseChecklist.objects.select_related("template").filter(case=case, slug=slug)
    found = checklist.first()
    if found:
        return found
    template = ChecklistTemplate.objects.newest(slug)
    if template is None:
        raise ChecklistTemplate.DoesNotExist(f"No checklist {slug!r}: run load_content.")
    started = CaseChecklist.objects.create(case=case, slug=slug, template=template, started_by=by)
    ChecklistItem.objects.bulk_create(
        ChecklistItem(checklist=started, slug=item["slug"]) for item in template.items
    )
    return started


ITEM_EVENTS = {
    ChecklistItem.Status.DONE: EventKind.SAFETY_ITEM_DONE,
    ChecklistItem.Status.NOT_APPLICABLE: EventKind.SAFETY_ITEM_NOT_APPLICABLE,
    ChecklistItem.Status.OPEN: EventKind.SAFETY_ITEM_REOPENED,
}


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- Threatening behaviour ----------------------------------------------------------------------


@transaction.atomic
def report_threat(case: Case, *, by: User) -> Case:
    """Record that someone with the patient became threatening, and put the case before a
    supervisor. A second click while the case is already escalated for this reason records
    the event again but does not move the case in the supervisors' queue."""
    fresh = _lock(case)
    record_event(
        case,
        EventKind.SAFETY_THREAT_REPORTED,
        by=by,
        summary="Threatening behaviour reported; security and emergency numbers shown",
        # What an undo must put back: whether the case was already before a supervisor.
        payload={"was_escalated": fresh.is_escalated},
    )
    if fresh.is_escalated and fresh.escalation_reason.startswith(THREAT_REASON):
        return fresh
    # escalate_case keeps an earlier reason the supervisor may not have read yet.
    return escalate_case(case, reason=THREAT_REASON, to=None, by=by)


# A mistaken press of "Threatening behaviour" can be taken back for this long (seconds).
THREAT_UNDO_SECONDS = 20


class UndoRefused(ValueError):
    """Too late, already undone, or someone else's report: nothing was changed."""


def undoable_threat(case: Case, *, by: User, now: datetime | None = None) -> CaseEvent | None:
    """The threat report this user made on this case moments ago and may still take back."""
    now = now or timezone.now()
    latest = case.events.filter(
        kind__in=(EventKind.SAFETY_THREAT_REPORTED, EventKind.SAFETY_THREAT_WITHDRAWN)
    )
    event = latest.order_by("-at", "-pk").first()
    if event is None or event.kind != EventKind.SAFETY_THREAT_REPORTED or event.by_id != by.pk:
        return None
    if (now - event.at).total_seconds() > THREAT_UNDO_SECONDS:
        return None
    return event


@transaction.atomic
def withdraw_threat(case: Case, event_id: int, *, by: User, now: datetime | None = None) -> Case:
    """Take back a threat report pressed by mistake, within THREAT_UNDO_SECONDS.

    The report stays on the timeline, followed by its withdrawal; what the report alone did is
    put back: the escalation it opened (or the reason it rewrote) and the "call security" tick.
    """
    fresh = _lock(case)
    event = undoable_threat(fresh, by=by, now=now)
    if event is None or event.pk != event_id:
        raise UndoRefused(_("This report can no longer be undone. Close the escalation instead."))
    reason = fresh.escalation_reason
    if fresh.is_escalated and reason.startswith(THREAT_REASON):
        if not event.payload.get("was_escalated"):
            Case.objects.filter(pk=case.pk).update(
                escalated_at=None, escalated_to=None, escalation_reason=""
            )
        elif reason.startswith(f"{THREAT_REASON}. Earlier reason: "):
            Case.objects.filter(pk=case.pk).update(
                escalation_reason=reason.removeprefix(f"{THREAT_REASON}. Earlier reason: ")
            )
    ticked = ChecklistItem.objects.filter(
        checklist__case=case,
        checklist__slug="safety-protocol",
        slug="call-security-on-threats",
        status=ChecklistItem.Status.DONE,
        changed_by=by,
        changed_at__gte=event.at,
    ).first()
    if ticked is not None:
        ticked.status, ticked.changed_at, ticked.changed_by = ChecklistItem.Status.OPEN, None, None
        ticked.version += 1
        ticked.save()
    bump_version(case)
    record_event(
        case,
        EventKind.SAFETY_THREAT_WITHDRAWN,
        by=by,
        summary="Threatening behaviour report withdrawn: pressed by mistake",
        payload={"withdrawn_event": event.pk, "item_reopened": ticked is not None},
    )
    case.refresh_from_db()
    return case


# --- Capacity -----------------------------------------------------------------------------------


@transaction.atomic
def record_capacity_assessment(
    case: Case, *, decision: str, findings: dict[str, tuple[str, str]], by: User
) -> CapacityAssessment:
    """Store the four findings with their evidence and the outcome `assess_capacity` gives."""
    result = assess_capacity({Ability(a): AbilityFinding(f) for a, (f, _) in findings.items()})
    fields: dict[str, Any] = {}
    for ability in CapacityAssessment.ABILITIES:
        finding, evidence = findings.get(ability, (AbilityFinding.NOT_ASSESSED.value, ""))
        fields[ability] = finding
        fields[f"{ability}_evidence"] = evidence.strip()
    assessment = CapacityAssessment.objects.create(
        case=case,
        decision=decision.strip(),
        outcome=result.outcome.value,
        outcome_reasons=list(result.reasons),
        assessed_by=by,
        **fields,
    )
    record_event(
        case,
        EventKind.REPORTING_CAPACITY_ASSESSED,
        by=by,
        summary=f"Capacity assessed: {assessment.get_outcome_display().lower()}",
        payload={"assessment": assessment.pk, "outcome": result.outcome.value},
    )
    return assessment


# --- Reporting ----------------------------------------------------------------------------------


def rules_for(case: Case) -> tuple[list[Jurisdiction], JurisdictionRules]:
    """The versions in force for the case's jurisdiction and the rules they merge to."""
    return rules_in_force(case.jurisdiction)


def decision_document(decision: ReportingDecision) -> dict[str, Any]:
    """The decision as plain data: every report keeps its whole duty, statutes, sources and
    checked-on dates, so a recorded decision reads the same later, whatever the table becomes."""
    return asdict(decision)


def facts_document(
    facts: ReportingFacts, *, capacity_assessment: int | None, case_age_years: int | None
) -> dict[str, Any]:
    """The facts as recorded, with the capacity assessment they took capacity from and the age
    the case held then (so a later correction of the case's age can be noticed)."""
    return {
        **asdict(facts),
        "capacity_assessment": capacity_assessment,
        "case_age_years": case_age_years,
    }


def facts_from_document(document: dict[str, Any]) -> ReportingFacts:
    """The recorded facts as the engine's input (the assessment reference left out)."""
    names = {f.name for f in fields(ReportingFacts)}
    kept = {name: value for name, value in document.items() if name in names}
    return ReportingFacts(**{name: _as_enum(name, value) for name, value in kept.items()})


def _as_enum(name: str, value: Any) -> Any:
    kind = {f.name: f.type for f in fields(ReportingFacts)}[name]
    enums = {
        "AgeBasis": AgeBasis,
        "CapacityOutcome": CapacityOutcome,
        "InjuryCause": InjuryCause,
        "ExploitationKind": ExploitationKind,
        "Tri": Tri,
    }
    if value is None:
        return None
    if "InjuryKind" in str(kind):
        return InjuryKind(value)
    enum = enums.get(str(kind))
    return enum(value) if enum else value


def outcome_of(document: dict[str, Any]) -> tuple[Any, ...]:
    """What a decision tells the clinician to do, to compare a recorded one with today's."""

    # .get: a decision recorded before a group existed reads as not having it.
    def recipients(decision: dict[str, Any], group: str) -> tuple[str, ...]:
        return tuple(sorted(recipient_key(r["recipient"]) for r in decision.get(group, [])))

    parts: list[Any] = []
    for decision in (document, document.get("if_minor"), document.get("if_adult")):
        if decision is None:
            parts.append(None)
            continue
        groups = ("required", "permitted", "needs_consent", "declined")
        parts.append((decision.get("settled"), *(recipients(decision, g) for g in groups)))
    return tuple(parts)


def current_facts(
    case: Case, recorded: dict[str, Any], *, capacity: CapacityOutcome | None = None
) -> ReportingFacts:
    """The recorded facts with what the case holds now: its jurisdiction, its age if it was
    changed since, and the latest capacity assessment (the one source of capacity; `capacity`:
    its outcome, when the caller has just read it)."""
    facts = facts_from_document(recorded)
    if capacity is None:
        latest = case.capacity_assessments.first()
        capacity = CapacityOutcome(latest.outcome) if latest else CapacityOutcome.UNKNOWN
    facts = replace(facts, jurisdiction=case.jurisdiction, capacity=capacity)
    # Only a change made to the case after the decision counts: the facts form may have been
    # given a better age than the case held at the time.
    if case.age_years is not None and case.age_years != recorded.get("case_age_years"):
        facts = replace(facts, age=case.age_years, age_basis=AgeBasis.CONFIRMED)
    return facts


def is_out_of_date(
    case: Case,
    record: ReportingDecisionRecord,
    *,
    rules: JurisdictionRules | None = None,
    capacity: CapacityOutcome | None = None,
) -> bool:
    """True when the case's facts now (a later capacity assessment, a changed jurisdiction, a
    newer rule table) lead to a different outcome than the recorded decision. `rules` and
    `capacity` (the latest assessment's outcome): as the caller has just read them."""
    if rules is None:
        _table, rules = rules_for(case)
    now = reporting_requirements(current_facts(case, record.facts, capacity=capacity), rules)
    return outcome_of(decision_document(now)) != outcome_of(record.result)


@transaction.atomic
def record_reporting_decision(
    case: Case, facts: ReportingFacts, *, base_rules_version: str | None = None, by: User
) -> ReportingDecisionRecord:
    """Run the engine on the current rule table and record facts, result and table version.

    `base_rules_version` is the version the clinician reviewed; if the table changed since,
    StaleVersion is raised so they look at the new result before recording it.
    """
    fresh = _lock(case)
    layers, rules = rules_for(fresh)
    if base_rules_version is not None and base_rules_version != rules.version:
        raise StaleVersion(rules)
    decision = reporting_requirements(facts, rules)
    assessment = fresh.capacity_assessments.first()
    record = ReportingDecisionRecord.objects.create(
        case=case,
        facts=facts_document(
            facts,
            capacity_assessment=assessment.pk if assessment else None,
            case_age_years=fresh.age_years,
        ),
        result=decision_document(decision),
        recorded_by=by,
    )
    record.rules.set(layers)
    required = [report.recipient for report in decision.required]
    record_event(
        case,
        EventKind.REPORTING_DECISION_RECORDED,
        by=by,
        summary=(
            f"Reporting decision recorded: {len(required)} required, "
            f"{len(decision.permitted)} permitted, {len(decision.unknowns)} still unknown"
        ),
        payload={
            "decision": record.pk,
            # The versions used, as codes the audit log may keep ("CA-ON|2").
            "rules_version": [f"{layer.slug}|{layer.version}" for layer in layers],
            "required": required,
        },
    )
    _refresh_report_outstanding(case)
    return record


@transaction.atomic
def log_disclosure(
    case: Case,
    *,
    recipient: str,
    made_at: datetime,
    legal_basis: str,
    patient_informed: bool,
    not_informed_reason: str = "",
    reference_number: str = "",
    rule_id: str = "",
    by: User,
) -> Disclosure:
    """Log a report actually made; a required one stops being outstanding."""
    _lock(case)
    if not patient_informed and not not_informed_reason.strip():
        raise ValueError(_("Say why the patient was not informed."))
    decision = ReportingDecisionRecord.objects.filter(case=case).first()
    disclosure = Disclosure.objects.create(
        case=case,
        decision=decision,
        recipient=recipient.strip(),
        rule_id=rule_id,
        made_at=made_at,
        reference_number=reference_number.strip(),
        legal_basis=legal_basis.strip(),
        patient_informed=patient_informed,
        not_informed_reason="" if patient_informed else not_informed_reason.strip(),
        logged_by=by,
    )
    was_required = decision is not None and recipient_key(recipient) in map(
        recipient_key, decision.required_recipients()
    )
    record_event(
        case,
        (
            EventKind.REPORTING_REQUIRED_REPORT_LOGGED
            if was_required
            else EventKind.REPORTING_DISCLOSURE_LOGGED
        ),
        by=by,
        summary=_clip(f"Report to {disclosure.recipient} logged"),
        payload={
            "disclosure": disclosure.pk,
            "required": was_required,
            "patient_informed": patient_informed,
        },
    )
    _refresh_report_outstanding(case)
    return disclosure


def recipient_key(recipient: str) -> str:
    """Recipients match case- and space-insensitively, so a typed one matches the decision's."""
    return " ".join(recipient.casefold().split())


def _refresh_report_outstanding(case: Case) -> None:
    """True while the latest decision has a required report with no matching log entry."""
    latest = ReportingDecisionRecord.objects.filter(case=case).first()
    required = {recipient_key(r) for r in latest.required_recipients()} if latest else set()
    logged = {
        recipient_key(r)
        for r in Disclosure.objects.filter(case=case).values_list("recipient", flat=True)
    }
    outstanding = bool(required - logged)
    Case.objects.filter(pk=case.pk).update(report_outstanding=outstanding)
    case.report_outstanding = outstanding


def outstanding_recipients(
    case: Case, record: ReportingDecisionRecord | None, *, logged: Iterable[str] | None = None
) -> set[str]:
    """The required recipients of `record` not yet in the disclosure log (normalised keys).
    `logged`: the log's recipients, when the caller has just read the log."""
    if record is None:
        return set()
    if logged is None:
        logged = case.disclosures.values_list("recipient", flat=True)
    keys = {recipient_key(r) for r in logged}
    return {recipient_key(r) for r in record.required_recipients()} - keys


# --- Steps that tick checklist items ------------------------------------------------------------

# What another step records that also settles a checklist item, so nobody ticks it twice: the
# screening gate means the patient was seen alone after a discreet separation; reporting a
# threat means security was called. (event kind → (checklist, item) pairs)
TICKED_BY_EVENT: dict[str, tuple[tuple[str, str], ...]] = {
    EventKind.SCREENING_GATE_MET: (
        ("safe-environment", "patient-alone"),
        ("safe-environment", "creative-separation"),
    ),
    EventKind.SAFETY_THREAT_REPORTED: (("safety-protocol", "call-security-on-threats"),),
}


def tick_items_for_event(case: Case, kind: str, *, by: User) -> list[str]:
    """Mark done the open checklist items that the event `kind` settles; returns their slugs.

    Runs inside the transaction that recorded the event. An item already dealt with (done, or
    marked not applicable with a reason) is left as it is; a checklist that is not loaded, or
    an item missing from the version this case uses, is skipped.
    """
    ticked = []
    for checklist_slug, item_slug in TICKED_BY_EVENT.get(kind, ()):
        try:
            checklist = _start_checklist(case, checklist_slug, by=by)
            item = ChecklistItem.objects.get(checklist=checklist, slug=item_slug)
        except (ChecklistTemplate.DoesNotExist, ChecklistItem.DoesNotExist):
            continue
        if item.status != ChecklistItem.Status.OPEN:
            continue
        set_checklist_item(
            case,
            checklist_slug,
            item_slug,
            status=ChecklistItem.Status.DONE,
            base_version=item.version,
            by=by,
        )
        ticked.append(item_slug)
    return ticked
