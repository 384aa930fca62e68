"""Checklist template content: reading the shipped file and validating an edited item list.

Pure functions, like `rules.py`: the loader and the administrators' editor both validate through
`parse_items`, so a template in the database always has the shape the case pages expect.
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from typing import Any

SECTIONS = {
    "physical": "Physical health",
    "mental_health": "Mental health",
    "safe_discharge": "Safe discharge and referrals",
}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ITEM_FIELDS = {"slug", "text", "help", "section", "requires_consent"}


class ChecklistError(ValueError):
    """The checklist content is malformed; the message says where."""


def shipped_checklists() -> dict[str, Any]:
    return json.loads((files("safety") / "content" / "checklists.json").read_text("utf-8"))


def parse_items(raw: Any) -> list[dict[str, Any]]:
    """The item list, normalised (every field present), or ChecklistError naming the problem.

    Slugs are the identity of an item across versions and in each case's record, so they must be
    present, well formed and unique.
    """
    if not isinstance(raw, list) or not raw:
        raise ChecklistError("The items must be a non-empty JSON list.")
    items = []
    seen: set[str] = set()
    for index, item in enumerate(raw, start=1):
        where = f"Item {index}"
        if not isinstance(item, dict):
            raise ChecklistError(f"{where}: must be an object with a slug and a text.")
        unknown = set(item) - _ITEM_FIELDS
        if unknown:
            raise ChecklistError(f"{where}: unknown field {', '.join(sorted(unknown))}.")
        slug = item.get("slug")
        if not isinstance(slug, str) or not _SLUG.match(slug):
            raise ChecklistError(f"{where}: slug must be lowercase words joined by hyphens.")
        if slug in seen:
            raise ChecklistError(f"{where}: slug {slug!r} is used twice.")
        seen.add(slug)
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ChecklistError(f"{where} ({slug}): text must not be empty.")
        help_text = item.get("help") or ""
        if not isinstance(help_text, str):
            raise ChecklistError(f"{where} ({slug}): help must be text.")
        section = item.get("section") or ""
        if section and section not in SECTIONS:
            raise ChecklistError(
                f"{where} ({slug}): section must be one of {', '.join(SECTIONS)} or left out."
            )
        consent = item.get("requires_consent", False)
        if not isinstance(consent, bool):
            raise ChecklistError(f"{where} ({slug}): requires_consent must be true or false.")
        items.append(
            {
                "slug": slug,
                "text": text.strip(),
                "help": help_text.strip(),
                "section": section,
                "requires_consent": consent,
            }
        )
    return items


# The immediate-care item that must always wait for the patient's consent (issue 4, the seed's
# "forensic evidence only with consent"): collecting evidence from someone who has not agreed is
# an assault, and for a trafficked patient it repeats the loss of control they escaped.
CONSENT_GUARDED = {"immediate-care": "forensic-evidence"}


def check_safeguards(slug: str, items: list[dict[str, Any]]) -> None:
    """Refuse an edit that would drop a safeguard the case pages rely on (ChecklistError).

    Called on every save, whatever the editor, so neither the item form, the JSON editor nor a
    shipped file can store the template without it.
    """
    guarded = CONSENT_GUARDED.get(slug)
    if guarded is None:
        return
    item = next((item for item in items if item["slug"] == guarded), None)
    why = (
        "forensic evidence may only be collected with the patient's consent: without it, "
        "collection is an assault and takes control away from the patient again"
    )
    if item is None:
        raise ChecklistError(
            f"Keep the forensic-evidence item ({guarded}): {why}. On a case where it does not "
            "apply, clinicians mark it not applicable with a reason."
        )
    if not item["requires_consent"]:
        raise ChecklistError(
            f"The forensic-evidence item ({guarded}) must keep “requires consent” ticked: {why}."
        )
