"""The referral directory (Open Referral HSDS 3.0) and the referrals made on a case.

Directory tables follow HSDS 3.0 names and UUID identifiers, so import and export are a mapping
and not a translation. What HSDS has no field for (Harbor's flags: trauma-informed, survivor-led,
…, the partner kind, the barriers a service addresses) travels as HSDS `attribute` rows pointing
at `taxonomy_term`s, the extension mechanism the specification approves. Each row keeps, in
`extra`, the HSDS fields Harbor does not use, so a publisher's file comes back out unchanged.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.content import VersionedContent, VersionedQuerySet
from cases.jurisdictions import JURISDICTION_CODE
from cases.schemas import ContentInvalid, Problem
from referrals import rules

LANGUAGE_PATTERN = r"^[a-z]{2,3}$"

# Taxonomies Harbor defines (taxonomy_term.taxonomy); the terms themselves are content.
FLAG = "harbor-flag"
KIND = "harbor-partner-kind"
BARRIER = "harbor-barrier"

# A referral-ready partner's own columns: how to refer, what they need and must never receive,
# consent, the warm handover and when the protocol was last reviewed.
REFERRAL_READY_FIELDS = (
    "refer_by",
    "refer_needs",
    "refer_never_send",
    "consent_requirements",
    "handover_contact",
    "handover_hours",
    "protocol_reviewed_on",
)


class PortableSearchVectorField(models.TextField):
    """A `tsvector` column on PostgreSQL, unused text elsewhere (SQLite matches `search_text`)."""

    def db_type(self, connection: Any) -> str:
        return "tsvector" if connection.vendor == "postgresql" else "text"


class TaxonomyTerm(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    taxonomy = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    term_uri = models.CharField(max_length=300, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["taxonomy", "name"]
        indexes = [models.Index(fields=["taxonomy", "code"])]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(_("name"), max_length=300)
    alternate_name = models.CharField(_("other name"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.CharField(_("website"), max_length=300, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def term_ids(taxonomy: str, codes: Iterable[str]) -> list[uuid.UUID]:
    return list(
        TaxonomyTerm.objects.filter(taxonomy=taxonomy, code__in=list(codes)).values_list(
            "pk", flat=True
        )
    )


def _words_in_directory(words: tuple[str, ...]) -> set[str]:
    """Which query words start a word of some entry (PostgreSQL): one index probe each, in one
    query."""
    probe = (
        "EXISTS (SELECT 1 FROM referrals_service WHERE search_vector @@ to_tsquery('simple', %s))"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join([probe] * len(words)),  # noqa: S608 - fixed text; words are parameters
            [f"{word}:*" for word in words],
        )
        found = cursor.fetchone()
    return {word for word, hit in zip(words, found, strict=True) if hit}


class ServiceQuerySet(models.QuerySet["Service"]):
    def listed(self) -> ServiceQuerySet:
        """What clinicians may offer: neither retired (defunct) nor inactive."""
        return self.filter(status__in=[Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED])

    def with_term(self, taxonomy: str, codes: Iterable[str]) -> ServiceQuerySet:
        # The term ids first (a tiny table), so the EXISTS is one index probe per service.
        return self.with_term_ids(term_ids(taxonomy, codes))

    def with_term_ids(self, ids: list[uuid.UUID]) -> ServiceQuerySet:
        """Entries carrying any of the terms (none when there are no ids)."""
        if not ids:
            return self.none()
        return self.filter(search_keys__has_any_keys=[rules.term_key(i) for i in ids])

    def speaking(self, code: str) -> ServiceQuerySet:
        return self.filter(search_keys__has_key=rules.language_key(code))

    def serving(self, jurisdiction: str) -> ServiceQuerySet:
        extents = rules.regions_covering(jurisdiction)
        if not extents:
            return self.none()
        return self.filter(search_keys__has_any_keys=[rules.area_key(e) for e in extents])

    def for_age(self, age: int) -> ServiceQuerySet:
        return self.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=age),
        )

    def open_at(self, moment: Any) -> ServiceQuerySet:
        day = rules.WEEKDAYS[moment.weekday()]
        clock = moment.time()
        open_rows = Schedule.objects.filter(service=OuterRef("pk"), byday__contains=day).filter(
            Q(opens_at__lte=clock, closes_at__gt=clock)
            | Q(opens_at="00:00", closes_at__gte="23:59")
        )
        return self.filter(Q(always_open=True) | Exists(open_rows))

    def matching(self, text: str) -> ServiceQuerySet:
        """Free text: every word must start a word of the entry; on PostgreSQL a word found
        nowhere in the directory is taken as a typo and matched by similarity instead.

        On PostgreSQL, each condition is answered by a GIN index: prefixes by the full-text
        index, typos by the trigram index. Trying similarity for every word as well (ORed with
        the prefix match) made the planner compute word similarity on every row, 250-300 ms at
        20,000 services; a common word such as "immigration" matches a fifth of them. On
        SQLite, LIKE over the same normalised text gives the same prefix matches.
        """
        words = rules.query_words(text)
        if not words:
            return self
        if connection.vendor == "postgresql":
            from django.contrib.postgres.lookups import TrigramWordSimilar
            from django.contrib.postgres.search import SearchQuery, SearchVectorExact

            known = _words_in_directory(words)
            result = self
            prefixes = [word for word in words if word in known]
            if prefixes:
                tsquery = " & ".join(f"{word}:*" for word in prefixes)
                query = SearchQuery(tsquery, search_type="raw", config="simple")
                result = result.filter(SearchVectorExact(models.F("search_vector"), query))
            for word in words:
                if word not in known:
                    result = result.filter(
                        TrigramWordSimilar(models.F("search_text"), models.Value(word))
                    )
            return result
        exact = Q()
        for word in words:
            exact &= Q(search_text__contains=f" {word}")
        return self.filter(exact)

    def stale(self, *, today: date, stale_after_days: int) -> ServiceQuerySet:
        limit = today - timedelta(days=stale_after_days)
        return self.filter(Q(assured_date__isnull=True) | Q(assured_date__lt=limit))


class Service(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Retired")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="services"
    )
    name = models.CharField(_("name"), max_length=300)
    alternate_name = models.CharField(_("other name"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.CharField(_("website"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    interpretation_services = models.TextField(_("interpretation"), blank=True)
    application_process = models.TextField(_("how to apply"), blank=True)
    fees_description = models.TextField(_("cost"), blank=True)
    wait_time = models.CharField(_("wait time"), max_length=300, blank=True)
    eligibility_description = models.TextField(_("eligibility"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    alert = models.TextField(
        _("alert"), blank=True, help_text=_("A short-term notice, e.g. closed this week.")
    )
    assured_date = models.DateField(_("last verified"), null=True, blank=True)
    assurer_email = models.EmailField(_("verified by (e-mail)"), blank=True)
    last_modified = models.DateTimeField(default=timezone.now)
    extra = models.JSONField(default=dict, blank=True)

    is_demo = models.BooleanField(
        _("demo entry"), default=False, help_text=_("Made up for the demo: not a real partner.")
    )
    # Harbor's own: a national line shown across Harbor (gate, Care, Reporting).
    hotline_rank = models.PositiveSmallIntegerField(
        _("national line order"),
        null=True,
        blank=True,
        help_text=_("Set for a national line shown across Harbor; lower comes first."),
    )
    screen_label = models.CharField(
        _("label shown on screen"),
        max_length=120,
        blank=True,
        help_text=_("Neutral words a screen or card may show, e.g. “National 24/7 helpline”."),
    )
    # The screen label (and description) in other languages, {"fr": {"screen_label": "…"}}
    # (`cases.languages`); carried in HSDS as the Harbor field "translations" (JSON text).
    translations = models.JSONField(default=dict, blank=True)
    # Referral-ready partner: how to refer and what the partner needs (and must never receive).
    refer_by = models.CharField(
        _("how to refer"),
        max_length=200,
        blank=True,
        help_text=_("Ways, separated by commas: phone, secure e-mail, fax, in person."),
    )
    refer_needs = models.TextField(_("what they need"), blank=True)
    refer_never_send = models.TextField(_("what they must never receive"), blank=True)
    consent_requirements = models.TextField(_("their consent requirements"), blank=True)
    handover_contact = models.CharField(_("warm-handover contact"), max_length=300, blank=True)
    handover_hours = models.CharField(_("warm-handover hours"), max_length=200, blank=True)
    protocol_reviewed_on = models.DateField(
        _("referral protocol last reviewed"), null=True, blank=True
    )

    # Derived on save (see `actions.refresh_search`), so the search filters stay one query.
    always_open = models.BooleanField(default=False)
    search_text = models.TextField(blank=True, editable=False)
    search_vector = PortableSearchVectorField(null=True, blank=True, editable=False)
    # The terms, languages and regions the filters test, as keys (`rules.search_keys`).
    search_keys = models.JSONField(default=dict, blank=True, editable=False)

    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Optimistic lock: an edit made from an older view of the entry is refused.
    version = models.PositiveIntegerField(default=1)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "assured_date"]),
            models.Index(fields=["hotline_rank"]),
            # Search results in name order, read up to the page's limit (referrals.search).
            models.Index(Lower("name"), "id", name="referrals_service_name_order"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_retired(self) -> bool:
        return self.status == self.Status.DEFUNCT

    @property
    def refer_methods(self) -> list[str]:
        return [part.strip() for part in self.refer_by.split(",") if part.strip()]

    def freshness(self, *, today: date, stale_after_days: int) -> rules.Freshness:
        return rules.freshness(self.assured_date, today=today, stale_after_days=stale_after_days)


class Language(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position"]
        indexes = [models.Index(fields=["code", "service"])]

    def __str__(self) -> str:
        return self.name or self.code


class Phone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=60)
    extension = models.CharField(max_length=20, blank=True)
    type = models.CharField(max_length=20, blank=True)  # RFC 6350: voice, text, fax, textphone…
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.number


class Schedule(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    freq = models.CharField(max_length=10, blank=True)
    byday = models.CharField(max_length=40, blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.byday} {self.opens_at}-{self.closes_at}"

    def opening(self) -> rules.Opening:
        return rules.Opening(self.byday, self.opens_at, self.closes_at)


class ServiceArea(models.Model):
    """Where a service serves. Harbor puts a region code (CA, CA-ON, US-TX) in `extent`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    extent = models.CharField(max_length=300, blank=True)
    extent_type = models.CharField(max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position"]
        indexes = [models.Index(fields=["extent", "service"])]

    def __str__(self) -> str:
        return self.extent or self.name


class Location(models.Model):
    class Type(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        POSTAL = "postal", _("Postal")
        VIRTUAL = "virtual", _("Virtual")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="locations"
    )
    location_type = models.CharField(max_length=10, choices=Type.choices, default=Type.PHYSICAL)
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.name or str(self.pk)


class Address(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=200, blank=True)
    address_1 = models.CharField(max_length=300)
    address_2 = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=200)
    region = models.CharField(max_length=200, blank=True)
    state_province = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=40)
    country = models.CharField(max_length=2)
    address_type = models.CharField(max_length=10, default="physical")
    position = models.PositiveSmallIntegerField(default=0)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.address_1}, {self.city}"


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.service_id} at {self.location_id}"


