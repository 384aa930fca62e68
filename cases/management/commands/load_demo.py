"""Create the demo facility, units and one user per role (idempotent), and print how to sign in.

Everything here is demo data: the facility and its phone numbers are invented.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction

from cases import actions
from cases.models import Case, Facility, Role, Unit, User

DEMO_PASSWORD = "harbor-demo-2026"

DEMO_USERS = [
    # username, first, last, roles, units
    ("clinician", "Casey", "Nguyen", [Role.CLINICIAN], ["Emergency"]),
    ("clinician2", "Robin", "Okafor", [Role.CLINICIAN], ["Maternity"]),
    ("supervisor", "Sam", "Tremblay", [Role.SUPERVISOR], []),
    ("administrator", "Alex", "Martin", [Role.ADMINISTRATOR], []),
]

# What administrators may manage in Django's admin: people and places, never cases.
ADMINISTRATOR_PERMISSIONS = [
    ("cases", "user"),
    ("cases", "unit"),
    ("cases", "facility"),
]


class Command(BaseCommand):
    help = "Load the demo facility, units and one user per role, and print their sign-ins."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        facility, _ = Facility.objects.get_or_create(
            name="Riverside General (demo)",
            defaults={
                "jurisdiction": "CA-ON",
                "security_phone": "ext. 5555 (demo)",
                "emergency_phone": "911",
            },
        )
        units = {
            name: Unit.objects.get_or_create(facility=facility, name=name)[0]
            for name in ("Emergency", "Maternity")
        }
        administrators = Group.objects.get(name=Role.ADMINISTRATOR)
        administrators.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=[app for app, _ in ADMINISTRATOR_PERMISSIONS],
                content_type__model__in=[model for _, model in ADMINISTRATOR_PERMISSIONS],
            )
        )
        users = {}
        for username, first, last, roles, unit_names in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "facility": facility},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
            user.is_staff = Role.ADMINISTRATOR in roles
            user.save()
            user.groups.set(Group.objects.filter(name__in=roles))
            user.units.set([units[name] for name in unit_names])
            users[username] = user

        if not Case.objects.filter(facility=facility).exists():
            escalated = actions.open_case(
                unit=units["Emergency"],
                jurisdiction="CA-ON",
                age_years=17,
                preferred_language="en",
                by=users["clinician"],
            )
            actions.escalate_case(
                escalated,
                reason="Demo case: companion would not leave; patient appeared frightened.",
                to=users["supervisor"],
                by=users["clinician"],
            )
            actions.open_case(
                unit=units["Emergency"],
                jurisdiction="CA-ON",
                age_years=None,
                preferred_language="es",
                by=users["clinician"],
            )

        self.stdout.write(self.style.SUCCESS("Demo sign-ins (demo data only):"))
        for username, _first, _last, roles, unit_names in DEMO_USERS:
            where = f", units: {', '.join(unit_names)}" if unit_names else ""
            role_names = ", ".join(r.value for r in roles)
            self.stdout.write(f"  {username:<14} / {DEMO_PASSWORD}   ({role_names}{where})")
