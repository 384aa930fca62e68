from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety.checklists import ChecklistError, parse_items
from safety.models import FINDING_CHOICES, OUTCOME_CHOICES, CapacityAssessment, ChecklistItem
from safety.rules import (
    AbilityFinding,
    CapacityOutcome,
    ExploitationKind,
    InjuryKind,
    ReportingFacts,
    Tri,
)

TRI_CHOICES = [
    (Tri.YES.value, _("Yes")),
    (Tri.NO.value, _("No")),
    (Tri.UNKNOWN.value, _("Unknown")),
]


class ChecklistItemForm(forms.Form):
    status = forms.ChoiceField(choices=ChecklistItem.Status.choices)
    reason = forms.CharField(required=False, max_length=1000)
    consent = forms.BooleanField(required=False)
    expected_version = forms.IntegerField(min_value=0)

    def __init__(self, *args: Any, requires_consent: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requires_consent = requires_consent

    def clean(self) -> dict[str, Any]:
        data = super().clean()
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


ABILITY_QUESTIONS = {
    "communicate_choice": _("Can the patient communicate a choice?"),
    "understand": _("Does the patient understand the relevant information?"),
    "appreciate": _("Does the patient appreciate the situation and its consequences?"),
    "reason": _("Can the patient reason about the options?"),
}


class CapacityForm(forms.Form):
    decision = forms.CharField(
        label=_("Decision being assessed"),
        max_length=300,
        help_text=_("Capacity is decision-specific, e.g. “whether to involve the police”."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for ability in CapacityAssessment.ABILITIES:
            self.fields[ability] = forms.ChoiceField(
                label=ABILITY_QUESTIONS[ability],
                choices=FINDING_CHOICES,
                widget=forms.RadioSelect,
            )
            self.fields[f"{ability}_evidence"] = forms.CharField(
                label=_("Evidence"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_(
                    "What the patient said or did that shows it. Needed unless not assessed."
                ),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for ability in CapacityAssessment.ABILITIES:
            finding = data.get(ability)
            evidence = data.get(f"{ability}_evidence", "").strip()
            if finding and finding != AbilityFinding.NOT_ASSESSED and not evidence:
                self.add_error(f"{ability}_evidence", _("Write the evidence for this finding."))
        return data

    def findings(self) -> dict[str, tuple[str, str]]:
        return {
            ability: (self.cleaned_data[ability], self.cleaned_data[f"{ability}_evidence"])
            for ability in CapacityAssessment.ABILITIES
        }

    def ability_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[a], self[f"{a}_evidence"]) for a in CapacityAssessment.ABILITIES]


class FactsForm(forms.Form):
    """The facts for the reporting engine. Every choice is explicit: nothing defaults to “no”."""

    age = forms.IntegerField(label=_("Age in years"), required=False, min_value=0, max_value=125)
    age_unknown = forms.BooleanField(label=_("Age not known"), required=False)
    capacity = forms.ChoiceField(
        label=_("Decision-making capacity"), choices=OUTCOME_CHOICES, widget=forms.RadioSelect
    )
    serious_crime_injury = forms.ChoiceField(
        label=_("Is there a serious injury caused by a crime?"),
        choices=TRI_CHOICES,
        widget=forms.RadioSelect,
    )
    injury_kind = forms.ChoiceField(
        label=_("Kind of wound"),
        choices=[
            (InjuryKind.GUNSHOT.value, _("Gunshot")),
            (InjuryKind.STAB.value, _("Stab")),
            (InjuryKind.OTHER.value, _("Other wound, or none")),
            ("unknown", _("Unknown")),
        ],
        widget=forms.RadioSelect,
    )
    injury_self_inflicted_or_accidental = forms.ChoiceField(
        label=_("Was the wound self-inflicted or accidental?"),
        choices=TRI_CHOICES,
        widget=forms.RadioSelect,
    )
    developmental_disability = forms.ChoiceField(
        label=_("Does the patient have a developmental disability?"),
        choices=TRI_CHOICES,
        widget=forms.RadioSelect,
    )
    vulnerable_or_elderly_adult = forms.ChoiceField(
        label=_("Is the patient an elderly or otherwise vulnerable adult?"),
        choices=TRI_CHOICES,
        widget=forms.RadioSelect,
    )
    exploitation_kind = forms.ChoiceField(
        label=_("Kind of exploitation"),
        choices=[
            (ExploitationKind.SEXUAL.value, _("Sexual")),
            (ExploitationKind.LABOUR.value, _("Labour")),
            (ExploitationKind.BOTH.value, _("Both")),
            (ExploitationKind.UNKNOWN.value, _("Unknown")),
        ],
        widget=forms.RadioSelect,
    )
    caregiver_involved = forms.ChoiceField(
        label=_("Is a parent or caregiver involved?"),
        choices=TRI_CHOICES,
        widget=forms.RadioSelect,
    )
    patient_consents_to_police = forms.ChoiceField(
        label=_("Does the patient want the police involved?"),
        choices=TRI_CHOICES,
        widget=forms.RadioSelect,
        help_text=_("Ask the patient, alone. “Unknown” if you have not asked yet."),
    )
    # The rule-table version the clinician reviewed; recording against a newer one is refused.
    rules_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    TRI_FIELDS = (
        "serious_crime_injury",
        "injury_self_inflicted_or_accidental",
        "developmental_disability",
        "vulnerable_or_elderly_adult",
        "caregiver_involved",
        "patient_consents_to_police",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        age, unknown = data.get("age"), data.get("age_unknown")
        if age is None and not unknown and "age" not in self.errors:
            self.add_error("age", _("Enter the age, or tick “Age not known”."))
        if age is not None and unknown:
            self.add_error("age_unknown", _("Either enter the age or tick “Age not known”."))
        return data

    def facts(self, jurisdiction: str) -> ReportingFacts:
        data = self.cleaned_data
        kind = data["injury_kind"]
        return ReportingFacts(
            jurisdiction=jurisdiction,
            age=None if data["age_unknown"] else data["age"],
            capacity=CapacityOutcome(data["capacity"]),
            injury_kind=None if kind == "unknown" else InjuryKind(kind),
            exploitation_kind=ExploitationKind(data["exploitation_kind"]),
            **{name: Tri(data[name]) for name in self.TRI_FIELDS},
        )


class DisclosureForm(forms.Form):
    OTHER = "other"

    report = forms.ChoiceField(
        label=_("Report made to"),
        help_text=_("The recipients of the recorded decision, or another recipient."),
    )
    other_recipient = forms.CharField(label=_("Other recipient"), required=False, max_length=200)
    made_at = forms.DateTimeField(
        label=_("When the report was made"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reference_number = forms.CharField(
        label=_("Reference number"),
        required=False,
        max_length=100,
        help_text=_("The number the recipient gave, if any."),
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        required=False,
        max_length=500,
        help_text=_("Leave empty to use the legal basis of the chosen report."),
    )
    patient_informed = forms.ChoiceField(
        label=_("Was the patient told about this report?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
    )
    not_informed_reason = forms.CharField(
        label=_("If not, why not"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. telling them would put them at risk of serious harm."),
    )

    def __init__(self, *args: Any, reports: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reports = {report["rule_id"]: report for report in reports}
        self.fields["report"].choices = [
            ("", _("Choose…")),
            *[(r["rule_id"], r["recipient"]) for r in reports],
            (self.OTHER, _("Another recipient")),
        ]
        self.fields["made_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        report = self.reports.get(data.get("report", ""))
        if data.get("report") == self.OTHER:
            if not data.get("other_recipient", "").strip():
                self.add_error("other_recipient", _("Name the recipient."))
            if not data.get("legal_basis", "").strip():
                self.add_error("legal_basis", _("Give the legal basis for this report."))
        data["recipient"] = report["recipient"] if report else data.get("other_recipient", "")
        data["rule_id"] = report["rule_id"] if report else ""
        if report and not data.get("legal_basis", "").strip():
            data["legal_basis"] = report["legal_basis"]
        if data.get("patient_informed") == "no" and not data.get("not_informed_reason", "").strip():
            self.add_error("not_informed_reason", _("Say why the patient was not told."))
        made_at = data.get("made_at")
        if made_at and made_at > timezone.now() + timedelta(minutes=5):
            self.add_error("made_at", _("This time is in the future."))
        return data


class ChecklistTemplateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    items = forms.CharField(
        label=_("Items (JSON)"),
        widget=forms.Textarea(attrs={"rows": 24, "class": "font-monospace", "spellcheck": "false"}),
        help_text=_(
            "A list of items: slug, text, help, section (physical, mental_health, "
            "safe_discharge or empty) and requires_consent (true or false)."
        ),
    )
    note = forms.CharField(label=_("What changed, and why"), max_length=300)
    base_version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_items(self) -> list[dict[str, Any]]:
        try:
            return parse_items(json.loads(self.cleaned_data["items"]))
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("This is not valid JSON: %(error)s."), params={"error": error}
            ) from None
        except ChecklistError as error:
            raise forms.ValidationError(str(error)) from None


class JurisdictionForm(forms.Form):
    entry = forms.CharField(
        label=_("Rules for this jurisdiction (JSON)"),
        widget=forms.Textarea(attrs={"rows": 30, "class": "font-monospace", "spellcheck": "false"}),
    )
    note = forms.CharField(label=_("What changed, and your source"), max_length=300)
    base_version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_entry(self) -> Any:
        try:
            return json.loads(self.cleaned_data["entry"])
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("This is not valid JSON: %(error)s."), params={"error": error}
            ) from None
