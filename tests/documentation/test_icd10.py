"""The ICD-10-CM helper: every branch of the rule-out logic, adult/child and the 7th character."""

from __future__ import annotations

import pytest

from documentation.icd10 import (
    CodingFacts,
    Encounter,
    Finding,
    Known,
    is_known_code,
    sensitivity_label,
    suggest_codes,
)

N, S, C, R = Finding.NOT_SUSPECTED, Finding.SUSPECTED, Finding.CONFIRMED, Finding.RULED_OUT
A, D, SQ, U = Encounter.INITIAL, Encounter.SUBSEQUENT, Encounter.SEQUELA, Encounter.UNKNOWN
YES, NO, UNK = Known.YES, Known.NO, Known.UNKNOWN


def facts(sexual=N, labour=N, age=30, encounter=A, multiple=UNK, past=UNK, childhood=UNK):
    return CodingFacts(
        sexual=sexual,
        labour=labour,
        age=age,
        encounter=encounter,
        multiple_perpetrators=multiple,
        past_exploitation=past,
        past_in_childhood=childhood,
    )


# (facts, codes suggested, codes left out)
TABLE = [
    # Nothing suspected: nothing to code.
    (facts(), [], []),
    # Confirmed, adult and child, each 7th character.
    (facts(sexual=C, multiple=NO), ["T74.51XA"], []),
    (facts(sexual=C, age=15, multiple=NO), ["T74.52XA"], []),
    (facts(sexual=C, age=17, encounter=D, multiple=NO), ["T74.52XD"], []),
    (facts(sexual=C, age=18, encounter=SQ, multiple=NO), ["T74.51XS"], []),
    (facts(labour=C, multiple=NO), ["T74.61XA"], []),
    (facts(labour=C, age=12, multiple=NO), ["T74.62XA"], []),
    (facts(sexual=C, labour=C, multiple=NO), ["T74.51XA", "T74.61XA"], []),
    # Suspected.
    (facts(sexual=S), ["T76.51XA"], []),
    (facts(sexual=S, age=16), ["T76.52XA"], []),
    (facts(labour=S, encounter=D), ["T76.61XD"], []),
    (facts(labour=S, age=9, encounter=SQ), ["T76.62XS"], []),
    (facts(sexual=S, labour=S), ["T76.51XA", "T76.61XA"], []),
    # T76 excludes T74: a suspicion beside a confirmed kind is left out.
    (facts(sexual=C, labour=S, multiple=NO), ["T74.51XA"], ["T76.6-"]),
    (facts(sexual=S, labour=C, multiple=NO), ["T74.61XA"], ["T76.5-"]),
    # Ruled out: Z04.8x, never T76.
    (facts(sexual=R), ["Z04.81"], ["T76.5-"]),
    (facts(labour=R), ["Z04.82"], ["T76.6-"]),
    (facts(sexual=R, labour=R), ["Z04.81", "Z04.82"], ["T76.5-", "T76.6-"]),
    (facts(sexual=R, labour=S), ["Z04.81", "T76.61XA"], ["T76.5-"]),
    (facts(sexual=C, labour=R, multiple=NO), ["T74.51XA", "Z04.82"], ["T76.6-"]),
    # Unknown age or encounter: the code is left incomplete.
    (facts(sexual=C, age=None, multiple=NO), ["T74.5-"], []),
    (facts(labour=S, encounter=U), ["T76.61X-"], []),
    (facts(labour=S, age=None, encounter=U), ["T76.6-"], []),
    # Perpetrator code only with a confirmed code.
    (facts(sexual=C, multiple=YES), ["T74.51XA", "Y07.6"], []),
    (facts(sexual=S, multiple=YES), ["T76.51XA"], ["Y07.6"]),
    (facts(sexual=R, multiple=YES), ["Z04.81"], ["T76.5-"]),
    (facts(multiple=YES), [], []),
    # History codes.
    (facts(past=YES, childhood=NO), ["Z91.42"], []),
    (facts(past=YES, childhood=YES), ["Z62.813"], []),
    (facts(past=YES, childhood=UNK, age=14), ["Z62.813"], []),
    (facts(past=YES, childhood=UNK), [], []),
    (facts(past=NO), [], []),
    (facts(sexual=C, multiple=NO, past=YES, childhood=NO), ["T74.51XA", "Z91.42"], []),
]


