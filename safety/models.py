"""Safety state: versioned checklists and rule tables, and what was done and decided on a case.

Templates and rule tables are content: each edit stores a new version and never changes an old
one, so a case's checklist and a recorded decision can always be read against the exact text and
rules the clinician saw.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.content import VersionedContent, VersionedQuerySet, cached_rule
from safety import checklists
from safety.capacity import AbilityFinding, CapacityOutcome

FINDING_CHOICES = [
    (AbilityFinding.PRESENT.value, _("Present")),
    (AbilityFinding.ABSENT.value, _("Absent")),
    (AbilityFinding.NOT_ASSESSED.value, _("Not assessed")),
]
OUTCOME_CHOICES = [
    (CapacityOutcome.HAS_CAPACITY.value, _("Has capacity for this decision")),
    (CapacityOutcome.LACKS_CAPACITY.value, _("Lacks capacity for this decision")),
    (CapacityOutcome.UNKNOWN.value, _("Unknown: not every ability was assessed")),
]


class ChecklistTemplateQuerySet(VersionedQuerySet["ChecklistTemplate"]):
    def latest_versions(self) -> ChecklistTemplateQuerySet:
        """The newest version of each template, in the order the content file lists them."""
        newest = self.filter(slug=models.OuterRef("slug")).order_by("-version").values("pk")[:1]
        return self.filter(pk=models.Subquery(newest)).order_by("position", "slug")


class ChecklistTemplate(VersionedContent):
    """One version of a checklist. `items` is a list of {slug, text, help, section,
    requires_consent}, every field present (`checklists.normalised`)."""

    SCHEMA = Path(__file__).resolve().parent / "content" / "schemas" / "checklist.schema.json"
    ROWS = {"items": "slug"}
    AUDIT_NAME = "checklist"

    title = models.CharField(max_length=200)
    source = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    items = models.JSONField()

    objects = ChecklistTemplateQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="checklist_version_unique")
        ]
        ordering = ["position", "slug", "-version"]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def item(self, slug: str) -> checklists.Item | None:
        return next((item for item in self.rule() if item.slug == slug), None)

    def rule(self) -> tuple[checklists.Item, ...]:
        """The frozen items, read once per version (the Safety and Care tabs show them)."""
        return cached_rule(self, lambda: checklists.items_of(self.items))

    def as_content(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "version": self.version,
            "title": self.title,
            "source": self.source,
            "items": self.items,
        }

    @classmethod
    def normalise(cls, content: Mapping[str, Any]) -> dict[str, Any]:
        return {
            **content,
            "source": content.get("source", ""),
            "items": checklists.normalised(content["items"]),
        }

    @classmethod
    def check_content(cls, content: Mapping[str, Any]) -> None:
        checklists.check_content(content)

    @classmethod
    def create_version(
        cls, content: Mapping[str, Any], *, slug: str, version: int, **fields: Any
    ) -> ChecklistTemplate:
        previous = cls.objects.filter(slug=slug).order_by("-version").first()
        return cls.objects.create(
            slug=slug,
            version=version,
            title=content["title"],
            source=content["source"],
            items=content["items"],
            position=previous.position if previous else 0,
            **fields,
        )


class CaseChecklist(models.Model):
    """A checklist on a case, pinned to the template version in use when work on it started."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="checklists")
    slug = models.SlugField(max_length=60)
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "slug"], name="one_checklist_per_case_and_slug")
        ]

    def __str__(self) -> str:
        return f"{self.slug} on {self.case_id}"


class ChecklistItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    checklist = models.ForeignKey(CaseChecklist, on_delete=models.PROTECT, related_name="items")
    slug = models.SlugField(max_length=60)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    reason = models.TextField(blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Optimistic lock per item: a change made from an older view of the item is refused.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["checklist", "slug"], name="one_state_per_item"),
            models.CheckConstraint(
                condition=~Q(status="not_applicable") | ~Q(reason=""),
                name="not_applicable_needs_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slug}: {self.status}"


class CapacityAssessment(models.Model):
    """The four abilities for one decision (Appelbaum, NEJM 2007), with the evidence for each."""

    ABILITIES = ("communicate_choice", "understand", "appreciate", "reason")

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="capacity_assessments"
    )
    decision = models.CharField(_("decision being assessed"), max_length=300)
    communicate_choice = models.CharField(max_length=20, choices=FINDING_CHOICES)
    communicate_choice_evidence = models.TextField(blank=True)
    understand = models.CharField(max_length=20, choices=FINDING_CHOICES)
    understand_evidence = models.TextField(blank=True)
    appreciate = models.CharField(max_length=20, choices=FINDING_CHOICES)
    appreciate_evidence = models.TextField(blank=True)
    reason = models.CharField(max_length=20, choices=FINDING_CHOICES)
    reason_evidence = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=OUTCOME_CHOICES)
    outcome_reasons = models.JSONField(default=list)
    assessed_at = models.DateTimeField(default=timezone.now)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-assessed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.outcome} on {self.case_id}"

    def findings(self) -> list[tuple[str, str, str]]:
        """(ability, finding, evidence) for each of the four abilities, for display."""
        return [
            (
                ability,
                getattr(self, f"get_{ability}_display")(),
                getattr(self, f"{ability}_evidence"),
            )
            for ability in self.ABILITIES
        ]


class RuleTableVersionQuerySet(models.QuerySet["RuleTableVersion"]):
    def current(self) -> RuleTableVersion:
        table = self.order_by("-version").first()
        if table is None:
            raise RuleTableVersion.DoesNotExist(
                "No reporting rules are loaded: run `manage.py load_content`."
            )
        return table


class RuleTableVersion(models.Model):
    """One version of the whole jurisdiction rule table (the jurisdictions.json document).

    Whole-document versions keep history trivial and let `load_jurisdiction_rules` validate the
    table exactly as the engine will read it; `data["version"]` always equals `version`.
    """

    version = models.PositiveIntegerField(unique=True)
    data = models.JSONField()
    note = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RuleTableVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Rule table version {self.version}"

    def entry(self, code: str) -> dict[str, Any] | None:
        return next((e for e in self.data["jurisdictions"] if e["code"] == code), None)


class ReportingDecisionRecord(models.Model):
    """A reporting decision as recorded: the facts used, the engine's result, the rules version."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="reporting_decisions"
    )
    facts = models.JSONField()
    result = models.JSONField()
    rule_table = models.ForeignKey(RuleTableVersion, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"Reporting decision on {self.case_id} ({self.recorded_at:%Y-%m-%d})"

    def required_recipients(self) -> list[str]:
        return [report["recipient"] for report in self.result["required"]]


class Disclosure(models.Model):
    """A report or disclosure actually made about the patient."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="disclosures")
    decision = models.ForeignKey(
        ReportingDecisionRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclosures",
    )
    recipient = models.CharField(max_length=200)
    rule_id = models.CharField(max_length=80, blank=True)
    made_at = models.DateTimeField(_("when the report was made"))
    reference_number = models.CharField(max_length=100, blank=True)
    legal_basis = models.CharField(max_length=500)
    patient_informed = models.BooleanField()
    not_informed_reason = models.TextField(blank=True)
    logged_at = models.DateTimeField(default=timezone.now)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-made_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(patient_informed=True) | ~Q(not_informed_reason=""),
                name="not_informed_needs_a_reason",
            )
        ]

    def __str__(self) -> str:
        return f"Report to {self.recipient} on {self.case_id}"
