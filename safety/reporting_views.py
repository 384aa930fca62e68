"""The Reporting tab: capacity, the facts and their outcome, the decision, the reports made."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.db.models import Count, Window
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from cases.content import StaleVersion
from cases.http import HtmxHttpRequest
from cases.models import Case
from cases.providers import Hotline, hotlines_for
from cases.shell import get_case_for, render_case_fragment, render_case_tab
from safety import actions
from safety.capacity import CapacityOutcome
from safety.facts import FACT_QUESTIONS, AgeBasis, ReportingFacts
from safety.models import (
    OUTCOME_CHOICES,
    CapacityAssessment,
    Jurisdiction,
    ReportingDecisionRecord,
)
from safety.reporting_forms import (
    AGE_BASIS_CHOICES,
    FACT_FIELDS,
    CapacityForm,
    DisclosureForm,
    FactsForm,
    fact_choices,
)
from safety.rule_table import JurisdictionRules
from safety.rules import DISCLAIMER, age_range, facts_to_ask, reporting_requirements


def _capacity(assessment: CapacityAssessment | None) -> CapacityOutcome:
    return CapacityOutcome(assessment.outcome) if assessment else CapacityOutcome.UNKNOWN


def _ask(rules: JurisdictionRules, case: Case, data: Any) -> list[str]:
    """The facts worth asking for the age the form holds (posted, or its starting value)."""
    try:
        age = int(data.get("age")) if data.get("age") not in (None, "") else None
        basis = AgeBasis(data.get("age_basis") or AgeBasis.UNKNOWN)
        guess = ReportingFacts(jurisdiction=case.jurisdiction, age=age, age_basis=basis)
    except ValueError:
        guess = ReportingFacts(jurisdiction=case.jurisdiction)
    return facts_to_ask(rules, age_range(guess, rules))


def _reporting_tab(
    request: HtmxHttpRequest,
    case: Case,
    *,
    capacity_form: CapacityForm | None = None,
    facts_form: FactsForm | None = None,
    preview: dict[str, Any] | None = None,
    disclosure_form: DisclosureForm | None = None,
    fragment: str | None = None,
    capacity_saved: bool = False,
    rules: JurisdictionRules | None = None,
    assessments: list[CapacityAssessment] | None = None,
) -> HttpResponse:
    """The tab, or one of its fragments. `rules` and `assessments`: as the caller just read
    them (the facts check), so they are not read twice."""
    if assessments is None:
        assessments = list(case.capacity_assessments.select_related("assessed_by")[:10])
    latest_assessment = assessments[0] if assessments else None
    if rules is None:
        try:
            _layers, rules = actions.rules_for(case)
        except Jurisdiction.DoesNotExist:
            rules = None
    context: dict[str, Any] = {
        "latest_assessment": latest_assessment,
        "facts_form": facts_form,
        "preview": preview,
        "rules": rules,
        # The lines to offer whatever is decided, shown with a result: the referral directory's.
        "hotlines": _hotlines(case) if preview else [],
    }
    if fragment and request.htmx:
        # The fragment shows the facts and their preview only: nothing of the recorded decision
        # or the reports made is read for it.
        return render_case_fragment(
            request, case, f"safety/case_reporting.html#{fragment}", context, part="reporting"
        )
    # The latest decision, with how many there are in all, in one query.
    records = ReportingDecisionRecord.objects.filter(case=case).select_related("recorded_by")
    decision = records.annotate(total=Window(Count("pk"))).first()
    disclosures = list(case.disclosures.select_related("logged_by"))
    recorded = out_of_date = None
    if decision is not None:
        logged = [entry.recipient for entry in disclosures]
        outstanding = actions.outstanding_recipients(case, decision, logged=logged)
        recorded = dict(decision.result)
        recorded["required"] = [
            {**report, "logged": actions.recipient_key(report["recipient"]) not in outstanding}
            for report in decision.result["required"]
        ]
        out_of_date = rules is not None and actions.is_out_of_date(
            case, decision, rules=rules, capacity=_capacity(latest_assessment)
        )
    if facts_form is None and rules is not None:
        initial = FactsForm.initial_from(decision.facts if decision else None, age=case.age_years)
        initial["rules_version"] = rules.version
        facts_form = FactsForm(initial=initial, ask=_ask(rules, case, initial))
    context |= {
        "capacity_form": capacity_form or CapacityForm(),
        "capacity_saved": capacity_saved,
        "assessments": assessments,
        "facts_form": facts_form,
        "decision": decision,
        "recorded": recorded,
        "out_of_date": out_of_date,
        "decision_count": decision.total if decision is not None else 0,
        "facts_used": _facts_used(decision),
        "disclosures": disclosures,
        "disclosure_form": disclosure_form or DisclosureForm(reports=_reports_of(decision)),
        "disclaimer": DISCLAIMER,
        "hotlines": _hotlines(case) if preview or recorded else [],
    }
    return render_case_tab(request, case, "safety/case_reporting.html", context, tab="reporting")


def _hotlines(case: Case) -> list[Hotline]:
    return hotlines_for(jurisdiction=case.jurisdiction, language=case.preferred_language)


def _facts_used(decision: ReportingDecisionRecord | None) -> list[tuple[str, str]]:
    """The recorded facts as the questions and answers the clinician saw (unasked ones left out)."""
    if decision is None:
        return []
    facts = decision.facts
    age = facts.get("age")
    basis = _answer(AGE_BASIS_CHOICES, facts.get("age_basis"), default="")
    rows = [(str(FACT_QUESTIONS["age"]), f"{age if age is not None else '—'} ({basis})")]
    capacity = dict(OUTCOME_CHOICES)
    rows.append((str(FACT_QUESTIONS["capacity"]), str(capacity.get(facts.get("capacity"), ""))))
    # Each question as the form asks it (its label, its answers), without building the form.
    for name in FACT_FIELDS:
        value = facts.get(name)
        if value in (None, "unknown"):
            continue
        rows.append((str(FACT_QUESTIONS[name]), _answer(fact_choices(name), value, default=value)))
    return rows


def _answer(choices: Iterable[tuple[Any, Any]], value: Any, *, default: Any) -> str:
    """What the form showed for `value`: its choice's label (`default` if not among them)."""
    return str(next((label for key, label in choices if key == value), default))


