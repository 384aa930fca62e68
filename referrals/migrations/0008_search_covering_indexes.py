"""PostgreSQL only: two indexes that let directory search and the administrators' work list read
narrow index entries instead of the whole service rows (about 900 bytes each, 2,200 pages at
20,000 services).

- `referrals_service_rank`: what ranking and the row filters read (status, last verified, name,
  ages, 24/7) beside the id, so a search joining thousands of matches scans the index only.
- `referrals_service_recheck`: the work list's order (never verified first, then the oldest
  verification, by name), so its first page stops after twenty entries instead of sorting every
  stale one.

SQLite (the demo) cannot write INCLUDE or NULLS FIRST in an index and needs neither at its size.
"""

from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS referrals_service_rank ON referrals_service (status, assured_date)"
    " INCLUDE (id, name, minimum_age, maximum_age, always_open)",
    "CREATE INDEX IF NOT EXISTS referrals_service_recheck"
    " ON referrals_service (assured_date NULLS FIRST, name, id) INCLUDE (status, version)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS referrals_service_recheck",
    "DROP INDEX IF EXISTS referrals_service_rank",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0007_service_translations")]
    operations = [migrations.RunPython(forward, backward)]
