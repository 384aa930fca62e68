"""The data migration carries existing content onto the one content pattern."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("screening", "0002_instrument_response_version"), ("safety", "0001_initial")]
AFTER = [("screening", "0004_content_history"), ("safety", "0003_content_history")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_versions_get_their_row_level_changes_and_checklists_their_full_items():
    old = migrate(BEFORE)
    try:
        signs = old.get_model("screening", "IndicatorSet")
        indicator = old.get_model("screening", "Indicator")
        for version, text in ((1, "Scripted history"), (2, "A history that sounds rehearsed")):
            row = signs.objects.create(slug="observed-signs", version=version, source="Seed")
            indicator.objects.create(
                indicator_set=row,
                slug="scripted",
                text=text,
                category="history",
                weight="strong",
                position=0,
            )
        template = old.get_model("safety", "ChecklistTemplate")
        template.objects.create(
            slug="safety-protocol", version=1, title="Safety", items=[{"slug": "a", "text": "A"}]
        )
        template.objects.create(
            slug="safety-protocol",
            version=2,
            title="Safety",
            items=[{"slug": "a", "text": "A"}, {"slug": "b", "text": "B", "help": "Why"}],
        )

        new = migrate(AFTER)

        second = new.get_model("screening", "IndicatorSet").objects.get(version=2)
        assert second.changes == [
            {
                "row": "indicators:scripted",
                "op": "changed",
                "fields": {"text": ["Scripted history", "A history that sounds rehearsed"]},
            }
        ]
        first = new.get_model("screening", "IndicatorSet").objects.get(version=1)
        assert [c["op"] for c in first.changes] == ["added"]
        checklists = new.get_model("safety", "ChecklistTemplate").objects.order_by("version")
        v1, v2 = checklists
        assert v2.items[1] == {
            "slug": "b",
            "text": "B",
            "help": "Why",
            "section": "",
            "requires_consent": False,
        }
        assert v2.changes == [
            {
                "row": "items:b",
                "op": "added",
                "fields": {
                    "slug": [None, "b"],
                    "text": [None, "B"],
                    "help": [None, "Why"],
                    "section": [None, ""],
                    "requires_consent": [None, False],
                    "position": [None, 2],
                },
            }
        ]
        assert (v1.published, v2.published) == (False, True)
    finally:
        migrate(AFTER)  # the leaf migrations: the schema the other tests expect
