"""Forms of supervisor review: the queue's unit filter and the review page's three actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import version_field
from cases.models import Unit, User


class QueueFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All units"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(facility=user.facility)  # type: ignore[attr-defined]


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ReturnForm(forms.Form):
    request = forms.CharField(
        label=_("What the clinician should do"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    version = version_field()


class SignOffForm(forms.Form):
    version = version_field()
