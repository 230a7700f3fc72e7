"""gonghui export members FILE.xlsx|FILE.csv [--filter key=value ...] [--user NAME]
[--reveal-reason TEXT]"""

import shutil
from pathlib import Path
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gonghui.core.context import request_context
from gonghui.core.management.actors import command_actor
from gonghui.jobs import exporting, registry, runner
from gonghui.jobs.management.progress import Bar
from gonghui.jobs.models import Job


class Command(BaseCommand):
    help = "Export a list (as the web list filters it) to xlsx or csv; numbers masked."

    def add_arguments(self, parser):
        parser.add_argument("subject", choices=registry.exporters())
        parser.add_argument("file", type=Path, help="where to write; .xlsx or .csv")
        parser.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="as in the list's address, e.g. union=5101040000 status=active q=zsf",
        )
        parser.add_argument("--user", help="export as this user (their scope applies)")
        parser.add_argument(
            "--reveal-reason",
            default="",
            help="whole ID-card and phone numbers, for a user with the permission; logged",
        )

    def handle(self, subject, file, filter, user, reveal_reason, **options):
        fmt = file.suffix.lower().lstrip(".")
        actor = command_actor(user)
        pairs = [tuple(item.split("=", 1)) for item in filter]
        if any(len(p) != 2 for p in pairs):
            raise CommandError(_("Give filters as key=value."))
        options = {"query": urlencode(pairs), "format": fmt, "reveal": bool(reveal_reason),
                   "reveal_reason": reveal_reason}  # fmt: skip
        try:
            options = exporting.check_options(actor, options, registry.exporter(subject))
        except (ValidationError, PermissionDenied) as e:
            raise CommandError(" ".join(getattr(e, "messages", [str(e)]))) from None
        bar = Bar(self.stderr._out)
        with request_context(via="cli"):
            job = runner.start(actor, Job.Kind.EXPORT, subject, options, file_name=file.name,
                             run_now=True)  # fmt: skip
            job = runner.run_limited(job, listener=bar)
        bar(job.done, job.total or job.done, final=True)
        self.stderr.write("")
        if job.status != Job.Status.SUCCEEDED:
            raise CommandError(job.message)
        shutil.move(runner.result_file(job), file)
        self.stdout.write(
            _("%(count)d rows written to %(file)s")
            % {"count": job.result["exported"], "file": file}
        )
