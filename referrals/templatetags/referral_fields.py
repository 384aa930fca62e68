"""The Referrals tab's long selects, written in Python.

"Who follows up" lists every clinician and supervisor of the facility (240 in the benchmark), on
each open referral's forms: through a template loop with two filters per option it was most of
the tab's rendering time. The HTML is the one the loop wrote.
"""

from __future__ import annotations

from typing import Any, cast

from django import template
from django.forms import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def select_options(field: BoundField) -> SafeString:
    """`field`'s choices as `<option>`s, the one whose value is the field's marked selected."""
    # As the loop compared them: both sides as text (an empty field is "None", no option).
    current = f"{field.value()}"
    choices = getattr(field.field, "choices", [])
    written = getattr(choices, "options_html", None)
    if written is not None:
        # The page's staff, written once for all its selects (`forms._ReadyChoices`): mark the
        # current one. Values are unique and a label is escaped text, so the first
        # `<option value="…">` of that value is the one.
        value_html = conditional_escape(current)
        unselected = f'<option value="{value_html}">'
        return mark_safe(  # noqa: S308 - written from escaped values and labels
            written.replace(unselected, f'<option value="{value_html}" selected>', 1)
        )
    parts = []
    for value, label in cast("list[tuple[Any, str]]", choices):
        selected = " selected" if f"{value}" == current else ""
        value_html = conditional_escape(f"{value}")
        parts.append(f'<option value="{value_html}"{selected}>{conditional_escape(label)}</option>')
    return mark_safe("".join(parts))  # noqa: S308 - every value and label is escaped above
