"""Screening rules: the concern summary, brief-instrument scoring and loading content as data.

Everything here is pure: frozen dataclasses and enums in, a decision and the reasons for it out.
No Django, no database, no clock. Clinician-facing strings avoid naming the crime on purpose
(someone may be reading the screen over the clinician's shoulder).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cases.schemas import ContentInvalid, Problem, check_unique


class AnswerStatus(enum.StrEnum):
    NOT_ASKED = "not_asked"
    DECLINED = "declined"
    ANSWERED = "answered"


class ConcernLevel(enum.StrEnum):
    NONE = "none"
    POSSIBLE = "possible"
    HIGH = "high"


class IndicatorWeight(enum.StrEnum):
    STRONG = "strong"
    SUPPORTING = "supporting"


class ContentError(ContentInvalid):
    """Clinical content (a question bank, checklist or instrument) is malformed."""

    def __init__(self, message: str) -> None:
        super().__init__([Problem((), message)])


# --- Question bank -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    slug: str
    text: str


@dataclass(frozen=True)
class Theme:
    slug: str
    title: str
    purpose: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Principle:
    title: str
    text: str


@dataclass(frozen=True)
class GuidancePoint:
    title: str
    text: str


@dataclass(frozen=True)
class Bank:
    slug: str
    title: str
    version: int
    source: str
    themes: tuple[Theme, ...]
    principles: tuple[Principle, ...] = ()
    guidance: tuple[GuidancePoint, ...] = ()


# --- Concern summary -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ObservedIndicator:
    slug: str
    text: str
    weight: IndicatorWeight
    # Checklist details; the concern rules read only the weight.
    category: str = ""
    follow_up_question: str = ""


@dataclass(frozen=True)
class AnswerFact:
    question_slug: str
    theme_slug: str
    status: AnswerStatus
    concern: bool
    # Shown in the reasons when given: a clinician reads the question, not its slug.
    question_text: str = ""
    theme_title: str = ""


@dataclass(frozen=True)
class ConcernSummary:
    level: ConcernLevel
    reasons: tuple[str, ...]
    next_steps: tuple[str, ...]
    disclaimer: str


# A single concern in these themes is enough for high concern: held documents, taken earnings,
# watched contacts, threats to loved ones and forced work are the core of control, not context.
HIGH_CONCERN_THEMES = frozenset(
    {"control-over-id-money-and-contact", "threats-violence-and-exploitation"}
)

DISCLAIMER = (
    "The conversation guide is an aid for talking with the patient, not a validated screening "
    "score. This summary only gathers what was observed and noted; clinical judgement decides "
    "what happens next."
)

NEXT_STEPS = {
    ConcernLevel.HIGH: (
        "Start the safety protocol: keep the patient somewhere private and safe, and never put "
        "yourself in danger.",
        "Alert your supervisor now and escalate the case.",
        "Review the reporting requirements for this patient's age, situation and jurisdiction.",
        "Offer referrals that fit the patient's needs and language.",
        "Offer to call the confidential 24/7 helpline together with the patient, if they agree.",
    ),
    ConcernLevel.POSSIBLE: (
        "Continue the trauma-informed conversation when it is safe and the patient is willing.",
        "Offer universal education: give the helpline resources as you would to anyone.",
        "Consider a consultation with your supervisor.",
        "Schedule a follow-up visit; many people only talk at a later visit.",
    ),
    ConcernLevel.NONE: (
        "Offer universal education anyway: give the helpline resources as you would to anyone.",
        "Document that screening was done.",
    ),
}

GATE_NOT_MET_STEP = (
    "Look for another chance to see the patient alone, with a professional interpreter if "
    "needed, or book a follow-up visit."
)


def concern_summary(
    indicators: Sequence[ObservedIndicator],
    answers: Sequence[AnswerFact],
    *,
    gate_met: bool,
) -> ConcernSummary:
    """How concerned the team should be, from observed signs and concern-marked answers, and why.

    A concern mark counts only on a question the patient answered: declining a question is a
    patient's right and often a sign they do not feel safe *yet*, so it never raises the level
    (a concern flag left on a declined or unasked question is ignored). Declined questions are
    still listed, so the team knows the conversation was incomplete.

    HIGH when any of these holds:
      - a concern was marked in the "threats, violence and exploitation" or the "control over
        ID, money and contact" theme (see HIGH_CONCERN_THEMES);
      - concerns were marked in two or more answers, in any themes;
      - two or more strong indicators were observed;
      - a strong indicator was observed and a concern was marked in any answer.
    POSSIBLE, otherwise, when one strong indicator was observed, one concern was marked, or two
    or more supporting indicators were observed. Supporting signs alone never reach HIGH: each
    has many innocent explanations.
    NONE otherwise (a single supporting sign included).

    `gate_met` is False when the patient could not be seen alone with a professional interpreter
    and confidentiality limits explained. No question may be asked then, so the summary rests
    on indicators alone and says so; answers other than "not asked" are a contradiction and
    raise ValueError rather than being silently counted or dropped.
    """
    if not gate_met and any(a.status is not AnswerStatus.NOT_ASKED for a in answers):
        raise ValueError(
            "Answers were recorded although the pre-screen gate was not met; "
            "no screening question may be asked until it is."
        )

    strong = [i for i in indicators if i.weight is IndicatorWeight.STRONG]
    supporting = [i for i in indicators if i.weight is IndicatorWeight.SUPPORTING]
    concerns = [a for a in answers if a.status is AnswerStatus.ANSWERED and a.concern]
    declined_count = sum(1 for a in answers if a.status is AnswerStatus.DECLINED)

    high_because: list[str] = []
    if any(a.theme_slug in HIGH_CONCERN_THEMES for a in concerns):
        high_because.append(
            "High concern: a concern was noted in an answer about threats, violence or "
            "exploitation, or about control of ID, money or contact."
        )
    if len(concerns) >= 2:
        high_because.append(f"High concern: concerns were noted in {len(concerns)} answers.")
    if len(strong) >= 2:
        high_because.append(f"High concern: {len(strong)} strong signs were observed.")
    if strong and concerns:
        high_because.append(
            "High concern: a strong sign was observed and a concern was noted in the conversation."
        )

    possible_because: list[str] = []
    if len(strong) == 1:
        possible_because.append("Possible concern: one strong sign was observed.")
    if len(concerns) == 1:
        possible_because.append("Possible concern: a concern was noted in one answer.")
    if len(supporting) >= 2:
        possible_because.append(
            f"Possible concern: {len(supporting)} supporting signs were observed."
        )

    if high_because:
        level, level_reasons = ConcernLevel.HIGH, high_because
    elif possible_because:
        level, level_reasons = ConcernLevel.POSSIBLE, possible_because
    else:
        level = ConcernLevel.NONE
        level_reasons = [
            "No concern: no strong sign, no concern noted in an answer, and fewer than two "
            "supporting signs."
        ]

    reasons: list[str] = []
    if not gate_met:
        reasons.append(
            "The patient could not be seen alone with a professional interpreter, so no questions "
            "were asked: this summary rests on observed signs only."
        )
    reasons.extend(level_reasons)
    reasons.extend(f"Observed ({i.weight.value} sign): {i.text}" for i in indicators)
    reasons.extend(_concern_reason(a) for a in concerns)
    if declined_count:
        plural = "question" if declined_count == 1 else "questions"
        reasons.append(
            f"Patient declined {declined_count} {plural}; declining is not counted as a concern."
        )

    next_steps = NEXT_STEPS[level]
    if not gate_met:
        next_steps = (*next_steps, GATE_NOT_MET_STEP)

    return ConcernSummary(
        level=level,
        reasons=tuple(reasons),
        next_steps=next_steps,
        disclaimer=DISCLAIMER,
    )


def _concern_reason(answer: AnswerFact) -> str:
    if answer.question_text:
        theme = answer.theme_title or answer.theme_slug
        return f"Concern noted in the answer to \u201c{answer.question_text}\u201d ({theme})"
    return f"Concern noted in the answer to '{answer.question_slug}' (theme '{answer.theme_slug}')"


# --- Brief scored instruments --------------------------------------------------------------------

YES_NO = "yes_no"
SUPPORTED_ANSWER_TYPES = frozenset({YES_NO})


@dataclass(frozen=True)
class InstrumentItem:
    slug: str
    text: str
    answer_type: str


@dataclass(frozen=True)
class Instrument:
    slug: str
    title: str
    version: int
    items: tuple[InstrumentItem, ...]
    positive_if_at_least: int
    min_age: int
    max_age: int
    validation_note: str
    demo: bool
    source: str = ""


@dataclass(frozen=True)
class InstrumentResult:
    applicable: bool
    positive: bool | None
    yes_count: int
    answered_count: int
    reasons: tuple[str, ...]


def score_instrument(
    instrument: Instrument,
    answers: Mapping[str, bool | None],
    *,
    age: int | None,
) -> InstrumentResult:
    """Apply an instrument's "at least N yes" rule to the answers given so far, and say why.

    - Age known and outside the instrument's range: not applicable, `positive` is None, because
      the instrument's accuracy was only measured inside that range.
    - Age unknown: scored, with a reason asking the clinician to check the range.
    - Positive as soon as the yes count reaches the threshold (later answers cannot undo it).
    - Negative only when decided: too few yes answers even if every unanswered item were yes.
    - Otherwise incomplete: `positive` is None, because unanswered items could still reach it.
    A missing item and an item answered None both count as unanswered. An answer for an item the
    instrument does not have, or a value that is not True/False/None, raises ValueError: it means
    the answers belong to another instrument or version.
    """
    item_slugs = {item.slug for item in instrument.items}
    unknown = sorted(set(answers) - item_slugs)
    if unknown:
        raise ValueError(
            f"Answers for items not in {instrument.slug} version {instrument.version}: "
            + ", ".join(unknown)
        )
    for slug, value in answers.items():
        if value is not None and not isinstance(value, bool):
            raise ValueError(f"Answer to '{slug}' must be yes (True), no (False) or None.")

    given = [answers.get(item.slug) for item in instrument.items]
    yes_count = sum(1 for value in given if value is True)
    answered_count = sum(1 for value in given if value is not None)
    unanswered_count = len(given) - answered_count
    threshold = instrument.positive_if_at_least
    age_range = f"{instrument.min_age}–{instrument.max_age}"

    if age is not None and not instrument.min_age <= age <= instrument.max_age:
        side = "below" if age < instrument.min_age else "above"
        return InstrumentResult(
            applicable=False,
            positive=None,
            yes_count=yes_count,
            answered_count=answered_count,
            reasons=(
                f"Not applicable: the patient's age ({age}) is {side} this instrument's range "
                f"({age_range}), where its accuracy was not measured.",
            ),
        )

    reasons: list[str] = []
    if age is None:
        reasons.append(
            f"Age unknown: check that the patient is within this instrument's range ({age_range}) "
            "before relying on the result."
        )

    rule = f"the rule is positive at {threshold} or more yes answers"
    if yes_count >= threshold:
        positive: bool | None = True
        reasons.append(f"Positive: {yes_count} yes of {answered_count} answered; {rule}.")
    elif yes_count + unanswered_count >= threshold:
        positive = None
        reasons.append(
            f"Incomplete: {yes_count} yes so far and {unanswered_count} items unanswered, "
            f"which could still change the result; {rule}."
        )
    else:
        positive = False
        reasons.append(
            f"Negative: {yes_count} yes of {answered_count} answered, and the unanswered items "
            f"cannot change that; {rule}."
        )
    reasons.append(instrument.validation_note)

    return InstrumentResult(
        applicable=True,
        positive=positive,
        yes_count=yes_count,
        answered_count=answered_count,
        reasons=tuple(reasons),
    )


# --- Loading content ----------------------------------------------------------------------------

# Slugs become FHIR linkIds and URLs, so keep them to lowercase words joined by hyphens.
SLUG_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ContentError(f"{where}: expected an object, got {type(value).__name__}.")
    return value


def _required(data: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise ContentError(f"{where}: missing required key '{key}'.")
    return data[key]


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = _required(data, key, where)
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{where}: '{key}' must be non-empty text.")
    return value


def _optional_text(data: Mapping[str, Any], key: str, where: str) -> str:
    if data.get(key) is None:
        return ""
    return _text(data, key, where)


def _slug(data: Mapping[str, Any], where: str) -> str:
    value = _text(data, "slug", where)
    if not SLUG_PATTERN.fullmatch(value):
        raise ContentError(
            f"{where}: slug '{value}' must be lowercase letters and digits joined by hyphens."
        )
    return value


def _whole_number(data: Mapping[str, Any], key: str, where: str, *, minimum: int) -> int:
    value = _required(data, key, where)
    # bool is a subclass of int in Python; `true` is not a version number.
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ContentError(f"{where}: '{key}' must be a whole number of at least {minimum}.")
    return value


def _flag(data: Mapping[str, Any], key: str, where: str) -> bool:
    value = _required(data, key, where)
    if not isinstance(value, bool):
        raise ContentError(f"{where}: '{key}' must be true or false.")
    return value


def _list(data: Mapping[str, Any], key: str, where: str, *, allow_empty: bool = False) -> list:
    value = _required(data, key, where)
    if not isinstance(value, list) or (not value and not allow_empty):
        raise ContentError(f"{where}: '{key}' must be a non-empty list.")
    return value


def _check_unique(slugs: Sequence[str], what: str, where: str) -> None:
    seen: set[str] = set()
    for slug in slugs:
        if slug in seen:
            raise ContentError(f"{where}: {what} slug '{slug}' is used more than once.")
        seen.add(slug)


def check_bank(content: Mapping[str, Any]) -> None:
    """What the bank schema cannot say: slugs unique, questions' across the whole bank (answers
    are stored and exported by question slug alone). ContentInvalid naming the place."""
    check_unique(content["themes"], "slug", ("themes",))
    seen: set[str] = set()
    for t, theme in enumerate(content["themes"]):
        for q, question in enumerate(theme["questions"]):
            if question["slug"] in seen:
                raise ContentInvalid(
                    [Problem(("themes", t, "questions", q, "slug"), _twice(question["slug"]))]
                )
            seen.add(question["slug"])


def check_instrument(content: Mapping[str, Any]) -> None:
    """What the instrument schema cannot say: the rule is decidable (threshold reachable, age
    range not empty) and item slugs are unique. ContentInvalid naming the field."""
    check_unique(content["items"], "slug", ("items",))
    problems = []
    if content["positive_if_at_least"] > len(content["items"]):
        problems.append(
            Problem(
                ("positive_if_at_least",),
                f"There would be only {len(content['items'])} item(s), so "
                f"{content['positive_if_at_least']} yes answers could never be reached.",
            )
        )
    if content["min_age"] > content["max_age"]:
        problems.append(Problem(("max_age",), "The oldest age must not be below the youngest."))
    if problems:
        raise ContentInvalid(problems)


def _twice(slug: str) -> str:
    return f"{slug} is used twice"


def load_bank(data: Mapping[str, Any]) -> Bank:
    """Parse a question bank (seed_bank.json format) into a Bank, or raise ContentError.

    Question slugs must be unique across the whole bank, not just within a theme, because
    answers are stored and exported by question slug alone. `principles` and `guidance` are
    optional lists; everything else is required.
    """
    data = _object(data, "question bank")
    slug = _slug(data, "question bank")
    where = f"question bank '{slug}'"
    themes = []
    for index, raw_theme in enumerate(_list(data, "themes", where), start=1):
        theme_where = f"{where}, theme {index}"
        theme = _object(raw_theme, theme_where)
        theme_slug = _slug(theme, theme_where)
        theme_where = f"{where}, theme '{theme_slug}'"
        questions = []
        for q_index, raw_question in enumerate(_list(theme, "questions", theme_where), start=1):
            question_where = f"{theme_where}, question {q_index}"
            question = _object(raw_question, question_where)
            questions.append(
                Question(
                    slug=_slug(question, question_where),
                    text=_text(question, "text", question_where),
                )
            )
        themes.append(
            Theme(
                slug=theme_slug,
                title=_text(theme, "title", theme_where),
                purpose=_text(theme, "purpose", theme_where),
                questions=tuple(questions),
            )
        )
    _check_unique([t.slug for t in themes], "theme", where)
    _check_unique([q.slug for t in themes for q in t.questions], "question", where)

    return Bank(
        slug=slug,
        title=_text(data, "title", where),
        version=_whole_number(data, "version", where, minimum=1),
        source=_text(data, "source", where),
        themes=tuple(themes),
        principles=tuple(
            Principle(title=title, text=text)
            for title, text in _titled_texts(data, "principles", where)
        ),
        guidance=tuple(
            GuidancePoint(title=title, text=text)
            for title, text in _titled_texts(data, "guidance", where)
        ),
    )


def _titled_texts(data: Mapping[str, Any], key: str, where: str) -> list[tuple[str, str]]:
    """The (title, text) pairs of an optional list such as a bank's principles."""
    if key not in data:
        return []
    pairs = []
    for index, raw in enumerate(_list(data, key, where, allow_empty=True), start=1):
        item_where = f"{where}, {key} {index}"
        item = _object(raw, item_where)
        pairs.append((_text(item, "title", item_where), _text(item, "text", item_where)))
    return pairs


