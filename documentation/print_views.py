"""The printable documents of a case (discreet card, follow-up slip, contacts handout,
handover report): each rendered on request by `documents`, audited, never stored."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases import audit
from cases.http import HtmxHttpRequest
from cases.models import AuditEntry, Case
from cases.providers import hotlines_for
from cases.shell import get_case_for
from documentation import documents
from documentation.rules import describe_injury, prefill_sections
from documentation.sources import case_record, referrals_for
from documentation.views import note_of, show_again


def _pdf(
    request: HtmxHttpRequest, case: Case, pdf: bytes, *, kind: str, **detail: Any
) -> HttpResponse:
    audit.record(AuditEntry.Action.DOCUMENT, user=request.user, case=case, kind=kind, **detail)
    response = HttpResponse(pdf, content_type="application/pdf")
    # A neutral file name: it shows in the browser's download list and on the printer queue.
    response["Content-Disposition"] = f'inline; filename="{kind}.pdf"'
    return response


def _paper(request: HtmxHttpRequest, case: Case) -> str:
    default = documents.default_paper(case)
    paper = request.GET.get("paper", default)
    return paper if paper in documents.PAPER else default


def _print_language(request: HtmxHttpRequest, case: Case) -> tuple[str, documents.Papers]:
    """The language chosen (else the patient's, else English), and the papers' texts in force,
    read once for the whole printout."""
    texts = documents.papers()
    chosen = request.GET.get("language", "")
    if chosen in texts.languages():
        return chosen, texts
    return texts.language_for(case.preferred_language), texts


def _chosen_lines(request: HtmxHttpRequest, case: Case, lang: str) -> list[documents.CardLine]:
    hotlines = hotlines_for(jurisdiction=case.jurisdiction, language=lang)
    chosen = request.GET.getlist("line")
    if chosen:
        hotlines = [h for h in hotlines if h.service_id in chosen]
    return documents.card_lines(hotlines, lang)


@require_GET
def print_card(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    lang, texts = _print_language(request, case)
    lines = _chosen_lines(request, case, lang)
    paper = _paper(request, case)
    pdf = documents.card_pdf(
        lines=lines,
        language=lang,
        paper=paper,
        emergency_phone=case.facility.emergency_phone,
        texts=texts,
    )
    return _pdf(request, case, pdf, kind="card", language=lang, paper=paper, lines=len(lines))


def _typed(request: HtmxHttpRequest, name: str) -> str:
    return request.GET.get(name, "").strip()[:120]


@require_GET
def print_slip(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    lang, texts = _print_language(request, case)
    when = _typed(request, "when") or (
        case.next_follow_up.isoformat() if case.next_follow_up else ""
    )
    where = _typed(request, "where")
    telling = documents.telling_words_in(f"{when} {where}")
    if telling:
        return show_again(
            request,
            case,
            note_of(case),
            400,
            slip_problem=_(
                "Not printed: the slip would say “%(words)s”. Anyone who finds it could read it."
            )
            % {"words": ", ".join(telling)},
            slip_when=when,
            slip_where=where,
        )
    paper = _paper(request, case)
    pdf = documents.slip_pdf(language=lang, when=when, where=where, paper=paper, texts=texts)
    return _pdf(request, case, pdf, kind="appointment", language=lang, paper=paper)


@require_GET
def print_contacts(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    lang, texts = _print_language(request, case)
    entries = referrals_for(case)
    paper = _paper(request, case)
    pdf = documents.contacts_pdf(
        entries=entries,
        lines=_chosen_lines(request, case, lang),
        language=lang,
        paper=paper,
        texts=texts,
    )
    return _pdf(request, case, pdf, kind="contacts", language=lang, entries=len(entries))


@require_GET
def print_handover(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    note = note_of(case, content=False)  # its sections and injuries only
    record = case_record(case)
    offered = prefill_sections(record)
    sections = note.sections if note else {}

    def text(slug: str, source: str) -> str:
        return (sections.get(slug) or offered[source]).strip()

    safety = [
        _("Do not let the patient travel alone or drive; no one else should drive them."),
        _("Do not share the patient's location with anyone who asks for them."),
    ]
    if case.is_escalated:
        safety.append(_("Escalated to a supervisor: %(why)s") % {"why": case.escalation_reason})
    context = {
        "generated_at": timezone.localtime(),
        "age_label": case.age_label,
        "language_label": case.get_preferred_language_display(),
        "situation": [
            t
            for t in (
                text("presentation", "presentation"),
                text("observations", "observations"),
                text("own_words", "own_words"),
            )
            if t
        ],
        "injuries": [describe_injury(i) for i in (note.injuries if note else [])],
        "care_done": text("care_given", "care_given"),
        "further_needs": list(record.care_open),
        "safety": safety,
        "contact_summary": case.contact_summary(),
        "reporting": text("reporting", "reporting"),
        "sensitive": bool(note and note.sensitive and note.sensitive_reason),
        "sensitive_reason": note.sensitive_reason if note else "",
        "sender": request.user.display_name,
        "unit": case.unit.name,
        "facility": case.facility.name,
        "security_phone": case.facility.security_phone,
    }
    paper = _paper(request, case)
    return _pdf(
        request, case, documents.handover_pdf(context, paper=paper), kind="handover", paper=paper
    )
