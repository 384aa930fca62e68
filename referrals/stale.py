"""The directory's answer to `cases.providers.stale_directory_entries`."""

from __future__ import annotations

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.providers import StaleEntry
from referrals.models import DirectorySettings, Service


def stale_entries(*, facility_id: int | None, limit: int) -> list[StaleEntry]:
    days = DirectorySettings.stale_days_for(facility_id)
    services = (
        Service.objects.exclude(status=Service.Status.DEFUNCT)
        .stale(today=timezone.localdate(), stale_after_days=days)
        .order_by(F("assured_date").asc(nulls_first=True), "name")
        .only("id", "name", "assured_date")[:limit]
    )
    return [
        StaleEntry(
            name=service.name,
            assured=service.assured_date.isoformat() if service.assured_date else _("never"),
            url=reverse("referrals:service-edit", kwargs={"service_id": service.id}),
        )
        for service in services
    ]
