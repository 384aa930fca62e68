"""Screening writes: each one atomic, each writing its timeline and audit entries with it.

One case's screening (gate, observations, answers, pause/resume/complete). Content (banks,
signs, instruments) is written only through `cases.content.save_version`/`import_version`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Value
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from cases import audit
from cases.actions import lock_case, record_event
from cases.content import StaleVersion
from cases.events import EventKind
from cases.languages import translated
from cases.models import AuditEntry, Case, User
from screening import content, rules
from screening.models import (
    Answer,
    Indicator,
    IndicatorSet,
    Instrument,
    InstrumentResponse,
    ObservedIndicator,
    Question,
    QuestionBank,
    Screening,
)

# Why a pause, resume or finish is refused, by the screening's status: shown to the clinician.
_CLOSED = {
    Screening.Status.IN_PROGRESS: gettext_lazy("The screening is in progress."),
    Screening.Status.PAUSED: gettext_lazy("The screening is paused."),
    Screening.Status.COMPLETED: gettext_lazy("The screening is completed."),
    Screening.Status.NOT_SCREENED: gettext_lazy(
        "No screening is open: this case was recorded as not screened."
    ),
}


class NoContentError(RuntimeError):
    """No published question bank or checklist exists, so no screening can start."""


class NoSuchVersionError(ValueError):
    """The form names a saved version that does not exist (a forged or corrupted post)."""


class ScreeningAlreadyOpenError(Exception):
    """Another screening of this case is in progress or paused; only one may be open."""


def _refuse_if_one_is_open(case: Case) -> None:
    # The case row is locked first, so two simultaneous starts are served one after the other
    # and the second sees the first's screening (else both open one, and answers saved to the
    # hidden one vanish from view).
    lock_case(case)
    open_statuses = [Screening.Status.IN_PROGRESS, Screening.Status.PAUSED]
    if Screening.objects.filter(case=case, status__in=open_statuses).exists():
        raise ScreeningAlreadyOpenError(_("A screening is already under way for this case."))


class ScreeningClosedError(Exception):
    """The screening is finished (or was never started), so its answers cannot change."""


# Content (banks, signs, instruments) is saved and imported through `cases.content`
# (`save_version`, `import_version`); see the README's "Clinical content".


def as_document(content: rules.Bank | rules.Instrument) -> dict[str, Any]:
    """A parsed bank or instrument (a FHIR import) as its stored document (lists, not tuples)."""
    return _without_empty_translations(json.loads(json.dumps(asdict(content))))


def _without_empty_translations(value: Any) -> Any:
    """Stored documents carry `translations` only where there are some (`with_translations`),
    so a parsed import without any compares equal to the stored version."""
    if isinstance(value, dict):
        return {
            k: _without_empty_translations(v)
            for k, v in value.items()
            if not (k == "translations" and not v)
        }
    if isinstance(value, list):
        return [_without_empty_translations(v) for v in value]
    return value


# --- One case's screening -------------------------------------------------------------------


@dataclass(frozen=True)
class Gate:
    separation_method: str
    separation_note: str
    interpreter: str


def _current_content() -> tuple[QuestionBank, IndicatorSet]:
    bank = QuestionBank.objects.latest_published(content.DEFAULT_BANK_SLUG)
    if bank is None:
        bank = QuestionBank.objects.published().order_by("slug", "-version").first()
    indicator_set = IndicatorSet.objects.published().order_by("-version").first()
    if bank is None or indicator_set is None:
        raise NoContentError(
            _(
                "No question bank or checklist is loaded; ask an administrator to run "
                "load_screening_content."
            )
        )
    return bank, indicator_set


def _new_screening(case: Case, *, by: User, **fields: Any) -> Screening:
    bank, indicator_set = _current_content()
    screening = Screening.objects.create(
        case=case, bank=bank, indicator_set=indicator_set, started_by=by, **fields
    )
    ObservedIndicator.objects.bulk_create(
        ObservedIndicator(screening=screening, indicator=indicator)
        for indicator in indicator_set.indicators.all()
    )
    return screening


@transaction.atomic
def start_screening(case: Case, gate: Gate, *, by: User) -> Screening:
    """The gate was met: open a screening with every question "not asked" yet."""
    _refuse_if_one_is_open(case)
    screening = _new_screening(
        case,
        by=by,
        status=Screening.Status.IN_PROGRESS,
        patient_alone=True,
        separation_method=gate.separation_method,
        separation_note=gate.separation_note,
        interpreter=gate.interpreter,
        confidentiality_explained=True,
        patient_agreed=True,
    )
    Answer.objects.bulk_create(
        Answer(screening=screening, question=question)
        for question in Question.objects.filter(theme__bank=screening.bank)
    )
    gate_content = content.gate_in_force()
    record_event(
        case,
        EventKind.SCREENING_GATE_MET,
        by=by,
        summary="Screening started: patient seen alone, confidentiality limits explained",
        payload={
            "screening": screening.pk,
            "bank": f"{screening.bank.slug}|{screening.bank.version}",
            "separation": content.label_of(
                gate_content["separation_methods"], gate.separation_method
            ),
            "interpreter": content.label_of(
                gate_content["interpreter"]["options"], gate.interpreter
            ),
        },
    )
    return screening


@transaction.atomic
def record_not_screened(
    case: Case, *, reason: str, note: str, universal_education_offered: bool, by: User
) -> Screening:
    """The gate could not be met: say so and why; signs seen can still be recorded."""
    _refuse_if_one_is_open(case)
    screening = _new_screening(
        case,
        by=by,
        status=Screening.Status.NOT_SCREENED,
        not_screened_reason=reason,
        not_screened_note=note,
        universal_education_offered=universal_education_offered,
        completed_at=timezone.now(),
    )
    label = content.label_of(content.gate_in_force()["not_screened_reasons"], reason)
    record_event(
        case,
        EventKind.SCREENING_NOT_SCREENED,
        by=by,
        summary=f"Not screened: {label}",
        payload={
            "screening": screening.pk,
            "reason": reason,
            "universal_education_offered": universal_education_offered,
        },
    )
    return screening


def summary_rows(screening: Screening) -> tuple[list[ObservedIndicator], list[Answer]]:
    """Every observation (with its sign) and answer (with its question and theme) of a
    screening, in order: what the summary and the tab both read, in two queries.

    When the screening's bank and sign set are loaded already (the tab, the summary), the
    questions, themes and signs come from their versions' cache (`content.bank_questions`,
    `content.set_indicators`) rather than joined and rebuilt on every read.
    """
    return _rows(screening, screening.observations.all())


def _rows(
    screening: Screening, observations: QuerySet[ObservedIndicator]
) -> tuple[list[ObservedIndicator], list[Answer]]:
    answers = screening.answers.all()
    if Screening.bank.is_cached(screening) and Screening.indicator_set.is_cached(screening):
        indicators = content.set_indicators(screening.indicator_set)
        questions = content.bank_questions(screening.bank)
        signs, asked = list(observations), list(answers)
        if all(o.indicator_id in indicators for o in signs) and all(
            a.question_id in questions for a in asked
        ):
            for o in signs:
                ObservedIndicator.indicator.field.set_cached_value(o, indicators[o.indicator_id])
            for a in asked:
                Answer.question.field.set_cached_value(a, questions[a.question_id])
            return signs, asked
    return list(observations.select_related("indicator")), list(
        answers.select_related("question__theme")
    )


def summary_of(
    screening: Screening,
    rows: tuple[list[ObservedIndicator], list[Answer]] | None = None,
) -> rules.ConcernSummary:
    """The concern summary of a screening, reasons naming question texts and signs in the
    active language (as the tab shows them), English where the content lacks it.

    `rows` are the screening's `summary_rows` when the caller has read them already. With the
    screening's content versions loaded (the tab, the summary), the summary is the cached
    result of `_summary_from_facts`: the rule is pure, and what it reads is in its key.
    """
    cached = Screening.bank.is_cached(screening) and Screening.indicator_set.is_cached(screening)
    if cached:
        if rows is None:
            seen, answered = _summary_facts(screening)
        else:
            seen = tuple(o.indicator_id for o in rows[0] if o.observed)
            answered = tuple((a.question_id, a.status, a.concern) for a in rows[1])
        bank, signs = screening.bank, screening.indicator_set
        summary = _summary_from_facts(
            get_language(),
            (bank.pk, bank.created_at),
            (signs.pk, signs.created_at),
            screening.gate_met,
            seen,
            answered,
        )
        if summary is not None:
            return summary
    if rows is None:  # the summary alone reads only the signs seen
        rows = _rows(screening, screening.observations.filter(observed=True))
    observations, answers = rows
    return _concern_summary(
        [o.indicator for o in observations if o.observed],
        [(a.question, a.status, a.concern) for a in answers],
        gate_met=screening.gate_met,
    )


def _summary_facts(
    screening: Screening,
) -> tuple[tuple[int, ...], tuple[tuple[int, str, bool], ...]]:
    """The signs seen (their ids, in the set's order) and each answer's (question id, status,
    concern), in the bank's order: what the concern summary reads, in one query."""
    seen = (
        screening.observations.filter(observed=True)
        .order_by()
        .annotate(kind=Value("sign"), no_status=Value(""), no_concern=Value(False))
        .values_list("kind", "indicator_id", "no_status", "no_concern")
    )
    answered = (
        screening.answers.order_by()
        .annotate(kind=Value("answer"))
        .values_list("kind", "question_id", "status", "concern")
    )
    indicators = content.set_indicators(screening.indicator_set)
    questions = content.bank_questions(screening.bank)
    signs: list[int] = []
    answers: list[tuple[int, str, bool]] = []
    for kind, content_id, status, concern in seen.union(answered, all=True).order_by():
        if kind == "sign":
            signs.append(content_id)
        else:
            answers.append((content_id, status, concern))

    def question_order(answer: tuple[int, str, bool]) -> tuple[int, int, int]:
        question = questions.get(answer[0])
        if question is None:  # not this version's: left for the rule's check to refuse
            return (0, 0, answer[0])
        return (question.theme.position, question.position, answer[0])

    return (
        tuple(sorted(signs, key=lambda pk: (getattr(indicators.get(pk), "position", 0), pk))),
        tuple(sorted(answers, key=question_order)),
    )


@lru_cache(maxsize=2048)
def _summary_from_facts(
    language: str,
    bank: tuple[int, Any],
    indicator_set: tuple[int, Any],
    gate_met: bool,
    seen: tuple[int, ...],
    answered: tuple[tuple[int, str, bool], ...],
) -> rules.ConcernSummary | None:
    """The concern summary of these facts in `language`, built once per process for each set of
    facts (the rule is pure; versions of content never change); None when a fact is not of
    these content versions (the caller then reads the rows joined)."""
    indicators = content.set_indicators_of(*indicator_set)
    questions = content.bank_questions_of(*bank)
    if any(pk not in indicators for pk in seen) or any(a[0] not in questions for a in answered):
        return None
    with translation.override(language):
        return _concern_summary(
            [indicators[pk] for pk in seen],
            [(questions[pk], status, concern) for pk, status, concern in answered],
            gate_met=gate_met,
        )


def _concern_summary(
    indicators: list[Indicator],
    answers: list[tuple[Question, str, bool]],
    *,
    gate_met: bool,
) -> rules.ConcernSummary:
    language = get_language()
    return rules.concern_summary(
        [replace(i.to_rule(), text=translated(i, "text", language).text) for i in indicators],
        [
            rules.AnswerFact(
                question_slug=question.slug,
                theme_slug=question.theme.slug,
                status=rules.AnswerStatus(status),
                concern=concern,
                question_text=translated(question, "text", language).text,
                theme_title=translated(question.theme, "title", language).text,
            )
            for question, status, concern in answers
        ],
        gate_met=gate_met,
    )


def _refresh_concern(screening: Screening, *, by: User) -> None:
    """Keep `Case.concern_level` equal to what this screening now shows.

    Nothing recorded yet means "not assessed", not "no concern": a screening where nothing was
    seen or asked has not assessed anything.
    """
    rows = summary_rows(screening)
    observations, answers = rows
    assessed = any(o.observed for o in observations) or any(
        a.status != Answer.Status.NOT_ASKED for a in answers
    )
    summary = summary_of(screening, rows)
    level = summary.level.value if assessed else Case.Concern.NOT_ASSESSED
    case = Case.objects.select_for_update().get(pk=screening.case_id)
    if case.concern_level == level:
        return
    Case.objects.filter(pk=case.pk).update(concern_level=level, updated_at=timezone.now())
    label = Case.Concern(level).label
    record_event(
        case,
        EventKind.SCREENING_CONCERN_ASSESSED,
        by=by,
        summary=f"Concern level now: {str(label).lower()}",
        payload={"screening": screening.pk, "level": level, "previous": case.concern_level},
    )


def _lock(screening: Screening) -> Screening:
    # One save at a time per screening, so the concern level is computed from a settled state.
    locked = Screening.objects.select_for_update().get(pk=screening.pk)
    if Screening.case.is_cached(screening):
        # The case was read (through `for_user`) by the view: its audit entry needs no re-read.
        locked.case = screening.case
    for content_row in (Screening.bank, Screening.indicator_set):
        # Content versions never change: the ones read with the screening are the same.
        if content_row.is_cached(screening):
            content_row.field.set_cached_value(
                locked, content_row.field.get_cached_value(screening)
            )
    return locked


@transaction.atomic
def save_observation(
    observation: ObservedIndicator,
    *,
    observed: bool,
    note: str,
    base_version: int,
    by: User,
) -> ObservedIndicator:
    """Record whether a sign was seen; raises StaleVersion if someone saved it meanwhile."""
    screening = _lock(observation.screening)
    if screening.status == Screening.Status.COMPLETED:
        raise ScreeningClosedError(_("This screening is finished."))
    current = ObservedIndicator.objects.select_for_update().get(pk=observation.pk)
    if ObservedIndicator.indicator.is_cached(observation):
        current.indicator = observation.indicator  # content rows never change once saved
    if current.version != base_version:
        raise StaleVersion(current)
    if (current.observed, current.note) == (observed, note):
        return current
    # A note alone changes nothing the concern level is computed from.
    concern_may_change = current.observed != observed
    current.observed, current.note = observed, note
    current.version += 1
    current.updated_at, current.updated_by = timezone.now(), by
    current.save()
    audit.record(
        AuditEntry.Action.CASE_CHANGE,
        user=by,
        case=screening.case,
        event=EventKind.SCREENING_INDICATOR_SAVED,
        indicator=current.indicator.slug,
        observed=observed,
    )
    if concern_may_change:
        _refresh_concern(screening, by=by)
    return current


@transaction.atomic
def save_answer(
    answer: Answer,
    *,
    status: str,
    note: str,
    verbatim: bool,
    concern: bool,
    base_version: int,
    by: User,
) -> Answer:
    """Save one answer as typed; raises StaleVersion if someone saved it meanwhile."""
    screening = _lock(answer.screening)
    if not screening.is_open:
        raise ScreeningClosedError(_("This screening is finished; its answers cannot change."))
    current = Answer.objects.select_for_update().get(pk=answer.pk)
    # The question is content, never changed once saved: the one the view read is the same.
    if Answer.question.is_cached(answer):
        current.question = answer.question
    if current.version != base_version:
        raise StaleVersion(current)
    new = (status, note, verbatim and status == Answer.Status.ANSWERED, concern)
    if (current.status, current.note, current.verbatim, current.concern) == new:
        return current
    # The level is computed from each answer's status and concern: typing a note (what an
    # autosave mostly sends) leaves it as it is, so it is not computed again.
    concern_may_change = (current.status, current.concern) != (status, concern)
    current.status, current.note, current.verbatim, current.concern = new
    current.version += 1
    current.updated_at, current.updated_by = timezone.now(), by
    current.save()
    # The note itself stays out of the audit log: it is clinical content, not evidence of access.
    audit.record(
        AuditEntry.Action.CASE_CHANGE,
        user=by,
        case=screening.case,
        event=EventKind.SCREENING_ANSWER_SAVED,
        question=current.question.slug,
        status=status,
    )
    if concern_may_change:
        _refresh_concern(screening, by=by)
    return current


def _change_status(
    screening: Screening,
    *,
    allowed_from: set[str],
    to: str,
    kind: EventKind,
    summary: str,
    by: User,
) -> Screening:
    locked = _lock(screening)
    if locked.status not in allowed_from:
        raise ScreeningClosedError(str(_CLOSED[Screening.Status(locked.status)]))
    locked.status = to
    if to == Screening.Status.COMPLETED:
        locked.completed_at = timezone.now()
    locked.save(update_fields=["status", "completed_at"])
    record_event(locked.case, kind, by=by, summary=summary, payload={"screening": locked.pk})
    return locked


@transaction.atomic
def pause_screening(screening: Screening, *, by: User) -> Screening:
    return _change_status(
        screening,
        allowed_from={Screening.Status.IN_PROGRESS},
        to=Screening.Status.PAUSED,
        kind=EventKind.SCREENING_PAUSED,
        summary="Screening paused",
        by=by,
    )


@transaction.atomic
def resume_screening(screening: Screening, *, by: User) -> Screening:
    """Resume after the clinician confirmed again that the patient is alone."""
    return _change_status(
        screening,
        allowed_from={Screening.Status.PAUSED},
        to=Screening.Status.IN_PROGRESS,
        kind=EventKind.SCREENING_RESUMED,
        summary="Screening resumed: patient seen alone again",
        by=by,
    )


@transaction.atomic
def complete_screening(screening: Screening, *, by: User) -> Screening:
    done = _change_status(
        screening,
        allowed_from={Screening.Status.IN_PROGRESS, Screening.Status.PAUSED},
        to=Screening.Status.COMPLETED,
        kind=EventKind.SCREENING_COMPLETED,
        summary="Screening finished",
        by=by,
    )
    _refresh_concern(done, by=by)
    return done


@transaction.atomic
def save_instrument_response(
    screening: Screening,
    instrument: Instrument,
    answers: dict[str, bool | None],
    *,
    base_version: int,
    by: User,
) -> rules.InstrumentResult:
    """Store the brief instrument's answers and return its score for this patient.

    `base_version` is the response's version when the form was opened (0 if none existed);
    if someone saved since, StaleVersion is raised and nothing changes.
    """
    locked = _lock(screening)
    if not locked.is_open:
        raise ScreeningClosedError(_("This screening is finished."))
    existing = (
        InstrumentResponse.objects.select_for_update()
        .filter(screening=locked, instrument=instrument)
        .first()
    )
    current_version = existing.version if existing else 0
    if existing is None and base_version != 0:
        raise NoSuchVersionError(_("No answers were saved for this instrument yet."))
    if existing is not None and current_version != base_version:
        raise StaleVersion(existing)
    result = rules.score_instrument(instrument.to_rule(), answers, age=locked.case.age_years)
    InstrumentResponse.objects.update_or_create(
        screening=locked,
        instrument=instrument,
        defaults={
            "answers": answers,
            "version": current_version + 1,
            "updated_at": timezone.now(),
            "updated_by": by,
        },
    )
    audit.record(
        AuditEntry.Action.CASE_CHANGE,
        user=by,
        case=locked.case,
        event=EventKind.SCREENING_INSTRUMENT_SAVED,
        instrument=f"{instrument.slug}|{instrument.version}",
        positive=result.positive,
    )
    return result
