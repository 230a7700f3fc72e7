"""How long job files are kept (DESIGN rule 2): an upload goes when its job ends, and
reports and exports expire after GONGHUI_FILE_RETENTION_DAYS (`purge`, run by
`gonghui purge` and by `gonghui serve` by itself every PURGE_INTERVAL). And jobs that died
with their worker (`fail_dead_jobs`, which `gonghui serve` runs at start and every
GONGHUI_JOB_HEARTBEAT_SECONDS) end failed, their leftovers removed."""

import logging
import shutil
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.jobs import importing
from gonghui.jobs.models import Job
from gonghui.jobs.runner import cleanup, input_path

log = logging.getLogger(__name__)

PURGE_INTERVAL = 3600  # seconds between the worker's own purges


def fail_dead_jobs(now=None):
    """Jobs still "running" whose heartbeat is older than GONGHUI_JOB_HEARTBEAT_SECONDS, or
    that ran past the job time limit, died with their process (the worker beats for a live
    one, and its limits would have ended it): they end as failed with the reason, and
    their scratch tables, upload and half-written file go. Nothing of such a job was
    written: its records go in one transaction, which died with it. The jobs failed."""
    now = now or timezone.now()
    minutes = settings.GONGHUI_JOB_TIMEOUT_MINUTES or 24 * 60
    silent = now - timedelta(seconds=settings.GONGHUI_JOB_HEARTBEAT_SECONDS)
    dead = Job.objects.filter(status=Job.Status.RUNNING).filter(
        Q(heartbeat_at__lt=silent)
        | Q(heartbeat_at__isnull=True, started_at__lt=silent)
        | Q(started_at__lt=now - timedelta(minutes=minutes + 5))
    )
    failed = []
    for job in dead:
        # Each one by itself, and only if it is still running: a job may end meanwhile.
        if Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
            status=Job.Status.FAILED,
            finished_at=now,
            message=_(
                "The worker stopped while running this job; nothing of it was written. "
                "Start it again."
            ),
        ):
            log.warning("job %s died with its worker: marked failed", job.pk)
            cleanup(job)
            failed.append(job)
    return failed


def purge(now=None):
    """Delete what must not be kept: uploads of ended jobs, reports and exports of jobs that
    ended more than GONGHUI_FILE_RETENTION_DAYS ago (their page then says so), stage tables
    of jobs that died. Returns (files deleted, stage tables dropped)."""
    now = now or timezone.now()
    fail_dead_jobs(now)
    cutoff = now - timedelta(days=settings.GONGHUI_FILE_RETENTION_DAYS)
    deleted = 0
    for job in Job.objects.filter(status__in=Job.ENDED):
        if not job.folder.exists():
            continue
        if job.finished_at and job.finished_at < cutoff:
            deleted += sum(1 for p in job.folder.iterdir() if p.is_file())
            shutil.rmtree(job.folder, ignore_errors=True)
            if job.result.get("report") or job.result.get("file"):
                job.result = {**job.result, "expired": True}
                job.save(update_fields=["result"])
        elif input_path(job).exists():
            input_path(job).unlink(missing_ok=True)
            deleted += 1
    dropped = importing.sweep_stage_tables()
    if deleted or dropped:
        log.info("purge: %d job files deleted, %d stage tables dropped", deleted, dropped)
    return deleted, dropped
