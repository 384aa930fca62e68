"""What one step records ticks the matching checklist item, so nobody does it twice: the
screening gate ticks the private-conversation items (threats: see test_undo_threat.py)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from safety import actions
from safety.models import ChecklistItem
from tests.screening.conftest import GATE_MET


def private_items(case) -> dict[str, str]:
    return dict(
        ChecklistItem.objects.filter(
            checklist__case=case, checklist__slug="safe-environment"
        ).values_list("slug", "status")
    )


def test_meeting_the_gate_ticks_seeing_the_patient_alone(personas, case, content):
    call_command("load_screening_content", stdout=StringIO())
    client = personas.client_for("clinician")
    client.post(reverse("screening:start-screening", args=[case.ref]), GATE_MET)
    items = private_items(case)
    assert items["patient-alone"] == "done" and items["creative-separation"] == "done"
    assert items["watch-for-monitoring"] == "open"  # only what the gate really established
    care = client.get(reverse("safety:case-care", args=[case.ref])).content.decode()
    safety = client.get(reverse("safety:case-safety", args=[case.ref])).content.decode()
    assert "Done" in (care + safety)


def test_a_refused_gate_ticks_nothing(personas, case, content):
    call_command("load_screening_content", stdout=StringIO())
    personas.client_for("clinician").post(
        reverse("screening:start-screening", args=[case.ref]),
        {k: v for k, v in GATE_MET.items() if k != "patient_alone"},
    )
    assert private_items(case) == {}


def test_an_item_marked_not_applicable_is_left_as_it_is(personas, case, content):
    actions.set_checklist_item(
        case,
        "safe-environment",
        "patient-alone",
        status="not_applicable",
        reason="Seen by the social worker",
        base_version=0,
        by=personas.clinician,
    )
    assert actions.tick_items_for_event(case, "screening.gate_met", by=personas.clinician) == [
        "creative-separation"
    ]
    assert private_items(case)["patient-alone"] == "not_applicable"


def test_without_the_checklists_loaded_nothing_breaks(personas, case):
    assert actions.tick_items_for_event(case, "screening.gate_met", by=personas.clinician) == []


def test_other_events_tick_nothing(personas, case, content):
    assert actions.tick_items_for_event(case, "case.assigned", by=personas.clinician) == []
