"""Load the shipped note templates and the language check's word list (idempotent).

A template (or the word list) with no stored version is loaded from documentation/content/; one
that has versions is kept, so a deploy never replaces what an administrator edited.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.content import ContentInvalid
from documentation.actions import load_shipped_templates, load_shipped_word_list


class Command(BaseCommand):
    help = "Load the note templates shipped in documentation/content."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            loaded = load_shipped_templates()
            words, words_created = load_shipped_word_list()
        except ContentInvalid as error:
            raise CommandError(f"The shipped note templates are malformed: {error}") from error
        for row, created in loaded:
            self.stdout.write(f"{'Loaded' if created else 'Already loaded'}: note template {row}")
        self.stdout.write(f"{'Loaded' if words_created else 'Already loaded'}: {words}")
