"""Screening content (versioned question banks, indicator checklists, brief instruments) and the
per-case record of one screening conversation.

Content follows the one pattern (`cases.content`): rows are never edited in place once saved;
an edit makes a new version through `save_version`, so a finished screening keeps pointing at
the exact wording it used.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.content import DocumentContent, VersionedContent, VersionedQuerySet, cached_rule
from cases.schemas import check_unique
from screening import rules

SCHEMAS = Path(__file__).resolve().parent / "content" / "schemas"


def with_translations(row: Any, content: dict[str, Any]) -> dict[str, Any]:
    """`content` with the row's translations, when it has any (documents without them stay as
    they were, so older files and exports compare equal)."""
    if row.translations:
        content["translations"] = row.translations
    return content


class GateContent(DocumentContent):
    """The gate's wording (separation methods, interpreter rule, reasons for not screening,
    confidentiality limits, universal education), on the one content pattern so that its
    languages are data an administrator extends."""

    SCHEMA = SCHEMAS / "gate.schema.json"
    ROWS = {"separation_methods": "slug", "not_screened_reasons": "slug"}
    AUDIT_NAME = "gate"
    TEXTS = {
        "": ("companion_refuses",),
        "separation_methods": ("label", "hint"),
        "interpreter": ("companion_warning",),
        "interpreter.options": ("label",),
        "not_screened_reasons": ("label",),
        "confidentiality_limits": ("clinician_note", "texts"),
        "universal_education": ("clinician_guidance", "patient_text"),
    }
    PATIENT_TEXTS = {
        "confidentiality_limits": ("texts",),
        "universal_education": ("patient_text",),
    }
    LABEL = _("Screening gate")

    objects = VersionedQuerySet["GateContent"].as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="gate_version_unique")
        ]

    def __str__(self) -> str:
        return f"Screening gate (version {self.version})"

    @classmethod
    def check_content(cls, content: Mapping[str, Any]) -> None:
        check_unique(content["separation_methods"], "slug", ("separation_methods",))
        check_unique(content["not_screened_reasons"], "slug", ("not_screened_reasons",))
        check_unique(content["interpreter"]["options"], "slug", ("interpreter", "options"))


class QuestionBank(VersionedContent):
    SCHEMA = SCHEMAS / "bank.schema.json"
    ROWS = {"themes": "slug", "themes.questions": "slug", "principles": None, "guidance": None}
    AUDIT_NAME = "question_bank"
    TEXTS = {
        "": ("title",),
        "themes": ("title", "purpose"),
        "themes.questions": ("text",),
        "principles": ("title", "text"),
        "guidance": ("title", "text"),
    }
    LABEL = _("Question bank")

    title = models.CharField(max_length=200)
    source = models.TextField(help_text=_("Where the wording comes from, and what it is not."))
    # Lists of {"title", "text"}: read beside the questions, never answered.
    principles = models.JSONField(default=list, blank=True)
    guidance = models.JSONField(default=list, blank=True)
    # {"fr": {"title": "…"}}: the text in other languages (`cases.languages`); the fields
    # above are the English source. Themes and questions carry their own.
    translations = models.JSONField(default=dict, blank=True)

    objects = VersionedQuerySet["QuestionBank"].as_manager()

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="bank_version_unique")
        ]

    def __str__(self) -> str:
        return gettext("%(title)s (version %(version)s)") % {
            "title": self.title,
            "version": self.version,
        }

    def to_rule(self) -> rules.Bank:
        """The pure-rule view of this bank, read once per version (versions never change)."""
        return cached_rule(self, lambda: rules.load_bank(self.as_content()))

    def as_content(self) -> dict[str, Any]:
        """This version in the seed_bank.json format; expects themes and questions prefetched."""
        return with_translations(
            self,
            {
                "slug": self.slug,
                "version": self.version,
                "title": self.title,
                "source": self.source,
                "principles": self.principles,
                "guidance": self.guidance,
                "themes": [
                    with_translations(
                        theme,
                        {
                            "slug": theme.slug,
                            "title": theme.title,
                            "purpose": theme.purpose,
                            "questions": [
                                with_translations(q, {"slug": q.slug, "text": q.text})
                                for q in theme.questions.all()
                            ],
                        },
                    )
                    for theme in self.themes.all()
                ],
            },
        )

    @classmethod
    def for_content(cls, queryset: models.QuerySet[QuestionBank]) -> models.QuerySet[QuestionBank]:
        return queryset.prefetch_related("themes__questions")

    @classmethod
    def check_content(cls, content: Mapping[str, Any]) -> None:
        rules.check_bank(content)

    @classmethod
    def create_version(
        cls, content: Mapping[str, Any], *, slug: str, version: int, **fields: Any
    ) -> QuestionBank:
        row = cls.objects.create(
            slug=slug,
            version=version,
            title=content["title"],
            source=content["source"],
            principles=content.get("principles", []),
            guidance=content.get("guidance", []),
            translations=content.get("translations", {}),
            **fields,
        )
        for t_pos, theme in enumerate(content["themes"]):
            theme_row = Theme.objects.create(
                bank=row,
                slug=theme["slug"],
                title=theme["title"],
                purpose=theme["purpose"],
                translations=theme.get("translations", {}),
                position=t_pos,
            )
            Question.objects.bulk_create(
                Question(
                    theme=theme_row,
                    slug=q["slug"],
                    text=q["text"],
                    translations=q.get("translations", {}),
                    position=q_pos,
                )
                for q_pos, q in enumerate(theme["questions"])
            )
        return row


class Theme(models.Model):
    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="themes")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    purpose = models.TextField()
    translations = models.JSONField(default=dict, blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "slug"], name="theme_slug_unique_per_bank")
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="questions")
    slug = models.SlugField(max_length=80)
    text = models.TextField()
    translations = models.JSONField(default=dict, blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.text


class IndicatorSet(VersionedContent):
    """One version of the observed-signs checklist."""

    SCHEMA = SCHEMAS / "indicators.schema.json"
    ROWS = {"indicators": "slug"}
    AUDIT_NAME = "indicator_set"
    TEXTS = {"indicators": ("text", "follow_up_question")}
    LABEL = _("Observed signs")

    source = models.TextField()

    objects = VersionedQuerySet["IndicatorSet"].as_manager()

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="indicator_set_version_unique")
        ]

    def __str__(self) -> str:
        return gettext("Observed signs (version %(version)s)") % {"version": self.version}

    def as_content(self) -> dict[str, Any]:
        """This version in the indicators.json format; expects indicators prefetched."""
        return {
            "slug": self.slug,
            "version": self.version,
            "source": self.source,
            "indicators": [indicator.as_content() for indicator in self.indicators.all()],
        }

    @classmethod
    def for_content(cls, queryset: models.QuerySet[IndicatorSet]) -> models.QuerySet[IndicatorSet]:
        return queryset.prefetch_related("indicators")

    @classmethod
    def check_content(cls, content: Mapping[str, Any]) -> None:
        check_unique(content["indicators"], "slug", ("indicators",))

    @classmethod
    def create_version(
        cls, content: Mapping[str, Any], *, slug: str, version: int, **fields: Any
    ) -> IndicatorSet:
        row = cls.objects.create(slug=slug, version=version, source=content["source"], **fields)
        Indicator.objects.bulk_create(
            Indicator(
                indicator_set=row,
                slug=i["slug"],
                text=i["text"],
                category=i["category"],
                weight=i["weight"],
                follow_up_question=i.get("follow_up_question", ""),
                translations=i.get("translations", {}),
                position=pos,
            )
            for pos, i in enumerate(content["indicators"])
        )
        return row


class Indicator(models.Model):
    class Weight(models.TextChoices):
        STRONG = "strong", _("Strong sign")
        SUPPORTING = "supporting", _("Supporting sign")

    indicator_set = models.ForeignKey(
        IndicatorSet, on_delete=models.CASCADE, related_name="indicators"
    )
    slug = models.SlugField(max_length=80)
    text = models.TextField()
    category = models.CharField(max_length=80)
    weight = models.CharField(max_length=12, choices=Weight.choices)
    # An open question to ask when this sign is seen, e.g. about a tattoo's meaning.
    follow_up_question = models.TextField(blank=True)
    translations = models.JSONField(default=dict, blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_set", "slug"], name="indicator_slug_unique_per_set"
            )
        ]

    def __str__(self) -> str:
        return self.text

    def as_content(self) -> dict[str, Any]:
        content = {
            "slug": self.slug,
            "text": self.text,
            "category": self.category,
            "weight": self.weight,
        }
        if self.follow_up_question:
            content["follow_up_question"] = self.follow_up_question
        return with_translations(self, content)

    def to_rule(self) -> rules.ObservedIndicator:
        return rules.ObservedIndicator(
            slug=self.slug,
            text=self.text,
            weight=rules.IndicatorWeight(self.weight),
            category=self.category,
            follow_up_question=self.follow_up_question,
        )


class InstrumentQuerySet(VersionedQuerySet["Instrument"]):
    def for_age(self, age: int | None) -> InstrumentQuerySet:
        """Instruments whose age range holds this age; all of them when the age is unknown."""
        if age is None:
            return self
        return self.filter(min_age__lte=age, max_age__gte=age)


class Instrument(VersionedContent):
    """A brief scored instrument: yes/no items and a "positive if at least N yes" rule."""

    SCHEMA = SCHEMAS / "instrument.schema.json"
    ROWS = {"items": "slug"}
    AUDIT_NAME = "instrument"
    TEXTS = {"": ("title", "validation_note"), "items": ("text",)}
    LABEL = _("Brief instrument")
    FIELDS = (
        "title",
        "source",
        "items",
        "positive_if_at_least",
        "min_age",
        "max_age",
        "validation_note",
        "demo",
    )

    title = models.CharField(max_length=200)
    source = models.TextField(blank=True)
    items = models.JSONField(help_text=_('List of {"slug", "text", "answer_type"}.'))
    positive_if_at_least = models.PositiveSmallIntegerField()
    min_age = models.PositiveSmallIntegerField()
    max_age = models.PositiveSmallIntegerField()
    validation_note = models.TextField()
    demo = models.BooleanField(default=False)
    translations = models.JSONField(default=dict, blank=True)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="instrument_version_unique")
        ]

    def __str__(self) -> str:
        return gettext("%(title)s (version %(version)s)") % {
            "title": self.title,
            "version": self.version,
        }

    def as_content(self) -> dict[str, Any]:
        return with_translations(
            self,
            {
                "slug": self.slug,
                "version": self.version,
                **{name: getattr(self, name) for name in self.FIELDS},
            },
        )

    @classmethod
    def check_content(cls, content: Mapping[str, Any]) -> None:
        rules.check_instrument(content)

    @classmethod
    def create_version(
        cls, content: Mapping[str, Any], *, slug: str, version: int, **fields: Any
    ) -> Instrument:
        values = {name: content[name] for name in cls.FIELDS}
        return cls.objects.create(
            slug=slug,
            version=version,
            translations=content.get("translations", {}),
            **values,
            **fields,
        )

    def to_rule(self) -> rules.Instrument:
        """The pure-rule view, read once per version (the screening tab scores on each view)."""
        return cached_rule(self, lambda: rules.load_instrument(self.as_content()))


# --- One screening of one case --------------------------------------------------------------------


class Screening(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")
        NOT_SCREENED = "not_screened", _("Not screened")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="screenings")
    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="screenings")
    indicator_set = models.ForeignKey(
        IndicatorSet, on_delete=models.PROTECT, related_name="screenings"
    )
    status = models.CharField(max_length=14, choices=Status.choices)

    # The gate: all of it holds before any question is shown.
    patient_alone = models.BooleanField(default=False)
    separation_method = models.CharField(max_length=40, blank=True)
    separation_note = models.CharField(max_length=300, blank=True)
    interpreter = models.CharField(max_length=40, blank=True)
    confidentiality_explained = models.BooleanField(default=False)
    patient_agreed = models.BooleanField(default=False)

    # When the gate could not be met.
    not_screened_reason = models.CharField(max_length=40, blank=True)
    not_screened_note = models.TextField(blank=True)
    universal_education_offered = models.BooleanField(default=False)

    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            # No question may be answered without the gate, so a screening that went ahead
            # must have met every part of it.
            models.CheckConstraint(
                condition=Q(status="not_screened")
                | Q(patient_alone=True, confidentiality_explained=True, patient_agreed=True),
                name="screening_gate_met_unless_not_screened",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_screened") | ~Q(not_screened_reason=""),
                name="not_screened_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Screening {self.pk} of {self.case_id}"

    @property
    def gate_met(self) -> bool:
        return self.status != self.Status.NOT_SCREENED

    @property
    def is_open(self) -> bool:
        """Answers may still change (the conversation is going on or paused)."""
        return self.status in {self.Status.IN_PROGRESS, self.Status.PAUSED}


class ObservedIndicator(models.Model):
    """What the clinician saw, one row per checklist item, created with the screening."""

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="observations")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    observed = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    # Optimistic lock: a save from an older version is refused, never silently applied.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["indicator__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "indicator"], name="one_observation_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} in screening {self.screening_id}"


class Answer(models.Model):
    """One question of the bank in one screening, created "not asked" with the screening."""

    class Status(models.TextChoices):
        NOT_ASKED = "not_asked", _("Not asked")
        DECLINED = "declined", _("Patient declined")
        ANSWERED = "answered", _("Answered")

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NOT_ASKED)
    note = models.TextField(blank=True)
    verbatim = models.BooleanField(default=False, help_text=_("The note quotes the patient."))
    concern = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["question__theme__position", "question__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "question"], name="one_answer_per_question"
            ),
            # The concern rules and the FHIR export count a note or concern only on an answer.
            models.CheckConstraint(
                condition=Q(status="answered") | Q(note="", concern=False),
                name="note_and_concern_only_on_answered",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id} in screening {self.screening_id}"


class InstrumentResponse(models.Model):
    screening = models.ForeignKey(
        Screening, on_delete=models.CASCADE, related_name="instrument_responses"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    # item slug -> true (yes), false (no) or null (not asked)
    answers = models.JSONField(default=dict)
    # Optimistic locking, as for answers: a save from a form opened on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "instrument"], name="one_response_per_instrument"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} in screening {self.screening_id}"
