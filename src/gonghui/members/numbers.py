"""Member numbers (会员编号): the county's division code and a ten-digit sequence."""

from django.db import transaction
from django.db.models import F

from gonghui.members.models import MemberNumberCounter


def county_prefix(union):
    """The six-digit county (or higher) division code of a union's region."""
    return union.region_id[:6]


@transaction.atomic
def reserve_member_numbers(prefix, count):
    """Reserve `count` consecutive sequence numbers under a prefix and return the first;
    safe under concurrent callers (the UPDATE locks the counter row until commit)."""
    MemberNumberCounter.objects.get_or_create(prefix=prefix)
    MemberNumberCounter.objects.filter(prefix=prefix).update(last=F("last") + count)
    return MemberNumberCounter.objects.get(prefix=prefix).last - count + 1


def issue_member_numbers(prefix, count=1):
    """`count` new member numbers: the prefix and a ten-digit sequence."""
    first = reserve_member_numbers(prefix, count)
    return [f"{prefix}{n:010d}" for n in range(first, first + count)]
