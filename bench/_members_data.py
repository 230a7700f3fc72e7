"""A province's member registry at full scale: persons and memberships, written with COPY.

The union tree is bench/tree.py's province (_tree_data: 四川, 21 cities, 183 counties, every
township, grassroots unions with their employers), scaled to the persons: 0.1414 grassroots
unions a person (141,400 for 1,000,000, as tree.py), plus a new-forms-of-employment union
(新就业形态劳动者工会) in every county, so join applications can name a county instead of a
union.

Persons are made by the project's own `build_person` (ID and phone numbers encrypted with
AES-GCM, blind-indexed with HMAC and masked; name pinyin and initials) from Faker zh_CN names,
in two worker processes that each COPY their chunks of 10,000 straight into the table. The
parent draws what must be unique or consistent across chunks (ID numbers, phones, unions):
88% of persons belong to a grassroots union, picked in proportion to its employer's staff
(the employer is the person's employer), 12% are gig workers in their county's pool union.
An ID number's region is the union's county (70%) or another county of the province; persons
were born 1960-1999 and have mobiles 13x-18x, so the applicants of the join benchmark (born
2000-2007, mobiles 199) can never clash with them. Each person has one membership, in the
demo's mix of statuses (gonghui.demo.members.STATUSES), with a member number of the union's
county; the counters are set past them. No audit events are written: nothing measured reads
them.
"""

import multiprocessing
import os
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from _tree_data import (
    ProvincePlan,
    current_places,
    number_unions,
    plan_employers,
    plan_federations,
    plan_townships,
)
from _tree_data import write as write_tree
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone
from faker import Faker
from stdnum.cn import ric

from gonghui.accounts.models import User
from gonghui.demo.members import EDUCATION, PLATFORMS, STATUSES
from gonghui.members.filters import Search, search_q
from gonghui.members.models import MemberNumberCounter, Membership, Person
from gonghui.members.numbers import county_prefix
from gonghui.members.services import build_person
from gonghui.unions.models import Employer, TradeUnion

K = TradeUnion.Kind
GRASSROOTS_PER_PERSON = 0.1414  # 141,400 grassroots unions for 1,000,000 persons
GIG_SHARE = 0.12  # gig workers, members of their county's pool union
OWN_COUNTY = 0.7  # ID numbers issued in the union's county; the rest anywhere in the province
CHUNK = 10_000  # persons a worker builds and COPYs at a time
WORKERS = min(2, os.cpu_count() or 1)
LOOKUP_SAMPLE = 1000  # persons whose ID numbers the lookups cycle through
PERSON_BIRTHS = (date(1960, 1, 1), date(1999, 12, 31))
APPLICANT_BIRTHS = (date(2000, 1, 1), date(2007, 12, 31))
PERSON_PHONES = "345678"  # second digit of persons' mobiles; applicants have 199...
RARE_PER_PERSON = 1 / 40_000  # the rare initials match about 25 persons in 1,000,000


@dataclass
class Registry:
    """The built registry, with what the measurements need."""

    persons: int = 0
    unions: int = 0
    grassroots: int = 0
    pools: int = 0
    employers: int = 0
    county: TradeUnion = None  # the county federation with the most members
    county_persons: int = 0
    users: dict = field(default_factory=dict)  # "admin" (platform), "county" (staff) -> User
    sample: list = field(default_factory=list)  # (pk, ID number) of LOOKUP_SAMPLE persons
    union_codes: list = field(default_factory=list)  # grassroots unions an applicant may name
    pool_regions: list = field(default_factory=list)  # county codes served by a pool union
    counties: list = field(default_factory=list)  # county codes of the province
    common: str = ""  # the most frequent three-letter initials
    rare: str = ""  # three-letter initials of about RARE_PER_PERSON of persons, some in county
    timings: dict = field(default_factory=dict)  # build step -> seconds


