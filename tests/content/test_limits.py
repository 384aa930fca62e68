"""Limits every content document keeps (cases.schemas.validate): a NUL character, an overlong
text, an enormous list or number is refused with the path of the value, whatever the kind."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from cases.schemas import MAX_LIST_ITEMS, MAX_TEXT_CHARS, ContentInvalid
from screening import rules

SEED = json.loads(
    (Path(rules.__file__).parent / "content" / "seed_bank.json").read_text(encoding="utf-8")
)


def _question(slug: str) -> dict[str, str]:
    return {"slug": slug, "text": "Is this a question?"}


def _nul(bank: dict[str, Any]) -> None:
    bank["themes"][0]["title"] = "Home\x00"


def _long(bank: dict[str, Any]) -> None:
    bank["themes"][1]["purpose"] = "x" * (MAX_TEXT_CHARS + 1)


def _many_in_one_theme(bank: dict[str, Any]) -> None:
    bank["themes"][0]["questions"] = [_question(f"q{i}") for i in range(MAX_LIST_ITEMS + 1)]


def _many_in_all(bank: dict[str, Any]) -> None:
    # Each theme within the limit, the bank beyond it.
    bank["themes"][0]["questions"] = [_question(f"a{i}") for i in range(MAX_LIST_ITEMS)]
    bank["themes"][1]["questions"].append(_question("one-more"))


def _huge_version(bank: dict[str, Any]) -> None:
    bank["version"] = 10**30


LIMITS = [
    pytest.param(_nul, ("themes", 0, "title"), "NUL character", id="nul-character"),
    pytest.param(_long, ("themes", 1, "purpose"), "longer than 4000", id="overlong-text"),
    pytest.param(
        _many_in_one_theme, ("themes", 0, "questions"), "more than 200", id="enormous-list"
    ),
    pytest.param(_many_in_all, ("themes",), "more than 200 questions", id="too-many-in-all"),
    pytest.param(_huge_version, ("version",), "too large", id="huge-number"),
]


@pytest.mark.parametrize(("change", "path", "message"), LIMITS)
def test_a_document_beyond_a_limit_is_refused_at_the_value(change, path, message):
    bank = copy.deepcopy(SEED)
    change(bank)
    with pytest.raises(ContentInvalid) as refused:
        rules.load_bank(bank)
    problems = {problem.path: problem.message for problem in refused.value.problems}
    assert path in problems, problems
    assert message in problems[path]


def test_the_seed_bank_is_within_every_limit():
    assert rules.load_bank(SEED).slug == SEED["slug"]
