"""Carry existing checklists onto the one content pattern: every item with all its fields,
the row-level changes from the version before, and only the newest version published (the one
new work uses, as before)."""

from django.db import migrations

from cases.content import diff  # pure, see screening 0004


def forwards(apps, schema_editor):
    template_model = apps.get_model("safety", "ChecklistTemplate")
    previous = {}
    newest = {}
    for row in template_model.objects.order_by("slug", "version"):
        row.items = [
            {
                "slug": item["slug"],
                "text": item["text"].strip(),
                "help": (item.get("help") or "").strip(),
                "section": item.get("section") or "",
                "requires_consent": bool(item.get("requires_consent", False)),
            }
            for item in row.items
        ]
        document = {"slug": row.slug, "title": row.title, "source": row.source, "items": row.items}
        row.changes = diff(previous.get(row.slug), document, {"items": "slug"})
        row.save(update_fields=["items", "changes"])
        previous[row.slug] = document
        newest[row.slug] = row.pk
    template_model.objects.exclude(pk__in=newest.values()).update(published=False)


class Migration(migrations.Migration):
    dependencies = [("safety", "0002_content_history_fields")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