class Numbers:
    """Unique, valid ID numbers (GB 11643) and mobiles drawn from one generator."""

    def __init__(self, rng, counties, births, phone_prefixes):
        self.rng, self.counties, self.phone_prefixes = rng, counties, phone_prefixes
        self.first, self.days = births[0], (births[1] - births[0]).days + 1
        self.ids, self.phones = set(), set()

    def id_number(self, county):
        rng = self.rng
        while True:
            prefix = county if rng.random() < OWN_COUNTY else rng.choice(self.counties)
            birth = self.first + timedelta(days=rng.randrange(self.days))
            body = f"{prefix}{birth:%Y%m%d}{rng.randrange(1000):03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.ids:
                self.ids.add(number)
                return number

    def phone(self):
        while True:
            prefix = self.rng.choice(self.phone_prefixes)
            phone = f"{prefix}{self.rng.randrange(10 ** (11 - len(prefix))):0{11 - len(prefix)}d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone


# --- the union tree ----------------------------------------------------------------------


def plan_tree(grassroots, seed):
    """tree.py's province with a pool union in every county; returns (plan, pools)."""
    plan = ProvincePlan(seed)
    places = current_places()
    counties = plan_federations(plan, places)
    pools = [
        plan.union(K.GIG_POOL, f"{county.region.name}新就业形态劳动者工会", county.region, county)
        for county in counties
    ]
    plan_employers(plan, plan_townships(plan, places, counties), grassroots)
    number_unions(plan)
    return plan, pools


# --- persons, built and COPYed by the workers ---------------------------------------------

_fake = None


def _copy_sql(model):
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    columns = ", ".join(quote(f.column) for f in model._meta.concrete_fields)
    return f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"


def write_persons(task):
    """Worker: build one chunk of persons with `build_person` and COPY it; returns its size.

    A spec is (pk, ID number, phone, county code, education, employment form, platform,
    employer id). Names come from Faker zh_CN seeded by the chunk, so the result does not
    depend on which worker takes which chunk.
    """
    global _fake
    seed, index, specs = task
    if _fake is None:
        _fake = Faker("zh_CN")
    _fake.seed_instance(f"{seed}-persons-{index}")
    now = timezone.now()
    attnames = [f.attname for f in Person._meta.concrete_fields]
    db = connections[DEFAULT_DB_ALIAS]
    try:
        with db.cursor() as cursor, cursor.copy(_copy_sql(Person)) as copy:
            for pk, number, phone, county, education, form, platform, employer in specs:
                person = build_person(
                    {
                        "name": _fake.name(),
                        "id_number": number,
                        "phone": phone,
                        "household_region_id": county,
                        "residence_region_id": county,
                        "education": education,
                        "employment_form": form,
                        "platform": platform,
                        "employer_id": employer,
                    }
                )
                person.pk, person.created_at, person.updated_at = pk, now, now
                copy.write_row([getattr(person, a) for a in attnames])
    finally:
        db.close()
    return len(specs)


class PersonPlan:
    """What the parent draws for every person: the union, and the numbers that must be unique."""

    def __init__(self, plan, pools, total, seed):
        self.rng = random.Random(f"{seed}-persons")
        self.total = total
        self.counties = sorted({u.region_id[:6] for u in pools})
        self.numbers = Numbers(
            self.rng, self.counties, PERSON_BIRTHS, [f"1{d}" for d in PERSON_PHONES]
        )
        self.pools = pools
        # Grassroots unions with their employer (ids follow plan.firms) and its staff.
        firms = [
            (firm["covering_union"], i, firm["employee_count"])
            for i, firm in enumerate(plan.firms, start=1)
            if firm["covering_union"] is not None
        ]
        self.grassroots = [(union, employer) for union, employer, _ in firms]
        self.staff = [staff for _, _, staff in firms]
        self.unions = []  # union of each person, by pk - 1
        sample = random.Random(f"{seed}-sample").sample(
            range(1, total + 1), min(LOOKUP_SAMPLE, total)
        )
        self.sample_pks = set(sample)
        self.sample = []

    def chunks(self, seed):
        """(seed, chunk index, specs) for the workers, drawn as they are needed."""
        rng = self.rng
        picks = iter(rng.choices(self.grassroots, self.staff, k=self.total))
        specs = []
        for pk in range(1, self.total + 1):
            if rng.random() < GIG_SHARE:
                union, employer = rng.choice(self.pools), None
                form, platform = "gig", rng.choice(PLATFORMS)
            else:
                union, employer = next(picks)
                form, platform = "standard", ""
            county = union.region_id[:6]
            number = self.numbers.id_number(county)
            education = rng.choice(EDUCATION)
            specs.append(
                (pk, number, self.numbers.phone(), county, education, form, platform, employer)
            )
            self.unions.append(union)
            if pk in self.sample_pks:
                self.sample.append((pk, number))
            if len(specs) == CHUNK or pk == self.total:
                yield seed, (pk - 1) // CHUNK, specs
                specs = []


