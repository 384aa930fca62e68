"""The case page shell that every phase's tab renders into.

A phase tab template extends `cases/case_page.html` and wraps its content in
`{% block tab %}{% partialdef tab inline %}…{% endpartialdef %}{% endblock %}`. A plain request
gets the whole page; an HTMX tab switch gets only the `#tab` fragment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import gettext

from cases import audit
from cases.models import Case

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
    """
    user = request.user
    if user.is_administrator and not (user.is_clinician or user.is_supervisor):
        raise PermissionDenied("Administrators do not read case contents.")
    if not CASE_REF.fullmatch(case_ref):
        # Anything that is not shaped like a reference (a NUL byte, which PostgreSQL cannot
        # even compare, or a megabyte of text) is simply not found.
        raise Http404("No such case.")
    cases = Case.objects.for_user(user).select_related("facility", "unit", "assignee")
    if for_update:
        cases = cases.select_for_update()
    return get_object_or_404(cases, ref=case_ref)


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
