from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def harbor(request: HttpRequest) -> dict[str, Any]:
    return {"idle_lock_seconds": round(settings.HARBOR_IDLE_LOCK_MINUTES * 60)}
