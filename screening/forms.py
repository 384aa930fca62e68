from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from screening import content
from screening.models import Answer, Indicator, Instrument, QuestionBank

CHECK = {"class": "form-check-input"}
RADIO = forms.RadioSelect(attrs=CHECK)


class GateForm(forms.Form):
    """Every box here must hold before any screening question is shown."""

    patient_alone = forms.BooleanField(
        label="The patient is alone: anyone who came with them has been separated",
        widget=forms.CheckboxInput(attrs=CHECK),
    )
    separation_method = forms.ChoiceField(label="How the patient was seen alone", widget=RADIO)
    separation_note = forms.CharField(
        label="How, in a few words (required for “Other”)",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    interpreter = forms.ChoiceField(label="Interpreter", widget=RADIO)
    confidentiality_explained = forms.BooleanField(
        label="I read the limits of confidentiality above to the patient",
        widget=forms.CheckboxInput(attrs=CHECK),
    )
    patient_agreed = forms.BooleanField(
        label="The patient agreed to talk", widget=forms.CheckboxInput(attrs=CHECK)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        gate = content.gate()
        self.fields["separation_method"].choices = content.choices(gate["separation_methods"])
        self.fields["interpreter"].choices = content.choices(gate["interpreter"]["options"])

    def clean_interpreter(self) -> str:
        value = self.cleaned_data["interpreter"]
        options = {o["slug"]: o for o in content.gate()["interpreter"]["options"]}
        if not options[value]["acceptable"]:
            # Refused outright, with the reason: the companion may be the one in control.
            raise ValidationError(content.gate()["interpreter"]["companion_warning"])
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("separation_method") == "other" and not data.get("separation_note", "").strip():
            self.add_error("separation_note", "Say briefly how the patient was seen alone.")
        return data


class NotScreenedForm(forms.Form):
    reason = forms.ChoiceField(label="Why screening could not go ahead", widget=RADIO)
    note = forms.CharField(
        label="Note (required for “Other reason”)",
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
    universal_education_offered = forms.BooleanField(
        label="I offered the resources below, as to every patient",
        required=False,
        widget=forms.CheckboxInput(attrs=CHECK),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = content.choices(content.gate()["not_screened_reasons"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("reason") == "other" and not data.get("note", "").strip():
            self.add_error("note", "Say briefly why screening could not go ahead.")
        return data


class ResumeForm(forms.Form):
    still_alone = forms.BooleanField(
        label="The patient is alone again, with a professional interpreter if one is needed",
        widget=forms.CheckboxInput(attrs=CHECK),
    )


class ObservationForm(forms.Form):
    observed = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs=CHECK))
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 1}),
    )
    # The version the user started from; a save against an older one is a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=Answer.Status.choices, widget=RADIO)
    note = forms.CharField(
        label="What the patient said",
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
    verbatim = forms.BooleanField(
        label="These are the patient's own words",
        required=False,
        widget=forms.CheckboxInput(attrs=CHECK),
    )
    concern = forms.BooleanField(
        label="This answer raises concern", required=False, widget=forms.CheckboxInput(attrs=CHECK)
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        status = data.get("status")
        if status and status != Answer.Status.ANSWERED:
            # The note is kept in the box (the form re-renders with it); only not saved yet.
            if data.get("note", "").strip():
                self.add_error("note", "Choose “Answered” to keep a note, or clear the note.")
            if data.get("concern"):
                self.add_error("concern", "A concern can only be marked on an answer.")
        return data


YES_NO_CHOICES = [("", "Not asked"), ("yes", "Yes"), ("no", "No")]


class InstrumentForm(forms.Form):
    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in instrument.items:
            self.fields[item["slug"]] = forms.ChoiceField(
                label=item["text"], choices=YES_NO_CHOICES, required=False, widget=RADIO
            )

    def answers(self) -> dict[str, bool | None]:
        values = {"yes": True, "no": False}
        return {slug: values.get(value) for slug, value in self.cleaned_data.items()}


# --- Administrator editors -----------------------------------------------------------------------

TEXT = {"class": "form-control"}


def _area(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "form-control", "rows": rows})


class BankEditForm(forms.Form):
    """Every text of a bank version, plus one new question per theme; saving makes a new version.

    Fields are named by position (theme-0-title, q-0-3-text, …) because a new version copies
    the content, not the rows.
    """

    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs=TEXT))
    source = forms.CharField(widget=_area(3))

    def __init__(self, *args: Any, bank: QuestionBank, **kwargs: Any) -> None:
        super().__init__(*args, initial={"title": bank.title, "source": bank.source}, **kwargs)
        self.bank_content = bank.as_content()
        for kind in ("principles", "guidance"):
            for i, item in enumerate(self.bank_content[kind]):
                self.fields[f"{kind}-{i}-title"] = forms.CharField(
                    label="Title", initial=item["title"], widget=forms.TextInput(attrs=TEXT)
                )
                self.fields[f"{kind}-{i}-text"] = forms.CharField(
                    label="Text", initial=item["text"], widget=_area()
                )
        for t, theme in enumerate(self.bank_content["themes"]):
            self.fields[f"theme-{t}-title"] = forms.CharField(
                label="Theme title", initial=theme["title"], widget=forms.TextInput(attrs=TEXT)
            )
            self.fields[f"theme-{t}-purpose"] = forms.CharField(
                label="Purpose", initial=theme["purpose"], widget=_area()
            )
            for q, question in enumerate(theme["questions"]):
                self.fields[f"q-{t}-{q}-text"] = forms.CharField(
                    label=f"Question {q + 1}", initial=question["text"], widget=_area()
                )
                self.fields[f"q-{t}-{q}-remove"] = forms.BooleanField(
                    label="Remove", required=False, widget=forms.CheckboxInput(attrs=CHECK)
                )
            self.fields[f"theme-{t}-new"] = forms.CharField(
                label="Add a question to this theme", required=False, widget=_area()
            )

    def themes(self) -> list[dict[str, Any]]:
        """Bound fields grouped for the template."""
        return [
            {
                "title": self[f"theme-{t}-title"],
                "purpose": self[f"theme-{t}-purpose"],
                "questions": [
                    (self[f"q-{t}-{q}-text"], self[f"q-{t}-{q}-remove"])
                    for q in range(len(theme["questions"]))
                ],
                "new": self[f"theme-{t}-new"],
            }
            for t, theme in enumerate(self.bank_content["themes"])
        ]

    def titled(self, kind: str) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"{kind}-{i}-title"], self[f"{kind}-{i}-text"])
            for i in range(len(self.bank_content[kind]))
        ]

    def principle_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return self.titled("principles")

    def guidance_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return self.titled("guidance")

    def content(self) -> dict[str, Any]:
        """The edited bank in the seed_bank.json format (slugs kept; new ones made unique)."""
        data = self.cleaned_data
        used = {q["slug"] for t in self.bank_content["themes"] for q in t["questions"]}
        themes = []
        for t, theme in enumerate(self.bank_content["themes"]):
            questions = [
                {"slug": question["slug"], "text": data[f"q-{t}-{q}-text"]}
                for q, question in enumerate(theme["questions"])
                if not data[f"q-{t}-{q}-remove"]
            ]
            if data[f"theme-{t}-new"].strip():
                slug = unique_slug(data[f"theme-{t}-new"], used)
                used.add(slug)
                questions.append({"slug": slug, "text": data[f"theme-{t}-new"].strip()})
            themes.append(
                {
                    "slug": theme["slug"],
                    "title": data[f"theme-{t}-title"],
                    "purpose": data[f"theme-{t}-purpose"],
                    "questions": questions,
                }
            )
        return {
            "title": data["title"],
            "source": data["source"],
            "principles": self._titled_content("principles"),
            "guidance": self._titled_content("guidance"),
            "themes": themes,
        }

    def _titled_content(self, kind: str) -> list[dict[str, str]]:
        return [
            {
                "title": self.cleaned_data[f"{kind}-{i}-title"],
                "text": self.cleaned_data[f"{kind}-{i}-text"],
            }
            for i in range(len(self.bank_content[kind]))
        ]


