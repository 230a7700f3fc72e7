"""gonghui purge: delete job files past their retention and stage tables of dead imports."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from gonghui.jobs import retention


class Command(BaseCommand):
    help = (
        "Delete uploads of ended jobs, exports and error reports older than "
        "GONGHUI_FILE_RETENTION_DAYS, and the stage tables of imports that died."
    )

    def handle(self, *args, **options):
        deleted, dropped = retention.purge()
        self.stdout.write(
            _("%(files)d job files deleted, %(tables)d stage tables dropped.")
            % {"files": deleted, "tables": dropped}
        )
