"""Job files at rest (DESIGN rule 2): uploads, error reports and exports hold personal
numbers, so they are readable by the platform's own user only (0600 in 0700 folders), an
upload goes when its job ends, and reports and exports expire after
GONGHUI_FILE_RETENTION_DAYS (`purge`, run by `gonghui purge` and by the worker by itself).
"""

import logging
import os
import shutil
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)

PURGE_INTERVAL = 3600  # seconds between the worker's own purges


def private_folder(path):
    """`path` made (with its parents inside the data folder) and closed to other users."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = Path(settings.DATA_DIR)
    for folder in (path, *path.parents):
        if folder == data or data in folder.parents:
            os.chmod(folder, 0o700)
        if folder == data:
            break
    return path


def private_file(path):
    """An empty file at `path` (truncating any there) that only the platform's user reads;
    writers that then open it by name keep its mode."""
    path = Path(path)
    private_folder(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # O_CREAT's mode does not apply to a file already there
    return path


def expired(job):
    return bool(job.result.get("expired"))


def purge(now=None):
    """Delete what must not be kept: uploads of ended jobs, reports and exports of jobs that
    ended more than GONGHUI_FILE_RETENTION_DAYS ago (their page then says so), stage tables
    of jobs that died. Returns (files deleted, stage tables dropped)."""
    from gonghui.core import importing
    from gonghui.core.jobs import input_path
    from gonghui.core.models import Job

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
