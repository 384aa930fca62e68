"""The request type every view takes: django-htmx's documented `HtmxHttpRequest`.

django-htmx ships no request class; its docs ask projects to declare this one for type checking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from cases.models import User


class HtmxHttpRequest(HttpRequest):
    """A request through django-htmx's middleware, signed in: `LoginRequiredMiddleware` guards
    every view, so `user` is a real user, never the anonymous one."""

    htmx: HtmxDetails
    user: User
