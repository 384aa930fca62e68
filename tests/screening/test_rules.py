"""Screening rules: concern summary, instrument scoring and content loaders, case by case."""

from __future__ import annotations

import copy
import re

import pytest

from cases.schemas import ContentInvalid
from screening.rules import (
    DISCLAIMER,
    AnswerFact,
    AnswerStatus,
    ConcernLevel,
    IndicatorWeight,
    Instrument,
    InstrumentItem,
    ObservedIndicator,
    concern_summary,
    load_bank,
    load_indicators,
    load_instrument,
    score_instrument,
)

THREATS = "threats-violence-and-exploitation"
CONTROL = "control-over-id-money-and-contact"
ENVIRONMENT = "environment-and-daily-life"
AUTONOMY = "autonomy-and-boundaries"


def strong(slug: str = "ownership-tattoo") -> ObservedIndicator:
    return ObservedIndicator(slug, f"strong sign {slug}", IndicatorWeight.STRONG)


def supporting(slug: str = "constant-phone-checks") -> ObservedIndicator:
    return ObservedIndicator(slug, f"supporting sign {slug}", IndicatorWeight.SUPPORTING)


def answer(theme: str, slug: str = "q", *, concern: bool = False) -> AnswerFact:
    return AnswerFact(slug, theme, AnswerStatus.ANSWERED, concern)


def concern(theme: str, slug: str = "q") -> AnswerFact:
    return answer(theme, slug, concern=True)


def declined(theme: str, slug: str = "q", *, concern: bool = False) -> AnswerFact:
    return AnswerFact(slug, theme, AnswerStatus.DECLINED, concern)


def not_asked(theme: str, slug: str = "q", *, concern: bool = False) -> AnswerFact:
    return AnswerFact(slug, theme, AnswerStatus.NOT_ASKED, concern)


# --- concern_summary: every path to every level -----------------------------------------------

LEVEL_CASES = [
    # NONE
    pytest.param([], [], True, ConcernLevel.NONE, "No concern", id="nothing-observed-or-noted"),
    pytest.param(
        [supporting()], [], True, ConcernLevel.NONE, "fewer than two", id="one-supporting-sign"
    ),
    pytest.param(
        [],
        [answer(THREATS), answer(ENVIRONMENT, "q2")],
        True,
        ConcernLevel.NONE,
        "No concern",
        id="answers-without-concern",
    ),
    pytest.param(
        [],
        [declined(THREATS, concern=True)],
        True,
        ConcernLevel.NONE,
        "No concern",
        id="concern-flag-on-declined-question-ignored",
    ),
    pytest.param(
        [],
        [not_asked(CONTROL, concern=True)],
        True,
        ConcernLevel.NONE,
        "No concern",
        id="concern-flag-on-unasked-question-ignored",
    ),
    pytest.param(
        [],
        [declined(THREATS, "a"), declined(CONTROL, "b")],
        True,
        ConcernLevel.NONE,
        "No concern",
        id="declined-questions-never-raise-level",
    ),
    pytest.param(
        [supporting()], [], False, ConcernLevel.NONE, "No concern", id="gate-not-met-one-supporting"
    ),
    # POSSIBLE
    pytest.param(
        [strong()], [], True, ConcernLevel.POSSIBLE, "one strong sign", id="one-strong-sign"
    ),
    pytest.param(
        [],
        [concern(ENVIRONMENT)],
        True,
        ConcernLevel.POSSIBLE,
        "concern was noted in one answer",
        id="one-concern-in-ordinary-theme",
    ),
    pytest.param(
        [supporting("a"), supporting("b")],
        [],
        True,
        ConcernLevel.POSSIBLE,
        "2 supporting signs",
        id="two-supporting-signs",
    ),
    pytest.param(
        [supporting(s) for s in "abcde"],
        [],
        True,
        ConcernLevel.POSSIBLE,
        "5 supporting signs",
        id="many-supporting-signs-never-reach-high",
    ),
    pytest.param(
        [supporting("a")],
        [concern(AUTONOMY)],
        True,
        ConcernLevel.POSSIBLE,
        "concern was noted in one answer",
        id="supporting-sign-plus-one-ordinary-concern",
    ),
    pytest.param(
        [strong()],
        [],
        False,
        ConcernLevel.POSSIBLE,
        "one strong sign",
        id="gate-not-met-one-strong-sign",
    ),
    pytest.param(
        [supporting("a"), supporting("b")],
        [not_asked(ENVIRONMENT)],
        False,
        ConcernLevel.POSSIBLE,
        "2 supporting signs",
        id="gate-not-met-unasked-facts-allowed",
    ),
    # HIGH
    pytest.param(
        [],
        [concern(THREATS)],
        True,
        ConcernLevel.HIGH,
        "threats, violence or pressure",
        id="concern-in-threats-theme",
    ),
    pytest.param(
        [],
        [concern(CONTROL)],
        True,
        ConcernLevel.HIGH,
        "control of ID, money or contact",
        id="concern-in-control-theme",
    ),
    pytest.param(
        [],
        [concern(ENVIRONMENT, "a"), concern(AUTONOMY, "b")],
        True,
        ConcernLevel.HIGH,
        "concerns were noted in 2 answers",
        id="two-concerns-in-ordinary-themes",
    ),
    pytest.param(
        [strong("a"), strong("b")],
        [],
        True,
        ConcernLevel.HIGH,
        "2 strong signs",
        id="two-strong-signs",
    ),
    pytest.param(
        [strong()],
        [concern(ENVIRONMENT)],
        True,
        ConcernLevel.HIGH,
        "strong sign was observed and a concern was noted",
        id="strong-sign-plus-ordinary-concern",
    ),
    pytest.param(
        [strong("a"), strong("b")],
        [],
        False,
        ConcernLevel.HIGH,
        "2 strong signs",
        id="gate-not-met-two-strong-signs",
    ),
]


