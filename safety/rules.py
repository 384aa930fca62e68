"""Reporting requirements, as a pure decision over a jurisdiction's rule rows.

Nothing here touches the database, the request or the clock: facts come in as a frozen
dataclass (`safety.facts`) and a decision goes out with the reasons that produced it. The rows
come from `safety.rule_table`; capacity from `safety.capacity`. Everything it says is decision
support, not legal advice.

The promise that shapes the engine: a missing fact is never filled in with a guess. When a
row's outcome depends on something not recorded, the row is neither required nor permitted; it
becomes a question naming the report its answer would decide, and the headline never says that
nothing is required while such an answer could make a report required.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety.capacity import CapacityOutcome
from safety.facts import (
    CONDITION_FACTS,
    FACT_ORDER,
    FACT_QUESTIONS,
    OLDEST,
    AgeBasis,
    ReportingFacts,
    Tri,
    lacks_capacity,
    negate,
    resolved,
)
from safety.rule_table import (
    CONDITION_LABELS,
    Duty,
    InjuryKind,
    JurisdictionRules,
    RuleRow,
    Trigger,
)

DISCLAIMER = gettext_lazy(
    "Decision support, not legal advice. Check your facility's policy; rules marked for "
    "verification have not been confirmed against the current law."
)


def age_range(facts: ReportingFacts, rules: JurisdictionRules) -> tuple[int, int]:
    """The ages the patient may be: one age once confirmed, otherwise any age. An estimate or
    "appears to be under 18" guides the clinician; it does not settle a duty either way, so the
    minor's and the adult's answers are both shown until the age is confirmed."""
    if facts.age_basis is AgeBasis.CONFIRMED and facts.age is not None:
        return facts.age, facts.age
    return 0, OLDEST


def facts_to_ask(rules: JurisdictionRules, ages: tuple[int, int]) -> list[str]:
    """The facts that can matter for a patient of `ages` here, in the form's order.

    A row whose age range misses the patient's cannot apply, so its facts are not asked (no
    "care home?" for a 16-year-old). Capacity comes from the assessment, never from the form.
    """
    needed: set[str] = set()
    for row in rules.rows:
        if _age_state(row, ages) is Tri.NO:
            continue
        needed |= {CONDITION_FACTS[condition][0] for condition in row.conditions}
        if row.trigger is Trigger.WEAPON_INJURY:
            needed.add("injury_kind")
        if row.trigger is Trigger.CRIME_INJURY:
            needed |= {"injury_kind", "crime_injury"}
        if row.duty is Duty.CONSENT:
            needed.add("patient_consents")
    needed.discard("capacity")
    return [fact for fact in FACT_ORDER if fact in needed]


# --- The decision -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """One report to make (or that may be made): the whole duty, as the statute gives it."""

    recipient: str
    label: str  # a plain name for what the report is about, e.g. "Child protection"
    reporter: str | None
    method: str | None
    deadline: str | None
    disclosure_limit: str
    legal_basis: str
    reason: str
    needs_verification: bool
    rule_ids: tuple[str, ...]  # kept in the record, never shown
    sources: tuple[str, ...]
    checked_on: str


@dataclass(frozen=True)
class ReportingDecision:
    jurisdiction: str
    jurisdiction_name: str
    rules_version: str
    elsewhere: bool
    headline: str
    settled: bool  # no missing answer could make a report required
    required: tuple[Report, ...]
    permitted: tuple[Report, ...]
    needs_consent: tuple[Report, ...]
    declined: tuple[Report, ...]
    unknowns: tuple[str, ...]
    guide_note: str
    reasons: tuple[str, ...]
    age_confirmed: bool
    age_guidance: str = ""
    if_minor: ReportingDecision | None = None
    if_adult: ReportingDecision | None = None
    disclaimer: str = ""


TRIGGER_LABELS = {
    Trigger.CHILD: gettext_lazy("Child protection"),
    Trigger.ELDER: gettext_lazy("Protection of an older adult"),
    Trigger.VULNERABLE_ADULT: gettext_lazy("Adult protection"),
    Trigger.WEAPON_INJURY: gettext_lazy("Gunshot or stab wound"),
    Trigger.CRIME_INJURY: gettext_lazy("Injury from a crime"),
    Trigger.CAPACITY: gettext_lazy("Patient who cannot decide"),
    Trigger.ANY: gettext_lazy("With the patient's agreement"),
}


def reporting_requirements(facts: ReportingFacts, rules: JurisdictionRules) -> ReportingDecision:
    """Which reports are required, which are permitted, which need the patient's consent, and why.

    Every row is checked against the facts (a three-valued AND of its age range, its trigger's
    own test and each of its conditions; see `_evaluate`). A mandatory row that applies is
    required, a permissive one permitted, a consent one is offered to a patient with capacity
    and follows their answer. A row whose outcome turns on a missing fact becomes a question.
    Several rows reaching one recipient give one report. While the age is not confirmed and
    may be either side of the jurisdiction's child age, what applies to a minor and to an adult
    is decided separately and returned side by side.
    """
    if facts.jurisdiction.strip().upper() != rules.code:
        raise ValueError(f"the facts are for {facts.jurisdiction} but the rules for {rules.code}")
    facts = resolved(facts)
    ages = age_range(facts, rules)
    decision = _decide(facts, rules, ages)
    if ages[0] <= rules.minor_until < ages[1]:
        if_minor = _decide(facts, rules, (0, rules.minor_until))
        if_adult = _decide(facts, rules, (rules.minor_until + 1, ages[1]))
        decision = replace(
            decision,
            headline=_(
                "The patient's age is not confirmed: what applies to a minor and to an adult "
                "are shown side by side. Confirm the age to settle it."
            ),
            settled=False,
            age_guidance=_(
                "Until the age is confirmed, plan for a possible minor: confirm it discreetly "
                "(documents may be held by someone else), keep the patient apart from the "
                "companion, and be ready to make what applies to a minor."
            ),
            if_minor=if_minor,
            if_adult=if_adult,
        )
    return decision


def _decide(
    facts: ReportingFacts, rules: JurisdictionRules, ages: tuple[int, int]
) -> ReportingDecision:
    outcomes = [_evaluate(row, facts, ages) for row in rules.rows]
    applied = [o for o in outcomes if o.applies]
    required = [o for o in applied if o.row.duty is Duty.MANDATORY]
    must = {_key(o.row.recipient) for o in required}
    permitted = [
        o for o in applied if o.row.duty is Duty.PERMISSIVE and _key(o.row.recipient) not in must
    ]
    reasons = list(rules.notes)
    reasons += [o.note for o in outcomes if o.note]
    consent_ask, declined = [], []
    for outcome in (o for o in applied if o.row.duty is Duty.CONSENT):
        if _key(outcome.row.recipient) in must:
            reasons.append(
                _(
                    "A report to %(recipient)s is already required, so the patient's consent "
                    "is not sought for it: tell them it will be made and what it will contain."
                )
                % {"recipient": outcome.row.recipient}
            )
        elif facts.patient_consents is Tri.YES:
            permitted.append(outcome)
        elif facts.patient_consents is Tri.NO:
            declined.append(outcome)
        else:
            consent_ask.append(outcome)

    may = {_key(o.row.recipient) for o in permitted}
    questions = [
        q
        for o in outcomes
        for q in o.questions
        if _key(q.recipient) not in must
        and not (q.duty is not Duty.MANDATORY and _key(q.recipient) in may)
    ]
    could_require = any(q.duty is Duty.MANDATORY for q in questions)
    unknowns = _phrase_questions(questions)
    if consent_ask:
        unknowns += (
            _(
                "Ask the patient, alone: with their agreement, a report to %(recipients)s "
                "may be made."
            )
            % {"recipients": _join(o.row.recipient for o in _unique(consent_ask))},
        )
    if declined:
        refused = _join(o.row.recipient for o in _unique(declined))
        if could_require:
            reasons.append(
                _(
                    "The patient declined a report to %(recipients)s. That stands only if none "
                    "of the questions still open leads to a required report, which their refusal "
                    "would not override."
                )
                % {"recipients": refused}
            )
        else:
            reasons.append(
                _("The patient declined a report to %(recipients)s: their refusal is respected.")
                % {"recipients": refused}
            )
    reasons += _none_found_reasons(rules, facts, ages)
    reasons.append(
        _(
            "Offer the hotlines whatever is decided: call together with the patient, who can "
            "stay anonymous."
        )
    )
    required_reports = _merge(_report(o, _("is required")) for o in required)
    if required_reports:
        reports = _join(_("a report to %(r)s") % {"r": r.recipient} for r in required_reports)
        if could_require:
            headline = _(
                "Required: %(reports)s. A missing answer could add another: see the questions."
            ) % {"reports": reports}
        else:
            headline = _("Required: %(reports)s.") % {"reports": reports}
    elif could_require:
        headline = _(
            "Not settled: a missing answer could make a report required. See the questions."
        )
    else:
        headline = _("No report is required on these facts.")
    if rules.elsewhere:
        headline = _("General advice from the guide, not the law of this place: %(headline)s") % {
            "headline": headline
        }
    return ReportingDecision(
        jurisdiction=rules.code,
        jurisdiction_name=rules.name,
        rules_version=rules.version,
        elsewhere=rules.elsewhere,
        headline=headline,
        settled=not could_require,
        required=required_reports,
        permitted=_merge(_report(o, _("is permitted")) for o in permitted),
        needs_consent=_merge(_report(o, _("needs the patient's consent")) for o in consent_ask),
        declined=_merge(_report(o, _("was declined by the patient")) for o in declined),
        unknowns=unknowns,
        guide_note=_guide_note(rules, ages),
        reasons=tuple(reasons),
        age_confirmed=ages[0] == ages[1],
        disclaimer=str(DISCLAIMER),
    )


@dataclass(frozen=True)
class _Check:
    state: Tri
    because: str = ""  # what was found, when the check is met
    fact: str = ""  # the fact to ask for, when missing
    when: str = ""  # when the row applies, in that question's words


@dataclass(frozen=True)
class _Question:
    fact: str
    recipient: str
    duty: Duty
    when: str


@dataclass(frozen=True)
class _Outcome:
    row: RuleRow
    applies: bool
    because: str = ""
    questions: tuple[_Question, ...] = ()
    note: str = ""


def _evaluate(row: RuleRow, facts: ReportingFacts, ages: tuple[int, int]) -> _Outcome:
    """Whether one row applies: every check must be met (a three-valued AND).

    A check that fails rules the row out whatever else is missing, because no answer could bring
    it back. Otherwise each missing fact becomes a question and the row does not apply yet.
    """
    checks = [_age_check(row, ages), *_trigger_checks(row, facts)]
    for condition in row.conditions:
        fact, test = CONDITION_FACTS[condition]
        label = str(CONDITION_LABELS[condition])
        checks.append(
            _Check(test(facts), because=label, fact=fact, when=_("if %(c)s") % {"c": label})
        )
    failed = next((check for check in checks if check.state is Tri.NO), None)
    if failed:
        note = ""
        if row.duty is Duty.CONSENT and failed.fact == "capacity":
            note = _(
                "The patient lacks capacity, so a report to %(recipient)s cannot rest on their "
                "consent: involve the substitute decision-maker and your privacy or legal office."
            ) % {"recipient": row.recipient}
        return _Outcome(row, False, note=note)
    missing = [check for check in checks if check.state is Tri.UNKNOWN]
    if missing:
        asked = tuple(_Question(c.fact, row.recipient, row.duty, c.when) for c in missing)
        return _Outcome(row, False, questions=asked)
    because = "; ".join(check.because for check in checks if check.because)
    return _Outcome(row, True, because=because)


def _age_state(row: RuleRow, ages: tuple[int, int]) -> Tri:
    low = row.age_min if row.age_min is not None else 0
    high = row.age_max if row.age_max is not None else OLDEST
    if low <= ages[0] and ages[1] <= high:
        return Tri.YES
    if ages[1] < low or ages[0] > high:
        return Tri.NO
    return Tri.UNKNOWN


def _age_check(row: RuleRow, ages: tuple[int, int]) -> _Check:
    state = _age_state(row, ages)
    if row.age_min is None and row.age_max is None:
        return _Check(Tri.YES)
    covered = age_phrase(row.age_min, row.age_max)
    because = ""
    if state is Tri.YES and ages[0] == ages[1]:
        because = _("the patient is %(age)s (this rule covers %(range)s)") % {
            "age": ages[0],
            "range": covered,
        }
    return _Check(state, because=because, fact="age", when=covered)


def age_phrase(age_min: int | None, age_max: int | None) -> str:
    """An age range in words, e.g. "under 16", "16–17", "65 or over"."""
    if age_min is None and age_max is None:
        return _("any age")
    if age_min is None:
        return _("under %(n)s") % {"n": (age_max or 0) + 1}
    if age_max is None:
        return _("at %(n)s or over") % {"n": age_min}
    if age_min == age_max:
        return _("at %(n)s") % {"n": age_min}
    return _("at %(low)s–%(high)s") % {"low": age_min, "high": age_max}


def _trigger_checks(row: RuleRow, facts: ReportingFacts) -> list[_Check]:
    """What the row's trigger tests beyond its ages and conditions."""
    checks = []
    if row.trigger is Trigger.WEAPON_INJURY:
        kinds = _join_or(str(_KIND_WORDS[k]) for k in InjuryKind if k in row.weapon_kinds)
        if facts.injury_kind is None:
            state = Tri.UNKNOWN
        else:
            state = Tri.YES if facts.injury_kind in row.weapon_kinds else Tri.NO
        checks.append(
            _Check(
                state,
                because=_("the patient has a %(kind)s") % {"kind": kinds},
                fact="injury_kind",
                when=_("for a %(kind)s") % {"kind": kinds},
            )
        )
    if row.trigger is Trigger.CRIME_INJURY:
        checks.append(
            _Check(
                facts.crime_injury,
                because=_("the patient has an injury caused by a crime"),
                fact="crime_injury",
                when=_("if so"),
            )
        )
    if row.trigger is Trigger.CAPACITY:
        checks.append(
            _Check(
                lacks_capacity(facts),
                because=_("the patient lacks decision-making capacity"),
                fact="capacity",
                when=_("if they lack capacity"),
            )
        )
    if row.duty is Duty.CONSENT:
        # Only a patient with capacity can give or refuse consent.
        checks.append(
            _Check(
                negate(lacks_capacity(facts)),
                because=_("the patient has decision-making capacity"),
                fact="capacity",
                when=_("with their consent, if they have capacity"),
            )
        )
    return checks


