"""Safety content for the tests: the shipped checklists and rule table, via the real loader."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture
def content(db, directory) -> None:
    """The shipped safety content, with the referral directory whose lines Care and Reporting
    offer."""
    call_command("load_safety_content", stdout=StringIO())
