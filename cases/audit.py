"""Writing audit entries, with "from where" taken from the request being served.

Actions take only the acting user (STYLE.md), yet every entry must say where it came from. The
middleware puts the request's address and agent in a context variable for the length of the
request, and `record()` reads it, so no action needs a request parameter.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings

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


def record(
    action: AuditEntry.Action,
    *,
    user: User | None,
    case: Case | None = None,
    username: str = "",
    **detail: Any,
) -> AuditEntry:
    """Append one audit entry; the caller's transaction makes it atomic with the change."""
    origin = current_origin.get()
    return AuditEntry.objects.create(
        action=action,
        user=user if user is not None and user.is_authenticated else None,
        username=username or (user.get_username() if user is not None else ""),
        case=case,
        detail=detail,
        ip_address=origin.ip_address if origin else None,
        user_agent=origin.user_agent if origin else "",
        path=origin.path if origin else "",
    )


def record_case_view(case: Case, *, user: User, part: str) -> AuditEntry:
    return record(AuditEntry.Action.CASE_VIEW, user=user, case=case, part=part)