_KIND_WORDS = {
    InjuryKind.GUNSHOT: gettext_lazy("gunshot wound"),
    InjuryKind.STAB: gettext_lazy("stab wound"),
}


def _report(outcome: _Outcome, verdict: str) -> Report:
    row = outcome.row
    reason = _("%(because)s: a report to %(recipient)s %(verdict)s.") % {
        "because": _capfirst(outcome.because) or _("This rule applies"),
        "recipient": row.recipient,
        "verdict": verdict,
    }
    return Report(
        recipient=row.recipient,
        label=str(TRIGGER_LABELS[row.trigger]),
        reporter=row.reporter,
        method=row.method,
        deadline=row.deadline,
        disclosure_limit=row.disclosure_limit,
        legal_basis=row.legal_basis,
        reason=reason,
        needs_verification=row.needs_verification,
        rule_ids=(row.id,),
        sources=(row.source,),
        checked_on=row.checked_on.isoformat(),
    )


def _merge(reports: Iterable[Report]) -> tuple[Report, ...]:
    """One report per recipient: the clinician makes one call, citing every statute behind it."""
    merged: dict[str, Report] = {}
    for report in reports:
        key = _key(report.recipient)
        first = merged.get(key)
        if first is None:
            merged[key] = report
            continue
        merged[key] = replace(
            first,
            legal_basis=first.legal_basis
            if report.legal_basis in first.legal_basis
            else f"{first.legal_basis}; {report.legal_basis}",
            reason=f"{first.reason} {report.reason}",
            needs_verification=first.needs_verification or report.needs_verification,
            rule_ids=first.rule_ids + report.rule_ids,
            sources=first.sources + report.sources,
            reporter=first.reporter or report.reporter,
            method=first.method or report.method,
            deadline=first.deadline or report.deadline,
        )
    return tuple(merged.values())


