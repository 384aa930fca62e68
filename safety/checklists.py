"""Checklist templates as content: what the schema cannot say, and the engine's frozen view.

Checklists follow the one content pattern (`cases.content`): `ChecklistTemplate` versions are
saved only through `save_version`, validated against `content/schemas/checklist.schema.json`
and by `check_content` here, whatever the editor (item formset, JSON, shipped file).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.schemas import ContentInvalid, Problem, check_unique

SECTIONS = {
    "physical": gettext_lazy("Physical health"),
    "mental_health": gettext_lazy("Mental health"),
    "safe_discharge": gettext_lazy("Safe discharge and referrals"),
}

# The immediate-care item that must always wait for the patient's consent (issue 4, the seed's
# "forensic evidence only with consent"): collecting evidence from someone who has not agreed is
# an assault, and for a trafficked patient it repeats the loss of control they escaped.
CONSENT_GUARDED = {"immediate-care": "forensic-evidence"}


@dataclass(frozen=True)
class Item:
    """One item of a checklist version, as the case pages read it."""

    slug: str
    text: str
    help: str
    section: str
    requires_consent: bool
    # {"fr": {"text": …, "help": …}}: read through `cases.languages.translated` (the `tr`
    # template filter); never compared or hashed.
    translations: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


def shipped_checklists() -> dict[str, Any]:
    return json.loads((files("safety") / "content" / "checklists.json").read_text("utf-8"))


def normalised(items: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every field present, so stored versions compare equal to what an editor submits."""
    return [
        {
            "slug": item["slug"],
            "text": item["text"].strip(),
            "help": (item.get("help") or "").strip(),
            "section": item.get("section") or "",
            "requires_consent": bool(item.get("requires_consent", False)),
            # Only when there are some, so documents without translations compare as before.
            **({"translations": item["translations"]} if item.get("translations") else {}),
        }
        for item in items
    ]


def check_content(content: Mapping[str, Any]) -> None:
    """Slugs unique (an item's identity in every case) and the safeguards kept: no editor, JSON
    or shipped file can store a checklist without them. ContentInvalid naming the item."""
    items = content["items"]
    check_unique(items, "slug", ("items",))
    guarded = CONSENT_GUARDED.get(content["slug"])
    if guarded is None:
        return
    why = _(
        "forensic evidence may only be collected with the patient's consent: without it, "
        "collection is an assault and takes control away from the patient again"
    )
    index = next((i for i, item in enumerate(items) if item["slug"] == guarded), None)
    if index is None:
        message = _(
            "Keep the forensic-evidence item (%(slug)s): %(why)s. On a case where it does not "
            "apply, clinicians mark it not applicable with a reason."
        )
        raise ContentInvalid([Problem(("items",), message % {"slug": guarded, "why": why})])
    if not items[index].get("requires_consent"):
        message = _(
            "The forensic-evidence item (%(slug)s) must keep “requires consent” ticked: %(why)s."
        )
        raise ContentInvalid(
            [
                Problem(
                    ("items", index, "requires_consent"),
                    message % {"slug": guarded, "why": why},
                )
            ]
        )


def items_of(stored: list[dict[str, Any]]) -> tuple[Item, ...]:
    """The frozen items of a stored version (cached per version by `ChecklistTemplate.rule`)."""
    return tuple(Item(**item) for item in stored)
