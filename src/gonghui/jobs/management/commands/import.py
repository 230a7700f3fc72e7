"""gonghui import members|unions|employers FILE [--union CODE] [--skip-invalid] [--user NAME]"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gonghui.core.context import request_context
from gonghui.core.forms import upload_too_big
from gonghui.core.management.actors import command_actor
from gonghui.jobs import registry, runner
from gonghui.jobs.management.progress import Bar
from gonghui.jobs.models import Job


class Command(BaseCommand):
    help = "Import a roster (xlsx or csv): all rows or none, unless --skip-invalid."

    def add_arguments(self, parser):
        parser.add_argument("subject", choices=registry.importers())
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--union",
            help="union joined (members), parent (unions), local federation (employers)",
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="import the good rows, report the rest"
        )
        parser.add_argument(
            "--user", help="import as this user (their scope applies); default: the whole platform"
        )
        parser.add_argument("--report", type=Path, help="where to copy the error report (xlsx)")

    def handle(self, subject, file, union, skip_invalid, user, report, **options):
        if not file.is_file():
            raise CommandError(_("No such file: %(file)s") % {"file": file})
        if message := upload_too_big(file.stat().st_size):
            raise CommandError(message)
        actor = command_actor(user)
        bar = Bar(self.stderr._out if self.stderr.isatty() else sys.stderr)

        def print_row(errors):
            where = f"{errors.sheet} " if errors.sheet else ""
            for header, message in errors.messages:
                self.stdout.write(
                    _("%(where)srow %(line)d %(header)s: %(message)s")
                    % {"where": where, "line": errors.line, "header": header, "message": message}
                )

        with request_context(via="cli"), open(file, "rb") as upload:
            job = runner.start(
                actor,
                "import",
                subject,
                {"union": union or "", "skip_invalid": skip_invalid},
                upload=upload,
                file_name=file.name,
                run_now=True,
            )
            job = runner.run_limited(job, listener=bar, on_error=print_row)
        bar(job.done, job.total or job.done, final=True)
        self.stderr.write("")
        result = job.result
        if result.get("unknown_columns"):
            self.stdout.write(
                _("Columns not imported: %(names)s")
                % {"names": "、".join(result["unknown_columns"])}
            )
        if result.get("report"):
            path = job.folder / result["report"]
            if report:
                report.write_bytes(path.read_bytes())
                path = report
            self.stdout.write(_("Error report: %(path)s") % {"path": path})
        if job.status != Job.Status.SUCCEEDED:
            raise CommandError(job.message)
        counts = ", ".join(f"{k} {v}" for k, v in result.items() if isinstance(v, int))
        self.stdout.write(_("Imported: %(counts)s") % {"counts": counts})
