"""The places the rule table holds rules for, for `cases` (HARBOR_JURISDICTIONS_PROVIDER)."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from safety.models import RuleTableVersion
from safety.rule_table import places


def shipped_table() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        (files("safety") / "content" / "jurisdictions.json").read_text(encoding="utf-8")
    )
    return document


def jurisdiction_places() -> list[tuple[str, str, str]]:
    """(code, name, country) of each province, territory and state in the current table; the
    shipped table stands in before any is loaded, so a new install can start cases at once."""
    table = RuleTableVersion.objects.order_by("-version").only("data").first()
    data = table.data if table is not None else shipped_table()
    return [(place.code, place.name, place.country) for place in places(data)]
