from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from cases.shell import get_case_for, render_case_tab


@require_GET
def case_screening(request: HttpRequest, case_ref: str) -> HttpResponse:
    case = get_case_for(request, case_ref)
    return render_case_tab(request, case, "screening/case_screening.html", tab="screening")
