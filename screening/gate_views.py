"""The gate and the screening's course: start it once the gate holds, or record "not
screened", then pause, resume and finish it. Each POST redirects back to the tab."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.http import HtmxHttpRequest
from cases.shell import get_case_for
from screening import actions
from screening.forms import (
    GateForm,
    NotScreenedForm,
    ResumeForm,
)
from screening.views import latest_screening, open_screening, redirect_with_refused_form, tab_url


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


@require_POST
def pause_screening(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    try:
        actions.pause_screening(open_screening(case), by=request.user)
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
        actions.resume_screening(open_screening(case), by=request.user)
    except actions.ScreeningClosedError as error:
        messages.error(request, str(error))
    return redirect(tab_url(case, "questions"))


@require_POST
def complete_screening(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    try:
        actions.complete_screening(open_screening(case), by=request.user)
        messages.success(request, _("Screening finished."))
    except actions.ScreeningClosedError as error:
        messages.error(request, str(error))
    return redirect(tab_url(case, "summary"))
