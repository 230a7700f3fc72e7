import datetime
import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def import_job_field():
    """The import that created a record, so its history can say where it came from
    (core/timeline.py shows the import's event)."""
    return models.ForeignKey(
        "core.Job",
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        # No foreign-key constraint in the database: only an import writes it, naming its
        # own job, and jobs are not deleted (Django would still set it to NULL if one were).
        # The constraint cost each imported row a deferred lookup of that one job row at
        # commit, ~5 s per million rows and table (bench/import.py).
        db_constraint=False,
    )


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


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A job belongs to the user who started it (a platform administrator sees all)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self if user.is_platform_admin else self.filter(user=user)


class Job(models.Model):
    """Long work run in the background (an import, an export): its progress and result,
    kept so the page can be left and found again."""

    class Kind(models.TextChoices):
        IMPORT = "import", _("import")
        EXPORT = "export", _("export")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("done")
        FAILED = "failed", _("not done")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    subject = models.CharField(_("records"), max_length=20)  # members, unions, employers
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    total = models.PositiveIntegerField(_("rows expected"), null=True, blank=True)
    done = models.PositiveIntegerField(_("rows processed"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [models.Index(fields=["user", "-created_at"], name="job_user_recent")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.subject} #{self.pk}"

    def get_absolute_url(self):
        return reverse("job", args=[self.pk])

    @property
    def folder(self):
        """Where the job keeps its files: the upload, the error report, the export."""
        return Path(settings.DATA_DIR) / "jobs" / str(self.pk)

    @property
    def finished(self):
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class CalendarYear(models.Model):
    """A year whose official arrangement of holidays and worked weekends (放假安排) is known.

    Dates in years without a row are counted Monday to Friday, and core/workdays.py says
    so. Every change touches `updated_at`, which tells each server process to reload.
    """

    class Source(models.TextChoices):
        LIBRARY = "library", _("chinesecalendar library")
        ADMINISTRATOR = "administrator", _("entered by an administrator")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    note = models.CharField(_("source document"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)

    def get_absolute_url(self):
        return reverse("calendar_year", args=[self.year])


class CalendarDay(models.Model):
    """A day the arrangement names: a holiday (weekend days inside one too) or a weekend
    day worked in lieu (调休上班). Any day not listed is a working day Monday to Friday."""

    year = models.ForeignKey(
        CalendarYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"
