"""Load the shipped checklists and jurisdiction rules (idempotent).

Running it again changes nothing. A changed shipped checklist becomes its next version. Each
jurisdiction of the rule table file becomes a version of its own when it has none, or when the
file's `version` is above the file version its newest version was loaded from; a jurisdiction
an administrator has edited is never replaced by a deploy (the loader says it kept it).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.content import ContentInvalid, save_version
from safety.checklists import shipped_checklists
from safety.models import ChecklistTemplate, Jurisdiction
from safety.places import shipped_table
from safety.rule_table import check_table


class Command(BaseCommand):
    help = "Load the safety checklists and reporting rule table shipped in safety/content."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.load_checklists()
            self.load_rule_table()
        except ContentInvalid as error:
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
        shipped = shipped_table()
        check_table(shipped)
        file_version = shipped["version"]
        for entry in shipped["jurisdictions"]:
            code = entry["code"]
            newest = Jurisdiction.objects.newest(code)
            if newest is not None and newest.shipped_version is None:
                self.stdout.write(
                    f"Kept: {newest}, edited in Harbor (shipped file: {file_version})"
                )
                continue
            if newest is not None and newest.shipped_version >= file_version:
                self.stdout.write(f"Already loaded: {newest} (shipped file: {file_version})")
                continue
            with transaction.atomic():
                row, created = save_version(
                    Jurisdiction,
                    code,
                    entry,
                    base_version=None,
                    by=None,
                    note=f"Shipped content (rule table file version {file_version})",
                )
                # Which file it came from, so a later file replaces it but never an edit.
                Jurisdiction.objects.filter(pk=row.pk).update(shipped_version=file_version)
            self.stdout.write(f"{'Loaded' if created else 'Already loaded'}: {row}")