def unique_slug(text: str, used: set[str]) -> str:
    """A slug for a new question from its first words, unique within the bank."""
    base = "-".join(slugify(text).split("-")[:6]) or "question"
    if not base[0].isalpha():
        base = f"q-{base}"
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    return slug


class IndicatorSetEditForm(forms.Form):
    """Every sign of the checklist, plus one new sign; saving makes a new checklist version."""

    source = forms.CharField(widget=_area(3))
    new_text = forms.CharField(label="New sign", required=False, widget=_area())
    new_weight = forms.ChoiceField(
        label="Weight of the new sign",
        choices=Indicator.Weight.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    new_category = forms.CharField(
        label="Category of the new sign",
        required=False,
        initial="other",
        widget=forms.TextInput(attrs=TEXT),
    )

    def __init__(self, *args: Any, indicators: list[Indicator], source: str, **kwargs: Any) -> None:
        super().__init__(*args, initial={"source": source}, **kwargs)
        self.indicators = indicators
        for i, indicator in enumerate(indicators):
            self.fields[f"i-{i}-text"] = forms.CharField(
                label="Sign", initial=indicator.text, widget=_area()
            )
            self.fields[f"i-{i}-weight"] = forms.ChoiceField(
                label="Weight",
                choices=Indicator.Weight.choices,
                initial=indicator.weight,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"i-{i}-follow_up"] = forms.CharField(
                label="Open question to ask when seen",
                required=False,
                initial=indicator.follow_up_question,
                widget=_area(1),
            )
            self.fields[f"i-{i}-remove"] = forms.BooleanField(
                label="Remove", required=False, widget=forms.CheckboxInput(attrs=CHECK)
            )

    def rows(self) -> list[dict[str, forms.BoundField]]:
        return [
            {key: self[f"i-{i}-{key}"] for key in ("text", "weight", "follow_up", "remove")}
            for i in range(len(self.indicators))
        ]

    def content(self) -> dict[str, Any]:
        data = self.cleaned_data
        items = []
        for i, indicator in enumerate(self.indicators):
            if data[f"i-{i}-remove"]:
                continue
            item = {
                "slug": indicator.slug,
                "text": data[f"i-{i}-text"],
                "category": indicator.category,
                "weight": data[f"i-{i}-weight"],
            }
            if data[f"i-{i}-follow_up"].strip():
                item["follow_up_question"] = data[f"i-{i}-follow_up"]
            items.append(item)
        if data["new_text"].strip():
            slug = unique_slug(data["new_text"], {i.slug for i in self.indicators})
            items.append(
                {
                    "slug": slug,
                    "text": data["new_text"].strip(),
                    "category": data["new_category"].strip() or "other",
                    "weight": data["new_weight"],
                }
            )
        return {"source": data["source"], "indicators": items}


class InstrumentEditForm(forms.Form):
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs=TEXT))
    source = forms.CharField(widget=_area(3))
    positive_if_at_least = forms.IntegerField(
        label="Positive if at least this many yes answers",
        min_value=1,
        widget=forms.NumberInput(attrs=TEXT),
    )
    min_age = forms.IntegerField(
        label="Youngest age it applies to", min_value=0, widget=forms.NumberInput(attrs=TEXT)
    )
    max_age = forms.IntegerField(
        label="Oldest age it applies to", min_value=0, widget=forms.NumberInput(attrs=TEXT)
    )
    validation_note = forms.CharField(widget=_area())
    demo = forms.BooleanField(
        label="Demo only (not a validated instrument)",
        required=False,
        widget=forms.CheckboxInput(attrs=CHECK),
    )

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        initial = {
            key: getattr(instrument, key)
            for key in (
                "title",
                "source",
                "positive_if_at_least",
                "min_age",
                "max_age",
                "validation_note",
                "demo",
            )
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.instrument = instrument
        for i, item in enumerate(instrument.items):
            self.fields[f"item-{i}"] = forms.CharField(
                label=f"Item {i + 1} (yes/no)", initial=item["text"], widget=_area()
            )

    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"item-{i}"] for i in range(len(self.instrument.items))]

    def content(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **{
                key: data[key]
                for key in (
                    "title",
                    "source",
                    "positive_if_at_least",
                    "min_age",
                    "max_age",
                    "validation_note",
                    "demo",
                )
            },
            "items": [
                {**item, "text": data[f"item-{i}"]} for i, item in enumerate(self.instrument.items)
            ],
        }


class ImportForm(forms.Form):
    KINDS = [("bank", "Question bank"), ("instrument", "Brief instrument")]

    kind = forms.ChoiceField(label="What the file holds", choices=KINDS, widget=RADIO)
    file = forms.FileField(
        label="FHIR R4 Questionnaire (JSON file)",
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".json,application/json"}
        ),
    )
