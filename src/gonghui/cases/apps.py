from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "gonghui.cases"
    verbose_name = _("Rights protection and 12351 cases")

    def ready(self):
        from gonghui.cases import closing, todos
        from gonghui.cases.exporters import CaseExporter
        from gonghui.jobs import registry
        from gonghui.unions import closing as union_closing
        from gonghui.unions import moving

        registry.register_exporter("cases", CaseExporter)
        union_closing.register("cases", closing.hand_over, holds=closing.holds, order=30)
        moving.register("cases", closing.follow_move)
        todos.register_todos()
