"""Load the shipped question bank, observed-signs checklist and brief instruments (idempotent).

Running it again changes nothing; a shipped file whose content changed must carry a new
version number (banks and instruments) or becomes the next checklist version.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from screening import actions, rules
from screening.content import CONTENT_DIR, read_json


class Command(BaseCommand):
    help = "Load the screening content shipped in screening/content (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            bank, created = actions.import_bank(
                rules.load_bank(read_json(CONTENT_DIR / "seed_bank.json")), by=None
            )
            self.report(bank, created)
            checklist, created = actions.save_indicator_set(
                read_json(CONTENT_DIR / "indicators.json"), by=None
            )
            self.report(checklist, created)
            for path in sorted((CONTENT_DIR / "instruments").glob("*.json")):
                instrument, created = actions.import_instrument(
                    rules.load_instrument(read_json(path)), by=None
                )
                self.report(instrument, created)
        except (rules.ContentError, actions.ContentVersionConflict) as error:
            raise CommandError(str(error)) from error

    def report(self, row: object, created: bool) -> None:
        self.stdout.write(f"{'Loaded' if created else 'Already loaded'}: {row}")
