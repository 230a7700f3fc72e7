import datetime
import hashlib
import json

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, obj):
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        return self.filter(content_type=ct, object_id=obj.pk)


class AuditEvent(models.Model):
    """One change of state or security event: who, when, what (before → after), from where."""

    class Action(models.TextChoices):
        # Verbs, not states: "merge" the action reads apart from "merged" the status.
        CREATE = "create", _("create")
        UPDATE = "update", _("edit")
        MOVE = "move", _("move")
        MERGE = "merge", _("merge")
        DISSOLVE = "dissolve", _("dissolve")
        ABSORB = "absorb", _("take over")
        LOGIN = "login", _("log in")
        LOGIN_FAILED = "login_failed", _("failed login")
        LOGOUT = "logout", _("log out")
        IMPORT = "import", _("import")
        EXPORT = "export", _("export")
        DOWNLOAD = "download", _("download")  # a file with personal data leaves the platform
        DELETE = "delete", _("delete")
        PURGE = "purge", _("purge")

    # Set by whoever writes the event (the demo dates its history); rows are never updated.
    at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        # The database refuses any UPDATE of an event, so deleting a user cannot null this:
        # the id stays as it was (no constraint) and actor_name names them.
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Kept as text so the trail survives the user's deletion and names failed-login attempts.
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.BigIntegerField(null=True, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    request_id = models.CharField(_("request id"), max_length=32, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    via = models.CharField(_("channel"), max_length=10, blank=True)
    # The hash chain (core/audit.py writes, `gonghui audit verify` checks): each row carries
    # the hash of the row before it, so an edited or deleted row breaks the chain.
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="audit_object")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()}"

    def canonical(self):
        """The row's content as one stable text, the same before and after a round trip
        through either database (keys sorted, time in UTC to the microsecond)."""
        ip = self._meta.get_field("ip").get_prep_value(self.ip)
        content = [
            self.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            self.actor_id,
            self.actor_name,
            self.action,
            self.content_type_id,
            self.object_id,
            self.object_repr,
            self.changes,
            self.note,
            self.request_id,
            ip,
            self.via,
        ]
        return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def compute_hash(self, prev_hash):
        return hashlib.sha256(f"{prev_hash}\n{self.canonical()}".encode()).hexdigest()
