"""A change to a case writes its columns and its next version in one UPDATE, and the version
check stays on it: a save from an older version is refused, whoever writes first."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import actions
from cases.content import StaleVersion
from cases.models import AuditEntry, Case, CaseEvent


def case_updates(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "cases_case"')]


def test_assigning_writes_the_case_once_and_moves_its_version(personas, case):
    with CaptureQueriesContext(connection) as queries:
        actions.assign_case(
            case, to=personas.other_clinician, by=personas.supervisor, base_version=case.version
        )
    assert len(case_updates(queries)) == 1
    stored = Case.objects.get(pk=case.pk)
    assert (stored.assignee, stored.version) == (personas.other_clinician, 2)
    assert (case.version, case.updated_at) == (stored.version, stored.updated_at)
    assert CaseEvent.objects.filter(case=case, kind="case.assigned").count() == 1
    assert AuditEntry.objects.filter(case=case, action="case.change").count() == 2  # open, assign


def test_escalating_twice_moves_the_version_each_time(personas, case):
    with CaptureQueriesContext(connection) as queries:
        actions.escalate_case(case, reason="First", to=None, by=personas.clinician)
    assert len(case_updates(queries)) == 1
    actions.escalate_case(case, reason="Second", to=None, by=personas.clinician)
    stored = Case.objects.get(pk=case.pk)
    assert stored.version == case.version == 3
    assert stored.escalation_reason == "Second. Earlier reason: First"


def test_editing_details_and_closing_is_one_update(personas, case):
    changes = {name: getattr(case, name) for name in actions.EDITABLE_FIELDS}
    changes.update(ward_label="Bay 4", status=Case.Status.CLOSED)
    with CaptureQueriesContext(connection) as queries:
        changed = actions.update_case(case, changes, base_version=1, by=personas.clinician)
    assert changed == ["status"]  # a closed case keeps no ward label: none was set
    assert len(case_updates(queries)) == 1
    stored = Case.objects.get(pk=case.pk)
    assert stored.status == Case.Status.CLOSED and stored.closed_at is not None
    assert stored.ward_label == "" and stored.version == 2


@pytest.mark.parametrize("base_version", [0, 2])
def test_a_save_from_another_version_is_refused_and_changes_nothing(personas, case, base_version):
    with pytest.raises(StaleVersion) as refused:
        actions.assign_case(
            case, to=personas.other_clinician, by=personas.supervisor, base_version=base_version
        )
    assert refused.value.current.version == 1
    stored = Case.objects.get(pk=case.pk)
    assert stored.assignee == personas.clinician and stored.version == 1


def test_bump_version_refuses_a_stale_base_in_the_update_itself(case):
    Case.objects.filter(pk=case.pk).update(version=5)  # someone saved meanwhile
    with pytest.raises(StaleVersion) as refused:
        actions.bump_version(case, base_version=1, ward_label="Bay 9")
    assert refused.value.current.version == 5
    assert Case.objects.get(pk=case.pk).ward_label == ""
