from django.contrib import admin

from gonghui.core.admin import ReadOnlyAdmin
from gonghui.regions.models import Region


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("code", "full_name", "level", "valid_from", "valid_to")
    list_filter = ("level",)
    search_fields = ("code", "full_name")
