from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def form_page(request, form, title, obj=None, submit=None):
    """A page with one service form (create, edit, move ...) under a title."""
    return render(
        request,
        "core/form.html",
        {"form": form, "title": title, "object": obj, "submit": submit or _("Save")},
    )


def wants_json(request):
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if wants_json(request):
        return JsonResponse(
            {"code": "not_found", "field": None, "message": _("No such record.")}, status=404
        )
    return render(request, "404.html", status=404)


def server_error(request):
    if wants_json(request):
        message = _("Internal error. It has been logged; quote the X-Request-ID header.")
        return JsonResponse({"code": "server_error", "field": None, "message": message}, status=500)
    return render(request, "500.html", status=500)
