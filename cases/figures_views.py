"""Figures for supervisors: de-identified, on the page (with an SVG chart) and as CSV."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from cases import audit, figures
from cases.http import HtmxHttpRequest
from cases.models import AuditEntry, Case, Unit, User


class FiguresFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All units"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    concern = forms.ChoiceField(
        label=_("Concern"),
        required=False,
        choices=[
            ("", _("Any")),
            ("high", _("High concern")),
            ("possible", _("Possible concern")),
            ("none", _("No concern")),
            ("unassessed", _("Not assessed")),
        ],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    since = forms.DateField(
        label=_("Opened on or after"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].queryset = Unit.objects.filter(facility=user.facility)  # type: ignore[attr-defined]


def _figures(request: HtmxHttpRequest) -> tuple[FiguresFilterForm, figures.Figures | None]:
    if not request.user.is_supervisor:
        raise PermissionDenied("Only supervisors read the figures.")
    form = FiguresFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {"unit": None, "concern": "", "since": None}
    visible = Case.objects.for_user(request.user)
    cases = figures.filtered(visible, **data)
    # The same combination with each filter in turn left out: one COUNT per active filter.
    parents = [
        figures.filtered(visible, **{**data, name: EMPTY[name]}).count()
        for name, value in data.items()
        if value
    ]
    if figures.isolates(cases.count(), parents):
        return form, figures.SUPPRESSED
    return form, figures.tabulate(figures.load(cases))


EMPTY: dict[str, object] = {"unit": None, "concern": "", "since": None}


@require_GET
def figures_page(request: HtmxHttpRequest) -> HttpResponse:
    form, result = _figures(request)
    context = {
        "form": form,
        "result": result,
        "header": figures.header(),
        "bars": figures.bars(result.months) if result else [],
        "query": request.GET.urlencode(),
    }
    return render(request, "cases/figures.html", context, status=200 if result else 400)


@require_GET
def figures_csv(request: HtmxHttpRequest) -> HttpResponse:
    form, result = _figures(request)
    if result is None:
        return HttpResponse(_("Those filters could not be read."), status=400)
    with transaction.atomic():
        audit.record(AuditEntry.Action.EXPORT, user=request.user, what="figures", format="csv")
    response = HttpResponse(figures.to_csv(result), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="harbor-figures.csv"'
    return response
