"""`{% checklist_item item %}`: one checklist item on a case, with its form, written in Python.

The Care tab shows about thirty items and the Safety tab a dozen, each with a status, who
dealt with it and when, and a form of three choices (done with the patient's consent where it
needs it, reopen, not applicable with a reason). Through the template each item cost some
sixty tags and lookups, most of the tabs' time; this writes the very same HTML once per item.
`safety/checklist.html#item` is still the fragment a tick swaps: it calls this tag.
"""

from __future__ import annotations

import threading
from typing import Any

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext

from safety.models import ChecklistItem

register = template.Library()

DONE, OPEN, NOT_APPLICABLE = (
    ChecklistItem.Status.DONE,
    ChecklistItem.Status.OPEN,
    ChecklistItem.Status.NOT_APPLICABLE,
)


def _when(value: Any, fmt: str) -> str:
    """`{{ value|date:fmt }}`: in the current time zone."""
    return date_format(localtime(value), fmt)


def _csrf_input(context: template.Context) -> SafeString:
    """`{% csrf_token %}`."""
    token = context.get("csrf_token")
    if not token or str(token) == "NOTPROVIDED":
        return mark_safe("")  # noqa: S308 - a constant
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


def _badge(status: str) -> SafeString:
    if status == DONE:
        return format_html('<span class="badge text-bg-success">{}</span>', gettext("Done"))
    if status == NOT_APPLICABLE:
        return format_html(
            '<span class="badge text-bg-secondary">{}</span>', gettext("Not applicable")
        )
    return format_html('<span class="badge text-bg-light border">{}</span>', gettext("Open"))


def _about(item: Any, status: str) -> str:
    """Help, the consent rule and who dealt with the item when, under its text."""
    state = item.state
    out = ""
    if item.help:
        out += format_html('\n        <p class="small text-body-secondary mb-1">{}</p>', item.help)
    if item.requires_consent:
        recorded = ""
        if state is not None and state.consent_recorded_at:
            who = state.consent_recorded_by.display_name if state.consent_recorded_by else ""
            recorded = gettext("Consent recorded by %(who)s, %(at)s.") % {
                "who": who,
                "at": _when(state.consent_recorded_at, gettext("M j, H:i")),
            }
        out += format_html(
            '\n        <p class="small mb-1"><strong>{}</strong>\n        {}</p>',
            gettext("Only with the patient's consent."),
            recorded,
        )
    if state is not None and status != OPEN:
        reason = ""
        if status == NOT_APPLICABLE:
            reason = gettext("Reason: %(reason)s") % {"reason": state.reason} + " · "
        by = state.changed_by.display_name if state.changed_by else ""
        out += format_html(
            '\n        <p class="small mb-1">{}{}, <time datetime="{}">{}</time></p>',
            reason,
            by,
            _when(state.changed_at, "c") if state.changed_at else "",
            _when(state.changed_at, gettext("M j, H:i")) if state.changed_at else "",
        )
    return out


def _refusal(item: Any) -> str:
    """Why the last change was not saved: someone else's change, or the form's errors."""
    state = item.state
    if item.conflict:
        who = ""
        if state.changed_by:
            who = format_html(
                " ({}, {})", state.changed_by.display_name, _when(state.changed_at, "H:i")
            )
        changed = gettext(
            "Someone else changed this item while you had it open. It is now “%(status)s”"
        ) % {"status": state.get_status_display()}
        return format_html(
            '\n        <div class="alert alert-danger py-2 small mb-2" role="alert">\n'
            "          {}{}.\n          {}\n        </div>",
            changed,
            who,
            gettext("Your change was not saved: choose again if you still want it."),
        )
    form = item.form
    if form is None or not form.errors:
        return ""
    errors = [*form.non_field_errors(), *(e for field in form for e in field.errors)]
    return format_html(
        '\n        <div class="alert alert-danger py-2 small mb-2" role="alert">\n'
        "          {}\n        </div>",
        "".join(f"{error} " for error in errors),
    )


# The buttons of an item shown without a refusal and with no reason typed are the same for every
# case: they name the item (its checklist and slug), its status and whether it needs consent,
# in the reader's language, and nothing of the case. Kept per process, bounded, shared by threads.
_BUTTONS: dict[tuple[str, str, bool, str], str] = {}
_BUTTONS_KEPT = 2048
_BUTTONS_LOCK = threading.Lock()