@pytest.mark.parametrize(("indicators", "answers", "gate_met", "level", "why"), LEVEL_CASES)
def test_concern_level_and_the_rule_that_decided_it(indicators, answers, gate_met, level, why):
    summary = concern_summary(indicators, answers, gate_met=gate_met)

    assert summary.level is level
    assert any(why in reason for reason in summary.reasons), summary.reasons


def test_high_concern_lists_every_rule_that_applies():
    summary = concern_summary(
        [strong("a"), strong("b")],
        [concern(THREATS, "x"), concern(ENVIRONMENT, "y")],
        gate_met=True,
    )

    level_reasons = [r for r in summary.reasons if r.startswith("High concern")]
    assert len(level_reasons) == 4
    assert not any(r.startswith("Possible concern") for r in summary.reasons)


def test_each_indicator_and_each_concern_answer_is_named_in_the_reasons():
    indicators = [strong("ownership-tattoo"), supporting("constant-phone-checks")]
    answers = [
        concern(CONTROL, "who-holds-documents"),
        answer(ENVIRONMENT, "sleeping-and-meals"),
    ]

    reasons = concern_summary(indicators, answers, gate_met=True).reasons

    assert "Observed (strong sign): strong sign ownership-tattoo" in reasons
    assert "Observed (supporting sign): supporting sign constant-phone-checks" in reasons
    assert any("'who-holds-documents'" in r and f"'{CONTROL}'" in r for r in reasons)
    assert not any("sleeping-and-meals" in r for r in reasons)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        pytest.param([declined(ENVIRONMENT)], "Patient declined 1 question;", id="one"),
        pytest.param(
            [declined(ENVIRONMENT, "a"), declined(THREATS, "b"), answer(AUTONOMY, "c")],
            "Patient declined 2 questions;",
            id="two",
        ),
    ],
)
def test_declined_questions_are_counted_in_the_reasons(answers, expected):
    reasons = concern_summary([], answers, gate_met=True).reasons

    assert any(r.startswith(expected) for r in reasons), reasons


def test_no_declined_line_when_nothing_was_declined():
    reasons = concern_summary([], [answer(ENVIRONMENT)], gate_met=True).reasons

    assert not any("declined" in r for r in reasons)


