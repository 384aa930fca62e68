"""Pure decisions of the referral directory and the closed loop: no ORM, no request, no clock.

Everything the views and actions decide — may a referral move to that status, may this contact be
logged under the patient's safe-contact plan, is a directory entry stale, is a service open now —
is decided here, over frozen dataclasses, with the reasons a person will read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from cases.jurisdictions import JURISDICTION_CODE

# --- Referral status lifecycle -----------------------------------------------------------------


class Status(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CONTACTED = "contacted"
    CONNECTED = "connected"
    NO_RESPONSE = "no_response"
    CLOSED = "closed"


STATUS_LABELS = {
    Status.OFFERED: pgettext_lazy("referral status", "Offered"),
    Status.ACCEPTED: pgettext_lazy("referral status", "Accepted"),
    Status.DECLINED: pgettext_lazy("referral status", "Declined"),
    Status.CONTACTED: pgettext_lazy("referral status", "Recipient contacted"),
    Status.CONNECTED: pgettext_lazy("referral status", "Connected"),
    Status.NO_RESPONSE: pgettext_lazy("referral status", "No response"),
    Status.CLOSED: pgettext_lazy("referral status", "Closed"),
}

# Where a referral may go next. A declined offer can be offered again (people change their mind,
# and the refusal path asks to keep the door open); no response can be chased again.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.OFFERED: frozenset({Status.ACCEPTED, Status.DECLINED}),
    Status.ACCEPTED: frozenset({Status.CONTACTED, Status.CLOSED}),
    Status.DECLINED: frozenset({Status.OFFERED, Status.CLOSED}),
    Status.CONTACTED: frozenset({Status.CONNECTED, Status.NO_RESPONSE, Status.CLOSED}),
    Status.NO_RESPONSE: frozenset({Status.CONTACTED, Status.CLOSED}),
    Status.CONNECTED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}
# Still waiting for something: these carry the follow-up the case's next due date is drawn from.
OPEN_STATUSES = frozenset({Status.OFFERED, Status.ACCEPTED, Status.CONTACTED, Status.NO_RESPONSE})


@dataclass(frozen=True)
class TransitionFacts:
    current: Status
    target: Status
    consent_to_share: bool
    override_reason: str = ""


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""
    overridden: bool = False


def check_transition(facts: TransitionFacts) -> Decision:
    """May the referral move from `current` to `target`, and why not.

    Contacting the recipient shares the patient's information, so it needs the patient's consent
    to share — or an override with a reason (e.g. a mandated report), which is recorded as such.
    """
    if facts.target not in TRANSITIONS[facts.current]:
        return Decision(
            False,
            str(
                _("A referral that is “%(current)s” cannot become “%(target)s”.")
                % {
                    "current": STATUS_LABELS[facts.current],
                    "target": STATUS_LABELS[facts.target],
                }
            ),
        )
    if facts.target == Status.CONTACTED and not facts.consent_to_share:
        if facts.override_reason.strip():
            return Decision(True, str(_("Contacted without consent to share: override.")), True)
        return Decision(
            False,
            str(
                _(
                    "The patient has not agreed to share information with this recipient. "
                    "Record their consent, or give the reason for going ahead without it."
                )
            ),
        )
    return Decision(True)


# --- Safe-contact plan -------------------------------------------------------------------------


class ContactMethod(StrEnum):
    CALL = "call"
    VOICEMAIL = "voicemail"
    TEXT = "text"
    IN_PERSON = "in_person"


CONTACT_METHOD_LABELS = {
    ContactMethod.CALL: _("Phone call"),
    ContactMethod.VOICEMAIL: _("Voicemail"),
    ContactMethod.TEXT: _("Text message"),
    ContactMethod.IN_PERSON: _("In person, at a visit"),
}


@dataclass(frozen=True)
class ContactPlan:
    """The case's safe-contact preferences, as the clinician recorded them."""

    do_not_contact: bool
    may_call: bool
    may_leave_voicemail: bool
    may_text: bool
    safe_times: str = ""
    # Someone else may see or answer the patient's phone.
    phone_monitored: bool = False

    @property
    def no_safe_phone_contact(self) -> bool:
        return not (self.may_call or self.may_text or self.may_leave_voicemail)


