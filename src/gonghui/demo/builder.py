"""The demo province: 四川's union tree, employers and logins, built from the region table.

`plan` lays everything out in memory from fixed seeds, so the same seed always gives
the same unions, codes and employers; `build` puts the plan in as an operator taking over
a province's registry would: two roster imports (`gonghui import unions`, then
`employers`: every row checked by the services' rules, parents before children, one import
event each, every record pointing to its job), run as SYSTEM; each county federation then
names its pool union through unions.services.assign_pool_union.
"""

import csv
import io
import math
import random
from collections import Counter, defaultdict
from datetime import date, timedelta

from django.contrib.auth.models import Permission
from django.db import transaction
from faker import Faker
from stdnum.cn import uscc as stdnum_uscc

from gonghui.accounts.models import User
from gonghui.core import audit
from gonghui.core.context import request_context
from gonghui.core.models import AuditEvent
from gonghui.core.scope import SYSTEM
from gonghui.jobs import runner
from gonghui.jobs.models import Job
from gonghui.lib.identity import USCC_ALPHABET
from gonghui.regions.models import Region
from gonghui.unions.importers import EMPLOYER_COLUMNS, UNION_COLUMNS
from gonghui.unions.models import Employer, TradeUnion
from gonghui.unions.services import assign_pool_union

SEED = 2026
PASSWORD = "gonghui-demo"
ACTOR = "demo"
PROVINCE = "510000"
CAPITAL = "510100"  # 成都市
DEMO_COUNTY = "510104"  # 锦江区
TOWNSHIPS_PER_COUNTY = 8  # streets first: keeps the demo at a few thousand unions
EMPLOYERS = 3200

K = TradeUnion.Kind
ALPHABET = "".join(sorted(USCC_ALPHABET))
INDUSTRY_UNIONS = (
    "四川省教育工会",
    "四川省机械冶金建材工会",
    "四川省能源化学地质工会",
    "四川省财贸轻纺烟草工会",
    "四川省交通运输工会",
    "四川省农林水利气象工会",
)
SECTORS = ("快递", "外卖配送", "网约车", "货车司机", "家政服务", "餐饮", "物业服务")
AREAS = ("工业园区", "经济开发区", "商务楼宇", "商圈")
# Founding years by kind (first, last).
FOUNDED = {
    K.FEDERATION: (1950, 1990),
    K.INDUSTRY: (1985, 2010),
    K.TOWNSHIP: (1985, 2015),
    K.GIG_POOL: (2018, 2024),
    K.SECTOR_FEDERATION: (2010, 2024),
    K.AREA_FEDERATION: (2008, 2024),
    K.GRASSROOTS: (1985, 2025),
    K.JOINT: (2005, 2025),
}
# GB/T 4754 sections: weight among employers, and name endings that fit the trade.
INDUSTRIES = {
    "C": (30, ("机械制造有限公司", "食品有限公司", "电子科技有限公司", "新材料有限公司",
               "酒业有限公司", "制药有限公司", "服装有限公司")),
    "E": (12, ("建筑工程有限公司", "建设集团有限公司", "装饰工程有限公司")),
    "F": (15, ("商贸有限公司", "超市有限公司", "百货有限公司", "医药连锁有限公司")),
    "G": (10, ("物流有限公司", "运输有限公司", "快递服务有限公司")),
    "H": (10, ("酒店管理有限公司", "餐饮管理有限公司", "火锅有限公司")),
    "I": (4, ("网络科技有限公司", "信息技术有限公司", "软件有限公司")),
    "K": (3, ("房地产开发有限公司", "物业服务有限公司")),
    "L": (4, ("人力资源有限公司", "企业管理咨询有限公司")),
    "M": (3, ("检测技术有限公司", "工程设计有限公司")),
    "O": (3, ("家政服务有限公司", "汽车维修有限公司")),
    "Q": (2, ("健康管理有限公司", "养老服务有限公司")),
    "R": (2, ("文化传媒有限公司", "体育发展有限公司")),
    "A": (2, ("农业开发有限公司", "生态养殖有限公司")),
    "D": (1, ("电力有限公司", "燃气有限公司", "水务有限公司")),
    "B": (1, ("矿业有限公司",)),
    "N": (1, ("环保科技有限公司", "园林绿化有限公司")),
}  # fmt: skip
FIRM_WORDS = "华鑫瑞兴盛达源通泰宏德嘉恒川蜀锦天利丰安康金顺创新宇博远和志明"


