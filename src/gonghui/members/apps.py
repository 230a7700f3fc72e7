from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "gonghui.members"
    verbose_name = _("Members")

    def ready(self):
        from gonghui.jobs import registry
        from gonghui.members.exporters import MemberExporter
        from gonghui.members.importers import MemberImporter

        registry.register_importer("members", MemberImporter)
        registry.register_exporter("members", MemberExporter)
