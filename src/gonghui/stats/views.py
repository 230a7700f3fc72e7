from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gonghui.core import todos
from gonghui.stats import headline
from gonghui.unions import figures


@login_required
def home(request):
    """The start of a working day: what waits for the user (to-dos from every module), the
    headline figures of their subtree with their definitions, the trend of joining, and for a
    grassroots union its own union, members and employer."""
    user = request.user
    trend = headline.new_members_by_month(user)
    return render(
        request,
        "stats/home.html",
        {
            "todos": todos.for_user(user),
            "figures": headline.headline(user),
            "trend": trend,
            "trend_max": max([n for _month, n in trend] + [1]),
            "own": headline.own_union(user),
            "kinds": figures.unions_by_kind(user),
        },
    )
