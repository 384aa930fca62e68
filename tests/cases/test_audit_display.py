"""An audit entry's action reads as Django's own choice display would, in each language."""

from __future__ import annotations

import pytest
from django.db.models import Model
from django.utils import translation

from cases.models import AuditEntry


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("action", [*AuditEntry.Action.values, "unknown.action"])
def test_action_display_matches_djangos(action, language):
    entry = AuditEntry(action=action)
    field = AuditEntry._meta.get_field("action")
    with translation.override(language):
        assert entry.get_action_display() == Model._get_FIELD_display(entry, field)
