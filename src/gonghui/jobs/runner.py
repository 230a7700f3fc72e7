"""Long work (imports, exports) as jobs: a Job row the pages poll, run in the background
by django-tasks' database backend (`gonghui db_worker`; `gonghui serve` starts and watches
one worker per queue), or in the foreground by the CLI. A job survives a page reload: its
state lives in the row. What each kind of job does comes from jobs/registry.py.
"""

import logging
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from gonghui.core import audit, files
from gonghui.core.context import request_context
from gonghui.core.models import AuditEvent
from gonghui.jobs import limits, registry
from gonghui.jobs.models import Job

log = logging.getLogger(__name__)


class JobRefused(Exception):
    """The job cannot be done as asked; `message` tells the user why."""

    def __init__(self, message, result=None):
        super().__init__(message)
        self.message = message
        self.result = result or {}


class JobCancelled(Exception):
    """Its user cancelled the job: raised at its next progress, so that whatever it was
    writing is rolled back (an atomic block it is in, a merge on another connection)."""


class Progress:
    """Counts rows done; writes them to the job row at most twice a second (the page
    polls it) with the job's heartbeat, and tells an optional listener (the CLI's progress
    bar) every time, and `on_error` of each bad row (the CLI prints them). The same write
    finds out whether the job was cancelled: it then raises JobCancelled."""

    INTERVAL = 0.5

    def __init__(self, job, listener=None, on_error=None):
        self.job, self.listener, self.on_error = job, listener, on_error
        self.done, self.total, self._written = 0, job.total, 0.0

    def set_total(self, total):
        self.total = total
        self._write(total=total)
        if self.listener:
            self.listener(self.done, self.total)

    def advance(self, rows):
        self.done += rows
        now = time.monotonic()
        if now - self._written >= self.INTERVAL:
            self._written = now
            self._write(done=self.done)
        if self.listener:
            self.listener(self.done, self.total)

    def check(self):
        """Raise JobCancelled if the job's user has asked to stop it (for the work's steps
        that report no rows: before and inside the transaction that writes the records)."""
        self._write()

    def _write(self, **fields):
        # One statement: the update matches no row once a cancel has been asked for.
        written = Job.objects.filter(pk=self.job.pk, cancel_requested=False).update(
            heartbeat_at=timezone.now(), **fields
        )
        if not written:
            raise JobCancelled

    def report(self, row_errors):
        if self.on_error:
            self.on_error(row_errors)


def start(user, kind, subject, options, upload=None, file_name="", run_now=False):
    """Create a job (saving the uploaded file into its folder) and queue it once the
    transaction commits; `run_now` runs it here instead (the CLI)."""
    job = Job.objects.create(
        kind=kind,
        subject=subject,
        user=user if user and user.pk else None,
        file_name=(file_name or getattr(upload, "name", ""))[:200],
        options=options,
    )
    if upload is not None:
        with open(files.private_file(input_path(job)), "wb") as out:
            for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(upload):
                out.write(chunk)
    if not run_now:
        queue = registry.kind(kind).queue
        transaction.on_commit(lambda: run_job.using(queue_name=queue).enqueue(job.pk))
    return job


def cancel(user, job):
    """Stop `user`'s own job: a queued one ends now and never starts; a running one is
    asked to stop and ends cancelled at its next progress, nothing of it written. Audited.
    A job that has ended cannot be cancelled (ValidationError)."""
    with transaction.atomic():  # the change and its audit event, or neither
        stopped = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
            status=Job.Status.CANCELLED,
            cancel_requested=True,
            finished_at=timezone.now(),
            message=_("Cancelled before it started."),
        )
        if not stopped:
            asked = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
                cancel_requested=True
            )
            if not asked:
                raise ValidationError(_("The job has ended; there is nothing to cancel."), "ended")
        job.refresh_from_db()
        audit.record(
            AuditEvent.Action.UPDATE,
            job,
            actor=user,
            note=_("cancelled job %(id)s (%(file)s)") % {"id": job.pk, "file": job.file_name},
        )
    if stopped:
        cleanup(job)
    return job


def cleanup(job):
    """What a job that did not succeed leaves behind (its kind knows: scratch tables, the
    upload, a half-written file)."""
    clean = registry.kind(job.kind).cleanup
    if clean:
        clean(job)


def input_path(job):
    suffix = "".join(
        c for c in (job.file_name.rsplit(".", 1)[-1:] or [""])[0].lower() if c.isalnum()
    )
    return job.folder / f"input.{suffix or 'bin'}"


# What the numbers of a job's result are, as the job page shows them.
RESULT_LABELS = {
    "rows": gettext_lazy("rows read"),
    "invalid": gettext_lazy("rows with errors"),
    "notes": gettext_lazy("note rows left out"),
    "sheets": gettext_lazy("sheets read"),
    "unknown_columns": gettext_lazy("columns left out"),
    "persons_created": gettext_lazy("persons created"),
    "memberships_created": gettext_lazy("memberships created"),
    "unchanged": gettext_lazy("already members, left as they were"),
    "created": gettext_lazy("created"),
    "unions_created": gettext_lazy("unions created"),
    "employers_created": gettext_lazy("employers created"),
    "already_registered": gettext_lazy("already registered, left as they were"),
    "exported": gettext_lazy("rows exported"),
}