class Plan:
    """Unsaved unions (by depth in the tree) and employers, drawn from the seeds."""

    def __init__(self, seed=SEED):
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.levels = defaultdict(list)  # depth -> unions; parents always a level above
        self.depths = {}  # id(union) -> depth
        self.employers = []
        self.federations = {}  # region code -> its 总工会
        self.pools = []  # (county federation, the pool union it assigns), saved after both
        self.sequence = Counter()  # region6 -> last union code sequence used
        self.firm_names = set()
        self.usccs = set()

    @property
    def unions(self):
        return [u for depth in sorted(self.levels) for u in self.levels[depth]]

    def union(self, kind, name, region, parent=None, with_uscc=True, **fields):
        """A union with a code (region6 + sequence; 0000 is the region's federation)."""
        region6 = region.code[:6]
        if kind == K.FEDERATION:
            seq = 0
        else:
            seq = self.sequence[region6] = self.sequence[region6] + 1
        assert seq <= 9999, region6
        first, last = FOUNDED[kind]
        founded = date(first, 1, 1) + timedelta(days=self.rng.randrange((last - first + 1) * 365))
        union = TradeUnion(
            code=f"{region6}{seq:04d}",
            name=name,
            kind=kind,
            region=region,
            parent=parent,
            path="/",  # set from the ids when saved
            uscc=self.uscc("81", region6) if with_uscc else "",
            founded_on=founded,
            chair=self.fake.name(),
            contact_phone=self.fake.phone_number(),
            **fields,
        )
        depth = 0 if parent is None else self.depths[id(parent)] + 1
        self.depths[id(union)] = depth
        self.levels[depth].append(union)
        if kind == K.FEDERATION:
            self.federations[region.code] = union
        return union

    def uscc(self, prefix, region6):
        """A GB 32100 code: registry + kind, region, 9 organisation characters, check."""
        while True:
            body = prefix + region6 + "".join(self.rng.choices(ALPHABET, k=9))
            code = body + stdnum_uscc.calc_check_digit(body)
            if code not in self.usccs:
                self.usccs.add(code)
                return code

    def firm_name(self, place, industry):
        while True:
            word = self.fake.company_prefix()
            if len(word) != 2:  # longer ones carry trades and towns of their own
                word = "".join(self.rng.sample(FIRM_WORDS, 2))
            where = place if self.rng.random() < 0.8 else "四川"
            name = where + word + self.rng.choice(INDUSTRIES[industry][1])
            if name not in self.firm_names:
                self.firm_names.add(name)
                return name


def short_place(prefecture):
    """成都市 → 成都, 凉山彝族自治州 → 凉山: how firms name their home town."""
    name = prefecture.name
    return name[:-1] if name.endswith("市") else name[:2]


def plan_federations(plan, places):
    """省总, its industry unions, 市总 with sector federations, 县总 with gig-worker unions."""
    (province_region,) = places[None]
    province = plan.union(K.FEDERATION, "四川省总工会", province_region)
    for name in INDUSTRY_UNIONS:
        plan.union(K.INDUSTRY, name, province_region, province)
    for prefecture in places[PROVINCE]:
        city = plan.union(K.FEDERATION, f"{prefecture.name}总工会", prefecture, province)
        for sector in plan.rng.sample(SECTORS, plan.rng.randint(1, 2)):
            name = f"{prefecture.name}{sector}行业工会联合会"
            plan.union(K.SECTOR_FEDERATION, name, prefecture, city)
        for county_region in places[prefecture.code]:
            county = plan.union(K.FEDERATION, f"{county_region.name}总工会", county_region, city)
            name = f"{county_region.name}新就业形态劳动者工会"
            # The county assigns it the join applications of its area (join page).
            plan.pools.append((county, plan.union(K.GIG_POOL, name, county_region, county)))
            if plan.rng.random() < 0.25:
                name = f"{county_region.name}{plan.rng.choice(AREAS)}工会联合会"
                plan.union(K.AREA_FEDERATION, name, county_region, county)


