"""The administrators' content pages: question banks, observed signs and instruments
(edit, export as FHIR, import)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import audit
from cases.content import (
    ContentInvalid,
    import_version,
    require_administrator,
    save_version,
)
from cases.editing import edit_content
from cases.http import HtmxHttpRequest
from cases.models import AuditEntry
from cases.params import loads_json
from screening import actions, fhir, fhir_import, rules
from screening.forms import (
    BankEditor,
    ImportForm,
    InstrumentEditor,
    SignsEditor,
)
from screening.models import (
    IndicatorSet,
    Instrument,
    QuestionBank,
)
from screening.views import json_download

ADMIN_PAGE = "screening:admin-banks"

# --- Administrator editors --------------------------------------------------------------------


@require_GET
def admin_banks(request: HtmxHttpRequest) -> HttpResponse:
    require_administrator(request)
    return render_admin_banks(request, ImportForm())


def render_admin_banks(request: HtmxHttpRequest, import_form: ImportForm) -> HttpResponse:
    return render(
        request,
        "screening/admin_banks.html",
        {
            "banks": QuestionBank.objects.order_by("slug", "-version"),
            "indicator_sets": IndicatorSet.objects.order_by("slug", "-version"),
            "instruments": Instrument.objects.order_by("slug", "-version"),
            "import_form": import_form,
        },
        status=400 if import_form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def edit_bank(request: HtmxHttpRequest, bank_id: int) -> HttpResponse:
    bank = get_object_or_404(QuestionBank.for_content(QuestionBank.objects.all()), pk=bank_id)
    return edit_content(
        request, bank, BankEditor, template="screening/edit_bank.html", done=ADMIN_PAGE
    )


@require_http_methods(["GET", "POST"])
def edit_indicators(request: HtmxHttpRequest, set_id: int) -> HttpResponse:
    signs = get_object_or_404(IndicatorSet.for_content(IndicatorSet.objects.all()), pk=set_id)
    return edit_content(
        request, signs, SignsEditor, template="screening/edit_indicators.html", done=ADMIN_PAGE
    )


@require_http_methods(["GET", "POST"])
def edit_instrument(request: HtmxHttpRequest, instrument_id: int) -> HttpResponse:
    instrument = get_object_or_404(Instrument, pk=instrument_id)
    return edit_content(
        request,
        instrument,
        InstrumentEditor,
        template="screening/edit_instrument.html",
        done=ADMIN_PAGE,
    )


def _export_questionnaire(
    request: HtmxHttpRequest,
    what: str,
    content: QuestionBank | Instrument,
    questionnaire: dict[str, Any],
) -> HttpResponse:
    """Download a version of a bank or an instrument as a FHIR Questionnaire, audited."""
    audit.record(
        AuditEntry.Action.EXPORT,
        user=request.user,
        what=what,
        slug=content.slug,
        version=content.version,
    )
    return json_download(questionnaire, f"questionnaire-{content.slug}-v{content.version}.json")


@require_GET
def export_bank(request: HtmxHttpRequest, bank_id: int) -> HttpResponse:
    require_administrator(request)
    bank = get_object_or_404(QuestionBank.objects.prefetch_related("themes__questions"), pk=bank_id)
    return _export_questionnaire(
        request, "question_bank", bank, fhir.bank_to_questionnaire(bank.to_rule())
    )


@require_GET
def export_instrument(request: HtmxHttpRequest, instrument_id: int) -> HttpResponse:
    require_administrator(request)
    instrument = get_object_or_404(Instrument, pk=instrument_id)
    return _export_questionnaire(
        request, "instrument", instrument, fhir.instrument_to_questionnaire(instrument.to_rule())
    )


# Content files are a few kilobytes; anything far larger is not a questionnaire.
MAX_IMPORT_BYTES = 2_000_000


@require_POST
def import_content(request: HtmxHttpRequest) -> HttpResponse:
    """Import a FHIR Questionnaire as a bank or instrument version: all of it, or nothing."""
    require_administrator(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_admin_banks(request, form)
    upload = form.cleaned_data["file"]
    try:
        if upload.size > MAX_IMPORT_BYTES:
            raise fhir.FhirImportError(_("The file is too large to be a questionnaire."))
        try:
            resource = loads_json(upload.read())
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise fhir.FhirImportError(
                _("The file is not valid JSON (%(error)s).") % {"error": error}
            ) from error
        except RecursionError as error:
            raise fhir.FhirImportError(
                _("The file is nested too deeply to be a questionnaire.")
            ) from error
        model: type[QuestionBank] | type[Instrument]
        parsed: rules.Bank | rules.Instrument
        if form.cleaned_data["kind"] == "bank":
            model, parsed = QuestionBank, fhir_import.questionnaire_to_bank(resource)
        else:
            model, parsed = Instrument, fhir_import.questionnaire_to_instrument(resource)
        document = actions.as_document(parsed)
        if fhir_import.carries_version(resource):
            row, created = import_version(model, document, by=request.user)
        else:  # a file without a whole-number version becomes the next version
            row, created = save_version(
                model, parsed.slug, document, base_version=None, by=request.user, how="import"
            )
    except (fhir.FhirImportError, ContentInvalid) as error:
        form.add_error("file", _("Nothing was imported. %(error)s") % {"error": error})
        return render_admin_banks(request, form)
    messages.success(
        request,
        _("Imported %(content)s.") % {"content": row}
        if created
        else _("%(content)s is already loaded, with the same content.") % {"content": row},
    )
    return redirect("screening:admin-banks")
