"""Shared personas and helpers for every test.

Four named people at one demo facility, plus anonymous: a clinician on Emergency, a clinician on
Maternity (another unit), a supervisor and an administrator. State is set up through the real
actions, never with opaque fixtures.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from cases import actions
from cases.models import Case, Facility, Role, Unit, User

PASSWORD = "correct-horse-battery-staple"


@dataclass
class Personas:
    facility: Facility
    emergency: Unit
    maternity: Unit
    clinician: User
    other_clinician: User
    supervisor: User
    administrator: User

    def client_for(self, name: str) -> Client:
        client = Client()
        if name != "anonymous":
            client.force_login(getattr(self, name))
        return client


def make_user(username: str, facility: Facility, roles: list[Role], units: list[Unit]) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, facility=facility, first_name=username.title()
    )
    # get_or_create: browser tests run on a flushed database where the migration's groups are gone.
    user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
    user.units.set(units)
    return user


def pytest_report_header() -> str:
    from tests.browser.chromium import find

    return f"browser journeys: {find()[1]}"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    """Let the suite empty its own throw-away PostgreSQL database between tests.

    The audit log and timeline refuse TRUNCATE (migration cases 0004) unless their owner's
    session sets `harbor.allow_truncate`; pytest-django empties the database with TRUNCATE
    after each transactional test, so the suite's connections (only) start with it set.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c harbor.allow_truncate=on".strip()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # Real hashers take ~0.3 s a password by design; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def personas(db) -> Personas:
    facility = Facility.objects.create(
        name="Test General", jurisdiction="CA-ON", security_phone="ext. 5555"
    )
    emergency = Unit.objects.create(facility=facility, name="Emergency")
    maternity = Unit.objects.create(facility=facility, name="Maternity")
    return Personas(
        facility=facility,
        emergency=emergency,
        maternity=maternity,
        clinician=make_user("clinician", facility, [Role.CLINICIAN], [emergency]),
        other_clinician=make_user("other_clinician", facility, [Role.CLINICIAN], [maternity]),
        supervisor=make_user("supervisor", facility, [Role.SUPERVISOR], []),
        administrator=make_user("administrator", facility, [Role.ADMINISTRATOR], []),
    )


@pytest.fixture
def directory(db) -> None:
    """The shipped referral directory: Harbor's taxonomy, the national lines (every hotline the
    gate, Care, Reporting and the notes offer) and the demo partners."""
    call_command("load_referrals_content", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def case(personas: Personas) -> Case:
    """An open case on the clinician's unit (Emergency), opened by that clinician."""
    return actions.open_case(
        unit=personas.emergency,
        jurisdiction="CA-ON",
        age_years=24,
        preferred_language="en",
        by=personas.clinician,
    )


ALL_PERSONAS = ["clinician", "other_clinician", "supervisor", "administrator", "anonymous"]


@pytest.fixture(autouse=True)
def _english_unless_a_test_says_otherwise():
    """Each test starts in the default language: a French request earlier in the same thread
    leaves French active (Django activates per request and never resets), which would make a
    later test's English assertions depend on the order the tests run in."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()
