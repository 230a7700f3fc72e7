from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gonghui.unions.models import Employer, TradeUnion


@login_required
def home(request):
    """The counts of the user's subtree: unions by kind, employers in its territory and how
    many of those with 25+ employees have a union (建会率)."""
    unions = TradeUnion.objects.visible_to(request.user).active()
    by_kind = dict(unions.order_by().values_list("kind").annotate(n=Count("pk")))
    employers = Employer.objects.in_territory_of(request.user).aggregate(
        total=Count("pk"),
        large=Count("pk", filter=Q(employee_count__gte=25)),
        large_with_union=Count(
            "pk", filter=Q(employee_count__gte=25, covering_union__isnull=False)
        ),
    )
    rate = employers["large_with_union"] / employers["large"] if employers["large"] else None
    kinds = [(label, by_kind.get(value, 0)) for value, label in TradeUnion.Kind.choices]
    return render(
        request,
        "core/home.html",
        {
            "union_total": sum(by_kind.values()),
            "kinds": kinds,
            "employers": employers,
            "formation_rate": rate,
        },
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


def server_error(request):
    if wants_json(request):
        message = _("Internal error. It has been logged; quote the X-Request-ID header.")
        return JsonResponse({"code": "server_error", "field": None, "message": message}, status=500)
    return render(request, "500.html", status=500)
