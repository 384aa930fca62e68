"""Which jurisdictions a case or facility may be in, asked of the phase that holds the rules.

The rule table belongs to `safety`, which `cases` never imports: settings name the function that
lists the places (`HARBOR_JURISDICTIONS_PROVIDER`), as they name the tabs. A place Harbor has no
rules for is recorded only as the explicit ELSEWHERE, never as free text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

ELSEWHERE = "ELSEWHERE"
# The one shape of a place code: a country (CA), a subdivision (CA-ON), or the rule table's
# baseline (DEFAULT). Cases take only codes the rule table holds; the directory's service areas
# may name any well-formed place.
JURISDICTION_CODE = re.compile(r"^(DEFAULT|[A-Z]{2}(-[A-Z0-9]{1,3})?)$")
ELSEWHERE_LABEL = _("Elsewhere (no rules in Harbor)")
COUNTRY_NAMES = {"CA": _("Canada"), "US": _("United States")}

# (code, name, country code) for each province, territory or state with rules.
PlacesProvider = Callable[[], list[tuple[str, str, str]]]


def places() -> list[tuple[str, str, str]]:
    path = getattr(settings, "HARBOR_JURISDICTIONS_PROVIDER", "")
    if not path:
        return []
    provider: PlacesProvider = import_string(path)
    return provider()


def grouped_choices() -> list[tuple[str, object]]:
    """Choices for one <select>: places grouped by country (<optgroup>), then ELSEWHERE."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, name, country in places():
        groups.setdefault(country, []).append((code, name))
    choices: list[tuple[str, object]] = [
        (str(COUNTRY_NAMES.get(country, country)), members) for country, members in groups.items()
    ]
    choices.append((ELSEWHERE, str(ELSEWHERE_LABEL)))
    return choices


def jurisdiction_name(code: str) -> str:
    """The place's name for display (its code if the table no longer holds it)."""
    if code == ELSEWHERE:
        return str(ELSEWHERE_LABEL)
    return next((name for known, name, _country in places() if known == code), code)


def validate_jurisdiction(value: str) -> None:
    """Only a place the rule table holds, or the explicit ELSEWHERE."""
    if value != ELSEWHERE and value not in {code for code, _name, _country in places()}:
        raise ValidationError(
            _("Choose a province, territory or state from the list, or “%(elsewhere)s”."),
            params={"elsewhere": ELSEWHERE_LABEL},
            code="unknown_jurisdiction",
        )


def validate_place_code(value: str) -> None:
    """A well-formed country or subdivision code (CA, CA-ON, US-TX), with or without rules."""
    if value == "DEFAULT" or not JURISDICTION_CODE.match(value):
        raise ValidationError(
            _("Use a country or subdivision code like CA, CA-ON or US-TX (not “%(code)s”)."),
            params={"code": value},
            code="bad_place_code",
        )


def region_choices() -> list[tuple[str, object]]:
    """A search filter's choices: any region, then the places grouped by country."""
    return [("", str(_("Any region"))), *grouped_choices()[:-1]]


class JurisdictionField(forms.ChoiceField):
    """One native <select> grouped by country: accessible, and searchable by typing a name."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Province, territory or state"))
        kwargs.setdefault(
            "help_text", _("Its reporting rules apply. Type a name to jump to it in the list.")
        )
        super().__init__(choices=grouped_choices, validators=[validate_jurisdiction], **kwargs)
