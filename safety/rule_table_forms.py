"""The jurisdiction editor on the content pattern (`cases.editing`): a header form (name, notes,
"no law found" topics), a formset of rules and one of lines, or the whole entry as JSON. The
entry schema and `rule_table.check_entry` refuse a bad save whichever way it came, each problem
on the field its path names."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.editing import Editor, JsonEditorMixin, VersionForm, json_field, row_formset
from cases.schemas import Problem
from safety.rule_table import (
    CONDITION_LABELS,
    NONE_FOUND_TOPICS,
    Condition,
    Duty,
    InjuryKind,
    Trigger,
)

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
# Optional texts: empty on the form, null in the entry ("not stated").
OPTIONAL_TEXT = ("reporter", "method", "deadline", "notes")


class JurisdictionHeaderForm(VersionForm):
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

    def none_found_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("none_found_")]


class RuleRowForm(forms.Form):
    """One rule: the entry schema's `rule`, a field each."""

    id = forms.CharField(
        label=_("Rule id"),
        max_length=80,
        help_text=_(
            "Starts with the jurisdiction code. Recorded decisions cite it, so it cannot "
            "be changed later."
        ),
    )
    # An empty first choice: an untouched new rule posts nothing, so it is not added.
    trigger = forms.ChoiceField(
        label=_("Applies to"), choices=[("", _("Choose…")), *TRIGGER_LABELS.items()]
    )
    duty = forms.ChoiceField(label=_("Duty"), choices=[("", _("Choose…")), *DUTY_LABELS.items()])
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
        label=_("Checked on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    needs_verification = forms.BooleanField(
        label=_("Needs verification"),
        required=False,
        initial=True,
        help_text=_("Leave ticked unless you have read the current statute yourself."),
    )
    notes = forms.CharField(
        label=pgettext_lazy("a rule's remarks", "Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def row(self) -> dict[str, Any]:
        """The rule as the entry schema spells it (every field present, empty ones null)."""
        data = self.cleaned_data
        return {
            **{name: data[name] for name in ("id", "trigger", "duty", "age_min", "age_max")},
            "weapon_kinds": [k for k in ("gunshot", "stab") if k in data["weapon_kinds"]],
            "conditions": [c.value for c in Condition if c.value in data["conditions"]],
            **{name: data[name] for name in ("recipient", "disclosure_limit", "legal_basis")},
            "source": data["source"],
            "checked_on": data["checked_on"].isoformat(),
            "needs_verification": data["needs_verification"],
            **{name: data[name] or None for name in OPTIONAL_TEXT},
        }

    @staticmethod
    def initial_for(row: Mapping[str, Any]) -> dict[str, Any]:
        return {**row, **{name: row[name] or "" for name in OPTIONAL_TEXT}}


class RuleFormSet(row_formset(RuleRowForm, noun=_("rule"))):  # type: ignore[misc]
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if index is not None and index < self.initial_form_count():
            # A saved rule keeps its id (disabled: Django keeps the initial value whatever is
            # posted), so decisions that cite it still find it.
            form.fields["id"].disabled = True


class LineForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    number = forms.CharField(label=_("Number"), max_length=60)
    notes = forms.CharField(
        label=_("Hours, languages and what the line does"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def line(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in ("name", "number", "notes")}


LineFormSet = row_formset(LineForm, noun=_("line"))


class JurisdictionEditor(Editor):
    """One jurisdiction's rules and lines, added, removed and reordered in one save."""

    header_class: ClassVar[type[forms.Form]] = JurisdictionHeaderForm
    json_form: forms.Form

    def header_initial(self, content: Mapping[str, Any]) -> dict[str, Any]:
        none_found = content.get("none_found", {})
        return {
            "name": content["name"],
            "notes": content.get("notes", ""),
            **{f"none_found_{topic}": none_found.get(topic, "") for topic in NONE_FOUND_TOPICS},
        }

    def build(self, data: Mapping[str, Any] | None, content: Mapping[str, Any]) -> dict[str, Any]:
        entry = {key: value for key, value in content.items() if key not in ("slug", "version")}
        self.json_form = JurisdictionJsonForm(
            initial={"entry": json.dumps(entry, indent=2, ensure_ascii=False)}
        )
        rules = [RuleRowForm.initial_for(row) for row in content["rules"]]
        return {
            "rules": RuleFormSet(data, initial=rules, prefix="rules"),
            "hotlines": LineFormSet(data, initial=content["hotlines"], prefix="lines"),
        }

    def document(self) -> dict[str, Any]:
        header = self.form.cleaned_data
        self.origin[()] = self.form
        none_found = {
            topic: header[f"none_found_{topic}"]
            for topic in sorted(NONE_FOUND_TOPICS)
            if header[f"none_found_{topic}"]
        }
        optional = {"notes": header["notes"], "none_found": none_found}
        return {
            "code": self.before["code"],
            "name": header["name"],
            "country": self.before["country"],
            **{name: value for name, value in optional.items() if value},  # absent when empty
            "rules": self.rows(("rules",), self.formsets["rules"], lambda f, _i: f.row()),
            "hotlines": self.rows(("hotlines",), self.formsets["hotlines"], lambda f, _i: f.line()),
        }

    def add_problems(self, problems: tuple[Problem, ...]) -> None:
        for problem in problems:  # a header problem names its field (none_found.child…)
            if problem.path[:1] == ("none_found",) and len(problem.path) == 2:
                self.form.add_error(f"none_found_{problem.path[1]}", problem.message)
            else:
                super().add_problems((problem,))


class JurisdictionJsonForm(VersionForm):
    """The advanced editor: the entry as JSON (jurisdiction.schema.json)."""

    entry = forms.CharField(
        label=_("Rules for this jurisdiction (JSON)"),
        widget=forms.Textarea(attrs={"rows": 30, "class": "font-monospace", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "auto_id", "json_%s"
        )  # the row editor on the same page owns the plain ids
        super().__init__(*args, **kwargs)

    def clean_entry(self) -> Any:
        return json_field(self.cleaned_data["entry"])


class JurisdictionJsonEditor(JsonEditorMixin, JurisdictionEditor):
    """The same save from the JSON editor; every problem shows on the JSON field."""

    header_class = JurisdictionJsonForm
    json_field_name = "entry"

    def header_initial(self, content: Mapping[str, Any]) -> dict[str, Any]:
        return {}

    def document(self) -> dict[str, Any]:
        entry = self.form.cleaned_data["entry"]
        return dict(entry) if isinstance(entry, Mapping) else {"entry": entry}
