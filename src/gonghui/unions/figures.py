"""The registry's figures of a user's subtree: unions by kind and the union-formation rate
(建会率). The statistics app (stats/) shows them; issue 16's indicator registry will take
them from here."""

from dataclasses import dataclass

from django.db.models import Count, Q

from gonghui.unions.models import Employer, TradeUnion

LARGE_EMPLOYER = 25  # staff from which an employer is expected to have a union


@dataclass(frozen=True)
class Formation:
    """Employers in the territory (属地), those with 25+ employees, and how many of those a
    union covers; `rate` is None where there are none to count."""

    total: int
    large: int
    large_with_union: int

    @property
    def rate(self):
        return self.large_with_union / self.large if self.large else None


def formation(user):
    """建会率 = employers with 25+ employees covered by a union ÷ such employers, over the
    employers of the user's subtree: those whose local federation lies in it (属地) and
    those a union in it covers, the same set as the employer list shows. (Counting only
    the first gave a grassroots union 0 employers while its list showed its own.)"""
    large = Q(employee_count__gte=LARGE_EMPLOYER)
    counts = Employer.objects.visible_to(user).aggregate(
        total=Count("pk"),
        large=Count("pk", filter=large),
        large_with_union=Count("pk", filter=large & Q(covering_union__isnull=False)),
    )
    return Formation(**counts)


def unions_by_kind(user):
    """[(kind label, active unions of that kind)] in the order of TradeUnion.Kind."""
    unions = TradeUnion.objects.visible_to(user).active()
    counts = dict(unions.order_by().values_list("kind").annotate(n=Count("pk")))
    return [(label, counts.get(value, 0)) for value, label in TradeUnion.Kind.choices]
