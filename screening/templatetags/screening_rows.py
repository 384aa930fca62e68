"""The screening tab's autosaved sign rows, written in Python.

A screening shows every sign of its set (13 in the shipped one), each an autosaving form; through
the template, each row's tags, filters and two widgets cost more than the rest of the tab. The
row is written here with the HTML the template writes (`case_screening.html`, which still
writes a row kept after a refused save and the rows of a finished screening;
`tests/screening/test_sign_rows.py` compares both). The widgets are the ones `ObservationForm`
renders, written from the row's values without building the form.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from cases.languages import translated
from screening.forms import ObservationForm

register = template.Library()

_NOTE_ATTRS = ObservationForm.base_fields["note"].widget.attrs
_CHECK_CLASS = ObservationForm.base_fields["observed"].widget.attrs["class"]


def _translated_with(message: str, **values: Any) -> SafeString:
    """`{% blocktranslate with name=value %}`: the catalogue's text as is, the values escaped."""
    escaped = {name: conditional_escape(value) for name, value in values.items()}
    return mark_safe(gettext(message) % escaped)  # noqa: S308 - the values are escaped above


def _checkbox(name: str, checked: bool) -> SafeString:
    """`{{ form.observed }}`: ObservationForm's CheckboxInput."""
    return format_html(
        '<input type="checkbox" name="{}" class="{}" id="id_{}"{}>',
        name,
        _CHECK_CLASS,
        name,
        mark_safe(" checked") if checked else "",  # noqa: S308 - a constant
    )


def _note(name: str, note: str) -> SafeString:
    """`{{ form.note }}`: ObservationForm's Textarea (its attributes in the widget's order)."""
    attrs = format_html_join("", ' {}="{}"', _NOTE_ATTRS.items())
    return format_html('<textarea name="{}"{} id="id_{}">\n{}</textarea>', name, attrs, name, note)


@register.simple_tag(takes_context=True)
def sign_row(context: template.Context, row: Any) -> SafeString:
    """One sign's autosaving form (`row`, an ObservedIndicator with its indicator), as the tab's
    template writes it for a row not kept after a refused save."""
    indicator = row.indicator
    language = get_language()
    text = translated(indicator, "text", language).text
    prefix = f"sign-{row.pk}"
    case = context["case"]
    save_url = reverse("screening:save-observation", args=[case.ref, row.pk])
    token = context.get("csrf_token")
    csrf = (
        format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
        if token and token != "NOTPROVIDED"  # noqa: S105 - {% csrf_token %}'s marker, not a secret
        else ""
    )
    badge = "text-bg-dark" if indicator.weight == "strong" else "text-bg-light border"
    follow_up = (
        format_html(
            '<p class="small mb-1 ms-4">{} <q>{}</q></p>',
            gettext("Ask openly:"),
            translated(indicator, "follow_up_question", language).text,
        )
        if indicator.follow_up_question
        else ""
    )
    return format_html(
        '\n      <li class="border-bottom py-2" id="sign-{slug}">\n      \n'
        '        <form method="post" action="{url}" data-autosave\n'
        '              hx-post="{url}" hx-trigger="input delay:700ms, change, submit"\n'
        '              hx-target="#{prefix}-status" hx-swap="outerHTML"'
        ' hx-sync="this:queue last">\n'
        "          {csrf}\n"
        '          <div class="form-check">\n'
        "            {checkbox}\n"
        '            <label class="form-check-label" for="id_{prefix}-observed">{text}</label>\n'
        '            <span class="badge {badge}">{weight}</span>\n'
        "          </div>\n"
        "          {follow_up}\n"
        '          <div class="ms-4">\n'
        '            <label class="visually-hidden" for="id_{prefix}-note">{note_label}</label>\n'
        "            {note}\n"
        "            \n"
        '            <div id="{prefix}-status" class="autosave-status small mt-1" role="status">\n'
        '              <input type="hidden" name="{prefix}-version" value="{version}">\n'
        '              <span class="autosave-message">\n'
        "              \n"
        "              </span>\n"
        "            </div>\n"
        "            \n"
        '            <button type="submit" class="btn btn-sm btn-outline-primary mt-1'
        ' autosave-fallback">{save}</button>\n'
        "          </div>\n"
        "        </form>\n"
        "      \n"
        "      </li>\n    ",
        slug=indicator.slug,
        url=save_url,
        prefix=prefix,
        csrf=csrf,
        checkbox=_checkbox(f"{prefix}-observed", row.observed),
        text=text,
        badge=badge,
        weight=indicator.get_weight_display(),
        follow_up=follow_up,
        note_label=_translated_with("Note about: %(sign)s", sign=text),
        note=_note(f"{prefix}-note", row.note),
        version=row.version,
        save=gettext("Save"),
    )
