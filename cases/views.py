from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language

from cases import access_log, actions, audit, providers, worklists
from cases.content import StaleVersion
from cases.forms import (
    AssignForm,
    CaseDetailsForm,
    CaseListFilterForm,
    EscalateForm,
    FacilitySettingsForm,
    LanguageForm,
    LineCalledForm,
    ResolveEscalationForm,
    SignInForm,
    StartCaseForm,
)
from cases.http import HtmxHttpRequest, SignOutRequest
from cases.models import AuditEntry, Case, CaseQuerySet, User
from cases.shell import case_actions, get_case_for, render_case_tab
from cases.timeline import TimelineEntry
from cases.timeline import timeline as case_timeline

# Long lists are cut, not paginated: a home page is a work queue, not an archive.
HOME_LIST_LIMIT = 50
ACCESS_LOG_LIMIT = 500


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    visible = Case.objects.for_user(user).open().with_list_columns()
    context: dict[str, object] = {}
    if user.is_supervisor:
        facility_open = Case.objects.for_user(user).open()
        context["escalated_cases"] = worklists.first(
            facility_open.escalated().oldest_escalation_first(), HOME_LIST_LIMIT
        )
        # Each case once on a supervisor's home: escalated, else report to log, else other.
        context["outstanding_report_cases"] = worklists.first(
            facility_open.filter(report_outstanding=True, escalated_at__isnull=True).order_by(
                "created_at"
            ),
            HOME_LIST_LIMIT,
        )
    if user.is_clinician:
        filters = CaseListFilterForm(request.GET or None, user=user)
        mine = visible
        if filters.is_valid():
            if filters.cleaned_data["unit"]:
                mine = mine.filter(unit=filters.cleaned_data["unit"])
            mine = mine.find(filters.cleaned_data["q"])
        context["filters"] = filters
        context["filtered"] = filters.is_bound
        context["my_cases"] = list(mine.order_by("-updated_at")[:HOME_LIST_LIMIT])
        context["last_case"] = last_case_of(user, visible)
        context["review_requests"] = returned_to(user)
    if user.is_supervisor:
        context["facility_cases"] = worklists.first(
            facility_open.filter(escalated_at__isnull=True, report_outstanding=False).order_by(
                "-updated_at"
            ),
            HOME_LIST_LIMIT,
        )
    if user.is_administrator:
        context["admin_links"] = administrator_links()
        context["stale_entries"] = providers.stale_directory_entries(
            facility_id=user.facility_id, limit=HOME_LIST_LIMIT
        )
    return render(request, "cases/home.html", context)


def returned_to(user: User) -> list[Case]:
    """Cases a supervisor returned with a request, among those this clinician sees."""
    cases = Case.objects.for_user(user).open().filter(review_status=Case.Review.RETURNED)
    return list(cases.with_list_columns().order_by("updated_at")[:HOME_LIST_LIMIT])


def last_case_of(user: User, visible: CaseQuerySet) -> Case | None:
    """The open case this user last had on screen, so that after a quick-hide or an idle lock
    they find it first. Only a link: it is never reopened by itself, since someone else may be
    the next to sign in. Read from the audit log, the one place that knows without a cookie."""
    last_view = (
        AuditEntry.objects.filter(user=user, action=AuditEntry.Action.CASE_VIEW)
        .exclude(case=None)
        .order_by("-at", "-pk")
        .values("case_id")[:1]
    )
    return visible.filter(pk__in=last_view).first()


def administrator_links() -> list[tuple[str, str]]:
    links = [(_("Facility settings"), reverse("cases:facility-settings"))]
    links.append((_("Users, units and roles"), reverse("admin:index")))
    for label, url_name in settings.HARBOR_ADMIN_LINKS:
        try:
            links.append((str(label), reverse(url_name)))
        except NoReverseMatch:
            continue  # that phase has not built its editor yet
    return links


@require_http_methods(["GET", "POST"])
def start_case(request: HtmxHttpRequest) -> HttpResponse:
    if not request.user.is_clinician:
        raise PermissionDenied("Only clinicians start cases.")
    form = StartCaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        case = actions.open_case(
            unit=form.cleaned_data["unit"],
            jurisdiction=form.cleaned_data["jurisdiction"],
            age_years=form.cleaned_data["age_years"],
            preferred_language=form.cleaned_data["preferred_language"],
            ward_label=form.cleaned_data["ward_label"],
            by=request.user,
        )
        # A new case starts where the work starts: the screening gate, if screening is installed.
        try:
            return redirect(reverse("screening:case-screening", kwargs={"case_ref": case.ref}))
        except NoReverseMatch:
            return redirect(case)
    return render(request, "cases/start_case.html", {"form": form})


