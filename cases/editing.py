"""Editing content with Django formsets, and the one view that runs every content editor.

An `Editor` is a header form (`note`, `base_version`, the document's own fields) plus formsets
(rows added, removed with DELETE, reordered with ORDER). `document()` turns the valid forms into
the content's document and remembers which form each part came from, so a `ContentInvalid`
from `save_version` lands on the field it names (no parsing of messages).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.content import (
    ContentInvalid,
    Problem,
    StaleVersion,
    VersionedContent,
    keep_typed,
    refusal,
    require_administrator,
    restore_note,
    save_version,
)
from cases.http import HtmxHttpRequest
from cases.languages import carry_translations
from cases.params import loads_json, whole_number

Path = tuple[str | int, ...]


class VersionForm(forms.Form):
    """What every content save carries: why, and the version the edit started from."""

    note = forms.CharField(
        label=gettext_lazy("What changed, and why"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Kept in the history with your name and the time."),
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def json_field(text: str) -> Any:
    """The document pasted into a JSON editor's field, or the field's error saying why not
    (malformed, nested too deeply, or holding what cannot be stored: `loads_json`)."""
    try:
        return loads_json(text)
    except json.JSONDecodeError as error:
        raise forms.ValidationError(
            _("This is not valid JSON: %(error)s."), params={"error": error}
        ) from None
    except RecursionError:
        raise forms.ValidationError(_("This JSON is nested too deeply to read.")) from None


class RowFormSet(forms.BaseFormSet):
    """Rows of one list: edited in place, removed (DELETE), reordered (ORDER), one added."""

    # Names each row's controls, e.g. "Remove theme 6"; a lazy noun reads in the active language.
    noun: ClassVar[str | Promise] = "item"

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        n = "" if index is None else index + 1
        labels = {"noun": self.noun, "n": n}
        form.fields["ORDER"].label = _("Position of %(noun)s %(n)s") % labels
        form.fields["ORDER"].widget.attrs.update(min=1, **{"class": "form-control harbor-order"})
        form.fields["DELETE"].label = _("Remove %(noun)s %(n)s") % labels

    def kept(self) -> list[forms.Form]:
        """The rows to keep, in their new order: a row given a new position N is the Nth of the
        saved rows; the others keep their order around it; an added row goes last unless given
        a position. (Sorting on the typed numbers alone would tie "move 1 to 3" with row 3.)"""
        stay: list[forms.Form] = []
        moved: list[tuple[int, int, forms.Form]] = []
        added: list[forms.Form] = []
        for index, form in enumerate(self.forms):
            is_new = index >= self.initial_form_count()
            if (is_new and not form.has_changed()) or form.cleaned_data.get("DELETE"):
                continue
            typed = form.cleaned_data.get("ORDER")
            if typed is not None and (is_new or typed != index + 1):
                moved.append((typed, index, form))
            else:
                (added if is_new else stay).append(form)
        for typed, _index, form in sorted(moved, key=lambda m: (m[0], m[1])):
            stay.insert(max(0, min(typed - 1, len(stay))), form)
        return stay + added


def row_formset(
    form_class: type[forms.Form], *, noun: str | Promise = "item", extra: int = 1
) -> type[RowFormSet]:
    name = form_class.__name__.removesuffix("Form")
    base = type(f"{name}RowFormSet", (RowFormSet,), {"noun": noun})
    return forms.formset_factory(  # type: ignore[return-value]  # the stubs return the base class
        form_class,
        formset=base,
        extra=extra,
        can_order=True,
        can_delete=True,
        max_num=200,
        validate_max=True,
    )


class Editor:
    """Base of every content editor; a subclass builds its formsets and its document."""

    header_class: ClassVar[type[forms.Form]] = VersionForm
    # The document's lists edited as formsets: list name -> (formset class, form prefix).
    formset_classes: ClassVar[dict[str, tuple[type[RowFormSet], str]]] = {}

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        *,
        content: Mapping[str, Any],
        base_version: int,
        note: str = "",
    ) -> None:
        self.before = content
        initial = {**self.header_initial(content), "base_version": base_version, "note": note}
        self.form = self.header_class(data, initial=initial)
        self.formsets: dict[str, RowFormSet] = self.build(data, content)
        self.origin: dict[Path, forms.Form] = {}

    def header_initial(self, content: Mapping[str, Any]) -> dict[str, Any]:
        return {name: content.get(name) for name in self.header_class.base_fields}

    def build(self, data: Mapping[str, Any] | None, content: Mapping[str, Any]) -> dict[str, Any]:
        return {
            name: formset_class(data, initial=content[name], prefix=prefix)
            for name, (formset_class, prefix) in self.formset_classes.items()
        }

    def is_valid(self) -> bool:
        # Every part validated (no short-circuit), so all errors show at once.
        results = [self.form.is_valid(), *(fs.is_valid() for fs in self.all_formsets())]
        return self.clean() and all(results)

    def all_formsets(self) -> list[RowFormSet]:
        return list(self.formsets.values())

    def clean(self) -> bool:
        """Cross-form rules worded for the place they concern; False when one is broken. Runs
        after every form is validated, valid or not (read `cleaned_data` with `.get`)."""
        return True

    def document(self) -> dict[str, Any]:
        raise NotImplementedError

    def header(self) -> dict[str, Any]:
        """The header form's own document fields, from its cleaned data."""
        skip = set(VersionForm.base_fields)
        data = self.form.cleaned_data
        self.origin[()] = self.form
        return {name: data[name] for name in self.form.fields if name not in skip}

    def rows(self, path: Path, formset: RowFormSet, make: Any) -> list[dict[str, Any]]:
        """The kept rows of `formset` as documents (`make(form, index)`), remembering each
        row's form under `path + (index,)`."""
        result = []
        for index, form in enumerate(formset.kept()):
            self.origin[(*path, index)] = form
            result.append(make(form, index))
        return result

    @property
    def base_version(self) -> int:
        return int(self.form.cleaned_data["base_version"])

    @property
    def note(self) -> str:
        return str(self.form.cleaned_data["note"])

    def add_problems(self, problems: tuple[Problem, ...]) -> None:
        """Show each problem on the form (and field) its JSON path points at."""
        for problem in problems:
            prefix = max(
                (p for p in self.origin if problem.path[: len(p)] == p), key=len, default=None
            )
            form = self.origin.get(prefix) if prefix is not None else None
            if form is None or prefix is None:
                self.form.add_error(None, str(problem))
                continue
            rest = problem.path[len(prefix) :]
            name = rest[0] if len(rest) == 1 and isinstance(rest[0], str) else None
            if name in form.fields:
                form.add_error(name, problem.message)
            else:
                form.add_error(None, str(Problem(rest, problem.message)))

    def error_summary(self) -> list[tuple[str, str, str]]:
        """Every error on the page as (link target id, label, message), for the summary at
        the top: the refused page opens there, and each line leads to its field."""
        summary = []
        forms_ = [self.form, *(f for fs in self.all_formsets() if fs.is_bound for f in fs.forms)]
        for form in forms_:
            for name, errors in form.errors.items():
                field = form[name] if name in form.fields else None
                target = field.id_for_label if field is not None else ""
                label = str(field.label) if field is not None else ""
                summary += [(target, label, str(message)) for message in errors]
        return summary

    @property
    def has_errors(self) -> bool:
        return bool(self.form.errors) or any(
            fs.total_error_count() for fs in self.all_formsets() if fs.is_bound
        )


