"""The Notes tab's long option lists, written once per language and choice.

A `<select>` written by the template loop cost a variable lookup, an escape and a comparison
per option (fifty-odd body sites, six coding questions) on every tab and every codes request,
for markup that only changes with the language and the option chosen.
"""

from __future__ import annotations

import threading
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

register = template.Library()

# The forms whose choices are fixed for a language (declared in the code or the shipped body
# sites, never per request), so that a form, a field, a language and the option chosen name
# the markup for good.
FIXED_CHOICES = {"InjuryForm": {"site"}, "CodingForm": None}


def _fixed(field: BoundField) -> bool:
    names = FIXED_CHOICES.get(type(field.form).__name__, set())
    return names is None or field.name in names


@register.simple_tag
def select_options(field: BoundField) -> SafeString:
    """The `<option>`s of a choice field, the one equal to its value selected: the same markup
    as `{% for value, label in field.field.choices %}<option value="{{ value }}"{% if
    field.value == value %} selected{% endif %}>{{ label }}</option>{% endfor %}`."""
    choices: Any = field.field.choices  # type: ignore[attr-defined]
    current = field.value()
    chosen = next((value for value, _label in choices if value == current), None)
    if not _fixed(field):
        return _options(choices, chosen)
    return _cached(type(field.form).__name__, field.name, get_language() or "en", chosen, choices)


def _options(choices: Any, chosen: Any) -> SafeString:
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html(
                    '<option value="{}" selected>{}</option>'
                    if chosen is not None and value == chosen
                    else '<option value="{}">{}</option>',
                    value,
                    label,
                ),
            )
            for value, label in choices
        ),
    )


_CACHE: dict[tuple[str, str, str, Any], SafeString] = {}


def _cached(form: str, name: str, language: str, chosen: Any, choices: Any) -> SafeString:
    key = (form, name, language, chosen)
    found = _CACHE.get(key)
    if found is None:
        found = _options(choices, chosen)
        # Bounded by the forms' fields, languages and options: no entry comes from free input
        # (`chosen` is always one of the options, or None).
        _CACHE[key] = found
    return found


# --- The draft's text boxes and consents ------------------------------------------------------
# Most of the tab's template time went on these two loops (a lookup, an escape and an id per
# label, per help text, per radio). Each widget is still written by the form (`str(field)`,
# `radio.tag()`): its attributes, value and error state are the form's, as before.

_SECTION = (
    '\n        <div class="mb-3">'
    '\n          <label class="form-label fw-semibold" for="{}">{}</label>'
    '\n          <p class="form-text mt-0 mb-1" id="{}-help">{}</p>'
    "\n          {}"
    "\n        </div>\n        "
)
_CONSENT = (
    '\n        <fieldset class="mb-2">'
    '\n          <legend class="fs-6 mb-0">{}</legend>'
    "\n          {}"
    "\n        </fieldset>\n        "
)
_RADIO = (
    '<span class="form-check form-check-inline">{}'
    '<label class="form-check-label" for="{}">{}</label></span>'
)


@register.simple_tag
def section_fields(form: Any) -> SafeString:
    """The draft's text boxes: each section's label, its help and its widget."""
    return format_html_join(
        "",
        _SECTION,
        (
            (field.id_for_label, field.label, field.id_for_label, field.help_text, str(field))
            for field in form.section_fields()
        ),
    )


_CONSENTS: dict[tuple[Any, ...], SafeString] = {}
_CONSENTS_KEPT = 512
_CONSENTS_LOCK = threading.Lock()


@register.simple_tag
def consent_fields(form: Any) -> SafeString:
    """The draft's consents: a fieldset of inline radios each, under one heading.

    An unbound form's radios are its template's consents, labelled in the language, with the
    note's answers checked: the same template, language and answers always give the same
    markup, so it is written once. (A bound form, which may carry errors, is written anew.)
    """
    if form.is_bound:
        return _consent_markup(form)
    fields = form.consent_fields()
    key = (
        form.template,  # frozen: equal templates (same sections, labels, consents) share
        get_language() or "en",
        tuple((field.name, field.value()) for field in fields),
    )
    found = _CONSENTS.get(key)
    if found is None:
        found = _consent_markup(form)  # outside the lock: two threads may write it, harmlessly
        # Threaded workers share the dict: evicting the oldest under a lock keeps two threads
        # from iterating it while the other changes it.
        with _CONSENTS_LOCK:
            while len(_CONSENTS) >= _CONSENTS_KEPT:
                _CONSENTS.pop(next(iter(_CONSENTS)))
            _CONSENTS[key] = found
    return found


def _consent_markup(form: Any) -> SafeString:
    fields = form.consent_fields()
    if not fields:
        return SafeString("")
    rows = format_html_join(
        "",
        _CONSENT,
        (
            (
                field.label,
                format_html_join(
                    "",
                    _RADIO,
                    ((radio.tag(), radio.id_for_label, radio.choice_label) for radio in field),
                ),
            )
            for field in fields
        ),
    )
    return format_html('<h4 class="h6">{}</h4>{}', gettext("Consents"), rows)


# --- The injury form's fields -----------------------------------------------------------------
# The same markup the template loop wrote (a label, then a select for the site or a text box,
# then any errors), a third of the injuries section's time there: the loop's lookups, filters
# and comparisons, six fields on every draft.

_INJURY_FIELD = (
    '\n            <div class="{}">'
    '\n              <label class="form-label mb-0" for="{}">{}</label>'
    "\n              {}"
    "\n              {}"
    "\n            </div>\n          "
)
_SITE = '<select name="site" id="{}" class="form-select{}"{}>{}</select>\n              '
_TEXT = '<input type="text" name="{}" id="{}" value="{}" class="form-control{}"{}{}>'
_ERROR = '<p class="text-danger small mb-0" id="{}-error">{}</p>'


@register.simple_tag
def injury_fields(form: Any) -> SafeString:
    """The injury form's visible fields, each in its column."""
    return format_html_join(
        "", _INJURY_FIELD, (_injury_field(field) for field in form.visible_fields())
    )


def _injury_field(field: BoundField) -> tuple[Any, ...]:
    ident = field.id_for_label
    errors = field.errors
    invalid = " is-invalid" if errors else ""
    described = format_html(' aria-describedby="{}-error"', ident) if errors else ""
    if field.name == "site":
        widget = format_html(_SITE, ident, invalid, described, select_options(field))
    else:
        decimal = ' inputmode="decimal"' if field.name in ("length_cm", "width_cm") else ""
        widget = format_html(
            _TEXT,
            field.html_name,
            ident,
            field.value() or "",
            invalid,
            SafeString(decimal),
            described,
        )
    return (
        "col-12" if field.name in ("description", "site") else "col-6",
        ident,
        field.label,
        widget,
        format_html_join("", _ERROR, ((ident, error) for error in errors)),
    )
