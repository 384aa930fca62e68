"""The directory's answer to `HARBOR_CASE_REFERRALS_PROVIDER`: a case's referrals, for the note
and the contacts handout. Settings name this function, so documentation gets the referrals through
`cases.providers.CaseReferral` without importing `referrals` (nor `referrals` documentation).
"""

from __future__ import annotations

from django.db.models import Prefetch

from cases.discretion import screen_label_for
from cases.models import Case
from cases.providers import CaseReferral
from referrals.hotlines import VOICE_TYPES
from referrals.models import Phone, Referral, Schedule


def case_referrals(*, case: Case) -> list[CaseReferral]:
    """The case's referrals, newest first, each under a name paper may carry.

    The name is the entry's screen label, else its own name when that is screen-safe, else a
    neutral label: the handout is carried by the patient. No address is given: a partner's
    address (a shelter's) on the patient's paper could lead someone to them.
    """
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
