from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "gonghui.assistance"
    verbose_name = _("Hardship assistance")

    def ready(self):
        from gonghui.assistance import closing, todos
        from gonghui.unions import closing as union_closing

        union_closing.register(
            "assistance",
            closing.hand_over,
            holds=closing.holds,
            conflicts=closing.conflicts,
            order=20,
        )
        todos.register_todos()
