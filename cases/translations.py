"""Content languages as data, and the provenance of every translation.

- `ContentLanguages` (one content document, on the one pattern) lists the languages a case's
  preferred language may be. An administrator adds one there; its texts are then written on the
  translation page of each content document. No code names a patient language.
- A translation is "written for Harbor, not yet reviewed by a qualified translator" until an
  administrator marks it reviewed: a `TranslationReview` names who and when, and the
  `fingerprint` of exactly what they read (every source text and its translation), so an edit of
  either makes it unreviewed again, without touching the content's versions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from cases import audit, languages
from cases.content import ContentInvalid, DocumentContent, VersionedContent, VersionedQuerySet
from cases.models import AuditEntry, User
from cases.schemas import SHARED_SCHEMAS, Problem, check_unique

LANGUAGES_SLUG = "languages"

PROVENANCE_UNREVIEWED = gettext_lazy(
    "Written for Harbor, not yet reviewed by a qualified translator."
)

# Used until the languages document is loaded (a fresh database, a test without content).
DEFAULT_LANGUAGES = (
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("pt", "Português"),
    ("zh", "中文"),
    ("ar", "العربية"),
    ("tl", "Tagalog"),
    ("vi", "Tiếng Việt"),
)


class ContentLanguages(DocumentContent):
    SCHEMA = SHARED_SCHEMAS / "languages.schema.json"
    ROWS = {"languages": "code"}
    AUDIT_NAME = "languages"
    LABEL = gettext_lazy("Content languages")

    objects = VersionedQuerySet["ContentLanguages"].as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="languages_version_unique")
        ]

    def __str__(self) -> str:
        return f"Content languages (version {self.version})"

    @classmethod
    def check_content(cls, content: Mapping[str, Any]) -> None:
        check_unique(content["languages"], "code", ("languages",))
        if languages.SOURCE_LANGUAGE not in {entry["code"] for entry in content["languages"]}:
            raise ContentInvalid(
                [Problem(("languages",), _("English, the language content is written in, stays"))]
            )


def offered_languages() -> list[tuple[str, str]]:
    """(code, name) of every language a case may prefer, as the administrators list them."""
    row = ContentLanguages.objects.latest_published(LANGUAGES_SLUG)
    if row is None:
        return list(DEFAULT_LANGUAGES)
    return [(entry["code"], entry["name"]) for entry in row.document["languages"]]


def language_name(code: str, offered: Mapping[str, str] | None = None) -> str:
    """A language's own name ("Español"), from the list, else Django's, else its code."""
    names = offered if offered is not None else dict(DEFAULT_LANGUAGES)
    for tag in languages.candidates(code, fallback=code):
        if tag in names:
            return names[tag]
    try:
        return str(get_language_info(code)["name_local"])
    except KeyError:
        return code


class TranslationReview(models.Model):
    """An administrator's statement that a qualified translator reviewed one language of one
    content document, exactly as it read then (`fingerprint`)."""

    kind = models.CharField(max_length=80)  # the content model's AUDIT_NAME
    slug = models.SlugField(max_length=80)
    language = models.CharField(max_length=35)
    fingerprint = models.CharField(max_length=64)
    version = models.PositiveIntegerField()  # the version it was marked on, for the record
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        indexes = [models.Index(fields=["kind", "slug", "language"])]

    def __str__(self) -> str:
        return f"{self.kind}/{self.slug} {self.language} reviewed {self.reviewed_at:%Y-%m-%d}"


def translatable_models() -> list[type[VersionedContent]]:
    """Every installed content kind with translatable texts (no phase app named here)."""
    return [
        model for model in apps.get_models() if issubclass(model, VersionedContent) and model.TEXTS
    ]


def model_named(kind: str) -> type[VersionedContent] | None:
    return next((m for m in translatable_models() if m.AUDIT_NAME == kind), None)


def texts(row: VersionedContent) -> list[languages.Text]:
    return languages.texts_of(row.as_content(), type(row).TEXTS)


def reviews_of(
    row: VersionedContent, found: list[languages.Text] | None = None
) -> dict[str, TranslationReview]:
    """language → the review that still holds for `row` (its texts unchanged since)."""
    found = texts(row) if found is None else found
    holding: dict[str, TranslationReview] = {}
    for review in TranslationReview.objects.filter(
        kind=row.AUDIT_NAME, slug=row.slug
    ).select_related("reviewed_by"):
        if review.language in holding:
            continue  # newest first: an older review of the same language adds nothing
        if review.fingerprint == languages.fingerprint(found, review.language):
            holding[review.language] = review
    return holding


def reviewed_languages(row: VersionedContent | None) -> frozenset[str]:
    """The languages of `row` whose translation a qualified translator reviewed; English, the
    source, counts as reviewed (it is not a translation)."""
    if row is None:
        return frozenset({languages.SOURCE_LANGUAGE})
    return frozenset({languages.SOURCE_LANGUAGE, *reviews_of(row)})


@transaction.atomic
def mark_reviewed(row: VersionedContent, language: str, *, by: User) -> TranslationReview:
    """Record that `language` of `row` was reviewed by a qualified translator (administrators
    only), audited."""
    if not by.is_administrator:
        raise PermissionDenied(_("Only administrators mark translations reviewed."))
    found = texts(row)
    if language not in languages.languages_in(found):
        raise ContentInvalid([Problem((), _("There is no text in this language to review."))])
    review = TranslationReview.objects.create(
        kind=row.AUDIT_NAME,
        slug=row.slug,
        language=language,
        fingerprint=languages.fingerprint(found, language),
        version=row.version,
        reviewed_by=by,
    )
    audit.record(
        AuditEntry.Action.CONTENT_CHANGE,
        user=by,
        object=row.AUDIT_NAME,
        slug=row.slug,
        version=row.version,
        how="review",
        language=language,
    )
    return review
