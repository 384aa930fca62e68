"""Give stored checklist versions the translations shipped since (French), where their English
is exactly the shipped English (see screening 0006: a case's English wording is untouched)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import migrations

from cases.languages import carried

CHECKLISTS = Path(__file__).resolve().parents[1] / "content" / "checklists.json"


def carry(apps: Any, schema_editor: Any) -> None:
    if not CHECKLISTS.exists():
        return
    shipped = {t["slug"]: t for t in json.loads(CHECKLISTS.read_text("utf-8"))["templates"]}
    ChecklistTemplate = apps.get_model("safety", "ChecklistTemplate")
    for template in ChecklistTemplate.objects.filter(slug__in=list(shipped)):
        source = shipped[template.slug]
        changed = False
        if not template.translations:
            found = carried({"title": template.title}, source, ("title",))
            if found:
                template.translations, changed = found, True
        items = {i["slug"]: i for i in source["items"]}
        for item in template.items:
            if item.get("translations"):
                continue
            origin = {"help": "", **items.get(item["slug"], {})}
            stored = {"text": item["text"], "help": item.get("help", "")}
            found = carried(stored, origin, ("text", "help"))
            if found:
                item["translations"], changed = found, True
        if changed:
            template.save(update_fields=["translations", "items"])


class Migration(migrations.Migration):
    dependencies = [("safety", "0006_content_translations")]

    operations = [migrations.RunPython(carry, migrations.RunPython.noop)]
