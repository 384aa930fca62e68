from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from cases.http import HtmxHttpRequest
from cases.shell import get_case_for, render_case_tab


@require_GET
def case_notes(request: HtmxHttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    return render_case_tab(request, case, "documentation/case_notes.html", tab="notes")
