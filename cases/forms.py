from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from cases import audit
from cases.actions import EDITABLE_FIELDS
from cases.jurisdictions import JurisdictionField
from cases.models import AuditEntry, Case, Facility, Role, Unit, User
from cases.translations import offered_languages


def version_field() -> forms.IntegerField:
    """The version the user's page showed; a save against an older one is refused."""
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


def read_choices_once(form: forms.BaseForm, *names: str) -> None:
    """Read each named field's choices (a query for the rule table's places or the languages
    list) once for this form: a callable is otherwise called again on every pass over them,
    rendering and validating included."""
    for name in names:
        field = cast(forms.ChoiceField, form.fields[name])
        choices: Any = field.choices
        field.choices = list(choices)


class StartCaseForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), empty_label=None)
    ward_label = Case._meta.get_field("ward_label").formfield()
    age_years = forms.IntegerField(
        label=_("Age in years"),
        min_value=0,
        max_value=125,
        required=False,
        help_text=_("Leave empty if unknown. You can add it later."),
    )
    jurisdiction = JurisdictionField()
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=offered_languages)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = user.units.order_by("name")
        read_choices_once(self, "jurisdiction", "preferred_language")
        if user.facility is not None:
            self.fields["jurisdiction"].initial = user.facility.jurisdiction


class CaseDetailsForm(forms.ModelForm):
    version = version_field()
    # The same field and validation as when the case was started.
    jurisdiction = JurisdictionField()
    # The administrators' list of languages, read when the form is built.
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=offered_languages)

    class Meta:
        model = Case
        fields = list(EDITABLE_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        read_choices_once(self, "jurisdiction", "preferred_language")

    def validate_constraints(self) -> None:
        # Case.clean already says, in a clinician's words, what the database constraint
        # guards; the constraint's own message would repeat it under its internal name.
        if not self.errors:
            super().validate_constraints()

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("What the supervisor needs to know first."),
    )
    to = forms.ModelChoiceField(
        label=_("Supervisor"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Any supervisor on duty"),
    )
    version = version_field()

    def __init__(self, *args: Any, facility: Facility | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["to"]).queryset = User.objects.filter(
            facility=facility, groups__name=Role.SUPERVISOR, is_active=True
        ).order_by("last_name", "username")


class ResolveEscalationForm(forms.Form):
    note = forms.CharField(
        label=_("Review note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    version = version_field()


class AssignForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Assign to"), queryset=User.objects.none())
    version = version_field()

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["to"]).queryset = (
            User.objects.filter(facility=case.facility, groups__name=Role.CLINICIAN, is_active=True)
            .distinct()
            .order_by("last_name", "username")
        )


class FacilitySettingsForm(forms.ModelForm):
    jurisdiction = JurisdictionField(help_text=_("New cases start with it."))
    version = version_field()

    class Meta:
        model = Facility
        fields = [
            "name",
            "jurisdiction",
            "security_phone",
            "emergency_phone",
            "open_case_alert_days",
            "retention_days",
        ]


class LineCalledForm(forms.Form):
    phone = forms.RegexField(regex=r"^[0-9+()./ -]{2,40}$", max_length=40)


class CaseListFilterForm(forms.Form):
    """The clinician's home: narrow the list to one unit, or find a case by label or reference."""

    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All my units"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    q = forms.CharField(
        label=_("Find by ward label or reference"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "type": "search"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = cast(forms.ModelChoiceField, self.fields["unit"])  # declared so above
        unit.queryset = user.units.order_by("name")


class LanguageForm(forms.Form):
    """The header's language switch: one of the interface languages, and where to go back to
    (checked by Django's `set_language`, which refuses another site's address)."""

    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(max_length=2000, required=False)


class NameLengthMixin:
    """For Django's sign-in forms: refuse a name longer than any account can have.

    Django sets the username field's max_length after its validators are built, so a
    300-character name reached authenticate() and overflowed django-axes' record of the
    attempt (a 500, and nothing in Harbor's log). Now it is refused, and audited, first.
    """

    cleaned_data: dict[str, Any]

    def clean_username(self) -> str:
        username = self.cleaned_data.get("username") or ""
        limit = User._meta.get_field("username").max_length or 150
        if len(username) > limit:
            audit.record(
                AuditEntry.Action.SIGN_IN_FAILED,
                user=None,
                username=username[:limit],
                refused="name_too_long",
            )
            raise forms.ValidationError(
                _("User names have at most %(limit)d characters."), params={"limit": limit}
            )
        return username


class SignInForm(NameLengthMixin, AuthenticationForm):
    pass


class AdminSignInForm(NameLengthMixin, AdminAuthenticationForm):
    pass
