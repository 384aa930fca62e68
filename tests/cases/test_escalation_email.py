"""The optional neutral e-mail on a new escalation: off by default, never a detail of the case.

(pytest-django sends mail to the locmem outbox.)
"""

from __future__ import annotations

import warnings

from django.core import mail
from django.utils.deprecation import RemovedInDjango2028Warning

from cases import actions
from cases.models import Case
from tests.conftest import Personas


def test_off_by_default(
    personas: Personas, case: Case, settings, django_capture_on_commit_callbacks
) -> None:
    personas.supervisor.email = "sup@example.org"
    personas.supervisor.save()
    with django_capture_on_commit_callbacks(execute=True):
        actions.escalate_case(case, reason="Bay 4 frightened", to=None, by=personas.clinician)
    assert mail.outbox == []


def test_neutral_notice_once_per_new_escalation(
    personas: Personas, case: Case, settings, django_capture_on_commit_callbacks
) -> None:
    settings.HARBOR_ESCALATION_EMAIL = True
    personas.supervisor.email = "sup@example.org"
    personas.supervisor.save()
    personas.clinician.email = "clin@example.org"
    personas.clinician.save()
    with warnings.catch_warnings():
        # Sent through settings.MAILERS: Django's deprecation of the old mail settings is silent.
        warnings.simplefilter("error", RemovedInDjango2028Warning)
        with django_capture_on_commit_callbacks(execute=True):
            actions.escalate_case(case, reason="Bay 4 frightened", to=None, by=personas.clinician)
        with django_capture_on_commit_callbacks(execute=True):
            actions.escalate_case(case, reason="Second alarm", to=None, by=personas.clinician)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sup@example.org"]
    assert message.subject == "A case needs your review in Harbor"
    text = message.subject + message.body
    for detail in (case.ref, "Bay 4", "frightened", "Emergency"):
        assert detail not in text


def test_a_mail_server_down_does_not_break_the_escalation(
    personas: Personas, case: Case, settings, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from cases import notify

    def refuse(*args: object, **kwargs: object) -> int:
        raise OSError("connection refused")

    settings.HARBOR_ESCALATION_EMAIL = True
    personas.supervisor.email = "sup@example.org"
    personas.supervisor.save()
    monkeypatch.setattr(notify, "send_messages", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        actions.escalate_case(case, reason="Frightened", to=None, by=personas.clinician)
    case.refresh_from_db()
    assert case.is_escalated
