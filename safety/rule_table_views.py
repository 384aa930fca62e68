"""Administrators' editor of the reporting rules, one jurisdiction at a time, on the content
pattern: `edit_content` runs `JurisdictionEditor` (rules and lines as formsets) or the JSON
editor; every save is a new version of that jurisdiction alone."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cases.content import require_administrator
from cases.editing import edit_content
from cases.http import HtmxHttpRequest
from cases.jurisdictions import JURISDICTION_CODE
from safety.models import Jurisdiction, rules_in_force
from safety.rule_table import InjuryKind
from safety.rule_table_forms import (
    DUTY_LABELS,
    TRIGGER_LABELS,
    JurisdictionEditor,
    JurisdictionJsonEditor,
)
from safety.rules import DISCLAIMER


@require_GET
def admin_jurisdictions(request: HtmxHttpRequest) -> HttpResponse:
    require_administrator(request)
    new_code = request.GET.get("code", "").strip().upper()
    if new_code:
        if JURISDICTION_CODE.match(new_code):
            return redirect("safety:admin-jurisdiction", code=new_code)
        messages.error(
            request, _("“%(code)s” is not a code like CA-ON, US-WA or US.") % {"code": new_code}
        )
    entries = (
        Jurisdiction.objects.published()
        .select_related("created_by")
        # The list's columns only: not each entry's notes or its stored changes.
        .only(
            "slug",
            "name",
            "version",
            "created_at",
            "created_by__first_name",
            "created_by__last_name",
            "created_by__username",
        )
        .annotate(
            rows=Count("rule_rows"),
            unverified=Count("rule_rows", filter=Q(rule_rows__needs_verification=True)),
        )
        .order_by("slug")
    )
    context = {"entries": entries, "disclaimer": DISCLAIMER}
    return render(request, "safety/admin_jurisdictions.html", context)


@require_http_methods(["GET", "POST"])
def admin_jurisdiction(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """A jurisdiction's rules as clinicians get them (its own merged with its country's), and
    the editor of its own rules and lines; a new code starts with an empty entry."""
    require_administrator(request)
    code = code.upper()
    if not JURISDICTION_CODE.match(code):
        raise Http404("Not a jurisdiction code.")
    newest = Jurisdiction.objects.newest(code) or _new(code)
    json_post = request.method == "POST" and "rules-TOTAL_FORMS" not in request.POST
    try:
        _layers, rules = rules_in_force(code)
    except Jurisdiction.DoesNotExist:
        rules = None
    return edit_content(
        request,
        newest,
        JurisdictionJsonEditor if json_post else JurisdictionEditor,
        template="safety/admin_jurisdiction.html",
        done=reverse("safety:admin-jurisdiction", args=[code]),
        context={
            "code": code,
            "rules": rules if rules is not None and not rules.elsewhere else None,
            "json_post": json_post,
            "is_new": newest.pk is None,
            "triggers": TRIGGER_LABELS,
            # Each row with its trigger, duty and wounds in words, not the table's codes.
            "rows_shown": [
                (
                    row,
                    TRIGGER_LABELS[row.trigger],
                    DUTY_LABELS[row.duty],
                    ", ".join(str(_WOUNDS[k]) for k in InjuryKind if k in row.weapon_kinds),
                )
                for row in (rules.rows if rules is not None and not rules.elsewhere else ())
            ],
            "disclaimer": DISCLAIMER,
        },
    )


_WOUNDS = {InjuryKind.GUNSHOT: gettext_lazy("gunshot"), InjuryKind.STAB: gettext_lazy("stab")}


def _new(code: str) -> Jurisdiction:
    """An unsaved, empty entry for a code the table does not hold yet (saving makes version 1)."""
    country = code.split("-")[0] if code != "DEFAULT" else ""
    return Jurisdiction(slug=code, version=0, name=code, country=country)
