"""Refuse TRUNCATE of the audit log and the timeline in PostgreSQL.

Row triggers (0002) do not fire on TRUNCATE. The app's role has no TRUNCATE right at all
(cases.db_roles); this trigger also stops the owner, unless the owner has deliberately set
`harbor.allow_truncate` for its session, which only the test suite does, to empty its
throw-away database between tests. Only the tables' owner (or a superuser) can pass it, so
another role setting that variable gains nothing.
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION harbor_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('harbor.allow_truncate', true) = 'on' AND pg_has_role(
        current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE'
    ) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'The % table is append-only: TRUNCATE is refused', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cases_auditentry_no_truncate
    BEFORE TRUNCATE ON cases_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION harbor_refuse_truncate();
CREATE TRIGGER cases_caseevent_no_truncate
    BEFORE TRUNCATE ON cases_caseevent
    FOR EACH STATEMENT EXECUTE FUNCTION harbor_refuse_truncate();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS cases_auditentry_no_truncate ON cases_auditentry;
DROP TRIGGER IF EXISTS cases_caseevent_no_truncate ON cases_caseevent;
DROP FUNCTION IF EXISTS harbor_refuse_truncate();
"""


def no_truncate(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL, params=None)


def allow_truncate(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_facility_version_password_audit")]

    operations = [migrations.RunPython(no_truncate, allow_truncate)]
