from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "gonghui.jobs"
    verbose_name = _("Jobs")

    def ready(self):
        # Each registers the kind of job it runs ("import", "export") in jobs/registry.py.
        from gonghui.jobs import todos

        todos.register_todos()
