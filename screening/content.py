"""The shipped content files, and the gate content that is read straight from its file.

The gate (separation methods, interpreter options, reasons for not screening, confidentiality
texts and universal-education wording) is facility-independent wording that changes only with
a release, so it is read from `content/gate.json` rather than edited in the app. The lines to offer
are not here: they come from the referral directory through `cases.providers.hotlines_for`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

CONTENT_DIR = Path(__file__).resolve().parent / "content"
DEFAULT_BANK_SLUG = "conversation-guide"


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def gate() -> dict[str, Any]:
    return read_json(CONTENT_DIR / "gate.json")


def choices(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(item["slug"], item["label"]) for item in items]


def label_of(items: list[dict[str, Any]], slug: str) -> str:
    return next((item["label"] for item in items if item["slug"] == slug), slug)
