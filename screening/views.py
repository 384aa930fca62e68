from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import audit
from cases.content import (
    ContentInvalid,
    StaleVersion,
    import_version,
    require_administrator,
    save_version,
)
from cases.editing import edit_content
from cases.http import HtmxHttpRequest
from cases.jurisdictions import jurisdiction_name
from cases.models import AuditEntry, Case
from cases.params import loads_json, whole_number
from cases.providers import hotlines_for
from cases.shell import case_tabs, get_case_for, render_case_tab
from cases.translations import reviewed_languages
from screening import actions, content, fhir, rules
from screening.forms import (
    AnswerForm,
    BankEditor,
    GateForm,
    ImportForm,
    InstrumentEditor,
    InstrumentForm,
    NotScreenedForm,
    ObservationForm,
    ResumeForm,
    SignsEditor,
)
from screening.models import (
    Answer,
    IndicatorSet,
    Instrument,
    InstrumentResponse,
    ObservedIndicator,
    QuestionBank,
    Screening,
)

TEMPLATE = "screening/case_screening.html"
ADMIN_PAGE = "screening:admin-banks"


# --- The case tab -----------------------------------------------------------------------------


def latest_screening(case: Case) -> Screening | None:
    # The versions' row-level history (`changes`) is read only by the history pages.
    return (
        case.screenings.select_related("bank", "indicator_set")
        .defer("bank__changes", "indicator_set__changes")
        .first()
    )


def tab_url(case: Case, anchor: str = "") -> str:
    url = reverse("screening:case-screening", kwargs={"case_ref": case.ref})
    return f"{url}#{anchor}" if anchor else url


def answer_form(answer: Answer, data: Any = None) -> AnswerForm:
    return AnswerForm(
        data,
        prefix=f"answer-{answer.pk}",
        initial={
            "status": answer.status,
            "note": answer.note,
            "verbatim": answer.verbatim,
            "concern": answer.concern,
            "version": answer.version,
        },
    )


def observation_form(observation: ObservedIndicator, data: Any = None) -> ObservationForm:
    return ObservationForm(
        data,
        prefix=f"sign-{observation.pk}",
        initial={
            "observed": observation.observed,
            "note": observation.note,
            "version": observation.version,
        },
    )


def screening_context(
    case: Case,
    *,
    gate_form: GateForm | None = None,
    not_screened_form: NotScreenedForm | None = None,
    resume_form: ResumeForm | None = None,
    kept: dict[str, Any] | None = None,
    kept_instrument: dict[str, Any] | None = None,
    theme_slug: str = "",
) -> dict[str, Any]:
    """Everything the tab shows. `kept` re-shows one row exactly as the user submitted it;
    `theme_slug` is the slug of the one theme of questions on screen (default: the first one with a
    question still to ask).

    Each part is read only when the tab shows it: the gate and the lines to offer while no
    screening is open, the questions' forms for the theme on screen, the instruments while the
    screening is in progress.
    """
    screening = latest_screening(case)
    context: dict[str, Any] = {
        "screening": screening,
        "resume_form": resume_form or ResumeForm(),
        # The guidance beside the questions: the bank in use, else the one a new screening gets.
        "guide_bank": screening.bank
        if screening
        else QuestionBank.objects.latest_published(content.DEFAULT_BANK_SLUG),
    }
    if screening is None or not screening.is_open:
        context |= gate_context(case, gate_form=gate_form, not_screened_form=not_screened_form)
    if screening is None:
        return context
    if screening.status == Screening.Status.NOT_SCREENED:
        context["not_screened_label"] = content.label_of(
            context["gate"]["not_screened_reasons"], screening.not_screened_reason
        )
    kept = kept or {}
    observations, answers = rows = actions.summary_rows(screening)
    context["observations"] = [
        {
            "row": o,
            "form": kept["form"] if kept.get("sign") == o.pk else observation_form(o),
            "kept": kept if kept.get("sign") == o.pk else {},
        }
        for o in observations
    ]
    if screening.gate_met:
        context |= question_context(case, screening, answers, kept, theme_slug)
        if screening.status == Screening.Status.IN_PROGRESS:
            context["instruments"] = instrument_panels(case, screening, kept=kept_instrument)
    context["summary"] = actions.summary_of(screening, rows)
    context["next_steps"] = next_step_links(case, context["summary"])
    return context


