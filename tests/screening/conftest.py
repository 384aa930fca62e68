"""Screening fixtures: the shipped content loaded through its command, and screenings started
through the real actions."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from screening import actions
from screening.models import Screening

GATE_MET = {
    "patient_alone": "on",
    "separation_method": "routine-procedure",
    "separation_note": "",
    "interpreter": "not-needed",
    "confidentiality_explained": "on",
    "patient_agreed": "on",
}


@pytest.fixture
def content(db, directory) -> None:
    """The shipped screening content, with the referral directory whose lines the gate offers."""
    call_command("load_screening_content", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def screening(content, personas, case) -> Screening:
    """A screening of `case` under way: the gate was met by the clinician."""
    return actions.start_screening(
        case,
        actions.Gate(
            separation_method="routine-procedure", separation_note="", interpreter="not-needed"
        ),
        by=personas.clinician,
    )


def answer_post(answer, **fields) -> dict[str, str]:
    """The POST body of one answer row, as the browser sends it."""
    prefix = f"answer-{answer.pk}"
    data = {
        f"{prefix}-status": fields.get("status", "answered"),
        f"{prefix}-note": fields.get("note", ""),
        f"{prefix}-version": str(fields.get("version", answer.version)),
    }
    if fields.get("verbatim"):
        data[f"{prefix}-verbatim"] = "on"
    if fields.get("concern"):
        data[f"{prefix}-concern"] = "on"
    if "overwrite" in fields:
        data["overwrite"] = str(fields["overwrite"])
    return data


def sign_post(observation, **fields) -> dict[str, str]:
    prefix = f"sign-{observation.pk}"
    data = {
        f"{prefix}-note": fields.get("note", ""),
        f"{prefix}-version": str(fields.get("version", observation.version)),
    }
    if fields.get("observed", True):
        data[f"{prefix}-observed"] = "on"
    return data
