"""The timeline stays append-only, with one exception: retention may blank declared free text.

Replaces 0002's UPDATE-or-DELETE trigger on cases_caseevent (PostgreSQL) with a DELETE trigger
and a redaction-only UPDATE trigger (cases.timeline_guard, which post_migrate runs again, so the
rule follows cases.events). SQLite gets the same UPDATE rule from post_migrate alone.
"""

from django.db import migrations

RESTORE_POSTGRESQL = """
DROP TRIGGER IF EXISTS cases_caseevent_redact_only ON cases_caseevent;
DROP TRIGGER IF EXISTS cases_caseevent_no_delete ON cases_caseevent;
DROP FUNCTION IF EXISTS harbor_caseevent_redact_only();
CREATE TRIGGER cases_caseevent_append_only
    BEFORE UPDATE OR DELETE ON cases_caseevent
    FOR EACH ROW EXECUTE FUNCTION harbor_refuse_change();
"""


def install(apps, schema_editor):
    from cases import timeline_guard

    timeline_guard.install(schema_editor.connection, during_migration=True)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RESTORE_POSTGRESQL, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS cases_caseevent_redact_only", params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_facility_worklist_retention")]

    operations = [migrations.RunPython(install, restore)]
