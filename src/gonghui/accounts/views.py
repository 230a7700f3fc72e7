from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def locked_out(request, credentials=None, *args, **kwargs):
    """Answer to a login while too many failures lock the account (web page or API error)."""
    if request.path.startswith("/api/"):
        message = _("Too many failed logins. Try again in 15 minutes.")
        return JsonResponse(
            {"code": "locked_out", "field": "username", "message": message}, status=429
        )
    return render(request, "accounts/locked_out.html", status=429)