def write_all_persons(person_plan, seed):
    connections.close_all()  # the workers are forked: they must open their own connections
    context = multiprocessing.get_context("fork")
    written = 0
    with context.Pool(WORKERS) as pool:
        for n in pool.imap_unordered(write_persons, person_plan.chunks(seed)):
            written += n
            if written % (CHUNK * 20) == 0:
                print(f"    {written:,} persons", flush=True)
    return written


# --- memberships ---------------------------------------------------------------------------


def memberships(person_plan, seed, counters):
    """One Membership (unsaved) a person, in the demo's mix of statuses; counts the member
    numbers issued under each county prefix into `counters`."""
    rng = random.Random(f"{seed}-memberships")
    statuses = [s for s, _ in STATUSES]
    weights = [w for _, w in STATUSES]
    now = timezone.now()
    for pk, union in enumerate(person_plan.unions, start=1):
        prefix = county_prefix(union)
        counters[prefix] = counters.get(prefix, 0) + 1
        status = rng.choices(statuses, weights)[0]
        joined = date(2000, 1, 1) + timedelta(days=rng.randrange(0, 9400))
        ended = None
        if status not in Membership.CURRENT:
            ended = joined + timedelta(days=rng.randrange(30, 800))
        yield Membership(
            id=pk,
            person_id=pk,
            union_id=union.id,
            member_number=f"{prefix}{counters[prefix]:010d}",
            joined_on=joined,
            status=status,
            ended_on=ended,
            created_at=now,
        )


def write_memberships(person_plan, seed):
    attnames = [f.attname for f in Membership._meta.concrete_fields]
    counters = {}
    with connection.cursor() as cursor, cursor.copy(_copy_sql(Membership)) as copy:
        for membership in memberships(person_plan, seed, counters):
            copy.write_row([getattr(membership, a) for a in attnames])
    # After the COPY: the connection serves one statement at a time.
    MemberNumberCounter.objects.bulk_create(
        MemberNumberCounter(prefix=prefix, last=last) for prefix, last in counters.items()
    )
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Person, Membership]):
            cursor.execute(sql)


def analyze():
    """VACUUM ANALYZE, as autovacuum would have done on a database in use."""
    with connection.cursor() as cursor:
        for model in (TradeUnion, Employer, Person, Membership):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


# --- what the measurements need ---------------------------------------------------------------


def county_id(union):
    """The county federation of a union below a county: /province/city/county/..."""
    return int(union.path.strip("/").split("/")[2])


def create_users(result):
    """A platform administrator, and staff of the county with the most members."""
    R = User.Role
    for key, role, union in (
        ("admin", R.PLATFORM_ADMIN, None),
        ("county", R.STAFF, result.county),
    ):
        user = User(username=f"bench_{key}", role=role, union=union)
        user.set_unusable_password()
        user.save()
        result.users[key] = user


