"""Store the shipped language-check word list as its first version (read from disk before)."""

from django.db import migrations

from cases.content import diff  # pure
from documentation.language import normalised_word_list, shipped_word_list_document


def forwards(apps, schema_editor):
    model = apps.get_model("documentation", "WordListVersion")
    document = normalised_word_list(shipped_word_list_document())
    if model.objects.filter(slug=document["slug"]).exists():
        return
    model.objects.create(
        slug=document["slug"],
        version=document.get("version") or 1,
        published=True,
        note="Shipped content",
        source=document["source"],
        entries=document["entries"],
        changes=diff(None, document, {"entries": "id"}),
    )


class Migration(migrations.Migration):
    dependencies = [("documentation", "0005_word_list_versions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
