from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "gonghui.members"
    verbose_name = _("Members")

    def ready(self):
        from gonghui.jobs import registry
        from gonghui.members import closing, todos
        from gonghui.members.exporters import MemberExporter
        from gonghui.members.importers import MemberImporter
        from gonghui.unions import closing as union_closing

        registry.register_importer("members", MemberImporter)
        registry.register_exporter("members", MemberExporter)
        # Members go first on a close: hardship files follow their households.
        union_closing.register("members", closing.hand_over, holds=closing.holds, order=10)
        todos.register_todos()
