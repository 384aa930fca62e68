"""Administrators' editors of the jurisdiction rule table: the whole entry as JSON, or one part
(its name and notes, one rule row, one line) at a time. Every save is a new version of the table."""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.content import require_administrator
from cases.http import HtmxHttpRequest
from cases.params import whole_number
from safety import actions
from safety.forms import (
    HotlineForm,
    JurisdictionDetailsForm,
    JurisdictionForm,
    RuleRowForm,
    VersionNoteForm,
)
from safety.models import RuleTableVersion
from safety.rule_table import JURISDICTION_CODE, RuleTableError, load_jurisdiction_rules
from safety.rules import DISCLAIMER


@require_GET
def admin_jurisdictions(request: HtmxHttpRequest) -> HttpResponse:
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
def admin_jurisdiction(request: HtmxHttpRequest, code: str) -> HttpResponse:
    require_administrator(request)
    code = code.upper()
    if not JURISDICTION_CODE.match(code):
        raise Http404("Not a jurisdiction code.")
    newest = RuleTableVersion.objects.order_by("-version").first()
    if newest is None:
        raise Http404("No rule table is loaded.")
    shown = newest
    if "version" in request.GET:
        version = whole_number(request.GET["version"])
        if version is None:
            raise Http404("No such version.")
        shown = get_object_or_404(RuleTableVersion, version=version)
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


def _editable(request: HtmxHttpRequest, code: str) -> tuple[str, RuleTableVersion, dict[str, Any]]:
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
    request: HtmxHttpRequest,
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
        "disclaimer": DISCLAIMER,
    }
    return render(request, "safety/admin_jurisdiction_part.html", context)


def _saved(
    request: HtmxHttpRequest, code: str, table: RuleTableVersion, anchor: str
) -> HttpResponse:
    messages.success(request, f"Saved: the rule table is now version {table.version}.")
    return redirect(reverse("safety:admin-jurisdiction", args=[code]) + anchor)


@require_http_methods(["GET", "POST"])
def admin_jurisdiction_details(request: HtmxHttpRequest, code: str) -> HttpResponse:
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
def admin_jurisdiction_rule(request: HtmxHttpRequest, code: str, rule_id: str = "") -> HttpResponse:
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
def admin_jurisdiction_remove_rule(
    request: HtmxHttpRequest, code: str, rule_id: str
) -> HttpResponse:
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
def admin_jurisdiction_line(request: HtmxHttpRequest, code: str, number: int = 0) -> HttpResponse:
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
def admin_jurisdiction_remove_line(
    request: HtmxHttpRequest, code: str, number: int
) -> HttpResponse:
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
