"""The one shared case, the people who work on it, its timeline and the audit log.

`cases` imports no phase app: phases write typed `CaseEvent`s and keep a few summary fields on
`Case` current, and everything here reads only those.
"""

from __future__ import annotations

import secrets
from functools import cached_property
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.jurisdictions import validate_jurisdiction


def validate_language_tag(code: str) -> None:
    from cases.languages import is_language_tag

    if not is_language_tag(code):
        raise ValidationError(_("Choose a language from the list."), code="invalid")


class Role(models.TextChoices):
    """Roles are Django groups of these names, so a user can hold several."""

    CLINICIAN = "clinician", _("Clinician")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMINISTRATOR = "administrator", _("Administrator")


class Facility(models.Model):
    name = models.CharField(_("name"), max_length=200)
    jurisdiction = models.CharField(
        _("province, territory or state"),
        max_length=10,
        validators=[validate_jurisdiction],
        help_text=_("Where this facility is. New cases start with it."),
    )
    security_phone = models.CharField(_("security phone"), max_length=40, blank=True)
    emergency_phone = models.CharField(_("emergency phone"), max_length=40, default="911")
    # Work lists and retention (cases.worklists, the purge_closed_cases command).
    open_case_alert_days = models.PositiveSmallIntegerField(
        _("flag cases open longer than (days)"), default=14
    )
    retention_days = models.PositiveSmallIntegerField(
        _("remove case details this many days after closing"),
        default=90,
        help_text=_("Harbor is not the legal record: identifying details and free text go."),
    )
    # Optimistic locking for the settings form: a save from an older page is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="units", verbose_name=_("facility")
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "name"], name="unit_name_unique_per_facility"
            )
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("facility"),
    )
    units = models.ManyToManyField(Unit, blank=True, related_name="staff", verbose_name=_("units"))
    # The interface language this person chose; blank follows the browser's Accept-Language.
    # Activated on each request by cases.middleware.UserLanguageMiddleware.
    language = models.CharField(
        _("interface language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Leave empty to follow the browser's language."),
    )

    @cached_property
    def role_names(self) -> frozenset[str]:
        # One query per request at most; roles are read on nearly every page.
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role) -> bool:
        return self.is_authenticated and role.value in self.role_names

    @property
    def is_clinician(self) -> bool:
        return self.has_role(Role.CLINICIAN)

    @property
    def is_supervisor(self) -> bool:
        return self.has_role(Role.SUPERVISOR)

    @property
    def is_administrator(self) -> bool:
        return self.has_role(Role.ADMINISTRATOR)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


