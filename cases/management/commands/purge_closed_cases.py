"""Remove closed cases' identifying details and free text after the facility's retention days.

Schedule it daily (README, "Retention"); it is safe to run again: purged cases are skipped.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cases import retention


class Command(BaseCommand):
    help = "Remove closed cases' identifying details and free text after the retention period."

    def handle(self, *args: Any, **options: Any) -> None:
        count = retention.run()
        self.stdout.write(f"Purged {count} closed case(s).")
