"""What `cases` asks of the phase apps without importing them.

The hotlines Harbor shows (gate, Care, Reporting, the discreet card) all come from the referral
directory. `cases` names the directory's function in settings (`HARBOR_HOTLINES_PROVIDER`), the way
it names the phases' tabs, so that no phase imports another: screening and safety ask
`hotlines_for(...)` here, and the directory answers. A case's referrals reach documentation the same
way (`HARBOR_CASE_REFERRALS_PROVIDER`, called with `case=` and `contacts=`, answering with
`CaseReferral`s; without contacts, phone and hours may be left empty).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Hotline:
    """One line to call, as every phase shows it.

    `screen_label` is what a screen shows by default and what paper may carry: it never names the
    crime (e.g. "National 24/7 helpline"). `full_name` is the line's own name, shown only behind
    a disclosure on screen and never printed.
    """

    service_id: str
    screen_label: str
    full_name: str
    phone: str
    text: str = ""
    hours: str = ""
    languages: tuple[str, ...] = ()
    country: str = ""
    # The screen label in other languages, {"fr": {"screen_label": "…"}} (`cases.languages`):
    # screens show the interface language's, paper the printed language's.
    translations: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


HotlineProvider = Callable[..., list[Hotline]]


@dataclass(frozen=True)
class CaseReferral:
    """One of a case's referrals as a note or a handout shows it: a printable name (never naming
    the crime), how to reach it, and the referral's status in words (for the team, not paper)."""

    name: str
    phone: str = ""
    hours: str = ""
    address: str = ""
    status: str = ""


def hotlines_for(*, jurisdiction: str, language: str = "en") -> list[Hotline]:
    """The hotlines for a case in `jurisdiction` (e.g. "CA-ON", "US-TX"), best first.

    Empty when no directory is installed: callers show their own "no line on file" text.
    """
    path = getattr(settings, "HARBOR_HOTLINES_PROVIDER", "")
    if not path:
        return []
    provider: HotlineProvider = import_string(path)
    return provider(jurisdiction=jurisdiction, language=language)


@dataclass(frozen=True)
class StaleEntry:
    """A directory entry due for re-checking, as an administrator's home lists it."""

    name: str
    assured: str
    url: str


def stale_directory_entries(*, facility_id: int | None, limit: int) -> list[StaleEntry] | None:
    """Directory entries gone stale for this facility (`HARBOR_STALE_DIRECTORY_PROVIDER`);
    None when no directory is installed, so the home shows no section for it."""
    path = getattr(settings, "HARBOR_STALE_DIRECTORY_PROVIDER", "")
    if not path:
        return None
    provider: Callable[..., list[StaleEntry]] = import_string(path)
    return provider(facility_id=facility_id, limit=limit)
