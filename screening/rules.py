"""Screening rules: the concern summary, brief-instrument scoring and loading content as data.

Everything here is pure: frozen dataclasses and enums in, a decision and the reasons for it out.
No database, no request, no clock; Django only for its translation machinery, so every reason
comes out in the active language, built from whole translatable sentences with named parameters.
Clinician-facing strings avoid naming the crime on purpose (someone may be reading the screen
over the clinician's shoulder).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cases.schemas import MAX_LIST_ITEMS, ContentInvalid, Problem, check_unique, validate


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


# --- Question bank -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    slug: str
    text: str
    # Other languages of the text fields (`cases.languages`); not part of what compares equal.
    translations: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Theme:
    slug: str
    title: str
    purpose: str
    questions: tuple[Question, ...]
    translations: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Principle:
    title: str
    text: str
    translations: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class GuidancePoint:
    title: str
    text: str
    translations: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Bank:
    slug: str
    title: str
    version: int
    source: str
    themes: tuple[Theme, ...]
    principles: tuple[Principle, ...] = ()
    guidance: tuple[GuidancePoint, ...] = ()
    translations: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


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
    next_steps: tuple[NextStep, ...]
    disclaimer: str


# A single concern in these themes is enough for high concern: held documents, taken earnings,
# watched contacts, threats to loved ones and forced work are the core of control, not context.
HIGH_CONCERN_THEMES = frozenset(
    {"control-over-id-money-and-contact", "threats-violence-and-exploitation"}
)

DISCLAIMER = gettext_lazy(
    "The conversation guide is an aid for talking with the patient, not a validated screening "
    "score. This summary only gathers what was observed and noted; clinical judgement decides "
    "what happens next."
)


class NextStep(str):
    """A next step's text, and where on the case it is done (`goes_to`: a case tab's slug, or
    "escalate"; empty when no page does it). A str, so it reads and compares as its text."""

    goes_to: str

    def __new__(cls, text: str | Promise, goes_to: str = "") -> NextStep:
        # A lazy text is read now, in the active language: a step is built per summary.
        step = super().__new__(cls, str(text))
        step.goes_to = goes_to
        return step


# Each level's steps as (text, where it is done); made into NextSteps per summary, so the text is
# read in the language active then.
NEXT_STEPS: dict[ConcernLevel, tuple[tuple[Promise, str], ...]] = {
    ConcernLevel.HIGH: (
        (
            gettext_lazy(
                "Start the safety protocol: keep the patient somewhere private and safe, and "
                "never put yourself in danger."
            ),
            "safety",
        ),
        (gettext_lazy("Alert your supervisor now and escalate the case."), "escalate"),
        (
            gettext_lazy(
                "Review the reporting requirements for this patient's age, situation and "
                "jurisdiction."
            ),
            "reporting",
        ),
        (gettext_lazy("Offer referrals that fit the patient's needs and language."), "referrals"),
        (
            gettext_lazy(
                "Offer to call the confidential 24/7 helpline together with the patient, if they "
                "agree."
            ),
            "care",
        ),
    ),
    ConcernLevel.POSSIBLE: (
        (
            gettext_lazy(
                "Continue the trauma-informed conversation when it is safe and the patient is "
                "willing."
            ),
            "",
        ),
        (
            gettext_lazy(
                "Offer universal education: give the helpline resources as you would to anyone."
            ),
            "care",
        ),
        (gettext_lazy("Consider a consultation with your supervisor."), "escalate"),
        (
            gettext_lazy("Schedule a follow-up visit; many people only talk at a later visit."),
            "referrals",
        ),
    ),
    ConcernLevel.NONE: (
        (
            gettext_lazy(
                "Offer universal education anyway: give the helpline resources as you would to "
                "anyone."
            ),
            "care",
        ),
        (gettext_lazy("Document that screening was done."), "notes"),
    ),
}

GATE_NOT_MET_STEP = gettext_lazy(
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
            _(
                "High concern: a concern was noted in an answer about threats, violence or "
                "pressure, or about control of ID, money or contact."
            )
        )
    if len(concerns) >= 2:
        high_because.append(
            _("High concern: concerns were noted in %(count)s answers.") % {"count": len(concerns)}
        )
    if len(strong) >= 2:
        high_because.append(
            _("High concern: %(count)s strong signs were observed.") % {"count": len(strong)}
        )
    if strong and concerns:
        high_because.append(
            _(
                "High concern: a strong sign was observed and a concern was noted in the "
                "conversation."
            )
        )

    possible_because: list[str] = []
    if len(strong) == 1:
        possible_because.append(_("Possible concern: one strong sign was observed."))
    if len(concerns) == 1:
        possible_because.append(_("Possible concern: a concern was noted in one answer."))
    if len(supporting) >= 2:
        possible_because.append(
            _("Possible concern: %(count)s supporting signs were observed.")
            % {"count": len(supporting)}
        )

    if high_because:
        level, level_reasons = ConcernLevel.HIGH, high_because
    elif possible_because:
        level, level_reasons = ConcernLevel.POSSIBLE, possible_because
    else:
        level = ConcernLevel.NONE
        level_reasons = [
            _(
                "No concern: no strong sign, no concern noted in an answer, and fewer than two "
                "supporting signs."
            )
        ]

    reasons: list[str] = []
    if not gate_met:
        reasons.append(
            _(
                "The patient could not be seen alone with a professional interpreter, so no "
                "questions were asked: this summary rests on observed signs only."
            )
        )
    reasons.extend(level_reasons)
    reasons.extend(str(_OBSERVED[i.weight]) % {"sign": i.text} for i in indicators)
    reasons.extend(_concern_reason(a) for a in concerns)
    if declined_count:
        reasons.append(
            ngettext(
                "Patient declined %(count)s question; declining is not counted as a concern.",
                "Patient declined %(count)s questions; declining is not counted as a concern.",
                declined_count,
            )
            % {"count": declined_count}
        )

    next_steps = tuple(NextStep(text, goes_to) for text, goes_to in NEXT_STEPS[level])
    if not gate_met:
        next_steps = (*next_steps, NextStep(GATE_NOT_MET_STEP))

    return ConcernSummary(
        level=level,
        reasons=tuple(reasons),
        next_steps=next_steps,
        disclaimer=str(DISCLAIMER),
    )


_OBSERVED = {
    IndicatorWeight.STRONG: gettext_lazy("Observed (strong sign): %(sign)s"),
    IndicatorWeight.SUPPORTING: gettext_lazy("Observed (supporting sign): %(sign)s"),
}


def _concern_reason(answer: AnswerFact) -> str:
    if answer.question_text:
        return _("Concern noted in the answer to “%(question)s” (%(theme)s)") % {
            "question": answer.question_text,
            "theme": answer.theme_title or answer.theme_slug,
        }
    return _("Concern noted in the answer to '%(question)s' (theme '%(theme)s')") % {
        "question": answer.question_slug,
        "theme": answer.theme_slug,
    }


# --- Brief scored instruments --------------------------------------------------------------------

YES_NO = "yes_no"
SUPPORTED_ANSWER_TYPES = frozenset({YES_NO})


@dataclass(frozen=True)
class InstrumentItem:
    slug: str
    text: str
    answer_type: str
    translations: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


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
    translations: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


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
        if age < instrument.min_age:
            reason = _(
                "Not applicable: the patient's age (%(age)s) is below this instrument's range "
                "(%(range)s), where its accuracy was not measured."
            )
        else:
            reason = _(
                "Not applicable: the patient's age (%(age)s) is above this instrument's range "
                "(%(range)s), where its accuracy was not measured."
            )
        return InstrumentResult(
            applicable=False,
            positive=None,
            yes_count=yes_count,
            answered_count=answered_count,
            reasons=(reason % {"age": age, "range": age_range},),
        )

    reasons: list[str] = []
    if age is None:
        reasons.append(
            _(
                "Age unknown: check that the patient is within this instrument's range "
                "(%(range)s) before relying on the result."
            )
            % {"range": age_range}
        )

    counts = {
        "yes": yes_count,
        "answered": answered_count,
        "unanswered": unanswered_count,
        "threshold": threshold,
    }
    if yes_count >= threshold:
        positive: bool | None = True
        reasons.append(
            _(
                "Positive: %(yes)s yes of %(answered)s answered; the rule is positive at "
                "%(threshold)s or more yes answers."
            )
            % counts
        )
    elif yes_count + unanswered_count >= threshold:
        positive = None
        reasons.append(
            _(
                "Incomplete: %(yes)s yes so far and %(unanswered)s items unanswered, which could "
                "still change the result; the rule is positive at %(threshold)s or more yes "
                "answers."
            )
            % counts
        )
    else:
        positive = False
        reasons.append(
            _(
                "Negative: %(yes)s yes of %(answered)s answered, and the unanswered items cannot "
                "change that; the rule is positive at %(threshold)s or more yes answers."
            )
            % counts
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

# Slugs become FHIR linkIds and URLs, so keep them to lowercase words joined by hyphens (the
# schemas' `slug` pattern says the same).
SLUG_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
SCHEMAS = Path(__file__).resolve().parent / "content" / "schemas"


def check_bank(content: Mapping[str, Any]) -> None:
    """What the bank schema cannot say: slugs unique, questions' across the whole bank (answers
    are stored and exported by question slug alone). ContentInvalid naming the place."""
    check_unique(content["themes"], "slug", ("themes",))
    total = sum(len(theme["questions"]) for theme in content["themes"])
    if total > MAX_LIST_ITEMS:
        raise ContentInvalid(
            [
                Problem(
                    ("themes",),
                    _("more than %(most)s questions in all (%(total)s)")
                    % {"most": MAX_LIST_ITEMS, "total": total},
                )
            ]
        )
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
                ngettext(
                    "There would be only %(count)s item, so %(threshold)s yes answers could "
                    "never be reached.",
                    "There would be only %(count)s items, so %(threshold)s yes answers could "
                    "never be reached.",
                    len(content["items"]),
                )
                % {"count": len(content["items"]), "threshold": content["positive_if_at_least"]},
            )
        )
    if content["min_age"] > content["max_age"]:
        problems.append(Problem(("max_age",), _("The oldest age must not be below the youngest.")))
    if problems:
        raise ContentInvalid(problems)


def _twice(slug: str) -> str:
    return _("%(slug)s is used twice") % {"slug": slug}


def _versioned(schema: str, data: Any) -> None:
    """Validate a stored or shipped document, which always carries its version."""
    validate(SCHEMAS / schema, data)
    if "version" not in data:
        raise ContentInvalid([Problem(("version",), _("version is missing"))])


def load_bank(data: Mapping[str, Any]) -> Bank:
    """A question bank document (seed_bank.json format) as a Bank, or ContentInvalid.

    Validated once, by `schemas/bank.schema.json` and `check_bank`: the same rules refuse a bad
    file, a bad FHIR import and a bad edit.
    """
    _versioned("bank.schema.json", data)
    check_bank(data)
    return Bank(
        slug=data["slug"],
        title=data["title"],
        version=data["version"],
        source=data["source"],
        themes=tuple(
            Theme(
                slug=theme["slug"],
                title=theme["title"],
                purpose=theme["purpose"],
                questions=tuple(
                    Question(q["slug"], q["text"], q.get("translations", {}))
                    for q in theme["questions"]
                ),
                translations=theme.get("translations", {}),
            )
            for theme in data["themes"]
        ),
        principles=tuple(
            Principle(p["title"], p["text"], p.get("translations", {}))
            for p in data.get("principles", [])
        ),
        guidance=tuple(
            GuidancePoint(g["title"], g["text"], g.get("translations", {}))
            for g in data.get("guidance", [])
        ),
        translations=data.get("translations", {}),
    )


def load_indicators(data: Mapping[str, Any]) -> tuple[ObservedIndicator, ...]:
    """The observed-signs document (indicators.json format) as indicators, or ContentInvalid."""
    validate(SCHEMAS / "indicators.schema.json", data)
    check_unique(data["indicators"], "slug", ("indicators",))
    return tuple(
        ObservedIndicator(
            slug=i["slug"],
            text=i["text"],
            weight=IndicatorWeight(i["weight"]),
            category=i["category"],
            follow_up_question=i.get("follow_up_question", ""),
        )
        for i in data["indicators"]
    )


def load_instrument(data: Mapping[str, Any]) -> Instrument:
    """A brief instrument document (instruments/*.json format) as an Instrument, or
    ContentInvalid (`schemas/instrument.schema.json` and `check_instrument`)."""
    _versioned("instrument.schema.json", data)
    check_instrument(data)
    return Instrument(
        slug=data["slug"],
        title=data["title"],
        version=data["version"],
        items=tuple(
            InstrumentItem(i["slug"], i["text"], i["answer_type"], i.get("translations", {}))
            for i in data["items"]
        ),
        positive_if_at_least=data["positive_if_at_least"],
        min_age=data["min_age"],
        max_age=data["max_age"],
        validation_note=data["validation_note"],
        demo=data["demo"],
        source=data["source"],
        translations=data.get("translations", {}),
    )


# --- Gate content --------------------------------------------------------------------------------


def confidentiality_limits_text(gate: Mapping[str, Any], jurisdiction: str | None) -> str:
    """Which confidentiality-limits text to read to the patient for this jurisdiction.

    Jurisdictions are codes like "CA-ON" or "US-NY". The longest key of the gate's
    `confidentiality_limits.texts` that equals the code or is a hyphen-separated prefix of it
    wins ("CA-ON" uses "CA-ON", else "CA"); with no match or no jurisdiction, "default".
    """
    return str(confidentiality_limits_item(gate, jurisdiction)["text"])


def confidentiality_limits_item(
    gate: Mapping[str, Any], jurisdiction: str | None
) -> dict[str, Any]:
    """The confidentiality text for this jurisdiction as one translatable item:
    `{"text": English, "translations": {"fr": {"text": …}}}` (`cases.languages`), each language
    taking the same place's wording."""
    limits = gate["confidentiality_limits"]
    texts = limits["texts"]
    key = "default"
    if jurisdiction:
        matching = [
            k
            for k in texts
            if k != "default" and (jurisdiction == k or jurisdiction.startswith(k + "-"))
        ]
        if matching:
            key = max(matching, key=len)
    translations = {
        language: {"text": fields["texts"][key]}
        for language, fields in limits.get("translations", {}).items()
        if isinstance(fields.get("texts"), Mapping) and fields["texts"].get(key)
    }
    return {"text": texts[key], "translations": translations}
