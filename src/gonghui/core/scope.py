"""Data scope (DESIGN rule 1): a user sees and changes only their union's subtree.

Unions carry a materialised path of ids ("/1/23/456/"), so "in the subtree of
union U" is `path startswith U.path`, one indexed range scan at any depth.
Every model that reaches a user has a queryset with `visible_to(user)`;
services call `require_visible` before they change anything.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

ALL = "/"  # the scope path of a platform administrator: every path starts with it


class OutOfScope(Http404):
    """Raised for records outside the actor's subtree: answered as 404, never 403."""


def scope_path(user):
    """The path prefix a user may see, or None when they may see nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_platform_admin:
        return ALL
    return user.union.path if user.union_id else None


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to narrow itself to a union subtree.

    Subclasses name the union path(s) that place a row in a subtree.
    """

    scope_paths: tuple[str, ...] = ()

    def in_subtree(self, path):
        if path == ALL:
            return self
        q = models.Q()
        for lookup in self.scope_paths:
            q |= models.Q(**{f"{lookup}__startswith": path})
        return self.filter(q)

    def visible_to(self, user):
        path = scope_path(user)
        return self.none() if path is None else self.in_subtree(path)


def require_visible(user, obj):
    """Raise OutOfScope unless `obj` lies in the user's subtree."""
    if obj is None or not type(obj).objects.visible_to(user).filter(pk=obj.pk).exists():
        raise OutOfScope(_("No such record."))
    return obj


def require_editor(user):
    """Raise PermissionDenied unless the user's role may change registry records."""
    if not getattr(user, "can_edit", False):
        raise PermissionDenied(_("Your role may view but not change records."))


class SystemActor:
    """The actor of changes no person makes: the command line run without `--user`, work
    the platform does by itself. It sees every union and may change records, holds no
    permission (so it reveals no whole number), and is written in the audit trail by name.
    It is not a user row: services store `actor.pk`, which is None."""

    pk = id = union = union_id = None
    username = "system"
    is_active = is_authenticated = is_platform_admin = can_edit = True
    is_anonymous = is_staff = is_superuser = can_manage_users = requires_two_factor = False

    def get_username(self):
        return self.username

    def has_perm(self, perm, obj=None):
        return False

    def has_perms(self, perms, obj=None):
        return False

    def __str__(self):
        return self.username

    def __bool__(self):
        return True


SYSTEM = SystemActor()


def actor_or_system(user):
    """The user a job or command runs as, or SYSTEM when none was named."""
    return user if user is not None else SYSTEM
