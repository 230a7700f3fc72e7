from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.models import User


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
        (_("Platform"), {"fields": ("is_staff", "is_superuser", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "password1", "password2", "union", "role")}),)
