"""Forms of the Reporting tab: the capacity assessment, the facts, and a report made."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety.capacity import AbilityFinding, CapacityOutcome
from safety.facts import (
    FACT_QUESTIONS,
    AgeBasis,
    ExploitationKind,
    InjuryCause,
    ReportingFacts,
    Tri,
)
from safety.models import FINDING_CHOICES, CapacityAssessment
from safety.rule_table import InjuryKind

ABILITY_QUESTIONS = {
    "communicate_choice": _("Can the patient communicate a choice?"),
    "understand": _("Does the patient understand the relevant information?"),
    "appreciate": _("Does the patient appreciate the situation and its consequences?"),
    "reason": _("Can the patient reason about the options?"),
}
# Short names that go into each evidence box's accessible name, so a screen reader user hears
# which ability the evidence is for.
ABILITY_NAMES = {
    "communicate_choice": _("communicating a choice"),
    "understand": _("understanding"),
    "appreciate": _("appreciating the situation"),
    "reason": _("reasoning"),
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
                label=_("Evidence for %(ability)s") % {"ability": ABILITY_NAMES[ability]},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_(
                    "What the patient said or did that shows it. Needed unless not assessed."
                ),
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
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


TRI_CHOICES = [
    (Tri.YES.value, _("Yes")),
    (Tri.NO.value, _("No")),
    (Tri.UNKNOWN.value, _("Not known")),
]
AGE_BASIS_CHOICES = [
    (AgeBasis.CONFIRMED.value, _("Confirmed")),
    (AgeBasis.ESTIMATED.value, _("Estimated")),
    (AgeBasis.APPEARS_MINOR.value, _("Appears to be under 18")),
    (AgeBasis.UNKNOWN.value, _("Not known")),
]
INJURY_CHOICES = [
    (InjuryKind.NONE.value, _("No injury")),
    (InjuryKind.GUNSHOT.value, _("Gunshot wound")),
    (InjuryKind.STAB.value, _("Stab or knife wound")),
    (InjuryKind.OTHER.value, _("Another injury")),
    ("unknown", _("Not known")),
]
CAUSE_CHOICES = [
    (InjuryCause.ANOTHER_PERSON.value, _("By another person")),
    (InjuryCause.SELF_INFLICTED.value, _("Self-inflicted")),
    (InjuryCause.ACCIDENT.value, _("Accident")),
    (InjuryCause.UNKNOWN.value, _("Not known")),
]
EXPLOITATION_CHOICES = [
    (ExploitationKind.SEXUAL.value, _("Sexual")),
    (ExploitationKind.LABOUR.value, _("Labour")),
    (ExploitationKind.BOTH.value, _("Both")),
    (ExploitationKind.UNKNOWN.value, _("Not known")),
]
# Facts with their own answers; every other fact the engine asks is yes / no / not known.
_SPECIAL_CHOICES = {
    "injury_kind": INJURY_CHOICES,
    "injury_cause": CAUSE_CHOICES,
    "exploitation_kind": EXPLOITATION_CHOICES,
}
# Facts the form never asks: the age has its own row, capacity comes from the assessment.
NOT_ON_FORM = frozenset({"age", "capacity"})
FACT_FIELDS = tuple(fact for fact in FACT_QUESTIONS if fact not in NOT_ON_FORM)


def fact_choices(name: str) -> list[tuple[str, Any]]:
    """The answers the form offers for fact `name`."""
    return _SPECIAL_CHOICES.get(name, TRI_CHOICES)


def _radios(name: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=FACT_QUESTIONS[name],
        choices=fact_choices(name),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        required=name == "injury_kind",
    )


class FactsForm(forms.Form):
    """The facts for the reporting engine, asking only what can matter here.

    `ask` names the facts the engine can use for this patient and jurisdiction (see
    `safety.rules.facts_to_ask`); the others are not on the form and go to the engine as not
    known. A question left unanswered is "not known", which the result turns into a question
    naming the report it would decide: nothing defaults to "no". Capacity is never asked: it
    comes from the recorded assessment (`capacity` at `facts()`).
    """

    age = forms.IntegerField(
        label=_("Age in years"),
        required=False,
        min_value=0,
        max_value=125,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )
    age_basis = forms.ChoiceField(
        label=_("The age is"),
        choices=AGE_BASIS_CHOICES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    # The rule versions the clinician reviewed (`version_key`); recording against newer ones
    # is refused.
    rules_version = forms.CharField(required=False, max_length=300, widget=forms.HiddenInput)

    def __init__(self, *args: Any, ask: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asked = [fact for fact in FACT_FIELDS if fact in ask]
        for fact in self.asked:
            self.fields[fact] = _radios(fact)

    def questions(self) -> list[forms.BoundField]:
        return [self[fact] for fact in self.asked]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        age, basis = data.get("age"), data.get("age_basis")
        if basis in (AgeBasis.CONFIRMED, AgeBasis.ESTIMATED) and age is None:
            if "age" not in self.errors:
                self.add_error("age", _("Enter the age, or choose “Not known”."))
        if basis == AgeBasis.UNKNOWN and age is not None:
            self.add_error(
                "age_basis", _("An age is entered: choose whether it is confirmed or estimated.")
            )
        return data

    def facts(self, jurisdiction: str, *, capacity: CapacityOutcome) -> ReportingFacts:
        data = self.cleaned_data
        answers: dict[str, Any] = {}
        for fact in self.asked:
            value = data.get(fact) or "unknown"
            if fact == "injury_kind":
                answers[fact] = None if value == "unknown" else InjuryKind(value)
            elif fact == "injury_cause":
                answers[fact] = InjuryCause(value)
            elif fact == "exploitation_kind":
                answers[fact] = ExploitationKind(value)
            else:
                answers[fact] = Tri(value)
        return ReportingFacts(
            jurisdiction=jurisdiction,
            age=data["age"],
            age_basis=AgeBasis(data["age_basis"]),
            capacity=capacity,
            **answers,
        )

    @staticmethod
    def initial_from(recorded: dict[str, Any] | None, *, age: int | None) -> dict[str, Any]:
        """Start from the last recorded decision's facts, with the case's age if it changed."""
        initial: dict[str, Any] = {}
        if recorded:
            initial = {
                fact: recorded.get(fact) or "unknown" for fact in FACT_FIELDS if fact in recorded
            }
            initial["age"] = recorded.get("age")
            initial["age_basis"] = recorded.get("age_basis")
        if age is not None and initial.get("age") != age:
            initial["age"], initial["age_basis"] = age, AgeBasis.CONFIRMED.value
        if not initial.get("age_basis"):
            initial["age_basis"] = AgeBasis.UNKNOWN.value
        return initial


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
        # A report is chosen by its recipient (one report per recipient in a decision).
        self.reports = {report["recipient"]: report for report in reports}
        cast(forms.ChoiceField, self.fields["report"]).choices = [
            ("", _("Choose…")),
            *[(recipient, recipient) for recipient in self.reports],
            (self.OTHER, _("Another recipient")),
        ]
        self.fields["made_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        report = self.reports.get(data.get("report", ""))
        if data.get("report") == self.OTHER:
            if not data.get("other_recipient", "").strip():
                self.add_error("other_recipient", _("Name the recipient."))
            if not data.get("legal_basis", "").strip():
                self.add_error("legal_basis", _("Give the legal basis for this report."))
        data["recipient"] = report["recipient"] if report else data.get("other_recipient", "")
        # A decision recorded before reports were merged by recipient holds one `rule_id`.
        rule_ids = (report.get("rule_ids") or [report.get("rule_id", "")]) if report else []
        data["rule_id"] = ",".join(rule_ids)[:80]
        if report and not data.get("legal_basis", "").strip():
            data["legal_basis"] = report["legal_basis"][:500]
        if data.get("patient_informed") == "no" and not data.get("not_informed_reason", "").strip():
            self.add_error("not_informed_reason", _("Say why the patient was not told."))
        made_at = data.get("made_at")
        if made_at and made_at > timezone.now() + timedelta(minutes=5):
            self.add_error("made_at", _("This time is in the future."))
        return data
