from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Lower
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import audit
from cases.content import StaleVersion, require_administrator
from cases.editing import edit_content
from cases.http import HtmxHttpRequest
from cases.models import AuditEntry, Case
from cases.params import whole_number
from cases.shell import get_case_for, render_case_tab
from referrals import actions, hsds, hsds_import, hsds_tabular, rules
from referrals.forms import (
    NO_STAFF,
    BarriersForm,
    ContactForm,
    DecisionForm,
    DirectoryFilterForm,
    DirectorySettingsForm,
    FollowUpForm,
    HandoverForm,
    HelpDeclinedForm,
    ImportForm,
    SearchForm,
    ServiceEditor,
    StatusForm,
    staff_for,
)
from referrals.models import (
    BarrierAssessment,
    DirectoryImport,
    DirectorySettings,
    HelpDeclined,
    Referral,
    ReferralEntry,
    Service,
    ServiceVersion,
)
from referrals.search import ResultPage, search_services
from referrals.terms import directory_terms

TAB = "referrals/case_referrals.html"
MAX_IMPORT_BYTES = 5 * 1024 * 1024


def _stale_days(request: HtmxHttpRequest) -> int:
    return DirectorySettings.stale_days_for(getattr(request.user, "facility_id", None))


def _search(form: SearchForm, request: HtmxHttpRequest) -> ResultPage | None:
    if not form.is_valid():
        return None
    return search_services(
        form.criteria(),
        now=timezone.localtime(),
        stale_after_days=_stale_days(request),
        page=form.page_number,
        terms=form.terms,
    )


def _query(form: SearchForm) -> str:
    """The search's filters as a query string, without its page number."""
    data = form.data
    if isinstance(data, QueryDict):
        query = data.copy()
        query.pop("page", None)
        return query.urlencode()
    kept = {k: v for k, v in data.items() if k != "page" and v not in (None, "", [])}
    return urlencode(kept, doseq=True)


def _page_url(action: str, form: SearchForm) -> str:
    """The results' address without its page number, for the "more" links to complete."""
    encoded = _query(form)
    return f"{action}?{encoded}&page=" if encoded else f"{action}?page="


def _results(form: SearchForm, request: HtmxHttpRequest, action: str) -> dict[str, Any]:
    return {
        "results": _search(form, request),
        "search_action": action,
        "page_url": _page_url(action, form),
    }


# --- Search outside a case ---------------------------------------------------------------------


