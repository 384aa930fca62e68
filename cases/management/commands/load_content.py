"""Load every phase's shipped clinical content (question banks, checklists, rule tables).

Each phase app that ships content provides a `load_<app>_content` command; this runs the ones
that exist, so `cases` stays unaware of which phases are installed.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the clinical content shipped with each phase app (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        available = get_commands()
        for app in apps.get_app_configs():
            command = f"load_{app.label}_content"
            if command in available:
                call_command(command, stdout=self.stdout, stderr=self.stderr)