def _buttons(item: Any, status: str, dom_id: str) -> str:
    if item.form is not None or (status != NOT_APPLICABLE and item.typed_reason):
        return _choices(item, status, dom_id)
    key = (dom_id, status, bool(item.requires_consent), get_language())
    found = _BUTTONS.get(key)
    if found is None:
        found = _choices(item, status, dom_id)
        with _BUTTONS_LOCK:
            while len(_BUTTONS) >= _BUTTONS_KEPT:
                _BUTTONS.pop(next(iter(_BUTTONS)))  # the oldest
            _BUTTONS[key] = found
    return found


def _action(context: template.Context, item: Any) -> str:
    """The item's URL: reversed once per checklist and render (slugs need no quoting)."""
    # The stubs type the render context for the template loaders' own entries only.
    renders: Any = context.render_context
    store: dict[tuple[str, str], str] = renders.setdefault("safety_checklist_urls", {})
    key = (context["case"].ref, item.checklist)
    prefix = store.get(key)
    if prefix is None:
        prefix = store[key] = reverse(
            "safety:set-checklist-item", args=[context["case"].ref, item.checklist, "-"]
        ).removesuffix("-/")
    return f"{prefix}{item.slug}/"


def _choices(item: Any, status: str, dom_id: str) -> str:
    """The form's buttons: done (with consent where needed), reopen, not applicable."""
    out = ""
    if status != DONE:
        if item.requires_consent:
            out += format_html(
                '<div class="form-check mt-1"><input class="form-check-input" type="checkbox" '
                'name="consent" value="on" id="{}-consent"><label class="form-check-label small" '
                'for="{}-consent">{}</label></div>',
                dom_id,
                dom_id,
                gettext("The patient gave consent"),
            )
        out += format_html(
            '\n          <button type="submit" name="status" value="done" '
            'class="btn btn-sm btn-outline-primary" aria-describedby="{}-text">{}</button>',
            dom_id,
            gettext("Mark done"),
        )
    if status != OPEN:
        out += format_html(
            '\n          <button type="submit" name="status" value="open" '
            'class="btn btn-sm btn-outline-dark" aria-describedby="{}-text">{}</button>',
            dom_id,
            gettext("Reopen"),
        )
    if status != NOT_APPLICABLE:
        form = item.form
        is_open = " open" if form is not None and form.errors.get("reason") else ""
        out += format_html(
            '\n          <details{}><summary class="small py-1">{}</summary>\n'
            '            <label for="{}-reason" class="form-label small mb-1 mt-1">{}</label>\n'
            '            <textarea id="{}-reason" name="reason" rows="2" maxlength="1000" '
            'class="form-control form-control-sm">{}</textarea>\n'
            '            <button type="submit" name="status" value="not_applicable" '
            'class="btn btn-sm btn-outline-dark mt-1" aria-describedby="{}-text">{}</button>\n'
            "          </details>",
            is_open,
            gettext("Not applicable…"),
            dom_id,
            gettext("Why it does not apply"),
            dom_id,
            item.typed_reason,
            dom_id,
            gettext("Mark not applicable"),
        )
    return out


@register.simple_tag(takes_context=True)
def checklist_item(context: template.Context, item: Any) -> SafeString:
    """One `ItemView` (`safety.views`) as its `<li>`, the fragment a tick swaps."""
    dom_id, status = item.dom_id, item.status
    action = _action(context, item)
    return format_html(
        '\n    <li class="list-group-item" id="{}"><div class="d-flex gap-2 align-items-start">\n'
        "      {}\n"
        '      <div class="flex-grow-1">\n'
        '        <p class="mb-1" id="{}-text">{}</p>{}{}\n'
        '        <form method="post" action="{}" hx-post="{}" hx-target="#{}" hx-swap="outerHTML" '
        'class="d-flex flex-wrap gap-2 align-items-start">{}'
        '<input type="hidden" name="base_version" value="{}">\n'
        "          {}\n"
        "        </form>\n"
        "      </div>\n"
        "    </div></li>\n",
        dom_id,
        _badge(status),
        dom_id,
        item.text,
        mark_safe(_about(item, status)),  # noqa: S308 - built with format_html
        mark_safe(_refusal(item)),  # noqa: S308 - built with format_html
        action,
        action,
        dom_id,
        _csrf_input(context),
        item.version,
        mark_safe(_buttons(item, status, dom_id)),  # noqa: S308 - built with format_html
    )