@require_GET
def search(request: HtmxHttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    action = reverse("referrals:search")
    context: dict[str, Any] = {"form": form, "results": None, "action": action}
    if request.GET:
        context.update(_results(form, request, action))
    template = "referrals/search.html#results" if request.htmx else "referrals/search.html"
    status = 400 if request.GET and not form.is_valid() else 200
    return render(request, template, context, status=status)


# --- The case's Referrals tab ------------------------------------------------------------------


def _tab_context(
    request: HtmxHttpRequest, case: Case, *, kept: dict[Any, Any] | None = None
) -> dict[str, Any]:
    kept = kept or {}
    assessment = BarrierAssessment.objects.filter(case=case).first()
    barriers = assessment.barriers if assessment else []
    terms = directory_terms()  # once, for the barriers form, the search form and the search
    # The barrier assessment pre-fills the search (bound, so its results show at once).
    search_form = kept.get("search") or SearchForm(
        {"region": case.jurisdiction, "barriers": barriers}, terms=terms
    )
    referrals = list(
        case.referrals.select_related("service", "responsible").prefetch_related(
            Prefetch("entries", queryset=ReferralEntry.objects.select_related("by"))
        )
    )
    declined = HelpDeclined.objects.filter(case=case).first()
    plan = actions.contact_plan(case)
    today = timezone.localdate()
    staff = staff_for(case) if referrals else NO_STAFF
    rows = []
    for referral in referrals:
        key = referral.pk
        rows.append(
            {
                "referral": referral,
                "overdue": rules.is_overdue(referral.follow_up_on, today=today)
                and referral.status in rules.OPEN_STATUSES,
                "decision": kept.get(("decision", key))
                or DecisionForm(
                    staff=staff,
                    initial={
                        "version": referral.version,
                        "follow_up_on": referral.follow_up_on,
                        "responsible": referral.responsible_id,
                    },
                ),
                "status": kept.get(("status", key))
                or StatusForm(
                    choices=referral.next_statuses, initial={"version": referral.version}
                ),
                "follow_up": kept.get(("follow_up", key))
                or FollowUpForm(
                    staff=staff,
                    initial={
                        "version": referral.version,
                        "follow_up_on": referral.follow_up_on,
                        "responsible": referral.responsible_id,
                    },
                ),
                "contact": kept.get(("contact", key)) or ContactForm(),
                "handover": kept.get(("handover", key)) or HandoverForm(),
                "error": kept.get(("error", key), ""),
            }
        )
    any_declined = any(r.status == "declined" for r in referrals) or declined is not None
    action = reverse("referrals:case-search", args=[case.ref])
    # An HTMX tab switch shows the tab at once and asks for the pre-filled search's results
    # right after (`hx-trigger="load"`, below the referrals and the barriers): ranking the
    # directory and writing twenty cards was half the switch. The whole page (no JavaScript, a
    # reload, a form's answer) has them inline, as before.
    if (
        not kept
        and request.htmx
        and request.htmx.target == "tab-panel"
        and search_form.is_valid()  # else the tab shows what is wrong at once
    ):
        results = {"results_later": f"{action}?{_query(search_form)}", "search_action": action}
    else:
        results = _results(search_form, request, action)
    # The national lines are offered only on the refusal path: read them only then.
    hotlines = (
        Service.objects.listed()
        .serving(case.jurisdiction)
        .filter(hotline_rank__isnull=False)
        .order_by("hotline_rank", "name")
        .prefetch_related("phones")[:3]
        if any_declined
        else []
    )
    return {
        "barriers_form": kept.get("barriers")
        or BarriersForm(
            initial={"barriers": barriers, "version": assessment.version if assessment else 0},
            terms=terms,
        ),
        "search_form": search_form,
        **results,
        "rows": rows,
        "plan_warnings": rules.plan_warnings(plan),
        "do_not_contact": plan.do_not_contact,
        "refusal": any_declined,
        "declined": declined,
        "refusal_items": rules.refusal_checklist(declined.facts()) if declined else None,
        "declined_form": kept.get("declined") or HelpDeclinedForm(),
        "hotlines": list(hotlines),
        "error": kept.get("error", ""),
    }


def _render_tab(
    request: HtmxHttpRequest, case: Case, *, kept: dict[Any, Any] | None = None, status: int = 200
) -> HttpResponse:
    response = render_case_tab(
        request, case, TAB, _tab_context(request, case, kept=kept), tab="referrals"
    )
    response.status_code = status
    return response


def _back(case: Case, anchor: str = "") -> HttpResponse:
    url = reverse("referrals:case-referrals", args=[case.ref])
    return redirect(f"{url}#{anchor}" if anchor else url)


@require_GET
def case_referrals(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    return _render_tab(request, case)


@require_GET
def case_search(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    form = SearchForm(request.GET)
    if not request.htmx:
        return _render_tab(request, case, kept={"search": form}, status=_status(form))
    audit.record_case_view(case, user=request.user, part="referral-search")
    context = {
        "case": case,
        "search_form": form,
        **_results(form, request, reverse("referrals:case-search", args=[case.ref])),
    }
    return render(request, f"{TAB}#results", context, status=_status(form))


def _status(form: Any) -> int:
    return 200 if form.is_valid() else 400


def _referral(case: Case, referral_id: int) -> Referral:
    # Looked up within the case the user may see: a referral id from another case is a 404.
    return get_object_or_404(
        Referral.objects.select_related("service", "case"), pk=referral_id, case=case
    )


@require_POST
def save_barriers(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    form = BarriersForm(request.POST)
    if not form.is_valid():
        return _render_tab(request, case, kept={"barriers": form}, status=400)
    try:
        actions.save_barriers(
            case,
            form.cleaned_data["barriers"],
            base_version=form.cleaned_data["version"],
            by=request.user,
        )
    except StaleVersion:
        error = _("Someone saved the barriers meanwhile; here is their version.")
        return _render_tab(request, case, kept={"error": error}, status=409)
    return _back(case, "search")


@require_POST
def offer_service(request: HtmxHttpRequest, case_ref: str, service_id: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    service = get_object_or_404(Service.objects.listed(), pk=service_id)
    actions.offer_service(case, service, by=request.user)
    return _back(case, "referrals")


def _referral_post(
    request: HtmxHttpRequest,
    case_ref: str,
    referral_id: int,
    kind: str,
    make_form: Any,
    apply: Any,
) -> HttpResponse:
    """One shape for every referral change: validate, apply, or show the tab with input kept."""
    case = get_case_for(request, case_ref)
    referral = _referral(case, referral_id)
    form = make_form(request.POST, case, referral)
    if not form.is_valid():
        return _render_tab(request, case, kept={(kind, referral.pk): form}, status=400)
    try:
        apply(referral, form.cleaned_data)
    except StaleVersion:
        error = _("This referral changed meanwhile: check it and try again.")
        return _render_tab(
            request,
            case,
            kept={(kind, referral.pk): form, ("error", referral.pk): error},
            status=409,
        )
    except actions.Refused as refused:
        return _render_tab(
            request,
            case,
            kept={(kind, referral.pk): form, ("error", referral.pk): str(refused)},
            status=400,
        )
    return _back(case, f"referral-{referral.pk}")


@require_POST
def record_decision(request: HtmxHttpRequest, case_ref: str, referral_id: int) -> HttpResponse:
    def apply(referral: Referral, data: dict[str, Any]) -> None:
        actions.record_decision(
            referral,
            accepted=data["decision"] == "accept",
            consent_to_share=data["consent_to_share"],
            share_scope=data["share_scope"],
            follow_up_on=data["follow_up_on"],
            responsible=data["responsible"],
            base_version=data["version"],
            by=request.user,
        )

    return _referral_post(
        request,
        case_ref,
        referral_id,
        "decision",
        lambda post, case, referral: DecisionForm(post, staff=staff_for(case)),
        apply,
    )


@require_POST
def change_status(request: HtmxHttpRequest, case_ref: str, referral_id: int) -> HttpResponse:
    def apply(referral: Referral, data: dict[str, Any]) -> None:
        actions.change_status(
            referral,
            rules.Status(data["status"]),
            override_reason=data["override_reason"],
            note=data["note"],
            base_version=data["version"],
            by=request.user,
        )

    return _referral_post(
        request,
        case_ref,
        referral_id,
        "status",
        lambda post, case, referral: StatusForm(post, choices=referral.next_statuses),
        apply,
    )


@require_POST
def set_follow_up(request: HtmxHttpRequest, case_ref: str, referral_id: int) -> HttpResponse:
    def apply(referral: Referral, data: dict[str, Any]) -> None:
        actions.set_follow_up(
            referral,
            follow_up_on=data["follow_up_on"],
            responsible=data["responsible"],
            base_version=data["version"],
            by=request.user,
        )

    return _referral_post(
        request,
        case_ref,
        referral_id,
        "follow_up",
        lambda post, case, referral: FollowUpForm(post, staff=staff_for(case)),
        apply,
    )


@require_POST
def log_contact(request: HtmxHttpRequest, case_ref: str, referral_id: int) -> HttpResponse:
    def apply(referral: Referral, data: dict[str, Any]) -> None:
        actions.log_patient_contact(
            referral,
            rules.ContactMethod(data["method"]),
            note=data["note"],
            override_reason=data["override_reason"],
            by=request.user,
        )

    return _referral_post(
        request,
        case_ref,
        referral_id,
        "contact",
        lambda post, case, referral: ContactForm(post),
        apply,
    )


@require_POST
def record_handover(request: HtmxHttpRequest, case_ref: str, referral_id: int) -> HttpResponse:
    def apply(referral: Referral, data: dict[str, Any]) -> None:
        actions.record_handover(
            referral,
            introduced_to=data["introduced_to"],
            how=data["how"],
            note=data["note"],
            by=request.user,
        )

    return _referral_post(
        request,
        case_ref,
        referral_id,
        "handover",
        lambda post, case, referral: HandoverForm(post),
        apply,
    )


@require_POST
def help_declined(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    form = HelpDeclinedForm(request.POST)
    if not form.is_valid():
        return _render_tab(request, case, kept={"declined": form}, status=400)
    actions.record_help_declined(case, by=request.user, **form.cleaned_data)
    return _back(case, "help-declined")


# --- Administrators: the directory -------------------------------------------------------------


def _require_administrator(request: HtmxHttpRequest) -> None:
    require_administrator(request, _("Only administrators edit the referral directory."))


DIRECTORY_PAGE = 50  # entries per page of the administrators' list
WORK_LIST_SHOWN = 20  # entries due for re-checking shown above it (the rest: filter "to re-check")


@require_GET
def directory(request: HtmxHttpRequest) -> HttpResponse:
    """The administrators' list: entries due for re-checking first, then every entry, a page at
    a time (at 20,000 services the whole list took 6 s), filtered by name."""
    _require_administrator(request)
    today = timezone.localdate()
    days = _stale_days(request)
    form = DirectoryFilterForm(request.GET or None)
    name, only_stale = "", False
    if form.is_valid():
        name, only_stale = form.cleaned_data["name"], form.cleaned_data["stale"]
    due = (
        Service.objects.exclude(status=Service.Status.DEFUNCT)
        .stale(today=today, stale_after_days=days)
        # Never verified first on both databases (PostgreSQL sorts NULL last by default).
        .order_by(F("assured_date").asc(nulls_first=True), "name", "pk")
        .only("id", "name", "assured_date", "version")
    )
    services = (due if only_stale else Service.objects.all()).select_related("organization")
    if name:
        services = services.filter(Q(name__icontains=name) | Q(organization__name__icontains=name))
    services = services.only(
        "id",
        "name",
        "status",
        "assured_date",
        "is_demo",
        "hotline_rank",
        "version",
        "organization__name",
    )
    if not only_stale:
        # The name index's order (lower(name), id), as search reads it: a page is read from the
        # index and stops at its limit, where sorting on name sorted all 20,000 entries.
        services = services.order_by(Lower("name"), "pk")
    page = Paginator(services, DIRECTORY_PAGE).get_page(request.GET.get("page"))
    rows = [(s, s.freshness(today=today, stale_after_days=days)) for s in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/directory.html",
        {
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "filter_form": form,
            "stale": list(due[:WORK_LIST_SHOWN]),
            "stale_count": due.count(),
            "stale_after_days": days,
        },
        status=400 if request.GET and not form.is_valid() else 200,
    )


@require_GET
def service_new(request: HtmxHttpRequest) -> HttpResponse:
    """A new entry gets its id before its first save, so pressing Save twice cannot make two
    entries: the second save is refused as stale (someone, you, saved version 1 first)."""
    _require_administrator(request)
    return redirect("referrals:service-edit", service_id=uuid.uuid4())


@require_http_methods(["GET", "POST"])
def service_edit(request: HtmxHttpRequest, service_id: uuid.UUID) -> HttpResponse:
    """The entry's editor on the content pattern: any saved version opened (and restored by
    saving it), a stale save refused with theirs and yours, the history from stored changes."""
    _require_administrator(request)
    service = Service.objects.filter(pk=service_id).select_related("verified_by").first()
    if service is not None:
        shown = actions.entry_version(service)
        wanted = whole_number(request.GET.get("version", ""))
        if "version" in request.GET and wanted is not None:
            old = ServiceVersion.objects.filter(slug=shown.slug, version=wanted).first()
            if old is not None and not old.restorable:
                raise Http404(_("This version was kept before whole versions were stored."))
    else:
        shown = ServiceVersion(slug=str(service_id), version=0, content={})
    return edit_content(
        request,
        shown,
        ServiceEditor,
        template="referrals/service_form.html",
        done=reverse("referrals:service-edit", args=[service_id]),
        context={"service": service, "is_new": service is None},
    )


def _entry_change(request: HtmxHttpRequest, service_id: uuid.UUID, change: Any) -> HttpResponse:
    """Verify, retire or return an entry: one more version, from the version the page showed."""
    _require_administrator(request)
    service = get_object_or_404(Service, pk=service_id)
    base_version = whole_number(request.POST.get("base_version", ""))
    if base_version is None:
        return HttpResponse(_("The form was incomplete."), status=400)
    try:
        change(service, base_version)
    except StaleVersion:
        messages.error(request, _("The entry changed meanwhile: check it and try again."))
        return redirect("referrals:service-edit", service_id=service.pk)
    if request.POST.get("next") == "directory":
        return redirect("referrals:directory")
    return redirect("referrals:service-edit", service_id=service.pk)


@require_POST
def service_verify(request: HtmxHttpRequest, service_id: uuid.UUID) -> HttpResponse:
    def verify(service: Service, base_version: int) -> None:
        actions.verify_service(
            service, base_version=base_version, on=timezone.localdate(), by=request.user
        )
        messages.success(request, _("Entry marked as verified today."))

    return _entry_change(request, service_id, verify)


@require_POST
def service_status(request: HtmxHttpRequest, service_id: uuid.UUID) -> HttpResponse:
    status = request.POST.get("status", "")
    if status not in (Service.Status.DEFUNCT, Service.Status.ACTIVE):
        _require_administrator(request)
        return HttpResponse(_("Unknown status."), status=400)

    def set_status(service: Service, base_version: int) -> None:
        actions.set_service_status(service, status, base_version=base_version, by=request.user)
        messages.success(request, _("Entry status saved."))

    return _entry_change(request, service_id, set_status)


@require_http_methods(["GET", "POST"])
def directory_settings(request: HtmxHttpRequest) -> HttpResponse:
    _require_administrator(request)
    facility = request.user.facility
    if facility is None:
        raise PermissionDenied(_("Your account has no facility."))
    current = DirectorySettings.stale_days_for(facility.pk)
    form = DirectorySettingsForm(request.POST or None, initial={"stale_after_days": current})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            DirectorySettings.objects.update_or_create(
                facility=facility,
                defaults={"stale_after_days": form.cleaned_data["stale_after_days"]},
            )
            audit.record(
                AuditEntry.Action.CONTENT_CHANGE,
                user=request.user,
                content="referral-directory-settings",
                stale_after_days=form.cleaned_data["stale_after_days"],
            )
        messages.success(request, _("Directory settings saved."))
        return redirect("referrals:directory")
    return render(
        request,
        "referrals/directory_settings.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def directory_import(request: HtmxHttpRequest) -> HttpResponse:
    """Upload → dry run (row by row) → commit all or nothing."""
    _require_administrator(request)
    if request.method == "GET":
        return render(request, "referrals/directory_import.html", {"form": ImportForm()})
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "referrals/directory_import.html", {"form": form}, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_IMPORT_BYTES:
        form.add_error("file", _("The file is larger than 5 MB."))
        return render(request, "referrals/directory_import.html", {"form": form}, status=400)
    data = upload.read()
    notes: list[str] = []
    if upload.name.lower().endswith(".zip"):
        raw, notes, error = hsds_tabular.read_package(data)
        plan = hsds_import.ImportPlan([], error=error) if error else hsds_import.plan_import(raw)
    else:
        raw = data.decode("utf-8", errors="replace")
        plan = hsds_import.plan_import(raw)
    pending = None
    if plan.can_commit:
        pending = DirectoryImport.objects.create(
            content=raw, file_name=upload.name[:200], uploaded_by=request.user
        )
    return render(
        request,
        "referrals/directory_import.html",
        {"form": ImportForm(), "plan": plan, "pending": pending, "notes": notes},
        status=200 if plan.can_commit else 400,
    )


@require_POST
def directory_import_commit(request: HtmxHttpRequest, import_id: int) -> HttpResponse:
    _require_administrator(request)
    pending = get_object_or_404(
        DirectoryImport, pk=import_id, uploaded_by=request.user, committed_at__isnull=True
    )
    try:
        with transaction.atomic():
            plan = hsds_import.commit_import(pending.content, by=request.user)
            DirectoryImport.objects.filter(pk=pending.pk).update(committed_at=timezone.now())
            audit.record(
                AuditEntry.Action.CONTENT_CHANGE,
                user=request.user,
                content="referral-directory-import",
                added=plan.count("added"),
                changed=plan.count("changed"),
            )
    except hsds_import.ImportRefused as refused:
        return render(
            request,
            "referrals/directory_import.html",
            {"form": ImportForm(), "plan": refused.plan},
            status=400,
        )
    messages.success(
        request,
        _("Imported: %(added)s added, %(changed)s changed.")
        % {"added": plan.count("added"), "changed": plan.count("changed")},
    )
    return redirect("referrals:directory")


def _exported_services() -> Any:
    return Service.objects.select_related("organization").prefetch_related(
        "phones", "languages", "schedules", "service_areas"
    )


@require_GET
def directory_export(request: HtmxHttpRequest) -> HttpResponse:
    _require_administrator(request)
    audit.record(AuditEntry.Action.EXPORT, user=request.user, content="referral-directory")
    response = JsonResponse(hsds.export_page(_exported_services()), json_dumps_params={"indent": 1})
    response["Content-Disposition"] = 'attachment; filename="directory-hsds.json"'
    return response


@require_GET
def directory_export_tabular(request: HtmxHttpRequest) -> HttpResponse:
    """The HSDS tabular data package: one CSV per table and its `datapackage.json`."""
    _require_administrator(request)
    audit.record(AuditEntry.Action.EXPORT, user=request.user, content="referral-directory-tabular")
    response = HttpResponse(
        hsds_tabular.write_package(_exported_services()), content_type="application/zip"
    )
    response["Content-Disposition"] = 'attachment; filename="directory-hsds-tabular.zip"'
    return response
