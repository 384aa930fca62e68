"""Supervisor review: the escalation queue, the review page and its three actions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import actions, audit, review, worklists
from cases.content import StaleVersion
from cases.dates import date_formatter
from cases.http import HtmxHttpRequest
from cases.models import AuditEntry, Case, CaseEvent, CaseQuerySet, User
from cases.review_forms import CommentForm, QueueFilterForm, ReturnForm, SignOffForm
from cases.shell import get_case_for, render_case_tab
from cases.timeline import TimelineEntry
from cases.views import audit_conflict, timeline

QUEUE_LIMIT = 50


def require_supervisor(user: User) -> None:
    if not user.is_supervisor:
        raise PermissionDenied("Only supervisors review cases.")


def unreviewed(cases: CaseQuerySet) -> CaseQuerySet:
    """Escalations no supervisor has opened for review since they were raised."""
    opened = AuditEntry.objects.filter(
        case=OuterRef("pk"), action=AuditEntry.Action.CASE_REVIEW, at__gte=OuterRef("escalated_at")
    )
    return cases.filter(~Exists(opened))


def waiting_count(user: User) -> int:
    """For the header: how many new escalations wait for this supervisor's facility."""
    return unreviewed(Case.objects.for_user(user).open().escalated()).count()


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One row of the queue, every cell already in words (the table refreshes every 30 s)."""

    ref: str
    unit: str
    waited: str
    reason: str
    concern: str
    open_items: list[str]
    is_new: bool
    is_returned: bool


# The queue's columns only: its rows are read every 30 s by every open queue.
QUEUE_COLUMNS = (
    "ref",
    "unit__name",
    "escalated_at",
    "escalation_reason",
    "concern_level",
    "review_status",
    "report_outstanding",
)


def queue_rows(cases: CaseQuerySet) -> list[QueueRow]:
    """A page of the queue in two queries: the cases with their new flag, their open items."""
    opened = AuditEntry.objects.filter(
        case=OuterRef("pk"), action=AuditEntry.Action.CASE_REVIEW, at__gte=OuterRef("escalated_at")
    )
    page = list(
        cases.annotate(reviewed=Exists(opened)).values("pk", "reviewed", *QUEUE_COLUMNS)[
            :QUEUE_LIMIT
        ]
    )
    acts: dict[int, list[review.Act]] = defaultdict(list)
    for case_id, kind, by_id, payload in (
        CaseEvent.objects.filter(case__in=[c["pk"] for c in page], kind__in=review.OPEN_ITEM_KINDS)
        .order_by("at", "pk")
        .values_list("case_id", "kind", "by_id", "payload")
    ):
        acts[case_id].append(review.Act(kind, by_id, payload))
    now = timezone.now()
    concerns = {value: str(label) for value, label in Case.Concern.choices}
    return [
        QueueRow(
            ref=case["ref"],
            unit=case["unit__name"],
            waited=review.waited(case["escalated_at"] or now, now),
            reason=Truncator(case["escalation_reason"]).chars(120),
            concern=concerns.get(case["concern_level"], case["concern_level"]),
            open_items=review.open_items(
                report_outstanding=case["report_outstanding"], acts_oldest_first=acts[case["pk"]]
            ),
            is_new=not case["reviewed"],
            is_returned=case["review_status"] == Case.Review.RETURNED,
        )
        for case in page
    ]


# A row as the template's loop wrote it, to the whitespace: the table (50 rows) refreshes
# every 30 s in every open queue, and as a template loop it was most of the refresh's time.
QUEUE_ROW = (
    "\n      <tr>\n"
    '        <td><a href="{}">{}</a>\n'
    "          {}\n"
    "          {}</td>\n"
    "        <td>{}</td>\n"
    "        <td>{}</td>\n"
    "        <td>{}</td>\n"
    "        <td>{}</td>\n"
    "        <td>{}</td>\n"
    "      </tr>\n    "
)
OPEN_ITEM = '<span class="badge text-bg-warning me-1">{}</span>'


def queue_html(rows: list[QueueRow]) -> SafeString:
    """The queue's table rows, every value escaped (`format_html`)."""
    new = format_html(' <span class="badge text-bg-primary">{}</span>', _("New"))
    returned = format_html(' <span class="badge text-bg-secondary">{}</span>', _("Returned"))
    url = worklists.case_url("cases:review-case")  # one reverse() for the page
    return format_html_join(
        "",
        QUEUE_ROW,
        (
            (
                url(row.ref),
                row.ref,
                new if row.is_new else "",
                returned if row.is_returned else "",
                row.unit,
                row.waited,
                row.reason,
                row.concern,
                format_html_join("", OPEN_ITEM, ((item,) for item in row.open_items)) or "—",
            )
            for row in rows
        ),
    )


