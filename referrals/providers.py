"""The directory's answer to `HARBOR_CASE_REFERRALS_PROVIDER`: a case's referrals, for the note
and the contacts handout. Settings name this function, so documentation gets the referrals through
`cases.providers.CaseReferral` without importing `referrals` (nor `referrals` documentation).
"""

from __future__ import annotations

from django.db.models import Prefetch

from cases.discretion import is_screen_safe, screen_label_for
from cases.models import Case
from cases.providers import CaseReferral
from referrals import rules
from referrals.hotlines import VOICE_TYPES
from referrals.models import Phone, Referral, Schedule


def case_referrals(*, case: Case, contacts: bool = True) -> list[CaseReferral]:
    """The case's referrals, newest first, each under a name paper may carry.

    The name is the entry's screen label, else its own name when that is screen-safe, else a
    neutral label: the handout is carried by the patient. No address is given: a partner's
    address (a shelter's) on the patient's paper could lead someone to them.

    Without `contacts` (the note: names and statuses only) no phone or hours are read: one
    query, and one more only when an entry's neutral label depends on its hours.
    """
    if not contacts:
        return _names_and_statuses(case)
    referrals = (
        Referral.objects.filter(case=case)
        .select_related("service")
        .prefetch_related(
            Prefetch("service__phones", queryset=Phone.objects.order_by("position")),
            Prefetch("service__schedules", queryset=Schedule.objects.order_by("position")),
        )
    )
    lines = []
    for referral in referrals:
        service = referral.service
        phone = next((p.number for p in service.phones.all() if p.type in VOICE_TYPES), "")
        hours = (
            "24/7"
            if service.always_open
            else " ".join(s.description for s in service.schedules.all() if s.description)
        )
        lines.append(
            CaseReferral(
                name=service.screen_label or screen_label_for(service.name, hours),
                phone=phone,
                hours=hours,
                status=referral.status_label,
            )
        )
    return lines


def _names_and_statuses(case: Case) -> list[CaseReferral]:
    """`case_referrals` without phones and hours, each line named exactly as there."""
    rows = list(
        Referral.objects.filter(case=case).values_list(
            "status", "service_id", "service__name", "service__screen_label", "service__always_open"
        )
    )
    # The hours matter to a name only where it falls back to a neutral label, which says
    # "24/7" when the hours do (`screen_label_for`): read the schedules of those entries alone.
    # ("24/7" in the hours joined by spaces is "24/7" in one of their descriptions.)
    unsure = {
        service_id
        for _, service_id, name, label, always_open in rows
        if not label and not always_open and not is_screen_safe(name)
    }
    round_the_clock = (
        set(
            Schedule.objects.filter(service__in=unsure, description__contains="24/7").values_list(
                "service_id", flat=True
            )
        )
        if unsure
        else set()
    )
    return [
        CaseReferral(
            name=label
            or screen_label_for(
                name, "24/7" if always_open or service_id in round_the_clock else ""
            ),
            status=str(rules.STATUS_LABELS[rules.Status(status)]),  # as Referral.status_label
        )
        for status, service_id, name, label, always_open in rows
    ]
