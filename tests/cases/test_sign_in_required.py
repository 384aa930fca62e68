"""Every URL of the project sends an anonymous visitor to sign-in, except the few that must not."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# The only pages open without signing in: the sign-in page itself, the neutral page quick-hide
# lands on, the quick-hide and idle-lock endpoints (which only sign out), and Django admin's
# own sign-in, which leads back into the same throttled authentication.
PUBLIC_ROUTES = {
    "login",
    "cases:neutral",
    "cases:quick-hide",
    "cases:idle-lock",
    "admin:login",
    # The header's language switch: the sign-in page offers it too (it only sets a cookie, and
    # saves nothing for a visitor who is not signed in).
    "cases:switch-language",
    # The one-time link an administrator hands over, and the page after it: the person is
    # signed out by then (the link's token is the credential).
    "password_reset_confirm",
    "password_reset_complete",
    # The site's icon, which a browser asks for without the session (test below).
    "favicon",
}


def walk(resolvers, prefix="", namespace=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


def concrete(route: str) -> str:
    """Fill every converter of a route with a plausible value."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<(?:str|slug|path):\w+>", "abcde-fghjk", route)
    route = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000000", route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    return "/" + route.replace("\\", "")


ROUTES = sorted(set(walk(get_resolver().url_patterns)))


def test_the_walk_found_the_routes_of_every_app():
    names = {name for name, _ in ROUTES}
    for expected in ("cases:home", "cases:case-detail", "screening:case-screening", "login"):
        assert expected in names


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "route"),
    [r for r in ROUTES if r[0] not in PUBLIC_ROUTES],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_anonymous_visitor_is_sent_to_sign_in(client, name, route):
    url = concrete(route)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, f"{method.__name__} {url} gave {response.status_code}"
        assert "login/" in response["Location"], f"{url} redirected to {response['Location']}"


def test_the_site_icon_is_the_pages_own_for_anyone(client):
    """A printed card opened as a PDF names no icon, so the browser asks for /favicon.ico."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("harbor/favicon.svg")
    assert client.post("/favicon.ico").status_code == 405