def _phrase_questions(questions: list[_Question]) -> tuple[str, ...]:
    """One line per missing fact, naming each report its answer would decide, e.g.
    "Patient's age: a report to a children's aid society is required under 16 and permitted at
    16–17"."""
    by_fact: dict[str, dict[str, list[tuple[Duty, str]]]] = {}
    for question in questions:
        asks = by_fact.setdefault(question.fact, {}).setdefault(question.recipient, [])
        if (question.duty, question.when) not in asks:
            asks.append((question.duty, question.when))
    lines = []
    for fact in sorted(by_fact, key=FACT_ORDER.index):
        parts = [
            _("a report to %(recipient)s %(when)s")
            % {"recipient": recipient, "when": _join_phrases(asks)}
            for recipient, asks in by_fact[fact].items()
        ]
        lines.append(
            _("%(question)s — %(reports)s")
            % {"question": FACT_QUESTIONS[fact], "reports": "; ".join(parts)}
        )
    return tuple(lines)


_DUTY_PHRASE = {
    Duty.MANDATORY: gettext_lazy("is required"),
    Duty.PERMISSIVE: gettext_lazy("is permitted"),
    Duty.CONSENT: gettext_lazy("is possible"),
}


def _join_phrases(asks: list[tuple[Duty, str]]) -> str:
    """One recipient's part of a question; a weaker duty over the same range adds nothing."""
    mandatory = {when for duty, when in asks if duty is Duty.MANDATORY}
    kept = [(d, w) for d, w in asks if d is Duty.MANDATORY or w not in mandatory]
    return _join(
        (_("%(duty)s %(when)s") % {"duty": _DUTY_PHRASE[duty], "when": when}).strip()
        for duty, when in kept
    )


