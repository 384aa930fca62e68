"""The screening tab's autosaved rows (signs, and the questions of the theme on screen),
written in Python.

A screening shows every sign of its set (13 in the shipped one) and a theme's questions, each an
autosaving form; through the template, each row's tags, filters and widgets cost more than the
rest of the tab. Each row is written here with the HTML the template writes
(`case_screening.html`, which still writes a row kept after a refused save and the rows of a
finished screening; `tests/screening/test_sign_rows.py` compares both). The widgets are the
ones `ObservationForm` and `AnswerForm` render, written from the row's values without building
the form.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from cases.languages import translated
from screening.forms import AnswerForm, ObservationForm
from screening.models import Answer

register = template.Library()

_NOTE_ATTRS = ObservationForm.base_fields["note"].widget.attrs
_ANSWER_NOTE_ATTRS = AnswerForm.base_fields["note"].widget.attrs
_CHECK_CLASS = ObservationForm.base_fields["observed"].widget.attrs["class"]
_STATUS_CHOICES = Answer.Status.choices  # AnswerForm's `status` choices


def _translated_with(message: str, **values: Any) -> SafeString:
    """`{% blocktranslate with name=value %}`: the catalogue's text as is, the values escaped."""
    escaped = {name: conditional_escape(value) for name, value in values.items()}
    return mark_safe(gettext(message) % escaped)  # noqa: S308 - the values are escaped above


def _checkbox(name: str, checked: bool) -> SafeString:
    """`{{ form.observed }}` (and an answer's boxes): the forms' CheckboxInput."""
    return format_html(
        '<input type="checkbox" name="{}" class="{}" id="id_{}"{}>',
        name,
        _CHECK_CLASS,
        name,
        mark_safe(" checked") if checked else "",  # noqa: S308 - a constant
    )


def _textarea(name: str, attrs: dict[str, Any], note: str) -> SafeString:
    """`{{ form.note }}`: the forms' Textarea (its attributes in the widget's order)."""
    shown = format_html_join("", ' {}="{}"', attrs.items())
    return format_html('<textarea name="{}"{} id="id_{}">\n{}</textarea>', name, shown, name, note)


def _csrf(context: template.Context) -> str:
    """`{% csrf_token %}`."""
    token = context.get("csrf_token")
    if token and token != "NOTPROVIDED":  # noqa: S105 - {% csrf_token %}'s marker, not a secret
        return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
    return ""


def _status(prefix: str, version: int) -> SafeString:
    """The `row-status` partial of a row not kept after a refused save: nothing to say yet."""
    return format_html(
        '\n            <div id="{}-status" class="autosave-status small mt-1" role="status">\n'
        '              <input type="hidden" name="{}-version" value="{}">\n'
        '              <span class="autosave-message">\n'
        "              \n"
        "              </span>\n"
        "            </div>\n"
        "            ",
        prefix,
        prefix,
        version,
    )


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
        "            {status}\n"
        '            <button type="submit" class="btn btn-sm btn-outline-primary mt-1'
        ' autosave-fallback">{save}</button>\n'
        "          </div>\n"
        "        </form>\n"
        "      \n"
        "      </li>\n    ",
        slug=indicator.slug,
        url=save_url,
        prefix=prefix,
        csrf=_csrf(context),
        checkbox=_checkbox(f"{prefix}-observed", row.observed),
        text=text,
        badge=badge,
        weight=indicator.get_weight_display(),
        follow_up=follow_up,
        note_label=_translated_with("Note about: %(sign)s", sign=text),
        note=_textarea(f"{prefix}-note", _NOTE_ATTRS, row.note),
        status=_status(prefix, row.version),
        save=gettext("Save"),
    )


@register.simple_tag(takes_context=True)
def answer_row(context: template.Context, row: Answer) -> SafeString:
    """One question's autosaving form (`row`, an Answer with its question), as the tab's
    template writes it for a row not kept after a refused save."""
    question = row.question
    prefix = f"answer-{row.pk}"
    save_url = reverse("screening:save-answer", args=[context["case"].ref, row.pk])
    radios = format_html_join(
        "",
        '\n            <div class="form-check form-check-inline">'
        '<input type="radio" name="{0}-status" value="{1}" class="{2}" id="id_{0}-status_{3}"'
        ' required{4}><label class="form-check-label" for="id_{0}-status_{3}">{5}</label></div>'
        "\n          ",
        (
            (prefix, value, _CHECK_CLASS, index, checked, label)
            for index, (value, label) in enumerate(_STATUS_CHOICES)
            for checked in [mark_safe(" checked") if value == row.status else ""]  # noqa: S308
        ),
    )
    return format_html(
        "\n      \n      "
        '<form method="post" action="{url}" data-autosave id="q-{slug}" data-asked="{asked}"\n'
        '            hx-post="{url}" hx-trigger="input delay:800ms, change, submit"\n'
        '            hx-target="#{prefix}-status" hx-swap="outerHTML" hx-sync="this:queue last"\n'
        '            class="border rounded p-2 mb-2">\n'
        "        {csrf}\n"
        "        <fieldset>\n"
        '          <legend class="fs-6">{text}</legend>\n'
        '          <div class="mb-1">\n'
        "          {radios}\n"
        "          </div>\n"
        '          <label class="form-label small mb-0" for="id_{prefix}-note">'
        "{note_label}</label>\n"
        "          {note}\n"
        '          <div class="form-check form-check-inline">{verbatim}'
        '<label class="form-check-label small" for="id_{prefix}-verbatim">{verbatim_label}'
        "</label></div>\n"
        '          <div class="form-check form-check-inline">{concern}'
        '<label class="form-check-label small" for="id_{prefix}-concern">{concern_label}'
        "</label></div>\n"
        "          {status}\n"
        '          <button type="submit" class="btn btn-sm btn-outline-primary mt-1'
        ' autosave-fallback">{save}</button>\n'
        "        </fieldset>\n"
        "      </form>\n"
        "      \n"
        "      ",
        url=save_url,
        slug=question.slug,
        asked="0" if row.status == Answer.Status.NOT_ASKED else "1",
        prefix=prefix,
        csrf=_csrf(context),
        text=translated(question, "text", get_language()).text,
        radios=radios,
        note_label=AnswerForm.base_fields["note"].label,
        note=_textarea(f"{prefix}-note", _ANSWER_NOTE_ATTRS, row.note),
        verbatim=_checkbox(f"{prefix}-verbatim", row.verbatim),
        verbatim_label=AnswerForm.base_fields["verbatim"].label,
        concern=_checkbox(f"{prefix}-concern", row.concern),
        concern_label=AnswerForm.base_fields["concern"].label,
        status=_status(prefix, row.version),
        save=gettext("Save"),
    )
