from django.apps import AppConfig
from django.core.signals import request_started
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    name = "gonghui.calendar"
    verbose_name = _("Working-day calendar")

    def ready(self):
        from gonghui.calendar import holidays, workdays

        # Seeded from chinesecalendar after every migrate (a flushed test database too);
        # each request checks once whether an administrator edited it.
        post_migrate.connect(holidays.seed_from_library, sender=self)
        request_started.connect(workdays.invalidate, dispatch_uid="gonghui.workdays")
