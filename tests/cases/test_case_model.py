"""The shared case: what it records, its opaque reference, and people with several roles."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, transaction

from cases import actions
from cases.models import Case, Role
from tests.conftest import make_user

# Every field the foundation issue lists for a case, by what it means.
CASE_FIELDS = {
    "opaque reference": "ref",
    "facility": "facility",
    "unit": "unit",
    "age in years (or unknown)": "age_years",
    "jurisdiction": "jurisdiction",
    "preferred language": "preferred_language",
    "may we call": "contact_may_call",
    "may we leave a voicemail": "contact_may_leave_voicemail",
    "may we text": "contact_may_text",
    "safe times": "contact_safe_times",
    "code word": "contact_code_word",
    "do not contact": "contact_do_not_contact",
    "status": "status",
    "escalation reason": "escalation_reason",
    "escalated to whom": "escalated_to",
    "escalated when": "escalated_at",
    "assignee": "assignee",
    "version for optimistic locking": "version",
}


@pytest.mark.parametrize("field", CASE_FIELDS.values(), ids=list(CASE_FIELDS))
def test_a_case_records(field):
    assert Case._meta.get_field(field)


def test_a_case_has_a_timeline_of_events(case):
    assert [e.kind for e in case.events.all()] == ["case.opened"]


def test_age_may_be_unknown(personas):
    case = actions.open_case(
        unit=personas.emergency,
        jurisdiction="US-NY",
        age_years=None,
        preferred_language="es",
        by=personas.clinician,
    )
    assert case.age_years is None and case.age_label == "Unknown"
    assert case.facility == personas.facility


def test_the_reference_is_random_and_says_nothing_about_the_case(personas):
    refs = [
        actions.open_case(
            unit=personas.emergency,
            jurisdiction="CA-ON",
            age_years=30,
            preferred_language="en",
            by=personas.clinician,
        ).ref
        for _ in range(20)
    ]
    assert len(set(refs)) == 20
    assert all(re.fullmatch(r"[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}", ref) for ref in refs)
    # Not a counter: consecutive cases do not share a prefix the way sequential ids would.
    assert len({ref[:5] for ref in refs}) > 15


def test_the_database_refuses_do_not_contact_together_with_a_way_to_contact(case):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(contact_do_not_contact=True, contact_may_text=True)


def test_a_user_belongs_to_a_facility_and_units_and_may_hold_several_roles(personas, case):
    maternity_case = actions.open_case(
        unit=personas.maternity,
        jurisdiction="CA-ON",
        age_years=None,
        preferred_language="en",
        by=personas.other_clinician,
    )
    charge_nurse = make_user(
        "charge_nurse", personas.facility, [Role.CLINICIAN, Role.SUPERVISOR], [personas.maternity]
    )
    assert charge_nurse.is_clinician and charge_nurse.is_supervisor
    assert not charge_nurse.is_administrator
    assert list(charge_nurse.units.all()) == [personas.maternity]
    # As a supervisor they see the whole facility, not only their unit.
    assert set(Case.objects.for_user(charge_nurse)) == {case, maternity_case}