@require_GET
def case_detail(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    context: dict[str, object] = {"events": timeline(case)}
    if actions.may_assign(case, request.user):
        context["assign_form"] = AssignForm(case=case)
    return render_case_tab(request, case, "cases/case_detail.html", context, tab="overview")


@require_GET
def case_summary(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    """The case header alone, refreshed when a phase changes what it shows (e.g. concern)."""
    case = get_case_for(request, case_ref)
    audit.record_case_view(case, user=request.user, part="summary")
    return render(
        request,
        "cases/case_page.html#case-summary",
        {"case": case, "case_actions": case_actions(case)},
    )


def timeline(case: Case) -> list[TimelineEntry]:
    return case_timeline(case)


@require_http_methods(["GET", "POST"])
def edit_case(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    conflict = None
    if request.method == "POST":
        form = CaseDetailsForm(request.POST, instance=Case.objects.get(pk=case.pk))
        if form.is_valid():
            try:
                actions.update_case(
                    case,
                    form.changes(),
                    base_version=form.cleaned_data["version"],
                    by=request.user,
                )
            except StaleVersion as stale:
                audit.record(
                    AuditEntry.Action.CASE_CONFLICT,
                    user=request.user,
                    case=case,
                    base_version=form.cleaned_data["version"],
                    current_version=stale.current.version,
                )
                conflict = conflict_rows(form, stale.current)
                # Keep everything the user typed; only move them onto the newest version, so
                # that saving again is a deliberate choice made with both versions in view.
                data = request.POST.copy()
                data["version"] = stale.current.version
                form = CaseDetailsForm(data, instance=stale.current)
                form.is_valid()
            else:
                messages.success(request, _("Case details saved."))
                return redirect(case)
    else:
        form = CaseDetailsForm(instance=case, initial={"version": case.version})
    return render_case_tab(
        request,
        case,
        "cases/edit_case.html",
        {"form": form, "conflict": conflict},
        tab="overview",
    )


def conflict_rows(form: CaseDetailsForm, current: Case) -> list[tuple[str, object, object]]:
    """The fields where what the user typed differs from what was saved meanwhile."""
    rows = []
    for name in CaseDetailsForm.Meta.fields:
        theirs = getattr(current, name)
        mine = form.cleaned_data.get(name)
        if theirs != mine:
            label = getattr(Case._meta.get_field(name), "verbose_name", name)
            rows.append((str(label).capitalize(), display(current, name), mine))
    return rows


def display(case: Case, name: str) -> object:
    getter = getattr(case, f"get_{name}_display", None)
    return getter() if getter else getattr(case, name)


@require_http_methods(["GET", "POST"])
def escalate_case(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    form = EscalateForm(
        request.POST or None, facility=case.facility, initial={"version": case.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.escalate_case(
                case,
                reason=form.cleaned_data["reason"],
                to=form.cleaned_data["to"],
                by=request.user,
                base_version=form.cleaned_data["version"],
            )
        except StaleVersion as stale:
            audit_conflict(request, case, form.cleaned_data["version"], stale.current.version)
            # Keep the reason typed; show what is on the case now, and move the form onto it.
            data = request.POST.copy()
            data["version"] = stale.current.version
            form = EscalateForm(data, facility=case.facility)
            form.is_valid()
            form.add_error(
                None,
                _(
                    "The case changed while you were writing (it may have been escalated "
                    "already). Read it below, then escalate again if you still need to."
                ),
            )
            case = stale.current
        else:
            messages.success(request, _("The case is now in the supervisors' queue."))
            return redirect(case)
    status = 409 if form.non_field_errors() else 400 if form.errors else 200
    return render_case_tab(
        request,
        case,
        "cases/escalate_case.html",
        {"form": form},
        tab="overview",
        status=status,
    )


def audit_conflict(request: HtmxHttpRequest, case: Case, expected: int, current: int) -> None:
    audit.record(
        AuditEntry.Action.CASE_CONFLICT,
        user=request.user,
        case=case,
        base_version=expected,
        current_version=current,
    )


@require_GET
def case_access_log(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    """Who opened or changed this case, when and from where: supervisors check for snooping."""
    case = get_case_for(request, case_ref)
    if not request.user.is_supervisor:
        raise PermissionDenied("Only supervisors read a case's access log.")
    rows = access_log.rows(case.audit_entries.all()[:ACCESS_LOG_LIMIT])
    return render_case_tab(
        request, case, "cases/case_access_log.html", {"rows": rows}, tab="overview"
    )


@require_POST
def log_line_call(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    """One click: "I called this line together with the patient", on the timeline."""
    case = get_case_for(request, case_ref)
    form = LineCalledForm(request.POST)
    back = url_has_allowed_host_and_scheme(
        request.POST.get("next", ""), allowed_hosts={request.get_host()}
    )
    next_url = request.POST["next"] if back else case.get_absolute_url()
    if not form.is_valid():
        messages.error(request, _("That number could not be recorded. Try again."))
        return redirect(next_url)
    actions.log_line_call(case, phone=form.cleaned_data["phone"], by=request.user)
    message = _("Recorded: you called %(phone)s with the patient.") % {
        "phone": form.cleaned_data["phone"]
    }
    if request.htmx:
        response = render(request, "cases/hotline.html#line-called", {"called_message": message})
        response["HX-Trigger"] = "case-changed"
        return response
    messages.success(request, message)
    return redirect(next_url)


@require_POST
def resolve_escalation(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    if not request.user.is_supervisor:
        raise PermissionDenied("Only a supervisor closes an escalation.")
    form = ResolveEscalationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a short review note to close the escalation."))
        return redirect(case)
    try:
        actions.resolve_escalation(
            case,
            by=request.user,
            note=form.cleaned_data["note"],
            base_version=form.cleaned_data["version"],
        )
    except StaleVersion as stale:
        audit_conflict(request, case, form.cleaned_data["version"], stale.current.version)
        messages.error(
            request,
            _(
                "The case changed after you opened it, so the escalation was not closed. "
                "Read what is there now before closing it."
            ),
        )
    else:
        messages.success(request, _("Escalation closed."))
    return redirect(case)


@require_POST
def assign_case(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    if not actions.may_assign(case, request.user):
        raise PermissionDenied("Only a supervisor or the current assignee assigns this case.")
    form = AssignForm(request.POST, case=case)
    if not form.is_valid():
        messages.error(request, _("Choose a clinician of this facility."))
        return redirect(case)
    try:
        actions.assign_case(
            case,
            to=form.cleaned_data["to"],
            by=request.user,
            base_version=form.cleaned_data["version"],
        )
    except StaleVersion as stale:
        audit_conflict(request, case, form.cleaned_data["version"], stale.current.version)
        messages.error(request, _("The case changed meanwhile; it was not reassigned."))
    except PermissionError as refused:
        raise PermissionDenied(str(refused)) from None
    else:
        messages.success(request, _("Case assigned."))
    return redirect(case)


@require_http_methods(["GET", "POST"])
def facility_settings(request: HtmxHttpRequest) -> HttpResponse:
    if not request.user.is_administrator or request.user.facility is None:
        raise PermissionDenied("Only administrators change facility settings.")
    facility = request.user.facility
    form = FacilitySettingsForm(
        request.POST or None, instance=facility, initial={"version": facility.version}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in FacilitySettingsForm.Meta.fields}
            try:
                actions.update_facility_settings(
                    facility,
                    changes,
                    base_version=form.cleaned_data["version"],
                    by=request.user,
                )
            except StaleVersion as stale:
                # Keep what was typed, on the newest version, so saving again is deliberate.
                data = request.POST.copy()
                data["version"] = stale.current.version
                form = FacilitySettingsForm(data, instance=stale.current)
                form.is_valid()
                form.add_error(
                    None,
                    _(
                        "Someone saved these settings after you opened them. Check the fields "
                        "below (your entries are kept) and save again."
                    ),
                )
                status = 409
            else:
                messages.success(request, _("Facility settings saved."))
                return redirect("cases:facility-settings")
    return render(request, "cases/facility_settings.html", {"form": form}, status=status)


class SignInView(auth_views.LoginView):
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        # A malformed name is a bad request; a wrong password stays an ordinary page.
        if form.has_error("username"):
            response.status_code = 400
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The one-time link an administrator issued: the person chooses their new password."""

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit.record(AuditEntry.Action.PASSWORD_SET, user=form.user, how="reset_link")
        return response


def sign_out_for(request: SignOutRequest, reason: AuditEntry.Action) -> None:
    request.harbor_sign_out_reason = reason
    request.harbor_signed_out = True
    logout(request)


# Quick-hide and idle lock must work even when the session or CSRF token has already gone:
# a refusal page at that moment would be worse than the (harmless) forced sign-out CSRF risk.
@csrf_exempt
@login_not_required
@require_POST
def quick_hide(request: SignOutRequest) -> HttpResponse:
    sign_out_for(request, AuditEntry.Action.QUICK_HIDE)
    return redirect("cases:neutral")


@csrf_exempt
@login_not_required
@require_POST
def idle_lock(request: SignOutRequest) -> HttpResponse:
    sign_out_for(request, AuditEntry.Action.IDLE_LOCK)
    return redirect(f"{reverse('login')}?locked=1")


# Open to signed-out visitors too: the sign-in page has the switch. It is CSRF-protected like
# every other form (the sign-in page carries a token).
@login_not_required
@require_POST
def switch_language(request: HtmxHttpRequest) -> HttpResponse:
    """One click from any page's header: show Harbor in the other language, on the same page.

    Django's `set_language` keeps the choice in the language cookie (signed-out visitors, and
    the sign-in page after a sign-out) and sends the browser back to `next` when it is a page
    of this site; a signed-in person's choice is also saved on their profile, so it follows
    them to any workstation (cases.middleware.UserLanguageMiddleware).
    """
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return render(request, "400.html", status=400)
    if request.user.is_authenticated:
        User.objects.filter(pk=request.user.pk).update(language=form.cleaned_data["language"])
    return set_language(request)


@login_not_required
@require_GET
def neutral(request: HtmxHttpRequest) -> HttpResponse:
    """The page quick-hide lands on: ordinary ward information, nothing about any patient."""
    return render(request, "cases/neutral.html")


# A browser asks for /favicon.ico where a document names no icon of its own (a printed card
# opened as a PDF): the pages' icon, instead of a 404 in the log and the browser's console.
@login_not_required
@require_GET
def favicon(request: HtmxHttpRequest) -> HttpResponse:
    return HttpResponsePermanentRedirect(static("harbor/favicon.svg"))
