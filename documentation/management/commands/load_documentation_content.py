"""Load the shipped note templates (idempotent).

A template with no stored version is loaded from documentation/content/note_templates.json;
one that has versions is kept, so a deploy never replaces what an administrator edited.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.content import ContentInvalid
from documentation.actions import load_shipped_templates


class Command(BaseCommand):
    help = "Load the note templates shipped in documentation/content."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            loaded = load_shipped_templates()
        except ContentInvalid as error:
            raise CommandError(f"The shipped note templates are malformed: {error}") from error
        for row, created in loaded:
            self.stdout.write(f"{'Loaded' if created else 'Already loaded'}: note template {row}")