@dataclass(frozen=True)
class ContactDecision:
    allowed: bool
    needs_override: bool
    warnings: tuple[str, ...]


# What a monitored phone would show someone else: a text or a voicemail stays on it.
TRACE_LEAVING = frozenset({ContactMethod.VOICEMAIL, ContactMethod.TEXT})


def plan_warnings(plan: ContactPlan) -> tuple[str, ...]:
    """What anyone about to contact the patient must see first."""
    if plan.do_not_contact:
        return (str(_("Do not contact the patient: the safe-contact plan forbids it.")),)
    warnings = []
    if plan.phone_monitored:
        warnings.append(
            str(
                _(
                    "The patient's phone may be monitored: no texts or voicemails, and call "
                    "only if the patient agreed to calls."
                )
            )
        )
    elif plan.no_safe_phone_contact:
        warnings.append(
            str(_("No safe phone contact is recorded: the patient's phone may be monitored."))
        )
    if plan.safe_times:
        warnings.append(str(_("Safe times: %(times)s") % {"times": plan.safe_times}))
    return tuple(warnings)


def check_patient_contact(plan: ContactPlan, method: ContactMethod) -> ContactDecision:
    """May this contact with the patient be logged as the plan stands.

    Speaking in person at a visit is always possible unless the plan says "do not contact";
    any remote method must be one the patient agreed to, and a monitored phone never gets a
    text or a voicemail. A forbidden contact needs an override (with its reason).
    """
    warnings = plan_warnings(plan)
    if plan.do_not_contact:
        return ContactDecision(False, True, warnings)
    permitted = {
        ContactMethod.CALL: plan.may_call,
        ContactMethod.VOICEMAIL: plan.may_leave_voicemail,
        ContactMethod.TEXT: plan.may_text,
        ContactMethod.IN_PERSON: True,
    }[method]
    if plan.phone_monitored and method in TRACE_LEAVING:
        refused = str(
            _("The patient's phone may be monitored: someone else could see it (%(method)s).")
            % {"method": str(CONTACT_METHOD_LABELS[method]).lower()}
        )
        return ContactDecision(False, True, (refused, *warnings))
    if permitted:
        return ContactDecision(True, False, warnings)
    refused = str(
        _("The patient did not agree to be reached by %(method)s.")
        % {"method": str(CONTACT_METHOD_LABELS[method]).lower()}
    )
    return ContactDecision(False, True, (refused, *warnings))


# --- Directory freshness -----------------------------------------------------------------------

DEFAULT_STALE_AFTER_DAYS = 180


class FreshnessState(StrEnum):
    FRESH = "fresh"
    STALE = "stale"
    NEVER = "never"


@dataclass(frozen=True)
class Freshness:
    state: FreshnessState
    age_days: int | None

    @property
    def is_stale(self) -> bool:
        return self.state != FreshnessState.FRESH

    @property
    def label(self) -> str:
        if self.state == FreshnessState.NEVER:
            return str(_("Never verified"))
        days = self.age_days or 0
        if self.is_stale:
            text = ngettext(
                "Verified %(days)s day ago — due for re-checking",
                "Verified %(days)s days ago — due for re-checking",
                days,
            )
        else:
            text = ngettext("Verified %(days)s day ago", "Verified %(days)s days ago", days)
        return text % {"days": days}


def freshness(assured: date | None, *, today: date, stale_after_days: int) -> Freshness:
    """How fresh a directory entry is: never verified and older than the limit both count stale."""
    if assured is None:
        return Freshness(FreshnessState.NEVER, None)
    age = (today - assured).days
    state = FreshnessState.STALE if age > stale_after_days else FreshnessState.FRESH
    return Freshness(state, age)


