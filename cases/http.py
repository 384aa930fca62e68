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


class SignOutRequest(HttpRequest):
    """A request during which Harbor signs the person out (quick hide, idle lock, sign-out):
    `cases.views.sign_out_for` sets why, for the sign-out audit (`cases.signals`) and the
    middleware that must not treat the now-anonymous request as a missing sign-in."""

    harbor_sign_out_reason: str
    harbor_signed_out: bool