def _reports_of(decision: ReportingDecisionRecord | None) -> list[dict[str, Any]]:
    if decision is None:
        return []
    result = decision.result
    return [*result["required"], *result["permitted"], *result["needs_consent"]]


@require_GET
def case_reporting(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    return _reporting_tab(request, case)


@require_POST
def assess_capacity(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    form = CapacityForm(request.POST)
    if not form.is_valid():
        return _reporting_tab(request, case, capacity_form=form)
    assessment = actions.record_capacity_assessment(
        case, decision=form.cleaned_data["decision"], findings=form.findings(), by=request.user
    )
    if request.htmx:
        # The tab is swapped in place: the new capacity reaches the facts form and the recorded
        # decision (which may now be out of date) without a full reload.
        return _reporting_tab(request, case, capacity_saved=True)
    messages.success(
        request,
        _("Capacity assessment recorded: %(outcome)s.")
        % {"outcome": assessment.get_outcome_display()},
    )
    return redirect(reverse("safety:case-reporting", args=[case.ref]) + "#capacity")


@require_POST
def check_reporting(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    """Show what the facts lead to; with action=record, record that decision on the case."""
    case = get_case_for(request, case_ref)
    _layers, rules = actions.rules_for(case)
    assessments = list(case.capacity_assessments.select_related("assessed_by")[:10])
    # Which facts to ask depends on the posted age alone: asked of the engine once.
    ask = _ask(rules, case, request.POST)
    form = FactsForm(request.POST, ask=ask)
    if not form.is_valid():
        return _reporting_tab(
            request, case, facts_form=form, fragment="facts", rules=rules, assessments=assessments
        )
    capacity = _capacity(assessments[0] if assessments else None)
    facts = form.facts(case.jurisdiction, capacity=capacity)
    stale = False
    if request.POST.get("action") == "record":
        try:
            actions.record_reporting_decision(
                case,
                facts,
                base_rules_version=form.cleaned_data["rules_version"],
                by=request.user,
            )
        except StaleVersion:
            stale = True
        else:
            messages.success(request, _("Reporting decision recorded."))
            url = reverse("safety:case-reporting", args=[case.ref])
            if request.htmx:
                # No fragment: a URL that differs from the current one only by its fragment
                # would scroll instead of loading the page with the recorded decision.
                return HttpResponseClientRedirect(url)
            return redirect(url + "#recorded")
    preview = actions.decision_document(reporting_requirements(facts, rules))
    # Re-bind with the rule versions just shown, so recording checks against what was seen.
    data = request.POST.copy()
    data["rules_version"] = rules.version
    form = FactsForm(data, ask=ask)
    form.is_valid()
    if stale:
        form.add_error(
            None,
            _(
                "The reporting rules changed since you last checked, so nothing was recorded. "
                "Review the result below, then record it."
            ),
        )
    return _reporting_tab(
        request,
        case,
        facts_form=form,
        preview=preview,
        fragment="facts",
        rules=rules,
        assessments=assessments,
    )


@require_POST
def log_disclosure(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    decision = ReportingDecisionRecord.objects.filter(case=case).first()
    form = DisclosureForm(request.POST, reports=_reports_of(decision))
    if not form.is_valid():
        return _reporting_tab(request, case, disclosure_form=form)
    data = form.cleaned_data
    actions.log_disclosure(
        case,
        recipient=data["recipient"],
        rule_id=data["rule_id"],
        made_at=data["made_at"],
        reference_number=data["reference_number"],
        legal_basis=data["legal_basis"],
        patient_informed=data["patient_informed"] == "yes",
        not_informed_reason=data["not_informed_reason"],
        by=request.user,
    )
    messages.success(
        request, _("Report to %(recipient)s logged.") % {"recipient": data["recipient"]}
    )
    return redirect(reverse("safety:case-reporting", args=[case.ref]) + "#disclosures")
