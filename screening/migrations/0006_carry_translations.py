"""Give stored versions of the shipped bank, signs and instruments the translations shipped
since (French), where their English is exactly the shipped English.

A case keeps the version it used; its English wording is untouched. Only objects without
translations are filled, and only when every source field matches, so an administrator's own
wording never receives a translation of something else. Reversing empties nothing (the
translations are harmless on the older schema).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import migrations

from cases.languages import carried

CONTENT = Path(__file__).resolve().parents[1] / "content"


def _read(name: str) -> dict[str, Any]:
    path = CONTENT / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _carry_list(stored: list[dict[str, Any]], shipped: list[dict[str, Any]], fields: tuple[str, ...]) -> bool:
    changed = False
    for item in stored:
        if item.get("translations"):
            continue
        for source in shipped:
            found = carried(item, source, fields)
            if found:
                item["translations"] = found
                changed = True
                break
    return changed


def carry(apps: Any, schema_editor: Any) -> None:
    bank_file = _read("seed_bank.json")
    QuestionBank = apps.get_model("screening", "QuestionBank")
    Theme = apps.get_model("screening", "Theme")
    Question = apps.get_model("screening", "Question")
    for bank in QuestionBank.objects.filter(slug=bank_file.get("slug", "")):
        changed = False
        if not bank.translations:
            found = carried({"title": bank.title}, bank_file, ("title",))
            if found:
                bank.translations, changed = found, True
        changed |= _carry_list(bank.principles, bank_file.get("principles", []), ("title", "text"))
        changed |= _carry_list(bank.guidance, bank_file.get("guidance", []), ("title", "text"))
        if changed:
            bank.save(update_fields=["translations", "principles", "guidance"])
    themes = {t["slug"]: t for t in bank_file.get("themes", [])}
    for theme in Theme.objects.filter(bank__slug=bank_file.get("slug", ""), translations={}):
        found = carried(
            {"title": theme.title, "purpose": theme.purpose},
            themes.get(theme.slug, {}),
            ("title", "purpose"),
        )
        if found:
            theme.translations = found
            theme.save(update_fields=["translations"])
    questions = {
        (t["slug"], q["slug"]): q for t in bank_file.get("themes", []) for q in t["questions"]
    }
    for question in Question.objects.filter(
        theme__bank__slug=bank_file.get("slug", ""), translations={}
    ).select_related("theme"):
        found = carried(
            {"text": question.text},
            questions.get((question.theme.slug, question.slug), {}),
            ("text",),
        )
        if found:
            question.translations = found
            question.save(update_fields=["translations"])

    signs = {i["slug"]: i for i in _read("indicators.json").get("indicators", [])}
    Indicator = apps.get_model("screening", "Indicator")
    for indicator in Indicator.objects.filter(translations={}):
        stored = {"text": indicator.text, "follow_up_question": indicator.follow_up_question}
        source = signs.get(indicator.slug, {})
        found = carried(stored, {"follow_up_question": "", **source}, ("text", "follow_up_question"))
        if found:
            indicator.translations = found
            indicator.save(update_fields=["translations"])

    Instrument = apps.get_model("screening", "Instrument")
    for path in sorted((CONTENT / "instruments").glob("*.json")):
        shipped = json.loads(path.read_text(encoding="utf-8"))
        for instrument in Instrument.objects.filter(slug=shipped["slug"]):
            changed = False
            if not instrument.translations:
                stored = {"title": instrument.title, "validation_note": instrument.validation_note}
                found = carried(stored, shipped, ("title", "validation_note"))
                if found:
                    instrument.translations, changed = found, True
            changed |= _carry_list(instrument.items, shipped.get("items", []), ("slug", "text"))
            if changed:
                instrument.save(update_fields=["translations", "items"])


class Migration(migrations.Migration):
    dependencies = [("screening", "0005_content_translations")]

    operations = [migrations.RunPython(carry, migrations.RunPython.noop)]
