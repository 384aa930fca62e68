"""The Notes tab: the encounter note (draft, autosave, offers from a changed case, injuries,
codes, finalise, addenda) and its EHR text. The printable documents are `print_views`; the
administrators' editors, `editor_views`."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from cases import audit
from cases.content import StaleVersion
from cases.http import HtmxHttpRequest
from cases.models import AuditEntry, Case
from cases.shell import get_case_for, render_case_tab
from documentation import actions, documents, icd10, language
from documentation.forms import AddendumForm, CodingForm, InjuryForm, NoteForm, note_initial
from documentation.models import EncounterNote
from documentation.rules import (
    AddendumText,
    NoteText,
    body_sites,
    changed_sources,
    describe_injury,
    ehr_text,
    prefill_for,
)
from documentation.sources import case_record

TEMPLATE = "documentation/case_notes.html"


def note_of(case: Case, *, content: bool = True) -> EncounterNote | None:
    """The case's encounter note; with `content`, the identity of its template version and of
    the word list read in the same query (what the tab, a save and finalising go on to read)."""
    notes = (
        EncounterNote.objects.filter(case=case, template_slug="encounter")
        # Only a final note names a person (who finalised it); a conflict names whoever saved,
        # read from the locked row.
        .select_related("finalised_by")
    )
    note = (actions.with_content_versions(notes) if content else notes).first()
    if note is not None:
        note.case = case  # the case just read for this user, not read again by a save's audit
        actions.keep_content_versions(note)
    return note


def _note_or_404(case: Case, *, content: bool = True) -> EncounterNote:
    note = note_of(case, content=content)
    if note is None:
        raise Http404(_("No note yet."))
    return note


def _version(request: HtmxHttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _findings(case: Case, note: EncounterNote, sections: dict[str, str]) -> list[dict[str, Any]]:
    """Wording findings per section, labelled for the page."""
    template = actions.template_of(note)
    found = language.check_sections(
        sections,
        patient_is_minor=actions.patient_is_minor(case),
        **actions.wording_languages(note),
        verbatim=template.verbatim_sections,
    )
    return [
        {"section": template.section(slug), "findings": findings}
        for slug, findings in found.items()
    ]


@lru_cache(maxsize=256)
def _diagram(language: str, chosen: str) -> str:
    """The body diagram's markup, written once per language and chosen site: it is the same
    fifty-odd regions on every draft, and rendering them through the template engine was a
    good part of the tab's time."""
    views: dict[str, list[Any]] = {"front": [], "back": []}
    for site in body_sites(language):
        views[site.view].append(site)
    return render_to_string("documentation/_body_diagram.html", {"sites": views, "chosen": chosen})


def _body_diagram(injury_form: InjuryForm) -> str:
    chosen = str(injury_form["site"].value() or "")
    known = {site.slug for site in body_sites()}
    return _diagram(get_language() or "en", chosen if chosen in known else "")


def _context(
    request: HtmxHttpRequest,
    case: Case,
    note: EncounterNote | None,
    *,
    form: NoteForm | None = None,
    injury_form: InjuryForm | None = None,
    kept: dict[str, Any] | None = None,
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "note": note,
        "kept": kept or {},
        "documents": documents.print_choices(case),
        "now": timezone.localtime(),
    }
    if note is None:
        return context
    template = actions.template_of(note)
    context["template"] = template
    if note.is_final:
        context["addenda"] = list(note.addenda.select_related("created_by"))
        context["addendum_form"] = (kept or {}).get("addendum_form") or AddendumForm()
        context["addendum_wording"] = (kept or {}).get("addendum_wording", [])
        context["sections"] = [(s, note.sections.get(s.slug, "")) for s in template.sections]
        context["consents"] = [
            (c, note.consents.get(c.slug, "not_asked")) for c in template.consents
        ]
    else:
        current = prefill_for(template, case_record(case))
        context["offers"] = [
            {"section": template.section(slug), "text": text, "mine": note.sections.get(slug, "")}
            for slug, text in changed_sources(note.prefill_basis, current).items()
        ]
        context["form"] = form or NoteForm(template, initial=note_initial(note))
        site = request.GET.get("site", "")
        context["injury_form"] = injury_form or InjuryForm(
            initial={"version": note.version, "site": site}
        )
        context["diagram"] = _body_diagram(context["injury_form"])
        context["coding_form"] = CodingForm(initial=CodingForm.START)
        sections = note.sections
        if form is not None and form.is_valid():
            sections = {**note.sections, **form.sections()}
        context["wording"] = _findings(case, note, sections)
    context["injuries"] = _injury_lines(note)
    return context


