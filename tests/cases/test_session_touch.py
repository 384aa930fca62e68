"""A signed-in session slides its expiry as it is used, writing its row at most once a minute
(HARBOR_SESSION_TOUCH_SECONDS) rather than on every request."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def session_of(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def session_writes(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(
        1
        for q in queries.captured_queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


def test_requests_within_the_touch_interval_do_not_write_the_session(personas):
    client = personas.client_for("clinician")
    home = reverse("cases:home")
    assert session_writes(client, home) == 1  # the first request after sign-in starts the clock
    before = session_of(client).expire_date
    assert [session_writes(client, home) for _ in range(3)] == [0, 0, 0]
    assert session_of(client).expire_date == before


def test_a_request_after_the_touch_interval_moves_the_expiry_on(personas, settings):
    client = personas.client_for("clinician")
    home = reverse("cases:home")
    client.get(home)
    before = session_of(client).expire_date
    settings.HARBOR_SESSION_TOUCH_SECONDS = 0
    assert session_writes(client, home) == 1
    assert session_of(client).expire_date > before


def test_signing_out_leaves_no_session_behind(personas, settings):
    settings.HARBOR_SESSION_TOUCH_SECONDS = 0
    client = personas.client_for("clinician")
    client.get(reverse("cases:home"))
    client.post(reverse("logout"))
    assert not Session.objects.exists()


def test_anonymous_requests_create_no_session(db, client, settings):
    settings.HARBOR_SESSION_TOUCH_SECONDS = 0
    client.get(reverse("login"))
    assert not Session.objects.exists()
