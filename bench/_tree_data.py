"""One province's union tree at full scale, planned in memory from seeds and written with COPY.

四川省总工会 → 21 city and 183 county federations (from the region table) → a township union
for every current township → grassroots unions, one per employer that has formed a union,
spread unevenly over the townships (a few "industrial-park" townships hold 500+ of them; an
employer of 1,000+ staff has its union directly under the county). Employers without a union
stay with their township. Ids are given here, so paths are written once, never updated.
No audit events are written: nothing measured here reads them.
"""

import math
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from gonghui.accounts.models import User
from gonghui.demo.builder import FIRM_WORDS, INDUSTRIES, Plan
from gonghui.regions.models import Region
from gonghui.unions.models import Employer, TradeUnion

K = TradeUnion.Kind
PROVINCE = "510000"
EMPLOYERS_PER_UNION = 1.2  # 170,000 employers for 141,400 grassroots unions
HUB_SHARE = 0.01  # a share of townships, all streets, are industrial parks ...
HUB_WEIGHT = 6  # ... and draw this many times their share of grassroots unions
COUNTY_LEVEL_STAFF = 1000  # employers this large have their union under the county
MOVE_SIZE = 700  # the county subtree moved between cities is the one nearest this size


@dataclass
class Province:
    """The built tree, with the unions and users the measurements need."""

    unions: int = 0
    employers: int = 0
    grassroots: int = 0
    hubs_over_500: int = 0
    province: TradeUnion = None
    city: TradeUnion = None  # the city of `county`
    county: TradeUnion = None  # the county of the largest township
    township: TradeUnion = None  # the township with the most children
    move_county: TradeUnion = None  # a county of about MOVE_SIZE unions ...
    move_target: TradeUnion = None  # ... and a city it can move to
    move_size: int = 0
    users: dict = field(default_factory=dict)  # "province", "city", "county" -> User
    search_common: str = ""  # part of many names
    search_rare: str = ""  # the whole name of one union
    timings: dict = field(default_factory=dict)  # build step -> seconds


def short_place(name):
    """锦江区 → 锦江, 峨边彝族自治县 → 峨边, 理县 → 理县: how firms name their home county."""
    if "自治" in name:
        return name[:2]
    return name[:-1] if len(name) > 2 and name[-1] in "区县市" else name


class ProvincePlan(Plan):
    """The demo's planner (codes, USCCs, Faker names) with a province-sized firm namer."""

    def __init__(self, seed):
        super().__init__(seed)
        self.sections = list(INDUSTRIES)
        self.shares = [INDUSTRIES[s][0] for s in self.sections]
        prefixes = {self.fake.company_prefix() for _ in range(500)}
        self.words = sorted(w for w in prefixes if len(w) == 2)
        self.streets = sorted({self.fake.street_name() for _ in range(800)})
        self.firms = []  # (grassroots union or None, employer fields)

    def firm(self, place, township):
        """An employer in `township`: unique name, industry, staff, address."""
        industry = self.rng.choices(self.sections, self.shares)[0]
        for attempt in range(50):
            word = self.rng.choice(self.words) if self.rng.random() < 0.3 else None
            word = word or "".join(self.rng.sample(FIRM_WORDS, 2))
            if attempt > 10:  # a busy county: add a third character
                word += self.rng.choice(FIRM_WORDS)
            name = place + word + self.rng.choice(INDUSTRIES[industry][1])
            if name not in self.firm_names:
                break
        else:
            raise RuntimeError(f"no free firm name left in {place}")
        self.firm_names.add(name)
        staff = round(self.rng.lognormvariate(math.log(60), 1.3))
        street = self.rng.choice(self.streets)
        where = township.region.full_name.replace(" ", "")
        return {
            "name": name,
            "industry": industry,
            "employee_count": min(max(staff, 3), 30000),
            "address": f"{where}{street}{self.rng.randint(1, 300)}号",
        }


def current_places():
    """Parent code -> current divisions of the province, by code."""
    places = {}
    for region in Region.objects.current().filter(code__startswith=PROVINCE[:2]).order_by("code"):
        places.setdefault(region.parent_id, []).append(region)
    return places


def plan_federations(plan, places):
    """省总 → 市总 → 县总; returns the county federations."""
    (province_region,) = places[None]
    province = plan.union(K.FEDERATION, "四川省总工会", province_region)
    counties = []
    for prefecture in places[PROVINCE]:
        city = plan.union(K.FEDERATION, f"{prefecture.name}总工会", prefecture, province)
        for region in places[prefecture.code]:
            counties.append(plan.union(K.FEDERATION, f"{region.name}总工会", region, city))
    return counties


def plan_townships(plan, places, counties):
    return [
        plan.union(K.TOWNSHIP, f"{place.name}工会", place, county)
        for county in counties
        for place in places.get(county.region.code, [])
    ]


def township_weights(rng, townships):
    """Uneven shares: streets busier than towns, a few streets (industrial parks) far busier."""
    streets = [i for i, t in enumerate(townships) if t.name.endswith("街道工会")]
    hubs = set(rng.sample(streets, min(len(streets), round(len(townships) * HUB_SHARE))))
    weights = []
    for i, township in enumerate(townships):
        weight = rng.lognormvariate(0, 0.6) * (2 if township.name.endswith("街道工会") else 1)
        weights.append(weight * (HUB_WEIGHT if i in hubs else 1))
    return weights


