"""The admin site: every change made in /admin/ is an audit event with before and after.

Whatever ModelAdmin a model is registered with (ours, Django's UserAdmin, a library's),
the site mixes `AuditedAdmin` in at registration, so no model can be changed there
unaudited. The audit trail and the lockout records are shown read-only, whoever asks.
"""

import hashlib

from django.contrib import admin

from gonghui.core import audit
from gonghui.core.models import AuditEvent

# Written only by the platform itself; nobody edits or deletes them, superusers included.
READ_ONLY_MODELS = {
    "core.auditevent",
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
}
# Stored secrets: the trail shows that they changed, never the value.
SECRET_FIELDS = {"password", "key", "digest", "token_key", "bin_key"}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through services (scope checks, audit); admin just shows."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


def state(obj):
    """Every stored field (and many-to-many set) of a record as text, secrets fingerprinted."""
    values = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if field.name in SECRET_FIELDS and value:
            value = "#" + hashlib.sha256(str(value).encode()).hexdigest()[:8]
        values[field.name] = audit.display(value)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            related = getattr(obj, field.name).all()
            values[field.name] = ", ".join(sorted(str(r) for r in related))
    return values


def fresh(obj):
    return type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk is not None else None


class AuditedAdmin(admin.ModelAdmin):
    """Records each add, change and delete (bulk deletes too) with the fields before and
    after. The event is written in the admin's own transaction, so an undone change leaves
    no event."""

    def save_model(self, request, obj, form, change):
        before = fresh(obj) if change else None
        request._audit_before = state(before) if before is not None else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        changes = audit.diff(getattr(request, "_audit_before", {}), state(obj))
        if changes or not change:
            action = AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE
            audit.record(action, obj, actor=request.user, changes=changes, note="/admin/")
        request._audit_done = {*getattr(request, "_audit_done", ()), (type(obj), obj.pk)}

    def log_change(self, request, obj, message):
        """Admin views that save without save_model (a user's password form) still log a
        change: those are audited here, with the state they left."""
        if (type(obj), obj.pk) not in getattr(request, "_audit_done", ()):
            before = getattr(request, "_audit_before", None) or {}
            changes = audit.diff(before, state(obj)) if before else {}
            note = f"/admin/ {self.construct_change_message_text(message)}".strip()
            audit.record(
                AuditEvent.Action.UPDATE, obj, actor=request.user, changes=changes, note=note
            )
        return super().log_change(request, obj, message)

    @staticmethod
    def construct_change_message_text(message):
        from django.contrib.admin.models import LogEntry

        return LogEntry(change_message=message).get_change_message() if message else ""

    def delete_model(self, request, obj):
        self._record_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._record_deletion(request, obj)
        super().delete_queryset(request, queryset)

    def _record_deletion(self, request, obj):
        changes = {name: [value, ""] for name, value in state(obj).items() if value}
        audit.record(
            AuditEvent.Action.DELETE, obj, actor=request.user, changes=changes, note="/admin/"
        )


class AuditedAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        models_ = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        for model in models_:
            cls = admin_class or admin.ModelAdmin
            mixins = []
            if model._meta.label_lower in READ_ONLY_MODELS and not issubclass(cls, ReadOnlyAdmin):
                mixins.append(ReadOnlyAdmin)
            if not issubclass(cls, AuditedAdmin):
                mixins.append(AuditedAdmin)
            if mixins:
                cls = type(cls.__name__, (*mixins, cls), {"__module__": cls.__module__})
            super().register(model, cls, **options)
