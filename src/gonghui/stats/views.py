from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gonghui.unions import figures


@login_required
def home(request):
    """The counts of the user's subtree: unions by kind, employers in its territory and how
    many of those with 25+ employees have a union (建会率)."""
    kinds = figures.unions_by_kind(request.user)
    formation = figures.formation(request.user)
    return render(
        request,
        "stats/home.html",
        {
            "union_total": sum(n for _label, n in kinds),
            "kinds": kinds,
            "employers": formation,
            "formation_rate": formation.rate,
        },
    )
