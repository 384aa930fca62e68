"""Carry existing content onto the one content pattern: each stored version gets the row-level
changes from the version before it, so the history shows them without loading documents."""

from django.db import migrations

# The pure diff of the pattern; its output is plain JSON, so later changes to it leave what
# this migration stored readable.
from cases.content import diff

BANK_ROWS = {"themes": "slug", "themes.questions": "slug", "principles": None, "guidance": None}


def bank_document(bank):
    return {
        "slug": bank.slug,
        "title": bank.title,
        "source": bank.source,
        "principles": bank.principles,
        "guidance": bank.guidance,
        "themes": [
            {
                "slug": theme.slug,
                "title": theme.title,
                "purpose": theme.purpose,
                "questions": [
                    {"slug": q.slug, "text": q.text} for q in theme.questions.order_by("position")
                ],
            }
            for theme in bank.themes.order_by("position")
        ],
    }


def signs_document(signs):
    rows = []
    for i in signs.indicators.order_by("position"):
        row = {"slug": i.slug, "text": i.text, "category": i.category, "weight": i.weight}
        if i.follow_up_question:
            row["follow_up_question"] = i.follow_up_question
        rows.append(row)
    return {"slug": signs.slug, "source": signs.source, "indicators": rows}


INSTRUMENT_FIELDS = (
    "title", "source", "items", "positive_if_at_least", "min_age", "max_age",
    "validation_note", "demo",
)


def instrument_document(instrument):
    return {"slug": instrument.slug, **{f: getattr(instrument, f) for f in INSTRUMENT_FIELDS}}


def fill(model, document, rows):
    previous = {}
    for row in model.objects.order_by("slug", "version"):
        current = document(row)
        row.changes = diff(previous.get(row.slug), current, rows)
        row.save(update_fields=["changes"])
        previous[row.slug] = current


def forwards(apps, schema_editor):
    fill(apps.get_model("screening", "QuestionBank"), bank_document, BANK_ROWS)
    fill(apps.get_model("screening", "IndicatorSet"), signs_document, {"indicators": "slug"})
    fill(apps.get_model("screening", "Instrument"), instrument_document, {"items": "slug"})


class Migration(migrations.Migration):
    dependencies = [("screening", "0003_content_history_fields")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
