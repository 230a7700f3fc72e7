"""The demo province's help for workers in hardship (困难职工帮扶): about 3,000 household
files in every state of their life, this year's four campaigns (四季送) allocated down the
tree, and the assistance paid from them and outside them.

Everything is made through the services the web, the API and the CLI call: files.apply,
review, record_visit, start_notice, file_household, annual_review, update, start_exit,
confirm_exit, close, remove and reopen; campaigns.create and allocate; records.record and
cancel; a head's death through members.services.change_membership_status. Where the
numbers make one call a row too slow, through the bulk services that check each row as
the single one does: bulk.record_visits for the visits between two annual reviews (one
visit sheet), bulk.record_many for a union's distribution list of one day. So the
demo holds nothing the services would refuse, and each step has the event its service
writes. A step's actor is the demo login who works for the union, else the nearest one
above it (jiceng, xian, shi, sheng): the services refuse an actor outside the scope, and
SYSTEM cannot be the `created_by` or `recorded_by` of assistance rows (user foreign keys).

Dates. The services take each step's date as given (applied_on, reviewed_on, visited_on,
notice_from, filed_on, exited_on, closed_on, given_on) and check it: not in the future,
after the step before, a notice of at least five working days counted with the holiday
calendar and the next step only after it, closing after six months of follow-up with a
follow-up visit, records within their campaign's period, rules and budget. So the
histories spread over the past years are real service histories. What the services stamp
with the clock is not backdated: `created_at`, `recorded_at`, `cancelled_at` and the audit
events' `at` are when the demo was built. No clock the services read reaches them
(AuditEvent.at defaults to Django's timezone.now, bound at import; `values.today` only
decides what "the future" is), and shifting Django's clock under the hash-chained trail
would have it say the platform was used years before it existed. The demo is history
entered today: a timeline lists the steps in order, each with its own date in its changes.
"""

import dataclasses
import datetime as dt
import random
from collections import Counter, defaultdict
from decimal import ROUND_CEILING, Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from faker import Faker
from stdnum.cn import ric

from gonghui.accounts.models import User
from gonghui.assistance.models import (
    AssistanceRecord,
    Campaign,
    HardshipFile,
    HomeVisit,
    HouseholdMember,
)
from gonghui.assistance.services import bulk, campaigns, files, records
from gonghui.assistance.services.files import FOLLOW_UP_MONTHS, NOTICE_WORKDAYS, add_months
from gonghui.calendar import workdays
from gonghui.core import crypto
from gonghui.core.context import request_context
from gonghui.demo.builder import SEED
from gonghui.demo.members import MEMBERS
from gonghui.members import services as members
from gonghui.members.models import Membership, Person
from gonghui.regions.models import Region
from gonghui.unions.models import Employer, TradeUnion

FILES = 3000  # for MEMBERS members; scaled with the members the demo has
S = HardshipFile.Status
Cause = HardshipFile.Cause
Category = HardshipFile.Category
Relation = HouseholdMember.Relation
Work = HouseholdMember.Work
Health = HouseholdMember.Health
Kind = AssistanceRecord.Kind
Fund = AssistanceRecord.FundSource
Season = Campaign.Season
YEAR = 365
DAY = dt.timedelta(days=1)

# What each file has come to by today, with its share (%) of the files.
STATES = {
    S.APPLIED: 2.5, S.REVIEWED: 1.5, S.VISITED: 1.5, S.NOTICE: 2, S.REJECTED: 4, S.FILED: 46,
    S.EXIT_NOTICE: 1.5, S.FOLLOW_UP: 6, S.CLOSED: 28, S.REMOVED: 7,
}  # fmt: skip
REOPENED = 2  # households whose hardship returned after their file was closed
# How removed files ended (an objection during the notice is a re-assessment too).
REMOVALS = [("death", 30), ("reassessed", 40), ("objection", 15), ("other", 15)]
CAUSES = [
    (Cause.ILLNESS, 38), (Cause.DISABILITY, 12), (Cause.SCHOOLING, 15),
    (Cause.UNEMPLOYMENT, 14), (Cause.ACCIDENT, 8), (Cause.DISASTER, 3), (Cause.OTHER, 10),
]  # fmt: skip
STANDARDS = [("county", 45), ("city", 35), ("province", 15), ("national", 5)]
HOUSING = [("rented", 40), ("owned", 35), ("public", 20), ("other", 5)]
INSURANCE = [("employee", 75), ("resident", 22), ("none", 3)]
BANKS = [
    ("中国工商银行", "622202"), ("中国农业银行", "622848"), ("中国建设银行", "621700"),
    ("中国银行", "621661"), ("中国邮政储蓄银行", "621799"), ("四川农信", "621458"),
]  # fmt: skip
WHO = {
    Relation.SELF: "本人", Relation.SPOUSE: "配偶", Relation.CHILD: "子女",
    Relation.PARENT: "父母亲", Relation.SIBLING: "弟妹", Relation.GRANDCHILD: "孙辈",
}  # fmt: skip
SITUATIONS = {
    Cause.ILLNESS: (
        "{who}患尿毒症，每周透析三次，医保报销后自付费用仍高。",
        "{who}脑梗后偏瘫，需要专人照料。",
    ),
    Cause.DISABILITY: (
        "{who}因工伤致残，丧失大部分劳动能力。",
        "{who}肢体残疾，生活不能完全自理。",
    ),
    Cause.SCHOOLING: ("{who}在读，学费和生活费负担重。", "{who}在外地读书，学费生活费上万元。"),
    Cause.UNEMPLOYMENT: (
        "{who}所在企业停产裁员，尚未再就业。",
        "{who}长期失业，靠打零工维持生活。",
    ),
    Cause.ACCIDENT: ("{who}在交通事故中受重伤，无法工作。", "{who}在工地摔伤致残，住院治疗半年。"),
    Cause.DISASTER: ("住房在暴雨引发的山洪中严重受损。", "住房在地震中受损，需要维修加固。"),
    Cause.OTHER: ("家庭收入低，房租和生活开支大，入不敷出。", "收入微薄，家庭开支大，生活困难。"),
}
VERIFIED = ("家庭成员、收入和住房情况与申请材料一致。", "经入户核实，困难情况属实，邻里反映一致。")
REGULAR = (
    "家庭情况无明显变化，子女学习正常。", "病情稳定，医疗费用负担仍较重。",
    "已帮助联系社区申请临时救助。", "户主已找到临时工作，收入略有增加。",
)  # fmt: skip
FOLLOW_UP = ("已稳定就业，收入正常，无返困风险。", "家庭收入稳定，子女已参加工作。")
EXIT_NOTES = (
    "户主实现再就业，家庭人均收入超过困难职工认定标准。",
    "病情好转，医疗负担减轻，收入稳定。",
)
REJECT_NOTES = ("家庭人均月收入高于困难职工认定标准。", "申请材料不全，逾期未补正。")
REMOVAL_NOTES = {
    "death": "户主因病去世。",
    "reassessed": "复核发现家庭人均收入已超过认定标准。",
    "objection": "公示期间收到实名反映，经核实家庭有经营性收入，不符合条件。",
    "other": "户主工作调动，全家迁出本地。",
}
REISSUE = "银行卡号有误，作废后重新发放。"
CANCEL_REASONS = (REISSUE, "发放对象已在其他单位领取，作废。")
UNIVERSITIES = [
    ("四川大学", 5000), ("电子科技大学", 5000), ("西南交通大学", 5000), ("西南财经大学", 5000),
    ("四川农业大学", 5000), ("成都理工大学", 5000), ("西华大学", 5000),
    ("成都职业技术学院", 3000), ("四川建筑职业技术学院", 3000),
]  # fmt: skip
OUTDOOR = ("环卫工人", "建筑工人", "交通协管员", "园林绿化工人")
AUTUMN_RULES = {"income_limit": "1500", "one_grant_per_person": True, "requires_school": True}
WALK_THROUGH = Decimal(3000)  # room in jiceng's union's 冬送温暖 for the demo's own payment


