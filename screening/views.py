"""The screening tab of a case: what it shows, and its concern summary fragment.

The gate and the flow around it (start, not screened, pause, resume, finish) are in
`gate_views`, the autosaved answers and signs and the instruments in `answer_views`, the
administrators' content pages in `editor_views`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from cases import audit
from cases.http import HtmxHttpRequest
from cases.jurisdictions import jurisdiction_name
from cases.models import Case
from cases.providers import hotlines_for
from cases.shell import case_tabs, get_case_for, render_case_tab
from cases.translations import reviewed_languages
from screening import actions, content, rules
from screening.forms import (
    AnswerForm,
    GateForm,
    InstrumentForm,
    NotScreenedForm,
    ObservationForm,
    ResumeForm,
)
from screening.models import (
    Answer,
    Instrument,
    InstrumentResponse,
    ObservedIndicator,
    QuestionBank,
    Screening,
)

TEMPLATE = "screening/case_screening.html"


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
    # A row the user has not just submitted is written by `sign_row` from its values alone; a
    # kept one (and a finished screening's) through the template, with its form.
    writes = screening.status != Screening.Status.COMPLETED
    context["observations"] = [
        {"row": o, "kept": kept, "form": kept["form"]}
        if kept.get("sign") == o.pk
        else {"row": o, "written": True}
        if writes
        else {"row": o, "kept": {}, "form": observation_form(o)}
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
            # A row not just submitted is written by `answer_row` from its values alone.
            for item in group["answers"]:
                if item["kept"]:
                    item["form"] = kept["form"]
                elif screening.status == Screening.Status.COMPLETED:
                    item["form"] = answer_form(item["row"])
                else:
                    item["written"] = True
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


def open_screening(case: Case) -> Screening:
    screening = latest_screening(case)
    if screening is None:
        raise Http404("No screening yet.")
    return screening


def json_download(resource: dict[str, Any], filename: str) -> HttpResponse:
    response = JsonResponse(resource, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
