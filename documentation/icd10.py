"""ICD-10-CM suggestions for a note: which of the codes for forced sexual or labour exploitation
apply, following the coding guideline's rule-out logic (REFERENCES-clinical.md §2).

Pure: facts in, advice out (codes, codes deliberately left out and why, questions still open,
and the portal warning). The clinician chooses; nothing is coded automatically.

The rules, per kind of exploitation (sexual → T74.5-/T76.5-/Z04.81, labour → T74.6-/T76.6-/Z04.82):
- confirmed → T74.x1 (adult) or T74.x2 (child), with the 7th character for the encounter;
- suspected → T76.x1 / T76.x2, unless the other kind is confirmed (T76 excludes T74);
- ruled out during the encounter → Z04.81 / Z04.82, never a T76 code;
- a perpetrator code (Y07.6, multiple perpetrators) only with a confirmed code;
- a past exploitation → Z91.42, or Z62.813 when it happened in childhood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# ICD-10-CM treats these codes' "child" as a person under 18 (the adult/child split of T74/T76).
CHILD_UNDER = 18


class Finding(StrEnum):
    NOT_SUSPECTED = "not_suspected"
    SUSPECTED = "suspected"
    CONFIRMED = "confirmed"
    RULED_OUT = "ruled_out"


class Encounter(StrEnum):
    """The 7th character of a T code."""

    INITIAL = "A"
    SUBSEQUENT = "D"
    SEQUELA = "S"
    UNKNOWN = ""


class Known(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Kind(StrEnum):
    SEXUAL = "sexual"
    LABOUR = "labour"


@dataclass(frozen=True)
class CodingFacts:
    sexual: Finding
    labour: Finding
    age: int | None
    encounter: Encounter
    multiple_perpetrators: Known = Known.UNKNOWN
    past_exploitation: Known = Known.UNKNOWN
    past_in_childhood: Known = Known.UNKNOWN


@dataclass(frozen=True)
class Code:
    code: str
    title: str
    reason: str
    # False when the age or the encounter is still unknown: the code ends in "-".
    complete: bool = True


@dataclass(frozen=True)
class CodingAdvice:
    codes: tuple[Code, ...]
    left_out: tuple[Code, ...]
    questions: tuple[str, ...]
    warnings: tuple[str, ...]
    # These codes (and the note) can reach a patient portal or after-visit summary.
    sensitive_recommended: bool


TITLES = {
    "T74.51": gettext_lazy("Adult forced sexual exploitation, confirmed"),
    "T74.52": gettext_lazy("Child sexual exploitation, confirmed"),
    "T74.61": gettext_lazy("Adult forced labor exploitation, confirmed"),
    "T74.62": gettext_lazy("Child forced labor exploitation, confirmed"),
    "T76.51": gettext_lazy("Adult forced sexual exploitation, suspected"),
    "T76.52": gettext_lazy("Child sexual exploitation, suspected"),
    "T76.61": gettext_lazy("Adult forced labor exploitation, suspected"),
    "T76.62": gettext_lazy("Child forced labor exploitation, suspected"),
    "T74.5": gettext_lazy("Forced sexual exploitation, confirmed"),
    "T74.6": gettext_lazy("Forced labor exploitation, confirmed"),
    "T76.5": gettext_lazy("Forced sexual exploitation, suspected"),
    "T76.6": gettext_lazy("Forced labor exploitation, suspected"),
    "Z04.81": gettext_lazy(
        "Encounter for examination and observation of victim following forced sexual exploitation"
    ),
    "Z04.82": gettext_lazy(
        "Encounter for examination and observation of victim following forced labor exploitation"
    ),
    "Y07.6": gettext_lazy("Multiple perpetrators of maltreatment and neglect"),
    "Z91.42": gettext_lazy("Personal history of forced labor or sexual exploitation"),
    "Z62.813": gettext_lazy("Personal history of forced labor or sexual exploitation in childhood"),
}
_STEM = {
    (Kind.SEXUAL, Finding.CONFIRMED): "T74.5",
    (Kind.LABOUR, Finding.CONFIRMED): "T74.6",
    (Kind.SEXUAL, Finding.SUSPECTED): "T76.5",
    (Kind.LABOUR, Finding.SUSPECTED): "T76.6",
}
_RULED_OUT = {Kind.SEXUAL: "Z04.81", Kind.LABOUR: "Z04.82"}
_SEVENTH = {
    Encounter.INITIAL: gettext_lazy("initial encounter"),
    Encounter.SUBSEQUENT: gettext_lazy("subsequent encounter"),
    Encounter.SEQUELA: gettext_lazy("sequela"),
}


def _kind_label(kind: Kind) -> str:
    return _("sexual") if kind is Kind.SEXUAL else _("labour")


def _t_code(stem: str, kind: Kind, facts: CodingFacts) -> Code:
    """T74.51XA and the like; an unknown age or encounter leaves a "-" where it goes."""
    if facts.age is None:
        return Code(f"{stem}-", str(TITLES[stem]), _("Adult or child depends on the age."), False)
    group = f"{stem}{2 if facts.age < CHILD_UNDER else 1}"
    who = _("child (under 18)") if facts.age < CHILD_UNDER else _("adult")
    finding = _("confirmed") if stem.startswith("T74") else _("suspected")
    reason = _("%(kind)s exploitation %(finding)s, %(who)s") % {
        "kind": _kind_label(kind),
        "finding": finding,
        "who": who,
    }
    if facts.encounter is Encounter.UNKNOWN:
        return Code(f"{group}X-", str(TITLES[group]), reason, False)
    reason += f", {_SEVENTH[facts.encounter]}"
    return Code(f"{group}X{facts.encounter.value}", str(TITLES[group]), reason)


def _code(code: str, reason: str) -> Code:
    return Code(code, str(TITLES[code]), reason)


def suggest_codes(facts: CodingFacts) -> CodingAdvice:
    """The codes that fit these facts, those left out with the rule that excludes them, the
    questions whose answers would complete them, and the portal warning when any applies."""
    codes: list[Code] = []
    left_out: list[Code] = []
    questions: list[str] = []
    findings = {Kind.SEXUAL: facts.sexual, Kind.LABOUR: facts.labour}
    any_confirmed = Finding.CONFIRMED in findings.values()

    for kind, finding in findings.items():
        if finding is Finding.CONFIRMED:
            codes.append(_t_code(_STEM[kind, finding], kind, facts))
        elif finding is Finding.SUSPECTED and any_confirmed:
            stem = _STEM[kind, finding]
            left_out.append(
                Code(
                    f"{stem}-",
                    str(TITLES[stem]),
                    _(
                        "Not coded: T76 (suspected) codes exclude T74 (confirmed) codes. Record "
                        "the suspicion in the note, or confirm or rule it out."
                    ),
                    False,
                )
            )
        elif finding is Finding.SUSPECTED:
            codes.append(_t_code(_STEM[kind, finding], kind, facts))
        elif finding is Finding.RULED_OUT:
            codes.append(
                _code(
                    _RULED_OUT[kind],
                    _("Suspected %(kind)s exploitation was ruled out during this encounter.")
                    % {"kind": _kind_label(kind)},
                )
            )
            stem = _STEM[kind, Finding.SUSPECTED]
            left_out.append(
                Code(
                    f"{stem}-",
                    str(TITLES[stem]),
                    _("Not coded: once ruled out, use %(code)s, not a T76 code.")
                    % {"code": _RULED_OUT[kind]},
                    False,
                )
            )

    current_t_codes = any(code.code.startswith("T") for code in codes)
    if current_t_codes and facts.age is None:
        questions.append(_("The patient's age (adult and child codes differ)."))
    if current_t_codes and facts.encounter is Encounter.UNKNOWN:
        questions.append(_("Is this the initial encounter, a subsequent one, or a sequela?"))

    if facts.multiple_perpetrators is Known.YES and any_confirmed:
        codes.append(_code("Y07.6", _("More than one perpetrator, with a confirmed code.")))
    elif facts.multiple_perpetrators is Known.YES and current_t_codes:
        left_out.append(
            _code("Y07.6", _("Not coded: perpetrator codes go only with confirmed (T74) codes."))
        )
    elif facts.multiple_perpetrators is Known.UNKNOWN and any_confirmed:
        questions.append(_("Was there more than one perpetrator? (Y07.6)"))

    if facts.past_exploitation is Known.YES:
        child_now = facts.age is not None and facts.age < CHILD_UNDER
        if child_now or facts.past_in_childhood is Known.YES:
            codes.append(_code("Z62.813", _("Past exploitation, in childhood.")))
        elif facts.past_in_childhood is Known.NO:
            codes.append(_code("Z91.42", _("Past exploitation, as an adult.")))
        else:
            questions.append(
                _("Did the past exploitation happen in childhood? (Z62.813, otherwise Z91.42)")
            )

    warnings: list[str] = []
    relevant = bool(codes) or any(f is not Finding.NOT_SUSPECTED for f in findings.values())
    if relevant:
        warnings.append(
            _(
                "These codes and this note can reach a patient portal or an after-visit summary, "
                "which the person controlling the patient may read. Mark the note sensitive "
                "(restricted) and keep the codes off the after-visit summary."
            )
        )
    if any_confirmed:
        warnings.append(
            _(
                "Add codes for any current injury, and an external cause code from the assault "
                "section (X92–Y09) for a physical injury."
            )
        )
    return CodingAdvice(
        codes=tuple(codes),
        left_out=tuple(left_out),
        questions=tuple(questions),
        warnings=tuple(warnings),
        sensitive_recommended=relevant,
    )


@dataclass(frozen=True)
class SensitivityLabel:
    """How the EHR text and any export mark a restricted note (HL7 v3 ActCode and
    confidentiality codes), or None when the note is not marked."""

    codes: tuple[str, ...]
    reason: str


def sensitivity_label(*, sensitive: bool, reason: str) -> SensitivityLabel | None:
    """The mark a sensitive note carries: SDV (sensitive, do not show the patient's
    controller) and R (restricted). A mark without a reason is refused: the Preventing Harm
    exception asks for an individual determination, so the reason must be recorded."""
    if not sensitive:
        return None
    if not reason.strip():
        raise ValueError("A sensitive note needs the reason it is restricted.")
    return SensitivityLabel(codes=("SDV", "R"), reason=reason.strip())


_CODE = re.compile(r"^(?P<group>[TYZ]\d\d\.\d{1,3})(?:X[ADS-])?-?$")


def is_known_code(code: str) -> bool:
    """One of the codes this helper suggests (complete or not), e.g. T74.51XA, T76.5-, Z04.81."""
    match = _CODE.match(code)
    return match is not None and match.group("group") in TITLES
