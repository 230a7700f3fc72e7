"""The demo province's members: about 50,000 persons with valid ID numbers, memberships
in every status, gig workers in the county pool unions, pending applications and
transfers in flight.

Made as the platform makes them: the roster goes in through the member importer (the
`gonghui import members` job, every row checked by the services' rules, member numbers
issued per county, each record with its event), as an operator taking over a paper or
spreadsheet roster would put it in; the actor is SYSTEM, as for the command line run
without `--user`. Memberships kept, left or ended by death then go through
services.change_membership_status on their day, applications through the join page's
service and transfers through the transfer services.
"""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from faker import Faker
from stdnum.cn import ric

from gonghui.accounts.models import User
from gonghui.core import crypto
from gonghui.core.context import request_context
from gonghui.core.scope import SYSTEM
from gonghui.demo.builder import import_rows
from gonghui.members import services
from gonghui.members.importers import COLUMNS
from gonghui.members.models import Membership
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


def build_members(seed=2026, total=MEMBERS):
    """Returns (persons, pending applications, transfers) made. The import is a job of its
    own (its transactions as the job makes them); what follows is one transaction."""
    with request_context(via="cli"):
        return _build(seed, total)


def _build(seed, total):
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    regions = sorted(Region.objects.filter(code__startswith="51", level="county").values_list(
        "code", flat=True))  # fmt: skip
    people = People(rng, regions)
    receiving = list(
        TradeUnion.objects.filter(kind__in=["grassroots", "joint"]).select_related("region")
    )
    pools = list(TradeUnion.objects.filter(kind="gig_pool").select_related("region"))
    today = timezone.localdate()
    roster, plans = [], {}
    statuses = [s for s, _w in STATUSES]
    weights = [w for _s, w in STATUSES]
    for _ in range(total):
        gig = rng.random() < 0.12
        union = rng.choice(pools if gig else receiving)
        county = union.region_id[:6]
        name, number = fake.name(), people.id_number(county)
        education = rng.choice(EDUCATION)
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        status = rng.choices(statuses, weights)[0]
        if status == "retained" and age(birth, today) < 45:
            status = "active"  # 保留会籍 is for retirees and the long unemployed
        # Joined at 18 at the earliest, since 2000, and not in the last month.
        first = max(date(2000, 1, 1), adult(birth))
        span = max((today - timedelta(days=30) - first).days, 1)
        joined = first + timedelta(days=rng.randrange(0, 9400) * span // 9400)
        platform = rng.choice(PLATFORMS) if gig else ""
        place = county if county in regions else ""
        roster.append({
            "name": name, "id_number": number, "phone": people.phone(),
            "household_region": place, "residence_region": place, "education": education,
            "employment_form": "gig" if gig else "standard", "platform": platform,
            "union": union.code, "joined_on": joined.isoformat(),
        })  # fmt: skip
        if status != "active":
            ended = min(joined + timedelta(days=rng.randrange(30, 800)), today)
            plans[crypto.blind_index(number)] = (status, ended if status != "retained" else None)
    import_rows("members", COLUMNS, roster)
    with transaction.atomic():
        # Memberships kept on retirement, left, or ended by death, each on its day.
        changing = Membership.objects.filter(person__id_number_index__in=list(plans))
        for m in changing.select_related("person").order_by("pk"):
            status, on = plans[m.person.id_number_index]
            services.change_membership_status(SYSTEM, m, status, on=on)
        memberships = list(Membership.objects.filter(status="active").order_by("pk"))
        count = min(PENDING, total // 10)
        applications = build_applications(rng, fake, people, receiving + pools, count)
        transfers = build_transfers(rng, memberships, receiving, min(TRANSFERS, total // 50))
    return total, applications, transfers


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
    # A person (Transfer.requested_by is a user): the platform administrator.
    actor = User.objects.get(username="admin")
    made = 0
    for membership in rng.sample(memberships, count):
        target = rng.choice(unions)
        if target.pk == membership.union_id:
            continue
        transfer = services.request_transfer(actor, membership, target.code, "工作调动")
        if rng.random() < 0.5:
            services.release_transfer(actor, transfer)
        made += 1
    return made
