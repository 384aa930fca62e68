"""Two simultaneous writes, one after the other at the database: one wins, the other is refused.

Each test runs two real requests on two threads (each with its own database connection). The
first is held inside its transaction for a moment, at the point every write passes (its audit
entry), so the second arrives while the first is still uncommitted: exactly the window the
probe used (two "start screening" requests opened two screenings, 10 times out of 10). The
tests run on SQLite too: there, a write transaction takes the database's write lock up front
(`transaction_mode` IMMEDIATE), which serialises the same way; PostgreSQL (CI) exercises the
row locks themselves.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases import actions, audit
from cases.models import Case, Facility, Role
from screening.models import Screening
from tests.conftest import Personas, make_user

pytestmark = pytest.mark.django_db(transaction=True)

HOLD_SECONDS = 0.5
# Set when the first writer is inside its transaction, holding whatever it locked.
first_is_writing = threading.Event()
GATE_MET = {
    "patient_alone": "on",
    "separation_method": "routine-procedure",
    "separation_note": "",
    "interpreter": "not-needed",
    "confidentiality_explained": "on",
    "patient_agreed": "on",
}


@pytest.fixture
def slow_first_writer(monkeypatch) -> None:
    """The thread named "first" pauses after each audit entry, inside its transaction."""
    original = audit.record

    def held(*args: Any, **kwargs: Any) -> Any:
        entry = original(*args, **kwargs)
        if threading.current_thread().name == "first":
            first_is_writing.set()
            time.sleep(HOLD_SECONDS)
        return entry

    first_is_writing.clear()
    monkeypatch.setattr(audit, "record", held)


def race(first: Callable[[], Any], second: Callable[[], Any]) -> tuple[Any, Any]:
    """Run `first`, and `second` a moment later while `first` is still in its transaction."""
    results: dict[str, Any] = {}

    def run(name: str, call: Callable[[], Any]) -> None:
        try:
            results[name] = call()
        except Exception as error:  # noqa: BLE001 - reported to the test below
            results[name] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("first", first), name="first"),
        threading.Thread(target=run, args=("second", second), name="second"),
    ]
    threads[0].start()
    assert first_is_writing.wait(timeout=10), "the first request never reached its write"
    threads[1].start()
    for thread in threads:
        thread.join(timeout=30)
    return results["first"], results["second"]


def poster(personas: Personas, who: str, url: str, data: dict[str, Any]) -> Callable[[], Any]:
    client = personas.client_for(who)
    return lambda: client.post(url, data)


@pytest.fixture
def screening_content(personas) -> Iterator[None]:
    call_command("load_screening_content", stdout=StringIO())
    yield


def test_two_simultaneous_starts_open_one_screening(
    personas, case, screening_content, slow_first_writer
):
    url = reverse("screening:start-screening", args=[case.ref])
    first, second = race(
        poster(personas, "clinician", url, GATE_MET),
        poster(personas, "supervisor", url, GATE_MET),
    )
    assert first.status_code == second.status_code == 302
    assert Screening.objects.filter(case=case).count() == 1
    assert case.events.filter(kind="screening.gate_met").count() == 1


def test_not_screened_at_the_same_time_as_a_start_leaves_one_screening(
    personas, case, screening_content, slow_first_writer
):
    not_screened = {"reason": "patient_declined", "note": "", "universal_education_offered": "on"}
    first, second = race(
        poster(
            personas, "clinician", reverse("screening:start-screening", args=[case.ref]), GATE_MET
        ),
        poster(
            personas,
            "supervisor",
            reverse("screening:not-screened", args=[case.ref]),
            not_screened,
        ),
    )
    assert first.status_code == second.status_code == 302
    assert list(Screening.objects.filter(case=case).values_list("status", flat=True)) == [
        Screening.Status.IN_PROGRESS
    ]


def test_two_escalations_from_the_same_version_keep_the_first_reason(
    personas, case, slow_first_writer
):
    url = reverse("cases:escalate-case", args=[case.ref])
    first, second = race(
        poster(personas, "clinician", url, {"reason": "Companion answers for her", "version": 1}),
        poster(personas, "supervisor", url, {"reason": "Second thoughts", "version": 1}),
    )
    assert first.status_code == 302
    assert second.status_code == 409
    assert "Second thoughts" in second.content.decode()  # what they typed is kept
    case.refresh_from_db()
    assert case.escalation_reason == "Companion answers for her"


def test_escalating_again_keeps_the_first_reason_on_the_case_and_timeline(personas, case):
    client = personas.client_for("clinician")
    url = reverse("cases:escalate-case", args=[case.ref])
    client.post(url, {"reason": "Companion answers for her", "version": 1})
    client.post(url, {"reason": "She asked for help", "version": 2})
    case.refresh_from_db()
    assert case.escalation_reason == (
        "She asked for help. Earlier reason: Companion answers for her"
    )
    summaries = list(case.events.filter(kind="case.escalated").values_list("summary", flat=True))
    assert any("Companion answers for her" in s for s in summaries)
    assert any("She asked for help" in s for s in summaries)


def test_a_threat_arriving_while_an_escalation_is_resolved_is_not_cleared_unread(
    personas, case, slow_first_writer
):
    actions.escalate_case(case, reason="Worried", to=None, by=personas.clinician)
    seen_version = Case.objects.get(pk=case.pk).version
    first, second = race(
        poster(personas, "clinician", reverse("safety:report-threat", args=[case.ref]), {}),
        poster(
            personas,
            "supervisor",
            reverse("cases:resolve-escalation", args=[case.ref]),
            {"note": "Reviewed", "version": seen_version},
        ),
    )
    assert first.status_code == second.status_code == 302
    case.refresh_from_db()
    assert case.is_escalated
    assert case.escalation_reason.startswith("Threatening behaviour reported")
    assert not case.events.filter(kind="case.escalation_resolved").exists()


def test_two_assignments_from_the_same_version_one_wins(personas, case, slow_first_writer):
    second_supervisor = make_user("supervisor2", personas.facility, [Role.SUPERVISOR], [])
    url = reverse("cases:assign-case", args=[case.ref])
    other = Client()
    other.force_login(second_supervisor)
    first, second = race(
        poster(personas, "supervisor", url, {"to": personas.other_clinician.pk, "version": 1}),
        lambda: other.post(url, {"to": personas.clinician.pk, "version": 1}),
    )
    assert first.status_code == second.status_code == 302
    case.refresh_from_db()
    assert case.assignee == personas.other_clinician
    assert case.events.filter(kind="case.assigned").count() == 1


def test_facility_settings_saved_from_an_older_form_do_not_overwrite(personas, slow_first_writer):
    second_admin = make_user("administrator2", personas.facility, [Role.ADMINISTRATOR], [])
    url = reverse("cases:facility-settings")
    base = {"name": "Test General", "jurisdiction": "CA-ON", "emergency_phone": "911"}
    other = Client()
    other.force_login(second_admin)
    first, second = race(
        poster(
            personas, "administrator", url, {**base, "security_phone": "ext. 1111", "version": 1}
        ),
        lambda: other.post(url, {**base, "security_phone": "ext. 2222", "version": 1}),
    )
    assert first.status_code == 302
    assert second.status_code == 409
    page = second.content.decode()
    assert "Someone saved these settings after you opened them" in page
    assert "ext. 2222" in page  # their entry is kept in the form
    facility = Facility.objects.get(pk=personas.facility.pk)
    assert (facility.security_phone, facility.version) == ("ext. 1111", 2)
