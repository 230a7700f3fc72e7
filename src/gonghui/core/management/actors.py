"""Who a command acts as: the user named by `--user`, or SYSTEM (core/scope.py)."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from gonghui.core.scope import SYSTEM


def command_actor(username):
    """The active user called `username`, SYSTEM when none is named; a CommandError when
    there is no such active user."""
    if not username:
        return SYSTEM
    actor = get_user_model().objects.filter(username=username, is_active=True).first()
    if actor is None:
        raise CommandError(_("No active user %(name)s.") % {"name": username})
    return actor
