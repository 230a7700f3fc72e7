from django.contrib.admin.apps import AdminConfig


class AuditedAdminConfig(AdminConfig):
    """django.contrib.admin with our site: every registered model's changes are audited
    (core/admin_site.py)."""

    default_site = "gonghui.core.admin_site.AuditedAdminSite"
