from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def import_job_field():
    """The import that created a record, so its history can say where it came from
    (core/timeline.py shows the import's event)."""
    return models.ForeignKey(
        "jobs.Job",
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
        # Not "已作废" as a record is cancelled elsewhere: a job is stopped, 已取消.
        CANCELLED = "cancelled", pgettext_lazy("job status", "cancelled")

    # The statuses a job ends in; it never leaves one of them.
    ENDED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

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
    # When its owner first opened the finished job: the home page's to-do counts the unseen.
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)
    # Written while the job runs (with its progress, and by the worker every few seconds):
    # a running job whose heartbeat stops died with its worker (retention.fail_dead_jobs).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    # Its user asked to stop it; the running job sees this at its next progress and ends
    # cancelled, its transaction rolled back (runner.cancel, runner.Progress).
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)

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
        return self.status in self.ENDED
