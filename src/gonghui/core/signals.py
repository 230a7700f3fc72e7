"""Logins, logouts and failed logins go to the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from gonghui.core import audit
from gonghui.core.models import AuditEvent


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit.record(AuditEvent.Action.LOGIN, actor=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditEvent.Action.LOGOUT, actor=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    audit.record(AuditEvent.Action.LOGIN_FAILED, actor_name=credentials.get("username", "")[:150])
