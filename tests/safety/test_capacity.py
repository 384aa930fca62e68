"""The four-ability capacity assessment (safety.capacity), over every combination of findings."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from safety.capacity import Ability, AbilityFinding, CapacityOutcome, assess_capacity

FINDINGS = list(AbilityFinding)


def expected_outcome(findings: dict[Ability, AbilityFinding]) -> CapacityOutcome:
    values = set(findings.values())
    if AbilityFinding.ABSENT in values:
        return CapacityOutcome.LACKS_CAPACITY
    if values == {AbilityFinding.PRESENT} and len(findings) == len(Ability):
        return CapacityOutcome.HAS_CAPACITY
    return CapacityOutcome.UNKNOWN


ALL_COMBINATIONS = [
    dict(zip(Ability, combination, strict=True))
    for combination in itertools.product(FINDINGS, repeat=len(Ability))
]


@pytest.mark.parametrize(
    "findings",
    ALL_COMBINATIONS,
    ids=["-".join(f.value for f in c.values()) for c in ALL_COMBINATIONS],
)
def test_capacity_over_every_combination(findings: dict[Ability, AbilityFinding]) -> None:
    result = assess_capacity(findings)

    assert result.outcome is expected_outcome(findings)
    named = " ".join(result.reasons)
    if result.outcome is CapacityOutcome.LACKS_CAPACITY:
        for ability, finding in findings.items():
            assert (ability.label in named) is (finding is AbilityFinding.ABSENT)
    if result.outcome is CapacityOutcome.UNKNOWN:
        for ability, finding in findings.items():
            assert (ability.label in named) is (finding is AbilityFinding.NOT_ASSESSED)


CAPACITY_CASES = {
    "all-four-present": (
        {a: AbilityFinding.PRESENT for a in Ability},
        CapacityOutcome.HAS_CAPACITY,
        ["All four abilities are present"],
    ),
    "cannot-appreciate": (
        {a: AbilityFinding.PRESENT for a in Ability} | {Ability.APPRECIATE: AbilityFinding.ABSENT},
        CapacityOutcome.LACKS_CAPACITY,
        ["Absent: the ability to appreciate the situation and its consequences."],
    ),
    "absent-wins-over-not-assessed": (
        {Ability.REASON: AbilityFinding.ABSENT},
        CapacityOutcome.LACKS_CAPACITY,
        ["Absent: the ability to reason about the options."],
    ),
    "nothing-assessed": (
        {},
        CapacityOutcome.UNKNOWN,
        [f"Not assessed: the ability to {a.label}." for a in Ability],
    ),
    "missing-key-is-not-assessed": (
        {a: AbilityFinding.PRESENT for a in Ability if a is not Ability.UNDERSTAND},
        CapacityOutcome.UNKNOWN,
        ["Not assessed: the ability to understand the relevant information."],
    ),
    "stored-values-accepted": (
        {"communicate_choice": "present", "understand": "present", "appreciate": "present",
         "reason": "present"},
        CapacityOutcome.HAS_CAPACITY,
        ["All four abilities are present"],
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    ("findings", "outcome", "reasons"), list(CAPACITY_CASES.values()), ids=list(CAPACITY_CASES)
)
def test_capacity_named_cases(
    findings: dict[Any, Any], outcome: CapacityOutcome, reasons: list[str]
) -> None:
    result = assess_capacity(findings)

    assert result.outcome is outcome
    assert len(result.reasons) == len(reasons)
    for reason, beginning in zip(result.reasons, reasons, strict=True):
        assert reason.startswith(beginning)


@pytest.mark.parametrize(
    "findings",
    [{"memory": AbilityFinding.PRESENT}, {Ability.REASON: "maybe"}],
    ids=["unknown-ability", "unknown-finding"],
)
def test_capacity_refuses_unknown_keys_and_findings(findings: dict[Any, Any]) -> None:
    with pytest.raises(ValueError):
        assess_capacity(findings)
