from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.content import unique_slug
from cases.editing import Editor, JsonEditorMixin, VersionForm, json_field, row_formset
from cases.schemas import Problem
from safety.checklists import SECTIONS
from safety.models import ChecklistItem


class ChecklistItemForm(forms.Form):
    status = forms.ChoiceField(choices=ChecklistItem.Status.choices)
    reason = forms.CharField(required=False, max_length=1000)
    consent = forms.BooleanField(required=False)
    base_version = forms.IntegerField(min_value=0)

    def __init__(self, *args: Any, requires_consent: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requires_consent = requires_consent

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        status = data.get("status")
        if status == ChecklistItem.Status.NOT_APPLICABLE and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why this item does not apply."))
        if (
            status == ChecklistItem.Status.DONE
            and self.requires_consent
            and not data.get("consent")
        ):
            self.add_error(
                "consent", _("Record the patient's consent before marking this item done.")
            )
        return data


# --- Checklist templates (the pattern of `cases.editing`) ---------------------------------------


class ChecklistHeaderForm(VersionForm):
    title = forms.CharField(label=_("Title"), max_length=200)


class ChecklistJsonForm(ChecklistHeaderForm):
    """The advanced editor: the whole item list as JSON (checklist.schema.json's `items`)."""

    items = forms.CharField(
        label=_("Items (JSON)"),
        widget=forms.Textarea(attrs={"rows": 24, "class": "font-monospace", "spellcheck": "false"}),
        help_text=_(
            "A list of items: slug, text, help, section (physical, mental_health, "
            "safe_discharge or empty) and requires_consent (true or false)."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "auto_id", "json_%s"
        )  # the item editor on the same page owns the plain ids
        super().__init__(*args, **kwargs)

    def clean_items(self) -> Any:
        return json_field(self.cleaned_data["items"])


class ItemEditForm(forms.Form):
    # An item's slug is its identity in every case that uses the checklist, so an existing item
    # keeps it whatever its text becomes; a new item gets one made from its text.
    slug = forms.CharField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(label=_("Item"), max_length=300)
    help = forms.CharField(
        label=_("Help for the clinician"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 1}),
    )
    section = forms.ChoiceField(
        label=_("Section"),
        required=False,
        choices=[("", _("No section")), *SECTIONS.items()],
    )
    requires_consent = forms.BooleanField(
        label=_("Only with the patient's consent"), required=False
    )


ItemFormSet = row_formset(ItemEditForm, noun=_("item"))


class ChecklistEditor(Editor):
    """Items added, removed and reordered in one save; `check_content` keeps the safeguards."""

    header_class = ChecklistHeaderForm
    formset_classes = {"items": (ItemFormSet, "items")}
    json_form: forms.Form

    def build(self, data: Mapping[str, Any] | None, content: Mapping[str, Any]) -> dict[str, Any]:
        self.json_form = ChecklistJsonForm(
            initial={
                "title": content["title"],
                "items": json.dumps(content["items"], indent=2, ensure_ascii=False),
            },
        )
        return super().build(data, content)

    def document(self) -> dict[str, Any]:
        taken = {item["slug"] for item in self.before["items"]}

        def item(form: forms.Form, _index: int) -> dict[str, Any]:
            data = form.cleaned_data
            slug = data.get("slug") or unique_slug(data["text"], taken, words=8)
            taken.add(slug)
            return {key: data[key] for key in ("text", "help", "section", "requires_consent")} | {
                "slug": slug
            }

        items = self.rows(("items",), self.formsets["items"], item)
        return {
            "title": self.form.cleaned_data["title"],
            "source": self.before["source"],
            "items": items,
        }


class ChecklistJsonEditor(JsonEditorMixin, ChecklistEditor):
    """The same save from the JSON editor; every problem shows on the JSON field."""

    header_class = ChecklistJsonForm
    json_field_name = "items"

    def document(self) -> dict[str, Any]:
        data = self.form.cleaned_data
        return {"title": data["title"], "source": self.before["source"], "items": data["items"]}

    def add_problems(self, problems: tuple[Problem, ...]) -> None:
        for problem in problems:  # the title's own problem shows above the form
            self.form.add_error("items" if problem.path[:1] == ("items",) else None, str(problem))
