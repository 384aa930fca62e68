"""The search keys: a service's taxonomy terms, languages and service areas as the keys of one
JSON object on its own row (`referrals.rules.search_keys`), so directory search filters one row
instead of probing three child tables for every candidate. On PostgreSQL a GIN index answers the
`?` / `?|` tests; SQLite (the demo) reads the rows.

Existing entries are filled in from their child rows here; from now on `hsds.refresh_search`
keeps the keys after every write.
"""

import re

from django.db import migrations, models

BATCH = 2000
# A region code as cases.jurisdictions.JURISDICTION_CODE has it (DEFAULT names no region); a
# migration keeps its own copy.
REGION_CODE = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")


def fill_keys(apps, schema_editor):
    Service = apps.get_model("referrals", "Service")
    Attribute = apps.get_model("referrals", "Attribute")
    Language = apps.get_model("referrals", "Language")
    ServiceArea = apps.get_model("referrals", "ServiceArea")
    keys: dict = {}
    # The same key forms as `referrals.rules` (a migration keeps its own copy of the format).
    for service_id, term_id in Attribute.objects.values_list("service_id", "taxonomy_term_id"):
        keys.setdefault(service_id, set()).add(f"term:{term_id}")
    for service_id, code in Language.objects.exclude(code="").values_list("service_id", "code"):
        keys.setdefault(service_id, set()).add(f"language:{code}")
    for service_id, extent in ServiceArea.objects.values_list("service_id", "extent"):
        if REGION_CODE.match(extent):
            keys.setdefault(service_id, set()).add(f"area:{extent}")
    changed = []
    for service in Service.objects.only("pk").iterator(chunk_size=BATCH):
        found = keys.get(service.pk)
        if found:
            service.search_keys = dict.fromkeys(sorted(found), 1)
            changed.append(service)
    Service.objects.bulk_update(changed, ["search_keys"], batch_size=BATCH)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS referrals_service_search_keys"
            " ON referrals_service USING gin (search_keys)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS referrals_service_search_keys")


class Migration(migrations.Migration):
    dependencies = [("referrals", "0009_directory_version")]
    operations = [
        migrations.AddField(
            model_name="service",
            name="search_keys",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        # The index before the filling: the directory's version triggers (0009) fire at commit
        # for every row written, and PostgreSQL refuses a CREATE INDEX on a table with such
        # events still pending in the same transaction.
        migrations.RunPython(add_index, drop_index),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
