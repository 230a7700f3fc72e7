"""The demo province's members: about 50,000 persons with valid ID numbers, memberships
in every status, gig workers in the county pool unions, pending applications and
transfers in flight. Written with bulk inserts, each record with its create event."""

import random
from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from faker import Faker
from stdnum.cn import ric

from gonghui.accounts.models import User
from gonghui.core import audit
from gonghui.core.context import request_context
from gonghui.demo.builder import BATCH, created_events
from gonghui.members import services
from gonghui.members.models import Membership, Person
from gonghui.members.numbers import county_prefix, issue_member_numbers
from gonghui.members.services import PERSON_AUDIT_FIELDS, build_person
from gonghui.regions.models import Region
from gonghui.unions.models import TradeUnion

MEMBERS = 50_000
PENDING = 400
TRANSFERS = 60
# Status of a membership, with its weight among the demo's members.
STATUSES = [("active", 88), ("retained", 6), ("left", 4), ("deceased", 2)]
PLATFORMS = ["courier", "food_delivery", "ride_hailing", "truck", "domestic", "other"]
EDUCATION = ["junior", "senior", "college", "bachelor", "postgraduate"]


class People:
    """Unique, valid ID numbers and phones drawn from one seed."""

    def __init__(self, rng, prefixes):
        self.rng, self.prefixes = rng, prefixes
        self.ids, self.phones = set(), set()

    def id_number(self, county):
        while True:
            prefix = county if self.rng.random() < 0.7 else self.rng.choice(self.prefixes)
            birth = date(1960, 1, 1) + timedelta(days=self.rng.randrange(0, 16000))
            body = f"{prefix}{birth:%Y%m%d}{self.rng.randrange(1000):03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.ids:
                self.ids.add(number)
                return number

    def phone(self):
        while True:
            phone = f"1{self.rng.choice('3456789')}{self.rng.randrange(10**9):09d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone


def age(birth, on):
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def adult(birth):
    """The 18th birthday (29 February born: 1 March)."""
    try:
        return birth.replace(year=birth.year + 18)
    except ValueError:
        return date(birth.year + 18, 3, 1)


@transaction.atomic
def build_members(seed=2026, total=MEMBERS):
    """Returns (persons, pending applications, transfers) made."""
    with request_context(via="cli"):
        return _build(seed, total)


def _build(seed, total):
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    regions = {r.code: r for r in Region.objects.filter(code__startswith="51", level="county")}
    people = People(rng, sorted(regions))
    receiving = list(
        TradeUnion.objects.filter(kind__in=["grassroots", "joint"]).select_related("region")
    )
    pools = list(TradeUnion.objects.filter(kind="gig_pool").select_related("region"))
    persons, memberships, unions = [], [], []
    for _ in range(total):
        gig = rng.random() < 0.12
        union = rng.choice(pools if gig else receiving)
        county = union.region_id[:6]
        values = {
            "name": fake.name(),
            "id_number": people.id_number(county),
            "phone": people.phone(),
            "household_region": regions.get(county),
            "residence_region": regions.get(county),
            "education": rng.choice(EDUCATION),
            "employment_form": "gig" if gig else "standard",
            "platform": rng.choice(PLATFORMS) if gig else "",
        }
        persons.append(build_person(values))
        unions.append(union)
    Person.objects.bulk_create(persons, batch_size=BATCH)
    numbers = defaultdict(list)
    by_prefix = defaultdict(int)
    for union in unions:
        by_prefix[county_prefix(union)] += 1
    for prefix, count in by_prefix.items():
        numbers[prefix] = issue_member_numbers(prefix, count)
    statuses = [s for s, _w in STATUSES]
    weights = [w for _s, w in STATUSES]
    today = timezone.localdate()
    for person, union in zip(persons, unions, strict=True):
        status = rng.choices(statuses, weights)[0]
        if status == "retained" and age(person.birth_date, today) < 45:
            status = "active"  # 保留会籍 is for retirees and the long unemployed
        # Joined at 18 at the earliest, since 2000, and not in the last month.
        first = max(date(2000, 1, 1), adult(person.birth_date))
        span = max((today - timedelta(days=30) - first).days, 1)
        joined = first + timedelta(days=rng.randrange(0, 9400) * span // 9400)
        ended = None
        if status in ("left", "deceased"):
            ended = min(joined + timedelta(days=rng.randrange(30, 800)), today)
        memberships.append(
            Membership(
                person=person,
                union=union,
                member_number=numbers[county_prefix(union)].pop(),
                joined_on=joined,
                status=status,
                ended_on=ended,
            )
        )
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    audit.write(
        created_events(persons, PERSON_AUDIT_FIELDS)
        + created_events(memberships, ("union", "member_number", "joined_on", "status"))
    )
    pending = build_applications(rng, fake, people, receiving + pools, min(PENDING, total // 10))
    transfers = build_transfers(rng, memberships, receiving, min(TRANSFERS, total // 50))
    return len(persons), pending, transfers


def build_applications(rng, fake, people, unions, count=PENDING):
    """Pending applications, as if sent from the join page (through the service)."""
    for _ in range(count):
        union = rng.choice(unions)
        gig = union.kind == TradeUnion.Kind.GIG_POOL
        services.submit_application(
            {
                "name": fake.name(),
                "id_number": people.id_number(union.region_id[:6]),
                "phone": people.phone(),
                "employment_form": "gig" if gig else "standard",
                "platform": rng.choice(PLATFORMS) if gig else "",
                "union": union.code,
            },
            consent=True,
        )
    return count


def build_transfers(rng, memberships, unions, count=TRANSFERS):
    """Transfers in flight: requested by the old union, some already released."""
    actor = User.objects.filter(role=User.Role.PLATFORM_ADMIN).first()
    active = [m for m in memberships if m.status == "active"]
    made = 0
    for membership in rng.sample(active, count):
        target = rng.choice(unions)
        if target.pk == membership.union_id:
            continue
        transfer = services.request_transfer(actor, membership, target.code, "工作调动")
        if rng.random() < 0.5:
            services.release_transfer(actor, transfer)
        made += 1
    return made
