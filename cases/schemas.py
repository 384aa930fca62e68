"""Validation declared once: JSON Schema files (via `jsonschema`) and the few rules they cannot say.

Pure (no ORM): rules modules call it too. A refusal is one `ContentInvalid` carrying each
`Problem` with its JSON path, so an editor shows it on the field it names.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from referencing import Registry, Resource

# Limits for every content document, far above real content (the seed bank: 6 themes, 24
# questions), so an import or an edit can neither fill the database nor a clinician's screen.
# Integers (versions, positions, ages, weights) are stored in database integers.
MAX_TEXT_CHARS = 4_000
MAX_LIST_ITEMS = 200
MAX_WHOLE_NUMBER = 2**31 - 1

# Schemas every kind may refer to by `$id` (e.g. "urn:harbor:schema:translations", the
# per-language shape of any text), wherever its own schema file lives.
SHARED_SCHEMAS = Path(__file__).resolve().parent / "content" / "schemas"


@dataclass(frozen=True)
class Problem:
    """One reason a document is refused: where (a JSON path) and why."""

    path: tuple[str | int, ...]
    message: str

    def __str__(self) -> str:
        # Positions counted from 1 as people count them: "items 2 › text: must not be empty".
        parts: list[str] = []
        for part in self.path:
            if isinstance(part, int) and parts:
                parts[-1] = f"{parts[-1]} {part + 1}"
            else:
                parts.append(str(part + 1) if isinstance(part, int) else part)
        where = " › ".join(parts)
        return f"{where}: {self.message}" if where else self.message


class ContentInvalid(ValueError):
    """The document breaks its schema or one of its rules; nothing was saved or imported."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = tuple(problems)


# The schema keywords whose message a person reads; the others keep jsonschema's own wording.
_MESSAGES = {
    "required": gettext_lazy("%(name)s is missing"),
    "minLength": gettext_lazy("must not be empty"),
    "minItems": gettext_lazy("needs at least %(limit)s"),
    "pattern": gettext_lazy("must be lowercase letters and digits joined by hyphens"),
    "pattern-text": gettext_lazy("must not be empty"),
    "additionalProperties": gettext_lazy("has a field Harbor does not know (%(name)s)"),
    "enum": gettext_lazy("must be one of %(choices)s"),
    "type": gettext_lazy("must be %(type)s"),
    "minimum": gettext_lazy("must be at least %(limit)s"),
}
_TYPES = {
    "object": gettext_lazy("an object"),
    "array": gettext_lazy("a list"),
    "integer": gettext_lazy("a whole number"),
    "boolean": gettext_lazy("true or false"),
    "string": gettext_lazy("text"),
}


def _message(error: jsonschema.ValidationError) -> str:
    keyword = str(error.validator)
    if keyword == "pattern" and error.validator_value == "\\S":
        keyword = "pattern-text"  # the schemas' "some text, not only spaces"
    template = _MESSAGES.get(keyword)
    if template is None:
        return error.message
    value = error.validator_value
    params = {
        "name": error.message.split("'")[1] if "'" in error.message else "",
        "limit": value,
        "choices": ", ".join(map(str, value)) if isinstance(value, list) else value,
        "type": _TYPES.get(value, value) if isinstance(value, str) else value,
    }
    return str(template) % params


@cache
def schema(path: Path) -> jsonschema.protocols.Validator:
    """The validator of a declared schema file (read once per process). It may refer to the
    other schemas beside it, and to the shared ones, by their `$id` (the rule table's file
    refers to one entry's, every content schema to the translations shape)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(document)
    validator_class.check_schema(document)
    files = {*path.parent.glob("*.json"), *SHARED_SCHEMAS.glob("*.json")}
    neighbours = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(files)]
    registry: Registry[Any] = Registry().with_resources(
        (neighbour["$id"], Resource.from_contents(neighbour))
        for neighbour in neighbours
        if "$id" in neighbour
    )
    return validator_class(document, registry=registry)


def validate(schema_path: Path, document: Any, *, limits: bool = True) -> None:
    """Refuse `document` with every problem its schema finds (ContentInvalid), or return.

    `limits` (every Harbor document; not a foreign file such as a FHIR resource, whose content
    is checked once it is Harbor's) also refuses what the database cannot store or nobody
    needs: a NUL character, an overlong text, an enormous list or number.
    """
    errors = sorted(schema(schema_path).iter_errors(document), key=lambda e: list(e.path))
    problems = [Problem(tuple(error.absolute_path), _message(error)) for error in errors]
    if limits:
        problems += list(_beyond_limits(document, ()))
    if problems:
        raise ContentInvalid(problems)


def _beyond_limits(value: Any, path: tuple[str | int, ...]) -> Iterator[Problem]:
    if isinstance(value, str):
        if "\x00" in value:
            yield Problem(path, _("contains a NUL character, which cannot be stored"))
        if len(value) > MAX_TEXT_CHARS:
            yield Problem(
                path, _("is longer than %(limit)s characters") % {"limit": MAX_TEXT_CHARS}
            )
    elif isinstance(value, bool):
        return
    elif isinstance(value, int) and abs(value) > MAX_WHOLE_NUMBER:
        yield Problem(path, _("is too large"))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _beyond_limits(item, (*path, str(key)))
    elif isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            yield Problem(path, _("has more than %(limit)s entries") % {"limit": MAX_LIST_ITEMS})
            return
        for index, item in enumerate(value):
            yield from _beyond_limits(item, (*path, index))


def check_unique(rows: Sequence[Mapping[str, Any]], key: str, path: tuple[str | int, ...]) -> None:
    """Refuse a list whose rows share a key (a schema cannot say "unique by one field")."""
    seen: set[Any] = set()
    for index, row in enumerate(rows):
        if row[key] in seen:
            raise ContentInvalid(
                [Problem((*path, index, key), _("%(value)s is used twice") % {"value": row[key]})]
            )
        seen.add(row[key])
