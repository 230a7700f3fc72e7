from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.scope import ScopedQuerySet


class UserQuerySet(ScopedQuerySet):
    scope_paths = ("union__path",)


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `gonghui createsuperuser` makes a platform administrator, who needs no union.
        extra_fields.setdefault("role", User.Role.PLATFORM_ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who works on the platform, for one union (and so sees its subtree)."""

    class Role(models.TextChoices):
        PLATFORM_ADMIN = "platform_admin", _("platform administrator")
        UNION_ADMIN = "union_admin", _("union administrator")
        STAFF = "staff", _("union staff")
        READ_ONLY = "read_only", _("read-only")

    union = models.ForeignKey(
        "unions.TradeUnion",
        verbose_name=_("union"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.READ_ONLY)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    # Set on accounts an administrator creates or whose password they reset: the user picks
    # their own password before anything else (accounts/middleware.py).
    must_change_password = models.BooleanField(_("must change password"), default=False)

    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("reveal_id_number", _("Can see whole ID-card numbers"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(role="platform_admin") | Q(union__isnull=False),
                name="user_works_for_a_union",
            ),
        ]

    def get_full_name(self):
        # Chinese order, family name first and no space: 雷桂芳.
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def is_platform_admin(self):
        return self.role == self.Role.PLATFORM_ADMIN

    @property
    def can_edit(self):
        return self.is_active and self.role != self.Role.READ_ONLY

    @property
    def can_manage_users(self):
        return self.role in {self.Role.PLATFORM_ADMIN, self.Role.UNION_ADMIN}

    @property
    def requires_two_factor(self):
        """Whoever can see whole ID numbers or administer accounts (here or in /admin/)
        logs in with a second factor; any other user may set one up."""
        return (
            self.can_manage_users
            or self.is_staff
            or self.is_superuser
            or self.has_perm("accounts.reveal_id_number")
        )
