"""The directory's answer to `cases.providers.hotlines_for`: national lines are services.

Settings name this function (`HARBOR_HOTLINES_PROVIDER`), so screening, safety and documentation
get their hotlines from the directory through `cases`, without importing `referrals`.
"""

from __future__ import annotations

from django.db.models import Prefetch

from cases.providers import Hotline
from referrals.models import Language, Phone, Schedule, Service

VOICE_TYPES = ("voice", "cell", "")
TEXT_TYPES = ("text",)


def hotlines_for(*, jurisdiction: str, language: str = "en") -> list[Hotline]:
    """The national lines serving `jurisdiction` (its country's lines), best first.

    Lines that speak the patient's language come first among lines of the same rank.
    """
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
    return [line for _rank, line in ranked]


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
