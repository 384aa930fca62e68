from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.content import unique_slug
from cases.editing import Editor, VersionForm, row_formset
from documentation import icd10, language
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

    # What the form shows before anyone answers: nothing suspected, the first encounter, the
    # rest unknown.
    START = {
        "sexual": "not_suspected",
        "labour": "not_suspected",
        "encounter": "A",
        "multiple": "unknown",
        "past": "unknown",
        "childhood": "unknown",
    }

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


# --- The note template editor (the pattern of `cases.editing`) ----------------------------------


def other_languages() -> list[tuple[str, str]]:
    """The interface languages besides English, each edited in its own column."""
    return [(code, str(name)) for code, name in settings.LANGUAGES if code != "en"]


def _translation_fields(form: forms.Form, fields: dict[str, tuple[str, int, bool]]) -> None:
    """Add `<field>_<language>` for each other interface language: name -> (label, max, area)."""
    for code, name in other_languages():
        for field, (label, max_length, area) in fields.items():
            form.fields[f"{field}_{code}"] = forms.CharField(
                label=_("%(field)s (%(language)s)") % {"field": label, "language": name},
                required=False,
                max_length=max_length,
                widget=forms.Textarea(attrs={"rows": 1}) if area else forms.TextInput(),
            )


def _translations(
    data: Mapping[str, Any], before: Mapping[str, Any] | None, fields: tuple[str, ...]
) -> Any:
    """The row's translations: each edited language from the form, the others as they were."""
    result = {code: dict(texts) for code, texts in (before or {}).items()}
    for code, _name in other_languages():
        typed = {f: str(data.get(f"{f}_{code}") or "").strip() for f in fields}
        texts = {f: text for f, text in typed.items() if text}
        if texts:
            result[code] = texts
        else:
            result.pop(code, None)
    return result


def _translation_initial(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, str]:
    return {
        f"{field}_{code}": (row.get("translations") or {}).get(code, {}).get(field, "")
        for code, _name in other_languages()
        for field in fields
    }


