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

    # Each "required" message says what to do, not "This field is required.": the clinician may
    # be reading it with the patient waiting.
    patient_alone = forms.BooleanField(
        label="The patient is alone: anyone who came with them has been separated",
        widget=forms.CheckboxInput(attrs=CHECK),
        error_messages={"required": "Confirm the patient is alone before asking anything."},
    )
    separation_method = forms.ChoiceField(
        label="How the patient was seen alone",
        widget=RADIO,
        error_messages={"required": "Choose how the patient was seen alone."},
    )
    separation_note = forms.CharField(
        label="How, in a few words (required for “Other”)",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    interpreter = forms.ChoiceField(
        label="Interpreter",
        widget=RADIO,
        error_messages={"required": "Say whether a professional interpreter is needed."},
    )
    confidentiality_explained = forms.BooleanField(
        label="I read the limits of confidentiality above to the patient",
        widget=forms.CheckboxInput(attrs=CHECK),
        error_messages={"required": "Read the limits of confidentiality to the patient first."},
    )
    patient_agreed = forms.BooleanField(
        label="The patient agreed to talk",
        widget=forms.CheckboxInput(attrs=CHECK),
        error_messages={
            "required": "Go ahead only if the patient agrees; if not, record “not screened” below."
        },
    )

    @property
    def companion_refused(self) -> bool:
        """The only interpreter error shown as "Not accepted": a companion was chosen."""
        return self.is_bound and self.data.get(self.add_prefix("interpreter")) in {
            o["slug"] for o in content.gate()["interpreter"]["options"] if not o["acceptable"]
        }

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
    reason = forms.ChoiceField(
        label="Why screening could not go ahead",
        widget=RADIO,
        error_messages={"required": "Choose why screening could not go ahead."},
    )
    note = forms.CharField(
        label="Note (required for “Other reason”)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
    universal_education_offered = forms.BooleanField(
        label="I offered these resources, as to every patient",
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
        error_messages={"required": "Resume only once the patient is alone again: tick the box."},
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
        label="Note",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 1}),
    )
    # The version the user started from; a save against an older one is a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=Answer.Status.choices, widget=RADIO)
    note = forms.CharField(
        label="What the patient said",
        required=False,
        max_length=4000,
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
    # The saved response's version when the form was opened; 0 when there was none yet.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item_slugs = [item["slug"] for item in instrument.items]
        for item in instrument.items:
            self.fields[item["slug"]] = forms.ChoiceField(
                label=item["text"], choices=YES_NO_CHOICES, required=False, widget=RADIO
            )

    def answers(self) -> dict[str, bool | None]:
        values = {"yes": True, "no": False}
        return {slug: values.get(self.cleaned_data[slug]) for slug in self.item_slugs}

    def expected_version(self) -> int:
        return self.cleaned_data.get("version") or 0


# --- Administrator editors -----------------------------------------------------------------------

TEXT = {"class": "form-control"}


def _area(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "form-control", "rows": rows})


def _order(label: str, initial: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        initial=initial,
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm harbor-order"}),
    )


def _remove(label: str) -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False, widget=forms.CheckboxInput(attrs=CHECK))


def _ordered(rows: list[tuple[int | None, int, Any]]) -> list[Any]:
    """Rows in their new order: each row whose position was changed goes to that position in the
    saved list; the others keep their order around it. (position typed, position shown, row).

    Sorting on the typed numbers alone would leave "move theme 1 to 3" tied with theme 3.
    """
    kept = [row for typed, shown, row in rows if typed in (None, shown + 1)]
    moved = sorted(
        ((typed, shown, row) for typed, shown, row in rows if typed not in (None, shown + 1)),
        key=lambda r: (r[0], r[1]),
    )
    for typed, _, row in moved:
        kept.insert(min(typed - 1, len(kept)), row)
    return kept


