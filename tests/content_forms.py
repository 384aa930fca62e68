"""Submitting a content editor (cases.editing.Editor) as a browser would."""

from __future__ import annotations

from typing import Any

from django import forms

from cases.editing import Editor


def _fields(form: forms.Form, data: dict[str, Any]) -> None:
    for name, field in form.fields.items():
        value = form[name].value()
        key = form.add_prefix(name)
        if isinstance(field, forms.BooleanField):
            if value:
                data[key] = "on"
        elif isinstance(field, forms.MultipleChoiceField):
            data[key] = list(value or [])
        else:
            data[key] = "" if value is None else str(value)


def as_submitted(editor: Editor, **changes: Any) -> dict[str, Any]:
    """The POST body of `editor` opened and submitted unchanged, with `changes` applied (None
    drops a field)."""
    data: dict[str, Any] = {}
    _fields(editor.form, data)
    formsets = list(editor.formsets.values()) + list(getattr(editor, "questions", []))
    for formset in formsets:
        _fields(formset.management_form, data)
        for form in formset.forms:
            _fields(form, data)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data
