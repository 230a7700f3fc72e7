from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnionsConfig(AppConfig):
    name = "gonghui.unions"
    verbose_name = _("Union organisations")

    def ready(self):
        from gonghui.jobs import registry
        from gonghui.unions.exporters import EmployerExporter, UnionExporter
        from gonghui.unions.importers import EmployerImporter, UnionImporter

        registry.register_importer("unions", UnionImporter)
        registry.register_importer("employers", EmployerImporter)
        registry.register_exporter("unions", UnionExporter)
        registry.register_exporter("employers", EmployerExporter)