def test_gate_not_met_is_the_first_reason_and_adds_a_next_step():
    summary = concern_summary([strong()], [], gate_met=False)

    assert summary.reasons[0].startswith("The patient could not be seen alone")
    assert "observed signs only" in summary.reasons[0]
    assert "see the patient alone" in summary.next_steps[-1]


def test_gate_met_says_nothing_about_the_gate():
    summary = concern_summary([strong()], [], gate_met=True)

    assert not any("could not be seen alone" in r for r in summary.reasons)
    assert not any("see the patient alone" in s for s in summary.next_steps)


@pytest.mark.parametrize(
    "status", [AnswerStatus.ANSWERED, AnswerStatus.DECLINED], ids=["answered", "declined"]
)
def test_answers_recorded_without_the_gate_are_refused(status):
    with pytest.raises(ValueError, match="gate was not met"):
        concern_summary([], [AnswerFact("q", ENVIRONMENT, status, False)], gate_met=False)


@pytest.mark.parametrize(
    ("indicators", "answers", "expected_steps"),
    [
        pytest.param(
            [],
            [concern(THREATS)],
            ["safety protocol", "supervisor", "reporting requirements", "referrals", "helpline"],
            id="high",
        ),
        pytest.param(
            [strong()],
            [],
            ["trauma-informed conversation", "universal education", "supervisor", "follow-up"],
            id="possible",
        ),
        pytest.param(
            [], [], ["universal education", "Document that screening was done"], id="none"
        ),
    ],
)
def test_next_steps_follow_the_level(indicators, answers, expected_steps):
    steps = " ".join(concern_summary(indicators, answers, gate_met=True).next_steps)

    for expected in expected_steps:
        assert expected in steps


@pytest.mark.parametrize(
    ("indicators", "answers"),
    [
        pytest.param([], [], id="none"),
        pytest.param([strong()], [], id="possible"),
        pytest.param([strong("a"), strong("b")], [declined(ENVIRONMENT)], id="high"),
    ],
)
def test_disclaimer_is_always_given_and_no_text_names_the_crime(indicators, answers):
    summary = concern_summary(indicators, answers, gate_met=True)

    assert summary.disclaimer == DISCLAIMER
    assert "not a validated screening score" in summary.disclaimer
    assert "clinical judgement decides" in summary.disclaimer
    every_text = [*summary.reasons, *summary.next_steps, summary.disclaimer]
    assert not any("traffick" in text.lower() for text in every_text)


# --- score_instrument ---------------------------------------------------------------------------


def make_instrument(threshold: int) -> Instrument:
    return Instrument(
        slug="test-screen",
        title="Test screen",
        version=1,
        items=tuple(InstrumentItem(slug, f"Item {slug}?", "yes_no") for slug in "abcd"),
        positive_if_at_least=threshold,
        min_age=18,
        max_age=120,
        validation_note="Test note",
        demo=True,
    )


