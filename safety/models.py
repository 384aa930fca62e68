"""Safety state: versioned checklists and rule tables, and what was done and decided on a case.

Templates and rule tables are content: each edit stores a new version and never changes an old
one, so a case's checklist and a recorded decision can always be read against the exact text and
rules the clinician saw.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from cases.content import VersionedContent, VersionedQuerySet, cached_rule
from cases.schemas import ContentInvalid, Problem
from safety import checklists, rule_table
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
    TEXTS = {"": ("title",), "items": ("text", "help")}
    LABEL = _("Checklist")

    title = models.CharField(max_length=200)
    source = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    items = models.JSONField()
    # {"fr": {"title": "…"}}; each item carries its own (`cases.languages`).
    translations = models.JSONField(default=dict, blank=True)

    objects = ChecklistTemplateQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="checklist_version_unique")
        ]
        ordering = ["position", "slug", "-version"]

    def __str__(self) -> str:
        return gettext_now("%(title)s (version %(version)s)") % {
            "title": self.title,
            "version": self.version,
        }

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
            **({"translations": self.translations} if self.translations else {}),
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
            translations=content.get("translations", {}),
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


class Jurisdiction(VersionedContent):
    """One version of one jurisdiction's reporting rules (an entry of the rule table; `slug` is
    its code: CA-ON, CA, DEFAULT). Each rule is a `JurisdictionRule` row; the engine reads a
    version once per process (`rule`) and merges the layers in force (`rules_in_force`)."""

    SCHEMA = rule_table.ENTRY_SCHEMA
    ROWS = {"rules": "id", "hotlines": None}
    AUDIT_NAME = "jurisdiction"

    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, blank=True)  # empty for DEFAULT
    notes = models.TextField(blank=True)
    none_found = models.JSONField(default=dict, blank=True)
    # The lines to call move to the referral directory (cases.providers); kept here until then.
    hotlines = models.JSONField(default=list, blank=True)
    # The rule-table file version this was loaded from; None for an administrator's edit, which
    # the loader never replaces.
    shipped_version = models.PositiveIntegerField(null=True, blank=True, editable=False)

    objects = VersionedQuerySet["Jurisdiction"].as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="jurisdiction_version_unique")
        ]
        ordering = ["slug", "-version"]

    def __str__(self) -> str:
        return gettext_now("%(title)s (version %(version)s)") % {
            "title": self.slug,
            "version": self.version,
        }

    def rule(self) -> rule_table.Entry:
        """The frozen entry, built once per version (every Safety, Care and Reporting tab)."""
        return cached_rule(self, self._entry)

    def _entry(self) -> rule_table.Entry:
        full = type(self).for_content(type(self).objects.filter(pk=self.pk)).get()
        return rule_table.entry_of(full.as_content(), version=self.version)

    def as_content(self) -> dict[str, Any]:
        rows = list(self.rule_rows.all()) if self.pk else []
        content: dict[str, Any] = {
            "slug": self.slug,
            "version": self.version,
            "code": self.slug,
            "name": self.name,
            "country": self.country or None,
            "hotlines": self.hotlines,
            "rules": [row.as_row() for row in rows],
        }
        return self.normalise({**content, "notes": self.notes, "none_found": self.none_found})

    @classmethod
    def normalise(cls, content: Mapping[str, Any]) -> dict[str, Any]:
        return rule_table.normalised_entry(content)

    @classmethod
    def check_content(cls, content: Mapping[str, Any]) -> None:
        if content["code"] != content["slug"]:
            message = gettext_now("The code must stay %(code)s.") % {"code": content["slug"]}
            raise ContentInvalid([Problem(("code",), message)])
        rule_table.check_entry(content)

    @classmethod
    def for_content(cls, queryset: models.QuerySet[Jurisdiction]) -> models.QuerySet[Jurisdiction]:
        return queryset.prefetch_related("rule_rows")

    @classmethod
    def create_version(
        cls, content: Mapping[str, Any], *, slug: str, version: int, **fields: Any
    ) -> Jurisdiction:
        row = cls.objects.create(
            slug=slug,
            version=version,
            name=content["name"],
            country=content["country"] or "",
            notes=content.get("notes", ""),
            none_found=content.get("none_found", {}),
            hotlines=content["hotlines"],
            **fields,
        )
        JurisdictionRule.objects.bulk_create(
            JurisdictionRule.of(row, position, rule)
            for position, rule in enumerate(content["rules"])
        )
        return row


def rules_in_force(code: str) -> tuple[list[Jurisdiction], rule_table.JurisdictionRules]:
    """The published versions of `code`'s layers (its own, its country's, DEFAULT) and the rules
    they merge to: one small query, the entries cached per version."""
    layers = list(
        Jurisdiction.objects.published()
        .filter(slug__in=rule_table.layer_codes(code))
        .only("pk", "slug", "version", "created_at")
    )
    full: dict[int, Jurisdiction] = {}

    def build(layer: Jurisdiction) -> rule_table.Entry:
        if not full:  # one query (and its prefetch) for every layer not read yet
            rows = Jurisdiction.for_content(
                Jurisdiction.objects.filter(pk__in=[j.pk for j in layers])
            )
            full.update((row.pk, row) for row in rows)
        return rule_table.entry_of(full[layer.pk].as_content(), version=layer.version)

    # The merge of the same versions is the same frozen rules: made once per process too.
    key = (code, tuple((layer.pk, layer.created_at) for layer in layers))
    merged = _MERGED.get(key)
    if merged is None:
        entries = {layer.slug: cached_rule(layer, partial(build, layer)) for layer in layers}
        if rule_table.DEFAULT_CODE not in entries:
            raise Jurisdiction.DoesNotExist(
                "No reporting rules are loaded: run `manage.py load_content`."
            )
        if len(_MERGED) >= 256:
            _MERGED.pop(next(iter(_MERGED)))  # the oldest
        merged = _MERGED[key] = rule_table.merge(code, entries)
    return layers, merged


_MERGED: dict[tuple[Any, ...], rule_table.JurisdictionRules] = {}


_TRIGGERS = [trigger.value for trigger in rule_table.Trigger]
_DUTIES = [duty.value for duty in rule_table.Duty]


class JurisdictionRule(models.Model):
    """One rule of one version of a jurisdiction (the entry schema's `rule`); the database
    refuses the shapes the engine cannot read, whatever wrote them."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="rule_rows"
    )
    position = models.PositiveSmallIntegerField()
    rule_id = models.CharField(max_length=80)
    trigger = models.CharField(max_length=20, choices=[(t, t) for t in _TRIGGERS])
    duty = models.CharField(max_length=20, choices=[(d, d) for d in _DUTIES])
    age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    weapon_kinds = models.JSONField(default=list, blank=True)
    conditions = models.JSONField(default=list, blank=True)
    reporter = models.TextField(blank=True)  # empty: not stated (null in the schema)
    recipient = models.CharField(max_length=200)
    method = models.TextField(blank=True)  # empty: not stated (null in the schema)
    deadline = models.TextField(blank=True)  # empty: not stated (null in the schema)
    disclosure_limit = models.TextField()
    legal_basis = models.CharField(max_length=500)
    source = models.CharField(max_length=500)
    checked_on = models.DateField()
    needs_verification = models.BooleanField()
    notes = models.TextField(blank=True)  # empty: not stated (null in the schema)

    class Meta:
        ordering = ["jurisdiction", "position"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "rule_id"], name="rule_id_unique"),
            models.CheckConstraint(condition=Q(trigger__in=_TRIGGERS), name="rule_trigger_known"),
            models.CheckConstraint(condition=Q(duty__in=_DUTIES), name="rule_duty_known"),
            models.CheckConstraint(
                condition=(Q(age_min__isnull=True) | Q(age_min__lte=130))
                & (Q(age_max__isnull=True) | Q(age_max__lte=130)),
                name="rule_ages_in_years",
            ),
            models.CheckConstraint(
                condition=Q(age_min__isnull=True)
                | Q(age_max__isnull=True)
                | Q(age_min__lte=F("age_max")),
                name="rule_ages_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(trigger="child") | Q(age_max__isnull=False),
                name="rule_child_has_upper_age",
            ),
            models.CheckConstraint(
                condition=~Q(trigger="any") | Q(duty="consent"), name="rule_any_patient_is_consent"
            ),
        ]

    def __str__(self) -> str:
        return self.rule_id

    FIELDS = tuple(name for name in rule_table.ROW_FIELDS if name != "id")
    OPTIONAL_TEXT = ("reporter", "method", "deadline", "notes")

    @classmethod
    def of(
        cls, jurisdiction: Jurisdiction, position: int, rule: Mapping[str, Any]
    ) -> JurisdictionRule:
        values = {name: rule[name] for name in cls.FIELDS}
        values.update({name: rule[name] or "" for name in cls.OPTIONAL_TEXT})
        return cls(jurisdiction=jurisdiction, position=position, rule_id=rule["id"], **values)

    def as_row(self) -> dict[str, Any]:
        """The rule as the entry schema spells it (every field, in the schema's order)."""
        row = {"id": self.rule_id, **{name: getattr(self, name) for name in self.FIELDS}}
        row.update({name: row[name] or None for name in self.OPTIONAL_TEXT})
        checked = row["checked_on"]
        row["checked_on"] = checked if isinstance(checked, str) else checked.isoformat()
        return row


class RuleTableVersion(models.Model):
    """An archive: the whole-table versions stored before each jurisdiction had its own
    versions (data migration 0005 copied every one that fits the schema into `Jurisdiction`).
    Never written any more; kept because decisions recorded then point at them."""

    version = models.PositiveIntegerField(unique=True)
    data = models.JSONField()
    note = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Rule table version {self.version}"


class ReportingDecisionRecord(models.Model):
    """A reporting decision as recorded: the facts used, the engine's result, the rules version."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="reporting_decisions"
    )
    facts = models.JSONField()
    result = models.JSONField()
    # The versions of the jurisdictions whose rules gave the result (own, country, DEFAULT).
    rules = models.ManyToManyField(Jurisdiction, related_name="+")
    # Decisions recorded before the per-jurisdiction versions: the whole table they used.
    rule_table = models.ForeignKey(
        RuleTableVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
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