def gate_context(
    case: Case,
    *,
    gate_form: GateForm | None = None,
    not_screened_form: NotScreenedForm | None = None,
) -> dict[str, Any]:
    """What the gate (and "not screened") shows: its wording, its forms, the lines to offer."""
    gate_row = content.gate_row()
    gate = content.gate_in_force(gate_row)
    return {
        "gate": gate,
        # The wording follows the case's jurisdiction, the same value every tab reads, in the
        # patient's language (`cases.languages`); the clinician sees whether it is reviewed.
        "confidentiality_item": rules.confidentiality_limits_item(gate, case.jurisdiction),
        "gate_reviewed": reviewed_languages(gate_row),
        "jurisdiction_name": jurisdiction_name(case.jurisdiction),
        "gate_form": gate_form or GateForm(gate=gate),
        "not_screened_form": not_screened_form or NotScreenedForm(gate=gate),
        # The lines to offer come from the referral directory, for the case's place and language.
        "resources": hotlines_for(jurisdiction=case.jurisdiction, language=case.preferred_language),
    }


def question_context(
    case: Case,
    screening: Screening,
    answers: list[Answer],
    kept: dict[str, Any],
    theme_slug: str,
) -> dict[str, Any]:
    """The questions by theme, "x of n asked", and the forms of the one theme on screen."""
    themes: dict[int, dict[str, Any]] = {}
    for a in answers:
        theme = themes.setdefault(a.question.theme_id, {"theme": a.question.theme, "answers": []})
        theme["answers"].append({"row": a, "kept": kept if kept.get("answer") == a.pk else {}})
    groups = list(themes.values())
    for group in groups:
        group["asked"] = sum(
            1 for i in group["answers"] if i["row"].status != Answer.Status.NOT_ASKED
        )
    unasked = sum(1 for a in answers if a.status == Answer.Status.NOT_ASKED)
    shown = current_theme(groups, theme_slug, kept)
    for group in groups:
        if group["theme"] == shown:
            # Only the theme on screen shows its forms (one theme at a time).
            for item in group["answers"]:
                item["form"] = kept["form"] if item["kept"] else answer_form(item["row"])
    order = [group["theme"] for group in groups]
    at = order.index(shown) if shown in order else 0
    context: dict[str, Any] = {
        "themes": groups,
        "unasked_count": unasked,
        "asked_count": len(answers) - unasked,
        "question_count": len(answers),
        "current_theme": shown,
        "previous_theme": order[at - 1] if at > 0 else None,
        "next_theme": order[at + 1] if at + 1 < len(order) else None,
    }
    if not screening.is_open:
        # Shown only beside a closed screening: a newer bank is used by the next one.
        context["newer_bank"] = (
            QuestionBank.objects.published()
            .filter(slug=screening.bank.slug, version__gt=screening.bank.version)
            .exists()
        )
    return context


def current_theme(themes: list[dict[str, Any]], slug: str, kept: dict[str, Any]) -> Any:
    """The theme on screen: the one asked for, else the one of a row kept after a refused save,
    else the first with a question still to ask, else the first."""
    if not themes:
        return None
    by_slug = {group["theme"].slug: group for group in themes}
    if slug in by_slug:
        return by_slug[slug]["theme"]
    for group in themes:
        if any(item["kept"] for item in group["answers"]):
            return group["theme"]
    for group in themes:
        if group["asked"] < len(group["answers"]):
            return group["theme"]
    return themes[0]["theme"]


def next_step_links(case: Case, summary: rules.ConcernSummary) -> list[tuple[str, str]]:
    """Each next step with the page of the case where it is done ("" when there is none)."""
    tabs = {tab.slug: tab.url for tab in case_tabs(case)}
    tabs["escalate"] = reverse("cases:escalate-case", kwargs={"case_ref": case.ref})
    return [(str(step), tabs.get(getattr(step, "goes_to", ""), "")) for step in summary.next_steps]


