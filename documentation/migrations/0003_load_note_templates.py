"""Store the shipped note templates as their first versions (the file was read from disk
before). Notes already written name (slug, version) 1 of the same file, so they keep pointing
at exactly the template they were written on."""

from django.db import migrations

from cases.content import diff  # pure
from documentation.rules import normalised_template, shipped_documents

ROWS = {"sections": "slug", "consents": "slug"}


def forwards(apps, schema_editor):
    model = apps.get_model("documentation", "NoteTemplateVersion")
    for document in shipped_documents():
        if model.objects.filter(slug=document["slug"]).exists():
            continue
        content = normalised_template(document)
        model.objects.create(
            slug=content["slug"],
            version=content.get("version") or 1,
            published=True,
            note="Shipped content",
            title=content["title"],
            source=content["source"],
            translations=content["translations"],
            sections=content["sections"],
            consents=content["consents"],
            changes=diff(None, content, ROWS),
        )


class Migration(migrations.Migration):
    dependencies = [("documentation", "0002_note_template_versions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