def load_indicators(data: Mapping[str, Any]) -> tuple[ObservedIndicator, ...]:
    """Parse the observed-indicator checklist (indicators.json format), or raise ContentError."""
    data = _object(data, "indicator checklist")
    where = "indicator checklist"
    _text(data, "source", where)
    indicators = []
    for index, raw in enumerate(_list(data, "indicators", where), start=1):
        item_where = f"{where}, indicator {index}"
        item = _object(raw, item_where)
        weight = _text(item, "weight", item_where)
        if weight not in {w.value for w in IndicatorWeight}:
            raise ContentError(
                f"{item_where}: weight must be 'strong' or 'supporting', not '{weight}'."
            )
        indicators.append(
            ObservedIndicator(
                slug=_slug(item, item_where),
                text=_text(item, "text", item_where),
                weight=IndicatorWeight(weight),
                category=_text(item, "category", item_where),
                follow_up_question=_optional_text(item, "follow_up_question", item_where),
            )
        )
    _check_unique([i.slug for i in indicators], "indicator", where)
    return tuple(indicators)


def load_instrument(data: Mapping[str, Any]) -> Instrument:
    """Parse a brief scored instrument (instruments/*.json format), or raise ContentError.

    The rule must be decidable: the threshold is between 1 and the number of items, and the
    age range is not empty.
    """
    data = _object(data, "instrument")
    slug = _slug(data, "instrument")
    where = f"instrument '{slug}'"
    items = []
    for index, raw in enumerate(_list(data, "items", where), start=1):
        item_where = f"{where}, item {index}"
        item = _object(raw, item_where)
        answer_type = _text(item, "answer_type", item_where)
        if answer_type not in SUPPORTED_ANSWER_TYPES:
            raise ContentError(f"{item_where}: answer_type must be 'yes_no', not '{answer_type}'.")
        items.append(
            InstrumentItem(
                slug=_slug(item, item_where),
                text=_text(item, "text", item_where),
                answer_type=answer_type,
            )
        )
    _check_unique([i.slug for i in items], "item", where)

    threshold = _whole_number(data, "positive_if_at_least", where, minimum=1)
    if threshold > len(items):
        raise ContentError(
            f"{where}: positive_if_at_least ({threshold}) is more than the number of items "
            f"({len(items)}), so the rule could never be positive."
        )
    min_age = _whole_number(data, "min_age", where, minimum=0)
    max_age = _whole_number(data, "max_age", where, minimum=0)
    if min_age > max_age:
        raise ContentError(f"{where}: min_age ({min_age}) is above max_age ({max_age}).")

    return Instrument(
        slug=slug,
        title=_text(data, "title", where),
        version=_whole_number(data, "version", where, minimum=1),
        items=tuple(items),
        positive_if_at_least=threshold,
        min_age=min_age,
        max_age=max_age,
        validation_note=_text(data, "validation_note", where),
        demo=_flag(data, "demo", where),
        source=_text(data, "source", where),
    )


# --- Gate content --------------------------------------------------------------------------------


def confidentiality_limits_text(gate: Mapping[str, Any], jurisdiction: str | None) -> str:
    """Which confidentiality-limits text to read to the patient for this jurisdiction.

    Jurisdictions are codes like "CA-ON" or "US-NY". The longest key of the gate's
    `confidentiality_limits.texts` that equals the code or is a hyphen-separated prefix of it
    wins ("CA-ON" uses "CA-ON", else "CA"); with no match or no jurisdiction, "default".
    """
    texts = gate["confidentiality_limits"]["texts"]
    if jurisdiction:
        matching = [
            key
            for key in texts
            if key != "default" and (jurisdiction == key or jurisdiction.startswith(key + "-"))
        ]
        if matching:
            return texts[max(matching, key=len)]
    return texts["default"]
