"""The Notes tab's long option lists, written once per language and choice.

A `<select>` written by the template loop cost a variable lookup, an escape and a comparison
per option (fifty-odd body sites, six coding questions) on every tab and every codes request,
for markup that only changes with the language and the option chosen.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

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