def plan_employers(plan, townships, grassroots):
    """`grassroots` employers with a union of their own, a fifth as many again without one."""
    weights = township_weights(plan.rng, townships)
    total = round(grassroots * EMPLOYERS_PER_UNION)
    for n, township in enumerate(plan.rng.choices(townships, weights, k=total)):
        county = township.parent
        firm = plan.firm(short_place(county.region.name), township)
        union = None
        if n < grassroots:
            big = firm["employee_count"] >= COUNTY_LEVEL_STAFF
            union = plan.union(
                K.GRASSROOTS,
                f"{firm['name']}工会",
                township.region,
                county if big else township,
                with_uscc=plan.rng.random() < 0.6,
                address=firm["address"],
            )
        else:  # no union yet: mostly small firms
            firm["employee_count"] = max(3, round(plan.rng.lognormvariate(math.log(12), 1.2)))
        firm["uscc"] = plan.uscc("91", county.region.code)
        firm["region"] = township.region
        firm["local_union"] = union.parent if union else township
        firm["covering_union"] = union
        plan.firms.append(firm)


def number_unions(plan):
    """Ids level by level (grassroots in random township order), then paths from the ids."""
    next_id = 1
    for depth in sorted(plan.levels):
        for union in plan.levels[depth]:
            union.id = next_id
            union.parent = union.parent  # now that the parent has an id: sets parent_id
            union.path = f"{union.parent.path if union.parent else '/'}{union.id}/"
            next_id += 1


def copy_rows(model, objs):
    """COPY model instances into their table, every concrete field as Django would save it."""
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: it is consulted once per value
    fields = model._meta.concrete_fields
    quote = db.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with db.cursor() as cursor, cursor.copy(sql) as copy:
        for obj in objs:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields])


def employer_objects(plan):
    return [Employer(id=i, **firm) for i, firm in enumerate(plan.firms, start=1)]


@transaction.atomic
def write(plan):
    copy_rows(TradeUnion, plan.unions)
    copy_rows(Employer, employer_objects(plan))
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [TradeUnion, Employer]):
            cursor.execute(sql)


def analyze():
    """VACUUM ANALYZE, as autovacuum would have done on a database in use."""
    with connection.cursor() as cursor:
        for model in (TradeUnion, Employer):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def subtree_sizes(unions):
    sizes = {}
    for union in reversed(unions):  # children before parents
        sizes[union.id] = sizes.get(union.id, 0) + 1
        if union.parent_id:
            sizes[union.parent_id] = sizes.get(union.parent_id, 0) + sizes[union.id]
    return sizes


def pick_targets(plan, counties, result):
    """The unions the measurements use (see Province)."""
    unions = plan.unions
    children = {}
    for union in unions:
        children.setdefault(union.parent_id, []).append(union)
    townships = [u for u in unions if u.kind == K.TOWNSHIP]
    result.township = max(townships, key=lambda t: len(children.get(t.id, [])))
    result.hubs_over_500 = sum(len(children.get(t.id, [])) >= 500 for t in townships)
    result.county = result.township.parent
    result.city = result.county.parent
    result.province = result.city.parent
    sizes = subtree_sizes(unions)
    others = [c for c in counties if c.parent_id != result.city.id]
    result.move_county = min(others, key=lambda c: abs(sizes[c.id] - MOVE_SIZE))
    result.move_size = sizes[result.move_county.id]
    result.move_target = next(
        city
        for city in children[result.province.id]
        if city.id != result.move_county.parent_id
        and all(c.name != result.move_county.name for c in children[city.id])
    )
    result.search_common = short_place(result.county.region.name)
    result.search_rare = children[result.township.id][-1].name


def create_users(result):
    """A province administrator, and staff of the measured city and county."""
    R = User.Role
    for key, role, union in (
        ("province", R.UNION_ADMIN, result.province),
        ("city", R.STAFF, result.city),
        ("county", R.STAFF, result.county),
    ):
        user = User(username=f"bench_{key}", role=role, union=union)
        user.set_unusable_password()
        user.save()
        result.users[key] = user


def build(grassroots, seed, clock):
    """Plan, write and analyse the province; `clock(timings, step)` times each step."""
    result = Province()
    with clock(result.timings, "plan (Faker zh_CN, in memory)"):
        plan = ProvincePlan(seed)
        places = current_places()
        counties = plan_federations(plan, places)
        plan_employers(plan, plan_townships(plan, places, counties), grassroots)
        number_unions(plan)
    with clock(result.timings, "write (COPY)"):
        write(plan)
    with clock(result.timings, "VACUUM ANALYZE"):
        analyze()
    pick_targets(plan, counties, result)
    create_users(result)
    result.unions = len(plan.unions)
    result.employers = len(plan.firms)
    result.grassroots = sum(u.kind == K.GRASSROOTS for u in plan.unions)
    return result
