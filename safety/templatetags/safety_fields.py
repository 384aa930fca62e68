"""`{{ field|as_field }}` and `{{ form|as_fields }}`: form fields laid out as crispy-bootstrap5
lays them out, written in Python.

The safety editors and the Reporting tab render over a hundred fields a page (a jurisdiction's
rules: 19 fields a rule, 22 choices among them). Through crispy's per-field templates each field
cost a dozen template includes, and even one small template per field spends most of its time
resolving `field.…` lookups. This writes the same layout directly: the label (with crispy's
required asterisk), the widget with crispy's Bootstrap classes (`is-invalid` when it has errors),
a checkbox after its input, a group of choices in a fieldset with its legend, the help text and
the errors under the ids Django's `aria-describedby` points at (`{auto_id}_helptext`, `_error`).
The widgets themselves still come from the form renderer (`cases.renderers`).
"""

from __future__ import annotations

import threading
from typing import Any

from django import template
from django.forms import BaseForm, BoundField
from django.template.base import FilterExpression
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# crispy-bootstrap5's class for each widget type (`BoundField.widget_type`); others: text.
CLASSES = {
    "checkbox": "checkboxinput form-check-input",
    "checkboxselectmultiple": "form-check-input",
    "radioselect": "form-check-input",
    "select": "select form-select",
    "selectmultiple": "selectmultiple form-select",
    "textarea": "textarea form-control",
    "number": "numberinput form-control",
    "date": "dateinput form-control",
    "email": "emailinput form-control",
    "datetime": "datetimeinput form-control",
}


def _classed(field: BoundField) -> None:
    """Give the field's widget crispy's classes. Each form instance holds its own copy of its
    widgets, so this changes no other form; a field rendered twice is classed once."""
    widget = field.field.widget
    if getattr(widget, "bootstrapped", False):
        return
    classes = widget.attrs.get("class", "").split()
    added = CLASSES.get(field.widget_type, "textinput form-control").split()
    invalid = ["is-invalid"] if field.errors else []
    widget.attrs["class"] = " ".join(dict.fromkeys([*classes, *added, *invalid]))
    widget.bootstrapped = True  # a mark on this copy of the widget only


def _help_and_errors(field: BoundField, auto_id: str) -> str:
    out = ""
    if field.help_text:
        out += format_html(
            '<div id="{}_helptext" class="form-text">{}</div>', auto_id, field.help_text
        )
    if field.errors:
        messages = "".join(
            format_html('<p class="mb-0"><strong>{}</strong></p>', error) for error in field.errors
        )
        out += format_html(
            '<div id="{}_error" class="invalid-feedback d-block">{}</div>',
            auto_id,
            mark_safe(messages),  # noqa: S308 - each message escaped by format_html above
        )
    return out


@register.filter
def as_field(field: BoundField) -> SafeString:
    """One field, laid out as crispy-bootstrap5's `field.html` lays it out."""
    if field.is_hidden:
        return SafeString(field)
    _classed(field)
    auto_id = field.auto_id
    required = field.field.required
    label = conditional_escape(field.label)
    if required:
        label = mark_safe(f'{label}<span class="asteriskField">*</span>')  # noqa: S308 - escaped
    required_class = " requiredField" if required else ""
    after = _help_and_errors(field, auto_id)
    if field.widget_type == "checkbox":
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check">{}'
            '<label for="{}" class="form-check-label{}">{}</label>{}</div></div>\n',
            auto_id,
            field.as_widget(),
            field.id_for_label,
            required_class,
            label,
            mark_safe(after),  # noqa: S308 - built with format_html
        )
    if field.use_fieldset:
        choices = "".join(
            format_html(
                '<div class="form-check">{}<label for="{}" class="form-check-label">{}</label>'
                "</div>\n",
                choice.tag(),
                choice.id_for_label,
                choice.choice_label,
            )
            for choice in field.subwidgets
        )
        described = field.aria_describedby
        return format_html(
            '<div id="div_{}" class="mb-3"><fieldset{}><legend class="form-label fs-6{}">{}'
            "</legend><div>\n{}</div>{}</fieldset></div>\n",
            auto_id,
            format_html(' aria-describedby="{}"', described) if described else "",
            required_class,
            label,
            mark_safe(choices),  # noqa: S308 - built with format_html
            mark_safe(after),  # noqa: S308 - built with format_html
        )
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label{}">{}</label>{}{}</div>\n',
        auto_id,
        field.id_for_label,
        required_class,
        label,
        field.as_widget(),
        mark_safe(after),  # noqa: S308 - built with format_html
    )


@register.filter
def as_fields(form: BaseForm) -> SafeString:
    """A whole form as `|crispy` writes it: its non-field errors, then every field in order."""
    out = ""
    if form.non_field_errors():
        items = "".join(format_html("<li>{}</li>", error) for error in form.non_field_errors())
        out = format_html(
            '<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>\n',
            mark_safe(items),  # noqa: S308 - each error escaped by format_html above
        )
    return mark_safe(out + "".join(as_field(field) for field in form))  # noqa: S308 - built above