class Attribute(models.Model):
    """An HSDS attribute of a service: a taxonomy term (a Harbor flag, kind or barrier)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.PROTECT, related_name="+")
    value = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "taxonomy_term"], name="one_attribute_per_service_and_term"
            )
        ]
        # Search asks "which services carry this term": answered from the index alone.
        indexes = [models.Index(fields=["taxonomy_term", "service"])]

    def __str__(self) -> str:
        return f"{self.taxonomy_term_id} on {self.service_id}"


ENTRY_SCHEMA = (
    Path(__file__).resolve().parent.parent / "content" / "schemas" / "directory-entry.schema.json"
)


class ServiceVersion(VersionedContent):
    """One saved version of one directory entry (`slug`: the service's id), on the one content
    pattern: written only through `cases.content.save_version` (an edit, a verification, a
    retirement, an import), never changed once saved. `content` is the whole entry document
    (`directory-entry.schema.json`, see `referrals.entries`); the service's rows are the
    newest version written out, which search, import and export read."""

    SCHEMA = ENTRY_SCHEMA
    ROWS: ClassVar[dict[str, str | None]] = {}
    AUDIT_NAME = "referral-directory-entry"

    # Empty only for the history kept from before whole versions were stored (migration 0005):
    # readable in the history, not restorable.
    content = models.JSONField(default=dict, blank=True, editable=False)

    objects = VersionedQuerySet["ServiceVersion"].as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="service_version_unique")
        ]
        ordering = ["slug", "-version"]

    def __str__(self) -> str:
        return f"entry {self.slug} (version {self.version})"

    @property
    def restorable(self) -> bool:
        return bool(self.content)

    def as_content(self) -> dict[str, Any]:
        return {**self.content, "slug": self.slug, "version": self.version}

    @classmethod
    def normalise(cls, content: Mapping[str, Any]) -> dict[str, Any]:
        document = dict(content)
        document.pop("version", None)
        return document

    @classmethod
    def check_content(cls, content: Mapping[str, Any]) -> None:
        from referrals.entries import known_codes

        problems = []
        low, high = content.get("minimum_age"), content.get("maximum_age")
        if low is not None and high is not None and low > high:
            problems.append(
                Problem(("maximum_age",), gettext("The maximum age is below the minimum age."))
            )
        if not content.get("always_open") and (content.get("days") or content.get("opens_at")):
            opens, closes = content.get("opens_at"), content.get("closes_at")
            if not (content.get("days") and opens and closes):
                message = gettext("Give the days, the opening and the closing time.")
                problems.append(Problem(("closes_at",), message))
            elif opens >= closes:
                message = gettext("Closing time must be after the opening time.")
                problems.append(Problem(("closes_at",), message))
        bad = [
            code
            for code in content["regions"]
            if code == "DEFAULT" or not JURISDICTION_CODE.match(code)
        ]
        if bad:
            message = gettext("Use codes like CA, CA-ON or US-TX (not: %(codes)s).")
            problems.append(Problem(("regions",), message % {"codes": ", ".join(bad)}))
        bad = [code for code in content["languages"] if not LANGUAGE_CODE.match(code)]
        if bad:
            message = gettext("Not a language code: %(codes)s")
            problems.append(Problem(("languages",), message % {"codes": ", ".join(bad)}))
        known = known_codes()
        for name, codes in known.items():
            unknown = [code for code in content[name] if code not in codes]
            if unknown:
                message = gettext("Not one of Harbor's terms: %(codes)s")
                problems.append(Problem((name,), message % {"codes": ", ".join(unknown)}))
        if problems:
            raise ContentInvalid(problems)

    @classmethod
    def create_version(
        cls, content: Mapping[str, Any], *, slug: str, version: int, **fields: Any
    ) -> ServiceVersion:
        from referrals.entries import apply_entry

        service = apply_entry(slug, content, version=version, by=fields.get("created_by"))
        document = {k: v for k, v in content.items() if k not in ("slug", "version")}
        row = cls.objects.create(slug=slug, version=version, content=document, **fields)
        if service.version != version:  # pragma: no cover - apply_entry sets it
            Service.objects.filter(pk=service.pk).update(version=version)
        return row


# The languages an entry lists: ISO 639 codes (a publisher's other language rows are kept).
LANGUAGE_CODE = re.compile(LANGUAGE_PATTERN)


class DirectorySettings(models.Model):
    """A facility's directory settings (how long a verification stays good)."""

    facility = models.OneToOneField(
        "cases.Facility", on_delete=models.CASCADE, related_name="directory_settings"
    )
    stale_after_days = models.PositiveSmallIntegerField(
        _("re-check entries after (days)"), default=rules.DEFAULT_STALE_AFTER_DAYS
    )

    def __str__(self) -> str:
        return f"{self.facility_id}: {self.stale_after_days} days"

    @classmethod
    def stale_days_for(cls, facility_id: int | None) -> int:
        if facility_id is None:
            return rules.DEFAULT_STALE_AFTER_DAYS
        row = cls.objects.filter(facility_id=facility_id).values_list("stale_after_days").first()
        return row[0] if row else rules.DEFAULT_STALE_AFTER_DAYS


class DirectoryImport(models.Model):
    """An uploaded HSDS file between its dry run and its commit (directory content only)."""

    content = models.TextField()
    file_name = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    committed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"import {self.pk} ({self.file_name})"