def season_plan(year):
    """This year's 四季送: (season, name, first day, last day). 冬送温暖 runs from November
    through the New Year and the Spring Festival (两节) of the year after."""
    return [
        (Season.SPRING, f"{year}年春送岗位", dt.date(year, 2, 1), dt.date(year, 4, 30)),
        (Season.SUMMER, f"{year}年夏送清凉", dt.date(year, 6, 1), dt.date(year, 9, 30)),
        (Season.AUTUMN, f"{year}年金秋助学", dt.date(year, 7, 1), dt.date(year, 10, 31)),
        (Season.WINTER, f"{year}年冬送温暖", dt.date(year, 11, 1), dt.date(year + 1, 3, 1) - DAY),
    ]


def age(birth, on):
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def surname(name):
    return name[:2] if name.startswith("欧阳") else name[:1]


def yuan(value):
    return Decimal(value).quantize(Decimal("0.01"))


def round_up(amount):
    """A budget as one is written: up to two significant figures, at least 100 yuan."""
    step = Decimal(10) ** max(2, len(str(int(amount))) - 2)
    return yuan(max((amount / step).to_integral_value(ROUND_CEILING), 1) * step)


def weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


@dataclasses.dataclass
class Draft:
    """A household member as the application lists them."""

    relation: str
    name: str
    number: str
    birth: dt.date
    work: str
    health: str = Health.HEALTHY
    disability: str = ""
    income: int = 0

    def row(self):
        return {
            "relation": self.relation, "name": self.name, "id_number": self.number,
            "work": self.work, "monthly_income": self.income, "health": self.health,
            "disability": self.disability,
        }  # fmt: skip


