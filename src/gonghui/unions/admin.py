from django.contrib import admin

from gonghui.core.admin import ReadOnlyAdmin
from gonghui.unions.models import Employer, TradeUnion


@admin.register(TradeUnion)
class TradeUnionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "region", "status")
    list_filter = ("kind", "status")
    search_fields = ("code", "name")
    list_select_related = ("region",)


@admin.register(Employer)
class EmployerAdmin(ReadOnlyAdmin):
    list_display = ("name", "uscc", "industry", "employee_count", "covering_union")
    list_filter = ("industry",)
    search_fields = ("name", "uscc")
    list_select_related = ("covering_union",)
