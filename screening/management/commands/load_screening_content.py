"""Load the shipped question bank, observed-signs checklist and brief instruments (idempotent).

Running it again changes nothing; a shipped file whose content changed must carry a new
version number (banks and instruments) or becomes the next checklist version.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.content import ContentInvalid, import_version, save_version
from screening.content import CONTENT_DIR, GATE_SLUG, read_json
from screening.models import GateContent, IndicatorSet, Instrument, QuestionBank

SIGNS_SLUG = "observed-signs"


class Command(BaseCommand):
    help = "Load the screening content shipped in screening/content (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.report(
                *import_version(QuestionBank, read_json(CONTENT_DIR / "seed_bank.json"), by=None)
            )
            self.report(
                *save_version(
                    IndicatorSet,
                    SIGNS_SLUG,
                    read_json(CONTENT_DIR / "indicators.json"),
                    base_version=None,
                    by=None,
                    note="Shipped content",
                )
            )
            self.report(
                *save_version(
                    GateContent,
                    GATE_SLUG,
                    read_json(CONTENT_DIR / "gate.json"),
                    base_version=None,
                    by=None,
                    note="Shipped content",
                )
            )
            for path in sorted((CONTENT_DIR / "instruments").glob("*.json")):
                self.report(*import_version(Instrument, read_json(path), by=None))
        except ContentInvalid as error:
            raise CommandError(str(error)) from error

    def report(self, row: object, created: bool) -> None:
        self.stdout.write(f"{'Loaded' if created else 'Already loaded'}: {row}")