@require_GET
def queue(request: HtmxHttpRequest) -> HttpResponse:
    require_supervisor(request.user)
    filters = QueueFilterForm(request.GET or None, user=request.user)
    cases = Case.objects.for_user(request.user).open().escalated()
    if filters.is_valid() and filters.cleaned_data["unit"]:
        cases = cases.filter(unit=filters.cleaned_data["unit"])
    rows = queue_rows(cases.oldest_escalation_first())
    context = {"rows": rows, "rows_html": queue_html(rows), "filters": filters}
    # The table polls itself (HTMX) and swaps in only its rows.
    name = "cases/review_queue.html#queue-table" if request.htmx else "cases/review_queue.html"
    return render(request, name, context)


# A timeline entry as the template's loop wrote it, to the whitespace.
TIMELINE_ENTRY = (
    '\n      <li><time datetime="{}" class="small text-body-secondary">{}</time> · '
    '<span class="small">{}</span><br>{}</li>\n    '
)


def timeline_html(events: list[TimelineEntry]) -> SafeString:
    """The review page's timeline (`<li>…</li>`), every value escaped: one `format_html` an
    entry, the dates as the `date` filter shows them."""
    if not events:
        return format_html("<li>{}</li>", _("Nothing yet."))
    when = date_formatter("SHORT_DATETIME_FORMAT")
    zone = timezone.get_current_timezone()
    return format_html_join(
        "",
        TIMELINE_ENTRY,
        (
            (
                timezone.localtime(event.at, zone).isoformat(),
                when(event.at),
                event.by.display_name,
                event.text,
            )
            for event in events
        ),
    )


def review_context(case: Case, user: User) -> dict[str, object]:
    events = timeline(case)
    return {
        "events": events,
        "timeline_html": timeline_html(events),
        "refusal": actions.sign_off_refusal(case, user),
        "comment_form": CommentForm(),
        "return_form": ReturnForm(initial={"version": case.version}),
    }


@require_GET
def review_case(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    require_supervisor(request.user)
    audit.record(AuditEntry.Action.CASE_REVIEW, user=request.user, case=case)
    return render_case_tab(
        request, case, "cases/review_case.html", review_context(case, request.user), tab="review"
    )


@require_POST
def comment(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    require_supervisor(request.user)
    form = CommentForm(request.POST)
    if not form.is_valid():
        context = {**review_context(case, request.user), "comment_form": form}
        return render_case_tab(
            request, case, "cases/review_case.html", context, tab="review", status=400
        )
    actions.comment_on_case(case, comment=form.cleaned_data["comment"], by=request.user)
    messages.success(request, _("Comment added."))
    return redirect("cases:review-case", case_ref=case.ref)


@require_POST
def return_case(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    require_supervisor(request.user)
    form = ReturnForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            actions.return_case(
                case,
                request=form.cleaned_data["request"],
                by=request.user,
                base_version=form.cleaned_data["version"],
            )
        except StaleVersion as stale:
            audit_conflict(request, case, form.cleaned_data["version"], stale.current.version)
            data = request.POST.copy()
            data["version"] = stale.current.version
            form = ReturnForm(data)
            form.is_valid()
            form.add_error(None, _("The case changed meanwhile. Read it, then return it again."))
            case, status = stale.current, 409
        except PermissionError as refused:
            raise PermissionDenied(str(refused)) from None
        else:
            messages.success(request, _("Returned to the clinician."))
            return redirect("cases:review-case", case_ref=case.ref)
    context = {**review_context(case, request.user), "return_form": form}
    return render_case_tab(
        request, case, "cases/review_case.html", context, tab="review", status=status
    )


@require_POST
def sign_off(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    require_supervisor(request.user)
    form = SignOffForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The sign-off could not be read. Try again."))
        return redirect("cases:review-case", case_ref=case.ref)
    try:
        actions.sign_off_case(case, by=request.user, base_version=form.cleaned_data["version"])
    except actions.SignOffRefused as refused:
        raise PermissionDenied(str(refused)) from None
    except StaleVersion as stale:
        audit_conflict(request, case, form.cleaned_data["version"], stale.current.version)
        messages.error(request, _("The case changed after you opened it; read it, then sign off."))
        return redirect("cases:review-case", case_ref=case.ref)
    messages.success(request, _("Case signed off."))
    return redirect("cases:review-queue")


@require_GET
def work(request: HtmxHttpRequest) -> HttpResponse:
    require_supervisor(request.user)
    if request.user.facility is None:
        raise PermissionDenied("A supervisor without a facility has no work lists.")
    lists = worklists.work_lists(
        Case.objects.for_user(request.user),
        facility=request.user.facility,
        today=timezone.localdate(),
    )
    return render(request, "cases/work_lists.html", {"lists": lists})
