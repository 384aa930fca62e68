"""Two PostgreSQL roles: an owner that migrates, and the app's role, which owns nothing.

The app's role may read and write the ordinary tables, but on the audit log and the timeline
only INSERT and SELECT (and UPDATE of the timeline's payload and summary, which a trigger
limits to retention's blanking of free text): it cannot otherwise UPDATE, DELETE or TRUNCATE
them, cannot disable their triggers (only an owner can), and cannot set
`session_replication_role` (only a superuser can), the three ways the probe rewrote the log
when the app owned its tables.

`grant_app_role` runs after every `migrate` (post_migrate, as the owner) when
HARBOR_DB_APP_ROLE names the app's role, so new tables get the same rights. README
"PostgreSQL roles" shows how to create both roles.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

APPEND_ONLY_TABLES = ("cases_auditentry", "cases_caseevent")


def grant_app_role(connection: BaseDatabaseWrapper, role: str) -> None:
    quoted = connection.ops.quote_name(role)
    tables = ", ".join(APPEND_ONLY_TABLES)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {quoted}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}"
        )
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}")
        cursor.execute(
            f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {tables} FROM {quoted}"
        )
        # Retention blanks a closed case's free text on its timeline: the columns it touches,
        # and only those; the trigger (cases.timeline_guard) checks what may change.
        cursor.execute(f"GRANT UPDATE (payload, summary) ON cases_caseevent TO {quoted}")


def grant_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    role = settings.HARBOR_DB_APP_ROLE
    connection = connections[using]
    if role and connection.vendor == "postgresql":
        grant_app_role(connection, role)
