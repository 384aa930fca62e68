"""PostgreSQL only: pg_trgm, a GIN full-text index and a GIN trigram index for directory search.

SQLite (the demo) has neither and searches the same normalised text with LIKE instead.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS referrals_service_search_vector_gin"
    " ON referrals_service USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS referrals_service_search_text_trgm"
    " ON referrals_service USING gin (search_text gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS referrals_service_search_text_trgm",
    "DROP INDEX IF EXISTS referrals_service_search_vector_gin",
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
    dependencies = [("referrals", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