def _injury_lines(note: EncounterNote) -> list[dict[str, Any]]:
    return [{"id": injury["id"], "text": describe_injury(injury)} for injury in note.injuries]


@require_GET
def case_notes(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    return render_case_tab(
        request, case, TEMPLATE, _context(request, case, note_of(case)), tab="notes"
    )


def _tab(case: Case, anchor: str = "") -> str:
    url = reverse("documentation:case-notes", kwargs={"case_ref": case.ref})
    return f"{url}#{anchor}" if anchor else url


def show_again(
    request: HtmxHttpRequest, case: Case, note: EncounterNote | None, status: int, **kept: Any
) -> HttpResponse:
    """The tab again, with what the user typed kept, and the status that says why."""
    context = _context(
        request,
        case,
        note,
        form=kept.pop("form", None),
        injury_form=kept.pop("injury_form", None),
        kept=kept,
    )
    response = render_case_tab(request, case, TEMPLATE, context, tab="notes")
    response.status_code = status
    return response


def _conflict_audit(request: HtmxHttpRequest, case: Case, note: EncounterNote, what: str) -> None:
    audit.record(
        AuditEntry.Action.CASE_CONFLICT, user=request.user, case=case, note=note.pk, part=what
    )


def _saved_trigger(response: HttpResponse, note: EncounterNote) -> HttpResponse:
    # Every form on the page carries the note's version; this tells them the new one.
    response["HX-Trigger"] = json.dumps({"note-saved": {"version": note.version}})
    return response


@require_POST
def start_note(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    template = actions.current_template().rule()
    actions.start_note(case, prefill=prefill_for(template, case_record(case)), by=request.user)
    return redirect(_tab(case, "note"))


@require_POST
def save_note(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    """Autosave (HTMX: only the status comes back, the text boxes are never swapped) and the
    no-JavaScript "Save draft" button (the page again)."""
    case = get_case_for(request, case_ref)
    note = _note_or_404(case)
    if note.is_final:
        return show_again(
            request, case, note, 409, problem=_("This note is final: add an addendum.")
        )
    form = NoteForm(actions.template_of(note), request.POST)
    kept: dict[str, Any] = {}
    status = 200
    if not form.is_valid():
        kept["problem"] = _("Not saved: check the highlighted fields.")
        status = 400
    else:
        try:
            note = actions.save_draft(
                note,
                sections=form.sections(),
                consents=form.consents(),
                sensitive=form.cleaned_data["sensitive"],
                sensitive_reason=form.cleaned_data["sensitive_reason"],
                base_version=form.cleaned_data["version"],
                by=request.user,
            )
            kept["saved"] = True
        except StaleVersion as stale:
            _conflict_audit(request, case, stale.current, "note")
            kept["conflict"] = stale.current
            status = 409
    if request.htmx:
        response = render(
            request,
            f"{TEMPLATE}#note-status",
            {
                "case": case,
                "note": note,
                "kept": kept,
                "now": timezone.localtime(),
                "wording": _findings(
                    case, note, {**note.sections, **(form.sections() if form.is_valid() else {})}
                ),
            },
        )
        return _saved_trigger(response, note) if kept.get("saved") else response
    if kept.get("saved"):
        messages.success(request, _("Draft saved."))
        return redirect(_tab(case, "note"))
    return show_again(request, case, note, status, form=form, **kept)


@require_POST
def add_injury(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    note = _note_or_404(case)
    form = InjuryForm(request.POST)
    if not form.is_valid():
        return _injuries_response(request, case, note, form, status=400)
    try:
        note = actions.add_injury(
            note, form.injury, base_version=form.cleaned_data["version"], by=request.user
        )
    except StaleVersion as stale:
        _conflict_audit(request, case, stale.current, "injuries")
        return _injuries_response(request, case, stale.current, form, status=409, stale=True)
    except actions.NoteLockedError:
        return show_again(
            request, case, note, 409, problem=_("This note is final: add an addendum.")
        )
    return _injuries_response(request, case, note, None, status=200, saved=True)


@require_POST
def remove_injury(request: HtmxHttpRequest, case_ref: str, injury_id: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    note = _note_or_404(case)
    try:
        note = actions.remove_injury(
            note, injury_id, base_version=_version(request), by=request.user
        )
    except KeyError:
        raise Http404(_("No such injury.")) from None
    except StaleVersion as stale:
        _conflict_audit(request, case, stale.current, "injuries")
        return _injuries_response(request, case, stale.current, None, status=409, stale=True)
    except actions.NoteLockedError:
        return show_again(
            request, case, note, 409, problem=_("This note is final: add an addendum.")
        )
    return _injuries_response(request, case, note, None, status=200, saved=True)


def _injuries_response(
    request: HtmxHttpRequest,
    case: Case,
    note: EncounterNote,
    form: InjuryForm | None,
    *,
    status: int,
    saved: bool = False,
    stale: bool = False,
) -> HttpResponse:
    kept = {"injury_stale": stale}
    if not request.htmx:
        if saved:
            return redirect(_tab(case, "injuries"))
        return show_again(request, case, note, status, injury_form=form, **kept)
    # Only what the injuries section shows: the rest of the tab (the case's records, the
    # print choices, the wording check) is not swapped, so it is not read.
    context: dict[str, Any] = {
        "case": case,
        "note": note,
        "kept": kept,
        "injuries": _injury_lines(note),
    }
    if not note.is_final:  # a note finalised meanwhile lists its injuries, without the form
        injury_form = form or InjuryForm(
            initial={"version": note.version, "site": request.GET.get("site", "")}
        )
        context["injury_form"] = injury_form
        context["diagram"] = _body_diagram(injury_form)
    response = render(request, f"{TEMPLATE}#injuries", context)
    # htmx leaves 4xx responses unswapped; the fragment says what went wrong, so send it as 200
    # and keep the real outcome for scripts and tests in a header.
    response["X-Harbor-Outcome"] = str(status)
    return _saved_trigger(response, note) if saved else response


@require_POST
def settle_offer(request: HtmxHttpRequest, case_ref: str, section: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    note = _note_or_404(case)
    how = request.POST.get("how", "")
    current = prefill_for(actions.template_of(note), case_record(case))
    if section not in current or how not in {"replace", "append", "keep"}:
        return show_again(
            request, case, note, 400, problem=_("Choose what to do with the new text.")
        )
    if request.POST.get("offer", "") != current[section]:
        return show_again(
            request, case, note, 409, problem=_("The case changed again: look at the new text.")
        )
    try:
        actions.settle_offer(
            note,
            section,
            offer=current[section],
            how=how,
            base_version=_version(request),
            by=request.user,
        )
    except StaleVersion as stale:
        _conflict_audit(request, case, stale.current, "offer")
        return show_again(
            request, case, stale.current, 409, problem=_("The note changed meanwhile.")
        )
    except actions.NoteLockedError:
        return show_again(
            request, case, note, 409, problem=_("This note is final: add an addendum.")
        )
    return redirect(_tab(case, "note"))


@require_GET
def suggest_codes(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    """The ICD-10-CM suggestions for the facts chosen (nothing is saved)."""
    case = get_case_for(request, case_ref)
    # The codes read only the note's version and codes; without HTMX, the tab's reads follow.
    note = _note_or_404(case, content=not request.htmx)
    form = CodingForm(request.GET)
    advice = icd10.suggest_codes(form.facts(case.age_years)) if form.is_valid() else None
    context = {"case": case, "note": note, "coding_form": form, "advice": advice}
    audit.record_case_view(case, user=request.user, part="notes-codes")
    if request.htmx:
        return render(request, f"{TEMPLATE}#codes", context, status=200 if advice else 400)
    full = _context(request, case, note)
    full.update(context)
    response = render_case_tab(request, case, TEMPLATE, full, tab="notes")
    response.status_code = 200 if advice else 400
    return response


@require_POST
def choose_codes(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    note = _note_or_404(case)
    codes = [code for code in request.POST.getlist("code") if icd10.is_known_code(code)]
    try:
        actions.choose_codes(note, codes, base_version=_version(request), by=request.user)
    except StaleVersion as stale:
        _conflict_audit(request, case, stale.current, "codes")
        return show_again(
            request, case, stale.current, 409, problem=_("The note changed meanwhile.")
        )
    except actions.NoteLockedError:
        return show_again(
            request, case, note, 409, problem=_("This note is final: add an addendum.")
        )
    return redirect(_tab(case, "codes"))


@require_POST
def finalise_note(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    note = _note_or_404(case)
    try:
        actions.finalise_note(
            note,
            wording_reviewed=request.POST.get("wording_reviewed") == "on",
            base_version=_version(request),
            by=request.user,
        )
    except actions.NotReadyError as not_ready:
        if request.htmx:
            # Swapped in place (htmx leaves a 4xx unswapped): the draft being typed stays.
            response = render(
                request,
                f"{TEMPLATE}#finalise",
                {"case": case, "note": note, "kept": {"finalise_problems": not_ready.problems}},
            )
            response["X-Harbor-Outcome"] = "400"
            return response
        return show_again(request, case, note, 400, finalise_problems=not_ready.problems)
    except StaleVersion as stale:
        _conflict_audit(request, case, stale.current, "finalise")
        return show_again(
            request, case, stale.current, 409, problem=_("The note changed meanwhile: check it.")
        )
    except actions.NoteLockedError:
        return show_again(request, case, note, 409, problem=_("This note is already final."))
    messages.success(request, _("Note finalised. Later changes are addenda."))
    if request.htmx:
        # A reload, not a redirect: the page is already this tab, perhaps with #note in its
        # address, and a redirect differing only by that fragment would not reload it.
        return HttpResponseClientRefresh()
    return redirect(_tab(case, "note"))


@require_POST
def add_addendum(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    note = _note_or_404(case)
    form = AddendumForm(request.POST)
    if not note.is_final:
        return show_again(request, case, note, 409, problem=_("Edit the draft instead."))
    if not form.is_valid():
        return show_again(request, case, note, 400, addendum_form=form)
    wording = _addendum_wording(case, form.cleaned_data["text"])
    if wording and request.POST.get("wording_reviewed") != "on":
        return show_again(request, case, note, 400, addendum_form=form, addendum_wording=wording)
    actions.add_addendum(note, text=form.cleaned_data["text"], by=request.user)
    messages.success(request, _("Addendum added."))
    return redirect(_tab(case, "addenda"))


def _addendum_wording(case: Case, text: str) -> list[dict[str, Any]]:
    findings = language.check_language(
        text, patient_is_minor=actions.patient_is_minor(case), **actions.wording_languages()
    )
    return [{"section": {"label": _("Addendum")}, "findings": findings}] if findings else []


@require_POST
def check_addendum(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    """The wording check on an addendum as it is typed (nothing is saved)."""
    case = get_case_for(request, case_ref)
    _note_or_404(case)
    wording = _addendum_wording(case, request.POST.get("text", "")[:10_000])
    return render(
        request, f"{TEMPLATE}#addendum-wording", {"case": case, "addendum_wording": wording}
    )


def note_text(note: EncounterNote) -> str:
    # A note ticked sensitive carries the mark even before its reason is written: an unmarked
    # paste is the one mistake that cannot be taken back.
    label = icd10.sensitivity_label(
        sensitive=note.sensitive,
        reason=note.sensitive_reason.strip() or _("not recorded yet"),
    )
    if note.is_final and note.finalised_by:
        status = _("final, %(by)s, %(at)s") % {
            "by": note.finalised_by.display_name,
            "at": timezone.localtime(note.finalised_at).strftime("%Y-%m-%d %H:%M"),
        }
    else:
        status = _("DRAFT, not final")
    return ehr_text(
        NoteText(
            template=actions.template_of(note),
            sections=note.sections,
            consents=note.consents,
            injuries=note.injuries,
            codes=note.codes,
            sensitive_codes=label.codes if label else (),
            sensitive_reason=label.reason if label else "",
            status_line=status,
            addenda=[
                AddendumText(
                    by=a.created_by.display_name,
                    at=timezone.localtime(a.created_at).strftime("%Y-%m-%d %H:%M"),
                    text=a.text,
                )
                for a in note.addenda.select_related("created_by")
            ],
        )
    )


@require_GET
def ehr_export(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    note = _note_or_404(case)
    audit.record(
        AuditEntry.Action.EXPORT,
        user=request.user,
        case=case,
        format="ehr-text",
        note=note.pk,
        sensitive=note.sensitive,
    )
    context = {
        "text": note_text(note),
        "note": note,
        "reason_missing": note.sensitive and not note.sensitive_reason.strip(),
    }
    return render_case_tab(request, case, "documentation/ehr_text.html", context, tab="notes")
