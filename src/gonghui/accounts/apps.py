from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gonghui.accounts"
    verbose_name = _("Users")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from gonghui.accounts.middleware import session_started

        user_logged_in.connect(session_started, dispatch_uid="gonghui.session_started")
