"""The referrals made on a case: the barrier assessment, each referral's closed loop (offered →
accepted / declined → contacted → connected / no response / closed) and its steps, and the
record of help declined. The directory they point at is `referrals.models.directory`.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals import rules
from referrals.models.directory import Service

STATUS_CHOICES = [(status.value, label) for status, label in rules.STATUS_LABELS.items()]
CONTACT_CHOICES = [(m.value, label) for m, label in rules.CONTACT_METHOD_LABELS.items()]


class BarrierAssessment(models.Model):
    """The barriers the patient faces, which pre-fill the directory search."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+")
    barriers = models.JSONField(default=list)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"barriers of case {self.case_id}"


class ReferralQuerySet(models.QuerySet["Referral"]):
    def open(self) -> ReferralQuerySet:
        return self.filter(status__in=[s.value for s in rules.OPEN_STATUSES])

    def follow_up_overdue(self, *, today: date) -> ReferralQuerySet:
        return self.open().filter(follow_up_on__lt=today)


class Referral(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default="offered")
    consent_to_share = models.BooleanField(_("agrees to share information"), default=False)
    share_scope = models.TextField(_("what may be shared"), blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who follows up"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["case", "status"]), models.Index(fields=["follow_up_on"])]

    def __str__(self) -> str:
        return f"referral {self.pk} on case {self.case_id}"

    @property
    def status_label(self) -> str:
        return str(rules.STATUS_LABELS[rules.Status(self.status)])

    @property
    def next_statuses(self) -> list[tuple[str, str]]:
        return [
            (s.value, str(rules.STATUS_LABELS[s]))
            for s in rules.Status
            if s in rules.TRANSITIONS[rules.Status(self.status)]
        ]


class ReferralEntry(models.Model):
    """One step of a referral's loop: a status change, a contact, a follow-up, a handover."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status")
        CONTACT = "contact", _("Contact with the patient")
        HANDOVER = "handover", _("Warm handover")
        FOLLOW_UP = "follow_up", _("Follow-up")

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    contact_method = models.CharField(max_length=20, choices=CONTACT_CHOICES, blank=True)
    override_reason = models.TextField(blank=True)
    # Warm handover: who introduced the patient to whom, when and how.
    introduced_to = models.CharField(max_length=300, blank=True)
    handover_how = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} of referral {self.referral_id}"


class HelpDeclined(models.Model):
    """The patient declined help: what was offered anyway, and the follow-up proposed."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    national_line_offered = models.BooleanField(_("national line offered"), default=False)
    local_contacts_offered = models.BooleanField(_("local contacts offered"), default=False)
    discreet_card_offered = models.BooleanField(_("discreet card offered"), default=False)
    follow_up_on = models.DateField(_("follow-up visit proposed for"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"help declined on case {self.case_id}"

    def facts(self) -> rules.RefusalFacts:
        return rules.RefusalFacts(
            national_line_offered=self.national_line_offered,
            local_contacts_offered=self.local_contacts_offered,
            discreet_card_offered=self.discreet_card_offered,
            follow_up_proposed=self.follow_up_on is not None,
        )
