"""`get_case_for` reads the case from SQL written once per kind of user (cases.shell): it must
allow and refuse exactly the cases `Case.objects.for_user` does, for every kind of user, and
give the same case with the same facility, unit and assignee as select_related would."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from cases import actions
from cases.models import Case, Facility, Role, Unit, User
from cases.shell import case_tabs, case_url, get_case_for, visible_case
from tests.conftest import make_user


def fresh(user: User) -> User:
    """The user as a request has it: roles read anew (role_names is cached per instance)."""
    user = User.objects.get(pk=user.pk)
    assert user.role_names is not None  # read now, as the sign-in backend reads them
    return user


@pytest.fixture
def world(personas):
    """Cases on both units, one assigned across units, and one at another facility; and people
    of every kind, including mixed roles, a supervisor with no facility and an inactive one."""
    other_facility = Facility.objects.create(name="Elsewhere", jurisdiction="CA-QC")
    elsewhere = Unit.objects.create(facility=other_facility, name="Elsewhere ward")

    def open_on(unit: Unit, by: User, label: str) -> Case:
        return actions.open_case(
            unit=unit,
            jurisdiction="CA-ON",
            age_years=30,
            preferred_language="fr",
            ward_label=label,
            by=by,
        )

    on_emergency = open_on(personas.emergency, personas.clinician, "bed 1")
    # Opening a case assigns it to its opener: this one is left with nobody assigned, so the
    # clinician sees it through their unit alone.
    Case.objects.filter(pk=on_emergency.pk).update(assignee=None)
    on_maternity = open_on(personas.maternity, personas.other_clinician, "bed 2")
    assigned = open_on(personas.maternity, personas.other_clinician, "bed 3")
    actions.assign_case(
        assigned, to=personas.clinician, by=personas.supervisor, base_version=assigned.version
    )
    far = make_user("far", other_facility, [Role.CLINICIAN, Role.SUPERVISOR], [elsewhere])
    far_case = open_on(elsewhere, far, "bed 4")
    both = make_user("both", personas.facility, [Role.CLINICIAN, Role.SUPERVISOR], [])
    clinician_admin = make_user(
        "clinician_admin", personas.facility, [Role.CLINICIAN, Role.ADMINISTRATOR], [elsewhere]
    )
    no_facility = make_user("no_facility", personas.facility, [Role.SUPERVISOR], [])
    User.objects.filter(pk=no_facility.pk).update(facility=None)
    inactive = make_user("inactive", personas.facility, [Role.CLINICIAN], [personas.emergency])
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    nobody = make_user("nobody", personas.facility, [], [personas.emergency])
    people = [
        personas.clinician,
        personas.other_clinician,
        personas.supervisor,
        personas.administrator,
        far,
        both,
        clinician_admin,
        no_facility,
        inactive,
        nobody,
    ]
    cases = [on_emergency, on_maternity, assigned, far_case]
    return [fresh(person) for person in people], cases


def test_the_same_cases_as_for_user_for_every_kind_of_user(world):
    people, cases = world
    allowed = 0
    for person in [*people, AnonymousUser()]:
        for case in cases:
            expected = Case.objects.for_user(person).filter(ref=case.ref).first()
            got = visible_case(person, case.ref)
            assert (got is None) == (expected is None), (person, case.ward_label)
            allowed += got is not None
    # Not a vacuous comparison: some cases are seen and some refused.
    assert 0 < allowed < (len(people) + 1) * len(cases)


def test_the_case_and_what_is_read_with_it_are_those_of_select_related(world):
    people, cases = world
    clinician = people[0]
    assigned = cases[2]
    got = visible_case(clinician, assigned.ref)
    expected = Case.objects.select_related("facility", "unit", "assignee").get(pk=assigned.pk)
    assert got is not None

    def values(instance):
        return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.fields}

    assert values(got) == values(expected)
    with CaptureQueriesContext(connection) as queries:
        assert values(got.facility) == values(expected.facility)
        assert values(got.unit) == values(expected.unit)
        assert values(got.assignee) == values(expected.assignee)
    assert not queries.captured_queries  # read with the case, as select_related does
    # A case with nobody assigned: the assignee is known to be nobody, without a query.
    unassigned = visible_case(clinician, cases[0].ref)
    with CaptureQueriesContext(connection) as queries:
        assert unassigned is not None
        assert unassigned.assignee is None
    assert not queries.captured_queries
    # A model instance the ORM can save again (not a copy that thinks it is new).
    assert got._state.adding is False
    assert got._state.db == "default"


def test_get_case_for_is_one_query_and_refuses_as_before(world, personas):
    people, cases = world
    request = RequestFactory().get("/")
    request.user = people[0]
    with CaptureQueriesContext(connection) as queries:
        assert get_case_for(request, cases[0].ref).pk == cases[0].pk
    assert len(queries.captured_queries) == 1
    with pytest.raises(Http404):
        get_case_for(request, cases[1].ref)  # the other unit's case
    with pytest.raises(Http404):
        get_case_for(request, cases[3].ref)  # another facility's
    with pytest.raises(Http404):
        get_case_for(request, "no-such-ref")
    request.user = fresh(personas.administrator)
    with pytest.raises(PermissionDenied):
        get_case_for(request, cases[0].ref)


def test_a_change_of_units_shows_at_once(world, personas):
    """Only the SQL is kept between requests: whom a user may see is read each time."""
    people, cases = world
    clinician = people[0]
    on_maternity = cases[1]
    assert visible_case(clinician, on_maternity.ref) is None
    clinician.units.add(personas.maternity)
    assert visible_case(clinician, on_maternity.ref) is not None
    clinician.units.remove(personas.maternity, personas.emergency)
    assert visible_case(clinician, cases[0].ref) is None


def test_the_shell_urls_are_those_reverse_gives(case):
    """The tabs' and actions' URLs are reversed once per URL name and script prefix
    (cases.shell.case_url): the same as reverse() for this case, under another prefix too."""
    from django.conf import settings
    from django.urls import reverse, set_script_prefix

    names = ["cases:case-detail", *(name for _s, _l, name in settings.HARBOR_CASE_TABS)]
    names += [name for _l, name, _c in settings.HARBOR_CASE_ACTIONS]
    try:
        for prefix in ["/", "/harbor/"]:
            set_script_prefix(prefix)
            for name in names:
                expected = reverse(name, kwargs={"case_ref": case.ref})
                assert case_url(name, case.ref) == expected
                assert expected.startswith(prefix)
            assert [tab.url for tab in case_tabs(case)][1:] == [
                reverse(name, kwargs={"case_ref": case.ref})
                for _s, _l, name in settings.HARBOR_CASE_TABS
            ]
    finally:
        set_script_prefix("/")


def test_the_home_lists_are_the_orm_s_for_every_kind_of_user(world):
    """The home page's lists (cases.views.open_cases_seen_by) are for_user's open cases with
    the list columns, as the ORM read them: the same cases in the same order, each with its
    unit, assignee and escalation target and no further query."""
    from cases.models import AuditEntry
    from cases.views import last_case_of, open_cases_seen_by, returned_to

    people, cases = world
    Case.objects.filter(pk__in=[cases[1].pk, cases[2].pk]).update(
        review_status=Case.Review.RETURNED
    )
    closed = cases[3]
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED)
    for index, person in enumerate(people):
        # Each person's last view is of a case they may or may not see (then: none shown).
        for case in cases[index % 4 + 1 :] + cases[: index % 4 + 1]:
            AuditEntry.objects.create(
                action=AuditEntry.Action.CASE_VIEW, user=person, case=case, detail={"part": "x"}
            )
    seen_something = shown_last = 0
    for person in [*people, AnonymousUser()]:
        visible = Case.objects.for_user(person).open().with_list_columns()
        expected = list(visible.order_by("-updated_at")[:50])
        got = open_cases_seen_by(person, order="-updated_at") if person.is_authenticated else []
        assert [c.pk for c in got] == [c.pk for c in expected], person
        seen_something += bool(got)
        with CaptureQueriesContext(connection) as queries:
            assert [(c.unit.name, c.assignee, c.escalated_to) for c in got] == [
                (c.unit.name, c.assignee, c.escalated_to) for c in expected
            ]
        assert len(queries.captured_queries) == 0
        if not person.is_authenticated:
            continue
        expected_returned = list(
            Case.objects.for_user(person)
            .open()
            .filter(review_status=Case.Review.RETURNED)
            .with_list_columns()
            .order_by("updated_at")[:50]
        )
        assert [c.pk for c in returned_to(person)] == [c.pk for c in expected_returned]
        last_view = (
            AuditEntry.objects.filter(user=person, action=AuditEntry.Action.CASE_VIEW)
            .exclude(case=None)
            .order_by("-at", "-pk")
            .values("case_id")[:1]
        )
        expected_last = visible.filter(pk__in=last_view).first()
        assert last_case_of(person) == expected_last, person
        shown_last += expected_last is not None
    assert seen_something
    assert shown_last
