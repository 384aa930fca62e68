from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from cases import audit
from cases.content import StaleVersion, require_administrator
from cases.editing import edit_content
from cases.http import HtmxHttpRequest
from cases.models import AuditEntry, Case
from cases.shell import get_case_for, render_case_fragment, render_case_tab
from safety import actions
from safety.checklists import SECTIONS, Item
from safety.forms import (
    CapacityForm,
    ChecklistEditor,
    ChecklistItemForm,
    ChecklistJsonEditor,
    DisclosureForm,
    FactsForm,
    HotlineForm,
    JurisdictionDetailsForm,
    JurisdictionForm,
    RuleRowForm,
    VersionNoteForm,
)
from safety.models import (
    CapacityAssessment,
    CaseChecklist,
    ChecklistItem,
    ChecklistTemplate,
    ReportingDecisionRecord,
    RuleTableVersion,
)
from safety.rules import (
    DISCLAIMER,
    InjuryKind,
    KnownCondition,
    RuleTableError,
    load_jurisdiction_rules,
    reporting_requirements,
)

# Which tab shows which checklist, in order.
TAB_CHECKLISTS = {
    "safety": ("safety-protocol", "safe-environment"),
    "care": ("immediate-care", "transfer-handoff", "help-refused"),
}
JURISDICTION_CODE = re.compile(r"^(DEFAULT|[A-Z]{2}(-[A-Z0-9]{1,3})?)$")
TAB_VIEWS = {"safety": "safety:case-safety", "care": "safety:case-care"}


# --- Checklists on a case -----------------------------------------------------------------------


@dataclass
class ItemView:
    """One checklist item as shown: the template's words and the case's state of it."""

    checklist: str
    slug: str
    text: str
    help: str
    section: str
    requires_consent: bool
    state: ChecklistItem | None = None
    form: ChecklistItemForm | None = None  # a refused submission, to show its errors
    conflict: bool = False

    @property
    def dom_id(self) -> str:
        return f"item-{self.checklist}-{self.slug}"

    @property
    def status(self) -> str:
        return self.state.status if self.state else ChecklistItem.Status.OPEN

    @property
    def version(self) -> int:
        return self.state.version if self.state else 0

    @property
    def typed_reason(self) -> str:
        if self.form is not None:
            return self.form.data.get("reason", "")
        return self.state.reason if self.state else ""


@dataclass
class ChecklistView:
    slug: str
    title: str
    template: ChecklistTemplate | None
    pinned: bool
    items: list[ItemView] = field(default_factory=list)

    @property
    def sections(self) -> list[tuple[str, list[ItemView]]]:
        """Items grouped by section, in first-seen order; one unnamed group if none has one."""
        groups: dict[str, list[ItemView]] = {}
        for item in self.items:
            groups.setdefault(item.section, []).append(item)
        return [(SECTIONS.get(key, ""), items) for key, items in groups.items()]

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.items if item.status != ChecklistItem.Status.OPEN)


def checklist_views(case: Case, slugs: tuple[str, ...]) -> list[ChecklistView]:
    """The case's checklists: the version each started on, or the newest if not started yet."""
    items = ChecklistItem.objects.select_related("changed_by", "consent_recorded_by")
    pinned = {
        checklist.slug: checklist
        for checklist in CaseChecklist.objects.filter(case=case, slug__in=slugs)
        .select_related("template")
        .prefetch_related(Prefetch("items", queryset=items))
    }
    newest = {t.slug: t for t in ChecklistTemplate.objects.latest_versions().filter(slug__in=slugs)}
    views = []
    for slug in slugs:
        started = pinned.get(slug)
        template = started.template if started else newest.get(slug)
        if template is None:
            views.append(ChecklistView(slug, slug, None, False))
            continue
        states = {item.slug: item for item in started.items.all()} if started else {}
        views.append(
            ChecklistView(
                slug,
                template.title,
                template,
                started is not None,
                [_item_view(slug, item, states.get(item.slug)) for item in template.rule()],
            )
        )
    return views


def _item_view(checklist: str, item: Item, state: ChecklistItem | None) -> ItemView:
    return ItemView(
        checklist=checklist,
        slug=item.slug,
        text=item.text,
        help=item.help,
        section=item.section,
        requires_consent=item.requires_consent,
        state=state,
    )


