"""The data migration gives stored versions the shipped translations where their English is
exactly the shipped English, and leaves an administrator's own wording alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.content.test_content_migration import migrate, migrate_to_leaves

BEFORE = [("screening", "0004_content_history"), ("safety", "0005_jurisdiction_from_rule_table")]
AFTER = [("screening", "0006_carry_translations"), ("safety", "0007_carry_translations")]
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_stored_versions_get_the_shipped_translations_of_their_unchanged_english():
    signs = json.loads((ROOT / "screening/content/indicators.json").read_text("utf-8"))
    checklists = json.loads((ROOT / "safety/content/checklists.json").read_text("utf-8"))
    shipped_sign = signs["indicators"][0]
    shipped_list = checklists["templates"][0]
    old = migrate(BEFORE)
    try:
        row = old.get_model("screening", "IndicatorSet").objects.create(
            slug="observed-signs", version=1, source="Seed"
        )
        indicator = old.get_model("screening", "Indicator")
        for position, (slug, text) in enumerate(
            [(shipped_sign["slug"], shipped_sign["text"]), ("own-sign", "An administrator's own")]
        ):
            indicator.objects.create(
                indicator_set=row,
                slug=slug,
                text=text,
                category=shipped_sign["category"],
                weight="strong",
                position=position,
            )
        items = [
            {**{k: v for k, v in shipped_list["items"][0].items() if k != "translations"}},
            {"slug": shipped_list["items"][1]["slug"], "text": "Reworded by the facility"},
        ]
        old.get_model("safety", "ChecklistTemplate").objects.create(
            slug=shipped_list["slug"], version=1, title=shipped_list["title"], items=items
        )

        new = migrate(AFTER)

        carried = new.get_model("screening", "Indicator").objects.order_by("position")
        assert [i.translations for i in carried] == [shipped_sign["translations"], {}]
        template = new.get_model("safety", "ChecklistTemplate").objects.get()
        assert template.translations == shipped_list["translations"]
        assert template.items[0]["translations"] == shipped_list["items"][0]["translations"]
        assert "translations" not in template.items[1]
        assert template.items[0]["text"] == shipped_list["items"][0]["text"]  # English untouched
    finally:
        migrate_to_leaves()
