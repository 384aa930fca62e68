"""A form renderer that writes Django's plain widgets in Python instead of through templates.

The screening tab, the checklist editors and the rule-table editor render a few hundred widgets
a page; through Django's widget templates each costs several template includes. This renderer
produces, for Django's own input, textarea, select and radio/checkbox templates, the very same
HTML those templates produce (`tests/cases/test_form_renderer.py` compares both on Harbor's
pages), and hands every other template (forms, fields, crispy's, a template an app overrides)
to Django's renderer unchanged. A select writes its options itself, with plain text escaped
directly: a select of a few hundred people costs about what writing its `<option>`s by hand
does.
"""

from __future__ import annotations

from functools import cached_property
from html import escape
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape

WIDGETS = "django/forms/widgets/"
INPUTS = {
    f"{WIDGETS}{name}.html"
    for name in (
        "input text hidden number email password url tel search date datetime time color checkbox"
    ).split()
}
OPTIONS = {f"{WIDGETS}{name}.html" for name in ("input_option", "radio_option", "checkbox_option")}
MULTIPLE = {f"{WIDGETS}{name}.html" for name in ("multiple_input", "radio", "checkbox_select")}
TEXTAREA = f"{WIDGETS}textarea.html"
SELECT = f"{WIDGETS}select.html"
SELECT_OPTION = f"{WIDGETS}select_option.html"
FAST = INPUTS | OPTIONS | MULTIPLE | {TEXTAREA, SELECT, SELECT_OPTION}
DJANGO_WIDGETS = Path(django.forms.__file__).parent / "templates"


# What `{{ value }}` reads of its context (autoescape, use_l10n, use_tz): one context, never
# changed, serves every widget (and every thread).
_CONTEXT = Context(autoescape=True)


def _value(value: Any) -> str:
    """`{{ value }}`: localized, then escaped unless already safe, as a template does."""
    if type(value) is str:  # plain text (not SafeString): nothing to localize, only to escape
        return escape(value)
    return render_value_in_context(value, _CONTEXT)


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`."""
    if type(value) is str:
        return escape(value)
    if type(value) is int:  # digits (and a sign): nothing to escape
        return str(value)
    return str(conditional_escape(value if isinstance(value, str) else f"{value}"))


def _attrs(attrs: dict[str, Any]) -> str:
    if not attrs:
        return ""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_value(name)}")
        if value is not True:
            out.append(f'="{_formatted(value)}"')
    return "".join(out)


def _input(widget: dict[str, Any]) -> str:
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return (
        f'<input type="{_value(widget["type"])}" name="{_value(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>\n"
    )


def _option(widget: dict[str, Any]) -> str:
    """input_option.html (a radio or checkbox with its label)."""
    if not widget.get("wrap_label"):
        return _input(widget) + "\n"
    target = widget["attrs"].get("id")
    opening = f'<label for="{_value(target)}">' if target else "<label>"
    return f"{opening}{_input(widget)} {_value(widget['label'])}</label>\n"


def _multiple(widget: dict[str, Any], render_option: Any) -> str:
    target = widget["attrs"].get("id")
    css = widget["attrs"].get("class")
    out = ["<div"]
    if target:
        out.append(f' id="{_value(target)}"')
    if css:
        out.append(f' class="{_value(css)}"')
    out.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{_value(group)}</label>")
        for option in options:
            out.append(f"<div>\n    {render_option(option)}</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>\n")
    return "".join(out)


def _select_option(widget: dict[str, Any]) -> str:
    """select_option.html."""
    return (
        f'<option value="{_formatted(widget["value"])}"{_attrs(widget["attrs"])}>'
        f"{_value(widget['label'])}</option>\n"
    )


def _select(widget: dict[str, Any], render_option: Any, fast_options: bool) -> str:
    """select.html; its options written here when select_option.html is Django's own (a select
    of a few hundred people is then as cheap as writing the options by hand)."""
    write = _select_option if fast_options else None
    out = [f'<select name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f'\n  <optgroup label="{_value(group)}">')
        for option in options:
            if write is not None and option["template_name"] == SELECT_OPTION:
                out.append(f"\n  {write(option)}")
            else:
                out.append(f"\n  {render_option(option)}")
        if group:
            out.append("\n  </optgroup>")
    out.append("\n</select>\n")
    return "".join(out)


class FastWidgetRenderer(DjangoTemplates):
    """Django's template renderer, with its plain widgets written directly (same HTML)."""

    @cached_property
    def fast(self) -> frozenset[str]:
        """The widget templates that are still Django's own (an app may override one)."""

        def origin(name: str) -> Path:
            template: Any = self.engine.get_template(name)
            return Path(template.origin.name)

        return frozenset(name for name in FAST if origin(name).is_relative_to(DJANGO_WIDGETS))

    def _included(self, widget: dict[str, Any]) -> str:
        """`{% include option.template_name with widget=option %}` (no strip: an include)."""
        name = widget["template_name"]
        if name in self.fast:
            return self._write(name, widget)
        return self.get_template(name).render({"widget": widget})

    def _write(self, name: str, widget: dict[str, Any]) -> str:
        if name in INPUTS:
            return _input(widget) + ("\n" if name != f"{WIDGETS}input.html" else "")
        if name in OPTIONS:
            return _option(widget) + ("\n" if name != f"{WIDGETS}input_option.html" else "")
        if name in MULTIPLE:
            html = _multiple(widget, self._included)
            return html + ("\n" if name != f"{WIDGETS}multiple_input.html" else "")
        if name == TEXTAREA:
            text = _value(widget["value"]) if widget["value"] else ""
            opening = f'<textarea name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>'
            return f"{opening}\n{text}</textarea>\n"
        if name == SELECT:
            return _select(widget, self._included, SELECT_OPTION in self.fast)
        return _select_option(widget)

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name in self.fast and request is None and "widget" in context:
            return self._write(template_name, context["widget"]).strip()
        return super().render(template_name, context, request)
