"""Load the shipped words of the patient's papers (idempotent: unchanged content saves nothing)."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.content import ContentInvalid, save_version
from documentation.documents import PATIENT_TEXTS_SLUG
from documentation.models import PatientTexts


class Command(BaseCommand):
    help = "Load the patient papers' texts shipped in documentation/content (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        document = json.loads(
            (files("documentation") / "content" / "patient_texts.json").read_text("utf-8")
        )
        try:
            row, created = save_version(
                PatientTexts,
                PATIENT_TEXTS_SLUG,
                document,
                base_version=None,
                by=None,
                note="Shipped content",
            )
        except ContentInvalid as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{'Loaded' if created else 'Already loaded'}: {row}")