@pytest.mark.parametrize(("given", "codes", "left_out"), TABLE)
def test_suggested_and_left_out_codes(given, codes, left_out):
    advice = suggest_codes(given)
    assert [code.code for code in advice.codes] == codes
    assert [code.code for code in advice.left_out] == left_out
    for code in (*advice.codes, *advice.left_out):
        assert code.title and code.reason
        assert code.complete == (not code.code.endswith("-"))


# (facts, a fragment of each question expected, in order)
QUESTIONS = [
    (facts(sexual=C, multiple=NO), []),
    (facts(sexual=C, age=None, multiple=NO), ["age"]),
    (facts(sexual=S, encounter=U), ["initial encounter"]),
    (facts(sexual=S, age=None, encounter=U), ["age", "initial encounter"]),
    (facts(sexual=C), ["more than one perpetrator"]),
    (facts(sexual=S), []),
    (facts(past=YES), ["childhood"]),
    # A ruled-out suspicion needs neither age nor encounter (Z04 has no 7th character).
    (facts(sexual=R, age=None, encounter=U), []),
]


@pytest.mark.parametrize(("given", "fragments"), QUESTIONS)
def test_questions_that_would_complete_the_codes(given, fragments):
    questions = suggest_codes(given).questions
    assert len(questions) == len(fragments)
    for question, fragment in zip(questions, fragments, strict=True):
        assert fragment in question.lower()


@pytest.mark.parametrize(
    ("given", "warned", "injury_reminder"),
    [
        (facts(), False, False),
        (facts(sexual=S), True, False),
        (facts(labour=R), True, False),
        (facts(sexual=C, multiple=NO), True, True),
        (facts(past=YES, childhood=NO), True, False),
    ],
)
def test_portal_warning_whenever_a_code_or_suspicion_applies(given, warned, injury_reminder):
    advice = suggest_codes(given)
    assert advice.sensitive_recommended is warned
    portal = [w for w in advice.warnings if "patient portal" in w and "after-visit summary" in w]
    assert bool(portal) is warned
    assert any("X92" in w for w in advice.warnings) is injury_reminder


def test_the_code_title_and_reason_say_adult_or_child_and_the_encounter():
    (code,) = suggest_codes(facts(sexual=S, age=15, encounter=D)).codes
    assert code.title == "Child sexual exploitation, suspected"
    assert "child (under 18)" in code.reason and "subsequent encounter" in code.reason


def test_sensitivity_label_is_sdv_restricted_with_its_reason():
    label = sensitivity_label(sensitive=True, reason="  Portal shared with partner ")
    assert label is not None
    assert label.codes == ("SDV", "R")
    assert label.reason == "Portal shared with partner"
    assert sensitivity_label(sensitive=False, reason="") is None
    with pytest.raises(ValueError, match="reason"):
        sensitivity_label(sensitive=True, reason="  ")


@pytest.mark.parametrize(
    ("code", "known"),
    [
        ("T74.51XA", True),
        ("T76.62XS", True),
        ("T76.5-", True),
        ("T74.61X-", True),
        ("Z04.81", True),
        ("Z62.813", True),
        ("Y07.6", True),
        ("T74.51XZ", False),  # no such 7th character
        ("T74.11XA", False),  # a code this helper never suggests
        ("Z04.81; DROP", False),
        ("", False),
    ],
)
def test_only_the_codes_the_helper_suggests_are_accepted(code, known):
    assert is_known_code(code) is known
