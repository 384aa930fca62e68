"""Load the shipped list of content languages (idempotent: unchanged content saves nothing)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.content import ContentInvalid, save_version
from cases.translations import LANGUAGES_SLUG, ContentLanguages

LANGUAGES_FILE = Path(__file__).resolve().parents[2] / "content" / "languages.json"


class Command(BaseCommand):
    help = "Load the content languages shipped in cases/content (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        document = json.loads(LANGUAGES_FILE.read_text(encoding="utf-8"))
        try:
            row, created = save_version(
                ContentLanguages,
                LANGUAGES_SLUG,
                document,
                base_version=None,
                by=None,
                note="Shipped content",
            )
        except ContentInvalid as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{'Loaded' if created else 'Already loaded'}: {row}")
