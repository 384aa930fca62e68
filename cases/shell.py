"""The case page shell that every phase's tab renders into.

A phase tab template extends `cases/case_page.html` and wraps its content in
`{% block tab %}{% partialdef tab inline %}…{% endpartialdef %}{% endblock %}`. A plain request
gets the whole page; an HTMX tab switch gets only the `#tab` fragment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import gettext

from cases import audit, rows
from cases.models import Case, Facility, Unit, User

CASE_REF = re.compile(r"[a-z0-9]{5}-[a-z0-9]{5}")

if TYPE_CHECKING:
    from django.http import HttpResponse

    from cases.http import HtmxHttpRequest


@dataclass(frozen=True)
class Tab:
    slug: str
    label: str
    url: str


def case_tabs(case: Case) -> list[Tab]:
    tabs = [Tab("overview", gettext("Overview"), case_url("cases:case-detail", case.ref))]
    for slug, label, url_name in settings.HARBOR_CASE_TABS:
        try:
            url = case_url(url_name, case.ref)
        except NoReverseMatch:
            continue  # a phase that is not installed shows no tab
        tabs.append(Tab(slug, str(label), url))
    return tabs


@dataclass(frozen=True)
class CaseAction:
    label: str
    url: str
    css: str


def case_actions(case: Case) -> list[CaseAction]:
    """The header's one-click actions that the installed phases provide."""
    actions = []
    for label, url_name, css in settings.HARBOR_CASE_ACTIONS:
        try:
            url = case_url(url_name, case.ref)
        except NoReverseMatch:
            continue
        actions.append(CaseAction(str(label), url, css))
    return actions


# Stands for a case's reference in a reversed URL (shaped like one, so any converter takes it).
REF_STANDIN = "00000-00000"


def case_url(url_name: str, case_ref: str) -> str:
    """reverse(url_name, kwargs={"case_ref": case_ref}), reversed once per URL name (and script
    prefix): the shell's tabs and actions are eight reversals on every case request."""
    return _case_url_pattern(url_name, get_script_prefix()).replace(REF_STANDIN, case_ref)


@lru_cache(maxsize=256)
def _case_url_pattern(url_name: str, prefix: str) -> str:
    return reverse(url_name, kwargs={"case_ref": REF_STANDIN})


def get_case_for(request: HtmxHttpRequest, case_ref: str, *, for_update: bool = False) -> Case:
    """The case, if this user may see it; 404 otherwise, so other units learn nothing.

    Administrators who hold no clinical role get 403: they are told plainly that case
    contents are not theirs to read.

    Which cases a user may see is `CaseQuerySet.for_user`; nearly every request asks this, and
    building that query through the ORM (the visibility test, three joined tables) took longer
    than running it, so the same query is written once per process as SQL (`visible_case`).
    tests/cases/test_case_lookup.py holds the two to the same rows for every kind of user.
    """
    user = request.user
    if user.is_administrator and not (user.is_clinician or user.is_supervisor):
        raise PermissionDenied("Administrators do not read case contents.")
    if not CASE_REF.fullmatch(case_ref):
        # Anything that is not shaped like a reference (a NUL byte, which PostgreSQL cannot
        # even compare, or a megabyte of text) is simply not found.
        raise Http404("No such case.")
    if for_update:
        cases = Case.objects.for_user(user).select_related("facility", "unit", "assignee")
        return get_object_or_404(cases.select_for_update(), ref=case_ref)
    case = visible_case(user, case_ref)
    if case is None:
        raise Http404("No such case.")
    return case


# The case, then what is read with it (as select_related("facility", "unit", "assignee")): the
# columns of each, in this order, and the case's foreign key that holds each related row.
LOOKUP_RELATED = (("facility", Facility), ("unit", Unit), ("assignee", User))


def visible_case(user: Any, case_ref: str) -> Case | None:
    """`Case.objects.for_user(user).select_related("facility", "unit", "assignee")
    .filter(ref=case_ref).first()`, from SQL written once per kind of user."""
    kind = user_kind(user)
    if kind is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            case_lookup_sql(connection.vendor, *kind), [case_ref, *visibility_params(user, *kind)]
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return cases_from_row(row, LOOKUP_RELATED)