def _styled(form: forms.Form) -> None:
    """Bootstrap's classes on every visible widget of an editor form."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


class NoteTemplateHeaderForm(VersionForm):
    title = forms.CharField(label=_("Title"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _translation_fields(self, {"title": (str(_("Title")), 200, False)})
        _styled(self)


PREFILL_CHOICES = [
    ("", _("Nothing: the clinician writes it")),
    ("presentation", _("How the conversation was held, and the summaries")),
    ("observations", _("Signs observed")),
    ("own_words", _("Answers marked as the patient's words")),
    ("care_given", _("Care checklist: done")),
    ("reporting", _("Capacity, reporting decision and reports made")),
    ("referrals", _("Referrals")),
    ("plan", _("Transfer, help declined, still to do, follow-up, safe contact")),
]


class SectionEditForm(forms.Form):
    # A section's slug names its text in every note written on the template, so an existing
    # section keeps it whatever its label becomes; a new one gets one from its label.
    slug = forms.CharField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(label=pgettext_lazy("note template", "Section"), max_length=200)
    help = forms.CharField(
        label=_("Help for the clinician"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 1}),
    )
    prefill = forms.ChoiceField(label=_("Prefilled from"), required=False, choices=PREFILL_CHOICES)
    verbatim = forms.BooleanField(
        label=_("The patient's own words (never flagged, never corrected)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _translation_fields(
            self,
            {
                "label": (str(pgettext_lazy("note template", "Section")), 200, False),
                "help": (str(_("Help")), 1000, True),
            },
        )
        _styled(self)


class ConsentEditForm(forms.Form):
    slug = forms.CharField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(label=_("Consent"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _translation_fields(self, {"label": (str(_("Consent")), 200, False)})
        _styled(self)


SectionFormSet = row_formset(SectionEditForm, noun="section")
ConsentFormSet = row_formset(ConsentEditForm, noun="consent")


def _slug_from(label: str, taken: set[str]) -> str:
    # Section slugs name form fields (`section_<slug>`): underscores, as the shipped ones.
    return unique_slug(label, taken, fallback="section", words=4).replace("-", "_")


class NoteTemplateEditor(Editor):
    """Sections and consents added, removed, reordered and translated in one save."""

    header_class = NoteTemplateHeaderForm
    formset_classes = {
        "sections": (SectionFormSet, "sections"),
        "consents": (ConsentFormSet, "consents"),
    }

    def header_initial(self, content: Mapping[str, Any]) -> dict[str, Any]:
        return {"title": content["title"], **_translation_initial(dict(content), ("title",))}

    def build(self, data: Mapping[str, Any] | None, content: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "sections": SectionFormSet(
                data,
                prefix="sections",
                initial=[
                    {**s, **_translation_initial(s, ("label", "help"))} for s in content["sections"]
                ],
            ),
            "consents": ConsentFormSet(
                data,
                prefix="consents",
                initial=[{**c, **_translation_initial(c, ("label",))} for c in content["consents"]],
            ),
        }

    def document(self) -> dict[str, Any]:
        before = {
            name: {row["slug"]: row for row in self.before[name]}
            for name in ("sections", "consents")
        }
        taken = {slug for rows in before.values() for slug in rows}

        def section(form: forms.Form, _index: int) -> dict[str, Any]:
            data = form.cleaned_data
            slug = data.get("slug") or _slug_from(data["label"], taken)
            taken.add(slug)
            old = before["sections"].get(slug, {})
            return {
                "slug": slug,
                "label": data["label"],
                "help": data["help"],
                "prefill": data["prefill"],
                "verbatim": data["verbatim"],
                "translations": _translations(data, old.get("translations"), ("label", "help")),
            }

        def consent(form: forms.Form, _index: int) -> dict[str, Any]:
            data = form.cleaned_data
            slug = data.get("slug") or _slug_from(data["label"], taken)
            taken.add(slug)
            old = before["consents"].get(slug, {})
            return {
                "slug": slug,
                "label": data["label"],
                "translations": _translations(data, old.get("translations"), ("label",)),
            }

        header = self.form.cleaned_data
        self.origin[()] = self.form
        return {
            "title": header["title"],
            "source": self.before["source"],
            "translations": _translations(header, self.before.get("translations"), ("title",)),
            "sections": self.rows(("sections",), self.formsets["sections"], section),
            "consents": self.rows(("consents",), self.formsets["consents"], consent),
        }


# --- The language check's word list editor -------------------------------------------------------


class WordListHeaderForm(VersionForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


CATEGORY_CHOICES = [(str(category), label) for category, label in language.CATEGORY_LABELS.items()]
ENTRY_LANGUAGE_CHOICES = [(code, name) for code, name in settings.LANGUAGES]


class EntryEditForm(forms.Form):
    # An entry's id is its identity in the history, so an existing entry keeps it.
    id = forms.CharField(required=False, widget=forms.HiddenInput)
    language = forms.ChoiceField(label=_("Language of the wording"), choices=())
    category = forms.ChoiceField(label=_("Kind"), choices=())
    terms = forms.CharField(
        label=_("Wordings to flag (one per line)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    why = forms.CharField(
        label=_("Why it is flagged"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    suggestion = forms.CharField(label=_("What to write instead"), max_length=500)
    minor_only = forms.BooleanField(label=_("Flag only for a patient under 18"), required=False)
    minor_why = forms.CharField(
        label=_("For a patient under 18: why"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    minor_suggestion = forms.CharField(
        label=_("For a patient under 18: what to write instead"), required=False, max_length=500
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = ENTRY_LANGUAGE_CHOICES  # type: ignore[attr-defined]
        self.fields["category"].choices = CATEGORY_CHOICES  # type: ignore[attr-defined]
        # The reasons for a reader of each interface language (the entry's own is `why`).
        for code, name in settings.LANGUAGES:
            for field, label in (("why", _("Why")), ("minor_why", _("Under 18: why"))):
                self.fields[f"{field}_{code}"] = forms.CharField(
                    label=_("%(field)s (for a %(language)s reader)")
                    % {"field": label, "language": name},
                    required=False,
                    max_length=1000,
                    widget=forms.Textarea(attrs={"rows": 1}),
                )
        _styled(self)

    def clean_terms(self) -> list[str]:
        terms = [line.strip() for line in self.cleaned_data["terms"].splitlines() if line.strip()]
        if not terms:
            raise forms.ValidationError(_("Give at least one wording."))
        return terms


EntryFormSet = row_formset(EntryEditForm, noun="entry")


class WordListEditor(Editor):
    """Entries added, removed, reordered and edited in one save; `check_word_list` keeps ids and
    wordings unique."""

    header_class = WordListHeaderForm
    formset_classes = {"entries": (EntryFormSet, "entries")}

    def header_initial(self, content: Mapping[str, Any]) -> dict[str, Any]:
        return {}

    def build(self, data: Mapping[str, Any] | None, content: Mapping[str, Any]) -> dict[str, Any]:
        initial = []
        for entry in content["entries"]:
            row = {**entry, "terms": "\n".join(entry["terms"])}
            for code, _name in settings.LANGUAGES:
                texts = (entry.get("translations") or {}).get(code, {})
                row[f"why_{code}"] = texts.get("why", "")
                row[f"minor_why_{code}"] = texts.get("minor_why", "")
            initial.append(row)
        return {"entries": EntryFormSet(data, prefix="entries", initial=initial)}

    def document(self) -> dict[str, Any]:
        taken = {entry["id"] for entry in self.before["entries"]}

        def entry(form: forms.Form, _index: int) -> dict[str, Any]:
            data = form.cleaned_data
            entry_id = data.get("id") or unique_slug(data["terms"][0], taken, fallback="entry")
            taken.add(entry_id)
            translations = {}
            for code, _name in settings.LANGUAGES:
                texts = {
                    field: data[f"{field}_{code}"].strip()
                    for field in ("why", "minor_why")
                    if data.get(f"{field}_{code}", "").strip()
                }
                if texts and code != data["language"]:
                    translations[code] = texts
            return {
                "id": entry_id,
                "language": data["language"],
                "category": data["category"],
                "terms": data["terms"],
                "why": data["why"],
                "suggestion": data["suggestion"],
                "minor_only": data["minor_only"],
                "minor_why": data["minor_why"],
                "minor_suggestion": data["minor_suggestion"],
                "translations": translations,
            }

        self.origin[()] = self.form
        return {
            "source": self.before["source"],
            "entries": self.rows(("entries",), self.formsets["entries"], entry),
        }
