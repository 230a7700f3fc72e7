import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the production web server (gunicorn), static files served by the platform."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("GONGHUI_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("GONGHUI_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 9))),
        )

    def handle(self, *args, host, port, workers, **options):
        # The manifest storage needs collected files before it can serve a page.
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"serving on http://{host}:{port}/ with {workers} workers (Ctrl-C stops)")
        sys.stdout.flush()
        argv = [
            sys.executable, "-m", "gunicorn", "gonghui.wsgi:application",
            "--bind", f"{host}:{port}",
            "--workers", str(workers),
            "--threads", "4",
            "--no-control-socket",  # gunicorn 27 would otherwise open one under ~/.gunicorn
            "--access-logfile", "-",
        ]  # fmt: skip
        os.execv(sys.executable, argv)