def user_kind(user: Any) -> tuple[bool, bool] | None:
    """(supervisor of a facility, clinician): what `for_user` reads of a user, or None when it
    lets them see nothing (signed out, inactive, or neither role): no query is then needed."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    supervisor = bool(user.is_supervisor and user.facility_id)
    clinician = bool(user.is_clinician)
    return (supervisor, clinician) if supervisor or clinician else None


def visibility_sql(supervisor: bool, clinician: bool) -> str:
    """`for_user`'s test on a case aliased `c`, for a user of this kind (its parameters:
    `visibility_params`)."""
    visible = []
    if supervisor:  # every case of their facility
        visible.append(f"c.{rows.column(Case, 'facility')} = %s")
    if clinician:  # the cases of their units, and those assigned to them
        through = User.units.through
        members, unit, user = (
            rows.table(through),
            rows.column(through, "unit"),
            rows.column(through, "user"),
        )
        subquery = f"SELECT m.{unit} FROM {members} m WHERE m.{user} = %s"  # noqa: S608
        visible.append(f"c.{rows.column(Case, 'unit')} IN ({subquery})")
        visible.append(f"c.{rows.column(Case, 'assignee')} = %s")
    return f"({' OR '.join(visible)})"


def visibility_params(user: Any, supervisor: bool, clinician: bool) -> list[Any]:
    params: list[Any] = []
    if supervisor:
        params.append(user.facility_id)
    if clinician:
        params += [user.pk, user.pk]
    return params


def cases_select_sql(related: tuple[tuple[str, type[models.Model]], ...]) -> str:
    """SELECT … FROM the cases (aliased `c`) and the related rows select_related would join."""
    selected = rows.select_list(Case, "c")
    joins = []
    for index, (name, model) in enumerate(related):
        alias = f"r{index}"
        selected += rows.select_list(model, alias)
        # A related row that may be missing (an assignee) is a LEFT JOIN, as select_related.
        kind = "LEFT OUTER JOIN" if Case._meta.get_field(name).null else "INNER JOIN"
        joins.append(
            f"{kind} {rows.table(model)} {alias}"
            f" ON {alias}.{rows.q(model._meta.pk.column)} = c.{rows.column(Case, name)}"
        )
    return f"SELECT {', '.join(selected)} FROM {rows.table(Case)} c {' '.join(joins)}"  # noqa: S608


def cases_from_row(
    row: tuple[Any, ...], related: tuple[tuple[str, type[models.Model]], ...]
) -> Case:
    case, start = rows.instance(Case, row, 0)
    for name, model in related:
        other, start = rows.instance(model, row, start)
        rows.set_related(case, name, other)
    return case


@cache
def case_lookup_sql(vendor: str, supervisor: bool, clinician: bool) -> str:
    """One case by reference among those `for_user` lets a user of this kind see (parameters:
    the reference, then `visibility_params`)."""
    return (
        f"{cases_select_sql(LOOKUP_RELATED)} WHERE c.{rows.column(Case, 'ref')} = %s"
        f" AND {visibility_sql(supervisor, clinician)}"
    )


def render_case_tab(
    request: HtmxHttpRequest,
    case: Case,
    template_name: str,
    context: dict[str, Any] | None = None,
    *,
    tab: str,
    status: int = 200,
) -> HttpResponse:
    """Render a phase's tab: the fragment for an HTMX tab switch, else the whole page.

    Each render of case content is a case view — a GET, or a refused POST shown again with the
    saved content around it — so it is audited here, once, for every phase.
    """
    audit.record_case_view(case, user=request.user, part=tab)
    full_context = {
        "case": case,
        "tabs": case_tabs(case),
        "case_actions": case_actions(case),
        "active_tab": tab,
        **(context or {}),
    }
    wants_fragment = bool(request.htmx) and request.htmx.target == "tab-panel"
    name = f"{template_name}#tab" if wants_fragment else template_name
    return render(request, name, full_context, status=status)


def render_case_fragment(
    request: HtmxHttpRequest,
    case: Case,
    template_name: str,
    context: dict[str, Any] | None = None,
    *,
    part: str,
) -> HttpResponse:
    """Render one `template.html#partial` of a case (an HTMX swap), audited as a case view."""
    audit.record_case_view(case, user=request.user, part=part)
    return render(request, template_name, {"case": case, **(context or {})})
