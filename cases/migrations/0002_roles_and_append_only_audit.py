"""Create the three role groups, and make the audit log and timeline append-only in PostgreSQL.

The model layer already refuses updates and deletes; the trigger also stops a direct SQL
client (or a future bug) from rewriting evidence. SQLite, used only for the local demo, keeps
the model-level guard alone.
"""

from django.db import migrations

ROLES = ("clinician", "supervisor", "administrator")

APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION harbor_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The % table is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cases_auditentry_append_only
    BEFORE UPDATE OR DELETE ON cases_auditentry
    FOR EACH ROW EXECUTE FUNCTION harbor_refuse_change();
CREATE TRIGGER cases_caseevent_append_only
    BEFORE UPDATE OR DELETE ON cases_caseevent
    FOR EACH ROW EXECUTE FUNCTION harbor_refuse_change();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS cases_auditentry_append_only ON cases_auditentry;
DROP TRIGGER IF EXISTS cases_caseevent_append_only ON cases_caseevent;
DROP FUNCTION IF EXISTS harbor_refuse_change();
"""


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL, params=None)


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(append_only, drop_append_only),
    ]
