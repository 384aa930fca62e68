"""Each persona against each case URL: only the case's own team and supervisors get in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import AuditEntry, Case
from tests.cases.test_sign_in_required import ROUTES, concrete

CASE_PAGES = [
    "cases:case-detail",
    "cases:case-summary",
    "cases:edit-case",
    "cases:escalate-case",
    "screening:case-screening",
    "safety:case-safety",
    "safety:case-care",
    "safety:case-reporting",
    "referrals:case-referrals",
    "documentation:case-notes",
]
CASE_POSTS = [
    "cases:edit-case",
    "cases:escalate-case",
    "cases:resolve-escalation",
    "cases:assign-case",
]

EXPECTED_STATUS = {
    "clinician": 200,
    "supervisor": 200,
    "other_clinician": 404,
    "administrator": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("url_name", CASE_PAGES)
@pytest.mark.parametrize("persona", list(EXPECTED_STATUS))
def test_case_page_access(personas, case, persona, url_name):
    url = reverse(url_name, kwargs={"case_ref": case.ref})
    response = personas.client_for(persona).get(url)
    assert response.status_code == EXPECTED_STATUS[persona]
    if response.status_code == 200:
        assert case.ref.encode() in response.content
    else:
        assert b"Test General" not in response.content or persona == "anonymous"


@pytest.mark.parametrize("url_name", CASE_POSTS)
@pytest.mark.parametrize("persona", ["other_clinician", "administrator", "anonymous"])
def test_outsiders_cannot_change_a_case(personas, case, persona, url_name):
    url = reverse(url_name, kwargs={"case_ref": case.ref})
    response = personas.client_for(persona).post(url, {"reason": "x", "note": "x", "version": 1})
    assert response.status_code in {302, 403, 404}
    if persona == "anonymous":
        assert "login" in response["Location"]
    else:
        assert response.status_code in {403, 404}
    assert case.events.count() == 1  # only "case opened"


# Every URL of the project that names a case, phases included: a new route is in the matrix
# the moment it exists.
CASE_ROUTES = [(name, route) for name, route in ROUTES if "<str:case_ref>" in route]

# What an outsider may get, per method: refused (404 hides that the case exists; 403 tells an
# administrator plainly), or 405 when the view does not take that method at all.
OUTSIDER_STATUS = {"other_clinician": {404}, "administrator": {403}}


def test_the_matrix_covers_the_case_urls_of_every_app():
    names = {name for name, _ in CASE_ROUTES}
    assert set(CASE_PAGES) | set(CASE_POSTS) <= names
    assert {name.split(":")[0] for name in names} >= {"cases", "screening", "safety"}


@pytest.mark.parametrize(
    ("name", "route"), [pytest.param(name, route, id=name) for name, route in CASE_ROUTES]
)
@pytest.mark.parametrize("persona", list(OUTSIDER_STATUS))
def test_outsiders_are_refused_on_every_case_url(personas, case, persona, name, route):
    url = concrete(route.replace("<str:case_ref>", case.ref))
    client = personas.client_for(persona)
    statuses = {client.get(url).status_code, client.post(url, {"version": 1}).status_code}
    refused = OUTSIDER_STATUS[persona]
    assert statuses <= refused | {405}, f"{persona} got {statuses} on {url}"
    assert statuses & refused, f"{url} never reached the case lookup"
    case.refresh_from_db()
    assert case.version == 1 and case.events.count() == 1
    assert not AuditEntry.objects.filter(case=case, action=AuditEntry.Action.CASE_VIEW).exists()


def test_a_case_assigned_to_a_clinician_of_another_unit_becomes_visible_to_them(personas, case):
    client = personas.client_for("other_clinician")
    assert client.get(case.get_absolute_url()).status_code == 404
    response = personas.client_for("supervisor").post(
        reverse("cases:assign-case", kwargs={"case_ref": case.ref}),
        {"to": personas.other_clinician.pk, "version": case.version},
    )
    assert response.status_code == 302
    assert client.get(case.get_absolute_url()).status_code == 200


def test_unknown_reference_is_404_even_for_a_supervisor(personas):
    response = personas.client_for("supervisor").get("/cases/zzzzz-zzzzz/")
    assert response.status_code == 404


class TestForUser:
    def test_clinician_sees_cases_of_their_units_and_assigned_to_them(self, personas, case):
        other_unit_case = Case.objects.create(
            facility=personas.facility,
            unit=personas.maternity,
            jurisdiction="CA-ON",
            created_by=personas.other_clinician,
        )
        assigned_elsewhere = Case.objects.create(
            facility=personas.facility,
            unit=personas.maternity,
            jurisdiction="CA-ON",
            created_by=personas.other_clinician,
            assignee=personas.clinician,
        )
        visible = set(Case.objects.for_user(personas.clinician))
        assert visible == {case, assigned_elsewhere}
        assert other_unit_case in Case.objects.for_user(personas.other_clinician)

    def test_supervisor_sees_every_case_of_their_facility_only(self, personas, case):
        from cases.models import Facility, Unit

        elsewhere = Facility.objects.create(name="Elsewhere", jurisdiction="US-NY")
        far_unit = Unit.objects.create(facility=elsewhere, name="ED")
        far_case = Case.objects.create(
            facility=elsewhere, unit=far_unit, jurisdiction="US-NY", created_by=personas.clinician
        )
        visible = set(Case.objects.for_user(personas.supervisor))
        assert case in visible
        assert far_case not in visible

    def test_administrator_sees_no_case(self, personas, case):
        assert not Case.objects.for_user(personas.administrator).exists()

    def test_inactive_user_sees_no_case(self, personas, case):
        personas.clinician.is_active = False
        assert not Case.objects.for_user(personas.clinician).exists()

    def test_anonymous_sees_no_case(self, case):
        from django.contrib.auth.models import AnonymousUser

        assert not Case.objects.for_user(AnonymousUser()).exists()
