"""How long job files are kept (DESIGN rule 2): an upload goes when its job ends, and
reports and exports expire after GONGHUI_FILE_RETENTION_DAYS (`purge`, run by
`gonghui purge` and by `gonghui serve` by itself every PURGE_INTERVAL)."""

import logging
import shutil
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from gonghui.jobs import importing
from gonghui.jobs.models import Job
from gonghui.jobs.runner import input_path

log = logging.getLogger(__name__)

PURGE_INTERVAL = 3600  # seconds between the worker's own purges


def purge(now=None):
    """Delete what must not be kept: uploads of ended jobs, reports and exports of jobs that
    ended more than GONGHUI_FILE_RETENTION_DAYS ago (their page then says so), stage tables
    of jobs that died. Returns (files deleted, stage tables dropped)."""
    now = now or timezone.now()
    importing.fail_dead_jobs(now)
    cutoff = now - timedelta(days=settings.GONGHUI_FILE_RETENTION_DAYS)
    deleted = 0
    for job in Job.objects.filter(status__in=[Job.Status.SUCCEEDED, Job.Status.FAILED]):
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