SCORE_CASES = [
    pytest.param(
        1,
        {"a": True, "b": False, "c": False, "d": False},
        30,
        (True, True, 1, 4, "Positive"),
        id="one-yes-at-threshold-one",
    ),
    pytest.param(
        1,
        {"a": True},
        30,
        (True, True, 1, 1, "Positive"),
        id="positive-before-all-answered",
    ),
    pytest.param(
        1,
        {"a": False, "b": False, "c": False, "d": False},
        30,
        (True, False, 0, 4, "Negative"),
        id="all-no-is-negative",
    ),
    pytest.param(
        2,
        {"a": True, "b": True, "c": False, "d": False},
        30,
        (True, True, 2, 4, "Positive"),
        id="exactly-at-threshold-two",
    ),
    pytest.param(
        2,
        {"a": True, "b": False, "c": False, "d": False},
        30,
        (True, False, 1, 4, "Negative"),
        id="one-below-threshold-all-answered",
    ),
    pytest.param(
        2,
        {"a": True, "b": False},
        30,
        (True, None, 1, 2, "Incomplete"),
        id="incomplete-unanswered-could-reach",
    ),
    pytest.param(
        2,
        {"a": True, "b": False, "c": False, "d": None},
        30,
        (True, None, 1, 3, "Incomplete"),
        id="incomplete-exactly-reachable",
    ),
    pytest.param(
        2,
        {"a": False, "b": False, "c": False, "d": None},
        30,
        (True, False, 0, 3, "Negative"),
        id="negative-decided-despite-unanswered",
    ),
    pytest.param(
        1,
        {},
        30,
        (True, None, 0, 0, "Incomplete"),
        id="nothing-answered",
    ),
    pytest.param(
        1,
        {"a": None, "b": None, "c": None, "d": None},
        30,
        (True, None, 0, 0, "Incomplete"),
        id="none-values-count-as-unanswered",
    ),
    pytest.param(
        1,
        {"a": True},
        18,
        (True, True, 1, 1, "Positive"),
        id="age-at-lower-bound",
    ),
    pytest.param(
        1,
        {"a": True},
        120,
        (True, True, 1, 1, "Positive"),
        id="age-at-upper-bound",
    ),
    pytest.param(
        1,
        {"a": True},
        17,
        (False, None, 1, 1, "below this instrument's range (18–120)"),
        id="age-below-range",
    ),
    pytest.param(
        1,
        {"a": True},
        121,
        (False, None, 1, 1, "above this instrument's range (18–120)"),
        id="age-above-range",
    ),
    pytest.param(
        1,
        {"a": True},
        None,
        (True, True, 1, 1, "Age unknown"),
        id="age-unknown-still-scored",
    ),
]


@pytest.mark.parametrize(("threshold", "answers", "age", "expected"), SCORE_CASES)
def test_score_instrument(threshold, answers, age, expected):
    applicable, positive, yes_count, answered_count, why = expected

    result = score_instrument(make_instrument(threshold), answers, age=age)

    assert result.applicable is applicable
    assert result.positive is positive
    assert (result.yes_count, result.answered_count) == (yes_count, answered_count)
    assert any(why in reason for reason in result.reasons), result.reasons


def test_applicable_result_carries_the_validation_note_and_age_only_when_unknown():
    known = score_instrument(make_instrument(1), {"a": True}, age=40)
    unknown = score_instrument(make_instrument(1), {"a": True}, age=None)

    assert known.reasons[-1] == "Test note"
    assert not any("Age unknown" in r for r in known.reasons)
    assert unknown.reasons[0].startswith("Age unknown")


def test_out_of_range_result_gives_only_the_age_reason():
    result = score_instrument(make_instrument(1), {"a": True}, age=12)

    assert len(result.reasons) == 1
    assert result.reasons[0].startswith("Not applicable")


def test_answers_for_another_instrument_are_refused():
    with pytest.raises(ValueError, match="not in test-screen version 1: zz"):
        score_instrument(make_instrument(1), {"a": True, "zz": True}, age=30)


@pytest.mark.parametrize("value", [1, "yes", 0], ids=["int-one", "string", "int-zero"])
def test_answers_must_be_true_false_or_none(value):
    with pytest.raises(ValueError, match="must be yes"):
        score_instrument(make_instrument(1), {"a": value}, age=30)


# --- Loaders ------------------------------------------------------------------------------------

VALID_BANK = {
    "slug": "guide",
    "title": "Guide",
    "version": 1,
    "source": "Test source",
    "themes": [
        {
            "slug": "theme-a",
            "title": "Theme A",
            "purpose": "Purpose A",
            "questions": [{"slug": "q-one", "text": "One?"}, {"slug": "q-two", "text": "Two?"}],
        },
        {
            "slug": "theme-b",
            "title": "Theme B",
            "purpose": "Purpose B",
            "questions": [{"slug": "q-three", "text": "Three?"}],
        },
    ],
    "principles": [{"title": "P", "text": "Principle text"}],
    "guidance": [{"title": "G", "text": "Guidance text"}],
}


