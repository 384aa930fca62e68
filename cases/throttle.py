"""Sign-in throttling by django-axes, per name-and-address and per address.

Axes compares one failure limit with the larger of its counts (here: failures for this name
from this address, and failures from this address under any name). One limit for both would
lock a shared ward workstation after five typos by different people, or let one name be tried
twenty times; so the limit returned depends on which count is the one to stop: a name is
locked after AXES_FAILURE_LIMIT failures from an address, and an address after
AXES_ADDRESS_FAILURE_LIMIT failures across names (80 failures spread over 20 names were
never slowed before).
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

# Axes counts (and this module reads) these, in this order.
LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]


def failure_limit(request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
    name_limit: int = settings.HARBOR_NAME_FAILURE_LIMIT
    same_name = AxesDatabaseHandler().get_user_attempts(request, credentials)[0]
    failures = same_name.aggregate(total=Sum("failures_since_start"))["total"] or 0
    if failures >= name_limit:
        return name_limit
    return settings.HARBOR_ADDRESS_FAILURE_LIMIT
