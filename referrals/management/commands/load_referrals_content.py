"""Load the directory's shipped content: Harbor's taxonomy, the national lines, demo partners.

Idempotent, and it never overwrites an entry an administrator has edited since: only services
not yet in the directory are added (their taxonomy terms are refreshed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from referrals import hsds, hsds_import
from referrals.models import Service

CONTENT = Path(__file__).resolve().parents[2] / "content" / "directory.json"


class Command(BaseCommand):
    help = "Load the referral directory's national lines and demo partners (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        document = json.loads(CONTENT.read_text())
        existing = {str(pk) for pk in Service.objects.values_list("id", flat=True)}
        document["services"] = [s for s in document["services"] if s["id"] not in existing]
        with transaction.atomic():
            for term in document["taxonomy_terms"]:
                hsds._save_term(term)
            if document["services"]:
                try:
                    plan = hsds_import.commit_import(json.dumps(document), by=None)
                except hsds_import.ImportRefused as refused:
                    reasons = [r for row in refused.plan.rows for r in row.reasons]
                    raise CommandError(f"Directory content rejected: {reasons[:5]}") from refused
                added = plan.count("added")
            else:
                added = 0
        self.stdout.write(f"Referral directory: {added} services added.")
