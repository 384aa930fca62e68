"""The shipped content files, and the gate's wording.

The gate (separation methods, interpreter options, reasons for not screening, confidentiality
texts and universal-education wording) is a content document on the one pattern
(`GateContent`), loaded from `content/gate.json`, so its languages are data an administrator
extends. The lines to offer are not here: they come from the referral directory through
`cases.providers.hotlines_for`.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils.translation import get_language

from cases.content import cached_rule
from cases.languages import translated

if TYPE_CHECKING:
    from screening.models import Indicator, IndicatorSet, Question, QuestionBank

CONTENT_DIR = Path(__file__).resolve().parent / "content"
DEFAULT_BANK_SLUG = "conversation-guide"
GATE_SLUG = "gate"


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def gate() -> dict[str, Any]:
    """The gate's wording as shipped (`content/gate.json`); pages use `gate_in_force`."""
    return read_json(CONTENT_DIR / "gate.json")


def gate_row() -> Any:
    from screening.models import GateContent

    return GateContent.objects.latest_published(GATE_SLUG)


def gate_in_force(row: Any = None) -> dict[str, Any]:
    """The gate's wording in force: the published `GateContent` (`row`, else looked up), or
    the shipped file before `load_content` has run."""
    row = row if row is not None else gate_row()
    return gate() if row is None else cached_rule(row, row.as_content)


def choices(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(slug, label) in the interface language (English where a label has no translation)."""
    language = get_language()
    return [(item["slug"], str(translated(item, "label", language))) for item in items]


def label_of(items: list[dict[str, Any]], slug: str) -> str:
    """The English label of `slug`: what the timeline records (the source wording)."""
    return next((item["label"] for item in items if item["slug"] == slug), slug)


# A saved bank or sign set never changes (nor do its themes, questions and signs), so its rows
# are read once per process; (pk, created_at) names one version for good, the timestamp
# guarding against a reused primary key (SQLite, tests), as `cases.content.cached_rule` does.
# Shared between threads, the rows are only read.


def bank_questions(bank: QuestionBank) -> dict[int, Question]:
    """The questions of one bank version by id, each with its theme loaded."""
    return _bank_questions(bank.pk, bank.created_at)


def bank_questions_of(bank_id: int, created_at: datetime) -> dict[int, Question]:
    """`bank_questions` of the version named by its id and timestamp."""
    return _bank_questions(bank_id, created_at)


def set_indicators(indicator_set: IndicatorSet) -> dict[int, Indicator]:
    """The signs of one indicator set version by id."""
    return _set_indicators(indicator_set.pk, indicator_set.created_at)


def set_indicators_of(indicator_set_id: int, created_at: datetime) -> dict[int, Indicator]:
    """`set_indicators` of the version named by its id and timestamp."""
    return _set_indicators(indicator_set_id, created_at)


@lru_cache(maxsize=32)
def _bank_questions(bank_id: int, created_at: datetime) -> dict[int, Question]:
    from screening.models import Question

    questions = Question.objects.filter(theme__bank_id=bank_id).select_related("theme")
    return {question.pk: question for question in questions}


@lru_cache(maxsize=32)
def _set_indicators(indicator_set_id: int, created_at: datetime) -> dict[int, Indicator]:
    from screening.models import Indicator

    return {row.pk: row for row in Indicator.objects.filter(indicator_set_id=indicator_set_id)}
