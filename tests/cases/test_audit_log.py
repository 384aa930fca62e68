"""Every case view and change is audited; the audit log cannot be changed through the app."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from cases import audit
from cases.models import AuditEntry, CaseEvent


def entries(case, action):
    return AuditEntry.objects.filter(case=case, action=action)


def test_opening_a_case_is_audited_as_a_creation_and_a_change(case, personas):
    assert entries(case, AuditEntry.Action.CASE_CREATE).get().user == personas.clinician
    assert entries(case, AuditEntry.Action.CASE_CHANGE).get().detail["event"] == "case.opened"


@pytest.mark.parametrize("persona", ["clinician", "supervisor"])
def test_each_case_view_writes_who_what_and_from_where(personas, case, persona):
    client = personas.client_for(persona)
    client.get(case.get_absolute_url(), REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="WardPC")
    client.get(reverse("screening:case-screening", kwargs={"case_ref": case.ref}))
    views = list(entries(case, AuditEntry.Action.CASE_VIEW).order_by("at", "pk"))
    assert [v.detail["part"] for v in views] == ["overview", "screening"]
    assert views[0].user == getattr(personas, persona)
    assert views[0].ip_address == "10.1.2.3"
    assert views[0].user_agent == "WardPC"
    assert views[0].path == case.get_absolute_url()


def test_a_refused_view_is_not_recorded_as_a_view(personas, case):
    personas.client_for("other_clinician").get(case.get_absolute_url())
    assert not entries(case, AuditEntry.Action.CASE_VIEW).exists()


def test_a_change_writes_timeline_and_audit_in_one_go(personas, case):
    client = personas.client_for("clinician")
    client.post(
        reverse("cases:escalate-case", kwargs={"case_ref": case.ref}),
        {"reason": "Companion would not leave the room", "version": case.version},
    )
    event = CaseEvent.objects.get(case=case, kind="case.escalated")
    entry = entries(case, AuditEntry.Action.CASE_CHANGE).get(detail__event="case.escalated")
    assert event.by == entry.user == personas.clinician


def test_forwarded_address_is_ignored_unless_trusted(personas, case, settings):
    client = personas.client_for("clinician")
    client.get(case.get_absolute_url(), REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert entries(case, AuditEntry.Action.CASE_VIEW).get().ip_address == "10.0.0.9"
    settings.HARBOR_TRUST_X_FORWARDED_FOR = True
    client.get(case.get_absolute_url(), REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="10.7.7.7")
    assert entries(case, AuditEntry.Action.CASE_VIEW).latest("pk").ip_address == "10.7.7.7"


def test_sign_in_failed_sign_in_and_sign_out_are_audited(personas, client):
    where = {"REMOTE_ADDR": "10.4.4.4", "HTTP_USER_AGENT": "WardPC"}
    client.post(reverse("login"), {"username": "clinician", "password": "wrong"}, **where)
    failed = AuditEntry.objects.get(action=AuditEntry.Action.SIGN_IN_FAILED)
    assert failed.username == "clinician"
    assert "wrong" not in str(failed.detail)

    client.post(
        reverse("login"),
        {"username": "clinician", "password": "correct-horse-battery-staple"},
        **where,
    )
    signed_in = AuditEntry.objects.get(action=AuditEntry.Action.SIGN_IN)
    client.post(reverse("logout"), **where)
    signed_out = AuditEntry.objects.get(action=AuditEntry.Action.SIGN_OUT)
    for entry in (failed, signed_in, signed_out):
        assert entry.at is not None
        assert (entry.ip_address, entry.user_agent) == ("10.4.4.4", "WardPC")
    assert signed_in.user == signed_out.user == personas.clinician


class TestAppendOnly:
    def test_an_entry_cannot_be_saved_again(self, case):
        entry = AuditEntry.objects.filter(case=case).first()
        entry.action = AuditEntry.Action.CASE_VIEW
        with pytest.raises(PermissionError):
            entry.save()

    def test_an_entry_cannot_be_deleted(self, case):
        entry = AuditEntry.objects.filter(case=case).first()
        with pytest.raises(PermissionError):
            entry.delete()

    def test_bulk_update_and_delete_are_refused(self, case):
        with pytest.raises(PermissionError):
            AuditEntry.objects.filter(case=case).update(username="someone else")
        with pytest.raises(PermissionError):
            AuditEntry.objects.filter(case=case).delete()
        assert AuditEntry.objects.filter(case=case).count() == 2

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger is PostgreSQL-only")
    @pytest.mark.parametrize("table", ["cases_auditentry", "cases_caseevent"])
    @pytest.mark.parametrize("statement", ["UPDATE {table} SET at = now()", "DELETE FROM {table}"])
    def test_the_database_refuses_raw_updates_and_deletes(self, case, table, statement):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement.format(table=table))

    def test_deleting_a_user_cannot_take_their_entries_with_it(self, personas):
        # The administrator has no case or timeline rows: only the audit entry holds them.
        audit.record(AuditEntry.Action.SIGN_IN, user=personas.administrator)
        with pytest.raises(ProtectedError), transaction.atomic():
            personas.administrator.delete()
        assert AuditEntry.objects.filter(user=personas.administrator).count() == 1

    def test_the_audit_log_is_not_in_the_admin(self, personas):
        from django.contrib import admin

        from cases.models import Case

        registered = admin.site._registry
        assert AuditEntry not in registered
        assert CaseEvent not in registered
        assert Case not in registered


class TestAccessLog:
    def url(self, case):
        return reverse("cases:case-access-log", kwargs={"case_ref": case.ref})

    def test_supervisor_reads_who_viewed_the_case(self, personas, case):
        personas.client_for("clinician").get(case.get_absolute_url(), REMOTE_ADDR="10.9.8.7")
        page = personas.client_for("supervisor").get(self.url(case)).content.decode()
        assert "Clinician" in page and "Viewed a case" in page and "10.9.8.7" in page

    @pytest.mark.parametrize(
        ("persona", "status"),
        [("clinician", 403), ("other_clinician", 404), ("administrator", 403), ("anonymous", 302)],
    )
    def test_nobody_else_reads_it(self, personas, case, persona, status):
        assert personas.client_for(persona).get(self.url(case)).status_code == status

    def test_its_query_count_does_not_grow_with_entries(
        self, personas, case, django_assert_max_num_queries
    ):
        clinician = personas.client_for("clinician")
        for _ in range(20):
            clinician.get(case.get_absolute_url())
        supervisor = personas.client_for("supervisor")
        with django_assert_max_num_queries(10):
            supervisor.get(self.url(case))
