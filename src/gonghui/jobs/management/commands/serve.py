import logging
import os
import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from gonghui.jobs import retention

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run the production web server (gunicorn, static files served by the platform) and "
        "the worker that runs imports and exports in the background."
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
            "--no-jobs", action="store_true", help="do not start the background job worker"
        )

    def handle(self, *args, host, port, workers, no_jobs, **options):
        # The manifest storage needs collected files before it can serve a page.
        call_command("collectstatic", interactive=False, verbosity=0)
        # The throttle counts shared by the web processes live in a table (core/throttling.py).
        call_command("createcachetable", verbosity=0)
        self.stdout.write(f"serving on http://{host}:{port}/ with {workers} workers (Ctrl-C stops)")
        sys.stdout.flush()
        web = [
            sys.executable, "-m", "gunicorn", "gonghui.wsgi:application",
            "--bind", f"{host}:{port}",
            "--workers", str(workers),
            "--threads", "4",
            "--no-control-socket",  # gunicorn 27 would otherwise open one under ~/.gunicorn
            "--access-logfile", "-",
        ]  # fmt: skip
        worker = [sys.executable, "-m", "gonghui.cli", "db_worker", "--no-startup-delay"]
        processes = [subprocess.Popen(web)]
        if not no_jobs:
            # Before the worker starts: stage tables and uploads of jobs that died with it.
            self.purge()
            processes.append(subprocess.Popen(worker))
        purged = time.monotonic()

        def stop(signum, frame):
            for p in processes:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        # When either ends, the other is stopped too: a platform without its worker would
        # queue imports forever without saying so.
        while all(p.poll() is None for p in processes):
            try:
                processes[0].wait(timeout=1)
            except subprocess.TimeoutExpired:
                if not no_jobs and time.monotonic() - purged >= retention.PURGE_INTERVAL:
                    self.purge()
                    purged = time.monotonic()
                continue
        stop(None, None)
        for p in processes:
            p.wait(10)

    def purge(self):
        """Expired job files and dead imports' stage tables (`gonghui purge`), by itself."""
        close_old_connections()
        try:
            retention.purge()
        except Exception:  # a purge that fails must not stop the platform; it runs again
            log.exception("purge failed")
