from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.jurisdictions import region_choices, validate_place_code
from cases.models import Case, User
from referrals import rules
from referrals.actions import Hours, ServiceEdit
from referrals.models import BARRIER, CONTACT_CHOICES, FLAG, KIND, Service, TaxonomyTerm
from referrals.search import SearchCriteria

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
    terms = TaxonomyTerm.objects.filter(taxonomy=taxonomy).order_by("name")
    return [(str(getattr(term, key)), term.name) for term in terms]


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_choice: list[tuple[str, Any]] = [("", _("Any"))]
        choice_field(self, "need").choices = any_choice + term_choices(KIND)
        choice_field(self, "language").choices = any_choice + [
            (code, label) for code, label in Case.Language.choices if code != "other"
        ]
        choice_field(self, "barriers").choices = term_choices(BARRIER)
        choice_field(self, "flags").choices = term_choices(FLAG)

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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "barriers").choices = term_choices(BARRIER)


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def staff_for(case: Case) -> list[User]:
    """Who may be responsible for a follow-up: the facility's clinicians and supervisors."""
    staff = User.objects.filter(is_active=True, facility_id=case.facility_id).filter(
        groups__name__in=["clinician", "supervisor"]
    )
    return list(staff.distinct().order_by("first_name", "username"))


class ResponsibleField(forms.TypedChoiceField):
    """A choice among people read once per page (not once per form), returning the user."""

    def __init__(self, staff: list[User]) -> None:
        self.people = {person.pk: person for person in staff}
        choices = [("", "—")] + [(person.pk, person.display_name) for person in staff]
        super().__init__(
            choices=choices,
            coerce=lambda value: self.people[int(value)],
            empty_value=None,
            required=False,
            label=_("Who follows up"),
        )

    def valid_value(self, value: Any) -> bool:
        return str(value) in {str(pk) for pk in self.people}


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

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
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

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
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


def _codes(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))


class ServiceForm(forms.ModelForm):
    """The administrator's editor for one directory entry."""

    organization_name = forms.CharField(label=_("Organisation"), max_length=300)
    phone = forms.CharField(label=_("Phone"), max_length=60, required=False)
    text_number = forms.CharField(label=_("Text (SMS) number"), max_length=60, required=False)
    languages = forms.CharField(
        label=_("Languages spoken"),
        required=False,
        help_text=_("Codes separated by commas, e.g. en, fr, es."),
    )
    regions = forms.CharField(
        label=_("Regions served"),
        help_text=_("Codes separated by commas, e.g. CA-ON or US (the whole country)."),
    )
    terms = forms.MultipleChoiceField(
        label=_("Kinds, flags and barriers addressed"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    always_open = forms.BooleanField(label=_("Open 24/7"), required=False)
    days = forms.MultipleChoiceField(
        label=_("Open on"), required=False, choices=DAY_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    opens_at = forms.TimeField(
        label=_("Opens at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    closes_at = forms.TimeField(
        label=_("Closes at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Service
        fields = [
            "name",
            "description",
            "alert",
            "eligibility_description",
            "minimum_age",
            "maximum_age",
            "fees_description",
            "interpretation_services",
            "application_process",
            "wait_time",
            "url",
            "email",
            "refer_by",
            "refer_needs",
            "refer_never_send",
            "consent_requirements",
            "handover_contact",
            "handover_hours",
            "protocol_reviewed_on",
            "hotline_rank",
            "screen_label",
            "is_demo",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "alert": forms.Textarea(attrs={"rows": 2}),
            "eligibility_description": forms.Textarea(attrs={"rows": 2}),
            "fees_description": forms.Textarea(attrs={"rows": 2}),
            "interpretation_services": forms.Textarea(attrs={"rows": 2}),
            "application_process": forms.Textarea(attrs={"rows": 2}),
            "refer_needs": forms.Textarea(attrs={"rows": 2}),
            "refer_never_send": forms.Textarea(attrs={"rows": 2}),
            "consent_requirements": forms.Textarea(attrs={"rows": 2}),
            "protocol_reviewed_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "terms").choices = [
            (str(term.pk), f"{term.name}")
            for term in TaxonomyTerm.objects.filter(taxonomy__in=[KIND, FLAG, BARRIER]).order_by(
                "taxonomy", "name"
            )
        ]

    def clean_regions(self) -> tuple[str, ...]:
        codes = tuple(code.upper() for code in _codes(self.cleaned_data["regions"]))
        for code in codes:
            validate_place_code(code)
        if not codes:
            raise forms.ValidationError(_("Name at least one region."))
        return codes

    def clean_languages(self) -> tuple[str, ...]:
        codes = tuple(code.lower() for code in _codes(self.cleaned_data["languages"]))
        bad = [code for code in codes if not code.isalpha() or not 2 <= len(code) <= 3]
        if bad:
            raise forms.ValidationError(
                _("Not a language code: %(codes)s") % {"codes": ", ".join(bad)}
            )
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.add_error("maximum_age", _("The maximum age is below the minimum age."))
        if not data.get("always_open") and (data.get("days") or data.get("opens_at")):
            if not (data.get("days") and data.get("opens_at") and data.get("closes_at")):
                self.add_error("closes_at", _("Give the days, the opening and the closing time."))
            elif data["opens_at"] >= data["closes_at"]:
                self.add_error("closes_at", _("Closing time must be after the opening time."))
        return data

    def edit(self) -> ServiceEdit:
        data = self.cleaned_data
        return ServiceEdit(
            columns={name: data[name] for name in self.Meta.fields},
            organization_name=data["organization_name"],
            phone=data["phone"],
            text_number=data["text_number"],
            languages=data["languages"],
            regions=data["regions"],
            terms=tuple(data["terms"]),
            hours=Hours(
                always_open=data["always_open"],
                byday=",".join(code for code, _label in DAY_CHOICES if code in data["days"]),
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
            ),
        )

    @classmethod
    def initial_for(cls, service: Service) -> dict[str, Any]:
        phones = list(service.phones.all())
        schedules = list(service.schedules.all())
        first = schedules[0] if schedules and not service.always_open else None
        return {
            "organization_name": service.organization.name if service.organization else "",
            "phone": next((p.number for p in phones if p.type in ("voice", "")), ""),
            "text_number": next((p.number for p in phones if p.type == "text"), ""),
            "languages": ", ".join(lang.code for lang in service.languages.all()),
            "regions": ", ".join(area.extent for area in service.service_areas.all()),
            # Only Harbor's own terms are edited here; a publisher's other attributes stay as
            # they are (see `actions._sync_terms`).
            "terms": [
                str(pk)
                for pk in service.attributes.filter(
                    taxonomy_term__taxonomy__in=[KIND, FLAG, BARRIER]
                ).values_list("taxonomy_term_id", flat=True)
            ],
            "always_open": service.always_open,
            "days": sorted(rules.parse_byday(first.byday)) if first else [],
            "opens_at": first.opens_at if first else None,
            "closes_at": first.closes_at if first else None,
            "version": service.version,
        }


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
