import io

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(workbook, name):
    """An openpyxl workbook as a download (a figures page's few kilobytes: sent whole)."""
    out = io.BytesIO()
    workbook.save(out)
    return HttpResponse(
        out.getvalue(),
        content_type=XLSX,
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )


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


def permission_denied(request, exception=None):
    """A refused action explains itself where it was asked for: a form posted from one of
    our pages goes back there with the reason as a message; a page answers 403 with the
    reason and a link back (no script: the CSP allows none inline)."""
    reason = str(exception or "") or _("Your role does not allow this action.")
    if wants_json(request):
        return JsonResponse({"code": "permission_denied", "field": None, "message": reason},
                            status=403)  # fmt: skip
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = ""
    if request.method == "POST" and back:
        messages.error(request, reason)
        return redirect(back)
    return render(request, "403.html", {"reason": reason, "back": back}, status=403)


def server_error(request):
    if wants_json(request):
        message = _("Internal error. It has been logged; quote the X-Request-ID header.")
        return JsonResponse({"code": "server_error", "field": None, "message": message}, status=500)
    return render(request, "500.html", status=500)


# Browsers ask for /favicon.ico whatever the page says; the icon is a static file.
def favicon(request):
    return redirect(static("core/favicon.ico"), permanent=True)