def plan_townships(plan, places):
    """One 乡镇(街道)工会 for the first streets and towns of each county; returns them."""
    townships = []
    counties = [u for u in plan.federations.values() if u.region.level == Region.Level.COUNTY]
    for county in counties:
        streets_first = sorted(
            places[county.region.code], key=lambda r: (not r.name.endswith("街道"), r.code)
        )
        for place in streets_first[:TOWNSHIPS_PER_COUNTY]:
            townships.append(plan.union(K.TOWNSHIP, f"{place.name}工会", place, county))
    return townships


def plan_employers(plan, townships):
    """Employers spread over the townships (streets busiest); most big ones have a union."""
    sections = list(INDUSTRIES)
    shares = [INDUSTRIES[s][0] for s in sections]

    def busyness(union):
        if union.region.name.endswith("街道"):
            return 3 if union.region.code.startswith(CAPITAL[:4]) else 2
        return 1 if union.region.name.endswith("镇") else 0.4

    busy = [busyness(t) for t in townships]
    per_township = Counter(plan.rng.choices(range(len(townships)), busy, k=EMPLOYERS))
    for index, township in enumerate(townships):
        county = township.parent
        place = short_place(county.parent.region)
        joint = None
        has_joint = plan.rng.random() < 0.25
        for _ in range(per_township[index]):
            industry = plan.rng.choices(sections, shares)[0]
            name = plan.firm_name(place, industry)
            staff = round(plan.rng.lognormvariate(math.log(60), 1.3))
            employer = Employer(
                name=name,
                uscc=plan.uscc("91", county.region.code),
                region=township.region,
                industry=industry,
                employee_count=min(max(staff, 3), 30000),
                address=f"{township.region.full_name.replace(' ', '')}"
                f"{plan.fake.street_name()}{plan.rng.randint(1, 300)}号",
                local_union=county if staff >= 1000 else township,
            )
            if staff >= 25 and plan.rng.random() < 0.92:
                employer.covering_union = plan.union(
                    K.GRASSROOTS,
                    f"{name}工会",
                    township.region,
                    employer.local_union,
                    with_uscc=plan.rng.random() < 0.6,
                    address=employer.address,
                )
            elif has_joint and plan.rng.random() < 0.8:
                if joint is None:
                    joint_name = f"{township.region.name}小微企业联合工会"
                    joint = plan.union(K.JOINT, joint_name, township.region, township)
                employer.covering_union = joint
            plan.employers.append(employer)


def plan_province(seed=SEED):
    """The whole demo, unsaved: the same seed gives the same records."""
    places = defaultdict(list)  # parent code -> current divisions, by code
    for region in Region.objects.current().filter(code__startswith=PROVINCE[:2]):
        places[region.parent_id].append(region)
    plan = Plan(seed)
    plan_federations(plan, places)
    plan_employers(plan, plan_townships(plan, places))
    return plan


def import_rows(subject, columns, rows):
    """Rows (field → value) in through the importer of `subject`, as one job, or fail."""
    headers = {c.field: c.header for c in columns}
    fields = list(headers)
    roster = io.StringIO()
    out = csv.writer(roster)
    out.writerow([headers[f] for f in fields])
    for row in rows:
        out.writerow([row.get(f, "") for f in fields])
    upload = io.BytesIO(roster.getvalue().encode("utf-8-sig"))
    options = {"union": "", "skip_invalid": False}
    job = runner.start(SYSTEM, "import", subject, options, upload, f"{subject}.csv", run_now=True)
    job = runner.run(job)
    if job.status != Job.Status.SUCCEEDED:
        raise RuntimeError(f"{subject}: {job.message}")