# --- Schedules ---------------------------------------------------------------------------------

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Opening:
    """One HSDS schedule row reduced to what "open now" needs (weekly rules only)."""

    byday: str
    opens_at: time | None
    closes_at: time | None


def parse_byday(byday: str) -> frozenset[str]:
    """The weekdays of an RRULE BYDAY list ("MO,TU" or "1MO"); unknown tokens are ignored."""
    days = set()
    for token in byday.upper().split(","):
        code = re.sub(r"^[+-]?\d*", "", token.strip())
        if code in WEEKDAYS:
            days.add(code)
    return frozenset(days)


def covers_whole_day(opening: Opening) -> bool:
    opens = opening.opens_at or time(0, 0)
    closes = opening.closes_at
    return opens == time(0, 0) and (closes is None or closes >= time(23, 59))


def is_always_open(openings: Sequence[Opening]) -> bool:
    """Every day of the week, all day (how HSDS expresses 24/7)."""
    covered: set[str] = set()
    for opening in openings:
        if covers_whole_day(opening):
            covered |= parse_byday(opening.byday)
    return covered == set(WEEKDAYS)


def is_open_at(openings: Sequence[Opening], at: datetime) -> bool:
    """Open at this local time. Hours past midnight are not modelled: a row closes by 23:59."""
    day = WEEKDAYS[at.weekday()]
    moment = at.time()
    for opening in openings:
        if day not in parse_byday(opening.byday):
            continue
        if covers_whole_day(opening):
            return True
        if opening.opens_at and opening.closes_at and opening.opens_at <= moment:
            if moment < opening.closes_at:
                return True
    return False


# --- Regions -----------------------------------------------------------------------------------


def regions_covering(jurisdiction: str) -> tuple[str, ...]:
    """The service-area codes that serve a place: itself, then its country ("CA-ON" → CA-ON, CA)."""
    code = jurisdiction.strip().upper()
    if not code or code == "DEFAULT":
        return ()
    country = code.split("-")[0]
    return (code, country) if country != code else (code,)


# --- Search keys -------------------------------------------------------------------------------
# A service's filterable facts held on its own row as the keys of one JSON object, so that the
# search's "has this term / speaks this language / serves this region" filters read one row (one
# GIN index on PostgreSQL) instead of probing three child tables per candidate.


def term_key(term_id: Any) -> str:
    return f"term:{term_id}"


def language_key(code: str) -> str:
    return f"language:{code}"


def area_key(extent: str) -> str:
    return f"area:{extent}"


def search_keys(
    *, term_ids: Iterable[Any], language_codes: Iterable[str], extents: Iterable[str]
) -> dict[str, int]:
    """The keys of a service's taxonomy terms, languages and service areas.

    Only areas given as a region code (CA, CA-ON) get a key: the region filter asks for no
    other, and an HSDS extent may be a whole GeoJSON shape. Blank languages are left out.
    """
    keys = [term_key(t) for t in term_ids]
    keys += [language_key(code) for code in language_codes if code]
    keys += [area_key(e) for e in extents if e != "DEFAULT" and JURISDICTION_CODE.match(e)]
    return dict.fromkeys(sorted(keys), 1)


# --- Free text ---------------------------------------------------------------------------------


def normalise_text(*parts: str) -> str:
    """Lower-case words separated by single spaces, with a leading space, for prefix matching.

    The same string feeds SQLite's LIKE ' word%' and PostgreSQL's trigram index, so both
    databases match a query word against the start of a word.
    """
    words = re.findall(r"\w+", " ".join(parts).lower())
    return " " + " ".join(words) + " " if words else ""


def query_words(text: str) -> tuple[str, ...]:
    """The words of a free-text query, at most eight (a longer query is not a search)."""
    return tuple(dict.fromkeys(re.findall(r"\w+", text.lower())))[:8]


# --- Help refused ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefusalFacts:
    national_line_offered: bool
    local_contacts_offered: bool
    discreet_card_offered: bool
    follow_up_proposed: bool


@dataclass(frozen=True)
class RefusalItem:
    slug: str
    text: str
    done: bool | None  # None: a way of being, not something a record can show


