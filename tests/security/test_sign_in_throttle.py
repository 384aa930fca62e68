"""Sign-in throttling per address as well as per name and address, and overlong names.

The probe spread 80 failures over 20 names from one address and was never slowed.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from cases.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def fail(client, username: str, address: str) -> int:
    response = client.post(
        reverse("login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=address
    )
    return response.status_code


def test_failures_spread_over_many_names_lock_the_address(personas, client):
    limit = settings.HARBOR_ADDRESS_FAILURE_LIMIT
    # Fewer failures per name than the per-name limit, so only the address count can lock.
    per_name = settings.HARBOR_NAME_FAILURE_LIMIT - 1
    statuses = [fail(client, f"guess{i // per_name}", "10.1.1.1") for i in range(limit - 1)]
    assert set(statuses) == {200}
    # The failure that reaches the limit is answered with the lock-out page.
    assert fail(client, "another-guess", "10.1.1.1") == 429
    # Even the right password for a real account is refused from that address meanwhile...
    response = client.post(
        reverse("login"),
        {"username": "clinician", "password": PASSWORD},
        REMOTE_ADDR="10.1.1.1",
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but not from another workstation.
    response = client.post(
        reverse("login"),
        {"username": "clinician", "password": PASSWORD},
        REMOTE_ADDR="10.1.1.2",
    )
    assert response.status_code == 302


def test_one_name_is_still_locked_after_the_per_name_limit(personas, client):
    for _ in range(settings.HARBOR_NAME_FAILURE_LIMIT - 1):
        assert fail(client, "clinician", "10.2.2.2") == 200
    assert fail(client, "clinician", "10.2.2.2") == 429
    response = client.post(
        reverse("login"), {"username": "clinician", "password": PASSWORD}, REMOTE_ADDR="10.2.2.2"
    )
    assert response.status_code == 429
    # Other people at that workstation can still sign in.
    response = client.post(
        reverse("login"), {"username": "supervisor", "password": PASSWORD}, REMOTE_ADDR="10.2.2.2"
    )
    assert response.status_code == 302


@pytest.mark.parametrize("page", ["login", "admin:login"])
@pytest.mark.parametrize("length", [151, 256, 10_000])
def test_an_overlong_name_is_refused_with_a_message_and_audited(personas, client, length, page):
    response = client.post(reverse(page), {"username": "n" * length, "password": "whatever"})
    assert response.status_code == 400
    assert "User names have at most 150 characters." in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SIGN_IN_FAILED)
    assert entry.username == "n" * 150
    assert entry.detail == {"refused": "name_too_long"}
