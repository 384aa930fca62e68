from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.content import unique_slug
from cases.editing import Editor, RowFormSet, VersionForm, row_formset
from cases.schemas import Problem
from safety.checklists import SECTIONS
from safety.models import FINDING_CHOICES, OUTCOME_CHOICES, CapacityAssessment, ChecklistItem
from safety.rules import (
    NONE_FOUND_TOPICS,
    AbilityFinding,
    CapacityOutcome,
    Duty,
    ExploitationKind,
    InjuryKind,
    KnownCondition,
    ReportingFacts,
    Tri,
    Trigger,
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


def _radios(label: str, choices: list[tuple[str, Any]], **kwargs: Any) -> forms.ChoiceField:
    # Inline radios rendered by hand (case_reporting.html#question): one compact row per question,
    # each a fieldset whose legend is the question.
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        **kwargs,
    )


NO_WOUND = "none"


class FactsForm(forms.Form):
    """The facts for the reporting engine. Every choice is explicit: nothing defaults to “no”.

    The one question that may be left empty is whether a wound was self-inflicted or accidental,
    and only when there is no gunshot or stab wound: the engine reads that fact for weapon-injury
    rows alone, which the wound's kind already rules out. It is then passed on as unknown.
    """

    age = forms.IntegerField(
        label=_("Age in years"),
        required=False,
        min_value=0,
        max_value=125,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )
    age_unknown = forms.BooleanField(
        label=_("Age not known"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    exploitation_kind = _radios(
        _("Kind of exploitation"),
        [
            (ExploitationKind.SEXUAL.value, _("Sexual")),
            (ExploitationKind.LABOUR.value, _("Labour")),
            (ExploitationKind.BOTH.value, _("Both")),
            (ExploitationKind.UNKNOWN.value, _("Unknown")),
        ],
    )
    caregiver_involved = _radios(_("Is a parent or caregiver involved?"), TRI_CHOICES)
    injury_kind = _radios(
        _("Kind of wound"),
        [
            (NO_WOUND, _("No wound")),
            (InjuryKind.GUNSHOT.value, _("Gunshot")),
            (InjuryKind.STAB.value, _("Stab")),
            (InjuryKind.OTHER.value, _("Other wound")),
            ("unknown", _("Unknown")),
        ],
    )
    injury_self_inflicted_or_accidental = _radios(
        _("Was the wound self-inflicted or accidental?"),
        TRI_CHOICES,
        required=False,
        help_text=_("Needed for a gunshot or stab wound, or when the kind is unknown."),
    )
    serious_crime_injury = _radios(_("Is there a serious injury caused by a crime?"), TRI_CHOICES)
    capacity = _radios(_("Decision-making capacity"), OUTCOME_CHOICES)
    developmental_disability = _radios(
        _("Does the patient have a developmental disability?"), TRI_CHOICES
    )
    vulnerable_or_elderly_adult = _radios(
        _("Is the patient an elderly or otherwise vulnerable adult?"), TRI_CHOICES
    )
    patient_consents_to_police = _radios(
        _("Does the patient want the police involved?"),
        TRI_CHOICES,
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
    # Short groups a rushed clinician can scan; the age row is drawn separately.
    GROUPS = (
        (_("The patient"), ("exploitation_kind", "caregiver_involved")),
        (
            _("Injury"),
            ("injury_kind", "injury_self_inflicted_or_accidental", "serious_crime_injury"),
        ),
        (
            _("Vulnerability"),
            ("capacity", "developmental_disability", "vulnerable_or_elderly_adult"),
        ),
        (_("Consent"), ("patient_consents_to_police",)),
    )

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(str(legend), [self[name] for name in names]) for legend, names in self.GROUPS]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        age, unknown = data.get("age"), data.get("age_unknown")
        if age is None and not unknown and "age" not in self.errors:
            self.add_error("age", _("Enter the age, or tick “Age not known”."))
        if age is not None and unknown:
            self.add_error("age_unknown", _("Either enter the age or tick “Age not known”."))
        kind = data.get("injury_kind")
        if (
            kind
            and kind not in (NO_WOUND, InjuryKind.OTHER)
            and not data.get("injury_self_inflicted_or_accidental")
        ):
            self.add_error(
                "injury_self_inflicted_or_accidental",
                _("Answer this for a gunshot, stab or unknown wound (“Unknown” is an answer)."),
            )
        return data

    def facts(self, jurisdiction: str) -> ReportingFacts:
        data = self.cleaned_data
        kind = data["injury_kind"]
        tri = {name: Tri(data[name] or Tri.UNKNOWN) for name in self.TRI_FIELDS}
        return ReportingFacts(
            jurisdiction=jurisdiction,
            age=None if data["age_unknown"] else data["age"],
            capacity=CapacityOutcome(data["capacity"]),
            injury_kind=_injury_kind(kind),
            exploitation_kind=ExploitationKind(data["exploitation_kind"]),
            **tri,
        )


def _injury_kind(answer: str) -> InjuryKind | None:
    if answer == "unknown":
        return None
    # The engine's OTHER means "not a gunshot or stab wound", which covers no wound at all.
    return InjuryKind.OTHER if answer == NO_WOUND else InjuryKind(answer)


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
        except RecursionError:
            raise forms.ValidationError(_("This JSON is nested too deeply to read.")) from None


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
        try:
            return json.loads(self.cleaned_data["items"])
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("This is not valid JSON: %(error)s."), params={"error": error}
            ) from None
        except RecursionError:
            raise forms.ValidationError(_("This JSON is nested too deeply to read.")) from None


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
    Trigger.CAPACITY: _("Adult's capacity (the consent path)"),
}
DUTY_LABELS = {
    Duty.MANDATORY: _("Must report (mandatory)"),
    Duty.PERMISSIVE: _("May report (permitted)"),
    Duty.CONSENT: _("Only with the patient's consent"),
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
    condition = forms.CharField(
        label=_("Condition"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"list": "known-conditions"}),
        help_text=_(
            "Optional. The engine checks: %(known)s. Any other text is put to the "
            "clinician as a question."
        )
        % {"known": "; ".join(f"“{c.value}”" for c in KnownCondition)},
    )
    recipient = forms.CharField(label=_("Report to"), max_length=200)
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
        "condition",
        "recipient",
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
        data = super().clean()
        trigger, duty = data.get("trigger"), data.get("duty")
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", _("This is below the lower age limit."))
        if trigger == Trigger.CHILD and high is None and "age_max" not in self.errors:
            self.add_error("age_max", _("A child protection rule needs an upper age limit."))
        if duty == Duty.CONSENT and trigger and trigger != Trigger.CAPACITY:
            self.add_error(
                "duty", _("“Only with consent” belongs to an adult's-capacity rule only.")
            )
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
            "condition": data["condition"] or None,
            "recipient": data["recipient"],
            "disclosure_limit": data["disclosure_limit"],
            "legal_basis": data["legal_basis"],
            "source": data["source"],
            "checked_on": data["checked_on"].isoformat(),
            "needs_verification": data["needs_verification"],
            "notes": data["notes"] or None,
        }

    @staticmethod
    def initial_for(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "condition": row["condition"] or "", "notes": row["notes"] or ""}


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
