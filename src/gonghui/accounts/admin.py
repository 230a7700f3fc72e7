from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.models import User
from gonghui.core.admin_site import ReadOnlyAdmin, state


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Platform administrators manage accounts here; each account works for one union."""

    list_display = ("username", "last_name", "first_name", "union", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "first_name", "last_name", "union__name", "union__code")
    autocomplete_fields = ("union",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("last_name", "first_name", "email", "phone")}),
        (_("Work"), {"fields": ("union", "role", "is_active", "groups", "user_permissions")}),
        (_("Login"), {"fields": ("must_change_password",)}),
        (_("Platform"), {"fields": ("is_staff", "is_superuser", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "password1", "password2", "union", "role")}),)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True  # the administrator's password is changed at login
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        # A password an administrator sets is changed by its user at the next login; the
        # audit event (AuditedAdmin.log_change) shows the password's fingerprint change.
        user = self.get_object(request, id)
        if user is not None:
            request._audit_before = state(user)
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and user is not None:
            User.objects.filter(pk=user.pk).exclude(pk=request.user.pk).update(
                must_change_password=True
            )
        return response


# Lockout records, shown and never changed or deleted here (axes' own admin is off:
# AXES_ENABLE_ADMIN). Each failure is an audit event too, which nothing can delete.
@admin.register(AccessAttempt)
class AccessAttemptAdmin(ReadOnlyAdmin, axes_admin.AccessAttemptAdmin):
    pass


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(ReadOnlyAdmin, axes_admin.AccessFailureLogAdmin):
    pass


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin, axes_admin.AccessLogAdmin):
    pass