class BankEditForm(forms.Form):
    """Every text of a bank version: rename, reorder, remove or add themes, questions, principles
    and guidance points. Saving makes a new version.

    Fields are named by position (theme-0-title, q-0-3-text, …) because a new version copies
    the content, not the rows. `based_on` is the newest version when the form was opened: if
    someone saves another version meanwhile, the save is refused (see the view) instead of
    silently replacing their changes.
    """

    KINDS = {"principles": "principle", "guidance": "guidance point"}

    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs=TEXT))
    source = forms.CharField(widget=_area(3))
    based_on = forms.IntegerField(widget=forms.HiddenInput)
    new_theme_title = forms.CharField(
        label="New theme: title", required=False, widget=forms.TextInput(attrs=TEXT)
    )
    new_theme_purpose = forms.CharField(
        label="New theme: purpose line", required=False, widget=_area()
    )
    new_theme_questions = forms.CharField(
        label="New theme: its questions, one per line", required=False, widget=_area(3)
    )

    def __init__(self, *args: Any, bank: QuestionBank, based_on: int, **kwargs: Any) -> None:
        super().__init__(
            *args,
            initial={"title": bank.title, "source": bank.source, "based_on": based_on},
            **kwargs,
        )
        self.bank_content = bank.as_content()
        for kind, noun in self.KINDS.items():
            for i, item in enumerate(self.bank_content[kind]):
                self.fields[f"{kind}-{i}-title"] = forms.CharField(
                    label="Title", initial=item["title"], widget=forms.TextInput(attrs=TEXT)
                )
                self.fields[f"{kind}-{i}-text"] = forms.CharField(
                    label="Text", initial=item["text"], widget=_area()
                )
                self.fields[f"{kind}-{i}-order"] = _order(f"Position of {noun} {i + 1}", i + 1)
                self.fields[f"{kind}-{i}-remove"] = _remove(f"Remove {noun} {i + 1}")
            self.fields[f"{kind}-new-title"] = forms.CharField(
                label=f"New {noun}: title", required=False, widget=forms.TextInput(attrs=TEXT)
            )
            self.fields[f"{kind}-new-text"] = forms.CharField(
                label=f"New {noun}: text", required=False, widget=_area()
            )
        for t, theme in enumerate(self.bank_content["themes"]):
            self.fields[f"theme-{t}-title"] = forms.CharField(
                label="Theme title", initial=theme["title"], widget=forms.TextInput(attrs=TEXT)
            )
            self.fields[f"theme-{t}-purpose"] = forms.CharField(
                label="Purpose", initial=theme["purpose"], widget=_area()
            )
            self.fields[f"theme-{t}-order"] = _order(f"Position of theme {t + 1}", t + 1)
            self.fields[f"theme-{t}-remove"] = _remove(
                f"Remove theme {t + 1} and all its questions"
            )
            for q, question in enumerate(theme["questions"]):
                self.fields[f"q-{t}-{q}-text"] = forms.CharField(
                    label=f"Question {q + 1}", initial=question["text"], widget=_area()
                )
                self.fields[f"q-{t}-{q}-order"] = _order(
                    f"Position of question {q + 1} in theme {t + 1}", q + 1
                )
                self.fields[f"q-{t}-{q}-remove"] = _remove(f"Remove question {q + 1}")
            self.fields[f"theme-{t}-new"] = forms.CharField(
                label="Add a question to this theme", required=False, widget=_area()
            )

    def themes(self) -> list[dict[str, Any]]:
        """Bound fields grouped for the template."""
        return [
            {
                "title": self[f"theme-{t}-title"],
                "purpose": self[f"theme-{t}-purpose"],
                "order": self[f"theme-{t}-order"],
                "remove": self[f"theme-{t}-remove"],
                "questions": [
                    {key: self[f"q-{t}-{q}-{key}"] for key in ("text", "order", "remove")}
                    for q in range(len(theme["questions"]))
                ],
                "new": self[f"theme-{t}-new"],
            }
            for t, theme in enumerate(self.bank_content["themes"])
        ]

    def titled(self, kind: str) -> dict[str, Any]:
        return {
            "items": [
                {key: self[f"{kind}-{i}-{key}"] for key in ("title", "text", "order", "remove")}
                for i in range(len(self.bank_content[kind]))
            ],
            "new_title": self[f"{kind}-new-title"],
            "new_text": self[f"{kind}-new-text"],
        }

    def principle_fields(self) -> dict[str, Any]:
        return self.titled("principles")

    def guidance_fields(self) -> dict[str, Any]:
        return self.titled("guidance")

    def clean(self) -> dict[str, Any]:
        # Say which part is wrong, next to it, instead of one message about the whole bank.
        data = super().clean()
        for kind in self.KINDS:
            title = data.get(f"{kind}-new-title", "").strip()
            text = data.get(f"{kind}-new-text", "").strip()
            if bool(title) != bool(text):
                missing = f"{kind}-new-text" if title else f"{kind}-new-title"
                self.add_error(missing, "Give both a title and a text, or leave both empty.")
        kept_themes = 0
        for t, theme in enumerate(self.bank_content["themes"]):
            if data.get(f"theme-{t}-remove"):
                continue
            kept_themes += 1
            kept = sum(
                1 for q in range(len(theme["questions"])) if not data.get(f"q-{t}-{q}-remove")
            )
            if not kept and not data.get(f"theme-{t}-new", "").strip():
                self.add_error(
                    f"theme-{t}-title",
                    "This theme would have no question left: keep or add one, or remove the "
                    "whole theme.",
                )
        new_title = data.get("new_theme_title", "").strip()
        new_parts = (
            new_title,
            data.get("new_theme_purpose", "").strip(),
            self.new_theme_question_texts(),
        )
        if any(new_parts) and not all(new_parts):
            for name, value in zip(
                ("new_theme_title", "new_theme_purpose", "new_theme_questions"),
                new_parts,
                strict=True,
            ):
                if not value:
                    self.add_error(name, "A new theme needs a title, a purpose and a question.")
        if not kept_themes and not all(new_parts):
            raise ValidationError("A question bank needs at least one theme.")
        return data

    def new_theme_question_texts(self) -> list[str]:
        text = self.cleaned_data.get("new_theme_questions", "")
        return [line.strip() for line in text.splitlines() if line.strip()]

    def content(self) -> dict[str, Any]:
        """The edited bank in the seed_bank.json format (slugs kept; new ones made unique)."""
        data = self.cleaned_data
        used = {q["slug"] for t in self.bank_content["themes"] for q in t["questions"]}
        theme_slugs = {t["slug"] for t in self.bank_content["themes"]}
        themes = []
        for t, theme in enumerate(self.bank_content["themes"]):
            if data[f"theme-{t}-remove"]:
                continue
            questions = _ordered(
                [
                    (
                        data[f"q-{t}-{q}-order"],
                        q,
                        {"slug": question["slug"], "text": data[f"q-{t}-{q}-text"]},
                    )
                    for q, question in enumerate(theme["questions"])
                    if not data[f"q-{t}-{q}-remove"]
                ]
            )
            if data[f"theme-{t}-new"].strip():
                slug = unique_slug(data[f"theme-{t}-new"], used)
                used.add(slug)
                questions.append({"slug": slug, "text": data[f"theme-{t}-new"].strip()})
            themes.append(
                (
                    data[f"theme-{t}-order"],
                    t,
                    {
                        "slug": theme["slug"],
                        "title": data[f"theme-{t}-title"],
                        "purpose": data[f"theme-{t}-purpose"],
                        "questions": questions,
                    },
                )
            )
        themes_in_order = _ordered(themes)
        if data["new_theme_title"].strip():
            questions = []
            for text in self.new_theme_question_texts():
                slug = unique_slug(text, used)
                used.add(slug)
                questions.append({"slug": slug, "text": text})
            themes_in_order.append(
                {
                    "slug": unique_slug(data["new_theme_title"], theme_slugs),
                    "title": data["new_theme_title"].strip(),
                    "purpose": data["new_theme_purpose"].strip(),
                    "questions": questions,
                }
            )
        return {
            "title": data["title"],
            "source": data["source"],
            "principles": self._titled_content("principles"),
            "guidance": self._titled_content("guidance"),
            "themes": themes_in_order,
        }

    def _titled_content(self, kind: str) -> list[dict[str, str]]:
        data = self.cleaned_data
        items = _ordered(
            [
                (
                    data[f"{kind}-{i}-order"],
                    i,
                    {"title": data[f"{kind}-{i}-title"], "text": data[f"{kind}-{i}-text"]},
                )
                for i in range(len(self.bank_content[kind]))
                if not data[f"{kind}-{i}-remove"]
            ]
        )
        if data[f"{kind}-new-title"].strip():
            items.append(
                {
                    "title": data[f"{kind}-new-title"].strip(),
                    "text": data[f"{kind}-new-text"].strip(),
                }
            )
        return items


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
    """Every sign of the checklist (text, category, weight, open question, position), plus one
    new sign; saving makes a new checklist version. `based_on`: see BankEditForm."""

    source = forms.CharField(widget=_area(3))
    based_on = forms.IntegerField(widget=forms.HiddenInput)
    new_text = forms.CharField(label="New sign", required=False, widget=_area())
    new_weight = forms.ChoiceField(
        label="Weight of the new sign",
        choices=Indicator.Weight.choices,
        # A new sign counts as supporting unless the administrator decides it is strong.
        initial=Indicator.Weight.SUPPORTING,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    new_category = forms.CharField(
        label="Category of the new sign",
        required=False,
        initial="other",
        widget=forms.TextInput(attrs=TEXT),
    )
    new_follow_up = forms.CharField(
        label="Open question to ask when the new sign is seen", required=False, widget=_area(1)
    )

    def __init__(
        self,
        *args: Any,
        indicators: list[Indicator],
        source: str,
        based_on: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, initial={"source": source, "based_on": based_on}, **kwargs)
        self.indicators = indicators
        for i, indicator in enumerate(indicators):
            self.fields[f"i-{i}-text"] = forms.CharField(
                label="Sign", initial=indicator.text, widget=_area()
            )
            self.fields[f"i-{i}-category"] = forms.CharField(
                label="Category", initial=indicator.category, widget=forms.TextInput(attrs=TEXT)
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
            self.fields[f"i-{i}-order"] = _order(f"Position of sign {i + 1}", i + 1)
            self.fields[f"i-{i}-remove"] = _remove(f"Remove sign {i + 1}")

    ROW_FIELDS = ("text", "category", "weight", "follow_up", "order", "remove")

    def rows(self) -> list[dict[str, forms.BoundField]]:
        return [
            {key: self[f"i-{i}-{key}"] for key in self.ROW_FIELDS}
            for i in range(len(self.indicators))
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kept = sum(1 for i in range(len(self.indicators)) if not data.get(f"i-{i}-remove"))
        if not kept and not data.get("new_text", "").strip():
            raise ValidationError("The checklist needs at least one sign.")
        return data

    def content(self) -> dict[str, Any]:
        data = self.cleaned_data
        rows = []
        for i, indicator in enumerate(self.indicators):
            if data[f"i-{i}-remove"]:
                continue
            item = {
                "slug": indicator.slug,
                "text": data[f"i-{i}-text"],
                "category": data[f"i-{i}-category"].strip(),
                "weight": data[f"i-{i}-weight"],
            }
            if data[f"i-{i}-follow_up"].strip():
                item["follow_up_question"] = data[f"i-{i}-follow_up"].strip()
            rows.append((data[f"i-{i}-order"], i, item))
        items = _ordered(rows)
        if data["new_text"].strip():
            slug = unique_slug(data["new_text"], {i.slug for i in self.indicators})
            new = {
                "slug": slug,
                "text": data["new_text"].strip(),
                "category": data["new_category"].strip() or "other",
                "weight": data["new_weight"],
            }
            if data["new_follow_up"].strip():
                new["follow_up_question"] = data["new_follow_up"].strip()
            items.append(new)
        return {"source": data["source"], "indicators": items}


class InstrumentEditForm(forms.Form):
    """Every part of a brief instrument: its items (edit, reorder, remove, add one), its
    "positive if at least N yes" rule, age range and validation note. `based_on`: see
    BankEditForm."""

    RULE_FIELDS = (
        "title",
        "source",
        "positive_if_at_least",
        "min_age",
        "max_age",
        "validation_note",
        "demo",
    )

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
    based_on = forms.IntegerField(widget=forms.HiddenInput)
    new_item = forms.CharField(label="Add a yes/no item", required=False, widget=_area())

    def __init__(self, *args: Any, instrument: Instrument, based_on: int, **kwargs: Any) -> None:
        initial = {key: getattr(instrument, key) for key in self.RULE_FIELDS}
        super().__init__(*args, initial={**initial, "based_on": based_on}, **kwargs)
        self.instrument = instrument
        for i, item in enumerate(instrument.items):
            self.fields[f"item-{i}"] = forms.CharField(
                label=f"Item {i + 1} (yes/no)", initial=item["text"], widget=_area()
            )
            self.fields[f"item-{i}-order"] = _order(f"Position of item {i + 1}", i + 1)
            self.fields[f"item-{i}-remove"] = _remove(f"Remove item {i + 1}")

    def item_fields(self) -> list[dict[str, forms.BoundField]]:
        return [
            {
                "text": self[f"item-{i}"],
                "order": self[f"item-{i}-order"],
                "remove": self[f"item-{i}-remove"],
            }
            for i in range(len(self.instrument.items))
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("min_age") is not None
            and data.get("max_age") is not None
            and data["min_age"] > data["max_age"]
        ):
            self.add_error("max_age", "The oldest age must not be below the youngest.")
        kept = sum(1 for i in range(len(self.instrument.items)) if not data.get(f"item-{i}-remove"))
        kept += 1 if data.get("new_item", "").strip() else 0
        if not kept:
            raise ValidationError("An instrument needs at least one item.")
        threshold = data.get("positive_if_at_least")
        if threshold is not None and threshold > kept:
            self.add_error(
                "positive_if_at_least",
                f"There would be only {kept} item(s), so {threshold} yes answers could never "
                "be reached.",
            )
        return data

    def content(self) -> dict[str, Any]:
        data = self.cleaned_data
        items = _ordered(
            [
                (data[f"item-{i}-order"], i, {**item, "text": data[f"item-{i}"]})
                for i, item in enumerate(self.instrument.items)
                if not data[f"item-{i}-remove"]
            ]
        )
        if data["new_item"].strip():
            slug = unique_slug(data["new_item"], {item["slug"] for item in self.instrument.items})
            items.append({"slug": slug, "text": data["new_item"].strip(), "answer_type": "yes_no"})
        return {**{key: data[key] for key in self.RULE_FIELDS}, "items": items}


class ImportForm(forms.Form):
    KINDS = [("bank", "Question bank"), ("instrument", "Brief instrument")]

    kind = forms.ChoiceField(label="What the file holds", choices=KINDS, widget=RADIO)
    file = forms.FileField(
        label="FHIR R4 Questionnaire (JSON file)",
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".json,application/json"}
        ),
    )