def result_rows(job):
    """(label, value) of a job's result for its page; lists joined, files left out."""
    rows = []
    for key, value in job.result.items():
        if key in ("report", "file", "errors", "expired"):
            continue
        if isinstance(value, list):
            value = "、".join(str(v) for v in value) or "—"
        rows.append((RESULT_LABELS.get(key, key), value))
    return rows


def template_folder():
    return files.private_folder(Path(settings.DATA_DIR) / "templates")


def result_file(job):
    """The file a finished job offers: an import's error report, an export's output."""
    name = job.result.get("report") or job.result.get("file")
    path = job.folder / name if name else None
    return path if path and path.is_file() else None


def download(request, job):
    """The job's file as a download, logged: an error report and an export hold personal
    data (who, which job, when and from where, by the audit event's own fields)."""
    path = result_file(job)
    if path is None:
        raise Http404
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=download_name(job))
    audit.record(
        AuditEvent.Action.DOWNLOAD,
        job,
        actor=request.user,
        note=_("downloaded %(file)s (job %(id)s)") % {"file": download_name(job), "id": job.pk},
    )
    return response


def download_name(job):
    stem = Path(job.file_name).stem or job.subject
    if job.kind == Job.Kind.IMPORT:
        return _("%(file)s - error report.xlsx") % {"file": stem}
    return job.file_name


def export_file_name(subject, fmt):
    """What an export is called when downloaded: 会员名册-20261123.xlsx."""
    title = registry.exporter(subject).title
    return f"{title}-{timezone.localdate():%Y%m%d}.{fmt}"


def work(job, progress):
    """Do the job's work by its kind's registered function: a result dict, or JobRefused
    when the input is wrong (a message the user reads; the job ends "not done")."""
    return registry.kind(job.kind).run(job, progress)


@task()
def run_job(job_id):
    """The background task: run one queued job, under the job limits."""
    job = Job.objects.get(pk=job_id)
    if job.status == Job.Status.QUEUED:
        with request_context(via="job"):
            run_limited(job)


def run_limited(job, listener=None, on_error=None):
    """`run` in a child process with GONGHUI_JOB_MEMORY_MB and GONGHUI_JOB_TIMEOUT_MINUTES
    (see jobs/limits.py); a job that exceeds one fails with the limit named, and its
    scratch tables and upload go with it. In-process when isolation is off."""
    if not settings.GONGHUI_JOB_ISOLATION:
        return run(job, listener, on_error)

    def beat():
        # The worker's own sign of life for the job, however long a step of it takes
        # without reporting rows (a merge in one statement): a job row that stops beating
        # died with its worker (retention.fail_dead_jobs).
        Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(heartbeat_at=timezone.now())

    memory, minutes = settings.GONGHUI_JOB_MEMORY_MB, settings.GONGHUI_JOB_TIMEOUT_MINUTES
    outcome = limits.run_isolated(
        run, (job, listener, on_error), memory, minutes * 60, beat=beat, beat_every=beat_seconds()
    )
    job.refresh_from_db()
    if not job.finished:  # the child ended without finishing it: it died
        if outcome == limits.MEMORY:
            message = over_memory()
        elif outcome == limits.TIMEOUT:
            message = _(
                "The job went over the time limit of %(limit)d minutes and was stopped."
            ) % {"limit": minutes}
        else:
            message = _(
                "The job's process ended unexpectedly (perhaps at the memory limit of %(limit)d "
                "MB)."
            ) % {"limit": memory}
        job.status, job.finished_at, job.message = Job.Status.FAILED, timezone.now(), message
        job.save(update_fields=["status", "message", "finished_at"])
        cleanup(job)
    return job


def beat_seconds():
    """How often a running job's worker writes its heartbeat: a few times within
    GONGHUI_JOB_HEARTBEAT_SECONDS, after which a silent job counts as dead."""
    return max(0.5, settings.GONGHUI_JOB_HEARTBEAT_SECONDS / 4)


def over_memory():
    return _("The job went over the memory limit of %(limit)d MB and was stopped.") % {
        "limit": settings.GONGHUI_JOB_MEMORY_MB
    }


def run(job, listener=None, on_error=None):
    """Run a job to its end: succeeded with a result, or failed with a message."""
    now = timezone.now()
    # Only a queued job starts: one cancelled while it waited stays as it is.
    started = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    job.refresh_from_db()
    if not started:
        return job
    progress = Progress(job, listener, on_error)
    try:
        result = work(job, progress)
        job.status, job.result, job.message = Job.Status.SUCCEEDED, result, ""
    except JobCancelled:
        log.info("job %s cancelled by its user", job.pk)
        job.status, job.result = Job.Status.CANCELLED, {}
        job.message = _("Cancelled while it ran; nothing of it was written.")
    except JobRefused as e:
        job.status, job.result, job.message = Job.Status.FAILED, e.result, e.message
    except MemoryError:
        log.error("job %s went over the memory limit", job.pk)
        job.status = Job.Status.FAILED
        job.message = over_memory()
    except Exception:
        log.exception("job %s failed", job.pk)
        job.status = Job.Status.FAILED
        job.message = _(
            "Internal error; it has been logged. Tell your administrator job %(id)s."
        ) % {"id": job.pk}
    job.done, job.finished_at = progress.done, timezone.now()
    job.save(update_fields=["status", "result", "message", "done", "finished_at"])
    if job.status == Job.Status.CANCELLED:
        cleanup(job)
    if job.kind == Job.Kind.IMPORT:
        # The upload holds ID numbers in clear: keep it no longer than the work needs.
        input_path(job).unlink(missing_ok=True)
    return job
