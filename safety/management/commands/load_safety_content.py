"""Load the shipped checklists and jurisdiction rule table (idempotent).

Running it again changes nothing. A changed shipped checklist becomes its next version. The rule
table is loaded only when the database has none, or when the shipped file carries a version
above the newest stored one: administrators' edits are never overwritten by a deploy.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safety import actions
from safety.checklists import ChecklistError, shipped_checklists
from safety.models import RuleTableVersion
from safety.rule_table import RuleTableError


class Command(BaseCommand):
    help = "Load the safety checklists and reporting rule table shipped in safety/content."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.load_checklists()
            self.load_rule_table()
        except (ChecklistError, RuleTableError) as error:
            raise CommandError(f"The shipped safety content is malformed: {error}") from error

    def load_checklists(self) -> None:
        content = shipped_checklists()
        for position, template in enumerate(content["templates"]):
            row, created = actions.save_checklist_template(
                template["slug"],
                title=template["title"],
                items=template["items"],
                source=template.get("source", ""),
                position=position,
                note="Shipped content",
                by=None,
            )
            self.stdout.write(f"{'Loaded' if created else 'Already loaded'}: checklist {row}")

    def load_rule_table(self) -> None:
        shipped = json.loads(
            (files("safety") / "content" / "jurisdictions.json").read_text(encoding="utf-8")
        )
        newest = RuleTableVersion.objects.order_by("-version").first()
        if newest is not None and shipped["version"] <= newest.version:
            self.stdout.write(f"Already loaded: {newest} (shipped file: {shipped['version']})")
            return
        table = actions.save_rule_table(shipped, note="Shipped content", by=None)
        self.stdout.write(f"Loaded: {table}")
