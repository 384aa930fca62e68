"""Importing an HSDS file: a dry run, then a commit of all or nothing.

`plan_import` reads the file and says, for each top-level object, whether it would be added,
changed, left unchanged or rejected, and why (schema and Harbor's own checks, `referrals.hsds`);
`commit_import` applies a plan only if nothing was rejected, in one transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cases.schemas import ContentInvalid
from referrals.hsds import (
    _harbor_errors,
    _save_term,
    apply_organization,
    apply_service,
    export_organization,
    export_service,
    schema_errors,
)
from referrals.models import (
    Organization,
    Service,
    TaxonomyTerm,
)


class ImportRefused(Exception):
    """The file has rejected rows (or could not be read): nothing was changed."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(plan.error or "rejected rows")
        self.plan = plan


# --- Planning ----------------------------------------------------------------------------------


@dataclass
class RowResult:
    index: int
    kind: str
    id: str
    name: str
    outcome: str  # added | changed | unchanged | rejected
    reasons: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[RowResult]
    error: str = ""
    objects: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    terms: list[dict[str, Any]] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def count_added(self) -> int:
        return self.count("added")

    @property
    def count_changed(self) -> int:
        return self.count("changed")

    @property
    def count_unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def count_rejected(self) -> int:
        return self.count("rejected")

    @property
    def can_commit(self) -> bool:
        return not self.error and bool(self.rows) and self.count("rejected") == 0


def read_document(raw: bytes | str) -> tuple[list[tuple[str, dict[str, Any]]], list[Any], str]:
    """The top-level objects of an HSDS file: a service, an organization, a list or a page."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        return [], [], _("The file is not valid JSON: %(error)s") % {"error": error}
    terms: list[Any] = []
    if isinstance(data, dict) and "services" in data and "taxonomy_terms" in data:
        terms, items = data["taxonomy_terms"], data["services"]  # Harbor's content file
    elif isinstance(data, dict) and isinstance(data.get("contents"), list):
        items = data["contents"]  # an HSDS API page
    elif isinstance(data, list):
        items = data
    elif isinstance(data, dict):
        items = [data]
    else:
        return [], [], _("The file holds neither HSDS objects nor a list of them.")
    objects = []
    for item in items:
        kind = "service" if isinstance(item, dict) and "status" in item else "organization"
        objects.append((kind, item))
    return objects, terms, ""


def plan_import(raw: bytes | str) -> ImportPlan:
    objects, terms, error = read_document(raw)
    if error:
        return ImportPlan([], error=error)
    if not objects:
        return ImportPlan([], error=_("The file holds no service or organization."))
    known = {str(pk) for pk in TaxonomyTerm.objects.values_list("id", flat=True)}
    known |= {str(t.get("id")) for t in terms if isinstance(t, dict)}
    rows = []
    for index, (kind, obj) in enumerate(objects, start=1):
        if not isinstance(obj, dict):
            rows.append(RowResult(index, kind, "", "", "rejected", [_("Not an object.")]))
            continue
        reasons = schema_errors(obj, kind)
        services = [obj] if kind == "service" else list(obj.get("services") or [])
        for service in services:
            if isinstance(service, dict):
                reasons += _harbor_errors(service, known)
        rows.append(
            RowResult(
                index,
                kind,
                str(obj.get("id", "")),
                str(obj.get("name", "")),
                "rejected" if reasons else _outcome(kind, obj),
                reasons,
            )
        )
    return ImportPlan(rows, objects=objects, terms=terms)


def _outcome(kind: str, obj: dict[str, Any]) -> str:
    model = Service if kind == "service" else Organization
    current = model.objects.filter(pk=obj["id"]).first()
    if current is None:
        return "added"
    exported = (
        export_service(current) if isinstance(current, Service) else export_organization(current)
    )
    return "unchanged" if contains(exported, obj) else "changed"


def contains(big: Any, small: Any) -> bool:
    """Everything in `small` is in `big` (lists of objects with ids are matched by id)."""
    if isinstance(small, dict):
        return isinstance(big, dict) and all(
            key in big and contains(big[key], value) for key, value in small.items()
        )
    if isinstance(small, list):
        if not isinstance(big, list):
            return False
        if all(isinstance(item, dict) and "id" in item for item in small):
            by_id = {item.get("id"): item for item in big if isinstance(item, dict)}
            return all(item["id"] in by_id and contains(by_id[item["id"]], item) for item in small)
        return len(big) == len(small) and all(map(contains, big, small))
    return bool(big == small)


# --- Commit ------------------------------------------------------------------------------------


@transaction.atomic
def commit_import(raw: bytes | str, *, by: Any) -> ImportPlan:
    """Apply the file if every row passes; all or nothing. Re-plans, so a stale dry run is safe."""
    plan = plan_import(raw)
    if not plan.can_commit:
        raise ImportRefused(plan)
    for term in plan.terms:
        _save_term(term)
    for (kind, obj), row in zip(plan.objects, plan.rows, strict=False):
        try:
            if kind == "service":
                apply_service(obj, by=by)
            else:
                apply_organization(obj, by=by)
        except ContentInvalid as invalid:
            # An entry Harbor's editor could not save either (e.g. a minimum age above the
            # maximum): the row is rejected and the caller's transaction undoes the file.
            row.outcome = "rejected"
            row.reasons = [str(problem) for problem in invalid.problems]
            raise ImportRefused(plan) from invalid
    return plan
