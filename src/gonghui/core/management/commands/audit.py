"""gonghui audit verify | gonghui audit purge"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, audit_guard
from gonghui.core.context import request_context
from gonghui.core.models import AuditEvent


class Command(BaseCommand):
    help = (
        "The audit trail: `audit verify` checks the hash chain and names every edited or "
        "deleted row (exit status 1 if any); `audit purge` removes the events older than "
        "GONGHUI_AUDIT_RETENTION_DAYS (at least 183), the only deletion the database allows."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="check the hash chain")
        sub.add_parser("purge", help="remove events older than the retention")

    def handle(self, *args, action, **options):
        if action == "verify":
            self.verify()
        else:
            self.purge()

    def verify(self):
        problems = audit.verify()
        count = AuditEvent.objects.count()
        for pk, problem in problems:
            self.stdout.write(_("id %(id)d: %(problem)s") % {"id": pk, "problem": problem})
        if problems:
            raise CommandError(
                _("The audit trail was tampered with: %(n)d problems in %(count)d events.")
                % {"n": len(problems), "count": count},
                returncode=1,
            )
        self.stdout.write(_("The audit trail is whole: %(count)d events.") % {"count": count})

    def purge(self):
        days = max(settings.GONGHUI_AUDIT_RETENTION_DAYS, audit_guard.MIN_RETENTION_DAYS)
        before = timezone.now() - timedelta(days=days)
        with request_context(via="cli"):
            count, last = audit_guard.purge(before)
            if count:
                audit.record(
                    AuditEvent.Action.PURGE,
                    actor_name="cli",
                    changes={"through_id": ["", str(last[0])], "last_hash": ["", last[1]]},
                    note=_("%(count)d events older than %(days)d days removed.")
                    % {"count": count, "days": days},
                )
        self.stdout.write(
            _("%(count)d events older than %(days)d days removed.") % {"count": count, "days": days}
        )