def initials_counts(path=None):
    """Three-letter initials -> persons (with a membership in the subtree of `path`)."""
    person = connection.ops.quote_name(Person._meta.db_table)
    sql = f"SELECT left(p.name_initials, 3), count(*) FROM {person} p"
    params = []
    if path:
        membership = connection.ops.quote_name(Membership._meta.db_table)
        unions = connection.ops.quote_name(TradeUnion._meta.db_table)
        sql += (
            f" JOIN {membership} m ON m.person_id = p.id JOIN {unions} u ON u.id = m.union_id"
            " WHERE u.path LIKE %s AND"
        )
        params.append(path + "%")
    else:
        sql += " WHERE"
    sql += " length(p.name_initials) >= 3 GROUP BY 1"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def pick_searches(result):
    """The commonest three-letter initials, and rare ones that the county also has."""
    everywhere = initials_counts()
    in_county = initials_counts(result.county.path)
    result.common = max(sorted(everywhere), key=everywhere.get)
    target = max(1, round(result.persons * RARE_PER_PERSON))
    result.rare = min(sorted(in_county), key=lambda p: abs(everywhere[p] - target))


def matches(text, user=None):
    """Persons the search box finds for `text` (pinyin), in the user's scope if given."""
    persons = Person.objects.visible_to(user) if user else Person.objects.all()
    return persons.filter(search_q(Search("pinyin", text))).count()


def build(total, seed, clock):
    """Plan and write the province and its registry; `clock(timings, step)` times each step."""
    result = Registry(persons=total)
    grassroots = max(1, round(total * GRASSROOTS_PER_PERSON))
    with clock(result.timings, f"plan the tree ({grassroots:,} grassroots unions, in memory)"):
        plan, pools = plan_tree(grassroots, seed)
    with clock(result.timings, "write the tree (COPY)"):
        write_tree(plan)
    person_plan = PersonPlan(plan, pools, total, seed)
    step = f"build and COPY {total:,} persons ({WORKERS} processes)"
    with clock(result.timings, step):
        written = write_all_persons(person_plan, seed)
    if written != total:
        raise AssertionError(f"{written} persons written, {total} planned")
    with clock(result.timings, f"COPY {total:,} memberships"):
        write_memberships(person_plan, seed)
    with clock(result.timings, "VACUUM ANALYZE"):
        analyze()
    unions = plan.unions
    by_county = {}
    for union in person_plan.unions:
        by_county[county_id(union)] = by_county.get(county_id(union), 0) + 1
    county = max(sorted(by_county), key=by_county.get)
    result.county = TradeUnion.objects.get(pk=county)
    result.county_persons = by_county[county]
    create_users(result)
    result.sample = sorted(person_plan.sample)
    result.unions = len(unions)
    result.grassroots = sum(u.kind == K.GRASSROOTS for u in unions)
    result.pools = len(pools)
    result.employers = len(plan.firms)
    result.union_codes = [u.code for u, _ in person_plan.grassroots]
    result.pool_regions = [u.region_id for u in pools]
    result.counties = person_plan.counties
    with clock(result.timings, "pick the searches"):
        pick_searches(result)
    return result


def applications(registry, count, seed):
    """`count` distinct, valid join applications as the join page sends them: anonymous,
    with consent; 88% to a grassroots union by code, 12% gig workers naming their county."""
    rng = random.Random(f"{seed}-applications")
    fake = Faker("zh_CN")
    fake.seed_instance(f"{seed}-applications")
    numbers = Numbers(rng, registry.counties, APPLICANT_BIRTHS, ["199"])
    result = []
    for _ in range(count):
        data = {"name": fake.name(), "phone": numbers.phone(), "consent": True}
        if rng.random() < GIG_SHARE:
            region = rng.choice(registry.pool_regions)
            data |= {"employment_form": "gig", "platform": rng.choice(PLATFORMS), "region": region}
        else:
            data |= {"union": rng.choice(registry.union_codes)}
            region = data["union"][:6]
        data["id_number"] = numbers.id_number(region)
        result.append(data)
    return result
