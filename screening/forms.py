from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cases.content import unique_slug
from cases.editing import Editor, RowFormSet, VersionForm, row_formset
from cases.languages import translated
from screening import content, rules
from screening.models import Answer, Indicator, Instrument

CHECK = {"class": "form-check-input"}
RADIO = forms.RadioSelect(attrs=CHECK)


class GateForm(forms.Form):
    """Every box here must hold before any screening question is shown."""

    # Each "required" message says what to do, not "This field is required.": the clinician may
    # be reading it with the patient waiting.
    patient_alone = forms.BooleanField(
        label=_("The patient is alone: anyone who came with them has been separated"),
        widget=forms.CheckboxInput(attrs=CHECK),
        error_messages={"required": _("Confirm the patient is alone before asking anything.")},
    )
    separation_method = forms.ChoiceField(
        label=_("How the patient was seen alone"),
        widget=RADIO,
        error_messages={"required": _("Choose how the patient was seen alone.")},
    )
    separation_note = forms.CharField(
        label=_("How, in a few words (required for “Other”)"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    interpreter = forms.ChoiceField(
        label=_("Interpreter"),
        widget=RADIO,
        error_messages={"required": _("Say whether a professional interpreter is needed.")},
    )
    confidentiality_explained = forms.BooleanField(
        label=_("I read the limits of confidentiality above to the patient"),
        widget=forms.CheckboxInput(attrs=CHECK),
        error_messages={"required": _("Read the limits of confidentiality to the patient first.")},
    )
    patient_agreed = forms.BooleanField(
        label=_("The patient agreed to talk"),
        widget=forms.CheckboxInput(attrs=CHECK),
        error_messages={
            "required": _(
                "Go ahead only if the patient agrees; if not, record “not screened” below."
            )
        },
    )

    @property
    def companion_refused(self) -> bool:
        """The only interpreter error shown as "Not accepted": a companion was chosen."""
        return self.is_bound and self.data.get(self.add_prefix("interpreter")) in {
            o["slug"] for o in self.gate["interpreter"]["options"] if not o["acceptable"]
        }

    def __init__(self, *args: Any, gate: dict[str, Any] | None = None, **kwargs: Any) -> None:
        """`gate`: the gate's wording in force, when the caller has read it already."""
        super().__init__(*args, **kwargs)
        self.gate = gate if gate is not None else content.gate_in_force()
        self._choices("separation_method", self.gate["separation_methods"])
        self._choices("interpreter", self.gate["interpreter"]["options"])

    def _choices(self, name: str, items: list[dict[str, Any]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = content.choices(items)

    def clean_interpreter(self) -> str:
        value = self.cleaned_data["interpreter"]
        options = {o["slug"]: o for o in self.gate["interpreter"]["options"]}
        if not options[value]["acceptable"]:
            # Refused outright, with the reason: the companion may be the one in control.
            raise ValidationError(self.gate["interpreter"]["companion_warning"])
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("separation_method") == "other" and not data.get("separation_note", "").strip():
            self.add_error("separation_note", _("Say briefly how the patient was seen alone."))
        return data


class NotScreenedForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why screening could not go ahead"),
        widget=RADIO,
        error_messages={"required": _("Choose why screening could not go ahead.")},
    )
    note = forms.CharField(
        label=_("Note (required for “Other reason”)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
    universal_education_offered = forms.BooleanField(
        label=_("I offered these resources, as to every patient"),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECK),
    )

    def __init__(self, *args: Any, gate: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        gate = gate if gate is not None else content.gate_in_force()
        reasons = content.choices(gate["not_screened_reasons"])
        cast(forms.ChoiceField, self.fields["reason"]).choices = reasons

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("reason") == "other" and not data.get("note", "").strip():
            self.add_error("note", _("Say briefly why screening could not go ahead."))
        return data


class ResumeForm(forms.Form):
    still_alone = forms.BooleanField(
        label=_("The patient is alone again, with a professional interpreter if one is needed"),
        widget=forms.CheckboxInput(attrs=CHECK),
        error_messages={
            "required": _("Resume only once the patient is alone again: tick the box.")
        },
    )

    def full_clean(self) -> None:
        super().full_clean()
        if self.errors:
            # The refused page opens at the top; autofocus brings the browser (and a screen
            # reader) straight to the box to tick, far down the tab.
            self.fields["still_alone"].widget.attrs["autofocus"] = True


class ObservationForm(forms.Form):
    observed = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs=CHECK))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 1}),
    )
    # The version the user started from; a save against an older one is a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Answer.Status.choices, widget=RADIO)
    note = forms.CharField(
        label=_("What the patient said"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
    verbatim = forms.BooleanField(
        label=_("These are the patient's own words"),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECK),
    )
    concern = forms.BooleanField(
        label=_("This answer raises concern"),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECK),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        status = data.get("status")
        if status and status != Answer.Status.ANSWERED:
            # The note is kept in the box (the form re-renders with it); only not saved yet.
            if data.get("note", "").strip():
                self.add_error("note", _("Choose “Answered” to keep a note, or clear the note."))
            if data.get("concern"):
                self.add_error("concern", _("A concern can only be marked on an answer."))
        return data


YES_NO_CHOICES = [("", _("Not asked")), ("yes", _("Yes")), ("no", _("No"))]


class InstrumentForm(forms.Form):
    # The saved response's version when the form was opened; 0 when there was none yet.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item_slugs = [item["slug"] for item in instrument.items]
        for item in instrument.items:
            self.fields[item["slug"]] = forms.ChoiceField(
                label=translated(item, "text", get_language()).text,
                choices=YES_NO_CHOICES,
                required=False,
                widget=RADIO,
            )

    def answers(self) -> dict[str, bool | None]:
        values = {"yes": True, "no": False}
        return {slug: values.get(self.cleaned_data[slug]) for slug in self.item_slugs}

    def base_version(self) -> int:
        return self.cleaned_data.get("version") or 0


# --- Administrator editors (the pattern of `cases.editing`) ------------------------------------

TEXT = {"class": "form-control"}


def _area(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "form-control", "rows": rows})


