from django.contrib import admin

from gonghui.core.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Registry records change only through services (scope checks, audit); admin just shows."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_name", "action", "object_repr", "ip", "via", "request_id")
    list_filter = ("action", "via")
    search_fields = ("actor_name", "object_repr", "request_id")
    date_hierarchy = "at"
