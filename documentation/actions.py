"""Writes to the encounter note, each atomic, each checked against the version the clinician
typed on, each audited (declared fields only, never the note's text)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from functools import cache
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from cases import audit
from cases.actions import record_event
from cases.content import StaleVersion, save_version
from cases.events import EventKind
from cases.models import AuditEntry, Case, User
from documentation import language
from documentation.models import Addendum, EncounterNote, NoteTemplateVersion, WordListVersion
from documentation.rules import (
    CONSENT_CHOICES,
    NoteTemplate,
    merge_offer,
    parse_injury,
    shipped_documents,
)

ENCOUNTER = "encounter"


class NoteLockedError(Exception):
    """The note is final: only an addendum can change it now."""


class NotReadyError(Exception):
    """Finalising was refused; `problems` maps a field to what to do, `findings` holds the
    wording the clinician has not confirmed yet."""

    def __init__(
        self,
        problems: dict[str, str],
        findings: dict[str, tuple[language.Finding, ...]] | None = None,
    ) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems
        self.findings = findings or {}


def load_shipped_word_list() -> tuple[WordListVersion, bool]:
    """Store the shipped word list when none is stored; an edited one is kept."""
    newest = WordListVersion.objects.newest(language.WORD_LIST_SLUG)
    if newest is not None:
        return newest, False
    current_word_list()
    return WordListVersion.objects.newest(language.WORD_LIST_SLUG), True  # type: ignore[return-value]


def load_shipped_templates() -> list[tuple[NoteTemplateVersion, bool]]:
    """Store each shipped template that has no version yet; one an administrator edited is
    kept (a deploy never replaces an edit). (row, created) per template."""
    loaded = []
    for document in shipped_documents():
        newest = NoteTemplateVersion.objects.newest(document["slug"])
        if newest is not None:
            loaded.append((newest, False))
            continue
        loaded.append(
            save_version(
                NoteTemplateVersion,
                document["slug"],
                document,
                base_version=None,
                by=None,
                note="Shipped content",
            )
        )
    return loaded


def current_template(slug: str = ENCOUNTER) -> NoteTemplateVersion:
    """The version a new note starts on: the published one (the shipped file's when none is
    stored yet, as on a database emptied by tests)."""
    row = NoteTemplateVersion.objects.latest_published(slug)
    if row is None:
        load_shipped_templates()
        row = NoteTemplateVersion.objects.latest_published(slug)
    if row is None:
        raise NoteTemplateVersion.DoesNotExist(slug)
    return row


# The stored documents of a content version, left unread where only its identity is needed.
_CONTENT_FIELDS = {
    "template": ("sections", "consents", "translations", "changes"),
    "word_list": ("entries", "changes"),
}


def template_row(note: EncounterNote) -> NoteTemplateVersion:
    """The template version the note was started on, read once per note instance."""
    row: NoteTemplateVersion | None = getattr(note, "_template_row", None)
    if row is None or (row.slug, row.version) != (note.template_slug, note.template_version):
        found = NoteTemplateVersion.objects.filter(
            slug=note.template_slug, version=note.template_version
        )
        # Its sections are read only when this version is not cached yet (`rule`).
        row = found.defer(*_CONTENT_FIELDS["template"]).first()
        if row is None:  # only a database emptied of its shipped content
            load_shipped_templates()
            row = found.get()
        note._template_row = row  # type: ignore[attr-defined]
    return row


def with_content_versions(notes: QuerySet[EncounterNote]) -> QuerySet[EncounterNote]:
    """`notes` with the identity of the content versions a note's page reads, in the same
    query: its template version, and the word list in force for the wording check
    (`keep_content_versions` then spares `template_row` and `wording_languages` a query each)."""
    return notes.annotate(**_content_version_columns())


@cache
def _content_version_columns() -> dict[str, Subquery]:
    """The subqueries `with_content_versions` adds, built once per process: they name no case
    and no note (a note's own columns come in by `OuterRef`), and `annotate` resolves a copy
    of each, so the same expressions serve every query. Only what identifies each version is
    read (its key for `cached_rule`): the template's slug and version are the note's own, and
    the word list's number is read with its document, when that version is not cached yet."""
    rows = NoteTemplateVersion.objects.filter(
        slug=OuterRef("template_slug"), version=OuterRef("template_version")
    ).order_by()  # one row: (slug, version) is unique
    words = (
        WordListVersion.objects.published()
        .filter(slug=language.WORD_LIST_SLUG)
        .order_by("-version")  # as `latest_published`
    )
    return {
        "template_row_pk": Subquery(rows.values("pk")[:1]),
        "template_row_created_at": Subquery(rows.values("created_at")[:1]),
        "word_list_pk": Subquery(words.values("pk")[:1]),
        "word_list_created_at": Subquery(words.values("created_at")[:1]),
    }


def keep_content_versions(note: Any) -> None:
    """The content versions of a note read `with_content_versions`, as their own queries
    would read them: identity loaded, documents deferred (read only when not cached, `rule`).
    A version not stored yet is left to those queries (which store the shipped content)."""
    db = note._state.db
    if getattr(note, "template_row_pk", None) is not None:
        note._template_row = NoteTemplateVersion.from_db(
            db,
            ["id", "slug", "version", "created_at"],
            [
                note.template_row_pk,
                note.template_slug,
                note.template_version,
                note.template_row_created_at,
            ],
        )
    if getattr(note, "word_list_pk", None) is not None:
        note._word_list_row = WordListVersion.from_db(
            db,
            ["id", "slug", "created_at"],
            [note.word_list_pk, language.WORD_LIST_SLUG, note.word_list_created_at],
        )


def template_of(note: EncounterNote, language: str | None = None) -> NoteTemplate:
    """The note's template (the version it keeps), its labels in the active language."""
    return template_row(note).rule(language)


def patient_is_minor(case: Case) -> bool | None:
    return None if case.age_years is None else case.age_years < 18


def current_word_list() -> WordListVersion:
    """The published word list (the shipped file's when none is stored yet)."""
    # The entries are read only when this version is not cached yet (`rule`).
    published = WordListVersion.objects.defer(*_CONTENT_FIELDS["word_list"])
    row = published.latest_published(language.WORD_LIST_SLUG)
    if row is None:
        save_version(
            WordListVersion,
            language.WORD_LIST_SLUG,
            language.shipped_word_list_document(),
            base_version=None,
            by=None,
            note="Shipped content",
        )
        row = published.latest_published(language.WORD_LIST_SLUG)
    if row is None:
        raise WordListVersion.DoesNotExist(language.WORD_LIST_SLUG)
    return row


def wording_languages(note: EncounterNote | None = None) -> dict[str, Any]:
    """How the language check reads for the person acting now: the word list administrators
    keep (the version read with `note`, when it was read `with_content_versions`), the note
    checked in their language first, then the others; reasons in theirs."""
    active = (get_language() or "en").split("-")[0]
    row: WordListVersion | None = getattr(note, "_word_list_row", None)
    return {
        "language": language.note_languages(active),
        "explain_in": active,
        "word_list": (row or current_word_list()).rule(),
    }


def _locked(note: EncounterNote, base_version: int) -> EncounterNote:
    fresh = EncounterNote.objects.select_for_update().get(pk=note.pk)
    if fresh.version != base_version:
        raise StaleVersion(fresh)  # the note changed after the page loaded
    if fresh.is_final:
        raise NoteLockedError()
    # The case and the template version cannot change under a note: keep what was read.
    if EncounterNote.case.is_cached(note):
        fresh.case = note.case
    for kept in ("_template_row", "_word_list_row"):  # content versions read with the note
        if hasattr(note, kept):
            setattr(fresh, kept, getattr(note, kept))
    return fresh


def _saved(note: EncounterNote, *, by: User, event: EventKind, **detail: Any) -> EncounterNote:
    note.version += 1
    note.updated_at = timezone.now()
    note.updated_by = by
    note.save()
    audit.record(
        AuditEntry.Action.CASE_CHANGE,
        user=by,
        case=note.case,
        event=event,
        note=note.pk,
        version=note.version,
        **detail,
    )
    return note


@transaction.atomic
def start_note(case: Case, *, prefill: Mapping[str, str], by: User) -> EncounterNote:
    """The case's encounter note, prefilled; the existing one if it was started meanwhile."""
    template = current_template().rule()
    Case.objects.select_for_update().filter(pk=case.pk).first()
    existing = EncounterNote.objects.filter(case=case, template_slug=template.slug).first()
    if existing is not None:
        return existing
    note = EncounterNote.objects.create(
        case=case,
        template_slug=template.slug,
        # The note keeps this version whatever administrators change later.
        template_version=template.version,
        sections={s.slug: prefill.get(s.slug, "") for s in template.sections},
        consents={c.slug: "not_asked" for c in template.consents},
        prefill_basis=dict(prefill),
        created_by=by,
        updated_by=by,
    )
    record_event(
        case,
        EventKind.DOCUMENTATION_NOTE_STARTED,
        by=by,
        # Stored as the English msgid (gettext_noop): the timeline translates it when shown,
        # in the reader's language, not the writer's.
        summary=gettext_noop("Encounter note started (prefilled from the case)"),
        payload={"note": note.pk, "template": template.slug, "version": template.version},
    )
    return note


@transaction.atomic
def save_draft(
    note: EncounterNote,
    *,
    sections: Mapping[str, str],
    consents: Mapping[str, str],
    sensitive: bool,
    sensitive_reason: str,
    base_version: int,
    by: User,
) -> EncounterNote:
    """Save what the clinician typed. Only the template's sections and consents are kept."""
    fresh = _locked(note, base_version)
    template = template_of(fresh)
    new_sections = {
        s.slug: sections.get(s.slug, fresh.sections.get(s.slug, "")) for s in template.sections
    }
    new_consents = {
        c.slug: consents[c.slug]
        if consents.get(c.slug) in CONSENT_CHOICES
        else fresh.consents.get(c.slug, "not_asked")
        for c in template.consents
    }
    changed = [slug for slug, text in new_sections.items() if fresh.sections.get(slug) != text]
    changed += [slug for slug, v in new_consents.items() if fresh.consents.get(slug) != v]
    if sensitive != fresh.sensitive or sensitive_reason != fresh.sensitive_reason:
        changed.append("sensitive")
    if not changed:
        return fresh
    fresh.sections = new_sections
    fresh.consents = new_consents
    fresh.sensitive = sensitive
    fresh.sensitive_reason = sensitive_reason.strip()
    return _saved(fresh, by=by, event=EventKind.DOCUMENTATION_DRAFT_SAVED, fields=changed)


@transaction.atomic
def add_injury(
    note: EncounterNote, data: Mapping[str, str], *, base_version: int, by: User
) -> EncounterNote:
    """Add one measured injury (InjuryError when a field is wrong; nothing is saved then)."""
    injury = parse_injury(data)
    fresh = _locked(note, base_version)
    fresh.injuries = [*fresh.injuries, {"id": uuid.uuid4().hex[:12], **injury}]
    return _saved(fresh, by=by, event=EventKind.DOCUMENTATION_INJURY_ADDED, site=injury["site"])


@transaction.atomic
def remove_injury(
    note: EncounterNote, injury_id: str, *, base_version: int, by: User
) -> EncounterNote:
    fresh = _locked(note, base_version)
    kept = [i for i in fresh.injuries if i["id"] != injury_id]
    if len(kept) == len(fresh.injuries):
        raise KeyError(injury_id)
    fresh.injuries = kept
    return _saved(fresh, by=by, event=EventKind.DOCUMENTATION_INJURY_REMOVED)


@transaction.atomic
def settle_offer(
    note: EncounterNote,
    section: str,
    *,
    offer: str,
    how: str,
    base_version: int,
    by: User,
) -> EncounterNote:
    """The clinician's answer to a changed source: replace the section with it, add it, or
    keep their text. Either way the offer becomes the section's new basis."""
    fresh = _locked(note, base_version)
    if section not in fresh.sections:
        raise KeyError(section)
    if how != "keep":
        fresh.sections = {
            **fresh.sections,
            section: merge_offer(fresh.sections[section], offer, how=how),
        }
    fresh.prefill_basis = {**fresh.prefill_basis, section: offer}
    return _saved(
        fresh, by=by, event=EventKind.DOCUMENTATION_PREFILL_SETTLED, section=section, how=how
    )


@transaction.atomic
def choose_codes(
    note: EncounterNote, codes: list[str], *, base_version: int, by: User
) -> EncounterNote:
    fresh = _locked(note, base_version)
    fresh.codes = codes
    return _saved(fresh, by=by, event=EventKind.DOCUMENTATION_CODES_CHOSEN, codes=codes)


def finalise_problems(note: EncounterNote) -> dict[str, str]:
    problems = {}
    if not any(text.strip() for text in note.sections.values()):
        problems["sections"] = _("The note is empty.")
    if note.sensitive and not note.sensitive_reason.strip():
        problems["sensitive_reason"] = _(
            "Say why the note is restricted, or untick “sensitive” if it can be shared."
        )
    return problems


@transaction.atomic
def finalise_note(
    note: EncounterNote, *, wording_reviewed: bool, base_version: int, by: User
) -> EncounterNote:
    """Lock the note. The wording check runs once more: flagged wording must be reviewed
    (the clinician confirms), it is never changed for them."""
    fresh = _locked(note, base_version)
    problems = finalise_problems(fresh)
    findings = language.check_sections(
        fresh.sections,
        patient_is_minor=patient_is_minor(fresh.case),
        **wording_languages(fresh),
        verbatim=template_of(fresh).verbatim_sections,
    )
    if findings and not wording_reviewed:
        problems["wording"] = _("Review the flagged wording, then confirm.")
    if problems:
        raise NotReadyError(problems, findings)
    fresh.status = EncounterNote.Status.FINAL
    fresh.finalised_at = timezone.now()
    fresh.finalised_by = by
    _saved(
        fresh,
        by=by,
        event=EventKind.DOCUMENTATION_NOTE_FINALISED,
        flagged=sum(map(len, findings.values())),
    )
    record_event(
        fresh.case,
        EventKind.DOCUMENTATION_NOTE_FINALISED,
        by=by,
        summary=gettext_noop("Encounter note finalised"),
        payload={"note": fresh.pk, "sensitive": fresh.sensitive, "codes": fresh.codes},
    )
    return fresh


@transaction.atomic
def add_addendum(note: EncounterNote, *, text: str, by: User) -> Addendum:
    """An addendum to a final note, with who and when. Drafts are edited, not amended."""
    fresh = EncounterNote.objects.select_for_update().get(pk=note.pk)
    if not fresh.is_final:
        raise NoteLockedError("Only a final note takes addenda.")
    if not text.strip():
        raise ValueError("An addendum needs text.")
    addendum = Addendum.objects.create(note=fresh, text=text.strip(), created_by=by)
    record_event(
        fresh.case,
        EventKind.DOCUMENTATION_ADDENDUM_ADDED,
        by=by,
        summary=gettext_noop("Addendum added to the encounter note"),
        payload={"note": fresh.pk, "addendum": addendum.pk},
    )
    return addendum
