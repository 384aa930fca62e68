from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.fixture
def directory(db) -> None:
    """The shipped directory: Harbor's taxonomy, the national lines and the demo partners."""
    call_command("load_referrals_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