def _slug_field() -> forms.CharField:
    # A row's slug is its identity in every screening that used it, so an existing row keeps it
    # whatever its text becomes; a new row gets one made from its text.
    return forms.CharField(required=False, widget=forms.HiddenInput)


def _slug(form: forms.Form, taken: set[str], *, source: str, fallback: str) -> str:
    slug = form.cleaned_data.get("slug") or unique_slug(
        form.cleaned_data[source], taken, fallback=fallback
    )
    taken.add(slug)
    return slug


class TitledForm(forms.Form):
    """A principle or a guidance point."""

    both = {"required": _("Give both a title and a text, or leave both empty.")}
    title = forms.CharField(
        label=_("Title"), widget=forms.TextInput(attrs=TEXT), error_messages=both
    )
    text = forms.CharField(label=_("Text"), widget=_area(), error_messages=both)


class ThemeForm(forms.Form):
    slug = _slug_field()
    title = forms.CharField(
        label=_("Theme title"),
        max_length=200,
        widget=forms.TextInput(TEXT),
        error_messages={"required": _("Give the theme a title.")},
    )
    purpose = forms.CharField(
        label=_("Purpose line"),
        widget=_area(),
        error_messages={"required": _("Give the theme a purpose line.")},
    )


class QuestionForm(forms.Form):
    slug = _slug_field()
    text = forms.CharField(label=_("Question"), widget=_area())


class BankHeaderForm(VersionForm):
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(TEXT))
    source = forms.CharField(label=_("Source"), widget=_area(3))


PrincipleFormSet = row_formset(TitledForm, noun=_("principle"))
GuidanceFormSet = row_formset(TitledForm, noun=_("guidance point"))
ThemeFormSet = row_formset(ThemeForm, noun=_("theme"))
QuestionFormSet = row_formset(QuestionForm, noun=_("question"))
NewThemeQuestionFormSet = row_formset(QuestionForm, noun=_("question"), extra=3)


class BankEditor(Editor):
    """Every text of a bank version: themes and their questions, principles and guidance, each
    a formset (edit, reorder, remove, add). Saving makes a new version."""

    header_class = BankHeaderForm

    def build(self, data: Mapping[str, Any] | None, content: Mapping[str, Any]) -> dict[str, Any]:
        themes = content["themes"]
        formsets = {
            "principles": PrincipleFormSet(
                data, initial=content["principles"], prefix="principles"
            ),
            "guidance": GuidanceFormSet(data, initial=content["guidance"], prefix="guidance"),
        }
        formsets["themes"] = ThemeFormSet(data, initial=themes, prefix="themes")
        # One question formset per theme form, the new theme's included.
        self.questions = [
            (QuestionFormSet if i < len(themes) else NewThemeQuestionFormSet)(
                data,
                initial=themes[i]["questions"] if i < len(themes) else [],
                prefix=f"themes-{i}-questions",
            )
            for i in range(len(formsets["themes"].forms))
        ]
        return formsets

    def clean(self) -> bool:
        themes = self.formsets["themes"]
        kept = 0
        for index, (form, questions) in enumerate(self.theme_rows()):
            new = index >= themes.initial_form_count()
            cleaned = getattr(form, "cleaned_data", {})
            if cleaned.get("DELETE") or (new and not form.has_changed()):
                continue
            kept += 1
            if new and form.errors:
                form.add_error(None, _("A new theme needs a title, a purpose and a question."))
            elif questions.is_valid() and not questions.kept():
                form.add_error(
                    None,
                    _("A new theme needs a title, a purpose and a question.")
                    if new
                    else _(
                        "This theme would have no question left: keep or add one, or remove "
                        "the whole theme."
                    ),
                )
        if not kept:
            self.form.add_error(None, _("A question bank needs at least one theme."))
        return kept > 0 and not any(form.errors for form in themes.forms)

    def theme_rows(self) -> list[tuple[forms.Form, RowFormSet]]:
        return list(zip(self.formsets["themes"].forms, self.questions, strict=True))

    def all_formsets(self) -> list[RowFormSet]:
        themes = self.formsets["themes"]
        # A removed theme's questions are not checked: they go with it.
        kept = [
            questions
            for form, questions in self.theme_rows()
            if not (form.is_valid() and form.cleaned_data.get("DELETE"))
        ]
        return [self.formsets["principles"], self.formsets["guidance"], themes, *kept]

    def document(self) -> dict[str, Any]:
        taken = {q["slug"] for t in self.before["themes"] for q in t["questions"]}
        theme_slugs = {t["slug"] for t in self.before["themes"]}
        questions_of = dict(self.theme_rows())
        themes = []
        for index, form in enumerate(self.formsets["themes"].kept()):
            self.origin[("themes", index)] = form
            questions = self.rows(
                ("themes", index, "questions"),
                questions_of[form],
                lambda q, _i: {
                    "slug": _slug(q, taken, source="text", fallback="question"),
                    "text": q.cleaned_data["text"].strip(),
                },
            )
            data = form.cleaned_data
            themes.append(
                {
                    "slug": _slug(form, theme_slugs, source="title", fallback="theme"),
                    "title": data["title"].strip(),
                    "purpose": data["purpose"].strip(),
                    "questions": questions,
                }
            )

        def titled(form: forms.Form, _index: int) -> dict[str, str]:
            return {key: form.cleaned_data[key].strip() for key in ("title", "text")}

        return {
            **self.header(),
            "principles": self.rows(("principles",), self.formsets["principles"], titled),
            "guidance": self.rows(("guidance",), self.formsets["guidance"], titled),
            "themes": themes,
        }


