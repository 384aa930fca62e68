"""Decision-making capacity from the four abilities, as a pure decision.

No database, request or clock: findings come in, an outcome goes out with its reasons.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Ability(StrEnum):
    """The four decision-specific abilities (Appelbaum, NEJM 2007;357:1834-40)."""

    COMMUNICATE_CHOICE = "communicate_choice"
    UNDERSTAND = "understand"
    APPRECIATE = "appreciate"
    REASON = "reason"

    @property
    def label(self) -> str:
        return str(_ABILITY_LABELS[self])


_ABILITY_LABELS = {
    Ability.COMMUNICATE_CHOICE: gettext_lazy("communicate a choice"),
    Ability.UNDERSTAND: gettext_lazy("understand the relevant information"),
    Ability.APPRECIATE: gettext_lazy("appreciate the situation and its consequences"),
    Ability.REASON: gettext_lazy("reason about the options"),
}


class AbilityFinding(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    NOT_ASSESSED = "not_assessed"


class CapacityOutcome(StrEnum):
    HAS_CAPACITY = "has_capacity"
    LACKS_CAPACITY = "lacks_capacity"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class CapacityResult:
    outcome: CapacityOutcome
    reasons: tuple[str, ...]


def assess_capacity(findings: Mapping[Ability, AbilityFinding]) -> CapacityResult:
    """Whether the patient has capacity for this decision, from the four abilities.

    Capacity needs all four abilities, so one absent ability is enough to find that the patient
    lacks capacity (the absent ones are named). Capacity is found only when all four were assessed
    and are present. Anything else, including an ability missing from `findings`, leaves the
    outcome unknown and names what was not assessed: guessing either way could take a decision
    away from a capable patient or leave an incapable one without protection.
    """
    by_ability = {ability: AbilityFinding.NOT_ASSESSED for ability in Ability}
    for ability, finding in findings.items():
        # Accept the enum or its stored value, so a form or a database row can be passed as is.
        by_ability[Ability(ability)] = AbilityFinding(finding)

    absent = [a for a in Ability if by_ability[a] is AbilityFinding.ABSENT]
    if absent:
        return CapacityResult(
            CapacityOutcome.LACKS_CAPACITY,
            tuple(_("Absent: the ability to %(ability)s.") % {"ability": a.label} for a in absent),
        )
    not_assessed = [a for a in Ability if by_ability[a] is AbilityFinding.NOT_ASSESSED]
    if not_assessed:
        return CapacityResult(
            CapacityOutcome.UNKNOWN,
            tuple(
                _("Not assessed: the ability to %(ability)s.") % {"ability": a.label}
                for a in not_assessed
            ),
        )
    return CapacityResult(
        CapacityOutcome.HAS_CAPACITY,
        (
            _("All four abilities are present: %(abilities)s.")
            % {"abilities": "; ".join(a.label for a in Ability)},
        ),
    )
