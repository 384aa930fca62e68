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

from cases.content import ContentInvalid, save_version
from safety import actions
from safety.checklists import shipped_checklists
from safety.models import ChecklistTemplate, RuleTableVersion
from safety.rules import RuleTableError


class Command(BaseCommand):
    help = "Load the safety checklists and reporting rule table shipped in safety/content."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.load_checklists()
            self.load_rule_table()
        except (ContentInvalid, RuleTableError) as error:
            raise CommandError(f"The shipped safety content is malformed: {error}") from error

    def load_checklists(self) -> None:
        content = shipped_checklists()
        for position, template in enumerate(content["templates"]):
            document = {key: value for key, value in template.items() if key != "version"}
            row, created = save_version(
                ChecklistTemplate,
                template["slug"],
                document,
                base_version=None,
                by=None,
                note="Shipped content",
            )
            if row.position != position:  # the order the file lists them in, on every version
                ChecklistTemplate.objects.filter(slug=row.slug).update(position=position)
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