def test_load_bank_builds_the_dataclasses():
    bank = load_bank(VALID_BANK)

    assert (bank.slug, bank.title, bank.version, bank.source) == (
        "guide",
        "Guide",
        1,
        "Test source",
    )
    assert [t.slug for t in bank.themes] == ["theme-a", "theme-b"]
    assert bank.themes[0].questions[1].text == "Two?"
    assert bank.principles[0].title == "P"
    assert bank.guidance[0].text == "Guidance text"


def test_principles_and_guidance_are_optional():
    data = {k: v for k, v in VALID_BANK.items() if k not in ("principles", "guidance")}

    bank = load_bank(data)

    assert bank.principles == () and bank.guidance == ()


def _broken_bank(change):
    data = copy.deepcopy(VALID_BANK)
    change(data)
    return data


BROKEN_BANKS = [
    pytest.param(["not", "an", "object"], "must be an object", id="not-an-object"),
    pytest.param(_broken_bank(lambda d: d.pop("title")), "title is missing", id="no-title"),
    pytest.param(_broken_bank(lambda d: d.pop("source")), "source is missing", id="no-source"),
    pytest.param(
        _broken_bank(lambda d: d.update(title="  ")), "title: must not be empty", id="blank-title"
    ),
    pytest.param(
        _broken_bank(lambda d: d.update(version="1")),
        "version: must be a whole number",
        id="version-text",
    ),
    pytest.param(
        _broken_bank(lambda d: d.update(version=True)),
        "version: must be a whole number",
        id="version-bool",
    ),
    pytest.param(
        _broken_bank(lambda d: d.update(version=0)),
        "version: must be at least 1",
        id="version-zero",
    ),
    pytest.param(
        _broken_bank(lambda d: d.update(slug="Guide Two")),
        "slug: must be lowercase letters and digits joined by hyphens",
        id="bad-slug",
    ),
    pytest.param(
        _broken_bank(lambda d: d.update(themes=[])),
        "themes: needs at least 1",
        id="no-themes",
    ),
    pytest.param(
        _broken_bank(lambda d: d["themes"][0].update(questions=[])),
        "themes 1 › questions: needs at least 1",
        id="theme-without-questions",
    ),
    pytest.param(
        _broken_bank(lambda d: d["themes"][1].pop("purpose")),
        "themes 2: purpose is missing",
        id="theme-without-purpose",
    ),
    pytest.param(
        _broken_bank(lambda d: d["themes"][0]["questions"][1].pop("text")),
        "themes 1 › questions 2: text is missing",
        id="question-without-text",
    ),
    pytest.param(
        _broken_bank(lambda d: d["themes"][1]["questions"][0].update(slug="q-one")),
        "themes 2 › questions 1 › slug: q-one is used twice",
        id="question-slug-repeated-across-themes",
    ),
    pytest.param(
        _broken_bank(lambda d: d["themes"][1].update(slug="theme-a")),
        "themes 2 › slug: theme-a is used twice",
        id="theme-slug-repeated",
    ),
    pytest.param(
        _broken_bank(lambda d: d["principles"][0].pop("text")),
        "principles 1: text is missing",
        id="principle-without-text",
    ),
    pytest.param(
        _broken_bank(lambda d: d.update(guidance="be kind")),
        "guidance: must be a list",
        id="guidance-not-a-list",
    ),
]


@pytest.mark.parametrize(("data", "message"), BROKEN_BANKS)
def test_malformed_bank_raises_content_error_saying_what_is_wrong(data, message):
    with pytest.raises(ContentInvalid, match=re.escape(message)):
        load_bank(data)


VALID_CHECKLIST = {
    "source": "Test",
    "indicators": [
        {
            "slug": "a",
            "text": "A",
            "category": "c",
            "weight": "strong",
            "follow_up_question": "Why?",
        },
        {"slug": "b", "text": "B", "category": "c", "weight": "supporting"},
    ],
}