class Story:
    """One household's file, taken step by step through the services."""

    def __init__(self, b, membership, target, removal="", reopens=None):
        self.b, self.m, self.target, self.removal, self.reopens = (
            b, membership, target, removal, reopens,
        )  # fmt: skip
        self.number = b.plain(membership.person)
        self.actor = b.actor_for(membership.union)
        self.file, self.rows, self.history = None, [], []  # history: (day, status)

    def take(self, service, on, *rows, **data):
        """One step on the day `on` (a sheet of `rows` for bulk.record_visits); the
        household's children grown up to it first."""
        self.grow_up(on)
        done = service(self.actor, self.file, list(rows) if rows else data)
        done = done[-1] if isinstance(done, list) else done  # a sheet of visits
        self.file = done if isinstance(done, HardshipFile) else done.file  # a visit
        if self.history[-1][1] != self.file.status:
            self.history.append((on, self.file.status))

    def grow_up(self, on):
        """Children who start school or leave it by `on`: the household corrected as
        files.update corrects it. A closed file's household stays as it was at the
        close (a reopened file takes it over from there)."""
        if self.file.status not in HardshipFile.OPEN:
            return
        grown = False
        for d in self.rows:
            years = age(d.birth, on)
            if d.work == Work.PRESCHOOL and years >= 6:
                d.work, grown = Work.STUDENT, True
            elif d.work == Work.STUDENT and years >= 23:
                d.work, grown = Work.UNEMPLOYED, True
        if grown:
            data = files.description(self.file)
            work = {d.number: d.work for d in self.rows}
            for row in data["household"]:
                row["work"] = work[row["id_number"]]
            note = "家庭成员情况变化：子女入学或毕业。"
            self.file = files.update(self.actor, self.file, {**data, "note": note})

    def apply(self, on):
        if self.reopens is None:
            data, self.rows = self.b.household(self, on)
            self.file = files.apply(self.actor, {**data, "applied_on": on})
        else:  # the old file's description and household taken over
            self.rows = [dataclasses.replace(d) for d in self.reopens.rows]
            self.file = files.reopen(self.actor, self.reopens.file, {"applied_on": on})
        self.history.append((on, S.APPLIED))

    def visitors(self):
        return f"{self.m.union.chair}、{self.b.fake.name()}"

    def visit(self, on, findings):
        self.take(
            files.record_visit, on, visited_on=on, visitors=self.visitors(), findings=findings
        )

    def visit_round(self, days, texts):
        """Visits on `days` entered from one visit sheet (bulk.record_visits)."""
        if days:
            rows = [
                {
                    "visited_on": day,
                    "visitors": self.visitors(),
                    "findings": self.b.rng.choice(texts),
                }
                for day in days
            ]
            self.take(bulk.record_visits, days[0], *rows)

    def intake(self, applied, upto, gaps):
        """Application, review, verification visit, notice and filing, up to `upto`;
        `gaps` in working days between them (see Builder.gaps)."""
        b, rng = self.b, self.b.rng
        self.apply(applied)
        if upto == S.APPLIED:
            return
        on = b.wd(applied, gaps[0])
        self.take(files.review, on, accepted=True, reviewed_on=on, note="材料齐全，同意入户核查。")
        if upto == S.REVIEWED:
            return
        self.visit(b.wd(on, gaps[1]), rng.choice(VERIFIED))
        if upto == S.VISITED:
            return
        on = b.wd(self.file.last_visit_on, gaps[2])
        days = NOTICE_WORKDAYS if rng.random() < 0.85 else 7
        self.take(files.start_notice, on, notice_from=on, workdays=days)
        if upto == S.NOTICE:
            return
        on = b.wd(self.file.notice_until, gaps[3])
        self.take(files.file_household, on, filed_on=on, note="公示期内无异议。")

    def intake_ending(self, upto, last):
        """An intake whose step `upto` (applied … notice) was taken on the working day
        `last`: the earlier steps counted back from it."""
        gaps, day = self.b.gaps(), last
        for gap in reversed(gaps[: [S.APPLIED, S.REVIEWED, S.VISITED, S.NOTICE].index(upto)]):
            day = self.b.wd(day, -gap)
        self.intake(day, upto, gaps)

    def filed_before(self, day, low, high):
        back = self.b.rng.randint(low, high)
        self.intake(self.b.workday_before(day - dt.timedelta(days=back)), S.FILED, self.b.gaps())

    def on_file(self, until, late_visit=False, late_review=False):
        """Visits at most six months apart and a review each year up to `until`; a late
        household's last visit or review is overdue by then."""
        b, rng, f = self.b, self.b.rng, self.file
        steps, day = [], f.last_visit_on
        stop = until - dt.timedelta(days=rng.randint(190, 280)) if late_visit else until
        while (day := b.workday_before(day + dt.timedelta(days=rng.randint(120, 178)))) <= stop:
            steps.append((max(day, b.wd(f.filed_on, 5)), "visit"))
        stop = until - dt.timedelta(days=rng.randint(380, 440)) if late_review else until
        day = f.filed_on
        while True:
            day = b.workday_before(add_months(day, 12) - dt.timedelta(rng.randint(0, 25)))
            if day > stop:
                break
            steps.append((day, "review"))
        sheet = []  # the visits since the last review, entered before the next
        for day, what in [*sorted(steps), (None, "end")]:
            if what == "visit":
                sheet.append(day)
                continue
            self.visit_round(sheet, REGULAR)
            sheet = []
            if what == "review":
                category = self.file.category
                other = Category.RELATIVE if category == Category.DEEP else Category.DEEP
                regrade = category != Category.ACCIDENT and rng.random() < 0.08
                note = "年度复核，仍符合建档条件。"
                self.take(
                    files.annual_review,
                    day,
                    reviewed_on=day,
                    note=note,
                    category=other if regrade else "",
                )

    def exit(self, start, exited=None, closed=None):
        """Exit notice from `start`; then the exit, follow-up visits and the closing."""
        b, rng = self.b, self.b.rng
        note = rng.choice(EXIT_NOTES)
        self.take(files.start_exit, start, exit_notice_from=start, note=note)
        if exited is None:
            return
        self.take(files.confirm_exit, exited, exited_on=exited, note="脱困公示期满无异议。")
        last, day, sheet = min(self.file.follow_up_until - DAY, b.today), exited, []
        for _i in range(rng.randint(1, 2)):
            day = b.workday_before(day + dt.timedelta(days=rng.randint(25, 80)))
            if day > last:
                break
            sheet.append(day)
        if closed is not None and not sheet:
            sheet.append(b.workday_before(self.file.follow_up_until - dt.timedelta(10)))
        self.visit_round(sheet, FOLLOW_UP)
        if closed is not None:
            note = "跟踪回访期满，家庭收入稳定，予以销档。"
            self.take(files.close, closed, closed_on=closed, note=note)

    def remove(self, on, reason):
        data = {"removal_reason": "reassessed" if reason == "objection" else reason}
        self.take(files.remove, on, closed_on=on, note=REMOVAL_NOTES[reason], **data)

    def play(self):
        """Take the file through its life to its state today."""
        b, rng, t, today = self.b, self.b.rng, self.target, self.b.today

        def ago(low, high):
            return b.workday_before(today - dt.timedelta(days=rng.randint(low, high)))

        if t in (S.APPLIED, S.REVIEWED, S.VISITED, S.NOTICE):
            self.intake_ending(t, b.recent({S.NOTICE: 9, S.APPLIED: 14}.get(t, 12)))
        elif t == S.REJECTED:
            on = ago(3, 3 * YEAR)
            self.apply(b.wd(on, -rng.randint(2, 8)))
            self.take(
                files.review, on, accepted=False, reviewed_on=on, note=rng.choice(REJECT_NOTES)
            )
        elif t == S.FILED:
            # Most households were filed a year or two ago; some long ago, some lately.
            back = int(rng.triangular(70, 5 * YEAR, YEAR))
            self.filed_before(today, back, back)
            self.on_file(today, late_visit=rng.random() < 0.12, late_review=rng.random() < 0.06)
        elif t == S.EXIT_NOTICE:
            start = b.recent(8)
            self.filed_before(start, 210, 960)
            self.on_file(start - DAY)
            self.exit(start)
        elif t in (S.FOLLOW_UP, S.CLOSED):
            closed = None
            if t == S.FOLLOW_UP:
                exited = ago(3, 210)
            else:
                exited = ago(190, 1000)
                until = add_months(exited, FOLLOW_UP_MONTHS)
                closed = min(b.wd(until + dt.timedelta(days=rng.randint(0, 20)) - DAY, 1), today)
                closed = max(closed, until)
            start = b.wd(exited, -rng.randint(NOTICE_WORKDAYS, 8))
            self.filed_before(start, 210, 960)
            self.on_file(start - DAY)
            self.exit(start, exited, closed)
        elif self.removal == "death":  # the head died while on file
            died = ago(20, int(3.5 * YEAR))
            self.filed_before(died, 260, 960)
            self.on_file(died)
            members.change_membership_status(self.actor, self.m, "deceased", on=died)
            self.remove(min(b.wd(died, rng.randint(3, 20)), today), "death")
        elif self.removal == "objection":
            noticed = ago(20, 3 * YEAR)
            self.intake_ending(S.NOTICE, noticed)
            self.remove(b.wd(noticed, rng.randint(2, 4)), "objection")
        else:
            removed = ago(5, 3 * YEAR)
            self.filed_before(removed, 210, 960)
            self.on_file(removed - DAY)
            self.remove(removed, self.removal)
        self.grow_up(today)  # open files: the household as it is today

    def status_on(self, day):
        """The file's status at the end of `day`; None before its application."""
        status = None
        for on, s in self.history:
            if on > day:
                break
            status = s
        return status


