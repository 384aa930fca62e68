"""Template helpers shared by every phase's case pages."""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterable
from typing import Any

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from crispy_forms.templatetags.crispy_forms_utils import remove_spaces
from django import template
from django.conf import settings
from django.forms import BoundField
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from cases.dates import date_formatter
from cases.models import Case
from cases.timeline import kind_label

register = template.Library()


def _escaped(value: Any) -> str:
    """`conditional_escape(value)` as a plain string: safe text as it is, anything else
    escaped (Django's `escape` is `html.escape` of the text)."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def html_join(separator: str, format_string: str, rows: Iterable[Iterable[Any]]) -> SafeString:
    """`format_html_join(separator, format_string, rows)`: the same HTML, every value escaped
    the same way, for lists of hundreds of rows. Django's calls `format_html` per row, whose
    lazy-aware escaping of each value cost twenty times the formatting itself
    (tests/cases/test_harbor_tags.py compares the two)."""
    joined = _escaped(separator).join(format_string.format(*map(_escaped, row)) for row in rows)
    return mark_safe(joined)  # noqa: S308 - every value above was escaped


# The audit log names parts by their codes; people read these instead.
PART_LABELS = {
    "overview": _("Overview"),
    "summary": _("Case header"),
    "screening-summary": _("Concern summary"),
}


@register.filter
def part_label(code: str) -> str:
    """A readable name for an audit entry's part ("screening", "summary") or timeline event
    kind ("screening.answer_saved" → "Answer saved"), in the active language."""
    if not code:
        return ""
    tabs = {slug: label for slug, label, _url in settings.HARBOR_CASE_TABS}
    if code in PART_LABELS:
        return str(PART_LABELS[code])
    if code in tabs:
        return str(tabs[code])
    if "." not in code:
        return code.replace("-", " ").replace("_", " ").capitalize()
    # The timeline's own short name for the kind ("Case opened", "Answer saved").
    return kind_label(code) or code


@register.simple_tag
def person_options(people: Any, selected: int | None) -> SafeString:
    """The `<option>`s of a choice of people (`people`, a User queryset), `selected` marked.

    The case page's assign control lists every clinician of the facility — hundreds of them —
    and a template loop over that many people cost more than the rest of the page. Written
    here, from the four columns a name needs: `display_name` is `get_full_name()` or the
    user name, as `User.display_name` says.
    """
    rows = people.values_list("pk", "first_name", "last_name", "username")
    chosen = mark_safe(" selected")  # noqa: S308 - a constant
    return html_join(
        "\n",
        '<option value="{}"{}>{}</option>',
        (
            (pk, chosen if pk == selected else "", f"{first} {last}".strip() or name)
            for pk, first, last, name in rows
        ),
    )


def _when_function() -> Any:
    """`{{ value|date:"SHORT_DATETIME_FORMAT" }}` for many values (cases.dates), "" for none."""
    formatter = date_formatter("SHORT_DATETIME_FORMAT")
    return lambda value: formatter(value) if value else ""


@register.simple_tag
def case_rows(cases: list[Case], show_escalation: bool = False) -> SafeString:
    """The rows of a home page's case table (`cases` loaded `with_list_columns`).

    A supervisor's home shows up to three lists of fifty cases; rendered through the template,
    its variable lookups, filters and a URL reversed per row made most of the page's time. The
    same HTML, written once per row here: the case's URL from one reversed pattern, the words
    and labels translated once per table.
    """
    placeholder = "00000-00000"
    url_pattern = reverse("cases:case-detail", kwargs={"case_ref": placeholder})
    escalated = format_html(' <span class="badge text-bg-warning">{}</span>', gettext("Escalated"))
    report = format_html(' <span class="badge text-bg-danger">{}</span>', gettext("Report to log"))
    concern = {value: str(label) for value, label in Case.Concern.choices}
    _when = _when_function()
    rows = []
    for case in cases:
        if show_escalation:
            last = format_html(
                '{}<div class="small text-body-secondary">{}</div>',
                _when(case.escalated_at),
                Truncator(case.escalation_reason).chars(80),
            )
        else:
            last = format_html("{}", _when(case.updated_at))
        assignee = case.assignee.display_name if case.assignee else ""
        rows.append(
            format_html(
                "      <tr>\n"
                '        <td><a href="{}">{}</a>{}{}</td>\n'
                "        <td>{}</td>\n"
                "        <td>{}</td>\n"
                "        <td>{}</td>\n"
                "        <td>{}</td>\n"
                "        <td>{}</td>\n"
                "        <td>{}</td>\n"
                "      </tr>",
                url_pattern.replace(placeholder, case.ref),
                case.ref,
                escalated if case.is_escalated and not show_escalation else "",
                report if case.report_outstanding else "",
                case.ward_label or "—",
                case.unit.name,
                case.age_label,
                concern.get(case.concern_level, case.concern_level),
                assignee or "—",
                last,
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every part above went through format_html


@register.simple_tag
def timeline_items(events: list[Any]) -> SafeString:
    """The `<li>`s of a case's timeline (`cases.timeline.TimelineEntry`s), oldest first.

    A case under way has a hundred entries or more; written here, each costs a fraction of the
    template loop it replaces, with the same HTML: `{{ at|date:"c" }}` is the ISO time in the
    current time zone, and a missing author shows as nothing.
    """
    _when = _when_function()
    return html_join(
        "\n",
        '      <li><time datetime="{}" class="small text-body-secondary">{}</time>'
        ' · <span class="small">{}</span><br>{}</li>',
        (
            (
                localtime(event.at).isoformat(),
                _when(event.at),
                event.by.display_name if event.by is not None else "",
                event.text,
            )
            for event in events
        ),
    )


# --- Crispy forms, their layout rendered once ---------------------------------------------------
# `{{ form|crispy }}` runs crispy's field template for every field on every render: most of the
# case edit page's time. Without errors, everything it writes around each widget (the wrapper,
# label, asterisk, help text) depends only on the form's fields, not on their values: so that
# layout is rendered once per form and language, by crispy itself, with a marker where each
# widget goes, and each render then puts the widgets (with the classes crispy gave them) in the
# markers' places. A form with errors is rendered by crispy as it is.

_FIELD_MARK = "\ue000{}\ue001"
_MARKS = re.compile("\ue000([^\ue001]*)\ue001")


class _LayoutBoundField(BoundField):
    """A field that renders as its marker, noting the widget class crispy gave it."""

    classes: dict[str, str | None]

    def __str__(self) -> SafeString:
        self.classes[self.html_name] = self.field.widget.attrs.get("class")
        return SafeString(_FIELD_MARK.format(self.html_name))

    def __html__(self) -> SafeString:
        return self.__str__()


_layouts: dict[tuple[Any, ...], tuple[str, dict[str, str | None]]] = {}
LAYOUTS_KEPT = 200  # forms × languages; a form whose labels vary with its data would pass it


def _layout_key(form: Any) -> tuple[Any, ...]:
    fields = tuple(
        (
            field.html_name,
            str(field.label),
            str(field.help_text),
            field.field.required,
            type(field.field.widget),
            field.field.widget.attrs.get("class"),
            field.is_hidden,
            field.auto_id,
            field.id_for_label,
            field.use_fieldset,
            field.css_classes(),
        )
        for field in form
    )
    return (type(form), get_language(), fields)


@register.filter
def crispy_fast(form: Any) -> SafeString:
    """`{{ form|crispy }}` (bootstrap5), the same HTML, with crispy's layout rendered once."""
    if form.errors:
        return as_crispy_form(form)
    key = _layout_key(form)
    found = _layouts.get(key)
    if found is None:
        layout_form = copy.copy(form)  # the same fields and widgets: crispy's classes stay on
        layout_form._bound_fields_cache = {}
        classes: dict[str, str | None] = {}
        layout_form.bound_field_class = type(
            "LayoutBoundField", (_LayoutBoundField,), {"classes": classes}
        )
        if len(_layouts) >= LAYOUTS_KEPT:
            _layouts.clear()
        found = _layouts[key] = (str(as_crispy_form(layout_form)), classes)
    layout, classes = found
    widgets = {}
    for field in form:
        css = classes.get(field.html_name)
        if css is not None:
            field.field.widget.attrs["class"] = css
        widgets[field.html_name] = str(field)
    # crispy's own spacing rule, over the widgets now in place (it ran over the markers).
    rendered = remove_spaces(_MARKS.sub(lambda mark: widgets[mark.group(1)], layout))
    return mark_safe(rendered)  # noqa: S308 - crispy's escaped layout and Django's widgets