class SignForm(forms.Form):
    slug = _slug_field()
    text = forms.CharField(label=_("Sign"), widget=_area())
    category = forms.CharField(
        label=_("Category"), max_length=80, initial="other", widget=forms.TextInput(TEXT)
    )
    weight = forms.ChoiceField(
        label=_("Weight"),
        choices=Indicator.Weight.choices,
        # A new sign counts as supporting unless the administrator decides it is strong.
        initial=Indicator.Weight.SUPPORTING,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    follow_up_question = forms.CharField(
        label=_("Open question to ask when seen"), required=False, widget=_area(1)
    )


class SignsHeaderForm(VersionForm):
    source = forms.CharField(label=_("Source"), widget=_area(3))


SignFormSet = row_formset(SignForm, noun=_("sign"))


class SignsEditor(Editor):
    """Every sign of the checklist (text, category, weight, open question, position)."""

    header_class = SignsHeaderForm
    formset_classes = {"indicators": (SignFormSet, "signs")}

    def document(self) -> dict[str, Any]:
        taken = {i["slug"] for i in self.before["indicators"]}

        def sign(form: forms.Form, _index: int) -> dict[str, Any]:
            data = form.cleaned_data
            row = {
                "slug": _slug(form, taken, source="text", fallback="sign"),
                "text": data["text"].strip(),
                "category": data["category"].strip(),
                "weight": data["weight"],
            }
            if data["follow_up_question"].strip():
                row["follow_up_question"] = data["follow_up_question"].strip()
            return row

        return {
            **self.header(),
            "indicators": self.rows(("indicators",), self.formsets["indicators"], sign),
        }


class InstrumentItemForm(QuestionForm):
    text = forms.CharField(label=_("Yes/no item"), widget=_area())


class InstrumentHeaderForm(BankHeaderForm):
    positive_if_at_least = forms.IntegerField(
        label=_("Positive if at least this many yes answers"),
        min_value=1,
        widget=forms.NumberInput(attrs=TEXT),
    )
    min_age = forms.IntegerField(
        label=_("Youngest age it applies to"), min_value=0, widget=forms.NumberInput(TEXT)
    )
    max_age = forms.IntegerField(
        label=_("Oldest age it applies to"), min_value=0, widget=forms.NumberInput(TEXT)
    )
    validation_note = forms.CharField(label=_("Validation note"), widget=_area())
    demo = forms.BooleanField(
        label=_("Demo only (not a validated instrument)"),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECK),
    )


InstrumentItemFormSet = row_formset(InstrumentItemForm)


class InstrumentEditor(Editor):
    """Every part of a brief instrument: its items, its "positive if at least N yes" rule, age
    range and validation note. The rule's own checks (`rules.check_instrument`) show on the
    fields they name."""

    header_class = InstrumentHeaderForm
    formset_classes = {"items": (InstrumentItemFormSet, "items")}

    def document(self) -> dict[str, Any]:
        taken = {i["slug"] for i in self.before["items"]}

        def item(form: forms.Form, _index: int) -> dict[str, Any]:
            return {
                "slug": _slug(form, taken, source="text", fallback="item"),
                "text": form.cleaned_data["text"].strip(),
                "answer_type": rules.YES_NO,
            }

        return {**self.header(), "items": self.rows(("items",), self.formsets["items"], item)}


class ImportForm(forms.Form):
    KINDS = [("bank", _("Question bank")), ("instrument", _("Brief instrument"))]

    kind = forms.ChoiceField(label=_("What the file holds"), choices=KINDS, widget=RADIO)
    file = forms.FileField(
        label=_("FHIR R4 Questionnaire (JSON file)"),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".json,application/json"}
        ),
    )
