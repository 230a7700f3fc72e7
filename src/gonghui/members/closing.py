"""A closing union's members (registered with unions/closing.py by members/apps.py)."""

from django.utils.translation import gettext as _

from gonghui.members.models import Membership
from gonghui.members.services import move_members


def hand_over(actor, union, successor):
    move_members(actor, union, successor)


def holds(union):
    """Current members cannot be left in a union that no longer exists."""
    members = Membership.objects.current().filter(union=union).count()
    if not members:
        return None
    return _("%(name)s still has %(n)d members: name a successor to take them over.") % {
        "name": union.name,
        "n": members,
    }
