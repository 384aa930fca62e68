"""Sign-in, failed sign-in and sign-out go into the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from cases import audit
from cases.models import AuditEntry


@receiver(user_logged_in)
def audit_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(AuditEntry.Action.SIGN_IN, user=user)


@receiver(user_login_failed)
def audit_failed_sign_in(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # Only the name typed is kept; never the password.
    audit.record(
        AuditEntry.Action.SIGN_IN_FAILED,
        user=None,
        username=str(credentials.get("username", ""))[:150],
    )


@receiver(user_logged_out)
def audit_sign_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    reason = getattr(request, "harbor_sign_out_reason", None)
    audit.record(reason or AuditEntry.Action.SIGN_OUT, user=user)
