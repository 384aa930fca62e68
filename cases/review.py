"""Rules of supervisor review: pure functions over a case's timeline, no database.

Who may sign a case off, and what is still open on an escalated case, are read from the
timeline each phase keeps (DESIGN.md, "the timeline is the shared language"), so `cases` needs
no phase app to answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.events import EventKind

# Acting on a case as its supervisor is not working on it: reviewing, assigning and closing an
# escalation leave a supervisor free to sign the case off.
SUPERVISION_KINDS = frozenset(
    {
        EventKind.REVIEW_COMMENTED,
        EventKind.REVIEW_RETURNED,
        EventKind.REVIEW_SIGNED_OFF,
        EventKind.CASE_ASSIGNED,
        EventKind.CASE_ESCALATION_RESOLVED,
    }
)


@dataclass(frozen=True)
class Act:
    """One timeline entry, as these rules need it."""

    kind: str
    by_id: int
    payload: dict[str, object]


def worked_on(user_id: int, acts: Iterable[Act], *, created_by_id: int) -> bool:
    """Whether this person did clinical work on the case (opened it or wrote anything on its
    timeline other than supervision)."""
    if user_id == created_by_id:
        return True
    return any(act.by_id == user_id and act.kind not in SUPERVISION_KINDS for act in acts)


def sign_off_refusal(
    *, is_supervisor: bool, worked: bool, is_open: bool, signed_off: bool
) -> str | None:
    """Why this person may not sign the case off, or None when they may."""
    if not is_supervisor:
        return str(_("Only a supervisor signs a case off."))
    if worked:
        return str(_("You worked on this case, so another supervisor must sign it off."))
    if not is_open:
        return str(_("A closed case is not signed off."))
    if signed_off:
        return str(_("This case is already signed off."))
    return None


# Which referral events settle its follow-up: a date set, or the referral connected or closed.
FOLLOW_UP_SETTLED = frozenset(
    {
        EventKind.REFERRAL_FOLLOW_UP_SET,
        EventKind.REFERRAL_CONNECTED,
        EventKind.REFERRAL_CLOSED,
        EventKind.REFERRAL_DECLINED,
    }
)


def referrals_without_follow_up(acts: Iterable[Act]) -> int:
    """Referrals accepted whose follow-up is neither set nor settled."""
    accepted: set[object] = set()
    settled: set[object] = set()
    for act in acts:
        referral = act.payload.get("referral")
        if act.kind == EventKind.REFERRAL_ACCEPTED:
            accepted.add(referral)
        elif act.kind in FOLLOW_UP_SETTLED:
            settled.add(referral)
    return len(accepted - settled)


def threat_unanswered(acts_oldest_first: Iterable[Act]) -> bool:
    """A threat was reported and no safety item has been done since (nor the report withdrawn)."""
    open_threat = False
    for act in acts_oldest_first:
        if act.kind == EventKind.SAFETY_THREAT_REPORTED:
            open_threat = True
        elif act.kind in (EventKind.SAFETY_ITEM_DONE, EventKind.SAFETY_THREAT_WITHDRAWN):
            open_threat = False
    return open_threat


# The kinds the queue reads to say what is open; one query fetches them for a page of cases.
OPEN_ITEM_KINDS = frozenset(
    {
        EventKind.REFERRAL_ACCEPTED,
        EventKind.SAFETY_THREAT_REPORTED,
        EventKind.SAFETY_THREAT_WITHDRAWN,
        EventKind.SAFETY_ITEM_DONE,
    }
    | FOLLOW_UP_SETTLED
)


def open_items(*, report_outstanding: bool, acts_oldest_first: list[Act]) -> list[str]:
    """What is still open on an escalated case, in the words the queue shows."""
    items = []
    if report_outstanding:
        items.append(str(_("Report to log")))
    if threat_unanswered(acts_oldest_first):
        items.append(str(_("Safety items open")))
    referrals = referrals_without_follow_up(acts_oldest_first)
    if referrals:
        items.append(
            ngettext(
                "%(count)d referral without follow-up",
                "%(count)d referrals without follow-up",
                referrals,
            )
            % {"count": referrals}
        )
    return items


def waited(since: datetime, now: datetime) -> str:
    """How long an escalation has waited, short: "45 min", "3 h", "2 d"."""
    delta = max(now - since, timedelta(0))
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return str(_("%(n)d min") % {"n": minutes})
    if minutes < 48 * 60:
        return str(_("%(n)d h") % {"n": minutes // 60})
    return str(_("%(n)d d") % {"n": minutes // (24 * 60)})
