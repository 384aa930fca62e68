"""One way to keep administrator-edited content (the README's "Clinical content" names the pieces).

Every kind of content (question banks, observed signs, instruments, checklists, and next the
directory) is a `VersionedContent` model: one row per saved version of one `slug`, never changed
once saved, so a case keeps pointing at exactly what it used. Each kind declares:

- `SCHEMA`: the JSON Schema of its document (what files, imports and exports carry);
- `as_content()`: the stored version as that document, and `create_version()` the reverse;
- `ROWS`: which lists of the document are rows (and their key), for the row-level history;
- `check_content()`: the few rules a schema cannot say (unique slugs, a reachable threshold).

`save_version` is the only way a version is written, by an editor or an import: it validates
the document once (schema, then `check_content`), refuses a stale save with `StaleVersion`,
stores what changed row by row in `changes`, publishes it and audits it. The editors are Django
formsets; `edit_content` (views) runs any of them, and `refuse_stale` shows "someone saved
first: theirs and yours".
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import audit
from cases.models import AuditEntry, User
from cases.schemas import ContentInvalid, Problem, validate

if TYPE_CHECKING:
    from django.http import HttpRequest

M = TypeVar("M", bound="VersionedContent")


# --- The one vocabulary for conflicts -----------------------------------------------------------


class StaleVersion(Exception):  # noqa: N818 - reads as what happened: the edit is stale
    """Someone saved after the version this edit started from (its `base_version`).

    Nothing was saved. `current` is what is saved now (a content version, a case, an answer).
    """

    def __init__(self, current: Any) -> None:
        super().__init__(f"Now at version {current.version}.")
        self.current = current


def require_administrator(request: HttpRequest, why: str | None = None) -> None:
    """Content editors are for administrators only (403 for everyone else, saying `why`)."""
    if not getattr(request.user, "is_administrator", False):
        raise PermissionDenied(why or _("Only administrators edit shared content."))


def unique_slug(text: str, taken: Iterable[str], *, fallback: str = "item", words: int = 6) -> str:
    """A slug for a new row from its first words, unique among `taken`.

    Slugs become FHIR linkIds and stay an item's identity across versions, so they start with a
    letter and never change once given.
    """
    base = "-".join(slugify(text).split("-")[:words])[:60].strip("-") or fallback
    if not base[0].isalpha():
        base = f"{fallback[0]}-{base}"
    used = set(taken)
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    return slug


# --- Row-level history --------------------------------------------------------------------------


def flatten(
    document: Mapping[str, Any], rows: Mapping[str, str | None], *, prefix: str = ""
) -> dict[str, dict[str, Any]]:
    """The document as rows: `{"": top-level fields, "themes:home": {...}, ...}`.

    `rows` names each list that holds rows and the field that keys them (None: by position);
    a nested list is named by its path, e.g. `themes.questions`. Each row gets its position.
    """
    flat: dict[str, dict[str, Any]] = {}
    own: dict[str, Any] = {}
    for name, value in document.items():
        path = f"{prefix}{name}"
        if path in rows and isinstance(value, list):
            key = rows[path]
            for position, row in enumerate(value, start=1):
                row_key = f"{name}:{row[key] if key else position}"
                nested = flatten(row, rows, prefix=f"{path}.")
                nested[""]["position"] = position
                for sub_key, fields in nested.items():
                    flat[f"{row_key}/{sub_key}" if sub_key else row_key] = fields
        elif name != "version":
            own[name] = value
    flat[""] = own
    return flat


def diff(
    before: Mapping[str, Any] | None, after: Mapping[str, Any], rows: Mapping[str, str | None]
) -> list[dict[str, Any]]:
    """What changed, row by row: `[{"row", "op", "fields": {field: [old, new]}}]`, where op is
    added, removed or changed.

    Stored with each version, so the history shows changes without loading any document.
    """
    old = flatten(before, rows) if before is not None else {}
    new = flatten(after, rows)
    changes: list[dict[str, Any]] = []
    for key in [*new, *(k for k in old if k not in new)]:
        was, now = old.get(key), new.get(key)
        if was == now:
            continue
        if was is None or now is None:
            op = "added" if was is None else "removed"
            fields = {f: [None, v] for f, v in (now or {}).items()} if now else {}
            if before is None and key == "":
                continue  # the first version: every row is "added", the header adds nothing
            changes.append({"row": key, "op": op, "fields": fields})
            continue
        fields = {f: [was.get(f), now.get(f)] for f in {*was, *now} if was.get(f) != now.get(f)}
        changes.append({"row": key, "op": "changed", "fields": dict(sorted(fields.items()))})
    return changes


# --- The stored versions ------------------------------------------------------------------------


class VersionedQuerySet(models.QuerySet[M]):
    def published(self) -> Self:
        return self.filter(published=True)

    def latest_published(self, slug: str) -> M | None:
        """The version new work uses: the highest published version of this slug."""
        return self.published().filter(slug=slug).order_by("-version").first()

    def newest(self, slug: str) -> M | None:
        return self.filter(slug=slug).order_by("-version").first()

    def history(self, slug: str) -> Self:
        """Every version of `slug`, newest first, with what changed but not the content."""
        return (
            self.filter(slug=slug)
            .order_by("-version")
            .select_related("created_by")
            .only(*HISTORY_FIELDS)
        )


HISTORY_FIELDS = (
    "slug",
    "version",
    "published",
    "note",
    "changes",
    "created_at",
    "created_by__username",
    "created_by__first_name",
    "created_by__last_name",
)


class VersionedContent(models.Model):
    """One saved version of one piece of content; see the module docstring."""

    SCHEMA: ClassVar[Path]
    ROWS: ClassVar[Mapping[str, str | None]] = {}
    AUDIT_NAME: ClassVar[str]
    # Where the document's translatable objects are and their text fields (`cases.languages`:
    # each such object may carry `translations`), e.g. {"themes.questions": ("text",)}.
    TEXTS: ClassVar[Mapping[str, tuple[str, ...]]] = {}
    # Which of TEXTS the patient hears or takes away: shown in the case's language with the
    # clinician's beside it, complete in every shipped language, never printed with a mark.
    PATIENT_TEXTS: ClassVar[Mapping[str, tuple[str, ...]]] = {}
    # What the translations page calls it (a lazy string).
    LABEL: ClassVar[Any] = ""

    slug = models.SlugField(max_length=80)
    version = models.PositiveIntegerField()
    published = models.BooleanField(default=True)
    note = models.CharField(gettext_lazy("what changed, and why"), max_length=300, blank=True)
    # The row-level difference from the previous version (see `diff`), shown by the history.
    changes = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    def as_content(self) -> dict[str, Any]:
        """This version as its document (the SCHEMA's format)."""
        raise NotImplementedError

    @classmethod
    def create_version(
        cls, content: Mapping[str, Any], *, slug: str, version: int, **fields: Any
    ) -> Self:
        """Store a validated document as a new version row (and its child rows)."""
        raise NotImplementedError

    @classmethod
    def check_content(cls, content: Mapping[str, Any]) -> None:
        """The rules a schema cannot say; ContentInvalid when one is broken."""

    @classmethod
    def normalise(cls, content: Mapping[str, Any]) -> dict[str, Any]:
        """A valid document with its optional parts filled in, as `as_content` returns it."""
        return dict(content)

    @classmethod
    def for_content(cls, queryset: models.QuerySet[Self]) -> models.QuerySet[Self]:
        """`queryset` with what `as_content` reads prefetched (children, for instance)."""
        return queryset


class DocumentContent(VersionedContent):
    """Content kept as one JSON document per version (no child rows): the gate's wording, the
    patient's papers, the languages list. The schema says its shape; `document` holds it
    without slug and version."""

    document = models.JSONField(default=dict)

    class Meta:
        abstract = True

    def as_content(self) -> dict[str, Any]:
        return {"slug": self.slug, "version": self.version, **self.document}

    @classmethod
    def create_version(
        cls, content: Mapping[str, Any], *, slug: str, version: int, **fields: Any
    ) -> Self:
        document = {k: v for k, v in content.items() if k not in {"slug", "version"}}
        return cls._default_manager.create(slug=slug, version=version, document=document, **fields)


_RULES: dict[tuple[str, int, Any], Any] = {}
_RULES_KEPT = 256
_RULES_LOCK = threading.Lock()


def cached_rule[T](row: VersionedContent, build: Callable[[], T]) -> T:
    """The frozen dataclasses of a stored version, built once per process.

    A saved version never changes, so (model, pk, created_at) names its content for good; the
    timestamp guards against a reused primary key (SQLite, tests).
    """
    key = (type(row).__name__, row.pk, row.created_at)
    found = _RULES.get(key)
    if found is None:
        found = build()  # outside the lock: two threads may build the same version, harmlessly
        # Threaded workers (gunicorn gthread) share the dict: evicting under a lock keeps two
        # threads from removing the same oldest entry.
        with _RULES_LOCK:
            while len(_RULES) >= _RULES_KEPT:
                _RULES.pop(next(iter(_RULES)))  # the oldest entry
            _RULES[key] = found
    return found


def _comparable(content: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in content.items() if k not in {"slug", "version"}}


@transaction.atomic
def save_version[M: "VersionedContent"](
    model: type[M],
    slug: str,
    content: Mapping[str, Any],
    *,
    base_version: int | None,
    by: User | None,
    note: str = "",
    how: str = "edit",
) -> tuple[M, bool]:
    """Validate `content` and store it as the next version of `slug`; (row, created).

    `base_version` is the newest version when the edit started: if someone saved since, nothing
    is saved and StaleVersion says what is saved now. None skips the check (loading shipped
    files). Content identical to the newest version saves nothing (created is False).
    """
    validate(model.SCHEMA, {**content, "slug": slug})
    document = model.normalise({**content, "slug": slug})
    model.check_content(document)
    newest = (
        model.for_content(model._default_manager.select_for_update().filter(slug=slug))
        .order_by("-version")
        .first()
    )
    if base_version is not None and (newest.version if newest else 0) != base_version:
        raise StaleVersion(newest)
    before = newest.as_content() if newest else None
    if before is not None and _comparable(before) == _comparable(document):
        return newest, False  # type: ignore[return-value]  # newest is set when before is
    version = newest.version + 1 if newest else int(content.get("version") or 1)
    row = model.create_version(
        document,
        slug=slug,
        version=version,
        note=note,
        created_by=by,
        changes=diff(before, document, model.ROWS),
    )
    _publish_only(row)
    _audit(row, by=by, how=how)
    return row, True


@transaction.atomic
def import_version[M: "VersionedContent"](
    model: type[M], content: Mapping[str, Any], *, by: User | None
) -> tuple[M, bool]:
    """Store a document that carries its own version number (a file); (row, created).

    The same version again is a no-op when identical and refused (ContentInvalid) when not:
    cases already point at that version and must keep showing what they used. An older version
    arriving late is stored unpublished, so it does not replace the newest.
    """
    validate(model.SCHEMA, content)
    content = model.normalise(content)
    model.check_content(content)
    slug, version = content["slug"], content["version"]
    versions = model._default_manager.select_for_update().filter(slug=slug)
    existing = model.for_content(versions.filter(version=version)).first()
    if existing is not None:
        if _comparable(existing.as_content()) != _comparable(content):
            raise ContentInvalid(
                [
                    Problem(
                        ("version",),
                        _(
                            "version %(version)s of “%(slug)s” already exists with different "
                            "content: give the file a higher version number to add it"
                        )
                        % {"version": version, "slug": slug},
                    )
                ]
            )
        return existing, False
    latest = versions.aggregate(v=Max("version"))["v"] or 0
    previous = model.for_content(versions.filter(version__lt=version)).order_by("-version").first()
    row = model.create_version(
        content,
        slug=slug,
        version=version,
        created_by=by,
        note=_("Imported"),
        changes=diff(previous.as_content() if previous else None, content, model.ROWS),
        published=version > latest,
    )
    if row.published:
        _publish_only(row)
    _audit(row, by=by, how="import")
    return row, True


def _publish_only(row: VersionedContent) -> None:
    """New work uses exactly one version per slug: the newest."""
    type(row)._default_manager.filter(slug=row.slug).exclude(pk=row.pk).update(published=False)


def _audit(row: VersionedContent, *, by: User | None, how: str) -> None:
    if by is None:
        return  # shipped content loaded by a command, not a person's change
    audit.record(
        AuditEntry.Action.CONTENT_CHANGE,
        user=by,
        object=row.AUDIT_NAME,
        slug=row.slug,
        version=row.version,
        how=how,
    )


def restore_note(version: int) -> str:
    return _("Restore version %(version)s") % {"version": version}


# --- Refused: someone saved first ---------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """What a refused stale save shows: who saved which version when, their changes since the
    editor opened, and the user's own changes (kept in the form below it)."""

    who: str
    version: int
    saved_at: Any
    theirs: list[dict[str, Any]]
    yours: list[dict[str, Any]]


def refusal(
    model: type[VersionedContent],
    stale: StaleVersion,
    *,
    base_version: int,
    yours: Mapping[str, Any] | None,
) -> Refusal:
    """Theirs: the stored changes of every version saved after `base_version` (history fields
    only). Yours: what the refused document changes against the version now saved."""
    current = stale.current
    newer = model._default_manager.history(current.slug).filter(version__gt=base_version)  # type: ignore[attr-defined]
    theirs = [change for version in reversed(list(newer)) for change in version.changes]
    full = model.for_content(model._default_manager.filter(pk=current.pk)).get()
    mine = diff(full.as_content(), {**yours, "slug": current.slug}, model.ROWS) if yours else []
    who = current.created_by.display_name if current.created_by else _("someone")
    return Refusal(who, current.version, current.created_at, theirs, mine)


def keep_typed(form: Any, stale: StaleVersion, *, field: str = "base_version") -> None:
    """Keep what was typed and move the form's base version to the one now saved, so a second
    Save replaces it knowingly."""
    form.data = form.data.copy()
    form.data[form.add_prefix(field)] = str(stale.current.version)
