"""Who may reassign a case: supervisors of its facility, and the current assignee handing over.

The probe: any clinician who could see a case reassigned it through a URL with no control.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases import actions
from cases.models import Case, Facility, Role, Unit
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def assign(personas, who: str, case: Case, to) -> int:
    return (
        personas.client_for(who)
        .post(
            reverse("cases:assign-case", args=[case.ref]),
            {"to": to.pk, "version": case.version},
        )
        .status_code
    )


def test_a_supervisor_assigns_and_it_is_on_the_timeline(personas, case):
    assert assign(personas, "supervisor", case, personas.other_clinician) == 302
    case.refresh_from_db()
    assert case.assignee == personas.other_clinician
    event = case.events.get(kind="case.assigned")
    assert event.payload == {"to": personas.other_clinician.pk, "previous": personas.clinician.pk}


def test_the_assignee_hands_over(personas, case):
    assert assign(personas, "clinician", case, personas.other_clinician) == 302
    case.refresh_from_db()
    assert case.assignee == personas.other_clinician


def test_a_clinician_who_sees_the_case_but_is_not_its_assignee_may_not(personas, case):
    colleague = make_user("colleague", personas.facility, [Role.CLINICIAN], [personas.emergency])
    Case.objects.filter(pk=case.pk).update(assignee=personas.other_clinician)
    case.refresh_from_db()
    client = personas.client_for("clinician")
    for who in (personas.clinician, colleague):
        client.force_login(who)
        response = client.post(
            reverse("cases:assign-case", args=[case.ref]),
            {"to": who.pk, "version": case.version},
        )
        assert response.status_code == 403
    case.refresh_from_db()
    assert case.assignee == personas.other_clinician


@pytest.mark.parametrize(("who", "status"), [("administrator", 403), ("anonymous", 302)])
def test_administrators_and_anonymous_may_not(personas, case, who, status):
    assert assign(personas, who, case, personas.other_clinician) == status
    case.refresh_from_db()
    assert case.assignee == personas.clinician


def test_a_supervisor_of_another_facility_may_not(personas, case):
    other = Facility.objects.create(name="Elsewhere", jurisdiction="US-NY")
    Unit.objects.create(facility=other, name="ER")
    their_supervisor = make_user("their_supervisor", other, [Role.SUPERVISOR], [])
    client = personas.client_for("anonymous")
    client.force_login(their_supervisor)
    response = client.post(
        reverse("cases:assign-case", args=[case.ref]),
        {"to": personas.other_clinician.pk, "version": case.version},
    )
    assert response.status_code == 404
    assert not actions.may_assign(case, their_supervisor)


@pytest.mark.parametrize(
    ("who", "shown"),
    [("supervisor", True), ("clinician", True), ("other_clinician", False)],
)
def test_the_control_is_on_the_case_page_for_those_who_may_assign(personas, case, who, shown):
    if who == "other_clinician":
        # Visible to them through another route (assigned elsewhere), yet not theirs to hand on.
        colleague = make_user(
            "colleague", personas.facility, [Role.CLINICIAN], [personas.emergency]
        )
        client = personas.client_for("anonymous")
        client.force_login(colleague)
    else:
        client = personas.client_for(who)
    page = client.get(case.get_absolute_url()).content.decode()
    assert ('action="' + reverse("cases:assign-case", args=[case.ref]) + '"' in page) is shown
    if shown:
        assert 'name="version" value="1"' in page
        assert ">Other_Clinician<" in page  # a clinician of the facility to choose


def test_a_stale_assignment_is_refused(personas, case):
    actions.escalate_case(case, reason="x", to=None, by=personas.clinician)  # moves the version
    response = personas.client_for("supervisor").post(
        reverse("cases:assign-case", args=[case.ref]),
        {"to": personas.other_clinician.pk, "version": 1},
        follow=True,
    )
    assert "it was not reassigned" in response.content.decode()
    case.refresh_from_db()
    assert case.assignee == personas.clinician
