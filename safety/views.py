from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.contrib import messages
from django.db import connection
from django.db.models import Count, F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import audit
from cases.content import StaleVersion, require_administrator
from cases.editing import edit_content
from cases.events import EventKind
from cases.http import HtmxHttpRequest
from cases.languages import translated
from cases.models import AuditEntry, Case
from cases.providers import Hotline, hotlines_for
from cases.shell import get_case_for, render_case_tab
from safety import actions
from safety.checklists import SECTIONS, Item
from safety.forms import (
    ChecklistEditor,
    ChecklistItemForm,
    ChecklistJsonEditor,
)
from safety.models import (
    CaseChecklist,
    ChecklistItem,
    ChecklistTemplate,
)

# Which tab shows which checklist, in order.
TAB_CHECKLISTS = {
    "safety": ("safety-protocol", "safe-environment"),
    "care": ("immediate-care", "transfer-handoff", "help-refused"),
}
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
        return [(str(SECTIONS.get(key, "")), items) for key, items in groups.items()]

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.items if item.status != ChecklistItem.Status.OPEN)


def checklist_views(case: Case, slugs: tuple[str, ...]) -> list[ChecklistView]:
    """The case's checklists: the version each started on, or the newest if not started yet.

    Two queries at most: the versions shown (each started one and the newest of the others, in
    one read of the columns a tab shows; the items come from the version's cached rule) and,
    when some checklist has started, its items' states."""
    rows: Any = ChecklistTemplate.objects.raw(_shown_versions_sql(len(slugs)), [case.pk, *slugs])
    # A started checklist never changes version: its version wins over the newest.
    shown: dict[str, ChecklistTemplate] = {}
    pinned: list[str] = []
    for row in rows:
        if row.pinned:
            shown[row.slug] = row
            pinned.append(row.slug)
        elif row.slug not in pinned:
            shown[row.slug] = row
    states: dict[str, dict[str, ChecklistItem]] = {slug: {} for slug in pinned}
    if pinned:
        items = (
            ChecklistItem.objects.filter(checklist__case=case, checklist__slug__in=pinned)
            .select_related("changed_by", "consent_recorded_by")
            .annotate(list_slug=F("checklist__slug"))
        )
        for item in items:
            states[item.list_slug][item.slug] = item
    views = []
    for slug in slugs:
        template = shown.get(slug)
        if template is None:
            views.append(ChecklistView(slug, slug, None, False))
            continue
        own = states.get(slug, {})
        views.append(
            ChecklistView(
                slug,
                translated(template, "title", get_language()).text,
                template,
                slug in pinned,
                [_item_view(slug, item, own.get(item.slug)) for item in template.rule()],
            )
        )
    return views


@cache
def _shown_versions_sql(slugs: int) -> str:
    """The versions a tab shows, each with `pinned` (this case started it): the version each
    started checklist uses and the newest of every slug, one row a version.

    Written once per process as SQL from the models' own table and column names, as
    `cases.auth` writes the user's roles: through the ORM its subqueries cost more to compile on
    every tab than the query takes to run. Only the columns a tab shows are read; the items
    come from `rule()`, cached per version (read from the database once per process)."""

    def q(name: str | None) -> str:
        return connection.ops.quote_name(str(name))

    template, started = ChecklistTemplate._meta, CaseChecklist._meta

    def column(meta: Any, name: str) -> str:
        return q(meta.get_field(name).column)

    columns = ", ".join(
        f"t.{column(template, name)}"
        for name in ("id", "slug", "version", "created_at", "title", "translations")
    )
    pk, slug = q(template.pk.column), column(template, "slug")
    version = column(template, "version")
    by_template, by_case = column(started, "template"), column(started, "case")
    started_pk = q(started.pk.column)
    places = ", ".join(["%s"] * slugs)
    return (
        f"SELECT {columns}, (c.{started_pk} IS NOT NULL) AS pinned"  # noqa: S608 - names only
        f" FROM {q(template.db_table)} t LEFT JOIN {q(started.db_table)} c"
        f" ON c.{by_template} = t.{pk} AND c.{by_case} = %s"
        f" WHERE t.{slug} IN ({places}) AND (c.{started_pk} IS NOT NULL"
        f" OR t.{version} = (SELECT MAX(n.{version}) FROM {q(template.db_table)} n"
        f" WHERE n.{slug} = t.{slug}))"
    )


