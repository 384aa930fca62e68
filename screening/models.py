"""Screening content (versioned question banks, indicator checklists, brief instruments) and the
per-case record of one screening conversation.

Content rows are never edited in place once saved: an edit makes a new version (see
`actions.save_bank_version`), so a finished screening keeps pointing at the exact wording it used.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from screening import rules


class VersionedQuerySet(models.QuerySet):
    def published(self) -> VersionedQuerySet:
        return self.filter(published=True)

    def latest_published(self, slug: str) -> Any:
        """The version new screenings use: the highest published version of this slug."""
        return self.published().filter(slug=slug).order_by("-version").first()


class QuestionBank(models.Model):
    slug = models.SlugField(max_length=80)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    source = models.TextField(help_text=_("Where the wording comes from, and what it is not."))
    # Lists of {"title", "text"}: read beside the questions, never answered.
    principles = models.JSONField(default=list, blank=True)
    guidance = models.JSONField(default=list, blank=True)
    published = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="bank_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def to_rule(self) -> rules.Bank:
        """The pure-rule view of this bank; expects themes and questions prefetched."""
        return rules.load_bank(self.as_content())

    def as_content(self) -> dict[str, Any]:
        """This version in the seed_bank.json format (what editing and import start from)."""
        return {
            "slug": self.slug,
            "version": self.version,
            "title": self.title,
            "source": self.source,
            "principles": self.principles,
            "guidance": self.guidance,
            "themes": [
                {
                    "slug": theme.slug,
                    "title": theme.title,
                    "purpose": theme.purpose,
                    "questions": [{"slug": q.slug, "text": q.text} for q in theme.questions.all()],
                }
                for theme in self.themes.all()
            ],
        }


class Theme(models.Model):
    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="themes")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    purpose = models.TextField()
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
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.text


class IndicatorSet(models.Model):
    """One version of the observed-signs checklist."""

    slug = models.SlugField(max_length=80, default="observed-signs")
    version = models.PositiveIntegerField()
    source = models.TextField()
    published = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="indicator_set_version_unique")
        ]

    def __str__(self) -> str:
        return f"Observed signs (version {self.version})"

    def as_content(self) -> dict[str, Any]:
        """This version in the indicators.json format; expects indicators prefetched."""
        return {
            "source": self.source,
            "indicators": [indicator.as_content() for indicator in self.indicators.all()],
        }


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
        return content

    def to_rule(self) -> rules.ObservedIndicator:
        return rules.ObservedIndicator(
            slug=self.slug,
            text=self.text,
            weight=rules.IndicatorWeight(self.weight),
            category=self.category,
            follow_up_question=self.follow_up_question,
        )


class InstrumentQuerySet(VersionedQuerySet):
    def for_age(self, age: int | None) -> InstrumentQuerySet:
        """Instruments whose age range holds this age; all of them when the age is unknown."""
        if age is None:
            return self
        return self.filter(min_age__lte=age, max_age__gte=age)


class Instrument(models.Model):
    """A brief scored instrument: yes/no items and a "positive if at least N yes" rule."""

    slug = models.SlugField(max_length=80)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    source = models.TextField(blank=True)
    items = models.JSONField(help_text=_('List of {"slug", "text", "answer_type"}.'))
    positive_if_at_least = models.PositiveSmallIntegerField()
    min_age = models.PositiveSmallIntegerField()
    max_age = models.PositiveSmallIntegerField()
    validation_note = models.TextField()
    demo = models.BooleanField(default=False)
    published = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="instrument_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def as_content(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "version": self.version,
            "title": self.title,
            "source": self.source,
            "items": self.items,
            "positive_if_at_least": self.positive_if_at_least,
            "min_age": self.min_age,
            "max_age": self.max_age,
            "validation_note": self.validation_note,
            "demo": self.demo,
        }

    def to_rule(self) -> rules.Instrument:
        return rules.load_instrument(self.as_content())


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
