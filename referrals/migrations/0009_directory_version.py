"""The directory's version marker and the triggers that change it (referrals.directory_version)."""

from django.db import migrations

from referrals.directory_version import DIRECTORY_MODELS, install_sql, uninstall_sql


def _tables(apps):
    return [apps.get_model("referrals", name)._meta.db_table for name in DIRECTORY_MODELS]


def forward(apps, schema_editor):
    for statement in install_sql(schema_editor.connection.vendor, _tables(apps)):
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    for statement in uninstall_sql(schema_editor.connection.vendor, _tables(apps)):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0008_search_covering_indexes")]

    operations = [migrations.RunPython(forward, backward)]
