"""Figures for supervisors: de-identified, on the page (with an SVG chart) and as CSV."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.validators import RegexValidator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from cases import audit, figures
from cases.http import HtmxHttpRequest
from cases.models import AuditEntry, Case, Unit, User

MONTH = RegexValidator(r"^(19|20)\d\d-(0[1-9]|1[0-2])$", _("Give a month as YYYY-MM."))


class FiguresFilterForm(forms.Form):
    """Filters that select whole months of whole units, never part of one (cases.figures)."""

    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All units"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    since = forms.CharField(
        label=_("From month"),
        required=False,
        max_length=7,
        validators=[MONTH],
        widget=forms.TextInput(attrs={"type": "month", "class": "form-control form-control-sm"}),
    )
    until = forms.CharField(
        label=_("To month"),
        required=False,
        max_length=7,
        validators=[MONTH],
        widget=forms.TextInput(attrs={"type": "month", "class": "form-control form-control-sm"}),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].queryset = Unit.objects.filter(facility=user.facility)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and str(since) > str(until):
            raise forms.ValidationError(_("The first month comes after the last."))
        return data


EMPTY: dict[str, object] = {"unit": None, "since": "", "until": ""}


def _figures(request: HtmxHttpRequest) -> tuple[FiguresFilterForm, figures.Figures | None]:
    if not request.user.is_supervisor:
        raise PermissionDenied("Only supervisors read the figures.")
    form = FiguresFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else EMPTY
    cases = figures.filtered(Case.objects.for_user(request.user), **data)
    return form, figures.tabulate(figures.load(cases))


@require_GET
def figures_page(request: HtmxHttpRequest) -> HttpResponse:
    form, result = _figures(request)
    context = {
        "form": form,
        "result": result,
        "header": figures.header(),
        "table_body": figures.table_body(result) if result else "",
        "bars": figures.bars(result.months) if result else [],
        "reason_bars": figures.bars([(label, n) for _c, label, n in result.reasons])
        if result
        else [],
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
