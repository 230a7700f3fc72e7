from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "gonghui.regions"
    verbose_name = _("Administrative divisions")

    def ready(self):
        from gonghui.lib import identity
        from gonghui.regions.models import Region

        def division_codes():
            # Every county-level code or above, current or retired: the ID number's prefix.
            return Region.objects.exclude(level=Region.Level.TOWNSHIP).values_list(
                "code", flat=True
            )

        identity.set_region_prefix_source(division_codes)
