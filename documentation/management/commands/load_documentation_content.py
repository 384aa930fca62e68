"""Load the shipped note templates, the language check's word list and the words of the
patient's papers (idempotent).

A template (or the word list) with no stored version is loaded from documentation/content/;
one that has versions is kept, so a deploy never replaces what an administrator edited. The
papers' texts (content/patient_texts.json) become a new version only when the file changed.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.content import ContentInvalid, save_version
from documentation.actions import load_shipped_templates, load_shipped_word_list
from documentation.documents import PATIENT_TEXTS_SLUG
from documentation.models import PatientTexts


class Command(BaseCommand):
    help = "Load the note templates and patient papers' texts shipped in documentation/content."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            loaded = load_shipped_templates()
            words, words_created = load_shipped_word_list()
        except ContentInvalid as error:
            raise CommandError(f"The shipped note templates are malformed: {error}") from error
        for row, created in loaded:
            self.stdout.write(f"{'Loaded' if created else 'Already loaded'}: note template {row}")
        self.stdout.write(f"{'Loaded' if words_created else 'Already loaded'}: {words}")
        document = json.loads(
            (files("documentation") / "content" / "patient_texts.json").read_text("utf-8")
        )
        try:
            texts, created = save_version(
                PatientTexts,
                PATIENT_TEXTS_SLUG,
                document,
                base_version=None,
                by=None,
                note="Shipped content",
            )
        except ContentInvalid as error:
            raise CommandError(f"The shipped patient texts are malformed: {error}") from error
        self.stdout.write(f"{'Loaded' if created else 'Already loaded'}: {texts}")
