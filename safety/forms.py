from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.content import unique_slug
from cases.editing import Editor, RowFormSet, VersionForm, json_field, row_formset
from cases.schemas import Problem
from safety.checklists import SECTIONS
from safety.models import ChecklistItem
from safety.rule_table import (
    CONDITION_LABELS,
    NONE_FOUND_TOPICS,
    Condition,
    Duty,
    InjuryKind,
    Trigger,
)


class ChecklistItemForm(forms.Form):
    status = forms.ChoiceField(choices=ChecklistItem.Status.choices)
    reason = forms.CharField(required=False, max_length=1000)
    consent = forms.BooleanField(required=False)
    expected_version = forms.IntegerField(min_value=0)

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


class JurisdictionForm(forms.Form):
    entry = forms.CharField(
        label=_("Rules for this jurisdiction (JSON)"),
        widget=forms.Textarea(attrs={"rows": 30, "class": "font-monospace", "spellcheck": "false"}),
    )
    note = forms.CharField(label=_("What changed, and your source"), max_length=300)
    base_version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_entry(self) -> Any:
        return json_field(self.cleaned_data["entry"])


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


ItemFormSet = row_formset(ItemEditForm, noun="item")


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


class ChecklistJsonEditor(ChecklistEditor):
    """The same save from the JSON editor; every problem shows on the JSON field."""

    header_class = ChecklistJsonForm

    def build(self, data: Mapping[str, Any] | None, content: Mapping[str, Any]) -> dict[str, Any]:
        formsets = super().build(None, content)  # shown, not submitted
        self.json_form = self.form
        return formsets

    def all_formsets(self) -> list[RowFormSet]:
        return []

    def document(self) -> dict[str, Any]:
        data = self.form.cleaned_data
        return {"title": data["title"], "source": self.before["source"], "items": data["items"]}

    def add_problems(self, problems: tuple[Problem, ...]) -> None:
        for problem in problems:
            self.form.add_error("items" if problem.path[:1] == ("items",) else None, str(problem))


# --- The jurisdiction rule table, one part at a time --------------------------------------------

TRIGGER_LABELS = {
    Trigger.CHILD: _("Child protection (by age)"),
    Trigger.ELDER: _("Elder"),
    Trigger.VULNERABLE_ADULT: _("Vulnerable adult"),
    Trigger.WEAPON_INJURY: _("Gunshot or stab wound"),
    Trigger.CRIME_INJURY: _("Injury from a crime"),
    Trigger.CAPACITY: _("Patient lacks decision-making capacity"),
    Trigger.ANY: _("Any patient (a report only with their consent)"),
}
DUTY_LABELS = {
    Duty.MANDATORY: _("Must report (mandatory)"),
    Duty.PERMISSIVE: _("May report (permitted)"),
    Duty.CONSENT: _("Permitted with the patient's consent"),
}
TOPIC_LABELS = {
    "child": _("Child protection"),
    "adult_protection": _("Adult protection"),
    "weapon_injury": _("Gunshot or stab wounds"),
    "crime_injury": _("Injuries from a crime"),
}


class VersionNoteForm(forms.Form):
    """What every change to the rule table carries: why, and the version it was based on."""

    note = forms.CharField(
        label=_("What changed, and your source"),
        max_length=300,
        help_text=_("Kept in the history with your name and the time."),
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput)


