"""Screening writes: each one atomic, each writing its timeline and audit entries with it.

Two families: content (banks, indicator checklists, instruments — always a new version, never an
edit in place) and one case's screening (gate, observations, answers, pause/resume/complete).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cases import audit
from cases.actions import lock_case, record_event
from cases.events import EventKind
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
    Theme,
)


class ContentVersionConflict(ValueError):
    """Content arrived under a version number that already holds different content."""


class NoContentError(RuntimeError):
    """No published question bank or checklist exists, so no screening can start."""


class StaleRowError(Exception):
    """Someone saved this answer or observation after the user opened it; nothing was saved."""

    def __init__(self, current: Answer | ObservedIndicator | InstrumentResponse) -> None:
        super().__init__(f"Now at version {current.version}.")
        self.current = current


class NoSuchVersionError(ValueError):
    """The form names a saved version that does not exist (a forged or corrupted post)."""


class StaleContentError(Exception):
    """Someone saved a newer version while this editor was open; nothing was saved."""

    def __init__(self, latest: QuestionBank | IndicatorSet | Instrument) -> None:
        super().__init__(f"Version {latest.version} was saved meanwhile.")
        self.latest = latest


class ScreeningAlreadyOpenError(Exception):
    """Another screening of this case is in progress or paused; only one may be open."""


def _refuse_if_one_is_open(case: Case) -> None:
    # The case row is locked first, so two simultaneous starts are served one after the other
    # and the second sees the first's screening (else both open one, and answers saved to the
    # hidden one vanish from view).
    lock_case(case)
    open_statuses = [Screening.Status.IN_PROGRESS, Screening.Status.PAUSED]
    if Screening.objects.filter(case=case, status__in=open_statuses).exists():
        raise ScreeningAlreadyOpenError("A screening is already under way for this case.")


class ScreeningClosedError(Exception):
    """The screening is finished (or was never started), so its answers cannot change."""


# --- Content ----------------------------------------------------------------------------------


def _publish_only(model: type, obj: Any) -> None:
    """New screenings use exactly one version per slug: the newest."""
    model.objects.filter(slug=obj.slug).exclude(pk=obj.pk).update(published=False)


def _check_based_on(model: type, slug: str, based_on: int | None) -> None:
    """Refuse an edit made from an older newest version: two administrators editing at once
    would otherwise each publish a version, the second silently dropping the first's changes.
    Editing an old version on purpose (to go back to it) is fine: `based_on` is the version
    that was newest when the editor opened, not the one being edited."""
    if based_on is None:
        return
    latest = model.objects.select_for_update().filter(slug=slug).order_by("-version").first()
    if latest is not None and latest.version != based_on:
        raise StaleContentError(latest)


def _next_version(model: type, slug: str) -> int:
    return (model.objects.filter(slug=slug).aggregate(v=Max("version"))["v"] or 0) + 1


def _create_bank(bank: rules.Bank, *, by: User | None) -> QuestionBank:
    row = QuestionBank.objects.create(
        slug=bank.slug,
        version=bank.version,
        title=bank.title,
        source=bank.source,
        principles=[{"title": p.title, "text": p.text} for p in bank.principles],
        guidance=[{"title": g.title, "text": g.text} for g in bank.guidance],
        created_by=by,
    )
    for t_pos, theme in enumerate(bank.themes):
        theme_row = Theme.objects.create(
            bank=row, slug=theme.slug, title=theme.title, purpose=theme.purpose, position=t_pos
        )
        Question.objects.bulk_create(
            Question(theme=theme_row, slug=q.slug, text=q.text, position=q_pos)
            for q_pos, q in enumerate(theme.questions)
        )
    return row


def _bank_rows(slug: str, version: int) -> QuestionBank | None:
    return (
        QuestionBank.objects.filter(slug=slug, version=version)
        .prefetch_related("themes__questions")
        .first()
    )


@transaction.atomic
def import_bank(bank: rules.Bank, *, by: User | None) -> tuple[QuestionBank, bool]:
    """Store a bank version; (row, created). The same version again is a no-op if identical.

    A different bank under an existing version number is refused: screenings already point at
    that version and must keep showing what they used.
    """
    existing = _bank_rows(bank.slug, bank.version)
    return _import_version(QuestionBank, bank, existing, _create_bank, by=by, what="question_bank")


def _import_version(
    model: type,
    content: rules.Bank | rules.Instrument,
    existing: Any,
    create: Callable[..., Any],
    *,
    by: User | None,
    what: str,
) -> tuple[Any, bool]:
    """Store imported content as its own version, shared by banks and instruments."""
    if existing is not None:
        if existing.to_rule() != content:
            raise ContentVersionConflict(
                f"Version {content.version} of '{content.slug}' already exists with different "
                "content. Give the file a higher version number to add it as a new version."
            )
        return existing, False
    row = create(content, by=by)
    if content.version == _next_version(model, content.slug) - 1:
        _publish_only(model, row)
    else:
        row.published = False  # an older version arriving late does not replace the newest
        row.save(update_fields=["published"])
    audit.record(
        AuditEntry.Action.CONTENT_CHANGE,
        user=by,
        object=what,
        slug=content.slug,
        version=content.version,
        how="import",
    )
    return row, True


@transaction.atomic
def save_bank_version(
    previous: QuestionBank, data: dict[str, Any], *, by: User, based_on: int | None = None
) -> QuestionBank:
    """An edited bank becomes the next version; the edited one stays as it was.

    `data` is the seed_bank.json format; it is checked by `rules.load_bank` (ContentError).
    Raises StaleContentError when the newest version is no longer `based_on`.
    """
    _check_based_on(QuestionBank, previous.slug, based_on)
    data = {**data, "slug": previous.slug, "version": _next_version(QuestionBank, previous.slug)}
    row = _create_bank(rules.load_bank(data), by=by)
    _publish_only(QuestionBank, row)
    audit.record(
        AuditEntry.Action.CONTENT_CHANGE,
        user=by,
        object="question_bank",
        slug=row.slug,
        version=row.version,
        previous_version=previous.version,
        how="edit",
    )
    return row


@transaction.atomic
def save_indicator_set(
    data: dict[str, Any],
    *,
    by: User | None,
    slug: str = "observed-signs",
    based_on: int | None = None,
) -> tuple[IndicatorSet, bool]:
    """Store a checklist as the next version, unless the newest version says exactly that.

    `data` is the indicators.json format, checked by `rules.load_indicators` (ContentError).
    Raises StaleContentError when the newest version is no longer `based_on`.
    """
    _check_based_on(IndicatorSet, slug, based_on)
    indicators = rules.load_indicators(data)
    latest = (
        IndicatorSet.objects.filter(slug=slug)
        .order_by("-version")
        .prefetch_related("indicators")
        .first()
    )
    if latest is not None and latest.source == data["source"]:
        if tuple(i.to_rule() for i in latest.indicators.all()) == indicators:
            return latest, False
    row = IndicatorSet.objects.create(
        slug=slug, version=_next_version(IndicatorSet, slug), source=data["source"], created_by=by
    )
    Indicator.objects.bulk_create(
        Indicator(
            indicator_set=row,
            slug=i.slug,
            text=i.text,
            category=i.category,
            weight=i.weight.value,
            follow_up_question=i.follow_up_question,
            position=pos,
        )
        for pos, i in enumerate(indicators)
    )
    _publish_only(IndicatorSet, row)
    audit.record(
        AuditEntry.Action.CONTENT_CHANGE,
        user=by,
        object="indicator_set",
        slug=slug,
        version=row.version,
    )
    return row, True


def _create_instrument(instrument: rules.Instrument, *, by: User | None) -> Instrument:
    return Instrument.objects.create(
        slug=instrument.slug,
        version=instrument.version,
        title=instrument.title,
        source=instrument.source,
        items=[
            {"slug": i.slug, "text": i.text, "answer_type": i.answer_type} for i in instrument.items
        ],
        positive_if_at_least=instrument.positive_if_at_least,
        min_age=instrument.min_age,
        max_age=instrument.max_age,
        validation_note=instrument.validation_note,
        demo=instrument.demo,
        created_by=by,
    )


@transaction.atomic
def import_instrument(instrument: rules.Instrument, *, by: User | None) -> tuple[Instrument, bool]:
    """Store an instrument version; (row, created). Same rules as `import_bank`."""
    existing = Instrument.objects.filter(slug=instrument.slug, version=instrument.version).first()
    return _import_version(
        Instrument, instrument, existing, _create_instrument, by=by, what="instrument"
    )


@transaction.atomic
def save_instrument_version(
    previous: Instrument, data: dict[str, Any], *, by: User, based_on: int | None = None
) -> Instrument:
    """An edited instrument becomes the next version (checked by `rules.load_instrument`).

    Raises StaleContentError when the newest version is no longer `based_on`.
    """
    _check_based_on(Instrument, previous.slug, based_on)
    data = {**data, "slug": previous.slug, "version": _next_version(Instrument, previous.slug)}
    row = _create_instrument(rules.load_instrument(data), by=by)
    _publish_only(Instrument, row)
    audit.record(
        AuditEntry.Action.CONTENT_CHANGE,
        user=by,
        object="instrument",
        slug=row.slug,
        version=row.version,
        previous_version=previous.version,
        how="edit",
    )
    return row


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
            "No question bank or checklist is loaded; ask an administrator to run "
            "load_screening_content."
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
    gate_content = content.gate()
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
    label = content.label_of(content.gate()["not_screened_reasons"], reason)
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


def summary_of(screening: Screening) -> rules.ConcernSummary:
    """The concern summary of a screening, reasons naming question texts."""
    observations = screening.observations.filter(observed=True).select_related("indicator")
    answers = screening.answers.select_related("question__theme")
    return rules.concern_summary(
        [o.indicator.to_rule() for o in observations],
        [
            rules.AnswerFact(
                question_slug=a.question.slug,
                theme_slug=a.question.theme.slug,
                status=rules.AnswerStatus(a.status),
                concern=a.concern,
                question_text=a.question.text,
                theme_title=a.question.theme.title,
            )
            for a in answers
        ],
        gate_met=screening.gate_met,
    )


def _refresh_concern(screening: Screening, *, by: User) -> None:
    """Keep `Case.concern_level` equal to what this screening now shows.

    Nothing recorded yet means "not assessed", not "no concern": a screening where nothing was
    seen or asked has not assessed anything.
    """
    assessed = (
        screening.observations.filter(observed=True).exists()
        or screening.answers.exclude(status=Answer.Status.NOT_ASKED).exists()
    )
    summary = summary_of(screening)
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
    return Screening.objects.select_for_update().get(pk=screening.pk)


@transaction.atomic
def save_observation(
    observation: ObservedIndicator,
    *,
    observed: bool,
    note: str,
    expected_version: int,
    by: User,
) -> ObservedIndicator:
    """Record whether a sign was seen; raises StaleRowError if someone saved it meanwhile."""
    screening = _lock(observation.screening)
    if screening.status == Screening.Status.COMPLETED:
        raise ScreeningClosedError("This screening is finished.")
    current = ObservedIndicator.objects.select_for_update().get(pk=observation.pk)
    if current.version != expected_version:
        raise StaleRowError(current)
    if (current.observed, current.note) == (observed, note):
        return current
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
    expected_version: int,
    by: User,
) -> Answer:
    """Save one answer as typed; raises StaleRowError if someone saved it meanwhile."""
    screening = _lock(answer.screening)
    if not screening.is_open:
        raise ScreeningClosedError("This screening is finished; its answers cannot change.")
    current = Answer.objects.select_for_update().select_related("question").get(pk=answer.pk)
    if current.version != expected_version:
        raise StaleRowError(current)
    new = (status, note, verbatim and status == Answer.Status.ANSWERED, concern)
    if (current.status, current.note, current.verbatim, current.concern) == new:
        return current
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
        raise ScreeningClosedError(f"The screening is {locked.get_status_display().lower()}.")
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
    expected_version: int,
    by: User,
) -> rules.InstrumentResult:
    """Store the brief instrument's answers and return its score for this patient.

    `expected_version` is the response's version when the form was opened (0 if none existed);
    if someone saved since, StaleRowError is raised and nothing changes.
    """
    locked = _lock(screening)
    if not locked.is_open:
        raise ScreeningClosedError("This screening is finished.")
    existing = (
        InstrumentResponse.objects.select_for_update()
        .filter(screening=locked, instrument=instrument)
        .first()
    )
    current_version = existing.version if existing else 0
    if existing is None and expected_version != 0:
        raise NoSuchVersionError("No answers were saved for this instrument yet.")
    if existing is not None and current_version != expected_version:
        raise StaleRowError(existing)
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
