"""The app's PostgreSQL role cannot rewrite the audit log or the timeline.

The probe, as the app's role (which then owned the tables), emptied the log three ways:
TRUNCATE, disabling its trigger, and `SET session_replication_role = replica` then DELETE.
Here the app's role (HARBOR_DB_APP_ROLE in CI; one made for the test otherwise) connects to
the test database on its own connection and tries each: all are refused. SQLite has no roles
or privileges, so these run on PostgreSQL only (CI's first run).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction

from cases.db_roles import APPEND_ONLY_TABLES, grant_app_role

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite has no database roles or privileges"
    ),
]

INSERT_AUDIT = (
    "INSERT INTO cases_auditentry (at, username, action, detail, user_agent, path) "
    "VALUES (now(), 'probe', 'auth.sign_in', '{}', '', '')"
)


def app_role() -> str:
    role = settings.HARBOR_DB_APP_ROLE or "harbor_test_app"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE ROLE {connection.ops.quote_name(role)} LOGIN")
    return role


@pytest.fixture
def as_app() -> Iterator[psycopg.Connection]:
    role = app_role()
    grant_app_role(connection, role)
    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"],
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=role,
        password=os.environ.get("HARBOR_DB_APP_PASSWORD", ""),
        autocommit=True,
    ) as conn:
        yield conn


def refused(conn: psycopg.Connection, sql: str) -> str:
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as error:
        conn.execute(sql)
    return str(error.value)


def test_the_app_role_owns_nothing(as_app):
    owned = as_app.execute(
        "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles "
        "WHERE rolname = current_user)"
    ).fetchone()
    assert owned == (0,)


def test_the_app_role_inserts_and_reads_the_audit_log(as_app):
    as_app.execute(INSERT_AUDIT)
    assert as_app.execute("SELECT username FROM cases_auditentry").fetchall() == [("probe",)]


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_truncate_is_refused(as_app, table):
    assert "permission denied" in refused(as_app, f"TRUNCATE {table}")


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_disabling_the_trigger_is_refused(as_app, table):
    assert "must be owner" in refused(as_app, f"ALTER TABLE {table} DISABLE TRIGGER ALL")


def test_session_replication_role_is_refused(as_app):
    assert "session_replication_role" in refused(as_app, "SET session_replication_role = replica")


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
@pytest.mark.parametrize("sql", ["UPDATE {table} SET at = now()", "DELETE FROM {table}"])
def test_update_and_delete_are_refused(as_app, table, sql):
    refused(as_app, sql.format(table=table))


def test_ordinary_tables_stay_writable(as_app):
    as_app.execute("UPDATE cases_facility SET name = name")
    as_app.execute("DELETE FROM django_session")


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_even_the_owner_cannot_truncate_without_saying_so(table):
    with pytest.raises(Exception, match="append-only: TRUNCATE is refused"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL harbor.allow_truncate = 'off'")
            cursor.execute(f"TRUNCATE {table} CASCADE")


def test_the_app_role_cannot_use_the_owners_escape_hatch(as_app):
    as_app.execute("SET harbor.allow_truncate = 'on'")
    refused(as_app, "TRUNCATE cases_auditentry")