def _item_view(checklist: str, item: Item, state: ChecklistItem | None) -> ItemView:
    # Clinician-facing: the interface language, else English (`cases.languages`).
    language = get_language()
    return ItemView(
        checklist=checklist,
        slug=item.slug,
        text=translated(item, "text", language).text,
        help=translated(item, "help", language).text,
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
            case.events.filter(kind=EventKind.SAFETY_THREAT_REPORTED).select_related("by")[:5]
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


def _hotlines(case: Case) -> list[Hotline]:
    """The lines to offer: the referral directory's, for the case's place and language."""
    return hotlines_for(jurisdiction=case.jurisdiction, language=case.preferred_language)


@require_GET
def case_safety(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    reported = request.GET.get("threat") == "1"
    undo = actions.undoable_threat(case, by=request.user) if reported else None
    return _checklist_tab(
        request,
        case,
        "safety",
        threat_reported=reported,
        undo_threat=undo,
        undo_seconds=actions.THREAT_UNDO_SECONDS,
    )


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
    if tab is None:
        raise Http404("No such checklist item on this case.")
    # Whether the item needs consent depends on the version the case uses: the action checks it
    # with the item it locks (the same message as the form's), so nothing is read before it.
    form = ChecklistItemForm(request.POST, requires_consent=False)
    view: ItemView | None = None
    if form.is_valid():
        try:
            state = actions.set_checklist_item(
                case,
                checklist,
                item,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                consent=form.cleaned_data["consent"],
                base_version=form.cleaned_data["base_version"],
                by=request.user,
            )
        except actions.ItemNotOnChecklist:
            raise Http404("No such checklist item on this case.") from None
        except StaleVersion as conflict:
            audit.record(
                AuditEntry.Action.CASE_CONFLICT,
                user=request.user,
                case=case,
                item=f"{checklist}/{item}",
                base_version=form.cleaned_data["base_version"],
                current_version=conflict.current.version,
            )
            view = _locked_item_view(conflict.current, checklist, item)
            view.form, view.conflict = form, True
        except actions.ItemRefused as refused:
            form.add_error(None, str(refused))
        else:
            view = _locked_item_view(state, checklist, item)
            if not request.htmx:
                return redirect(f"{reverse(TAB_VIEWS[tab], args=[case.ref])}#{view.dom_id}")
    if view is None:  # refused: the item shown again with its saved state and the form's errors
        view = _ticked_item(case, checklist, item)
        if view is None:
            raise Http404("No such checklist item on this case.")
        view.state, view.form = _state_of(case, checklist, item), form
    if request.htmx:
        return render(request, "safety/checklist.html#item", {"case": case, "item": view})
    return _checklist_tab(request, case, tab, replace=view)


def _locked_item_view(state: ChecklistItem, checklist: str, item: str) -> ItemView:
    """The item as the action left it (or found it, on a conflict), with its version's words:
    the action's locked read brought the version with it."""
    found = state.checklist.template.item(item)
    if found is None:  # never: the action refuses an item its version does not have
        raise Http404("No such checklist item on this case.")
    return _item_view(checklist, found, state)


def _ticked_item(case: Case, checklist: str, item: str) -> ItemView | None:
    """The item a refused tick is for, in the checklist version the case uses (or would start
    on), in one query; its state is read beside it (`_state_of`)."""
    started = (
        CaseChecklist.objects.filter(case=case, slug=checklist)
        .select_related("template")
        .defer(*(f"template__{name}" for name in actions.UNREAD_TEMPLATE_FIELDS))
    )
    pinned = started.first()
    template = pinned.template if pinned else ChecklistTemplate.objects.newest(checklist)
    found = template.item(item) if template else None
    return _item_view(checklist, found, None) if found else None


def _state_of(case: Case, checklist: str, item: str) -> ChecklistItem | None:
    """The item's saved state, to show again beside a refused tick."""
    return (
        ChecklistItem.objects.filter(checklist__case=case, checklist__slug=checklist, slug=item)
        .select_related("changed_by", "consent_recorded_by")
        .first()
    )


# --- Threatening behaviour ----------------------------------------------------------------------


@require_POST
def report_threat(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    actions.report_threat(case, by=request.user)
    return redirect(reverse("safety:case-safety", args=[case.ref]) + "?threat=1")


@require_POST
def undo_threat(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    """Take back a "Threatening behaviour" pressed by mistake, within a few seconds."""
    case = get_case_for(request, case_ref)
    try:
        event_id = int(request.POST.get("event", ""))
        actions.withdraw_threat(case, event_id, by=request.user)
    except (ValueError, actions.UndoRefused):
        messages.error(
            request, _("This report can no longer be undone. Close the escalation instead.")
        )
        return redirect(reverse("safety:case-safety", args=[case.ref]))
    messages.success(
        request, _("Undone: the report is withdrawn and the escalation it made is closed.")
    )
    return redirect(reverse("safety:case-safety", args=[case.ref]))


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
