"""The headline figures of the home page, each with the list that shows its records and
the definition a reader can check: the figure and the list count the same rows (tests/
stats/test_home.py compares them). Issue 16's indicator registry takes these over."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.assistance.models import HardshipFile
from gonghui.members.models import Membership, Person
from gonghui.unions import figures
from gonghui.unions.models import Employer, TradeUnion


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: object  # a count, or a share 0..1 when `percent`
    definition: str
    url: str = ""
    percent: bool = False


def _link(name, query=""):
    return reverse(name) + (f"?{query}" if query else "")


def headline(user, today=None):
    today = today or timezone.localdate()
    members = Membership.objects.visible_to(user).current()
    year_start = dt.date(today.year, 1, 1)
    formation = figures.formation(user)
    unions = TradeUnion.objects.visible_to(user).active().count()
    files = HardshipFile.objects.visible_to(user).open().count()
    return [
        Figure("members", _("members"), members.count(),
               _("Memberships now active or retained (保留会籍) in the unions you work for and "
                 "every union under them; each person once, in their current union."),
               _link("members:list", "current=true")),
        Figure("new_members", _("new members this year"),
               members.filter(joined_on__gte=year_start).count(),
               _("Current members who joined on or after 1 January of this year."),
               _link("members:list", f"current=true&joined_from={year_start.isoformat()}")),
        Figure("gig_members", _("members in new forms of employment"),
               members.filter(person__employment_form=Person.EmploymentForm.GIG).count(),
               _("Current members whose employment form is a new form of employment "
                 "(couriers, riders, drivers and other platform work)."),
               _link("members:list", "current=true&employment_form=gig")),
        Figure("unions", _("active unions"), unions,
               _("Unions of every kind, your own included, that are not merged or dissolved."),
               _link("unions:list", "status=active")),
        Figure("employers", _("employers"), formation.total,
               _("Employers whose local federation is one of your unions (属地), and those a "
                 "union of yours covers: the employer list."),
               _link("unions:employers")),
        Figure("formation_rate", _("union-formation rate"), formation.rate,
               _("建会率: employers with 25 or more employees covered by a union, divided by "
                 "all such employers (%(with)d of %(large)d). Employers without a head "
                 "count are not counted.") % {"with": formation.large_with_union,
                                              "large": formation.large},
               _link("unions:employers", "has_union=false"), percent=True),
        Figure("open_files", _("open hardship files"), files,
               _("Hardship files from application to follow-up that are not closed or "
                 "removed."),
               _link("assistance:files", "open=true")),
    ]  # fmt: skip


def new_members_by_month(user, today=None, months=12):
    """[(first day of the month, memberships begun)] for the last `months` months, this one
    included: the trend under the figures."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    for _i in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    rows = (
        Membership.objects.visible_to(user)
        .filter(joined_on__gte=first)
        .annotate(month=TruncMonth("joined_on"))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
    )
    counts = {_as_date(r["month"]): r["n"] for r in rows}
    out, month = [], first
    while month <= today:
        out.append((month, counts.get(month, 0)))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


def _as_date(value):
    return value.date() if isinstance(value, dt.datetime) else value


def own_union(user):
    """A grassroots union's page: its own union, members and the employers it covers."""
    union = user.union
    if union is None or union.kind not in (TradeUnion.Kind.GRASSROOTS, TradeUnion.Kind.JOINT):
        return None
    employers = Employer.objects.filter(covering_union=union).order_by("name")
    return {
        "union": union,
        "members": Membership.objects.filter(union=union).current().count(),
        "employers": list(employers[:20]),
        "employee_total": sum(e.employee_count or 0 for e in employers),
    }