def union_row(u):
    return {
        "code": u.code, "name": u.name, "kind": u.kind, "parent": u.parent.code if u.parent else "",
        "region": u.region_id, "uscc": u.uscc, "founded_on": u.founded_on.isoformat(),
        "chair": u.chair, "contact_phone": u.contact_phone, "address": u.address,
    }  # fmt: skip


def employer_row(e):
    covering = e.covering_union.code if e.covering_union else ""
    return {
        "name": e.name, "uscc": e.uscc, "region": e.region_id, "industry": e.industry,
        "employee_count": e.employee_count, "address": e.address,
        "local_union": e.local_union.code, "covering_union": covering,
    }  # fmt: skip


# Demo users who may see whole ID-card numbers (with a reason, logged): the county, which
# files hardship cases, and the province administrator.
REVEALERS = {"sheng", "xian"}


def create_users(plan):
    """The demo logins, nested 省 → 市 → 县 → 基层, plus a platform administrator.

    The one record the demo saves itself (its event through audit.record): the README
    promises logins with the shared password `gonghui-demo` that work as printed, and
    accounts.services.create_user rightly refuses so weak a password and has a new user
    change it at the first login."""
    county = plan.federations[DEMO_COUNTY]
    grassroots = next(
        u for u in plan.unions if u.kind == K.GRASSROOTS and u.parent.parent is county
    )
    saved = TradeUnion.objects.in_bulk(
        [plan.federations[c].code for c in (PROVINCE, CAPITAL, DEMO_COUNTY)] + [grassroots.code],
        field_name="code",
    )
    R = User.Role
    logins = (
        ("admin", R.PLATFORM_ADMIN, None),
        ("sheng", R.UNION_ADMIN, saved[plan.federations[PROVINCE].code]),
        ("shi", R.STAFF, saved[plan.federations[CAPITAL].code]),
        ("xian", R.STAFF, saved[county.code]),
        ("jiceng", R.STAFF, saved[grassroots.code]),
    )
    reveal = Permission.objects.get(content_type__app_label="accounts", codename="reveal_id_number")
    users = []
    for username, role, union in logins:
        admin = role == R.PLATFORM_ADMIN
        user = User(
            username=username,
            role=role,
            union=union,
            first_name=plan.fake.first_name(),
            last_name=plan.fake.last_name(),
            is_staff=admin,
            is_superuser=admin,
        )
        user.set_password(PASSWORD)  # deliberately weak: no validators for the demo
        user.save()  # must_change_password stays off: the demo's logins work as printed
        if username in REVEALERS:
            user.user_permissions.add(reveal)
        audit.record(
            AuditEvent.Action.CREATE,
            user,
            actor_name=ACTOR,
            changes=audit.diff({}, audit.snapshot(user, ("username", "role", "union"))),
        )
        users.append(user)
    return users


def ensure_two_factor():
    """Every demo login has an authenticator device (`gonghui totp USERNAME` shows its code),
    a demo built before two-factor login too."""
    from gonghui.accounts import two_factor

    for user in User.objects.filter(username__in=[row[0] for row in logins()]):
        if not two_factor.has_device(user):
            two_factor.give_device(user)


def is_built():
    return User.objects.filter(username="sheng").exists()


def logins():
    """(username, role, union name) of the demo users, top down."""
    order = ["admin", "sheng", "shi", "xian", "jiceng"]
    users = User.objects.filter(username__in=order).select_related("union")
    rows = {
        u.username: (u.username, u.get_role_display(), u.union.name if u.union else "")
        for u in users
    }
    return [rows[name] for name in order if name in rows]


def build(seed=SEED):
    """Put the demo province in; returns the plan (unsaved objects: the saved records are
    the importers' own, found by code)."""
    with request_context(via="cli"):
        plan = plan_province(seed)
        import_rows("unions", UNION_COLUMNS, map(union_row, plan.unions))
        import_rows("employers", EMPLOYER_COLUMNS, map(employer_row, plan.employers))
        with transaction.atomic():
            saved = TradeUnion.objects.in_bulk(field_name="code")
            for federation, pool in plan.pools:
                assign_pool_union(SYSTEM, saved[federation.code], saved[pool.code])
            create_users(plan)
    return plan
