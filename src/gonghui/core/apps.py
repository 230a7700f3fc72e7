from django.apps import AppConfig
from django.core.signals import request_started
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gonghui.core"
    verbose_name = _("Core")

    def ready(self):
        # signals: login auditing
        from gonghui.core import audit_guard, holidays, signals, throttling, workdays  # noqa: F401

        # The audit table's triggers again after every migrate: SQLite loses them whenever
        # a migration rebuilds the table.
        post_migrate.connect(audit_guard.reprotect, sender=self)

        # The working-day calendar: seeded from chinesecalendar after every migrate (a
        # flushed test database too); each request checks once whether it was edited.
        post_migrate.connect(holidays.seed_from_library, sender=self)
        # The shared throttle counts' table (a database cache): made with the schema.
        post_migrate.connect(throttling.create_cache_tables, sender=self)
        request_started.connect(workdays.invalidate, dispatch_uid="gonghui.workdays")