# --- `{% per_version row "name" unless=flag %}…{% endper_version %}` ------------------------------

# What the editors show of one stored version is pure: the same version (a saved version never
# changes, named for good by model, pk and created_at, as `cases.content.cached_rule` names it)
# in the same language writes the same rows. Likewise an empty form of fixed fields (the Reporting
# tab's capacity assessment) is the same in the same language. Kept per process, bounded,
# shared by threads.
_PARTS: dict[tuple[Any, ...], SafeString] = {}
_PARTS_KEPT = 64
_PARTS_LOCK = threading.Lock()


class KeptNode(template.Node):
    """The enclosed part, written once per key (`row`'s version, if given) and language."""

    def __init__(
        self,
        nodelist: template.NodeList,
        row: FilterExpression | None,
        name: str,
        unless: FilterExpression | None,
    ) -> None:
        self.nodelist, self.row, self.name, self.unless = nodelist, row, name, unless

    def render(self, context: template.Context) -> SafeString:
        if self.unless is not None and self.unless.resolve(context):
            return self.nodelist.render(context)
        key: tuple[Any, ...] = (self.name, get_language())
        if self.row is not None:
            row = self.row.resolve(context)
            if row is None or row.pk is None:  # an unsaved version: nothing names it for good
                return self.nodelist.render(context)
            key = (type(row).__name__, row.pk, row.created_at, *key)
        found = _PARTS.get(key)
        if found is None:
            found = self.nodelist.render(context)  # outside the lock: a race builds it twice
            with _PARTS_LOCK:
                while len(_PARTS) >= _PARTS_KEPT:
                    _PARTS.pop(next(iter(_PARTS)))  # the oldest
                _PARTS[key] = found
        return found


def _kept(parser: template.base.Parser, token: template.base.Token, *, row: bool) -> KeptNode:
    bits = token.split_contents()
    tag, rest = bits[0], bits[1:]
    unless = None
    if rest and rest[-1].startswith("unless="):
        unless = parser.compile_filter(rest.pop().removeprefix("unless="))
    if len(rest) != (2 if row else 1):
        shape = 'row "name"' if row else '"name"'
        raise template.TemplateSyntaxError(f"{{% {tag} {shape} [unless=value] %}}")
    nodelist = parser.parse((f"end{tag}",))
    parser.delete_first_token()
    return KeptNode(
        nodelist, parser.compile_filter(rest[0]) if row else None, rest[-1].strip("\"'"), unless
    )


@register.tag
def per_version(parser: template.base.Parser, token: template.base.Token) -> KeptNode:
    """Write the enclosed part once per stored version and language, for a part that shows
    nothing but that version (an editor's unbound rows); `unless=` a true value (the form is
    bound: typed values and errors) writes it afresh."""
    return _kept(parser, token, row=True)


@register.tag
def per_language(parser: template.base.Parser, token: template.base.Token) -> KeptNode:
    """Write the enclosed part once per language, for a part that shows nothing else (an empty
    form of fixed fields); `unless=` a true value writes it afresh."""
    return _kept(parser, token, row=False)


@register.filter
def as_question(field: BoundField) -> SafeString:
    """One fact of the Reporting tab's form as a compact row: the question is the legend of its
    own group of inline radios, with its help and errors under the ids `aria-describedby` names.
    The markup the tab's `question` partial wrote, without a template lookup a choice."""
    auto_id = field.auto_id
    described = ""
    if field.help_text or field.errors:
        ids = (f"{auto_id}_help " if field.help_text else "") + (
            f"{auto_id}_error" if field.errors else ""
        )
        described = format_html(' aria-describedby="{}"', ids)
    choices = "".join(
        format_html(
            '<div class="form-check form-check-inline mb-0">{}'
            '<label class="form-check-label" for="{}">{}</label></div>',
            choice.tag(),
            choice.id_for_label,
            choice.choice_label,
        )
        for choice in field.subwidgets
    )
    help_text = ""
    if field.help_text:
        help_text = format_html(
            '<div id="{}_help" class="form-text col-12 mt-0">{}</div>', auto_id, field.help_text
        )
    errors = ""
    if field.errors:
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback d-block col-12 mt-0">{}</div>',
            auto_id,
            mark_safe("".join(f"{conditional_escape(str(e))} " for e in field.errors)),  # noqa: S308 - escaped
        )
    return format_html(
        '\n\n<fieldset class="row g-1 align-items-center mb-1"{}>\n'
        '  <legend class="col-sm-6 col-form-label col-form-label-sm py-0 mb-0">{}</legend>\n'
        '  <div class="col-sm-6">\n    {}\n  </div>\n  {}\n  {}\n</fieldset>\n',
        described,
        field.label,
        mark_safe(choices),  # noqa: S308 - built with format_html
        help_text,
        errors,
    )
