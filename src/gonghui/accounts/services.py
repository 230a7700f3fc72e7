"""Accounts are managed by union administrators, for users of their own subtree."""

from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.accounts.models import User
from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.scope import require_visible
from gonghui.core.validation import Errors
from gonghui.lib.text import clean_text, compact_code
from gonghui.unions.models import TradeUnion

USER_AUDIT_FIELDS = ("username", "last_name", "first_name", "phone", "union", "role", "is_active")
# A union administrator may hand out these roles; only a platform administrator makes another.
ROLES_FOR_UNION_ADMIN = {User.Role.UNION_ADMIN, User.Role.STAFF, User.Role.READ_ONLY}


def require_manager(actor):
    if not actor.can_manage_users:
        raise PermissionDenied(_("Only administrators manage user accounts."))


def reveal_permission():
    return Permission.objects.get(content_type__app_label="accounts", codename="reveal_id_number")


def _validate(actor, data, errors, instance=None):
    values = {}
    if "username" in data:
        username = clean_text(data["username"])
        if not username:
            errors.add("username", _("This field is required."))
        elif User.objects.filter(username=username).exclude(pk=getattr(instance, "pk", None)):
            errors.add("username", _("The user name %(name)s is taken.") % {"name": username})
        values["username"] = username
    for field in ("last_name", "first_name", "phone"):
        if field in data:
            values[field] = clean_text(data[field])[:150]
    if "role" in data:
        role = data["role"]
        allowed = User.Role.values if actor.is_platform_admin else ROLES_FOR_UNION_ADMIN
        if role not in allowed:
            errors.add("role", _("You cannot give this role."))
        values["role"] = role
    if "union" in data:
        code = compact_code(data["union"].code if hasattr(data["union"], "code") else data["union"])
        union = TradeUnion.objects.visible_to(actor).active().filter(code=code).first()
        if code and union is None:
            errors.add(
                "union", _("No active union with code %(code)s in your scope.") % {"code": code}
            )
        elif not code and values.get("role", getattr(instance, "role", "")) != "platform_admin":
            errors.add("union", _("Every user works for a union."))
        values["union"] = union
    if "is_active" in data:
        values["is_active"] = bool(data["is_active"])
    return values


def _set_reveal(actor, user, allowed):
    """Grant or withdraw the right to see whole ID numbers; only holders may grant it."""
    if allowed is None or allowed == user.has_perm("accounts.reveal_id_number"):
        return {}
    if not (actor.is_platform_admin or actor.has_perm("accounts.reveal_id_number")):
        raise ValidationError(
            {"can_reveal_id_numbers": _("Only a user who holds this permission may grant it.")}
        )
    if allowed:
        user.user_permissions.add(reveal_permission())
    else:
        user.user_permissions.remove(reveal_permission())
    return {"can_reveal_id_numbers": [str(not allowed), str(allowed)]}


@transaction.atomic
def create_user(actor, data, password, can_reveal_id_numbers=False):
    require_manager(actor)
    errors = Errors()
    data = dict.fromkeys(("username", "role", "union"), "") | data
    values = _validate(actor, data, errors)
    try:
        validate_password(password, User(**{k: v for k, v in values.items() if k != "union"}))
    except ValidationError as e:
        for message in e.messages:
            errors.add("password", message)
    errors.raise_if_any()
    user = User(**values, must_change_password=True)  # the user picks their own at first login
    user.set_password(password)
    user.save()
    changes = audit.diff({}, audit.snapshot(user, USER_AUDIT_FIELDS))
    changes |= _set_reveal(actor, user, can_reveal_id_numbers or None)
    audit.record(AuditEvent.Action.CREATE, user, actor=actor, changes=changes)
    return user


@transaction.atomic
def update_user(actor, user, data, can_reveal_id_numbers=None):
    require_manager(actor)
    user = require_visible(actor, User.objects.select_for_update().get(pk=user.pk))
    if user.is_platform_admin and not actor.is_platform_admin:
        raise PermissionDenied(_("Only a platform administrator edits another one."))
    errors = Errors()
    values = _validate(actor, data, errors, instance=user)
    if user.pk == actor.pk:
        # Locking oneself out or raising one's own rights is left to the level above.
        for field in ("role", "union", "is_active"):
            if field in values and values[field] != getattr(user, field):
                errors.add(field, _("You cannot change this for yourself."))
    errors.raise_if_any()
    before = audit.snapshot(user, USER_AUDIT_FIELDS)
    for field, value in values.items():
        setattr(user, field, value)
    user.save()
    changes = audit.diff(before, audit.snapshot(user, USER_AUDIT_FIELDS))
    changes |= _set_reveal(actor, user, can_reveal_id_numbers)
    if changes:
        audit.record(AuditEvent.Action.UPDATE, user, actor=actor, changes=changes)
    return user


@transaction.atomic
def set_password(actor, user, password):
    require_manager(actor)
    user = require_visible(actor, user)
    try:
        validate_password(password, user)
    except ValidationError as e:
        raise ValidationError({"password": e.messages}) from e
    user.set_password(password)
    # A password someone else knows is changed by its user at their next login.
    user.must_change_password = user.pk != actor.pk
    user.save(update_fields=["password", "must_change_password"])
    audit.record(AuditEvent.Action.UPDATE, user, actor=actor, note=_("Password reset."))
    return user


@transaction.atomic
def change_own_password(user, old_password, password):
    """A user changes their own password (the old one confirms it is them)."""
    errors = Errors()
    if not user.check_password(old_password or ""):
        errors.add("old_password", _("The current password is wrong."))
    if not password:
        errors.add("new_password", _("This field is required."))
    elif password == old_password:
        errors.add("new_password", _("The new password must differ from the current one."))
    else:
        try:
            validate_password(password, user)
        except ValidationError as e:
            for message in e.messages:
                errors.add("new_password", message)
    errors.raise_if_any()
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit.record(AuditEvent.Action.UPDATE, user, actor=user, note=_("Changed own password."))
    return user