def new_case_ref() -> str:
    """An opaque reference: random, unguessable, says nothing about the patient."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread aloud
    raw = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


class CaseQuerySet(models.QuerySet["Case"]):
    def for_user(self, user: Any) -> CaseQuerySet:
        """The cases this user may see — the only way views look a case up.

        Clinicians see the cases of their units and those assigned to them; supervisors see
        every case of their facility; administrators, as such, see none.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        visible = Q(pk__in=[])
        if user.is_supervisor and user.facility_id:
            visible |= Q(facility_id=user.facility_id)
        if user.is_clinician:
            visible |= Q(unit__in=user.units.all()) | Q(assignee=user)
        return self.filter(visible)

    def open(self) -> CaseQuerySet:
        return self.filter(status=Case.Status.OPEN)

    def escalated(self) -> CaseQuerySet:
        return self.filter(escalated_at__isnull=False)

    def oldest_escalation_first(self) -> CaseQuerySet:
        return self.order_by("escalated_at", "created_at")

    def find(self, text: str) -> CaseQuerySet:
        """Cases whose ward label or reference contains `text` (case-insensitive)."""
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(ward_label__icontains=text) | Q(ref__icontains=text))

    def with_list_columns(self) -> CaseQuerySet:
        return self.select_related("unit", "assignee", "escalated_to")


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("case status", "Open")
        CLOSED = "closed", pgettext_lazy("case status", "Closed")

    class Concern(models.TextChoices):
        NOT_ASSESSED = "", _("Not assessed")
        NONE = "none", _("No concern identified")
        POSSIBLE = "possible", _("Possible concern")
        HIGH = "high", _("High concern")

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        FRENCH = "fr", "Français"
        SPANISH = "es", "Español"
        PORTUGUESE = "pt", "Português"
        CHINESE = "zh", "中文"
        ARABIC = "ar", "العربية"
        TAGALOG = "tl", "Tagalog"
        VIETNAMESE = "vi", "Tiếng Việt"
        PUNJABI = "pa", "ਪੰਜਾਬੀ"
        UKRAINIAN = "uk", "Українська"
        RUSSIAN = "ru", "Русский"
        KOREAN = "ko", "한국어"
        HAITIAN_CREOLE = "ht", "Kreyòl ayisyen"
        OTHER = "other", _("Other (see notes)")

    ref = models.CharField(max_length=11, unique=True, default=new_case_ref, editable=False)
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="cases", verbose_name=_("facility")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="cases", verbose_name=_("unit")
    )

    age_years = models.PositiveSmallIntegerField(
        _("age in years"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(125)],
        help_text=_("Leave empty if unknown. Reporting duties depend on it."),
    )
    jurisdiction = models.CharField(
        _("province, territory or state"),
        max_length=10,
        validators=[validate_jurisdiction],
        help_text=_("Province, territory or state whose rules apply."),
    )
    # Any BCP-47 tag the administrators list (`cases.translations.ContentLanguages`); the
    # forms offer that list, so a language added there needs no code or migration.
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=35,
        default=Language.ENGLISH,
        validators=[validate_language_tag],
    )
    # Tells open cases apart in lists and the header. Cleared when the case closes, so it never
    # lingers as something that could identify the patient.
    ward_label = models.CharField(
        _("ward label"),
        max_length=20,
        blank=True,
        help_text=_(
            "Bay, bed or initials, to tell your cases apart (at most 20 characters). "
            "Never the patient's name."
        ),
    )

    # Safe-contact preferences: how (and whether) anyone may reach the patient later.
    contact_do_not_contact = models.BooleanField(_("do not contact"), default=False)
    # Someone else may read or answer the patient's phone: a call, text or voicemail could
    # give them away (referrals refuses logging one without an override and a reason).
    contact_phone_monitored = models.BooleanField(
        _("phone may be monitored"),
        default=False,
        help_text=_("Someone else may see or answer the patient's phone."),
    )
    contact_may_call = models.BooleanField(_("may call"), default=False)
    contact_may_leave_voicemail = models.BooleanField(_("may leave a voicemail"), default=False)
    contact_may_text = models.BooleanField(_("may send a text"), default=False)
    contact_safe_times = models.CharField(_("safe times"), max_length=200, blank=True)
    contact_code_word = models.CharField(
        _("code word"),
        max_length=60,
        blank=True,
        help_text=_("A word the patient uses to show it is safe to talk."),
    )

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    assignee = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )

    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_reason = models.TextField(blank=True)
    escalated_to = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="escalations"
    )
    escalated_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Summary fields the phases keep current, so queues read the case alone and stay fast.
    concern_level = models.CharField(
        max_length=10, choices=Concern.choices, default=Concern.NOT_ASSESSED, blank=True
    )
    report_outstanding = models.BooleanField(
        default=False, help_text=_("A required report has not been logged yet.")
    )
    next_follow_up = models.DateField(null=True, blank=True)

    # Supervisor review (cases.review): the state a queue and the clinician's home read.
    class Review(models.TextChoices):
        NONE = "", _("Not reviewed")
        RETURNED = "returned", _("Returned to the clinician")
        SIGNED_OFF = "signed_off", _("Signed off")

    review_status = models.CharField(
        max_length=12, choices=Review.choices, default=Review.NONE, blank=True
    )
    # What the supervisor asked the clinician to do, shown on the clinician's home.
    review_request = models.TextField(blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # Set by the retention command once identifying details and free text are gone.
    purged_at = models.DateTimeField(null=True, blank=True)

    # Optimistic locking: every change bumps it; a save against an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["facility", "status"]),
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["escalated_at"]),
            # The lists (home, work lists) read their first 50 cases in these orders: with them
            # the database walks an index and stops, instead of sorting every open case.
            models.Index(fields=["status", "-updated_at"], name="case_status_updated"),
            models.Index(fields=["facility", "status", "created_at"], name="case_open_since"),
            models.Index(
                fields=["facility", "status", "next_follow_up"], name="case_next_follow_up"
            ),
            # Few cases at a time await a report or come back to a clinician: small indexes.
            models.Index(
                fields=["created_at"],
                condition=Q(report_outstanding=True),
                name="case_report_outstanding",
            ),
            models.Index(
                fields=["updated_at"],
                condition=Q(review_status="returned"),
                name="case_returned",
            ),
            # Escalations waiting (every supervisor page's header counts them) and the queue:
            # read from the index alone.
            models.Index(
                fields=["facility", "status", "escalated_at", "id"],
                condition=Q(escalated_at__isnull=False),
                name="case_escalated_open",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(contact_do_not_contact=True)
                | Q(
                    contact_may_call=False,
                    contact_may_text=False,
                    contact_may_leave_voicemail=False,
                ),
                name="do_not_contact_excludes_contact_methods",
            )
        ]

    def __str__(self) -> str:
        return self.ref

    def get_absolute_url(self) -> str:
        return reverse("cases:case-detail", kwargs={"case_ref": self.ref})

    def get_preferred_language_display(self) -> str:
        """The language's own name, from the administrators' list ("Español")."""
        from cases.translations import DEFAULT_LANGUAGES, language_name, offered_languages

        shipped = dict(DEFAULT_LANGUAGES)
        if self.preferred_language in shipped:  # no query for the shipped languages
            return shipped[self.preferred_language]
        return language_name(self.preferred_language, dict(offered_languages()))

    def clean(self) -> None:
        if self.contact_do_not_contact and (
            self.contact_may_call or self.contact_may_text or self.contact_may_leave_voicemail
        ):
            raise ValidationError(
                _("“Do not contact” cannot be combined with a way to contact the patient.")
            )
        if self.unit_id and self.facility_id and self.unit.facility_id != self.facility_id:
            raise ValidationError(_("The unit belongs to another facility."))

    @property
    def is_escalated(self) -> bool:
        return self.escalated_at is not None

    @property
    def age_label(self) -> str:
        return str(_("Unknown")) if self.age_years is None else str(self.age_years)

    def contact_summary(self) -> str:
        if self.contact_do_not_contact:
            return str(_("Do not contact"))
        monitored = [_("phone may be monitored")] if self.contact_phone_monitored else []
        ways = [
            label
            for allowed, label in (
                (self.contact_may_call, _("call")),
                (self.contact_may_leave_voicemail, _("voicemail")),
                (self.contact_may_text, _("text")),
            )
            if allowed
        ]
        if not ways:
            ways = [_("No safe way recorded")]
        return ", ".join(str(w) for w in [*ways, *monitored])


