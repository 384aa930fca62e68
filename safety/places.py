"""The places the rule table holds rules for, for `cases` (HARBOR_JURISDICTIONS_PROVIDER)."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from safety.models import Jurisdiction
from safety.rule_table import place_name, places


def shipped_table() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        (files("safety") / "content" / "jurisdictions.json").read_text(encoding="utf-8")
    )
    return document


def jurisdiction_places() -> list[tuple[str, str, str]]:
    """(code, name, country) of each province, territory and state in force; the shipped table
    stands in before any is loaded, so a new install can start cases at once."""
    stored = [
        (code, place_name(name), country)
        for code, name, country in Jurisdiction.objects.published()
        .filter(slug__contains="-")
        .values_list("slug", "name", "country")
    ]
    if stored:
        return sorted(stored, key=lambda place: (place[2], place[1]))
    return [(place.code, place.name, place.country) for place in places(shipped_table())]
