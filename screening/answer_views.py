"""What a clinician records during a screening: each answer and observed sign (autosaved,
refused when stale with the input kept), the brief instruments, and the finished record
as a FHIR QuestionnaireResponse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import audit
from cases.content import (
    StaleVersion,
)
from cases.http import HtmxHttpRequest
from cases.models import AuditEntry, Case
from cases.params import whole_number
from cases.shell import get_case_for
from screening import actions, fhir, rules
from screening.forms import (
    InstrumentForm,
)
from screening.models import (
    Answer,
    Instrument,
    ObservedIndicator,
    Screening,
)
from screening.views import (
    TEMPLATE,
    answer_form,
    json_download,
    observation_form,
    open_screening,
    render_tab_again,
    tab_url,
)


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


@require_POST
def save_instrument(request: HtmxHttpRequest, case_ref: str, instrument_id: int) -> HttpResponse:
    case = get_case_for(request, case_ref)
    screening = open_screening(case)
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
