"""The directory's answer to `cases.providers.hotlines_for`: national lines are services.

Settings name this function (`HARBOR_HOTLINES_PROVIDER`), so screening, safety and documentation
get their hotlines from the directory through `cases`, without importing `referrals`.

The gate, Care, Reporting, the notes and the printed papers all ask for them, so the answer is
kept per process, keyed on the directory's version marker (`referrals.directory_version`, which
every write to the directory changes, however it is made), the place and the language: one
small query instead of five while the directory stays as it is, and a change is read at once.
"""

from __future__ import annotations

import threading

from django.db.models import Prefetch

from cases.providers import Hotline
from referrals.directory_version import directory_version
from referrals.models import Language, Phone, Schedule, Service

VOICE_TYPES = ("voice", "cell", "")
TEXT_TYPES = ("text",)


# (marker, {(jurisdiction, language): lines}): only the current marker's answers are kept, so a
# directory change drops the rest. `Hotline` is frozen; callers get a list of their own.
_kept: tuple[str, dict[tuple[str, str], tuple[Hotline, ...]]] = ("", {})
_lock = threading.Lock()
KEPT_LIMIT = 1000  # places × languages asked for; far more than there are


def hotlines_for(*, jurisdiction: str, language: str = "en") -> list[Hotline]:
    """The national lines serving `jurisdiction` (its country's lines), best first.

    Lines that speak the patient's language come first among lines of the same rank.
    """
    global _kept
    marker = directory_version()
    if marker is None:  # inside a transaction that changed the directory: read it afresh
        return list(read_hotlines(jurisdiction=jurisdiction, language=language))
    key = (jurisdiction, language)
    with _lock:
        kept_marker, lines = _kept
        found = lines.get(key) if kept_marker == marker else None
    if found is None:
        # Read outside the lock: two threads may read the same lines at once, harmlessly.
        found = read_hotlines(jurisdiction=jurisdiction, language=language)
        with _lock:
            kept_marker, lines = _kept
            if kept_marker != marker or len(lines) >= KEPT_LIMIT:
                lines = {}
                _kept = (marker, lines)
            lines[key] = found
    return list(found)


def read_hotlines(*, jurisdiction: str, language: str) -> tuple[Hotline, ...]:
    """`hotlines_for` read from the directory's rows, without keeping anything."""
    services = (
        Service.objects.listed()
        .serving(jurisdiction)
        .filter(hotline_rank__isnull=False)
        .prefetch_related(
            Prefetch("phones", queryset=Phone.objects.order_by("position")),
            Prefetch("languages", queryset=Language.objects.order_by("position")),
            Prefetch("schedules", queryset=Schedule.objects.order_by("position")),
            "service_areas",
        )
    )
    ranked = [(service.hotline_rank or 0, _hotline(service)) for service in services]
    ranked.sort(key=lambda pair: (pair[0], language not in pair[1].languages, pair[1].full_name))
    return tuple(line for _rank, line in ranked)


def _hotline(service: Service) -> Hotline:
    phones = list(service.phones.all())
    voice = next((p.number for p in phones if p.type in VOICE_TYPES), "")
    text = next((p.number for p in phones if p.type in TEXT_TYPES), "")
    countries = sorted({area.extent.split("-")[0] for area in service.service_areas.all()})
    schedules = list(service.schedules.all())
    return Hotline(
        service_id=str(service.pk),
        screen_label=service.screen_label,
        full_name=service.name,
        phone=voice,
        text=text,
        hours="24/7" if service.always_open else " ".join(s.description for s in schedules),
        languages=tuple(lang.code for lang in service.languages.all() if lang.code),
        country=",".join(countries),
        translations=service.translations,
    )