def _checklist_tab(
    request: HtmxHttpRequest, case: Case, tab: str, replace: ItemView | None = None, **extra: Any
) -> HttpResponse:
    checklists = checklist_views(case, TAB_CHECKLISTS[tab])
    if replace is not None:
        for checklist in checklists:
            checklist.items = [
                replace if item.dom_id == replace.dom_id else item for item in checklist.items
            ]
    context: dict[str, Any] = {"checklists": checklists, **extra}
    if tab == "safety":
        context["threats"] = list(
            case.events.filter(kind="safety.threat_reported").select_related("by")[:5]
        )
    else:
        context["hotlines"] = _hotlines(case)
    return render_case_tab(
        request,
        case,
        f"safety/case_{tab}.html",
        context,
        tab=tab,
    )


def _hotlines(case: Case) -> list[Any]:
    try:
        return list(actions.rules_for(case)[1].hotlines)
    except RuleTableVersion.DoesNotExist:
        return []


@require_GET
def case_safety(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    return _checklist_tab(request, case, "safety", threat_reported=request.GET.get("threat") == "1")


@require_GET
def case_care(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    return _checklist_tab(request, case, "care")


@require_POST
def set_checklist_item(
    request: HtmxHttpRequest, case_ref: str, checklist: str, item: str
) -> HttpResponse:
    case = get_case_for(request, case_ref)
    tab = next((tab for tab, slugs in TAB_CHECKLISTS.items() if checklist in slugs), None)
    view = next(
        (i for c in checklist_views(case, (checklist,)) for i in c.items if i.slug == item), None
    )
    if tab is None or view is None:
        raise Http404("No such checklist item on this case.")
    form = ChecklistItemForm(request.POST, requires_consent=view.requires_consent)
    if form.is_valid():
        try:
            view.state = actions.set_checklist_item(
                case,
                checklist,
                item,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                consent=form.cleaned_data["consent"],
                expected_version=form.cleaned_data["expected_version"],
                by=request.user,
            )
        except StaleVersion as conflict:
            audit.record(
                AuditEntry.Action.CASE_CONFLICT,
                user=request.user,
                case=case,
                item=f"{checklist}/{item}",
                expected_version=form.cleaned_data["expected_version"],
                current_version=conflict.current.version,
            )
            view.state, view.form, view.conflict = conflict.current, form, True
        except actions.ItemRefused as refused:
            form.add_error(None, str(refused))
            view.form = form
        else:
            if not request.htmx:
                return redirect(f"{reverse(TAB_VIEWS[tab], args=[case.ref])}#{view.dom_id}")
    else:
        view.form = form
    if request.htmx:
        return render(request, "safety/checklist.html#item", {"case": case, "item": view})
    return _checklist_tab(request, case, tab, replace=view)


# --- Threatening behaviour ----------------------------------------------------------------------


@require_POST
def report_threat(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    actions.report_threat(case, by=request.user)
    return redirect(reverse("safety:case-safety", args=[case.ref]) + "?threat=1")


# --- Reporting ----------------------------------------------------------------------------------


def _reporting_tab(
    request: HttpRequest,
    case: Case,
    *,
    capacity_form: CapacityForm | None = None,
    facts_form: FactsForm | None = None,
    preview: dict[str, Any] | None = None,
    disclosure_form: DisclosureForm | None = None,
    fragment: str | None = None,
) -> HttpResponse:
    assessments = list(case.capacity_assessments.select_related("assessed_by")[:10])
    latest = ReportingDecisionRecord.objects.filter(case=case).select_related(
        "recorded_by", "rule_table"
    )
    decision = latest.first()
    recorded = None
    if decision is not None:
        outstanding = actions.outstanding_recipients(case, decision)
        recorded = dict(decision.result)
        recorded["required"] = [
            {**report, "logged": actions.recipient_key(report["recipient"]) not in outstanding}
            for report in decision.result["required"]
        ]
    reports = _reports_of(decision)
    try:
        table, rules = actions.rules_for(case)
    except RuleTableVersion.DoesNotExist:
        table = rules = None
    context = {
        "capacity_form": capacity_form or CapacityForm(),
        "assessments": assessments,
        "facts_form": facts_form or _initial_facts(case, assessments, table),
        "preview": preview,
        "rules": rules,
        "rule_table": table,
        "decision": decision,
        "recorded": recorded,
        "decision_count": latest.count(),
        "facts_used": _facts_used(decision),
        "disclosures": list(case.disclosures.select_related("logged_by")),
        "disclosure_form": disclosure_form or DisclosureForm(reports=reports),
        "disclaimer": DISCLAIMER,
    }
    if fragment and request.htmx:
        return render_case_fragment(
            request, case, f"safety/case_reporting.html#{fragment}", context, part="reporting"
        )
    return render_case_tab(
        request,
        case,
        "safety/case_reporting.html",
        context,
        tab="reporting",
    )


def _facts_used(decision: ReportingDecisionRecord | None) -> list[tuple[str, str]]:
    """The recorded facts as the questions and answers the clinician saw."""
    if decision is None:
        return []
    fields = FactsForm.base_fields
    rows = [("Jurisdiction", decision.facts["jurisdiction"])]
    not_a_weapon_wound = decision.facts.get("injury_kind") == InjuryKind.OTHER
    for name, value in decision.facts.items():
        if name == "jurisdiction":
            continue
        field = fields[name]
        choices = dict(getattr(field, "choices", []))
        shown = "Unknown" if value is None else choices.get(value, value)
        if name == "injury_kind" and value == InjuryKind.OTHER:
            # The form's "No wound" and "Other wound" are one fact for the engine.
            shown = "Not a gunshot or stab wound"
        if name == "injury_self_inflicted_or_accidental" and not_a_weapon_wound:
            shown = f"{shown} (not needed: no gunshot or stab wound)"
        rows.append((str(field.label), str(shown)))
    return rows


def _reports_of(decision: ReportingDecisionRecord | None) -> list[dict[str, Any]]:
    if decision is None:
        return []
    result = decision.result
    return [*result["required"], *result["permitted"], *result["needs_consent"]]


def _initial_facts(
    case: Case, assessments: list[CapacityAssessment], table: RuleTableVersion | None
) -> FactsForm:
    return FactsForm(
        initial={
            "age": case.age_years,
            "age_unknown": case.age_years is None,
            "capacity": assessments[0].outcome if assessments else "unknown",
            "rules_version": table.version if table else None,
        }
    )


@require_GET
def case_reporting(request: HttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    return _reporting_tab(request, case)


@require_POST
def assess_capacity(request: HttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    form = CapacityForm(request.POST)
    if not form.is_valid():
        return _reporting_tab(request, case, capacity_form=form)
    assessment = actions.record_capacity_assessment(
        case, decision=form.cleaned_data["decision"], findings=form.findings(), by=request.user
    )
    messages.success(request, f"Capacity assessment recorded: {assessment.get_outcome_display()}.")
    return redirect(reverse("safety:case-reporting", args=[case.ref]) + "#capacity")


@require_POST
def check_reporting(request: HttpRequest, case_ref: str) -> HttpResponse:
    """Show what the facts lead to; with action=record, record that decision on the case."""
    case = get_case_for(request, case_ref)
    form = FactsForm(request.POST)
    if not form.is_valid():
        return _reporting_tab(request, case, facts_form=form, fragment="facts")
    facts = form.facts(case.jurisdiction)
    table, rules = actions.rules_for(case)
    stale = False
    if request.POST.get("action") == "record":
        try:
            actions.record_reporting_decision(
                case,
                facts,
                expected_rules_version=form.cleaned_data["rules_version"] or 0,
                by=request.user,
            )
        except actions.ContentConflict:
            stale = True
        else:
            messages.success(request, "Reporting decision recorded.")
            url = reverse("safety:case-reporting", args=[case.ref])
            if request.htmx:
                # No fragment: a URL that differs from the current one only by its fragment
                # would scroll instead of loading the page with the recorded decision.
                return HttpResponseClientRedirect(url)
            return redirect(url + "#recorded")
    preview = actions.decision_document(reporting_requirements(facts, rules), rules)
    # Re-bind with the table version just shown, so recording checks against what was seen.
    data = request.POST.copy()
    data["rules_version"] = str(table.version)
    form = FactsForm(data)
    form.is_valid()
    if stale:
        form.add_error(
            None,
            "The reporting rules changed since you last checked, so nothing was recorded. "
            "Review the result below, then record it.",
        )
    return _reporting_tab(request, case, facts_form=form, preview=preview, fragment="facts")


@require_POST
def log_disclosure(request: HttpRequest, case_ref: str) -> HttpResponse:
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
    messages.success(request, f"Report to {data['recipient']} logged.")
    return redirect(reverse("safety:case-reporting", args=[case.ref]) + "#disclosures")


# --- Administrators: checklists and rule tables -------------------------------------------------


@require_GET
def admin_checklists(request: HtmxHttpRequest) -> HttpResponse:
    require_administrator(request)
    templates = list(ChecklistTemplate.objects.latest_versions().select_related("created_by"))
    counts = dict(ChecklistTemplate.objects.values_list("slug").annotate(n=Count("pk")).order_by())
    rows = [(template, counts.get(template.slug, 1)) for template in templates]
    return render(request, "safety/admin_checklists.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def admin_checklist(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """A checklist's items, edited item by item (or as JSON, the advanced editor); each save
    is a new version, and an earlier version is restored by saving it again."""
    require_administrator(request)
    newest = ChecklistTemplate.objects.newest(slug)
    if newest is None:
        raise Http404("No such checklist.")
    json_post = request.method == "POST" and "items-TOTAL_FORMS" not in request.POST
    return edit_content(
        request,
        newest,
        ChecklistJsonEditor if json_post else ChecklistEditor,
        template="safety/admin_checklist.html",
        done=reverse("safety:admin-checklist", args=[slug]),
        context={"json_post": json_post, "sections": SECTIONS},
    )


@require_GET
def admin_jurisdictions(request: HttpRequest) -> HttpResponse:
    require_administrator(request)
    new_code = request.GET.get("code", "").strip().upper()
    if new_code:
        if JURISDICTION_CODE.match(new_code):
            return redirect("safety:admin-jurisdiction", code=new_code)
        messages.error(request, f"“{new_code}” is not a code like CA-ON, US-WA or US.")
    versions = list(RuleTableVersion.objects.select_related("created_by").defer("data")[:50])
    table = RuleTableVersion.objects.order_by("-version").first()
    entries = []
    if table is not None:
        for entry in table.data["jurisdictions"]:
            rows = entry["rules"]
            entries.append(
                {
                    "code": entry["code"],
                    "name": entry["name"],
                    "rows": len(rows),
                    "unverified": sum(1 for row in rows if row["needs_verification"]),
                }
            )
    context = {"table": table, "entries": entries, "versions": versions, "disclaimer": DISCLAIMER}
    return render(request, "safety/admin_jurisdictions.html", context)


@require_http_methods(["GET", "POST"])
def admin_jurisdiction(request: HttpRequest, code: str) -> HttpResponse:
    require_administrator(request)
    code = code.upper()
    if not JURISDICTION_CODE.match(code):
        raise Http404("Not a jurisdiction code.")
    newest = RuleTableVersion.objects.order_by("-version").first()
    if newest is None:
        raise Http404("No rule table is loaded.")
    shown = newest
    if "version" in request.GET:
        if not request.GET["version"].isdigit():
            raise Http404("No such version.")
        shown = get_object_or_404(RuleTableVersion, version=request.GET["version"])
    entry = shown.entry(code)
    if entry is None and shown is not newest:
        raise Http404("This jurisdiction is not in that version.")
    error = conflict = None
    if request.method == "POST":
        form = JurisdictionForm(request.POST)
        if form.is_valid():
            try:
                table = actions.save_jurisdiction(
                    code,
                    form.cleaned_data["entry"],
                    base_version=form.cleaned_data["base_version"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except RuleTableError as invalid:
                error = str(invalid)
            except actions.ContentConflict as stale:
                conflict = stale.current_version
            else:
                messages.success(request, f"Saved: the rule table is now version {table.version}.")
                return redirect("safety:admin-jurisdiction", code=code)
    else:
        form = JurisdictionForm(
            initial={
                "entry": json.dumps(entry or actions.new_entry(code), indent=2, ensure_ascii=False),
                "base_version": newest.version,
                "note": "" if shown is newest else f"Restore {code} from version {shown.version}",
            }
        )
    rules = None
    if entry is not None:
        rules = load_jurisdiction_rules(shown.data, code)
    history = _entry_history(code)
    context = {
        "editable": shown.version == newest.version,
        "restore_json": json.dumps(entry, ensure_ascii=False) if entry else "",
        "code": code,
        "entry": entry,
        "rules": rules,
        "shown": shown,
        "newest": newest,
        "form": form,
        "error": error,
        "conflict": conflict,
        "history": history,
        "disclaimer": DISCLAIMER,
    }
    return render(request, "safety/admin_jurisdiction.html", context)


def _entry_history(code: str) -> list[RuleTableVersion]:
    """The table versions in which this jurisdiction's entry changed, newest first."""
    changed = []
    previous: Any = object()
    for table in RuleTableVersion.objects.select_related("created_by").order_by("version"):
        entry = table.entry(code)
        if entry != previous:
            changed.append(table)
        previous = entry
    return changed[::-1]


# --- Administrators: one part of a jurisdiction at a time ---------------------------------------


def _editable(request: HttpRequest, code: str) -> tuple[str, RuleTableVersion, dict[str, Any]]:
    """The code, the newest table and that jurisdiction's entry in it (a blank one if new)."""
    require_administrator(request)
    code = code.upper()
    if not JURISDICTION_CODE.match(code):
        raise Http404("Not a jurisdiction code.")
    newest = RuleTableVersion.objects.order_by("-version").first()
    if newest is None:
        raise Http404("No rule table is loaded.")
    return code, newest, newest.entry(code) or actions.new_entry(code)


# Where a message from `load_jurisdiction_rules` points, as "….field: problem".
_TABLE_ERROR_FIELD = re.compile(r"\.(\w+): (.+)$")


def _save_part(form: Any, save: Any, *, code: str) -> RuleTableVersion | None:
    """Run `save()`; a refusal becomes an error on the form (on its field when the table's
    message names one), so the page shows it next to what was typed. None if refused."""
    try:
        return save()
    except actions.ContentConflict as stale:
        form.add_error(
            None,
            f"Someone saved version {stale.current_version} of the rule table while you were "
            "editing, so nothing was saved. Your changes are still below: open the "
            f"{code} page in another tab to compare, then save again.",
        )
    except RuleTableError as invalid:
        message = str(invalid)
        found = _TABLE_ERROR_FIELD.search(message)
        if found and found.group(1) in form.fields and not form.fields[found.group(1)].disabled:
            form.add_error(found.group(1), found.group(2))
        elif "duplicate rule id" in message and "id" in form.fields:
            form.add_error("id", "Another rule already has this id: choose another.")
        else:
            form.add_error(None, message)
    return None


def _part_page(
    request: HttpRequest,
    code: str,
    entry: dict[str, Any],
    *,
    heading: str,
    form: Any,
    remove_form: VersionNoteForm | None = None,
    remove_url: str = "",
    what: str = "",
) -> HttpResponse:
    context = {
        "code": code,
        "entry": entry,
        "heading": heading,
        "form": form,
        "remove_form": remove_form,
        "remove_url": remove_url,
        "what": what,
        "known_conditions": [condition.value for condition in KnownCondition],
        "disclaimer": DISCLAIMER,
    }
    return render(request, "safety/admin_jurisdiction_part.html", context)


def _saved(request: HttpRequest, code: str, table: RuleTableVersion, anchor: str) -> HttpResponse:
    messages.success(request, f"Saved: the rule table is now version {table.version}.")
    return redirect(reverse("safety:admin-jurisdiction", args=[code]) + anchor)


@require_http_methods(["GET", "POST"])
def admin_jurisdiction_details(request: HttpRequest, code: str) -> HttpResponse:
    code, newest, entry = _editable(request, code)
    initial = {**JurisdictionDetailsForm.initial_for(entry), "base_version": newest.version}
    form = JurisdictionDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        table = _save_part(
            form,
            lambda: actions.save_jurisdiction_details(
                code,
                name=data["name"],
                notes=data["notes"],
                none_found=form.none_found(),
                base_version=data["base_version"],
                note=data["note"],
                by=request.user,
            ),
            code=code,
        )
        if table is not None:
            return _saved(request, code, table, "")
    return _part_page(request, code, entry, heading=f"Name and notes of {code}", form=form)


@require_http_methods(["GET", "POST"])
def admin_jurisdiction_rule(request: HttpRequest, code: str, rule_id: str = "") -> HttpResponse:
    """Edit one row of a jurisdiction's rules, or add one (no `rule_id`)."""
    code, newest, entry = _editable(request, code)
    row = next((r for r in entry["rules"] if r["id"] == rule_id), None) if rule_id else None
    if rule_id and row is None:
        raise Http404("No such rule in the current table.")
    if row is not None:
        initial = RuleRowForm.initial_for(row)
    else:
        initial = {"id": f"{code}-", "needs_verification": True, "checked_on": timezone.localdate()}
    initial["base_version"] = newest.version
    form = RuleRowForm(request.POST or None, initial=initial, code=code, existing=row is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        table = _save_part(
            form,
            lambda: actions.save_rule_row(
                code,
                form.row(),
                replaces=rule_id or None,
                base_version=data["base_version"],
                note=data["note"],
                by=request.user,
            ),
            code=code,
        )
        if table is not None:
            return _saved(request, code, table, "#rules")
    return _part_page(
        request,
        code,
        entry,
        heading=f"Rule {rule_id}" if row else f"Add a rule to {code}",
        form=form,
        remove_form=VersionNoteForm(initial={"base_version": newest.version}, prefix="remove")
        if row
        else None,
        remove_url=reverse("safety:admin-jurisdiction-remove-rule", args=[code, rule_id])
        if row
        else "",
        what="rule",
    )


@require_POST
def admin_jurisdiction_remove_rule(request: HttpRequest, code: str, rule_id: str) -> HttpResponse:
    code, newest, entry = _editable(request, code)
    row = next((r for r in entry["rules"] if r["id"] == rule_id), None)
    if row is None:
        raise Http404("No such rule in the current table.")
    remove = VersionNoteForm(request.POST, prefix="remove")
    if remove.is_valid():
        table = _save_part(
            remove,
            lambda: actions.remove_rule_row(
                code,
                rule_id,
                base_version=remove.cleaned_data["base_version"],
                note=remove.cleaned_data["note"],
                by=request.user,
            ),
            code=code,
        )
        if table is not None:
            return _saved(request, code, table, "#rules")
    form = RuleRowForm(
        initial={**RuleRowForm.initial_for(row), "base_version": newest.version},
        code=code,
        existing=True,
    )
    return _part_page(
        request,
        code,
        entry,
        heading=f"Rule {rule_id}",
        form=form,
        remove_form=remove,
        remove_url=request.path,
        what="rule",
    )


@require_http_methods(["GET", "POST"])
def admin_jurisdiction_line(request: HttpRequest, code: str, number: int = 0) -> HttpResponse:
    """Edit the jurisdiction's line `number` (counted from 1), or add one (no number)."""
    code, newest, entry = _editable(request, code)
    index = number - 1 if number else None
    if index is not None and not 0 <= index < len(entry["hotlines"]):
        raise Http404("No such line in the current table.")
    initial = dict(entry["hotlines"][index]) if index is not None else {}
    initial["base_version"] = newest.version
    form = HotlineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        table = _save_part(
            form,
            lambda: actions.save_hotline(
                code,
                form.line(),
                index=index,
                base_version=data["base_version"],
                note=data["note"],
                by=request.user,
            ),
            code=code,
        )
        if table is not None:
            return _saved(request, code, table, "#lines")
    return _part_page(
        request,
        code,
        entry,
        heading=f"Line {number} of {code}" if index is not None else f"Add a line to {code}",
        form=form,
        remove_form=VersionNoteForm(initial={"base_version": newest.version}, prefix="remove")
        if index is not None
        else None,
        remove_url=reverse("safety:admin-jurisdiction-remove-line", args=[code, number])
        if index is not None
        else "",
        what="line",
    )


@require_POST
def admin_jurisdiction_remove_line(request: HttpRequest, code: str, number: int) -> HttpResponse:
    code, newest, entry = _editable(request, code)
    index = number - 1
    if not 0 <= index < len(entry["hotlines"]):
        raise Http404("No such line in the current table.")
    remove = VersionNoteForm(request.POST, prefix="remove")
    if remove.is_valid():
        table = _save_part(
            remove,
            lambda: actions.remove_hotline(
                code,
                index,
                base_version=remove.cleaned_data["base_version"],
                note=remove.cleaned_data["note"],
                by=request.user,
            ),
            code=code,
        )
        if table is not None:
            return _saved(request, code, table, "#lines")
    form = HotlineForm(initial={**entry["hotlines"][index], "base_version": newest.version})
    return _part_page(
        request,
        code,
        entry,
        heading=f"Line {number} of {code}",
        form=form,
        remove_form=remove,
        remove_url=request.path,
        what="line",
    )
