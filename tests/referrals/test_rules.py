"""The referral rules, table by table: every branch, no database."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from referrals import rules
from referrals.rules import (
    ContactMethod,
    ContactPlan,
    FreshnessState,
    Opening,
    RefusalFacts,
    Status,
    TransitionFacts,
)

ALLOWED = {
    (Status.OFFERED, Status.ACCEPTED),
    (Status.OFFERED, Status.DECLINED),
    (Status.ACCEPTED, Status.CONTACTED),
    (Status.ACCEPTED, Status.CLOSED),
    (Status.DECLINED, Status.OFFERED),
    (Status.DECLINED, Status.CLOSED),
    (Status.CONTACTED, Status.CONNECTED),
    (Status.CONTACTED, Status.NO_RESPONSE),
    (Status.CONTACTED, Status.CLOSED),
    (Status.NO_RESPONSE, Status.CONTACTED),
    (Status.NO_RESPONSE, Status.CLOSED),
    (Status.CONNECTED, Status.CLOSED),
}


@pytest.mark.parametrize("current", list(Status))
@pytest.mark.parametrize("target", list(Status))
def test_every_transition_is_allowed_only_if_listed(current, target):
    decision = rules.check_transition(TransitionFacts(current, target, consent_to_share=True))
    assert decision.allowed is ((current, target) in ALLOWED)
    if not decision.allowed:
        assert "cannot become" in decision.reason


@pytest.mark.parametrize(
    ("consent", "override", "allowed", "overridden", "reason_part"),
    [
        (True, "", True, False, ""),
        (False, "", False, False, "has not agreed to share"),
        (False, "   ", False, False, "has not agreed to share"),
        (False, "Mandated report to child protection", True, True, "override"),
    ],
)
def test_contacting_the_recipient_needs_consent_or_an_override(
    consent, override, allowed, overridden, reason_part
):
    decision = rules.check_transition(
        TransitionFacts(Status.ACCEPTED, Status.CONTACTED, consent, override)
    )
    assert (decision.allowed, decision.overridden) == (allowed, overridden)
    assert reason_part in decision.reason


def test_other_moves_do_not_need_consent():
    decision = rules.check_transition(
        TransitionFacts(Status.CONTACTED, Status.CONNECTED, consent_to_share=False)
    )
    assert decision.allowed and not decision.overridden


def plan(**kw) -> ContactPlan:
    values = dict(do_not_contact=False, may_call=False, may_leave_voicemail=False, may_text=False)
    values.update(kw)
    return ContactPlan(**values)


@pytest.mark.parametrize(
    ("the_plan", "method", "allowed", "needs_override"),
    [
        (plan(do_not_contact=True), ContactMethod.IN_PERSON, False, True),
        (plan(do_not_contact=True), ContactMethod.CALL, False, True),
        (plan(may_call=True), ContactMethod.CALL, True, False),
        (plan(may_call=True), ContactMethod.TEXT, False, True),
        (plan(may_call=True), ContactMethod.VOICEMAIL, False, True),
        (plan(may_text=True), ContactMethod.TEXT, True, False),
        (plan(may_leave_voicemail=True), ContactMethod.VOICEMAIL, True, False),
        (plan(), ContactMethod.IN_PERSON, True, False),
        (plan(), ContactMethod.CALL, False, True),
        # A monitored phone: in person is fine, a call only if agreed, never a trace left.
        (plan(phone_monitored=True), ContactMethod.IN_PERSON, True, False),
        (plan(phone_monitored=True), ContactMethod.CALL, False, True),
        (plan(phone_monitored=True, may_call=True), ContactMethod.CALL, True, False),
        (plan(phone_monitored=True, may_text=True), ContactMethod.TEXT, False, True),
        (
            plan(phone_monitored=True, may_leave_voicemail=True),
            ContactMethod.VOICEMAIL,
            False,
            True,
        ),
        (plan(phone_monitored=True, do_not_contact=True), ContactMethod.IN_PERSON, False, True),
    ],
)
def test_the_contact_plan_decides_each_method(the_plan, method, allowed, needs_override):
    decision = rules.check_patient_contact(the_plan, method)
    assert (decision.allowed, decision.needs_override) == (allowed, needs_override)


def test_a_refused_method_says_which():
    decision = rules.check_patient_contact(plan(may_call=True), ContactMethod.TEXT)
    assert decision.warnings[0] == "The patient did not agree to be reached by text message."


def test_a_text_to_a_monitored_phone_says_why_even_when_texts_were_agreed():
    decision = rules.check_patient_contact(
        plan(may_text=True, phone_monitored=True), ContactMethod.TEXT
    )
    assert decision.warnings[0] == (
        "The patient's phone may be monitored: someone else could see it (text message)."
    )


@pytest.mark.parametrize(
    ("the_plan", "expected"),
    [
        (plan(do_not_contact=True), ["Do not contact the patient"]),
        (plan(), ["phone may be monitored"]),
        (plan(may_call=True), []),
        (plan(may_text=True, safe_times="after 6 pm"), ["Safe times: after 6 pm"]),
        (plan(safe_times="mornings"), ["phone may be monitored", "Safe times: mornings"]),
        (plan(phone_monitored=True, may_call=True), ["call only if the patient agreed"]),
        (plan(phone_monitored=True, do_not_contact=True), ["Do not contact the patient"]),
    ],
)
def test_plan_warnings(the_plan, expected):
    warnings = rules.plan_warnings(the_plan)
    assert len(warnings) == len(expected)
    for warning, part in zip(warnings, expected, strict=True):
        assert part in warning


TODAY = date(2026, 12, 1)
TZ = ZoneInfo("America/Toronto")


@pytest.mark.parametrize(
    ("assured", "state", "age"),
    [
        (None, FreshnessState.NEVER, None),
        (date(2026, 12, 1), FreshnessState.FRESH, 0),
        (date(2026, 6, 4), FreshnessState.FRESH, 180),
        (date(2026, 6, 3), FreshnessState.STALE, 181),
    ],
)
def test_freshness_at_the_180_day_limit(assured, state, age):
    fresh = rules.freshness(assured, today=TODAY, stale_after_days=180)
    assert (fresh.state, fresh.age_days) == (state, age)
    assert fresh.is_stale is (state != FreshnessState.FRESH)


@pytest.mark.parametrize(
    ("assured", "language", "label"),
    [
        (None, "en", "Never verified"),
        (None, "fr", "Jamais vérifiée"),
        (TODAY, "en", "Verified 0 days ago"),
        (TODAY, "fr", "Vérifiée il y a 0 jour"),
        (date(2026, 11, 30), "en", "Verified 1 day ago"),
        (date(2026, 11, 28), "fr", "Vérifiée il y a 3 jours"),
        (date(2026, 11, 19), "en", "Verified 12 days ago — due for re-checking"),
        (date(2026, 11, 19), "fr", "Vérifiée il y a 12 jours — à revérifier"),
    ],
)
def test_freshness_labels(assured, language, label):
    with translation.override(language):
        assert rules.freshness(assured, today=TODAY, stale_after_days=10).label == label


ALL_WEEK = Opening("MO,TU,WE,TH,FR,SA,SU", time(0, 0), time(23, 59))
WEEKDAYS = Opening("MO,TU,WE,TH,FR", time(9, 0), time(17, 0))


@pytest.mark.parametrize(
    ("openings", "expected"),
    [
        ([ALL_WEEK], True),
        ([Opening("MO,TU,WE,TH,FR,SA,SU", None, None)], True),
        ([Opening("MO,TU,WE,TH,FR", time(0, 0), time(23, 59))], False),
        (
            [
                Opening("MO,TU,WE,TH,FR", time(0, 0), time(23, 59)),
                Opening("SA,SU", time(0, 0), time(23, 59)),
            ],
            True,
        ),
        ([WEEKDAYS], False),
        ([], False),
    ],
)
def test_always_open(openings, expected):
    assert rules.is_always_open(openings) is expected


@pytest.mark.parametrize(
    ("openings", "at", "expected"),
    [
        ([WEEKDAYS], datetime(2026, 12, 1, 10, 0, tzinfo=TZ), True),  # a Tuesday
        ([WEEKDAYS], datetime(2026, 12, 1, 17, 0, tzinfo=TZ), False),  # closes at 17:00
        ([WEEKDAYS], datetime(2026, 12, 1, 8, 59, tzinfo=TZ), False),
        ([WEEKDAYS], datetime(2026, 12, 5, 10, 0, tzinfo=TZ), False),  # a Saturday
        ([ALL_WEEK], datetime(2026, 12, 5, 3, 0, tzinfo=TZ), True),
        ([Opening("1TU", time(9, 0), time(12, 0))], datetime(2026, 12, 1, 11, 0, tzinfo=TZ), True),
        ([Opening("TU", None, time(12, 0))], datetime(2026, 12, 1, 11, 0, tzinfo=TZ), False),
    ],
)
def test_open_at(openings, at, expected):
    assert rules.is_open_at(openings, at) is expected


@pytest.mark.parametrize(
    ("byday", "days"),
    [("MO,TU", {"MO", "TU"}), ("1MO,-1FR", {"MO", "FR"}), ("xx, su", {"SU"}), ("", set())],
)
def test_parse_byday(byday, days):
    assert rules.parse_byday(byday) == days


@pytest.mark.parametrize(
    ("jurisdiction", "regions"),
    [
        ("CA-ON", ("CA-ON", "CA")),
        ("us-tx", ("US-TX", "US")),
        ("US", ("US",)),
        ("DEFAULT", ()),
        ("", ()),
    ],
)
def test_regions_covering(jurisdiction, regions):
    assert rules.regions_covering(jurisdiction) == regions


@pytest.mark.parametrize(
    ("terms", "languages", "extents", "keys"),
    [
        ([], [], [], {}),
        (["t1"], [], [], {"term:t1": 1}),
        ([], ["fr", ""], [], {"language:fr": 1}),
        ([], [], ["CA-ON", "", "ca-on", '{"type": "Polygon"}', "DEFAULT"], {"area:CA-ON": 1}),
        (
            ["t2", "t1", "t1"],
            ["pt", "en"],
            ["US", "US-NY"],
            {
                "area:US": 1,
                "area:US-NY": 1,
                "language:en": 1,
                "language:pt": 1,
                "term:t1": 1,
                "term:t2": 1,
            },
        ),
    ],
)
def test_search_keys(terms, languages, extents, keys):
    made = rules.search_keys(term_ids=terms, language_codes=languages, extents=extents)
    assert made == keys
    assert list(made) == sorted(keys)  # in a stable order, so a saved row compares equal


def test_normalised_text_and_query_words():
    assert rules.normalise_text("Legal-aid, Clinic!", "") == " legal aid clinic "
    assert rules.normalise_text("", "") == ""
    assert rules.query_words("Legal legal AID") == ("legal", "aid")
    assert len(rules.query_words(" ".join(f"w{i}" for i in range(20)))) == 8


@pytest.mark.parametrize(
    ("facts", "done"),
    [
        (RefusalFacts(False, False, False, False), set()),
        (RefusalFacts(True, False, False, False), {"offer-hotline"}),
        (
            RefusalFacts(True, True, True, True),
            {"offer-hotline", "offer-team-contacts", "offer-discreet-card", "follow-up-visit"},
        ),
    ],
)
def test_refusal_checklist_is_ticked_from_the_record(facts, done):
    items = rules.refusal_checklist(facts)
    assert {item.slug for item in items if item.done} == done
    # Conduct items are never "ticked" by a record.
    assert {item.slug for item in items if item.done is None} == {
        "do-not-judge",
        "no-negative-comments",
        "safe-place",
    }


def test_next_follow_up_and_overdue():
    assert rules.next_follow_up([None, date(2026, 12, 9), date(2026, 12, 3)]) == date(2026, 12, 3)
    assert rules.next_follow_up([None]) is None
    assert rules.is_overdue(date(2026, 11, 30), today=TODAY)
    assert not rules.is_overdue(TODAY, today=TODAY)
    assert not rules.is_overdue(None, today=TODAY)
