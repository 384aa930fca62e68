"""Who the served benchmark signs in (a subprocess of `bench.served`, on the run database):
one session per clinician, made as `login()` makes it, and for each the case they work on and
the rows their autosave and checklist tick will write. Written as JSON for locust and Chromium.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import django


def main() -> None:
    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.crypto import get_random_string

    from bench import seed
    from cases.models import Case, User
    from safety.models import ChecklistItem
    from screening.models import Answer

    users: list[dict[str, Any]] = []
    clinicians = User.objects.filter(username__startswith="clinician").prefetch_related("units")
    for user in clinicians.order_by("pk"):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.set_expiry(3600)  # the run outlasts the idle lock; no person idles here
        session.create()
        # Each person on their own case of their unit (two people never race for one row).
        unit = user.units.get()  # each bench clinician works on one unit
        case = (
            Case.objects.filter(unit=unit, screenings__status="in_progress")
            .exclude(ward_label__in=[seed.BENCH_CASE_LABEL, seed.BUSY_CASE_LABEL])
            .order_by("-pk")[len([u for u in users if u["unit"] == unit.pk]) :]
            .first()
        )
        if case is None:
            continue  # a small (quick) data set has fewer open cases than people
        answer = Answer.objects.filter(screening__case=case).order_by("pk").first()
        item = ChecklistItem.objects.filter(
            checklist__case=case, checklist__slug="immediate-care", slug="screen-sti"
        ).first()
        users.append(
            {
                "username": user.username,
                "unit": unit.pk,
                "session": session.session_key,
                "csrf": get_random_string(32),
                "case": case.ref,
                "answer": answer.pk if answer else None,
                "answer_version": answer.version if answer else 0,
                "item_version": item.version if item else 0,
                "item_done": bool(item and item.status == ChecklistItem.Status.DONE),
            }
        )
    bench_case = Case.objects.get(ward_label=seed.BENCH_CASE_LABEL)
    json.dump({"users": users, "bench_case": bench_case.ref}, open(sys.argv[1], "w"))  # noqa: SIM115


if __name__ == "__main__":
    main()