class JsonEditorMixin:
    """The advanced editor of a kind: the same save from one JSON field (`json_field_name`).
    Mixed in before the kind's `Editor`, whose formsets are built for showing, never read."""

    json_field_name: ClassVar[str]
    form: forms.Form
    json_form: forms.Form

    def build(self, data: Mapping[str, Any] | None, content: Mapping[str, Any]) -> dict[str, Any]:
        formsets: dict[str, Any] = super().build(None, content)  # type: ignore[misc]
        self.json_form = self.form
        return formsets

    def all_formsets(self) -> list[RowFormSet]:
        return []

    def add_problems(self, problems: tuple[Problem, ...]) -> None:
        for problem in problems:
            self.form.add_error(self.json_field_name, str(problem))


RECENT_VERSIONS_FOR_TRANSLATIONS = 10


def _recent_documents(model: type[VersionedContent], shown: VersionedContent) -> list[Any]:
    """The latest versions of `shown`'s slug, newest first: where an English text typed back
    as it once was finds its translation again (read on a save only)."""
    if not model.TEXTS:
        return []
    recent = model.for_content(
        model._default_manager.filter(slug=shown.slug).exclude(pk=shown.pk).order_by("-version")
    )[:RECENT_VERSIONS_FOR_TRANSLATIONS]
    return [row.as_content() for row in recent]


def edit_content(
    request: HtmxHttpRequest,
    shown: VersionedContent,
    editor_class: type[Editor],
    *,
    template: str,
    done: str,
    context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The one content editor view: open `shown` (any version; an older one is restored by
    saving it), save a valid edit as the next version, refuse a stale one showing theirs and
    yours with everything typed kept."""
    require_administrator(request)
    model = type(shown)
    if "version" in request.GET:  # a version from the history, to read or restore
        wanted = whole_number(request.GET["version"])
        found = (
            model.for_content(
                model._default_manager.filter(slug=shown.slug, version=wanted)
            ).first()
            if wanted is not None
            else None
        )
        if found is None:
            raise Http404(_("No such version."))
        shown = found
    # An unsaved `shown` is a new slug's empty document: its first save makes version 1.
    newest = model._default_manager.newest(shown.slug) or shown  # type: ignore[attr-defined]
    editor = editor_class(
        request.POST if request.method == "POST" else None,
        content=shown.as_content(),
        base_version=newest.version,
        note="" if shown.version == newest.version else restore_note(shown.version),
    )
    refused = None
    if request.method == "POST" and editor.is_valid():
        # The editors edit English; each text's translations stay while its English does.
        document = carry_translations(
            [shown.as_content(), *_recent_documents(model, shown)],
            editor.document(),
            model.TEXTS,
            model.ROWS,
        )
        try:
            row, created = save_version(
                model,
                shown.slug,
                document,
                base_version=editor.base_version,
                note=editor.note,
                by=request.user,
            )
        except ContentInvalid as invalid:
            editor.add_problems(invalid.problems)
        except StaleVersion as stale:
            refused = refusal(model, stale, base_version=editor.base_version, yours=document)
            keep_typed(editor.form, stale)
        else:
            if created:
                messages.success(
                    request,
                    _("Saved as version %(version)s. Work already started keeps its version.")
                    % {"version": row.version},
                )
            else:
                messages.info(request, _("Nothing changed, so no new version was made."))
            return redirect(done)
    history = model._default_manager.history(shown.slug)  # type: ignore[attr-defined]
    page = {
        **(context or {}),
        "shown": shown,
        "newest": newest,
        "editor": editor,
        "form": editor.form,
        "refusal": refused,
        "history": history,
    }
    status = 409 if refused else 400 if request.method == "POST" else 200
    return render(request, template, page, status=status)
