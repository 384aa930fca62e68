from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from cases.review_views import waiting_count


def harbor(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"idle_lock_seconds": round(settings.HARBOR_IDLE_LOCK_MINUTES * 60)}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_supervisor:
        # Lazy: counted only when a template shows it (one query), never for other roles.
        context["review_waiting"] = lambda: waiting_count(user)
    return context