class RuleRowForm(VersionNoteForm):
    """One row of a jurisdiction's rules. The same checks as `load_jurisdiction_rules`, worded
    for the field they concern; the whole table is validated again when it is saved."""

    id = forms.CharField(
        label=_("Rule id"),
        max_length=80,
        help_text=_(
            "Starts with the jurisdiction code. Recorded decisions cite it, so it cannot "
            "be changed later."
        ),
    )
    trigger = forms.ChoiceField(label=_("Applies to"), choices=list(TRIGGER_LABELS.items()))
    duty = forms.ChoiceField(label=_("Duty"), choices=list(DUTY_LABELS.items()))
    age_min = forms.IntegerField(
        label=_("From age (inclusive)"),
        required=False,
        min_value=0,
        max_value=130,
        help_text=_("Empty: no lower limit."),
    )
    age_max = forms.IntegerField(
        label=_("To age (inclusive)"),
        required=False,
        min_value=0,
        max_value=130,
        help_text=_("Empty: no upper limit. A child rule needs one, e.g. 15 for “under 16”."),
    )
    weapon_kinds = forms.MultipleChoiceField(
        label=_("Wounds covered"),
        required=False,
        choices=[(InjuryKind.GUNSHOT.value, _("Gunshot")), (InjuryKind.STAB.value, _("Stab"))],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for gunshot or stab wound rules, which need at least one."),
    )
    conditions = forms.MultipleChoiceField(
        label=_("Only when"),
        required=False,
        choices=[(c.value, CONDITION_LABELS[c]) for c in Condition],
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Each condition is one question on the clinician's facts form; all that are ticked "
            "must hold."
        ),
    )
    reporter = forms.CharField(
        label=_("Who must report"),
        required=False,
        max_length=300,
        help_text=_("E.g. “Any person” or “The hospital's designated person”. Empty: not stated."),
    )
    recipient = forms.CharField(label=_("To whom"), max_length=200)
    method = forms.CharField(
        label=_("How"),
        required=False,
        max_length=200,
        help_text=_("E.g. “By telephone, then in writing”. Empty: not stated."),
    )
    deadline = forms.CharField(
        label=_("How soon"),
        required=False,
        max_length=200,
        help_text=_("E.g. “Immediately” or “Within 2 working days”. Empty: not stated."),
    )
    disclosure_limit = forms.CharField(
        label=_("What may be disclosed"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    legal_basis = forms.CharField(label=_("Legal basis (citation)"), max_length=500)
    source = forms.CharField(label=_("Source"), max_length=500)
    checked_on = forms.DateField(
        label=_("Checked on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    needs_verification = forms.BooleanField(
        label=_("Needs verification"),
        required=False,
        help_text=_("Leave ticked unless you have read the current statute yourself."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    field_order = [
        "id",
        "trigger",
        "duty",
        "age_min",
        "age_max",
        "weapon_kinds",
        "conditions",
        "reporter",
        "recipient",
        "method",
        "deadline",
        "disclosure_limit",
        "legal_basis",
        "source",
        "checked_on",
        "needs_verification",
        "notes",
        "note",
        "base_version",
    ]

    def __init__(self, *args: Any, code: str, existing: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.code = code
        if existing:
            # Disabled: Django keeps the initial value whatever is posted.
            self.fields["id"].disabled = True

    def clean_id(self) -> str:
        row_id = self.cleaned_data["id"]
        if not row_id.startswith(f"{self.code}-") or len(row_id) == len(self.code) + 1:
            raise forms.ValidationError(
                _("Start the id with %(prefix)s and add a few words, e.g. %(prefix)schild."),
                params={"prefix": f"{self.code}-"},
            )
        return row_id

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        trigger, duty = data.get("trigger"), data.get("duty")
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", _("This is below the lower age limit."))
        if trigger == Trigger.CHILD and high is None and "age_max" not in self.errors:
            self.add_error("age_max", _("A child protection rule needs an upper age limit."))
        if trigger == Trigger.ANY and duty and duty != Duty.CONSENT:
            self.add_error("duty", _("A rule for any patient is a rule with their consent."))
        kinds = data.get("weapon_kinds") or []
        if trigger == Trigger.WEAPON_INJURY and not kinds:
            self.add_error("weapon_kinds", _("Tick the wounds this rule covers."))
        if trigger and trigger != Trigger.WEAPON_INJURY and kinds:
            self.add_error(
                "weapon_kinds", _("Wounds apply to gunshot or stab wound rules only: untick them.")
            )
        return data

    def row(self) -> dict[str, Any]:
        """The row in the rule table's JSON shape (every field present, empty ones null)."""
        data = self.cleaned_data
        return {
            "id": data["id"],
            "trigger": data["trigger"],
            "duty": data["duty"],
            "age_min": data["age_min"],
            "age_max": data["age_max"],
            "weapon_kinds": [k for k in ("gunshot", "stab") if k in data["weapon_kinds"]],
            "conditions": [c.value for c in Condition if c.value in data["conditions"]],
            "reporter": data["reporter"] or None,
            "recipient": data["recipient"],
            "method": data["method"] or None,
            "deadline": data["deadline"] or None,
            "disclosure_limit": data["disclosure_limit"],
            "legal_basis": data["legal_basis"],
            "source": data["source"],
            "checked_on": data["checked_on"].isoformat(),
            "needs_verification": data["needs_verification"],
            "notes": data["notes"] or None,
        }

    @staticmethod
    def initial_for(row: dict[str, Any]) -> dict[str, Any]:
        blanks = {name: row[name] or "" for name in ("reporter", "method", "deadline", "notes")}
        return {**row, **blanks}


class HotlineForm(VersionNoteForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    number = forms.CharField(label=_("Number"), max_length=60)
    notes = forms.CharField(
        label=_("Hours, languages and what the line does"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    field_order = ["name", "number", "notes", "note", "base_version"]

    def line(self) -> dict[str, str]:
        return {key: self.cleaned_data[key] for key in ("name", "number", "notes")}


class JurisdictionDetailsForm(VersionNoteForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    notes = forms.CharField(
        label=_("Notes for clinicians"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown with every decision in this jurisdiction."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for topic in sorted(NONE_FOUND_TOPICS):
            self.fields[f"none_found_{topic}"] = forms.CharField(
                label=_("No law found on: %(topic)s") % {"topic": TOPIC_LABELS[topic]},
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 1}),
                help_text=_(
                    "Say where you looked. Empty if there is a rule or it was not checked."
                ),
            )
        self.order_fields(["name", "notes", *[f for f in self.fields if f.startswith("none_")]])

    def none_found(self) -> dict[str, str]:
        return {
            topic: self.cleaned_data[f"none_found_{topic}"]
            for topic in sorted(NONE_FOUND_TOPICS)
            if self.cleaned_data[f"none_found_{topic}"]
        }

    @staticmethod
    def initial_for(entry: dict[str, Any]) -> dict[str, Any]:
        none_found = entry.get("none_found", {})
        return {
            "name": entry["name"],
            "notes": entry.get("notes") or "",
            **{f"none_found_{topic}": none_found.get(topic, "") for topic in NONE_FOUND_TOPICS},
        }
