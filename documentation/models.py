"""The encounter note of a case: a draft that saves as the clinician types, locked once
finalised, with addenda after that. Nothing generated from it (PDFs, EHR text) is stored.

Its template is administrator-edited content on the one pattern (`cases.content`): each edit
is a new `NoteTemplateVersion`, and a note keeps the version it was started on."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cases.content import DocumentContent, VersionedContent, VersionedQuerySet, cached_rule
from documentation import language, rules


class NoteTemplateVersion(VersionedContent):
    """One version of a note template: its sections (slug, label, help, prefill, verbatim) and
    consents (slug, label), each with its `translations` per interface language."""

    SCHEMA = rules.NOTE_TEMPLATE_SCHEMA
    ROWS = {"sections": "slug", "consents": "slug"}
    AUDIT_NAME = "note-template"

    title = models.CharField(max_length=200)
    source = models.TextField(blank=True)
    translations = models.JSONField(default=dict, blank=True)
    sections = models.JSONField()
    consents = models.JSONField(default=list, blank=True)

    objects = VersionedQuerySet["NoteTemplateVersion"].as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="note_template_version_unique")
        ]
        ordering = ["slug", "-version"]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def as_content(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "version": self.version,
            "title": self.title,
            "source": self.source,
            "translations": self.translations,
            "sections": self.sections,
            "consents": self.consents,
        }

    @classmethod
    def normalise(cls, content: Mapping[str, Any]) -> dict[str, Any]:
        return rules.normalised_template(content)

    @classmethod
    def check_content(cls, content: Mapping[str, Any]) -> None:
        rules.check_note_template(content)

    @classmethod
    def create_version(
        cls, content: Mapping[str, Any], *, slug: str, version: int, **fields: Any
    ) -> NoteTemplateVersion:
        return cls.objects.create(
            slug=slug,
            version=version,
            title=content["title"],
            source=content["source"],
            translations=content["translations"],
            sections=content["sections"],
            consents=content["consents"],
            **fields,
        )

    def rule(self, language: str | None = None) -> rules.NoteTemplate:
        """The frozen template in `language` (the active one by default), built once per
        version and language."""
        wanted = (language or get_language() or "en").split("-")[0]
        built = cached_rule(self, dict)  # language -> NoteTemplate, filled as asked
        if wanted not in built:
            built[wanted] = rules.note_template(self.as_content(), language=wanted)
        return built[wanted]


class WordListVersion(VersionedContent):
    """One version of the language check's word list: its entries (id, language, category,
    terms, why, suggestion, the minor rule, the reasons' translations)."""

    SCHEMA = language.WORD_LIST_SCHEMA
    ROWS = {"entries": "id"}
    AUDIT_NAME = "language-check"

    source = models.TextField(blank=True)
    entries = models.JSONField()

    objects = VersionedQuerySet["WordListVersion"].as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="word_list_version_unique")
        ]
        ordering = ["slug", "-version"]

    def __str__(self) -> str:
        return f"Language check (version {self.version})"

    def as_content(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "version": self.version,
            "source": self.source,
            "entries": self.entries,
        }

    @classmethod
    def normalise(cls, content: Mapping[str, Any]) -> dict[str, Any]:
        return language.normalised_word_list(content)

    @classmethod
    def check_content(cls, content: Mapping[str, Any]) -> None:
        language.check_word_list(content)

    @classmethod
    def create_version(
        cls, content: Mapping[str, Any], *, slug: str, version: int, **fields: Any
    ) -> WordListVersion:
        return cls.objects.create(
            slug=slug,
            version=version,
            source=content["source"],
            entries=content["entries"],
            **fields,
        )

    def rule(self) -> language.WordList:
        """The frozen word list the check reads, built once per version."""
        return cached_rule(
            self,
            lambda: language.load_word_list(
                {**self.as_content(), "source": self.source or "Harbor"}
            ),
        )


class EncounterNote(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="notes")
    template_slug = models.SlugField(max_length=60)
    template_version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Section slug -> text, consent slug -> given/declined/not_asked, structured injuries.
    sections = models.JSONField(default=dict)
    consents = models.JSONField(default=dict)
    injuries = models.JSONField(default=list)
    # Section slug -> the prefill the clinician last saw for it (started from, accepted or set
    # aside). A source that now offers something else is shown as an offer, never applied.
    prefill_basis = models.JSONField(default=dict)
    codes = models.JSONField(default=list)
    # Restricted by default: these notes can harm the patient if read through a portal.
    sensitive = models.BooleanField(_("sensitive (restricted)"), default=True)
    sensitive_reason = models.TextField(_("why it is restricted"), blank=True)
    # Optimistic lock: every save names the version it was typed on.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "template_slug"], name="one_note_per_case_and_template"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(finalised_at__isnull=False),
                name="final_note_has_finalised_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="final", sensitive=True, sensitive_reason=""),
                name="final_sensitive_note_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_slug} note on {self.case_id}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class Addendum(models.Model):
    """A later change to a finalised note: the note itself never changes again."""

    note = models.ForeignKey(EncounterNote, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "addenda"

    def __str__(self) -> str:
        return f"Addendum {self.pk} to note {self.note_id}"


PATIENT_TEXT_KEYS = (
    "card_title",
    "card_note",
    "text_label",
    "emergency_label",
    "no_lines",
    "slip_title",
    "slip_body",
    "slip_when",
    "slip_where",
    "slip_bring",
    "contacts_title",
    "contacts_intro",
    "phone_label",
    "hours_label",
    "address_label",
)


class PatientTexts(DocumentContent):
    """Harbor's words on the patient's papers (card, follow-up slip, contacts handout), on the
    one content pattern: English source fields, `translations` per language, so a language an
    administrator adds is printed once its texts are written."""

    SCHEMA = Path(__file__).resolve().parent / "content" / "schemas" / "patient-texts.schema.json"
    AUDIT_NAME = "patient_texts"
    TEXTS = {"": PATIENT_TEXT_KEYS}
    PATIENT_TEXTS = {"": PATIENT_TEXT_KEYS}
    LABEL = _("Patient papers")

    objects = VersionedQuerySet["PatientTexts"].as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="patient_texts_version_unique")
        ]

    def __str__(self) -> str:
        return f"Patient papers (version {self.version})"
