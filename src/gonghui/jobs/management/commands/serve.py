import logging
import os
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from gonghui.jobs import registry, retention
from gonghui.jobs.supervisor import Service, Supervisor

log = logging.getLogger(__name__)


def worker_command(queue):
    """The worker of one queue: `gonghui db_worker` taking only that queue's jobs."""
    return [sys.executable, "-m", "gonghui.cli", "db_worker", "--no-startup-delay",
            "--no-reload", "--queue-name", queue]  # fmt: skip


class Command(BaseCommand):
    help = (
        "Run the production web server (gunicorn, static files served by the platform) and "
        "a worker per job queue, restarted by itself when one dies."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("GONGHUI_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("GONGHUI_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 9))),
        )
        parser.add_argument(
            "--no-jobs", action="store_true", help="do not start the background job workers"
        )
        parser.add_argument(
            "--no-web",
            action="store_true",
            help="only the job workers (e.g. on a second machine); Ctrl-C stops them",
        )

    def handle(self, *args, host, port, workers, no_jobs, no_web, **options):
        services = []
        if not no_web:
            # The manifest storage needs collected files before it can serve a page.
            call_command("collectstatic", interactive=False, verbosity=0)
            # The throttle counts shared by the web processes live in a table.
            call_command("createcachetable", verbosity=0)
            self.stdout.write(
                f"serving on http://{host}:{port}/ with {workers} workers (Ctrl-C stops)"
            )
            web = [
                sys.executable, "-m", "gunicorn", "gonghui.wsgi:application",
                "--bind", f"{host}:{port}",
                "--workers", str(workers),
                "--threads", "4",
                "--no-control-socket",  # gunicorn 27 would otherwise open one under ~/.gunicorn
                "--access-logfile", "-",
            ]  # fmt: skip
            # When the web server ends, the workers are stopped too.
            services.append(Service("web", web, restart=False))
        if not no_jobs:
            # Before the workers start: jobs that died with the last ones, their stage
            # tables and uploads. Then one worker per queue, so that a long import never
            # holds up a short export.
            self.purge()
            services += [Service(f"worker {q}", worker_command(q)) for q in registry.QUEUES]
        if not services:
            return
        self.stdout.write(", ".join(s.name for s in services))
        sys.stdout.flush()
        supervisor = Supervisor(services, tick=None if no_jobs else self.sweeper())
        supervisor.run()

    def sweeper(self):
        """What the supervisor does by itself: every GONGHUI_JOB_HEARTBEAT_SECONDS / 2 fail
        the jobs whose worker died, every PURGE_INTERVAL purge expired files."""
        every = max(1.0, settings.GONGHUI_JOB_HEARTBEAT_SECONDS / 2)
        swept = purged = time.monotonic()

        def tick():
            nonlocal swept, purged
            now = time.monotonic()
            if now - purged >= retention.PURGE_INTERVAL:
                self.purge()
                purged = swept = now
            elif now - swept >= every:
                self.guard(retention.fail_dead_jobs)
                swept = now

        return tick

    def purge(self):
        """Expired job files and dead imports' stage tables (`gonghui purge`), by itself."""
        self.guard(retention.purge)

    def guard(self, work):
        close_old_connections()
        try:
            work()
        except Exception:  # a sweep that fails must not stop the platform; it runs again
            log.exception("%s failed", work.__name__)
