from django.contrib import admin

from gonghui.core.admin_site import ReadOnlyAdmin
from gonghui.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_name", "action", "object_repr", "ip", "via", "request_id")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    list_filter = ("action", "via")
    search_fields = ("actor_name", "object_repr", "request_id")
    date_hierarchy = "at"
