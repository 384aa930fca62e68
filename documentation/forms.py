from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from documentation import icd10
from documentation.rules import (
    CONSENT_CHOICES,
    InjuryError,
    NoteTemplate,
    body_sites,
    parse_injury,
)


class NoteForm(forms.Form):
    """The draft: one text box per template section, one choice per consent, the sensitive
    mark. Fields are named after the template, so a template edit needs no code."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    sensitive = forms.BooleanField(
        required=False,
        label=_("Sensitive: restrict this note"),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    sensitive_reason = forms.CharField(
        required=False,
        max_length=500,
        label=_("Why it is restricted"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, template: NoteTemplate, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.template = template
        for section in template.sections:
            self.fields[f"section_{section.slug}"] = forms.CharField(
                required=False,
                max_length=20_000,
                label=section.label,
                help_text=section.help,
                strip=False,
                widget=forms.Textarea(
                    attrs={
                        "rows": 4,
                        "class": "form-control",
                        "aria-describedby": f"id_section_{section.slug}-help",
                    }
                ),
            )
        for consent in template.consents:
            self.fields[f"consent_{consent.slug}"] = forms.ChoiceField(
                required=False,
                choices=list(CONSENT_CHOICES.items()),
                initial="not_asked",
                label=consent.label,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    def section_fields(self) -> list[forms.BoundField]:
        return [self[f"section_{s.slug}"] for s in self.template.sections]

    def consent_fields(self) -> list[forms.BoundField]:
        return [self[f"consent_{c.slug}"] for c in self.template.consents]

    # Only what the request carried: a partial post never blanks a section it did not send.
    def sections(self) -> dict[str, str]:
        return {
            s.slug: self.cleaned_data[f"section_{s.slug}"]
            for s in self.template.sections
            if f"section_{s.slug}" in self.data
        }

    def consents(self) -> dict[str, str]:
        return {
            c.slug: self.cleaned_data[f"consent_{c.slug}"]
            for c in self.template.consents
            if self.cleaned_data.get(f"consent_{c.slug}")
        }


def note_initial(note: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "version": note.version,
        "sensitive": note.sensitive,
        "sensitive_reason": note.sensitive_reason,
    }
    initial.update({f"section_{slug}": text for slug, text in note.sections.items()})
    initial.update({f"consent_{slug}": value for slug, value in note.consents.items()})
    return initial


class InjuryForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    site = forms.ChoiceField(label=_("Where"), choices=())
    length_cm = forms.CharField(label=_("Length (cm)"), max_length=10)
    width_cm = forms.CharField(label=_("Width (cm)"), max_length=10, required=False)
    colour = forms.CharField(label=_("Colour"), max_length=100, required=False)
    shape = forms.CharField(label=_("Shape or pattern"), max_length=100, required=False)
    description = forms.CharField(
        label=_("Description"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. swollen, tender, healing")}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site = self.fields["site"]
        assert isinstance(site, forms.ChoiceField)  # noqa: S101 - declared just above
        site.choices = [("", _("Choose…")), *((s.slug, s.label) for s in body_sites())]
        for name in ("length_cm", "width_cm"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            self.injury = parse_injury({k: str(v or "") for k, v in cleaned.items()})
        except InjuryError as error:
            for name, message in error.errors.items():
                if name not in self.errors:
                    self.add_error(name, message)
        return cleaned


FINDING_CHOICES = [
    (icd10.Finding.NOT_SUSPECTED.value, _("Not suspected")),
    (icd10.Finding.SUSPECTED.value, _("Suspected")),
    (icd10.Finding.CONFIRMED.value, _("Confirmed")),
    (icd10.Finding.RULED_OUT.value, _("Suspected, then ruled out")),
]
KNOWN_CHOICES = [
    (icd10.Known.UNKNOWN.value, _("Not known")),
    (icd10.Known.YES.value, _("Yes")),
    (icd10.Known.NO.value, _("No")),
]
ENCOUNTER_CHOICES = [
    (icd10.Encounter.INITIAL.value, _("Initial encounter (A)")),
    (icd10.Encounter.SUBSEQUENT.value, _("Subsequent encounter (D)")),
    (icd10.Encounter.SEQUELA.value, _("Sequela (S)")),
    (icd10.Encounter.UNKNOWN.value, _("Not sure")),
]


class CodingForm(forms.Form):
    # Screen-safe labels (cases/content/telling_words.json): the form is on screen beside the
    # patient; the codes' own ICD-10-CM titles name what is meant (T74.5-/T76.5-, T74.6-/T76.6-).
    sexual = forms.ChoiceField(label=_("Made to take part in sexual acts"), choices=FINDING_CHOICES)
    labour = forms.ChoiceField(label=_("Made to work"), choices=FINDING_CHOICES)
    encounter = forms.ChoiceField(label=_("This encounter"), choices=ENCOUNTER_CHOICES)
    multiple = forms.ChoiceField(label=_("More than one perpetrator"), choices=KNOWN_CHOICES)
    past = forms.ChoiceField(label=_("This also happened in the past"), choices=KNOWN_CHOICES)
    childhood = forms.ChoiceField(label=_("…of it in childhood"), choices=KNOWN_CHOICES)

    def facts(self, age: int | None) -> icd10.CodingFacts:
        data = self.cleaned_data
        return icd10.CodingFacts(
            sexual=icd10.Finding(data["sexual"]),
            labour=icd10.Finding(data["labour"]),
            age=age,
            encounter=icd10.Encounter(data["encounter"]),
            multiple_perpetrators=icd10.Known(data["multiple"]),
            past_exploitation=icd10.Known(data["past"]),
            past_in_childhood=icd10.Known(data["childhood"]),
        )


class AddendumForm(forms.Form):
    text = forms.CharField(
        label=_("Addendum"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
