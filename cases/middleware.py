from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control

from cases.audit import current_origin, origin_of

# When the session's row was last written (seconds since the epoch), kept in the session.
TOUCHED_KEY = "harbor_touched"


class AuditContextMiddleware:
    """Makes the request's origin available to `cases.audit.record` for this request only."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_origin.set(origin_of(request))
        try:
            return self.get_response(request)
        finally:
            current_origin.reset(token)


class NoStoreForSignedInMiddleware:
    """Nothing a signed-in user sees may be kept by the browser.

    With `no-store`, the back button after quick-hide or sign-out asks the server again, which
    answers with the sign-in page instead of a cached case.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated or getattr(request, "harbor_signed_out", False):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class FieldSizeLimitMiddleware:
    """Refuse (413) a form post with any one value longer than HARBOR_MAX_FIELD_CHARS.

    Each form also caps its own fields; this is the floor under all of them, so no field
    forgotten there can take a megabyte-long name. The limit is far above real content (the
    longest are the JSON editors' few kilobytes).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.HARBOR_MAX_FIELD_CHARS
        if request.method == "POST" and any(
            len(value) > limit for values in request.POST.lists() for value in values[1]
        ):
            return render(request, "413.html", {"limit": limit}, status=413)
        return self.get_response(request)


class SlidingSessionMiddleware:
    """Keep a signed-in session alive while it is used, writing its row at most once every
    HARBOR_SESSION_TOUCH_SECONDS.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) costs an UPDATE and a
    commit per click and per autosave. Here the expiry slides only when the last write is older
    than the touch interval, so a session in use can end up to that many seconds before
    HARBOR_IDLE_LOCK_MINUTES after its last request — never later.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a signed-in session still signed in: one just flushed by sign-out stays empty.
        if session is None or not request.user.is_authenticated or not session.session_key:
            return response
        now = int(time.time())
        if now - session.get(TOUCHED_KEY, 0) >= settings.HARBOR_SESSION_TOUCH_SECONDS:
            session[TOUCHED_KEY] = now
        return response


class UserLanguageMiddleware:
    """The signed-in person's chosen interface language wins over the browser's.

    Django's LocaleMiddleware (earlier in the list) has already activated the language cookie's
    or the browser's Accept-Language choice; it runs before authentication, so it cannot read
    the profile. This runs right after AuthenticationMiddleware and, when the profile names a
    language, activates that one instead. A blank profile keeps LocaleMiddleware's choice.
    LocaleMiddleware's response side then labels the response with whatever is active.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if chosen and translation.check_for_language(chosen):
            translation.activate(chosen)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
