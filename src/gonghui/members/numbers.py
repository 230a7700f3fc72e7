"""Member numbers (会员编号): the county's division code and a ten-digit sequence."""

from django.db import transaction
from django.db.models import F

from gonghui.members.models import MemberNumberCounter


def county_prefix(union):
    """The six-digit county (or higher) division code of a union's region."""
    return union.region_id[:6]


@transaction.atomic
def issue_member_numbers(prefix, count=1):
    """Reserve `count` consecutive numbers under a prefix; safe under concurrent callers
    (the counter row is locked by the UPDATE until the transaction ends)."""
    MemberNumberCounter.objects.get_or_create(prefix=prefix)
    MemberNumberCounter.objects.filter(prefix=prefix).update(last=F("last") + count)
    last = MemberNumberCounter.objects.get(prefix=prefix).last
    return [f"{prefix}{n:010d}" for n in range(last - count + 1, last + 1)]
