from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render

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
        "stats/home.html",
        {
            "union_total": sum(by_kind.values()),
            "kinds": kinds,
            "employers": employers,
            "formation_rate": rate,
        },
    )
