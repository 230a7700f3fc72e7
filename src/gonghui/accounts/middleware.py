"""Session limits and the steps a login must finish before anything else.

For a session user on every page and API call: the session ends after
GONGHUI_SESSION_IDLE_MINUTES without a request and GONGHUI_SESSION_MAX_HOURS
after login; until the second factor is given, the administrator's password
replaced and (where required) two-factor login set up, only those pages and
logging out answer. Token clients meet the same rules at the token endpoint.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.accounts import two_factor

STARTED = "gonghui_login_at"
SEEN = "gonghui_seen_at"
# Views a user with a step pending may still reach.
OPEN_VIEWS = {"logout", "password_change", "two_factor_verify", "two_factor_setup", "admin:logout"}


def pending_step(user):
    """The URL name of the page the user must go through first, or None."""
    if not user.is_verified() and two_factor.has_device(user):
        return "two_factor_verify"
    if user.must_change_password:
        return "password_change"
    if not user.is_verified() and user.requires_two_factor:
        return "two_factor_setup"
    return None


STEP_MESSAGES = {
    "two_factor_verify": ("otp_required", "otp", gettext_lazy("Enter your two-factor code first.")),
    "password_change": (
        "password_change_required",
        "password",
        gettext_lazy("Change the password an administrator set first."),
    ),
    "two_factor_setup": (
        "otp_not_set_up",
        "otp",
        gettext_lazy("Set up two-factor login on the web first."),
    ),
}


def session_started(sender, request, user, **kwargs):
    """user_logged_in: the absolute limit counts from here."""
    if hasattr(request, "session"):
        request.session[STARTED] = request.session[SEEN] = time.time()


class AccountPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        api = request.path.startswith("/api/")
        if self.expired(request):
            logout(request)
            if api:
                message = _("Your session has ended. Log in again.")
                return JsonResponse(
                    {"code": "session_expired", "field": None, "message": message}, status=401
                )
            return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
        step = pending_step(user)
        if step is None or request.resolver_match.view_name in OPEN_VIEWS:
            return None
        if api:
            code, field, message = STEP_MESSAGES[step]
            return JsonResponse({"code": code, "field": field, "message": str(message)}, status=403)
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")

    def expired(self, request):
        now = time.time()
        session = request.session
        started = session.setdefault(STARTED, now)
        seen = session.get(SEEN, now)
        if now - started > settings.GONGHUI_SESSION_MAX_HOURS * 3600:
            return True
        if now - seen > settings.GONGHUI_SESSION_IDLE_MINUTES * 60:
            return True
        if now - seen > 30 or SEEN not in session:  # a write per half minute, not per request
            session[SEEN] = now
        return False
