"""An optional brief instrument: offered when it fits the patient's age, scored by its rule."""

from __future__ import annotations

import re

from django.urls import reverse

from screening.models import Instrument, InstrumentResponse


def test_the_demo_instrument_is_offered_for_an_adult_and_scored(personas, screening):
    case = screening.case
    client = personas.client_for("clinician")
    page = client.get(reverse("screening:case-screening", args=[case.ref])).content.decode()
    assert "Optional: Brief screen (demo)" in page
    assert "Demo, not validated" in page
    instrument = Instrument.objects.get()
    prefix = f"instrument-{instrument.pk}"
    response = client.post(
        reverse("screening:save-instrument", args=[case.ref, instrument.pk]),
        {f"{prefix}-afraid-of-someone-now": "yes", f"{prefix}-someone-keeps-id-or-money": "no"},
    )
    assert response.status_code == 302
    saved = InstrumentResponse.objects.get()
    assert saved.answers["afraid-of-someone-now"] is True
    assert saved.answers["needs-permission-to-leave"] is None
    page = client.get(reverse("screening:case-screening", args=[case.ref])).content.decode()
    assert re.search(r"Result:\s*positive", page)


def test_the_instrument_is_not_offered_outside_its_age_range(personas, content):
    from cases import actions as case_actions
    from screening import actions

    teen = case_actions.open_case(
        unit=personas.emergency,
        jurisdiction="CA-ON",
        age_years=15,
        preferred_language="en",
        by=personas.clinician,
    )
    actions.start_screening(
        teen,
        actions.Gate(
            separation_method="routine-procedure", separation_note="", interpreter="not-needed"
        ),
        by=personas.clinician,
    )
    client = personas.client_for("clinician")
    page = client.get(reverse("screening:case-screening", args=[teen.ref])).content.decode()
    assert "Brief screen (demo)" not in page
    instrument = Instrument.objects.get()
    response = client.post(reverse("screening:save-instrument", args=[teen.ref, instrument.pk]), {})
    assert response.status_code == 404
