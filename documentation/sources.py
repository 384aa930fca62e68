"""Reading what the other phases recorded on a case, to prefill the note (DESIGN.md lets
`documentation` read them; it never writes their rows). A fixed handful of queries per case.

The referral part is a settings-named function (`HARBOR_CASE_REFERRALS_PROVIDER`), like the
hotlines: the referrals app answers it (`referrals.providers.case_referrals`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils import formats
from django.utils.module_loading import import_string

from cases.models import Case, User
from cases.providers import CaseReferral
from documentation.rules import (
    CapacityFinding,
    CaseRecord,
    DisclosureMade,
    Quote,
    ReportingSummary,
)
from safety.models import (
    CapacityAssessment,
    ChecklistItem,
    ChecklistTemplate,
    Disclosure,
    ReportingDecisionRecord,
)
from screening import content as screening_content
from screening.models import Answer, ObservedIndicator, Screening

# The shape the referrals app answers with, defined in `cases` so neither app imports the other.
ReferralLine = CaseReferral


def referrals_for(case: Case, *, contacts: bool = True) -> list[ReferralLine]:
    """The case's referral lines from the provider settings name. Without `contacts` (the
    note reads names and statuses only) the provider may leave phone and hours empty, and
    skip reading them."""
    path = settings.HARBOR_CASE_REFERRALS_PROVIDER
    if not path:
        return []
    return list(import_string(path)(case=case, contacts=contacts))


def _day(value: date | datetime | None) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


@dataclass(frozen=True)
class _Item:
    """What the note reads of one checklist item."""

    checklist: str
    slug: str
    status: str
    consent_recorded_at: datetime | None
    template: ChecklistTemplate


def _checklist_items(case: Case) -> list[_Item]:
    """The case's checklist items as plain values (a case has thirty-odd, and three model
    instances each cost more than the query), each with its checklist's template version.

    The template versions are their identity only: an item's text comes from the template's
    rule, built once per version (`cached_rule`), which reads the items' document only when
    that version is not cached yet.
    """
    rows = ChecklistItem.objects.filter(checklist__case=case).values_list(
        "checklist__slug",
        "slug",
        "status",
        "consent_recorded_at",
        "checklist__template_id",
        "checklist__template__created_at",
    )
    templates: dict[int, ChecklistTemplate] = {}
    items = []
    for checklist, slug, status, consented_at, template_id, created_at in rows:
        template = templates.get(template_id)
        if template is None:
            template = templates[template_id] = ChecklistTemplate.from_db(
                rows.db, ["id", "created_at"], [template_id, created_at]
            )
        items.append(_Item(checklist, slug, status, consented_at, template))
    return items


def _item_texts(items: list[_Item], slug: str, status: str) -> tuple[str, ...]:
    texts = []
    for item in items:
        if item.checklist != slug or item.status != status:
            continue
        content = item.template.item(item.slug)
        texts.append(content.text if content else item.slug)
    return tuple(texts)


def _capacity(
    db: str, decision: str, outcome: str, at: datetime, username: str, first: str, last: str
) -> CapacityFinding:
    """The latest capacity assessment, as the note words it: the outcome's label and the
    assessor's name as the models give them (each model holding only the columns read)."""
    assessment = CapacityAssessment.from_db(db, ["outcome"], [outcome])
    assessor = User.from_db(db, ["username", "first_name", "last_name"], [username, first, last])
    return CapacityFinding(
        decision=decision,
        outcome=assessment.get_outcome_display(),
        assessed_on=_day(at),
        by=assessor.display_name,
    )


def _reporting(db: str, result: dict[str, Any], at: datetime) -> ReportingSummary:
    """The latest reporting decision: who must be told, who only with consent."""
    record = ReportingDecisionRecord.from_db(db, ["result"], [result])
    return ReportingSummary(
        required=tuple(record.required_recipients()),
        needs_consent=tuple(r["recipient"] for r in result.get("needs_consent", [])),
        recorded_on=_day(at),
    )


def case_record(case: Case) -> CaseRecord:
    """Everything the note can be prefilled from, read once."""
    # Only the columns the note reads, as values: the rows are many and short, so building
    # model instances (with deferred fields, and their related rows) was most of this
    # function's time, even for the single rows.
    screening = (
        Screening.objects.filter(case=case)
        .values_list("pk", "status", "not_screened_reason", "interpreter", "patient_alone")
        .first()
    )
    signs: tuple[str, ...] = ()
    quotes: list[Quote] = []
    summaries: list[Quote] = []
    not_screened = ""
    interpreter = ""
    alone = False
    if screening is not None:
        screening_id, status, not_screened_reason, interpreter_used, alone = screening
        gate = screening_content.gate()
        if status == Screening.Status.NOT_SCREENED:
            not_screened = screening_content.label_of(
                gate["not_screened_reasons"], not_screened_reason
            )
        if interpreter_used and interpreter_used != "not-needed":
            interpreter = screening_content.label_of(
                gate["interpreter"]["options"], interpreter_used
            )
        observed = ObservedIndicator.objects.filter(
            screening_id=screening_id, observed=True
        ).values_list("indicator__text", "note")
        signs = tuple(f"{text}: {note}" if note.strip() else text for text, note in observed)
        answers = (
            Answer.objects.filter(screening_id=screening_id, status=Answer.Status.ANSWERED)
            .exclude(note="")
            .values_list("question__text", "note", "verbatim")
        )
        for question, note, verbatim in answers:
            entry = Quote(question=question, words=note.strip())
            (quotes if verbatim else summaries).append(entry)

    items = _checklist_items(case)
    forensic = next(
        (i for i in items if i.checklist == "immediate-care" and i.slug == "forensic-evidence"),
        None,
    )
    capacities = CapacityAssessment.objects.filter(case=case)
    capacity = capacities.values_list(
        "decision",
        "outcome",
        "assessed_at",
        "assessed_by__username",
        "assessed_by__first_name",
        "assessed_by__last_name",
    ).first()
    decisions = ReportingDecisionRecord.objects.filter(case=case)
    decision = decisions.values_list("result", "recorded_at").first()
    disclosures = Disclosure.objects.filter(case=case).values_list(
        "recipient", "made_at", "patient_informed"
    )
    return CaseRecord(
        screened_alone=bool(alone),
        interpreter=interpreter,
        not_screened_reason=not_screened,
        signs=signs,
        quotes=tuple(quotes),
        summaries=tuple(summaries),
        care_done=_item_texts(items, "immediate-care", ChecklistItem.Status.DONE),
        care_open=_item_texts(items, "immediate-care", ChecklistItem.Status.OPEN),
        transfer_done=_item_texts(items, "transfer-handoff", ChecklistItem.Status.DONE),
        declined_help_done=_item_texts(items, "help-refused", ChecklistItem.Status.DONE),
        forensic_consent_recorded=bool(
            forensic and forensic.consent_recorded_at and forensic.status == "done"
        ),
        capacity=_capacity(capacities.db, *capacity) if capacity else None,
        reporting=_reporting(decisions.db, *decision) if decision else None,
        disclosures=tuple(
            DisclosureMade(recipient, _day(made_at), informed)
            for recipient, made_at, informed in disclosures
        ),
        referrals=tuple(
            f"{line.name}: {line.status}" if line.status else line.name
            for line in referrals_for(case, contacts=False)
        ),
        next_follow_up=_day(case.next_follow_up),
        contact_summary=case.contact_summary(),
    )