def _guide_note(rules: JurisdictionRules, ages: tuple[int, int]) -> str:
    """Where a minor is possible, one line on how this law differs from the guide's general
    statement (child protection and police required for every minor, everywhere)."""
    if rules.elsewhere or ages[0] > rules.minor_until:
        return ""
    child = [row for row in rules.rows if row.trigger is Trigger.CHILD]
    if not child:
        return ""
    law = "; ".join(
        _("a report to %(recipient)s %(duty)s %(ages)s (%(basis)s)")
        % {
            "recipient": row.recipient,
            "duty": _DUTY_PHRASE[row.duty],
            "ages": age_phrase(row.age_min, row.age_max),
            "basis": row.legal_basis,
        }
        for row in child
    )
    return _(
        "The guide says a report to child protection and to the police is required for every "
        "child under 18. The law of %(place)s says: %(law)s."
    ) % {"place": rules.name, "law": law}


def _none_found_reasons(
    rules: JurisdictionRules, facts: ReportingFacts, ages: tuple[int, int]
) -> list[str]:
    """Say so when the facts touch a topic on which no law was found, so silence is not misread."""
    relevant = {
        "child": ages[0] <= rules.minor_until,
        "adult_protection": facts.capacity is CapacityOutcome.LACKS_CAPACITY
        or Tri.YES in (facts.developmental_disability, facts.disability, facts.vulnerable_adult),
        "weapon_injury": facts.injury_kind in (InjuryKind.GUNSHOT, InjuryKind.STAB),
        "crime_injury": facts.crime_injury is Tri.YES,
    }
    return [
        _("%(place)s: %(note)s") % {"place": rules.name, "note": note}
        for topic, note in rules.none_found.items()
        if relevant.get(topic, False)
    ]


def _key(recipient: str) -> str:
    return " ".join(recipient.casefold().split())


def _unique(outcomes: list[_Outcome]) -> list[_Outcome]:
    seen: dict[str, _Outcome] = {}
    for outcome in outcomes:
        seen.setdefault(_key(outcome.row.recipient), outcome)
    return list(seen.values())


def _join(parts: Iterable[str]) -> str:
    items = [str(part) for part in parts]
    if len(items) <= 1:
        return "".join(items)
    return _("%(rest)s and %(last)s") % {"rest": ", ".join(items[:-1]), "last": items[-1]}


def _join_or(parts: Iterable[str]) -> str:
    items = [str(part) for part in parts]
    if len(items) <= 1:
        return "".join(items)
    return _("%(rest)s or %(last)s") % {"rest": ", ".join(items[:-1]), "last": items[-1]}


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]
