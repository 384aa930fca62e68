"""Load the shipped checklists and jurisdiction rule table (idempotent).

Running it again changes nothing. A changed shipped checklist becomes its next version. The rule
table is loaded only when the database has none, when the shipped file carries a version
above the newest stored one, or when the newest stored one no longer fits the table's schema
(a table stored before the structured duty fields): administrators' edits are otherwise never
overwritten by a deploy, and an outdated one is kept in the history, never changed.
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
from safety.rule_table import RuleTableError, parse_table


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
        note = "Shipped content"
        if newest is not None and shipped["version"] <= newest.version:
            try:
                parse_table(newest.data)
            except RuleTableError as outdated:
                note = f"Shipped content (the stored table no longer fits the schema: {outdated})"
            else:
                self.stdout.write(f"Already loaded: {newest} (shipped file: {shipped['version']})")
                return
        table = actions.save_rule_table(shipped, note=note[:300], by=None)
        self.stdout.write(f"Loaded: {table}")
