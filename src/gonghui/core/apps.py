from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gonghui.core"
    verbose_name = _("Core")

    def ready(self):
        # signals: login auditing
        from gonghui.core import audit_guard, signals, throttling  # noqa: F401

        # The audit table's triggers again after every migrate: SQLite loses them whenever
        # a migration rebuilds the table.
        post_migrate.connect(audit_guard.reprotect, sender=self)

        # The shared throttle counts' table (a database cache): made with the schema.
        post_migrate.connect(throttling.create_cache_tables, sender=self)
