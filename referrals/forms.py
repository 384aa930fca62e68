from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any, cast

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.editing import Editor, VersionForm
from cases.jurisdictions import region_choices
from cases.models import Case, User
from referrals import entries, rules
from referrals.models import BARRIER, CONTACT_CHOICES, FLAG, KIND, Service
from referrals.search import LAST_PAGE, SearchCriteria
from referrals.terms import Term, directory_terms

DAY_CHOICES = [
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A form's choice field, typed as such (choices are filled from the database)."""
    return cast(forms.ChoiceField, form.fields[name])


def term_choices(taxonomy: str, *, key: str = "code") -> list[tuple[str, str]]:
    return harbor_term_choices((taxonomy,), key=key)[taxonomy]


def harbor_term_choices(
    taxonomies: tuple[str, ...] = (KIND, BARRIER, FLAG),
    *,
    key: str = "code",
    terms: Sequence[Term] | None = None,
) -> dict[str, list[tuple[str, str]]]:
    """The choices of each taxonomy, from the directory's terms (`terms.directory_terms`, kept
    while the directory stays the same, unless the caller has them), labelled in the interface
    language."""
    found: dict[str, list[tuple[str, str]]] = {taxonomy: [] for taxonomy in taxonomies}
    for term in terms if terms is not None else directory_terms():
        if term.taxonomy in found:
            label = rules.term_label(term.taxonomy, term.code, term.name)
            found[term.taxonomy].append((str(getattr(term, key)), label))
    for choices in found.values():
        choices.sort(key=lambda choice: choice[1].casefold())  # as the reader reads them
    return found


class SearchForm(forms.Form):
    text = forms.CharField(label=_("Words"), required=False, max_length=200)
    need = forms.ChoiceField(label=_("Need"), required=False)
    language = forms.ChoiceField(label=_("Language spoken"), required=False)
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        choices=region_choices,
        help_text=_("Services for the whole country are included."),
    )
    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=125)
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    always_open = forms.BooleanField(label=_("Open 24/7"), required=False)
    barriers = forms.MultipleChoiceField(
        label=_("Addresses the patient's barriers"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    flags = forms.MultipleChoiceField(
        label=_("Must be"), required=False, widget=forms.CheckboxSelectMultiple
    )
    # Which page of results (the "more" link's); not a filter, so the form never renders it.
    page = forms.IntegerField(required=False, min_value=1, max_value=LAST_PAGE)

    def __init__(self, *args: Any, terms: Sequence[Term] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The directory's terms, for the choices here and for the search (`search_services`).
        self.terms = terms if terms is not None else directory_terms()
        choices = harbor_term_choices(terms=self.terms)
        any_choice: list[tuple[str, Any]] = [("", pgettext_lazy("any choice", "Any"))]
        choice_field(self, "need").choices = any_choice + choices[KIND]
        choice_field(self, "language").choices = any_choice + [
            (code, label) for code, label in Case.Language.choices if code != "other"
        ]
        choice_field(self, "barriers").choices = choices[BARRIER]
        choice_field(self, "flags").choices = choices[FLAG]

    @property
    def page_number(self) -> int:
        return self.cleaned_data.get("page") or 1

    def clean_region(self) -> str:
        return self.cleaned_data["region"].strip().upper()

    def criteria(self) -> SearchCriteria:
        data = self.cleaned_data
        return SearchCriteria(
            text=data["text"],
            need=data["need"],
            language=data["language"],
            region=data["region"],
            open_now=data["open_now"],
            always_open=data["always_open"],
            age=data["age"],
            barriers=tuple(data["barriers"]),
            flags=tuple(data["flags"]),
        )


class BarriersForm(forms.Form):
    barriers = forms.MultipleChoiceField(
        label=_("Barriers the patient faces"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, terms: Sequence[Term] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "barriers").choices = harbor_term_choices((BARRIER,), terms=terms)[
            BARRIER
        ]


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class _ReadyChoices(BaseChoiceIterator):
    """Choices made once per page: a field given these keeps them as they are, where a plain
    list is normalised again by each of the page's "who follows up" fields (241 people × 4).
    Their `<option>`s are also written once (`options_html`), for every select that shows them
    (`referral_fields.select_options`)."""

    def __init__(self, choices: tuple[tuple[Any, str], ...]) -> None:
        self.choices = choices
        self._options_html: str | None = None

    def __iter__(self) -> Any:
        return iter(self.choices)

    @property
    def options_html(self) -> str:
        """Every choice as an `<option>`, none selected, written (and escaped) once."""
        if self._options_html is None:
            # The standard library's escape, as Django's `escape` applies it to text (its
            # lazy-string wrapper, per name, cost more than the escaping).
            self._options_html = "".join(
                f'<option value="{html.escape(f"{value}")}">{html.escape(str(label))}</option>'
                for value, label in self.choices
            )
        return self._options_html


@dataclass(frozen=True)
class Staff:
    """Who may be responsible for a follow-up, read once per page: the people's names by id,
    and the choices every "who follows up" field on the page shows."""

    names: dict[int, str]
    choices: _ReadyChoices


def staff_for(case: Case) -> Staff:
    """The facility's active clinicians and supervisors, by first name.

    Read as plain values (240 people in the benchmark: model instances were most of the
    cost); a form that is posted loads the one person chosen (`ResponsibleField`)."""
    rows = (
        User.objects.filter(is_active=True, facility_id=case.facility_id)
        .filter(groups__name__in=["clinician", "supervisor"])
        .distinct()
        .order_by("first_name", "username")
        .values_list("id", "username", "first_name", "last_name")
    )
    # As `User.display_name` words it: the full name (`get_full_name`), else the username.
    names = {pk: f"{first} {last}".strip() or username for pk, username, first, last in rows}
    choices = (("", "—"), *names.items())
    return Staff(names, _ReadyChoices(choices))


NO_STAFF = Staff({}, _ReadyChoices((("", "—"),)))


class ResponsibleField(forms.TypedChoiceField):
    """A choice among the page's staff, returning the user."""

    def __init__(self, staff: Staff) -> None:
        self.names = staff.names
        super().__init__(
            choices=staff.choices,
            coerce=lambda value: User.objects.get(pk=int(value)),
            empty_value=None,
            required=False,
            label=_("Who follows up"),
        )

    def valid_value(self, value: Any) -> bool:
        # Only someone of the page's staff: coerce then loads that person.
        return str(value) in {str(pk) for pk in self.names}


class DecisionForm(VersionedForm):
    decision = forms.ChoiceField(
        label=_("The patient"),
        choices=[("accept", _("accepts the referral")), ("decline", _("declines it"))],
        widget=forms.RadioSelect,
    )
    consent_to_share = forms.BooleanField(
        label=_("The patient agrees that we share information with this service"),
        required=False,
    )
    share_scope = forms.CharField(
        label=_("What may be shared"),
        required=False,
        max_length=500,
        help_text=_("e.g. first name and a safe phone number only."),
    )
    follow_up_on = forms.DateField(
        label=_("Follow up on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, staff: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"] = ResponsibleField(staff)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("consent_to_share") and not data.get("share_scope", "").strip():
            self.add_error("share_scope", _("Say what the patient agreed may be shared."))
        return data


class StatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("New status"), choices=[])
    override_reason = forms.CharField(
        label=_("Reason to go ahead without consent to share"),
        required=False,
        max_length=500,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "status").choices = choices


class FollowUpForm(VersionedForm):
    follow_up_on = forms.DateField(
        label=_("Follow up on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, staff: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"] = ResponsibleField(staff)


class ContactForm(forms.Form):
    method = forms.ChoiceField(label=_("How"), choices=CONTACT_CHOICES)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)
    override_reason = forms.CharField(
        label=_("Reason to override the safe-contact plan"), required=False, max_length=500
    )


class HandoverForm(forms.Form):
    introduced_to = forms.CharField(label=_("Introduced to (name and role)"), max_length=300)
    how = forms.ChoiceField(
        label=_("How"),
        choices=[
            ("in person", _("In person")),
            ("phone", _("By phone, with the patient")),
            ("video", _("By video, with the patient")),
        ],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class HelpDeclinedForm(forms.Form):
    national_line_offered = forms.BooleanField(
        label=_("The national line was offered anyway"), required=False
    )
    local_contacts_offered = forms.BooleanField(
        label=_("Local contacts (social work, a local agency) were offered"), required=False
    )
    discreet_card_offered = forms.BooleanField(
        label=_("A small discreet card was offered"), required=False
    )
    follow_up_on = forms.DateField(
        label=_("Follow-up visit proposed for"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


def _codes(text: str) -> list[str]:
    return list(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))


class CodesField(forms.CharField):
    """Codes typed separated by commas, as a list (whether each is a code: the entry's
    `check_content`, declared once for the editor and imports alike)."""

    def __init__(self, *, upper: bool = False, **kwargs: Any) -> None:
        self.upper = upper
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value)
        return [code.upper() if self.upper else code.lower() for code in _codes(text)]


def _term_field(label: Any, taxonomy: str) -> forms.MultipleChoiceField:
    field = forms.MultipleChoiceField(
        label=label, required=False, widget=forms.CheckboxSelectMultiple
    )
    field.taxonomy = taxonomy  # type: ignore[attr-defined]  # choices filled per form
    return field


ENTRY_TEXTAREAS = {
    name: forms.Textarea(attrs={"rows": rows})
    for name, rows in (
        ("description", 3),
        ("alert", 2),
        ("eligibility_description", 2),
        ("fees_description", 2),
        ("interpretation_services", 2),
        ("application_process", 2),
        ("refer_needs", 2),
        ("refer_never_send", 2),
        ("consent_requirements", 2),
    )
}
# What the editor changes of an entry; status and verification have their own buttons.
NOT_EDITED = ("status", "assured_date", "assurer_email")
EDITED = [name for name in entries.COLUMNS if name not in NOT_EDITED]

_entry_fields: dict[str, Any] = {
    "organization_name": forms.CharField(label=_("Organisation"), max_length=300),
    **forms.fields_for_model(
        Service,
        fields=EDITED,
        widgets={
            **ENTRY_TEXTAREAS,
            "protocol_reviewed_on": forms.DateInput(attrs={"type": "date"}),
        },
    ),
    "phone": forms.CharField(label=_("Phone"), max_length=60, required=False),
    "text_number": forms.CharField(label=_("Text (SMS) number"), max_length=60, required=False),
    "languages": CodesField(
        label=_("Languages spoken"),
        required=False,
        help_text=_("Codes separated by commas, e.g. en, fr, es."),
    ),
    "regions": CodesField(
        upper=True,
        label=_("Regions served"),
        help_text=_("Codes separated by commas, e.g. CA-ON or US (the whole country)."),
    ),
    "kinds": _term_field(_("Kind of partner"), KIND),
    "flags": _term_field(_("Good to know"), FLAG),
    "barriers": _term_field(_("Barriers it helps with"), BARRIER),
    "always_open": forms.BooleanField(label=_("Open 24/7"), required=False),
    "days": forms.MultipleChoiceField(
        label=_("Open on"), required=False, choices=DAY_CHOICES, widget=forms.CheckboxSelectMultiple
    ),
    "opens_at": forms.TimeField(
        label=_("Opens at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    ),
    "closes_at": forms.TimeField(
        label=_("Closes at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    ),
}
# The header form of the entry editor: `VersionForm` (note, base_version) and the entry's
# fields, the model's own field types and limits for the columns.
EntryForm: type[forms.Form] = type("EntryForm", (VersionForm,), dict(_entry_fields))


class ServiceEditor(Editor):
    """The directory entry's editor on the content pattern (`cases.editing.edit_content`):
    one header form, no row formsets (the entry's lists are short codes)."""

    header_class = EntryForm

    def __init__(self, data: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        for field in self.form.fields.values():
            taxonomy = getattr(field, "taxonomy", None)
            if taxonomy:
                cast(forms.MultipleChoiceField, field).choices = term_choices(taxonomy)

    def header_initial(self, content: Mapping[str, Any]) -> dict[str, Any]:
        return {name: content.get(name) for name in _entry_fields}

    def document(self) -> dict[str, Any]:
        document = self.header()
        for name, value in document.items():
            if isinstance(value, date):
                document[name] = value.isoformat()
            elif isinstance(value, time):
                document[name] = value.strftime("%H:%M")
        document["days"] = [day for day, _label in DAY_CHOICES if day in document["days"]]
        # Status and verification are not edited here: they stay as the entry stands now
        # (restoring an old version restores its content, not an old verification).
        now = entries.current_document(self.before["slug"])
        new = {"status": Service.Status.ACTIVE.value, "assured_date": None, "assurer_email": ""}
        for name in NOT_EDITED:
            document[name] = now[name] if now else new[name]
        return document


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("HSDS 3.0 file"),
        help_text=_("JSON, or a ZIP of the tabular data package (CSV files)."),
    )


class DirectoryFilterForm(forms.Form):
    name = forms.CharField(
        label=_("Name or organisation"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "type": "search"}),
    )
    stale = forms.BooleanField(
        label=_("Only entries to re-check"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class DirectorySettingsForm(forms.Form):
    stale_after_days = forms.IntegerField(
        label=_("Mark entries for re-checking after (days)"), min_value=7, max_value=1000
    )
