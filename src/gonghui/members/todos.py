"""The member registry's queues on the home page (core/todos.py): join applications to
review, transfers to release (out of the user's unions) and to receive (into them)."""

from django.utils.translation import gettext_lazy as _

from gonghui.core.scope import ALL, scope_path
from gonghui.core.todos import Todo, editors, register
from gonghui.members.models import JoinApplication, Transfer


def pending_applications(user):
    return JoinApplication.objects.visible_to(user).filter(status=JoinApplication.Status.PENDING)


def transfers_waiting(user, side, status):
    """Transfers whose next step is the user's: `side` is the union that acts."""
    qs = Transfer.objects.visible_to(user)
    if status is not None:
        qs = qs.filter(status=status)
    path = scope_path(user)
    if path not in (None, ALL):
        qs = qs.filter(**{f"{side}__path__startswith": path})
    return qs


def register_todos():
    register(Todo(
        "join_applications", _("join applications to review"), "members:applications",
        lambda user: pending_applications(user).count(), applies=editors, order=10,
    ))  # fmt: skip
    register(Todo(
        "transfers_to_release", _("transfers to release"), "members:transfers",
        lambda user: transfers_waiting(user, "from_union", Transfer.Status.REQUESTED).count(),
        query="box=out&state=ours", applies=editors, order=20,
    ))  # fmt: skip
    register(Todo(
        "transfers_to_receive", _("transfers to receive"), "members:transfers",
        lambda user: transfers_waiting(user, "to_union", Transfer.Status.RELEASED).count(),
        query="box=in&state=ours", applies=editors, order=21,
    ))  # fmt: skip