def refusal_checklist(facts: RefusalFacts) -> tuple[RefusalItem, ...]:
    """The "If help is declined" items, ticked from what the referral tab recorded.

    The slugs are those of the safety checklist of the same name, so it can be ticked from the
    `referral.help_declined` event without either app importing the other.
    """
    return (
        RefusalItem("do-not-judge", str(_("Accept the decision without judgement.")), None),
        RefusalItem(
            "no-negative-comments",
            str(_("Say nothing negative about the person controlling the patient.")),
            None,
        ),
        RefusalItem(
            "offer-hotline",
            str(_("Offer the confidential national line anyway.")),
            facts.national_line_offered,
        ),
        RefusalItem(
            "offer-team-contacts",
            str(_("Offer local contacts (social work, a local agency).")),
            facts.local_contacts_offered,
        ),
        RefusalItem(
            "offer-discreet-card",
            str(_("Offer a small discreet card with the numbers.")),
            facts.discreet_card_offered,
        ),
        RefusalItem(
            "safe-place",
            str(_("Say the hospital is a safe place to come back to.")),
            None,
        ),
        RefusalItem(
            "follow-up-visit",
            str(_("Propose a follow-up visit.")),
            facts.follow_up_proposed,
        ),
    )


def next_follow_up(due_dates: Iterable[date | None]) -> date | None:
    """The case's next follow-up: the earliest date among its open referrals."""
    dates = [d for d in due_dates if d is not None]
    return min(dates) if dates else None


def is_overdue(due: date | None, *, today: date) -> bool:
    return due is not None and due < today


# --- Harbor's own taxonomy, as people read it --------------------------------------------------

# The names of the terms Harbor ships (referrals/content/directory.json) in the interface
# language. The term rows keep their English names for HSDS export; a term a publisher adds,
# or one renamed in the directory, shows its stored name.
TERM_LABELS: dict[tuple[str, str], Any] = {
    ("harbor-flag", "trauma-informed"): _("Trauma-informed"),
    ("harbor-flag", "survivor-led"): _("Survivor-led"),
    ("harbor-flag", "serves-without-status"): _("Serves people without immigration status"),
    ("harbor-flag", "no-police-report"): _("No police report needed"),
    ("harbor-flag", "immigration-legal-help"): _("Immigration legal help"),
    ("harbor-flag", "warm-handover"): _("Takes warm handovers"),
    ("harbor-partner-kind", "law-enforcement"): _("Police"),
    ("harbor-partner-kind", "social-services"): _("Social services"),
    ("harbor-partner-kind", "legal-aid"): _("Legal aid"),
    ("harbor-partner-kind", "specialist-support"): _("Specialist survivor support"),
    ("harbor-partner-kind", "immigration-services"): _("Immigration services"),
    ("harbor-partner-kind", "mental-health"): pgettext_lazy("partner kind", "Mental health"),
    ("harbor-partner-kind", "housing"): pgettext_lazy("partner kind", "Housing"),
    ("harbor-partner-kind", "medical-forensic"): _("Medical and forensic examination"),
    ("harbor-partner-kind", "shelter"): _("Shelter"),
    ("harbor-partner-kind", "crisis-line"): _("Crisis and support line"),
    ("harbor-barrier", "transportation"): _("Transportation"),
    ("harbor-barrier", "housing"): pgettext_lazy("barrier", "Housing"),
    ("harbor-barrier", "language"): pgettext_lazy("barrier", "Language"),
    ("harbor-barrier", "legal-status"): _("Legal status"),
    ("harbor-barrier", "mental-health"): pgettext_lazy("barrier", "Mental health"),
    ("harbor-barrier", "substance-use"): _("Substance use"),
    ("harbor-barrier", "money"): _("Money"),
}


def term_label(taxonomy: str, code: str, name: str) -> str:
    """A taxonomy term's name in the interface language (its stored name if Harbor has none)."""
    label = TERM_LABELS.get((taxonomy, code))
    return str(label) if label is not None else name
