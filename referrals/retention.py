"""Retention hook (cases' purge_closed_cases command): notes on referrals go; statuses stay, so
the figures still count referrals offered, accepted and connected."""

from __future__ import annotations

from referrals.models import HelpDeclined, Referral, ReferralEntry


def purge(case_ids: list[int]) -> None:
    Referral.objects.filter(case_id__in=case_ids).update(share_scope="")
    ReferralEntry.objects.filter(referral__case_id__in=case_ids).update(
        override_reason="", introduced_to="", handover_how="", note=""
    )
    HelpDeclined.objects.filter(case_id__in=case_ids).update(note="")
