"""The optional e-mail notice to supervisors on a new escalation (HARBOR_ESCALATION_EMAIL).

Mail leaves Harbor's protection, so the notice is the same neutral sentence every time: no case
reference, unit, reason or name, only that something waits in Harbor.
"""

from __future__ import annotations

import logging
from smtplib import SMTPException

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import EmailMessage, mailers
from django.utils import translation
from django.utils.translation import gettext as _

from cases.models import Facility, Role

logger = logging.getLogger(__name__)


def supervisor_addresses(facility: Facility) -> list[tuple[str, str]]:
    """Each supervisor's address, with the interface language they chose (blank: none)."""
    group = Group.objects.filter(name=Role.SUPERVISOR).first()
    if group is None:
        return []
    return list(
        facility.staff.filter(groups=group, is_active=True)
        .exclude(email="")
        .values_list("email", "language")
    )


def send_messages(messages: list[EmailMessage]) -> int:
    """Through the mailer the deployment configures (settings.MAILERS)."""
    return mailers.default.send_messages(messages) or 0


def notify_new_escalation(facility: Facility) -> int:
    if not settings.HARBOR_ESCALATION_EMAIL:
        return 0
    # One message each, so no supervisor learns the others' addresses; each in the language
    # the supervisor reads Harbor in (the site's default when they chose none), not the one of
    # the clinician who escalated.
    messages: list[EmailMessage] = []
    for address, language in supervisor_addresses(facility):
        with translation.override(language or settings.LANGUAGE_CODE):
            subject = _("A case needs your review in Harbor")
            body = _("A case needs your review in Harbor. Sign in to Harbor to see it.")
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))
    if not messages:
        return 0
    try:
        return send_messages(messages)
    except (OSError, SMTPException):
        # The escalation is already saved and shown in the queue; a mail server being down must
        # not turn the clinician's escalation into an error page.
        logger.exception("The escalation e-mail could not be sent.")
        return 0