def test_load_indicators_builds_observed_indicators():
    first, second = load_indicators(VALID_CHECKLIST)

    assert first == ObservedIndicator("a", "A", IndicatorWeight.STRONG, "c", "Why?")
    assert second.weight is IndicatorWeight.SUPPORTING
    assert second.follow_up_question == ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(lambda d: d.pop("source"), "source is missing", id="no-source"),
        pytest.param(
            lambda d: d["indicators"][0].update(weight="medium"),
            "indicators 1 › weight: must be one of strong, supporting",
            id="unknown-weight",
        ),
        pytest.param(
            lambda d: d["indicators"][1].update(slug="a"),
            "indicators 2 › slug: a is used twice",
            id="repeated-slug",
        ),
        pytest.param(
            lambda d: d["indicators"][1].pop("category"),
            "indicators 2: category is missing",
            id="no-category",
        ),
    ],
)
def test_malformed_checklist_raises_content_error(change, message):
    data = copy.deepcopy(VALID_CHECKLIST)
    change(data)

    with pytest.raises(ContentInvalid, match=re.escape(message)):
        load_indicators(data)


VALID_INSTRUMENT = {
    "slug": "screen",
    "title": "Screen",
    "version": 2,
    "demo": False,
    "items": [
        {"slug": "a", "text": "A?", "answer_type": "yes_no"},
        {"slug": "b", "text": "B?", "answer_type": "yes_no"},
    ],
    "positive_if_at_least": 2,
    "min_age": 11,
    "max_age": 17,
    "validation_note": "Note",
    "source": "Source",
}


def test_load_instrument_builds_the_dataclass():
    instrument = load_instrument(VALID_INSTRUMENT)

    assert instrument == Instrument(
        slug="screen",
        title="Screen",
        version=2,
        items=(InstrumentItem("a", "A?", "yes_no"), InstrumentItem("b", "B?", "yes_no")),
        positive_if_at_least=2,
        min_age=11,
        max_age=17,
        validation_note="Note",
        demo=False,
        source="Source",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            lambda d: d.update(positive_if_at_least=3),
            "positive_if_at_least: There would be only 2 items, so 3 yes answers could never",
            id="threshold-above-item-count",
        ),
        pytest.param(
            lambda d: d.update(positive_if_at_least=0),
            "positive_if_at_least: must be at least 1",
            id="threshold-zero",
        ),
        pytest.param(
            lambda d: d.update(min_age=18),
            "max_age: The oldest age must not be below the youngest.",
            id="empty-age-range",
        ),
        pytest.param(
            lambda d: d.update(max_age=-1), "max_age: must be at least 0", id="negative-age"
        ),
        pytest.param(
            lambda d: d["items"][0].update(answer_type="scale"),
            "items 1 › answer_type: must be one of yes_no",
            id="unknown-answer-type",
        ),
        pytest.param(
            lambda d: d.update(demo="no"), "demo: must be true or false", id="demo-not-boolean"
        ),
        pytest.param(
            lambda d: d["items"][1].update(slug="a"),
            "items 2 › slug: a is used twice",
            id="repeated-item",
        ),
        pytest.param(
            lambda d: d.pop("validation_note"),
            "validation_note is missing",
            id="no-note",
        ),
        pytest.param(lambda d: d.update(items=[]), "items: needs at least 1", id="no-items"),
    ],
)
def test_malformed_instrument_raises_content_error(change, message):
    data = copy.deepcopy(VALID_INSTRUMENT)
    change(data)

    with pytest.raises(ContentInvalid, match=re.escape(message)):
        load_instrument(data)


def test_reasons_name_the_question_text_and_theme_title_when_given():
    fact = AnswerFact(
        "who-holds-documents",
        CONTROL,
        AnswerStatus.ANSWERED,
        True,
        question_text="Who usually holds onto your important documents?",
        theme_title="Control over ID, money and contact",
    )

    reasons = concern_summary([], [fact], gate_met=True).reasons

    assert (
        "Concern noted in the answer to “Who usually holds onto your important documents?” "
        "(Control over ID, money and contact)"
    ) in reasons
    assert not any("who-holds-documents" in reason for reason in reasons)