def instrument_panels(
    case: Case, screening: Screening, *, kept: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The optional brief instruments that apply to this patient's age, with any answers.

    `kept` re-shows one instrument's form as the user submitted it, after a refused save.
    """
    responses = {r.instrument_id: r for r in InstrumentResponse.objects.filter(screening=screening)}
    panels = []
    for instrument in Instrument.objects.published().for_age(case.age_years).order_by("title"):
        response = responses.get(instrument.pk)
        initial: dict[str, Any] = {
            slug: {True: "yes", False: "no"}.get(value, "")
            for slug, value in (response.answers if response else {}).items()
        }
        initial["version"] = response.version if response else 0
        mine = kept if kept and kept["instrument"].pk == instrument.pk else None
        panels.append(
            {
                "instrument": instrument,
                "conflict": mine["conflict"] if mine else None,
                "form": mine["form"]
                if mine
                else InstrumentForm(
                    instrument=instrument, initial=initial, prefix=f"instrument-{instrument.pk}"
                ),
                "result": rules.score_instrument(
                    instrument.to_rule(), response.answers, age=case.age_years
                )
                if response
                else None,
            }
        )
    return panels


# Forms of the tab that, when refused, come back after a redirect (POST/redirect/GET) so that
# reloading never sends them again; what was typed waits in the (server-side) session for the
# one GET that shows it, and is gone after.
KEPT_FORMS: dict[str, type[forms.Form]] = {
    "gate_form": GateForm,
    "not_screened_form": NotScreenedForm,
    "resume_form": ResumeForm,
}
KEPT_SESSION_KEY = "screening_refused_form"


def redirect_with_refused_form(
    request: HtmxHttpRequest, case: Case, name: str, anchor: str
) -> HttpResponse:
    request.session[KEPT_SESSION_KEY] = {
        "case": case.ref,
        "form": name,
        "data": {
            key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"
        },
    }
    return redirect(tab_url(case, anchor))


def refused_forms(request: HtmxHttpRequest, case: Case) -> dict[str, Any]:
    """The form refused just before this GET, bound again so that its errors show."""
    kept = request.session.pop(KEPT_SESSION_KEY, None)
    if not kept or kept.get("case") != case.ref or kept.get("form") not in KEPT_FORMS:
        return {}
    data = QueryDict(mutable=True)
    for key, values in kept["data"].items():
        data.setlist(key, values)
    form = KEPT_FORMS[kept["form"]](data)
    form.is_valid()
    return {kept["form"]: form}


@require_GET
def case_screening(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    context = screening_context(
        case, theme_slug=request.GET.get("theme", ""), **refused_forms(request, case)
    )
    return render_case_tab(request, case, TEMPLATE, context, tab="screening")


def render_tab_again(
    request: HtmxHttpRequest, case: Case, *, status: int = 200, **context: Any
) -> HttpResponse:
    """The tab again, with what the user submitted kept in place (audited as a view)."""
    return render_case_tab(
        request,
        case,
        TEMPLATE,
        screening_context(case, **context),
        tab="screening",
        status=status,
    )


@require_POST
def start_screening(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    form = GateForm(request.POST)
    current = latest_screening(case)
    if current is not None and current.is_open:
        messages.info(request, _("A screening is already under way for this case."))
        return redirect(tab_url(case))
    if not form.is_valid():
        return redirect_with_refused_form(request, case, "gate_form", "gate")
    try:
        actions.start_screening(
            case,
            actions.Gate(
                separation_method=form.cleaned_data["separation_method"],
                separation_note=form.cleaned_data["separation_note"],
                interpreter=form.cleaned_data["interpreter"],
            ),
            by=request.user,
        )
    except actions.ScreeningAlreadyOpenError:
        messages.info(request, _("A screening is already under way for this case."))
        return redirect(tab_url(case))
    except actions.NoContentError as error:
        messages.error(request, str(error))
    return redirect(tab_url(case, "signs"))


@require_POST
def record_not_screened(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    form = NotScreenedForm(request.POST)
    current = latest_screening(case)
    if current is not None and current.is_open:
        messages.info(request, _("A screening is already under way: finish or pause it first."))
        return redirect(tab_url(case))
    if not form.is_valid():
        return redirect_with_refused_form(request, case, "not_screened_form", "gate")
    try:
        actions.record_not_screened(
            case,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            universal_education_offered=form.cleaned_data["universal_education_offered"],
            by=request.user,
        )
    except actions.ScreeningAlreadyOpenError:
        messages.info(request, _("A screening is already under way: finish or pause it first."))
        return redirect(tab_url(case))
    except actions.NoContentError as error:
        messages.error(request, str(error))
    return redirect(tab_url(case, "resources"))


def _row_version(request: HtmxHttpRequest, form: forms.Form) -> int:
    # "Keep my version" after a conflict sends the version the user has now seen.
    if not request.POST.get("overwrite"):
        return form.cleaned_data["version"]
    overwrite = whole_number(request.POST["overwrite"])
    if overwrite is None:
        raise BadRequest("The version to keep is not a number.")
    return overwrite


@require_POST
def save_answer(request: HtmxHttpRequest, case_ref: str, answer_id: int) -> HttpResponse:
    case = get_case_for(request, case_ref)
    answer = get_object_or_404(
        Answer.objects.select_related("screening", "question"), pk=answer_id, screening__case=case
    )
    answer.screening.case = case  # read once, through `for_user`
    form = answer_form(answer, request.POST)

    def save(base_version: int) -> Answer:
        return actions.save_answer(
            answer,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            verbatim=form.cleaned_data["verbatim"],
            concern=form.cleaned_data["concern"],
            base_version=base_version,
            by=request.user,
        )

    kept = save_row(request, case, answer, form, save, question=answer.question.slug)
    return row_response(request, case, {"answer": answer.pk, **kept}, f"q-{answer.question.slug}")


@require_POST
def save_observation(request: HtmxHttpRequest, case_ref: str, observation_id: int) -> HttpResponse:
    case = get_case_for(request, case_ref)
    observation = get_object_or_404(
        ObservedIndicator.objects.select_related("screening", "indicator"),
        pk=observation_id,
        screening__case=case,
    )
    observation.screening.case = case  # read once, through `for_user`
    form = observation_form(observation, request.POST)

    def save(base_version: int) -> ObservedIndicator:
        return actions.save_observation(
            observation,
            observed=form.cleaned_data["observed"],
            note=form.cleaned_data["note"],
            base_version=base_version,
            by=request.user,
        )

    kept = save_row(request, case, observation, form, save, indicator=observation.indicator.slug)
    anchor = f"sign-{observation.indicator.slug}"
    return row_response(request, case, {"sign": observation.pk, **kept}, anchor)


def save_row(
    request: HtmxHttpRequest,
    case: Case,
    row: Answer | ObservedIndicator,
    form: forms.Form,
    save: Callable[[int], Answer | ObservedIndicator],
    **conflict_detail: str,
) -> dict[str, Any]:
    """Save one autosaved row (an answer or an observed sign) and say how it went.

    A save from an older version is refused and audited as a conflict; the user's form is kept
    either way, so nothing they typed is lost.
    """
    conflict, problem, saved = None, "", False
    if form.is_valid():
        try:
            row = save(_row_version(request, form))
            saved = True
        except StaleVersion as stale:
            conflict = stale.current
            audit.record(
                AuditEntry.Action.CASE_CONFLICT,
                user=request.user,
                case=case,
                current_version=conflict.version,
                **conflict_detail,
            )
        except actions.ScreeningClosedError as error:
            problem = str(error)
    return {
        "form": form,
        "conflict": conflict,
        "problem": problem,
        "saved": saved,
        "version": row.version if saved else request.POST.get(form["version"].html_name, ""),
    }


def row_response(
    request: HtmxHttpRequest, case: Case, kept: dict[str, Any], anchor: str
) -> HttpResponse:
    """After an autosave: the row's status; without JavaScript, the page again.

    The form itself is never swapped, so the text being typed stays as it is while saving.
    """
    if request.htmx:
        response = render(
            request,
            f"{TEMPLATE}#row-status",
            {"case": case, "form": kept["form"], "kept": kept, "now": timezone.localtime()},
        )
        if kept["saved"]:
            response["HX-Trigger"] = "screening-changed"
        return response
    if kept["saved"]:
        return redirect(tab_url(case, anchor))
    return render_tab_again(request, case, kept=kept)


@require_GET
def screening_summary(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    screening = latest_screening(case)
    if screening is None:
        raise Http404("No screening yet.")
    audit.record_case_view(case, user=request.user, part="screening-summary")
    summary = actions.summary_of(screening)
    return render(
        request,
        f"{TEMPLATE}#summary",
        {
            "case": case,
            "screening": screening,
            "summary": summary,
            "next_steps": next_step_links(case, summary),
        },
    )


def _open_screening(case: Case) -> Screening:
    screening = latest_screening(case)
    if screening is None:
        raise Http404("No screening yet.")
    return screening


@require_POST
def pause_screening(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    try:
        actions.pause_screening(_open_screening(case), by=request.user)
        messages.success(request, _("Screening paused. Everything entered so far is saved."))
    except actions.ScreeningClosedError as error:
        messages.error(request, str(error))
    return redirect(tab_url(case))


@require_POST
def resume_screening(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    form = ResumeForm(request.POST)
    if not form.is_valid():
        return redirect_with_refused_form(request, case, "resume_form", "questions")
    try:
        actions.resume_screening(_open_screening(case), by=request.user)
    except actions.ScreeningClosedError as error:
        messages.error(request, str(error))
    return redirect(tab_url(case, "questions"))


@require_POST
def complete_screening(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    try:
        actions.complete_screening(_open_screening(case), by=request.user)
        messages.success(request, _("Screening finished."))
    except actions.ScreeningClosedError as error:
        messages.error(request, str(error))
    return redirect(tab_url(case, "summary"))


@require_POST
def save_instrument(request: HtmxHttpRequest, case_ref: str, instrument_id: int) -> HttpResponse:
    case = get_case_for(request, case_ref)
    screening = _open_screening(case)
    instrument = get_object_or_404(
        Instrument.objects.published().for_age(case.age_years), pk=instrument_id
    )
    prefix = f"instrument-{instrument.pk}"
    form = InstrumentForm(request.POST, instrument=instrument, prefix=prefix)
    if form.is_valid():
        try:
            actions.save_instrument_response(
                screening,
                instrument,
                form.answers(),
                base_version=form.base_version(),
                by=request.user,
            )
            messages.success(
                request,
                _("%(instrument)s: answers saved and scored.") % {"instrument": instrument.title},
            )
        except actions.ScreeningClosedError as error:
            messages.error(request, str(error))
        except actions.NoSuchVersionError:
            messages.error(
                request, _("These answers refer to a saved version that does not exist: reload.")
            )
            return render_tab_again(request, case, status=409)
        except StaleVersion as stale:
            audit.record(
                AuditEntry.Action.CASE_CONFLICT,
                user=request.user,
                case=case,
                instrument=instrument.slug,
                base_version=form.base_version(),
                current_version=stale.current.version,
            )
            # Keep the user's choices, now against the newest version: saving again is a
            # deliberate replacement made with the saved answers in view.
            data = request.POST.copy()
            data[f"{prefix}-version"] = stale.current.version
            kept = InstrumentForm(data, instrument=instrument, prefix=prefix)
            kept.is_valid()
            return render_tab_again(
                request,
                case,
                kept_instrument={"instrument": instrument, "form": kept, "conflict": stale.current},
            )
    else:
        messages.error(request, _("Choose yes, no or not asked for each item."))
    return redirect(tab_url(case, f"instrument-{instrument.pk}"))


@require_GET
def export_response(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    """A finished screening as a FHIR QuestionnaireResponse, downloaded under a neutral name."""
    case = get_case_for(request, case_ref)
    screening = (
        case.screenings.filter(status=Screening.Status.COMPLETED)
        .select_related("bank")
        .prefetch_related("bank__themes__questions")
        .first()
    )
    if screening is None:
        raise Http404("No finished screening to export.")
    answers = [
        fhir.ResponseAnswer(
            question_slug=a.question.slug,
            status=rules.AnswerStatus(a.status),
            note=a.note,
            verbatim=a.verbatim,
            concern=a.concern,
        )
        for a in screening.answers.select_related("question")
    ]
    resource = fhir.screening_to_questionnaire_response(
        screening.bank.to_rule(),
        answers,
        authored=(screening.completed_at or timezone.now()).isoformat(),
        subject_ref=None,  # the case reference stays out of the file's content
    )
    audit.record(
        AuditEntry.Action.EXPORT,
        user=request.user,
        case=case,
        what="questionnaire_response",
        screening=screening.pk,
    )
    return json_download(resource, f"response-{case.ref}.json")


def json_download(resource: dict[str, Any], filename: str) -> HttpResponse:
    response = JsonResponse(resource, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Administrator editors --------------------------------------------------------------------


@require_GET
def admin_banks(request: HtmxHttpRequest) -> HttpResponse:
    require_administrator(request)
    return render_admin_banks(request, ImportForm())


def render_admin_banks(request: HtmxHttpRequest, import_form: ImportForm) -> HttpResponse:
    return render(
        request,
        "screening/admin_banks.html",
        {
            "banks": QuestionBank.objects.order_by("slug", "-version"),
            "indicator_sets": IndicatorSet.objects.order_by("slug", "-version"),
            "instruments": Instrument.objects.order_by("slug", "-version"),
            "import_form": import_form,
        },
        status=400 if import_form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def edit_bank(request: HtmxHttpRequest, bank_id: int) -> HttpResponse:
    bank = get_object_or_404(QuestionBank.for_content(QuestionBank.objects.all()), pk=bank_id)
    return edit_content(
        request, bank, BankEditor, template="screening/edit_bank.html", done=ADMIN_PAGE
    )


@require_http_methods(["GET", "POST"])
def edit_indicators(request: HtmxHttpRequest, set_id: int) -> HttpResponse:
    signs = get_object_or_404(IndicatorSet.for_content(IndicatorSet.objects.all()), pk=set_id)
    return edit_content(
        request, signs, SignsEditor, template="screening/edit_indicators.html", done=ADMIN_PAGE
    )


@require_http_methods(["GET", "POST"])
def edit_instrument(request: HtmxHttpRequest, instrument_id: int) -> HttpResponse:
    instrument = get_object_or_404(Instrument, pk=instrument_id)
    return edit_content(
        request,
        instrument,
        InstrumentEditor,
        template="screening/edit_instrument.html",
        done=ADMIN_PAGE,
    )


@require_GET
def export_bank(request: HtmxHttpRequest, bank_id: int) -> HttpResponse:
    require_administrator(request)
    bank = get_object_or_404(QuestionBank.objects.prefetch_related("themes__questions"), pk=bank_id)
    audit.record(
        AuditEntry.Action.EXPORT,
        user=request.user,
        what="question_bank",
        slug=bank.slug,
        version=bank.version,
    )
    return json_download(
        fhir.bank_to_questionnaire(bank.to_rule()),
        f"questionnaire-{bank.slug}-v{bank.version}.json",
    )


@require_GET
def export_instrument(request: HtmxHttpRequest, instrument_id: int) -> HttpResponse:
    require_administrator(request)
    instrument = get_object_or_404(Instrument, pk=instrument_id)
    audit.record(
        AuditEntry.Action.EXPORT,
        user=request.user,
        what="instrument",
        slug=instrument.slug,
        version=instrument.version,
    )
    return json_download(
        fhir.instrument_to_questionnaire(instrument.to_rule()),
        f"questionnaire-{instrument.slug}-v{instrument.version}.json",
    )


# Content files are a few kilobytes; anything far larger is not a questionnaire.
MAX_IMPORT_BYTES = 2_000_000


@require_POST
def import_content(request: HtmxHttpRequest) -> HttpResponse:
    """Import a FHIR Questionnaire as a bank or instrument version: all of it, or nothing."""
    require_administrator(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_admin_banks(request, form)
    upload = form.cleaned_data["file"]
    try:
        if upload.size > MAX_IMPORT_BYTES:
            raise fhir.FhirImportError(_("The file is too large to be a questionnaire."))
        try:
            resource = loads_json(upload.read())
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise fhir.FhirImportError(
                _("The file is not valid JSON (%(error)s).") % {"error": error}
            ) from error
        except RecursionError as error:
            raise fhir.FhirImportError(
                _("The file is nested too deeply to be a questionnaire.")
            ) from error
        model: type[QuestionBank] | type[Instrument]
        parsed: rules.Bank | rules.Instrument
        if form.cleaned_data["kind"] == "bank":
            model, parsed = QuestionBank, fhir.questionnaire_to_bank(resource)
        else:
            model, parsed = Instrument, fhir.questionnaire_to_instrument(resource)
        document = actions.as_document(parsed)
        if fhir.carries_version(resource):
            row, created = import_version(model, document, by=request.user)
        else:  # a file without a whole-number version becomes the next version
            row, created = save_version(
                model, parsed.slug, document, base_version=None, by=request.user, how="import"
            )
    except (fhir.FhirImportError, ContentInvalid) as error:
        form.add_error("file", _("Nothing was imported. %(error)s") % {"error": error})
        return render_admin_banks(request, form)
    messages.success(
        request,
        _("Imported %(content)s.") % {"content": row}
        if created
        else _("%(content)s is already loaded, with the same content.") % {"content": row},
    )
    return redirect("screening:admin-banks")
