"""The data migration carries existing content onto the one content pattern."""

from __future__ import annotations

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("screening", "0002_instrument_response_version"), ("safety", "0001_initial")]
AFTER = [("screening", "0004_content_history"), ("safety", "0005_jurisdiction_from_rule_table")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_leaves() -> None:
    """Every app's newest migration: the schema the other tests expect (going back to BEFORE
    also unapplies migrations of other apps that came later, such as cases' ward label)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    # What `migrate` does next: the triggers SQLite loses when a migration rebuilds a table
    # (the timeline guard, the directory's version marker) are written again.
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)


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
        migrate_to_leaves()


TABLE_BEFORE = [("safety", "0003_content_history"), ("cases", "0005_audit_no_truncate")]
TABLE_AFTER = [("safety", "0005_jurisdiction_from_rule_table"), ("cases", "0005_audit_no_truncate")]


@pytest.mark.django_db(transaction=True)
def test_whole_table_versions_become_versions_of_each_jurisdiction_and_decisions_keep_theirs():
    import copy

    from safety.places import shipped_table

    old = migrate(TABLE_BEFORE)
    try:
        table_model = old.get_model("safety", "RuleTableVersion")
        user = old.get_model("cases", "User").objects.create(username="admin")
        shipped = shipped_table()
        shipped["version"] = 1  # a whole-table version's document carries its own number
        first = table_model.objects.create(version=1, data=shipped, note="Shipped content")
        edited = copy.deepcopy(shipped)
        ontario = next(e for e in edited["jurisdictions"] if e["code"] == "CA-ON")
        ontario["name"] = "Ontario (local policy)"
        edited["version"] = 2
        table_model.objects.create(version=2, data=edited, note="Renamed", created_by=user)
        legacy = copy.deepcopy(edited)  # stored before the structured duty fields
        for entry in legacy["jurisdictions"]:
            for row in entry["rules"]:
                row["condition"] = None
        legacy["version"] = 3
        table_model.objects.create(version=3, data=legacy, note="Old format")
        facility = old.get_model("cases", "Facility").objects.create(
            name="F", jurisdiction="CA-ON", version=1
        )
        unit = old.get_model("cases", "Unit").objects.create(facility=facility, name="ED")
        case = old.get_model("cases", "Case").objects.create(
            facility=facility, unit=unit, jurisdiction="CA-ON", created_by=user
        )
        old.get_model("safety", "ReportingDecisionRecord").objects.create(
            case=case,
            facts={"jurisdiction": "CA-ON"},
            result={"required": []},
            rule_table=first,
            recorded_by=user,
        )

        new = migrate(TABLE_AFTER)

        jurisdiction = new.get_model("safety", "Jurisdiction")
        v1, v2 = jurisdiction.objects.filter(slug="CA-ON").order_by("version")
        assert (v1.name, v2.name, v2.note, v2.created_by_id) == (
            "Ontario",
            "Ontario (local policy)",
            "Renamed",
            user.pk,
        )
        assert (v1.published, v2.published) == (False, True)
        assert (v1.shipped_version, v2.shipped_version) == (1, None)  # the loader keeps v2
        assert v2.changes == [
            {"row": "", "op": "changed", "fields": {"name": ["Ontario", "Ontario (local policy)"]}}
        ]
        assert v1.rule_rows.count() == len(ontario["rules"])
        # Unchanged elsewhere: one version each; the old-format table stays in the archive only.
        assert set(
            jurisdiction.objects.exclude(slug="CA-ON").values_list("version", flat=True)
        ) == {1}
        assert table_model.objects.count() == 3
        record = new.get_model("safety", "ReportingDecisionRecord").objects.get()
        assert sorted((j.slug, j.version) for j in record.rules.all()) == [
            ("CA", 1),
            ("CA-ON", 1),
            ("DEFAULT", 1),
        ]
    finally:
        migrate_to_leaves()