class Builder:
    def __init__(self, seed, today):
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.today, self.year = today, today.year
        self.cal = workdays.calendar()
        self.plain_numbers = {}

    # --- dates -----------------------------------------------------------------------

    def wd(self, day, n):
        return self.cal.add_workdays(day, n)

    def workday_before(self, day):
        """`day` if people work then, else the working day before it."""
        return day if self.cal.is_workday(day) else self.cal.add_workdays(day, -1)

    def recent(self, most):
        """A working day among the last `most`, today included when it is one."""
        first = 0 if self.cal.is_workday(self.today) else 1
        return self.wd(self.today, -self.rng.randint(first, max(first, most)))

    def gaps(self):
        """Working days from application to review, review to visit, visit to notice,
        and from the notice's last day to filing."""
        r = self.rng
        return [r.randint(2, 8), r.randint(1, 8), r.randint(0, 4), r.randint(1, 3)]

    def gift_day(self, first, last, shape=1.0):
        """A day from `first` to `last` (earlier the larger `shape`), a working day where
        one is near."""
        day = first + dt.timedelta(days=int((last - first).days * self.rng.random() ** shape))
        before = self.workday_before(day)
        return before if before >= first else day

    # --- who is there ----------------------------------------------------------------

    def load(self):
        users = {u.username: u for u in User.objects.select_related("union")}
        self.logins = [users[name] for name in ("jiceng", "xian", "shi", "sheng")]
        self.jiceng, self.sheng = users["jiceng"], users["sheng"]
        self.unions = {u.pk: u for u in TradeUnion.objects.select_related("region").order_by("pk")}
        self.province = next(u for u in self.unions.values() if u.parent_id is None)
        self.county_of, self.city_of = {}, {}  # union pk → the federation above (or itself)
        for union in self.unions.values():
            for pk in map(int, union.path.strip("/").split("/")):
                above = self.unions[pk]
                if above.kind == TradeUnion.Kind.FEDERATION:
                    level = above.region.level
                    if level == Region.Level.COUNTY:
                        self.county_of[union.pk] = above
                    elif level == Region.Level.PREFECTURE:
                        self.city_of[union.pk] = above
        self.counties = sorted(set(self.county_of.values()), key=lambda u: u.pk)
        self.cities = sorted(set(self.city_of.values()), key=lambda u: u.pk)
        self.memberships = list(Membership.objects.select_related("person").order_by("pk"))
        for m in self.memberships:
            m.union = self.unions[m.union_id]
        self.taken = set(Person.objects.values_list("id_number_index", flat=True))
        self.seen = set()
        self.prefixes = sorted(
            Region.objects.filter(code__startswith="51", level="county").values_list(
                "code", flat=True
            )
        )
        self.firms = defaultdict(list)
        for name, region in Employer.objects.order_by("pk").values_list("name", "region_id"):
            self.firms[region[:6]].append(name)

    def actor_for(self, union):
        """The demo login who works for `union`, else the nearest one above it."""
        return next(u for u in self.logins if union.path.startswith(u.union.path))

    def plain(self, person):
        if person.pk not in self.plain_numbers:
            self.plain_numbers[person.pk] = crypto.decrypt(person.id_number_encrypted)
        return self.plain_numbers[person.pk]

    def id_number(self, prefix, birth, male):
        """A valid ID number that is no registered person's and not used before."""
        while True:
            seq = self.rng.randrange(500) * 2 + (1 if male else 0)  # odd for men
            body = f"{prefix}{birth:%Y%m%d}{seq:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.seen and crypto.blind_index(number) not in self.taken:
                self.seen.add(number)
                return number

    def bank_card(self):
        bank, prefix = self.rng.choice(BANKS)
        return bank, prefix + "".join(str(self.rng.randrange(10)) for _i in range(13))

    # --- households ------------------------------------------------------------------

    def relative(self, story, on, relation, birth, male, family, place=None):
        """A household member born on `birth`, with the work their age allows."""
        r, fake = self.rng, self.fake
        given = fake.first_name_male() if male else fake.first_name_female()
        kin = relation in (Relation.CHILD, Relation.GRANDCHILD, Relation.SIBLING)
        name = family if kin or (relation == Relation.PARENT and male) else fake.last_name()
        years = age(birth, on)
        if years < 6:
            work = Work.PRESCHOOL
        elif years < 22:
            work = Work.STUDENT
        elif years >= 60:
            work = Work.RETIRED if r.random() < 0.7 else Work.UNABLE
        else:
            work = weighted(r, [(Work.EMPLOYED, 50), (Work.FLEXIBLE, 30), (Work.UNEMPLOYED, 20)])
        number = self.id_number(place or story.number[:6], birth, male)
        return Draft(relation, name + given, number, birth, work)

    def household(self, story, on):
        """What the head's application of `on` says (files.apply's data), and its members."""
        r, person = self.rng, story.m.person
        head_age = age(person.birth_date, on)
        if person.employment_form == "gig":
            work = Work.FLEXIBLE
        elif story.m.status == Membership.Status.RETAINED or head_age >= 60:
            work = Work.RETIRED
        else:
            work = Work.EMPLOYED
        head = Draft(Relation.SELF, person.name, story.number, person.birth_date, work)
        family, drafts = surname(person.name), [head]  # children mostly take the father's

        def add(relation, years, male, place=None):
            birth = person.birth_date + dt.timedelta(days=int(years * YEAR))
            if birth < on - DAY:
                drafts.append(self.relative(story, on, relation, birth, male, family, place))
                return drafts[-1]
            return None

        if head_age >= 23 and r.random() < 0.75:
            place = None if r.random() < 0.7 else r.choice(self.prefixes)
            spouse = add(Relation.SPOUSE, r.uniform(-5, 5), person.sex != "male", place)
            if spouse and person.sex != "male" and r.random() < 0.85:
                family = surname(spouse.name)
        for _i in range(weighted(r, [(0, 12), (1, 50), (2, 32), (3, 6)])):
            add(Relation.CHILD, r.uniform(22, 36), r.random() < 0.5)
        if head_age <= 50 and r.random() < 0.2:
            add(Relation.PARENT, -r.uniform(24, 32), r.random() < 0.5)
        if head_age >= 52 and r.random() < 0.3:
            add(Relation.GRANDCHILD, r.uniform(48, 56), r.random() < 0.5)
        cause = weighted(r, CAUSES)
        if cause == Cause.SCHOOLING and not any(d.work == Work.STUDENT for d in drafts):
            relation = Relation.CHILD if head_age >= 36 else Relation.SIBLING
            add(relation, head_age - r.uniform(13, 20), r.random() < 0.5)
        # The member the cause hits hardest.
        who = r.choice([d for d in drafts if d.work not in (Work.STUDENT, Work.PRESCHOOL)])
        if cause == Cause.SCHOOLING:
            who = next((d for d in drafts if d.work == Work.STUDENT), head)
        elif cause == Cause.ILLNESS:
            who.health = Health.SERIOUS if r.random() < 0.6 else Health.CHRONIC
        elif cause in (Cause.DISABILITY, Cause.ACCIDENT):
            who.health = Health.DISABLED
            who.disability = weighted(r, [("1", 15), ("2", 25), ("3", 30), ("4", 30)])
        elif cause == Cause.UNEMPLOYMENT:
            who.work = r.choice([Work.UNEMPLOYED, Work.FLEXIBLE])
        if who.work in (Work.EMPLOYED, Work.FLEXIBLE, Work.UNEMPLOYED) and (
            who.health == Health.SERIOUS or who.disability in ("1", "2")
        ):
            who.work = Work.UNABLE
        # Incomes, capped where hardship puts them.
        ranges = {Work.EMPLOYED: (180, 360), Work.FLEXIBLE: (80, 260), Work.RETIRED: (170, 300)}
        for d in drafts:
            d.income = r.randint(*ranges[d.work]) * 10 if d.work in ranges else 0
        per_head = sum(d.income for d in drafts) / len(drafts)
        cap = 700 if cause in (Cause.ILLNESS, Cause.DISABILITY) and r.random() < 0.5 else 1400
        if per_head > cap:
            factor = cap * r.uniform(0.5, 0.95) / per_head
            for d in drafts:
                d.income = int(d.income * factor) // 10 * 10
            per_head = sum(d.income for d in drafts) / len(drafts)
        if cause in (Cause.ACCIDENT, Cause.DISASTER) and r.random() < 0.8:
            category = Category.ACCIDENT  # 意外致困
        else:
            category = Category.DEEP if per_head < 750 else Category.RELATIVE
        if cause != Cause.SCHOOLING and any(d.work == Work.STUDENT for d in drafts):
            others = [Cause.SCHOOLING] if r.random() < 0.6 else []
        else:
            others = r.sample([c for c, _w in CAUSES if c != cause], r.choice([0, 0, 1]))
        situation = r.choice(SITUATIONS[cause]).format(who=WHO[who.relation])
        data = {
            "head_id_number": story.number, "category": category,
            "standard_level": weighted(r, STANDARDS), "main_cause": cause, "other_causes": others,
            "situation": f"{situation}家庭{len(drafts)}口人，人均月收入约{int(per_head)}元。",
            "housing": weighted(r, HOUSING), "medical_insurance": weighted(r, INSURANCE),
            "head_work": head.work, "head_income": head.income, "head_health": head.health,
            "head_disability": head.disability, "household": [d.row() for d in drafts[1:]],
        }  # fmt: skip
        if r.random() < 0.9:
            data["bank_name"], data["bank_card"] = self.bank_card()
        return data, drafts

    # --- files -----------------------------------------------------------------------

    def play_files(self, total):
        """Stories of `total` households (and the reopened few), played to today."""
        r, today = self.rng, self.today
        counts = {status: max(2, round(total * share / 100)) for status, share in STATES.items()}
        counts[S.FILED] = max(1, total - sum(n for s, n in counts.items() if s != S.FILED))
        joined_by = today - dt.timedelta(days=6 * YEAR + 30)
        born_by = today - dt.timedelta(days=26 * YEAR)
        current = [
            m for m in self.memberships
            if m.status in Membership.CURRENT and m.joined_on <= joined_by
            and m.person.birth_date <= born_by and m.union.kind != TradeUnion.Kind.INDUSTRY
        ]  # fmt: skip
        # jiceng's union: a household on file and a closed one, the other members free to
        # apply (the demo's walk-through opens a file there).
        home = [m for m in current if m.union_id == self.jiceng.union_id]
        n_home = sum(1 for m in self.memberships if m.union_id == self.jiceng.union_id)
        forced = [S.FILED, S.CLOSED][: min(n_home // 4, len(home))]
        pool = [m for m in current if m.union_id != self.jiceng.union_id]
        targets = [status for status, n in counts.items() for _i in range(n)]
        for status in forced:
            targets.remove(status)
        r.shuffle(targets)
        removed = targets.count(S.REMOVED)
        reasons = [x for x, w in REMOVALS for _i in range(max(1, round(removed * w / 100)))]
        r.shuffle(reasons)
        reasons = iter((reasons + ["reassessed"] * removed)[:removed])
        plans = [
            (m, t, next(reasons) if t == S.REMOVED else "")
            for m, t in zip(r.sample(pool, len(targets)), targets, strict=True)
        ]
        plans += [(m, status, "") for m, status in zip(home, forced, strict=False)]
        stories = []
        for m, target, reason in sorted(plans, key=lambda plan: plan[0].pk):
            stories.append(Story(self, m, target, reason))
            stories[-1].play()
        # Hardship returned to a few closed households: a new application (files.reopen).
        ended = [
            s for s in stories
            if s.file.status in (S.CLOSED, S.REMOVED) and s.removal != "death"
            and s.file.closed_on <= today - dt.timedelta(days=160)
        ]  # fmt: skip
        for old, target in zip(
            r.sample(ended, min(REOPENED, len(ended))), [S.FILED, S.NOTICE], strict=False
        ):
            story = Story(self, old.m, target, reopens=old)
            if target == S.FILED:
                days = r.randint(70, (today - old.file.closed_on).days - 30)
                story.intake(
                    self.workday_before(today - dt.timedelta(days=days)), S.FILED, self.gaps()
                )
                story.on_file(today)
            else:
                story.intake_ending(S.NOTICE, self.recent(9))
            story.grow_up(today)
            stories.append(story)
        return stories

    # --- payments --------------------------------------------------------------------

    def pay(self, season, union, kind, amount, day, to, fund=Fund.HIGHER, **extra):
        """A payment from this year's campaign of `season` at `union` (None: outside the
        campaigns). One still to come counts in the budget only."""
        if season is not None:
            self.need[season][union.pk] += yuan(amount)
        if day <= self.today:
            self.payments.append(
                {"season": season, "union": union, "kind": kind, "amount": yuan(amount),
                 "given_on": day, "fund_source": fund, **to, **extra}
            )  # fmt: skip

    def member(self, m):
        return {"name": m.person.name, "id_number": self.plain(m.person)}

    def of_household(self, story, draft):
        return {"name": draft.name, "id_number": draft.number, "file": story.file}

    def stranger(self, county, born_from, born_to):
        """A worker not in the registry: a name and an ID number that fit together."""
        male = self.rng.random() < 0.6
        birth = born_from + dt.timedelta(days=self.rng.randrange((born_to - born_from).days))
        name = self.fake.name_male() if male else self.fake.name_female()
        return {"name": name, "id_number": self.id_number(county.region_id[:6], birth, male)}

    def some(self, expected):
        """A whole number whose mean is `expected` (small demos get a few too)."""
        return int(expected + self.rng.random())

    def card(self, share=0.6):
        return {"card": self.bank_card()[1]} if self.rng.random() < share else {}

    def plan_payments(self, stories, periods):
        self.need = {season: Counter() for season in periods}
        self.payments = []
        heads = {s.m.person_id for s in stories}
        self.workers = defaultdict(list)  # county pk → active members, not heads of files
        self.gig = defaultdict(list)  # county pk → gig workers
        self.by_city = defaultdict(list)
        for m in self.memberships:
            county = self.county_of.get(m.union_id)
            if m.status != Membership.Status.ACTIVE or m.person_id in heads or county is None:
                continue
            if m.person.employment_form == "gig":
                self.gig[county.pk].append(m)
            else:
                self.workers[county.pk].append(m)
                self.by_city[self.city_of[m.union_id].pk].append(m)
        helped = [s for s in stories if s.file.status in (*HardshipFile.ON_FILE, S.FOLLOW_UP)]
        self.winter(helped, *periods[Season.WINTER])
        self.summer(*periods[Season.SUMMER])
        self.autumn(stories, *periods[Season.AUTUMN])
        self.spring(helped, *periods[Season.SPRING])
        self.relief(stories)

    def seasonal(self, season, first, last, shape=1.0):
        """A seasonal gift from `season`'s campaign on a day of its period."""

        def give(union, amount, to, **extra):
            day = self.gift_day(first, last, shape)
            self.pay(season, union, Kind.SEASONAL, amount, day, to, **extra)

        return give

    def winter(self, helped, first, last):
        """冬送温暖: households on file and in follow-up from their union's share; model
        workers from the province and the cities; gig and outdoor workers by counties."""
        r, give = self.rng, self.seasonal(Season.WINTER, first, last, 1.6)
        for s in helped:
            day = max(self.gift_day(first, last, 1.6), self.wd(s.file.filed_on, 1))
            if day <= last:
                amount = {Category.DEEP: 1500, Category.RELATIVE: 1000}.get(s.file.category, 1200)
                amount = 500 if s.file.status == S.FOLLOW_UP else amount
                goods = r.choice(("", "", "大米、食用油", "棉被、大米"))
                head = self.of_household(s, s.rows[0])
                self.pay(Season.WINTER, s.m.union, Kind.SEASONAL, amount, day, head, goods=goods)
        everyone = [m for ms in self.workers.values() for m in ms]
        for m in r.sample(everyone, min(len(everyone), max(2, len(helped) // 20))):
            title, amount = r.choice([("全国劳动模范", 2000), ("四川省劳动模范", 1500)])
            give(self.province, amount, self.member(m), fund=Fund.UNION, note=title, **self.card())
        for city in self.cities:
            ms = self.by_city[city.pk]
            for m in r.sample(ms, min(len(ms), self.some(len(ms) / 1500))):
                give(city, 1000, self.member(m), note=f"{city.region.name}劳动模范", **self.card())
        for county in self.counties:
            gig = self.gig[county.pk]
            for m in r.sample(gig, len(gig) * 2 // 5):
                cash = r.random() < 0.5
                goods = "保温杯、手套" if cash else "羽绒服、暖宝宝"
                give(county, 200 * cash, self.member(m), goods=goods, note="新就业形态劳动者")
            for _i in range(self.some(len(self.workers[county.pk]) / 400)):
                who = self.stranger(county, dt.date(1962, 1, 1), dt.date(1995, 1, 1))
                give(county, 300, who, goods="棉大衣", note=r.choice(OUTDOOR))

    def summer(self, first, last):
        """夏送清凉: gig and outdoor workers by counties, workers in the heat by cities."""
        r, give = self.rng, self.seasonal(Season.SUMMER, first, last)
        for county in self.counties:
            gig = self.gig[county.pk]
            for m in r.sample(gig, len(gig) * 3 // 5):
                goods = "防暑降温用品（藿香正气液、绿豆、毛巾）"
                amount = 100 * (r.random() < 0.4)
                give(county, amount, self.member(m), goods=goods, note="新就业形态劳动者")
            for _i in range(self.some(len(self.workers[county.pk]) / 250)):
                who = self.stranger(county, dt.date(1962, 1, 1), dt.date(2000, 1, 1))
                give(county, 150, who, goods="防暑降温用品", note=r.choice(OUTDOOR))
        for city in self.cities:
            ms = self.by_city[city.pk]
            for m in r.sample(ms, min(len(ms), self.some(len(ms) / 2000))):
                give(city, 300, self.member(m), note="高温作业岗位职工")

    def autumn(self, stories, first, last):
        """金秋助学: this year's freshmen of households on file, and of members' households
        under the income limit; one grant each, paid by the counties."""
        r, A = self.rng, Season.AUTUMN
        oldest, youngest = dt.date(self.year - 19, 9, 2), dt.date(self.year - 17, 9, 1)
        kin = (Relation.CHILD, Relation.GRANDCHILD, Relation.SIBLING)
        for s in stories:
            county = self.county_of[s.m.union_id]
            for d in s.rows if s.file.status in HardshipFile.ON_FILE else ():
                if d.relation in kin and oldest <= d.birth < youngest and r.random() < 0.75:
                    day = max(self.gift_day(first, last), self.wd(s.file.filed_on, 1))
                    if day <= last:
                        school, amount = r.choice(UNIVERSITIES)
                        fund = r.choice((Fund.HIGHER, Fund.DONATION))
                        to = self.of_household(s, d)
                        self.pay(A, county, Kind.STUDY, amount, day, to, fund, school=school)
        for county in self.counties:
            ms = self.workers[county.pk]
            for m in r.sample(ms, min(len(ms), self.some(len(ms) / 700))):
                male = r.random() < 0.5
                birth = oldest + dt.timedelta(days=r.randrange((youngest - oldest).days))
                given = self.fake.first_name_male() if male else self.fake.first_name_female()
                number = self.id_number(county.region_id[:6], birth, male)
                child = {"name": surname(m.person.name) + given, "id_number": number}
                school, amount = r.choice(UNIVERSITIES)
                extra = {"school": school, "declared_income": yuan(r.randint(60, 145) * 10)}
                extra["note"] = f"{m.person.name}之{'子' if male else '女'}，{m.union.name}会员"
                day = self.gift_day(first, last)
                self.pay(A, county, Kind.STUDY, amount, day, child, **extra, **self.card(0.8))

    def spring(self, helped, first, last):
        """春送岗位: jobs and training for the jobless of households on file, training for
        gig workers, from the counties."""
        r, P, E = self.rng, Season.SPRING, Kind.EMPLOYMENT
        for s in helped:
            county = self.county_of[s.m.union_id]
            firms = self.firms.get(county.region_id[:6]) or [county.name]
            for d in s.rows:
                if d.work not in (Work.UNEMPLOYED, Work.FLEXIBLE) or r.random() > 0.6:
                    continue
                day = self.gift_day(first, last)
                if s.status_on(day) in (*HardshipFile.ON_FILE, S.FOLLOW_UP):
                    to = self.of_household(s, d)
                    if r.random() < 0.6:
                        note = f"推荐至{r.choice(firms)}"
                        self.pay(P, county, E, 0, day, to, goods="就业岗位推荐", note=note)
                    else:
                        self.pay(P, county, E, 800, day, to, note="职业技能培训补贴")
        for county in self.counties:
            gig = self.gig[county.pk]
            for m in r.sample(gig, len(gig) // 10):
                day, note = self.gift_day(first, last), "网约配送员职业技能培训补贴"
                self.pay(P, county, E, 500, day, self.member(m), note=note)

    def relief(self, stories):
        """Outside the campaigns: relief over the last three years while a household was
        on file (by its cause), and job referrals in the follow-up after its exit."""
        r, today = self.rng, self.today
        since = today - dt.timedelta(days=3 * YEAR)
        kinds = {
            Cause.ILLNESS: (Kind.MEDICAL, 20, 80), Cause.DISABILITY: (Kind.LIVING, 10, 30),
            Cause.ACCIDENT: (Kind.DISASTER, 30, 100), Cause.DISASTER: (Kind.DISASTER, 30, 100),
            Cause.SCHOOLING: (Kind.STUDY, 10, 30), Cause.UNEMPLOYMENT: (Kind.LIVING, 5, 20),
            Cause.OTHER: (Kind.LIVING, 5, 20),
        }  # fmt: skip
        funds = [(Fund.UNION, 60), (Fund.GOVERNMENT, 25), (Fund.DONATION, 15)]
        for s in [s for s in stories if s.file.filed_on]:
            f = s.file
            head, county = self.of_household(s, s.rows[0]), self.county_of[s.m.union_id]
            first = max(f.filed_on + DAY, since)
            last = f.exited_on - DAY if f.exited_on else today
            for _i in range(int((last - first).days / YEAR * 0.8 + r.random())):
                day = self.gift_day(first, last)
                if s.status_on(day) not in HardshipFile.ON_FILE:
                    continue
                union = s.m.union if r.random() < 0.5 else county
                if r.random() < 0.06:
                    goods = "法律援助：代理劳动争议仲裁"
                    self.pay(None, union, Kind.LEGAL, 0, day, head, Fund.UNION, goods=goods)
                    continue
                kind, low, high = kinds[f.main_cause]
                amount = r.randint(low, high) * 100
                self.pay(None, union, kind, amount, day, head, weighted(r, funds))
            last = min(f.follow_up_until or today, today)
            if f.follow_up_until and r.random() < 0.2 and last > f.exited_on:
                day, goods = self.gift_day(f.exited_on + DAY, last), "就业岗位推荐"
                self.pay(None, county, Kind.EMPLOYMENT, 0, day, head, Fund.UNION, goods=goods)

    # --- campaigns and records -------------------------------------------------------

    def allocations(self, season):
        """Union pk → the unions below it that get a share of the season's campaign: every
        city and county, and the unions paying from it below a county."""
        below = defaultdict(set)
        for county in self.counties:
            city = self.city_of[county.pk]
            below[self.province.pk].add(city.pk)
            below[city.pk].add(county.pk)
        extra = [self.jiceng.union_id] if season == Season.WINTER else []
        for pk in [*self.need[season], *extra]:
            county = self.county_of.get(pk)
            if county is not None and county.pk != pk:
                below[county.pk].add(pk)
        return below

    def budget(self, season, below, pk, found):
        """Each campaign's budget: what is paid from it and what it allocates, with a
        margin, rounded up."""
        total = self.need[season][pk] + sum(
            (self.budget(season, below, c, found) for c in sorted(below[pk])), Decimal(0)
        )
        if pk == self.jiceng.union_id:
            total += WALK_THROUGH
        # A campaign still running keeps a reserve; one that ended spent nearly all.
        low, high = (100, 103) if self.ended[season] else (103, 110)
        found[pk] = round_up(total * self.rng.randint(low, high) / 100)
        return found[pk]

    def make_campaigns(self, periods):
        """This year's campaigns at the province (campaigns.create), allocated down the
        tree (campaigns.allocate) by the union that passes its money on."""
        names = {season: name for season, name, _first, _last in season_plan(self.year)}
        self.ended = {season: last < self.today for season, (_first, last) in periods.items()}
        self.campaigns = {}  # (season, union pk) → campaign
        for season, (first, last) in periods.items():
            below, budgets = self.allocations(season), {}
            self.budget(season, below, self.province.pk, budgets)
            data = {
                "name": names[season],
                "season": season,
                "year": self.year,
                "union": self.province,
                "budget": budgets[self.province.pk],
                "starts_on": first,
                "ends_on": last,
            }
            if season == Season.AUTUMN:
                data |= AUTUMN_RULES
            todo = [campaigns.create(self.sheng, data)]
            while todo:
                parent = todo.pop(0)
                self.campaigns[season, parent.union_id] = parent
                actor = self.actor_for(parent.union)
                for pk in sorted(below[parent.union_id]):
                    share = {"union": self.unions[pk], "budget": budgets[pk]}
                    todo.append(campaigns.allocate(actor, parent, share))
        return len(self.campaigns)

    def make_records(self):
        """The payments as each union's distribution list of a campaign (or of its help
        outside the campaigns), in the order given (bulk.record_many: records.record's
        checks, row by row); a few cancelled days later, a payment to a wrong card made
        again."""
        r = self.rng
        self.payments.sort(key=lambda p: (p["given_on"], p["union"].pk, p["name"]))
        lists = defaultdict(list)
        for p in self.payments:
            season = p.pop("season")
            p["campaign"] = self.campaigns[season, p["union"].pk] if season else None
            lists[p["union"].pk, season].append(p)
        made = []
        for rows in lists.values():
            made += bulk.record_many(self.actor_for(rows[0]["union"]), rows)
        cancelled = again = 0
        for record in made:
            late = record.given_on > self.today - dt.timedelta(days=3)
            if not record.amount or late or r.random() >= 0.006:
                continue
            day = min(record.given_on + dt.timedelta(days=r.randint(1, 10)), self.today)
            reason = r.choice(CANCEL_REASONS)
            actor = self.actor_for(record.union)
            records.cancel(actor, record, {"reason": reason})
            cancelled += 1
            campaign = record.campaign
            if reason == REISSUE and (campaign is None or day <= campaign.ends_on):
                data = {f: getattr(record, f) for f in (
                    "union", "file", "campaign", "name", "kind", "amount", "goods", "fund_source",
                    "school", "declared_income", "note",
                )}  # fmt: skip
                data["id_number"] = crypto.decrypt(record.id_number_encrypted)
                records.record(actor, {**data, "given_on": day, "card": self.bank_card()[1]})
                again += 1
        return len(made) + again, cancelled

    def build(self, files=None):
        self.load()
        if files is None:
            files = round(FILES * len(self.memberships) / MEMBERS)
        stories = self.play_files(files)
        periods = {season: (first, last) for season, _n, first, last in season_plan(self.year)}
        self.plan_payments(stories, periods)
        self.make_campaigns(periods)
        made, cancelled = self.make_records()
        return {
            "files": len(stories),
            "statuses": Counter(s.file.status for s in stories),
            "household_members": HouseholdMember.objects.count(),
            "visits": HomeVisit.objects.count(),
            "campaigns": len(self.campaigns),
            "records": made,
            "cancelled": cancelled,
            "amount": AssistanceRecord.objects.active().aggregate(s=Sum("amount"))["s"],
        }


@transaction.atomic
def build_assistance(seed=SEED, files=None):
    """Hardship files, this year's campaigns and their records; returns what was made.
    `files` defaults to FILES scaled to the members the demo has."""
    with request_context(via="cli"):
        return Builder(seed, timezone.localdate()).build(files)