class CaseEvent(models.Model):
    """One entry of a case's timeline. Phases speak to `cases` through these.

    `kind` is namespaced by the phase that writes it (`case.opened`, `screening.not_screened`,
    `reporting.required_report_logged`, …); `summary` is a short neutral sentence to show.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=80)
    summary = models.CharField(max_length=300)
    payload = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["case", "-at"]),
            # The figures and work lists ask "which cases have an event of this kind": without
            # it each such question reads the whole timeline (figures at 10,000 cases).
            models.Index(fields=["kind", "case"], name="caseevent_kind_case"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.case_id}"


class CaseFigures(models.Model):
    """What the figures (`cases.figures`) read from one case's timeline, kept current as its
    events are written (`figures.count_event`, in the event's own transaction), so the figures
    group one row per case instead of every event of the timeline. Derived data: migration
    0014 fills it from the events already written, and a test compares it with them."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="figures")
    # How many events of each kind the case has.
    completed = models.PositiveIntegerField(default=0)
    declared_not_screened = models.PositiveIntegerField(default=0)
    escalations = models.PositiveIntegerField(default=0)
    referrals_offered = models.PositiveIntegerField(default=0)
    referrals_accepted = models.PositiveIntegerField(default=0)
    referrals_connected = models.PositiveIntegerField(default=0)
    reports_logged = models.PositiveIntegerField(default=0)
    # When the first event of each kind (or group of kinds) happened.
    first_escalated = models.DateTimeField(null=True)
    first_reviewed = models.DateTimeField(null=True)
    first_safety = models.DateTimeField(null=True)
    first_decision = models.DateTimeField(null=True)
    first_report = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"figures of {self.case_id}"


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk updates and deletes are refused: the audit log is evidence."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """Who did what to which case, when and from where. Append-only.

    The app can only insert: saving an existing entry, deleting, and bulk updates raise, and on
    PostgreSQL a trigger (migration 0002) refuses UPDATE and DELETE from any client too.
    """

    class Action(models.TextChoices):
        CASE_VIEW = "case.view", _("Viewed a case")
        CASE_CREATE = "case.create", _("Opened a case")
        CASE_CHANGE = "case.change", _("Changed a case")
        CASE_CONFLICT = "case.conflict", _("Save refused: case changed meanwhile")
        CASE_REVIEW = "case.review", _("Opened a case for review")
        CASE_PURGE = "case.purge", _("Removed a closed case's details (retention)")
        DOCUMENT = "document.generate", _("Generated a document")
        EXPORT = "export", _("Exported data")
        CONTENT_CHANGE = "content.change", _("Changed shared content")
        SIGN_IN = "auth.sign_in", _("Signed in")
        SIGN_IN_FAILED = "auth.sign_in_failed", _("Failed sign-in")
        SIGN_OUT = "auth.sign_out", _("Signed out")
        QUICK_HIDE = "auth.quick_hide", _("Quick-hide")
        IDLE_LOCK = "auth.idle_lock", _("Locked after inactivity")
        PASSWORD_RESET_ISSUED = "auth.password_reset", _("Issued a password reset")
        PASSWORD_SET = "auth.password_set", _("Set a new password")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Kept as typed, so failed sign-ins with unknown names are still traceable.
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40, choices=Action.choices)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["case", "-at"]),
            # "Escalations no supervisor has opened yet" (every supervisor page's header) looks
            # for a case's case.review entries: without it, a scan of the whole log per page.
            models.Index(fields=["action", "case", "at"], name="auditentry_action_case_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or kwargs.get("force_update"):
            raise PermissionError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit entries cannot be deleted.")

    def get_action_display(self) -> str:  # type: ignore[no-redef]  # replaces the generated one
        # Django's generic version hashes every choice's lazy label on each call (a translation
        # each, 18 a row): most of the access log's time at its 500-row cap.
        try:
            return str(self.Action(self.action).label)
        except ValueError:
            return self.action

    @property
    def subject(self) -> str:
        """Which part was viewed, or which timeline event a change wrote."""
        return str(self.detail.get("part") or self.detail.get("event") or "")


# Content languages and translation reviews live beside the content pattern they build on
# (`cases.content`, which itself reads this module), and are imported here so Django finds them.
from cases.translations import ContentLanguages, TranslationReview  # noqa: E402, F401
