"""Writing audit entries, with "from where" taken from the request being served.

Each action declares the detail fields it records (`AUDITED`): identifiers, codes, versions and
booleans, never prose. `record()` refuses an undeclared field, and a value that is not a code
(a string with spaces, say), so a note can never slip into the log because it was one word.
A case change declares its fields per timeline event kind, in `cases.events`.

Actions take only the acting user (STYLE.md), yet every entry must say where it came from. The
middleware puts the request's address and agent in a context variable for the length of the
request, and `record()` reads it, so no action needs a request parameter.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings

from cases import events
from cases.models import AuditEntry

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cases.models import Case, User


@dataclass(frozen=True)
class RequestOrigin:
    ip_address: str | None
    user_agent: str
    path: str


current_origin: ContextVar[RequestOrigin | None] = ContextVar("current_origin", default=None)


def origin_of(request: HttpRequest) -> RequestOrigin:
    ip = request.META.get("REMOTE_ADDR")
    if settings.HARBOR_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        ip = forwarded.split(",")[0].strip() or ip
    # Cookies and other headers are never stored: the audit log must not become a secret store.
    return RequestOrigin(
        ip_address=ip or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        path=request.path[:300],
    )


Action = AuditEntry.Action

AUDITED: dict[str, frozenset[str]] = {
    Action.CASE_VIEW: frozenset({"part"}),
    Action.CASE_CREATE: frozenset(),
    Action.CASE_REVIEW: frozenset(),
    Action.CASE_PURGE: frozenset({"retention_days", "events_redacted"}),
    # Action.CASE_CHANGE: "event", plus that event kind's `audited` fields (cases.events).
    Action.CASE_CONFLICT: frozenset(
        {
            "base_version",
            "current_version",
            "question",
            "indicator",
            "instrument",
            "item",
            "note",
            "part",
        }
    ),
    Action.DOCUMENT: frozenset(
        {"what", "screening", "document", "kind", "language", "paper", "lines", "entries"}
    ),
    Action.EXPORT: frozenset(
        {"what", "screening", "slug", "version", "format", "note", "sensitive", "content"}
    ),
    Action.CONTENT_CHANGE: frozenset(
        {
            "object",
            "slug",
            "version",
            "previous_version",
            "how",
            "target",
            "fields",
            "roles",
            "units",
            "previous_roles",
            "previous_units",
            # The referral directory: which part, which entry, how, and import counts.
            "content",
            "service",
            "change",
            "stale_after_days",
            "added",
            "changed",
            # A translation marked reviewed, or edited (cases.translations).
            "language",
        }
    ),
    Action.SIGN_IN: frozenset(),
    Action.SIGN_IN_FAILED: frozenset({"refused"}),
    Action.SIGN_OUT: frozenset(),
    Action.QUICK_HIDE: frozenset(),
    Action.IDLE_LOCK: frozenset(),
    Action.PASSWORD_RESET_ISSUED: frozenset({"target"}),
    Action.PASSWORD_SET: frozenset({"how"}),
}

# Slugs, codes, "slug|version" pairs, "checklist/item" paths: no spaces, short.
CODE = re.compile(r"^[\w.:|/@+-]{0,120}$")


class UndeclaredAuditDetail(ValueError):
    """An audit detail field the action does not declare, or a value that is not a code."""


def declared_fields(action: str, detail: dict[str, Any]) -> frozenset[str]:
    if action == Action.CASE_CHANGE:
        return frozenset({"event"}) | events.spec_of(str(detail.get("event", ""))).audited
    return AUDITED[action]


def is_code(value: Any) -> bool:
    if value is None or isinstance(value, bool | int):
        return True
    if isinstance(value, str):
        return CODE.fullmatch(value) is not None
    if isinstance(value, list | tuple):
        return len(value) <= 200 and all(is_code(item) for item in value)
    return False


def checked_detail(action: str, detail: dict[str, Any]) -> dict[str, Any]:
    undeclared = set(detail) - declared_fields(action, detail)
    if undeclared:
        raise UndeclaredAuditDetail(f"{action} does not record {sorted(undeclared)}.")
    for key, value in detail.items():
        if not is_code(value):
            raise UndeclaredAuditDetail(f"{action}.{key} must be an id, code or version.")
    return detail


def record(
    action: AuditEntry.Action,
    *,
    user: User | None,
    case: Case | None = None,
    username: str = "",
    **detail: Any,
) -> AuditEntry:
    """Append one audit entry; the caller's transaction makes it atomic with the change."""
    detail = checked_detail(action, detail)
    origin = current_origin.get()
    return AuditEntry.objects.create(
        action=action,
        user=user if user is not None and user.is_authenticated else None,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        case=case,
        detail=detail,
        ip_address=origin.ip_address if origin else None,
        user_agent=origin.user_agent if origin else "",
        path=origin.path if origin else "",
    )


def record_case_view(case: Case, *, user: User, part: str) -> AuditEntry:
    return record(AuditEntry.Action.CASE_VIEW, user=user, case=case, part=part)
