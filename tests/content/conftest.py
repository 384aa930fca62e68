from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture
def content(db) -> None:
    """All shipped content, loaded the way `make run` loads it."""
    call_command("load_content", stdout=StringIO())
