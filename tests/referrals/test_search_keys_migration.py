"""Migration 0010 fills the search keys of the entries already in the directory."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("referrals", "0009_directory_version")]
AFTER = [("referrals", "0010_service_search_keys")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_entries_get_the_keys_of_their_terms_languages_and_areas():
    old = migrate(BEFORE)
    try:
        service_model = old.get_model("referrals", "Service")
        term = old.get_model("referrals", "TaxonomyTerm").objects.create(
            taxonomy="harbor-barrier", code="money", name="Money"
        )
        kept = service_model.objects.create(name="Demo: kept")
        bare = service_model.objects.create(name="Demo: bare")
        old.get_model("referrals", "Attribute").objects.create(service=kept, taxonomy_term=term)
        old.get_model("referrals", "Language").objects.create(service=kept, code="fr")
        old.get_model("referrals", "Language").objects.create(service=kept, code="")
        old.get_model("referrals", "ServiceArea").objects.create(service=kept, extent="CA-ON")
        old.get_model("referrals", "ServiceArea").objects.create(
            service=kept, extent='{"type": "Polygon"}', extent_type="geojson"
        )

        new = migrate(AFTER)

        rows = new.get_model("referrals", "Service").objects
        assert rows.get(pk=kept.pk).search_keys == {
            "area:CA-ON": 1,
            "language:fr": 1,
            f"term:{term.pk}": 1,
        }
        assert rows.get(pk=bare.pk).search_keys == {}
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
