"""The demo province's help for workers in hardship (困难职工帮扶): about 3,000 household
files in every state of their life, this year's four campaigns (四季送) allocated down the
tree, and the assistance paid from them and outside them.

Written with bulk inserts, as demo/members.py writes members: replaying each file's
history through the services costs about 2.5 ms a step on SQLite and 5 ms on PostgreSQL,
and the histories are some 40,000 steps. What is written is what the services would
have written, step by step:

- ID and card numbers encrypted, blind-indexed and masked as the services store them;
  household members with valid ID numbers whose birth dates fit their relation and work
  (children of school age are students); incomes in Decimal yuan, the income per head
  computed as `files.apply` computes it.
- Dates that follow the rules: a public notice of at least five working days counted
  with the holiday calendar, filing on a working day after it, visits at most six months
  apart (but for a few overdue households, so the worklist has work), an annual review
  each year, exit after its notice, closing after six months of follow-up with a
  follow-up visit. No step lies in the future.
- Each step an audit event with the changes and note its service writes, dated when the
  step was taken, with the demo login who works there as its actor (jiceng for its
  union, xian for the county, shi and sheng for the city and the province) or the demo.
- Records within their campaign's period and rules; every budget is planned from the
  season's payments below it, those still to come included, plus a margin.
"""

import datetime as dt
import random
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
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
from gonghui.assistance.services.campaigns import CAMPAIGN_AUDIT_FIELDS
from gonghui.assistance.services.files import (
    FILE_AUDIT_FIELDS,
    FOLLOW_UP_MONTHS,
    NOTICE_WORKDAYS,
    REVIEW_MONTHS,
    VISIT_BY_STATUS,
    add_months,
)
from gonghui.assistance.services.records import RECORD_AUDIT_FIELDS
from gonghui.calendar import workdays
from gonghui.core import audit, crypto
from gonghui.core.context import current, request_context
from gonghui.core.models import AuditEvent
from gonghui.core.sealed import id_number_fields
from gonghui.demo.builder import ACTOR, BATCH, SEED
from gonghui.demo.members import MEMBERS
from gonghui.lib.identity import mask_card
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
STATES = [
    (S.APPLIED, 2.5),
    (S.REVIEWED, 1.5),
    (S.VISITED, 1.5),
    (S.NOTICE, 2),
    (S.REJECTED, 4),
    (S.FILED, 46),
    (S.EXIT_NOTICE, 1.5),
    (S.FOLLOW_UP, 6),
    (S.CLOSED, 28),
    (S.REMOVED, 7),
]
REOPENED = 2  # households whose hardship returned after their file was closed
# How removed files ended (an objection during the notice is a re-assessment too).
REMOVALS = [("death", 30), ("reassessed", 40), ("objection", 15), ("other", 15)]
CAUSES = [
    (Cause.ILLNESS, 38),
    (Cause.DISABILITY, 12),
    (Cause.SCHOOLING, 15),
    (Cause.UNEMPLOYMENT, 14),
    (Cause.ACCIDENT, 8),
    (Cause.DISASTER, 3),
    (Cause.OTHER, 10),
]
STANDARDS = [("county", 45), ("city", 35), ("province", 15), ("national", 5)]
HOUSING = [("rented", 40), ("owned", 35), ("public", 20), ("other", 5)]
INSURANCE = [("employee", 75), ("resident", 22), ("none", 3)]
BANKS = [
    ("中国工商银行", "622202"),
    ("中国农业银行", "622848"),
    ("中国建设银行", "621700"),
    ("中国银行", "621661"),
    ("中国邮政储蓄银行", "621799"),
    ("四川农信", "621458"),
    ("成都农商银行", "623189"),
]
WHO = {
    Relation.SELF: "本人",
    Relation.SPOUSE: "配偶",
    Relation.CHILD: "子女",
    Relation.PARENT: "父母亲",
    Relation.SIBLING: "弟妹",
    Relation.GRANDCHILD: "孙辈",
}
SITUATIONS = {
    Cause.ILLNESS: (
        "{who}患尿毒症，每周透析三次，医保报销后自付费用仍高。",
        "{who}确诊肺癌，正在化疗，家庭积蓄已用尽。",
        "{who}患糖尿病并发症，长期服药。",
        "{who}脑梗后偏瘫，需要专人照料。",
    ),
    Cause.DISABILITY: (
        "{who}因工伤致残，丧失大部分劳动能力。",
        "{who}肢体残疾，生活不能完全自理。",
        "{who}视力残疾，只能从事简单劳动。",
    ),
    Cause.SCHOOLING: (
        "{who}在读，学费和生活费负担重。",
        "{who}在外地读书，每年学费和生活费上万元。",
    ),
    Cause.UNEMPLOYMENT: (
        "{who}所在企业停产裁员，失业后尚未再就业。",
        "{who}长期失业，仅靠打零工维持生活。",
    ),
    Cause.ACCIDENT: (
        "{who}在交通事故中受重伤，暂时无法工作。",
        "{who}在工地摔伤致残，住院治疗半年。",
    ),
    Cause.DISASTER: (
        "住房在暴雨引发的山洪中严重受损。",
        "住房在地震中受损，需要维修加固。",
    ),
    Cause.OTHER: (
        "家庭收入低，房租和生活开支大，入不敷出。",
        "收入微薄，家庭开支大，生活困难。",
    ),
}
SINGLE_PARENT = "单亲家庭，{who}独自抚养子女。"
ELDERS = "父母年老多病，需要照料，家庭负担重。"
VERIFIED = (
    "家庭成员、收入和住房情况与申请材料一致。",
    "经入户核实，困难情况属实，邻里反映一致。",
    "查看了病历和医疗费票据，情况属实。",
)
REGULAR = (
    "家庭情况无明显变化，子女学习正常。",
    "病情稳定，医疗费用负担仍较重。",
    "已帮助联系社区申请临时救助。",
    "户主已找到临时工作，收入略有增加。",
    "送去米油，了解近期生活情况。",
)
FOLLOW_UP = (
    "已稳定就业，收入正常，无返困风险。",
    "家庭收入稳定，子女已参加工作。",
    "生活恢复正常，继续保持联系。",
)
EXIT_NOTES = (
    "户主实现再就业，家庭人均收入超过困难职工认定标准。",
    "子女大学毕业参加工作，家庭收入明显增加。",
    "病情好转，医疗负担减轻，收入稳定。",
)
REJECT_NOTES = (
    "家庭人均月收入高于困难职工认定标准。",
    "家庭拥有两套住房和车辆，不符合建档条件。",
    "申请材料不全，逾期未补正。",
)
REMOVAL_NOTES = {
    "death": "户主因病去世。",
    "reassessed": "复核发现家庭人均收入已超过认定标准。",
    "objection": "公示期间收到实名反映，经核实家庭有经营性收入，不符合条件。",
    "other": "户主工作调动，全家迁出本地。",
}
REISSUE = "银行卡号有误，作废后重新发放。"
CANCEL_REASONS = (REISSUE, "发放对象已在其他单位领取，作废。")
UNIVERSITIES = [
    ("四川大学", 5000),
    ("电子科技大学", 5000),
    ("西南交通大学", 5000),
    ("西南财经大学", 5000),
    ("四川农业大学", 5000),
    ("西南石油大学", 5000),
    ("成都理工大学", 5000),
    ("四川师范大学", 5000),
    ("西华大学", 5000),
    ("西南科技大学", 5000),
    ("成都大学", 5000),
    ("成都职业技术学院", 3000),
    ("四川交通职业技术学院", 3000),
    ("四川建筑职业技术学院", 3000),
    ("四川卫生康复职业学院", 3000),
]
OUTDOOR = ("环卫工人", "建筑工人", "交通协管员", "园林绿化工人")
AUTUMN_RULES = {
    "income_limit": Decimal("1500.00"),  # households not on file: under this a head
    "one_grant_per_person": True,
    "requires_school": True,
}
# What a reopened file takes over from the old one (files.reopen).
REOPEN_FIELDS = (
    "category",
    "standard_level",
    "main_cause",
    "other_causes",
    "situation",
    "housing",
    "medical_insurance",
    "bank_name",
    "bank_card_encrypted",
    "bank_card_masked",
)
# What the demo reads of the members' persons.
PERSON_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "employment_form",
    "id_number_encrypted",
    "id_number_index",
    "id_number_masked",
)
WALK_THROUGH = Decimal(3000)  # room in jiceng's union's 冬送温暖 for the demo's own payment


def season_plan(year):
    """This year's 四季送: (season, name, first day, last day). 冬送温暖 runs from November
    through the New Year and the Spring Festival (两节) of the year after."""
    end_of_february = dt.date(year + 1, 3, 1) - DAY
    return [
        (Season.SPRING, f"{year}年春送岗位", dt.date(year, 2, 1), dt.date(year, 4, 30)),
        (Season.SUMMER, f"{year}年夏送清凉", dt.date(year, 6, 1), dt.date(year, 9, 30)),
        (Season.AUTUMN, f"{year}年金秋助学", dt.date(year, 7, 1), dt.date(year, 10, 31)),
        (Season.WINTER, f"{year}年冬送温暖", dt.date(year, 11, 1), end_of_february),
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


def backdate(model, objs, field, moments):
    """Set a time the database stamped on creation (auto_now_add) to when it happened.

    One statement run for every row (executemany), the value prepared by the field as the
    ORM would store it: bulk_update's CASE over the ids costs ten times as much here."""
    column = model._meta.get_field(field)
    table, pk = model._meta.db_table, model._meta.pk.column
    sql = f"UPDATE {table} SET {column.column} = %s WHERE {pk} = %s"
    rows = []
    for obj, at in zip(objs, moments, strict=True):
        setattr(obj, field, at)
        rows.append((column.get_db_prep_value(at, connection), obj.pk))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH * 10):
            cursor.executemany(sql, rows[start : start + BATCH * 10])


class Trail:
    """Audit events as the services write them, dated when each step was taken."""

    def __init__(self):
        self.rows = []

    def add(self, obj, action, changes, note, at, actor):
        self.rows.append((at, obj, action, changes, note, actor))

    def write(self):
        ctx = current()
        types, names, events = {}, {}, []
        self.rows.sort(key=lambda row: row[0])
        for at, obj, action, changes, note, actor in self.rows:
            model = type(obj)
            if model not in types:
                types[model] = ContentType.objects.get_for_model(model, for_concrete_model=False)
            if id(obj) not in names:
                names[id(obj)] = str(obj)[:200]
            events.append(
                AuditEvent(
                    at=at,
                    actor=actor,
                    actor_name=actor.get_username() if actor else ACTOR,
                    action=action,
                    content_type=types[model],
                    object_id=obj.pk,
                    object_repr=names[id(obj)],
                    changes=changes,
                    note=note() if callable(note) else note,
                    request_id=ctx.request_id,
                    ip=ctx.ip,
                    via=ctx.via,
                )
            )
        audit.write(events)  # chained by hash, dated when each step was taken
        return len(events)


class Numbers:
    """Unique, valid ID numbers (none of them a registered person's) and card numbers."""

    def __init__(self, rng, taken):
        self.rng, self.taken, self.seen = rng, taken, set()

    def id_number(self, prefix, birth, male):
        while True:
            seq = self.rng.randrange(500) * 2 + (1 if male else 0)  # odd for men
            body = f"{prefix}{birth:%Y%m%d}{seq:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.seen and crypto.blind_index(number) not in self.taken:
                self.seen.add(number)
                return number

    def card(self):
        bank, prefix = self.rng.choice(BANKS)
        return bank, prefix + "".join(str(self.rng.randrange(10)) for _i in range(13))


@dataclass
class Draft:
    """A household member being made up: what becomes a HouseholdMember row."""

    relation: str
    name: str
    number: str
    birth: dt.date
    work: str
    health: str = Health.HEALTHY
    disability: str = ""
    income: int = 0


@dataclass
class Recipient:
    name: str
    number: str
    person: Person | None = None
    story: "Story | None" = None


class Story:
    """One household's file, its steps taken in order as the services would take them."""

    def __init__(self, b, membership, number, target, removal=""):
        self.b, self.m, self.target, self.removal = b, membership, target, removal
        self.person = membership.person
        self.number = number  # the head's ID number
        self.union = membership.union
        self.actor = b.actor_for(self.union)
        self.file = None
        self.rows, self.numbers = [], {}  # household rows; id index → ID number
        self.visits, self.visit_times = [], []
        self.history = []  # (date, status)
        self.created_at = self.last_at = None
        self.reopens = None

    def event(self, on, action, changes, note=""):
        at = self.b.moment(on)
        if self.last_at is not None and at <= self.last_at:
            at = min(self.last_at + dt.timedelta(minutes=self.b.rng.randint(3, 40)), self.b.now)
        self.last_at = at
        self.b.trail.add(self.file, action, changes, note, at, self.actor)
        return at

    # --- the steps, as services/files.py takes them ----------------------------------

    def apply(self, on):
        old = self.reopens
        f = self.file = HardshipFile(
            union=self.union,
            head=self.person,
            applied_on=on,
            created_by=self.actor,
            reopens=old.file if old else None,
        )
        if old is None:
            self.b.describe(self, on)
        else:  # files.reopen: the old file's description and household taken over
            for field in REOPEN_FIELDS:
                setattr(f, field, getattr(old.file, field))
            self.numbers = old.numbers
            self.rows = [self.b.copy_row(row, old.numbers) for row in old.rows]
        total = sum((r.monthly_income for r in self.rows), Decimal(0))
        f.income_per_head = (total / len(self.rows)).quantize(Decimal("0.01"))
        note = (lambda: _("Reopens file %(file)s.") % {"file": old.file.pk}) if old else ""
        changes = audit.diff({}, audit.snapshot(f, FILE_AUDIT_FIELDS))
        self.created_at = self.event(on, AuditEvent.Action.CREATE, changes, note)
        self.history.append((on, S.APPLIED))

    def step(self, on, status, note="", fields=()):
        f = self.file
        before, f.status = f.status, status
        changes = {"status": [before, status]} if before != status else {}
        for name in fields:
            value = audit.display(getattr(f, name))
            if value:
                changes[name] = ["", value]
        if before != status:
            self.history.append((on, status))
        return self.event(on, AuditEvent.Action.UPDATE, changes, note)

    def review(self, on, accepted=True, note=""):
        self.file.reviewed_on = on
        if accepted:
            self.step(on, S.REVIEWED, note, ["reviewed_on"])
        else:
            self.file.closed_on = on
            self.step(on, S.REJECTED, note, ["reviewed_on", "closed_on"])

    def visit(self, on, findings):
        f = self.file
        kind, status = VISIT_BY_STATUS[f.status]
        visit = HomeVisit(
            file=f,
            kind=kind,
            visited_on=on,
            visitors=f"{self.union.chair}、{self.b.fake.name()}",
            findings=self.b.rng.choice(findings),
            recorded_by=self.actor,
        )
        fields = []
        if f.last_visit_on is None or on > f.last_visit_on:
            f.last_visit_on = on
            fields.append("last_visit_on")
        note = self.b.visit_note % {
            "kind": self.b.visit_kinds[kind],
            "date": on.isoformat(),
            "visitors": visit.visitors,
            "findings": visit.findings,
        }
        self.visits.append(visit)
        self.visit_times.append(self.step(on, status, note, fields))

    def notice(self, on, days=NOTICE_WORKDAYS):
        f = self.file
        f.notice_from, f.notice_until = on, self.b.cal.period_end(on, days)
        self.step(on, S.NOTICE, "", ["notice_from", "notice_until"])

    def file_household(self, on):
        self.file.filed_on = on
        self.step(on, S.FILED, "公示期内无异议。", ["filed_on"])

    def annual_review(self, on):
        f = self.file
        f.last_review_on = on
        fields = ["last_review_on"]
        if f.category != Category.ACCIDENT and self.b.rng.random() < 0.08:
            f.category = Category.RELATIVE if f.category == Category.DEEP else Category.DEEP
            fields.append("category")
        self.step(on, S.FILED, "年度复核，仍符合建档条件。", fields)

    def start_exit(self, on):
        f = self.file
        f.exit_notice_from = on
        f.exit_notice_until = self.b.cal.period_end(on, NOTICE_WORKDAYS)
        note = self.b.rng.choice(EXIT_NOTES)
        self.step(on, S.EXIT_NOTICE, note, ["exit_notice_from", "exit_notice_until"])

    def confirm_exit(self, on):
        f = self.file
        f.exited_on, f.follow_up_until = on, add_months(on, FOLLOW_UP_MONTHS)
        self.step(on, S.FOLLOW_UP, "脱困公示期满无异议。", ["exited_on", "follow_up_until"])

    def close(self, on):
        self.file.closed_on = on
        self.step(on, S.CLOSED, "跟踪回访期满，家庭收入稳定，予以销档。", ["closed_on"])

    def remove(self, on, reason):
        f = self.file
        f.removal_reason = "reassessed" if reason == "objection" else reason
        f.closed_on = on
        if f.status in HardshipFile.ON_FILE:
            f.exited_on = on
        fields = ["removal_reason", "closed_on", "exited_on"]
        self.step(on, S.REMOVED, REMOVAL_NOTES[reason], fields)

    # --- histories -------------------------------------------------------------------

    def intake(self, applied, upto, gaps):
        """Application, review, verification visit, notice and filing, up to `upto`;
        `gaps` in working days between them (see Builder.gaps)."""
        b = self.b
        self.apply(applied)
        if upto == S.APPLIED:
            return
        self.review(b.wd(applied, gaps[0]), note=b.rng.choice(("", "材料齐全，同意入户核查。")))
        if upto == S.REVIEWED:
            return
        self.visit(b.wd(self.file.reviewed_on, gaps[1]), VERIFIED)
        if upto == S.VISITED:
            return
        days = NOTICE_WORKDAYS if b.rng.random() < 0.85 else 7
        self.notice(b.wd(self.file.last_visit_on, gaps[2]), days)
        if upto == S.NOTICE:
            return
        self.file_household(b.wd(self.file.notice_until, gaps[3]))

    def intake_ending(self, upto, last):
        """An intake whose step `upto` (applied … notice) was taken on the working day
        `last`: the earlier steps counted back from it."""
        gaps = self.b.gaps()
        chain = [S.APPLIED, S.REVIEWED, S.VISITED, S.NOTICE]
        day = last
        for gap in reversed(gaps[: chain.index(upto)]):
            day = self.b.wd(day, -gap)
        self.intake(day, upto, gaps)

    def filed_from(self, applied):
        self.intake(applied, S.FILED, self.b.gaps())

    def on_file(self, until, late_visit=False, late_review=False):
        """Regular visits at most six months apart and a review each year, up to
        `until`; a late household's last visit or review is overdue by then."""
        b, f, rng = self.b, self.file, self.b.rng
        steps = []
        stop = until - dt.timedelta(days=rng.randint(190, 280)) if late_visit else until
        day = f.last_visit_on
        while True:
            day = b.workday_before(day + dt.timedelta(days=rng.randint(75, 178)))
            if day <= f.filed_on:
                day = b.wd(f.filed_on, 5)
            if day > stop:
                break
            steps.append((day, "visit"))
        stop = until - dt.timedelta(days=rng.randint(380, 440)) if late_review else until
        day = f.filed_on
        while True:
            due = add_months(day, REVIEW_MONTHS)
            day = b.workday_before(due - dt.timedelta(days=rng.randint(0, 25)))
            if day > stop:
                break
            steps.append((day, "review"))
        for day, what in sorted(steps):
            if what == "visit":
                self.visit(day, REGULAR)
            else:
                self.annual_review(day)

    def exit(self, start, exited=None, closed=None):
        """Exit notice from `start`; then the exit, follow-up visits and the closing."""
        b, rng = self.b, self.b.rng
        self.start_exit(start)
        if exited is None:
            return
        self.confirm_exit(exited)
        last = min(self.file.follow_up_until - DAY, b.today)
        day = exited
        for _i in range(rng.randint(1, 2)):
            day = b.workday_before(day + dt.timedelta(days=rng.randint(25, 80)))
            if day > last:
                break
            self.visit(day, FOLLOW_UP)
        if closed is not None:
            if not any(v.kind == HomeVisit.Kind.FOLLOW_UP for v in self.visits):
                on = b.workday_before(self.file.follow_up_until - dt.timedelta(days=10))
                self.visit(on, FOLLOW_UP)
            self.close(closed)

    def play(self):
        """Take the file through its life to its state today."""
        b, rng, t, today = self.b, self.b.rng, self.target, self.b.today

        def ago(low, high):
            return b.workday_before(today - dt.timedelta(days=rng.randint(low, high)))

        def filed_before(day, low, high):
            self.filed_from(b.workday_before(day - dt.timedelta(days=rng.randint(low, high))))

        if t in (S.APPLIED, S.REVIEWED, S.VISITED, S.NOTICE):
            self.intake_ending(t, b.recent({S.NOTICE: 9, S.APPLIED: 14}.get(t, 12)))
        elif t == S.REJECTED:
            reviewed = ago(3, 3 * YEAR)
            self.apply(b.wd(reviewed, -rng.randint(2, 8)))
            self.review(reviewed, accepted=False, note=rng.choice(REJECT_NOTES))
        elif t == S.FILED:
            # Most households were filed a year or two ago; some long ago, some lately.
            back = int(rng.triangular(70, 5 * YEAR, YEAR))
            filed_before(today, back, back)
            self.on_file(today, late_visit=rng.random() < 0.12, late_review=rng.random() < 0.06)
        elif t == S.EXIT_NOTICE:
            start = b.recent(8)
            filed_before(start, 210, 960)
            self.on_file(start - DAY)
            self.exit(start)
        elif t in (S.FOLLOW_UP, S.CLOSED):
            closed = None
            if t == S.FOLLOW_UP:
                exited = ago(3, 210)
            else:
                exited = ago(190, 1000)
                until = add_months(exited, FOLLOW_UP_MONTHS)
                closed = b.wd(until + dt.timedelta(days=rng.randint(0, 20)) - DAY, 1)
                if closed > today:
                    closed = until
            start = b.wd(exited, -rng.randint(NOTICE_WORKDAYS, 8))
            filed_before(start, 210, 960)
            self.on_file(start - DAY)
            self.exit(start, exited, closed)
        elif self.removal == "death":
            died = self.m.ended_on  # applied while a member, some months before the death
            filed_before(died, 260, min(960, (died - self.m.joined_on).days - 10))
            self.on_file(died)
            self.remove(min(b.wd(died, rng.randint(3, 20)), today), "death")
        elif self.removal == "objection":
            noticed = ago(20, 3 * YEAR)
            self.intake_ending(S.NOTICE, noticed)
            self.remove(b.wd(noticed, rng.randint(2, 4)), "objection")
        else:
            removed = ago(5, 3 * YEAR)
            filed_before(removed, 210, 960)
            self.on_file(removed - DAY)
            self.remove(removed, self.removal)

    def grow_up(self):
        """Children's work as of the file's last day (its closing, or today): the little
        ones start school, students who finished look for work. No income changes."""
        as_of = self.file.closed_on or self.b.today
        for row in self.rows:
            years = age(row.birth_date, as_of)
            if row.work == Work.PRESCHOOL and years >= 6:
                row.work = Work.STUDENT
            elif row.work == Work.STUDENT and years >= 23:
                row.work = Work.UNEMPLOYED

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
        self.today = today
        self.year = today.year
        self.now = timezone.now()
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.cal = workdays.calendar()
        self.trail = Trail()
        # Translated once: the note files.record_visit writes, and the kinds of visit.
        self.visit_note = _("%(kind)s on %(date)s by %(visitors)s: %(findings)s")
        self.visit_kinds = {kind: str(label) for kind, label in HomeVisit.Kind.choices}

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

    def moment(self, day):
        """A time in office hours on `day`, never later than now."""
        r = self.rng
        at = dt.time(r.randint(8, 17), r.randrange(60), r.randrange(60))
        return min(dt.datetime.combine(day, at, tzinfo=self.tz), self.now)

    def gift_day(self, first, last, shape=1.0):
        """A day from `first` to `last` (earlier the larger `shape`), a working day where
        one is near."""
        day = first + dt.timedelta(days=int((last - first).days * self.rng.random() ** shape))
        before = self.workday_before(day)
        return before if before >= first else day

    # --- who is there ----------------------------------------------------------------

    def load(self):
        self.users = {u.username: u for u in User.objects.select_related("union").order_by("pk")}
        self.jiceng, self.xian = self.users["jiceng"], self.users["xian"]
        self.unions = {u.pk: u for u in TradeUnion.objects.select_related("region").order_by("pk")}
        self.province = next(u for u in self.unions.values() if u.parent_id is None)
        self.county_of, self.city_of = {}, {}  # union pk → the federation above (or itself)
        for union in self.unions.values():
            for pk in map(int, union.path.strip("/").split("/")):
                above = self.unions[pk]
                if above.kind != TradeUnion.Kind.FEDERATION:
                    continue
                if above.region.level == Region.Level.COUNTY:
                    self.county_of[union.pk] = above
                elif above.region.level == Region.Level.PREFECTURE:
                    self.city_of[union.pk] = above
        self.counties = sorted(set(self.county_of.values()), key=lambda u: u.pk)
        self.cities = sorted(set(self.city_of.values()), key=lambda u: u.pk)
        person_fields = [f"person__{name}" for name in PERSON_FIELDS]
        self.memberships = list(
            Membership.objects.select_related("person")
            .only("union", "joined_on", "ended_on", "status", *person_fields)
            .order_by("pk")
        )
        for m in self.memberships:
            m.union = self.unions[m.union_id]
        taken = set(Person.objects.values_list("id_number_index", flat=True))
        self.numbers = Numbers(self.rng, taken)
        self.prefixes = sorted(
            Region.objects.filter(code__startswith="51", level="county").values_list(
                "code", flat=True
            )
        )
        self.firms = defaultdict(list)
        for name, region in Employer.objects.order_by("pk").values_list("name", "region_id"):
            self.firms[region[:6]].append(name)

    def actor_for(self, union):
        """The demo login who works for `union` or for the county above it, else None
        (the demo itself)."""
        for user in self.users.values():
            if user.union_id == union.pk:
                return user
        if union.path.startswith(self.xian.union.path):
            return self.xian
        return None

    # --- households ------------------------------------------------------------------

    def income(self, work):
        low, high = {
            Work.EMPLOYED: (1800, 3600),
            Work.FLEXIBLE: (800, 2600),
            Work.RETIRED: (1700, 3000),
        }.get(work, (0, 0))
        return self.rng.randint(low // 10, high // 10) * 10

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
        number = self.numbers.id_number(place or story.number[:6], birth, male)
        return Draft(relation, name + given, number, birth, work)

    def describe(self, story, on):
        """The household, causes, housing and card of an application made on `on`."""
        r, f, person = self.rng, story.file, story.person
        head_age = age(person.birth_date, on)
        head_male = person.sex == "male"
        if person.employment_form == "gig":
            work = Work.FLEXIBLE
        elif story.m.status == Membership.Status.RETAINED or head_age >= 60:
            work = Work.RETIRED
        else:
            work = Work.EMPLOYED
        head = Draft(Relation.SELF, person.name, story.number, person.birth_date, work)
        family = surname(person.name)  # the children's surname: mostly the father's
        drafts = [head]

        def add(relation, years, male, place=None):
            birth = person.birth_date + dt.timedelta(days=int(years * YEAR))
            if birth < on - DAY:
                draft = self.relative(story, on, relation, birth, male, family, place)
                drafts.append(draft)
                return draft
            return None

        if head_age >= 23 and r.random() < 0.75:
            place = None if r.random() < 0.7 else r.choice(self.prefixes)
            spouse = add(Relation.SPOUSE, r.uniform(-5, 5), not head_male, place)
            if spouse and not head_male and r.random() < 0.85:
                family = surname(spouse.name)
        for _i in range(weighted(r, [(0, 12), (1, 50), (2, 32), (3, 6)])):
            add(Relation.CHILD, r.uniform(22, 36), r.random() < 0.5)
        if head_age <= 50 and r.random() < 0.2:
            add(Relation.PARENT, -r.uniform(24, 32), r.random() < 0.5)
        if head_age >= 52 and r.random() < 0.3:
            add(Relation.GRANDCHILD, r.uniform(48, 56), r.random() < 0.5)
        cause = weighted(r, CAUSES)
        if cause == Cause.SCHOOLING and not any(d.work == Work.STUDENT for d in drafts):
            # A child in school, or a younger brother or sister of a young head.
            relation = Relation.CHILD if head_age >= 36 else Relation.SIBLING
            add(relation, head_age - r.uniform(13, 20), r.random() < 0.5)

        # The member the cause hits hardest.
        grown = [d for d in drafts if d.work not in (Work.STUDENT, Work.PRESCHOOL)]
        who = r.choice(grown)
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
        for d in drafts:
            d.income = self.income(d.work)
        per_head = sum(d.income for d in drafts) / len(drafts)
        cap = 700 if cause in (Cause.ILLNESS, Cause.DISABILITY) and r.random() < 0.5 else 1400
        if per_head > cap:
            factor = cap * r.uniform(0.5, 0.95) / per_head
            for d in drafts:
                d.income = int(d.income * factor) // 10 * 10
            per_head = sum(d.income for d in drafts) / len(drafts)
        if cause in (Cause.ACCIDENT, Cause.DISASTER) and r.random() < 0.8:
            f.category = Category.ACCIDENT  # 意外致困
        else:
            f.category = Category.DEEP if per_head < 750 else Category.RELATIVE
        f.standard_level = weighted(r, STANDARDS)
        f.main_cause = cause
        if cause != Cause.SCHOOLING and any(d.work == Work.STUDENT for d in drafts):
            f.other_causes = [Cause.SCHOOLING] if r.random() < 0.6 else []
        else:
            others = [c for c, _w in CAUSES if c != cause]
            f.other_causes = r.sample(others, r.choice([0, 0, 1]))
        relations = {d.relation for d in drafts}
        text = r.choice(SITUATIONS[cause])
        if cause == Cause.OTHER and Relation.SPOUSE not in relations:
            text = SINGLE_PARENT if Relation.CHILD in relations else text
        elif cause == Cause.OTHER and Relation.PARENT in relations:
            text = ELDERS
        f.situation = (
            text.format(who=WHO[who.relation])
            + f"家庭{len(drafts)}口人，人均月收入约{int(per_head)}元。"
        )
        f.housing = weighted(r, HOUSING)
        f.medical_insurance = weighted(r, INSURANCE)
        if r.random() < 0.9:
            f.bank_name, card = self.numbers.card()
            f.bank_card_encrypted, f.bank_card_masked = crypto.encrypt(card), mask_card(card)
        story.rows = [self.head_row(story, head)] + [self.row(d) for d in drafts[1:]]
        pairs = zip(story.rows, drafts, strict=True)
        story.numbers = {row.id_number_index: d.number for row, d in pairs}

    def head_row(self, story, d):
        """The head's own line: the person's numbers as the registry holds them."""
        person = story.person
        return HouseholdMember(
            relation=Relation.SELF,
            name=person.name,
            id_number_encrypted=person.id_number_encrypted,
            id_number_index=person.id_number_index,
            id_number_masked=person.id_number_masked,
            birth_date=person.birth_date,
            work=d.work,
            monthly_income=yuan(d.income),
            health=d.health,
            disability=d.disability,
        )

    def row(self, d):
        return HouseholdMember(
            relation=d.relation,
            name=d.name,
            **id_number_fields(d.number),
            birth_date=d.birth,
            work=d.work,
            monthly_income=yuan(d.income),
            health=d.health,
            disability=d.disability,
        )

    def copy_row(self, row, numbers):
        """A member taken over into a reopened file, the number encrypted anew."""
        copy = HouseholdMember(
            **{
                f.attname: getattr(row, f.attname)
                for f in HouseholdMember._meta.concrete_fields
                if f.attname not in ("id", "file_id")
            }
        )
        if row.relation != Relation.SELF:
            copy.id_number_encrypted = crypto.encrypt(numbers[row.id_number_index])
        return copy

    # --- files -----------------------------------------------------------------------

    def plan_files(self, total):
        """Stories of `total` households (and the reopened few), played to today."""
        r, today = self.rng, self.today
        counts = {status: max(2, round(total * share / 100)) for status, share in STATES}
        counts[S.FILED] = max(1, total - sum(n for s, n in counts.items() if s != S.FILED))
        current = [m for m in self.memberships if m.status in Membership.CURRENT]
        joined_by = today - dt.timedelta(days=6 * YEAR + 30)
        born_by = today - dt.timedelta(days=26 * YEAR)

        def may_head(m):
            return m.joined_on <= joined_by and m.person.birth_date <= born_by

        # jiceng's union: a household on file and a closed one, the other members free to
        # apply (the demo's walk-through opens a file there).
        home = [m for m in current if m.union_id == self.jiceng.union_id]
        eligible = [m for m in home if may_head(m)]
        forced = [S.FILED, S.CLOSED][: min(len(home) // 4, len(eligible))]
        pool = [
            m
            for m in current
            if m.union_id != self.jiceng.union_id
            and m.union.kind != TradeUnion.Kind.INDUSTRY
            and may_head(m)
        ]
        dead = [
            m
            for m in self.memberships
            if m.status == Membership.Status.DECEASED
            and m.union_id != self.jiceng.union_id
            and m.ended_on
            and today - dt.timedelta(days=int(3.5 * YEAR)) <= m.ended_on <= today
            and m.joined_on <= m.ended_on - dt.timedelta(days=330)
            and m.person.birth_date <= m.ended_on - dt.timedelta(days=28 * YEAR)
        ]
        targets = [status for status, n in counts.items() for _i in range(n)]
        for status in forced:
            targets.remove(status)
        r.shuffle(targets)
        removed = targets.count(S.REMOVED)
        reasons = [x for x, w in REMOVALS for _i in range(max(1, round(removed * w / 100)))]
        r.shuffle(reasons)
        reasons = (reasons + ["reassessed"] * removed)[:removed]
        deaths = min(reasons.count("death"), len(dead))
        for i in [i for i, x in enumerate(reasons) if x == "death"][deaths:]:
            reasons[i] = "reassessed"
        dying = iter(r.sample(dead, deaths))
        living = iter(r.sample(pool, len(targets) - deaths))
        reasons = iter(reasons)
        plans = []
        for target in targets:
            reason = next(reasons) if target == S.REMOVED else ""
            plans.append((next(dying) if reason == "death" else next(living), target, reason))
        plans += [(m, status, "") for m, status in zip(eligible, forced, strict=False)]
        plans.sort(key=lambda plan: plan[0].pk)

        stories = []
        for membership, target, reason in plans:
            number = crypto.decrypt(membership.person.id_number_encrypted)
            story = Story(self, membership, number, target, reason)
            story.play()
            story.grow_up()
            stories.append(story)

        # Hardship returned to a few closed households: a new application (files.reopen).
        ended = [
            s
            for s in stories
            if s.file.status in (S.CLOSED, S.REMOVED)
            and s.file.removal_reason != HardshipFile.Removal.DEATH
            and s.file.closed_on <= today - dt.timedelta(days=160)
        ]
        reopened = []
        again = r.sample(ended, min(REOPENED, len(ended)))
        for old, target in zip(again, [S.FILED, S.NOTICE], strict=False):
            story = Story(self, old.m, old.number, target)
            story.reopens = old
            if target == S.FILED:
                days = r.randint(70, (today - old.file.closed_on).days - 30)
                story.filed_from(self.workday_before(today - dt.timedelta(days=days)))
                story.on_file(today)
            else:
                story.intake_ending(S.NOTICE, self.recent(9))
            story.grow_up()
            reopened.append(story)
        return stories, reopened

    def write_files(self, stories):
        plain = [s for s in stories if s.reopens is None]
        for group in (plain, [s for s in stories if s.reopens is not None]):
            HardshipFile.objects.bulk_create([s.file for s in group], batch_size=BATCH)
        rows, visits, visit_times = [], [], []
        for story in stories:
            for row in story.rows:
                row.file = story.file
            rows += story.rows
            visits += story.visits
            visit_times += story.visit_times
        HouseholdMember.objects.bulk_create(rows, batch_size=BATCH)
        HomeVisit.objects.bulk_create(visits, batch_size=BATCH)
        files = [s.file for s in stories]
        backdate(HardshipFile, files, "created_at", [s.created_at for s in stories])
        backdate(HomeVisit, visits, "recorded_at", visit_times)
        return len(rows), len(visits)

    # --- payments --------------------------------------------------------------------

    def pay(self, season, union, kind, amount, day, to, fund=Fund.HIGHER, **extra):
        """A payment from this year's campaign of `season` at `union` (None: outside the
        campaigns). One still to come counts in the budget only."""
        if season is not None:
            self.need[season][union.pk] += yuan(amount)
        if day <= self.today:
            payment = {"season": season, "union": union, "kind": kind, "amount": yuan(amount)}
            self.payments.append(payment | {"given_on": day, "to": to, "fund": fund, **extra})

    def member(self, m):
        person = m.person
        if person.pk not in self.plain:
            self.plain[person.pk] = crypto.decrypt(person.id_number_encrypted)
        return Recipient(person.name, self.plain[person.pk], person)

    def household_member(self, story, row):
        person = story.person if row.relation == Relation.SELF else None
        return Recipient(row.name, story.numbers[row.id_number_index], person, story)

    def stranger(self, county, born_from, born_to):
        """A worker not in the registry: a name and an ID number that fit together."""
        male = self.rng.random() < 0.6
        birth = born_from + dt.timedelta(days=self.rng.randrange((born_to - born_from).days))
        name = self.fake.name_male() if male else self.fake.name_female()
        return Recipient(name, self.numbers.id_number(county.region_id[:6], birth, male))

    def some(self, expected):
        """A whole number whose mean is `expected` (small demos get a few too)."""
        return int(expected + self.rng.random())

    def card(self, share=0.6):
        return {"card": self.numbers.card()[1]} if self.rng.random() < share else {}

    def plan_payments(self, stories, periods):
        self.need = {season: Counter() for season in periods}
        self.payments, self.plain = [], {}
        heads = {s.person.pk for s in stories}
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

    def winter(self, helped, first, last):
        """冬送温暖: households on file and in follow-up from their union's share; model
        workers from the province and the cities; gig and outdoor workers by counties."""
        pay = partial(self.pay, Season.WINTER)
        r = self.rng
        for s in helped:
            day = max(self.gift_day(first, last, 1.6), self.wd(s.file.filed_on, 1))
            if day > last:
                continue
            amount = {Category.DEEP: 1500, Category.RELATIVE: 1000}.get(s.file.category, 1200)
            if s.file.status == S.FOLLOW_UP:
                amount = 500
            goods = r.choice(("", "", "大米、食用油", "棉被、大米"))
            head = self.household_member(s, s.rows[0])
            pay(s.union, Kind.SEASONAL, amount, day, head, goods=goods)
        everyone = [m for ms in self.workers.values() for m in ms]
        for m in r.sample(everyone, min(len(everyone), max(2, len(helped) // 20))):
            title, amount = r.choice([("全国劳动模范", 2000), ("四川省劳动模范", 1500)])
            day = self.gift_day(first, last, 1.6)
            pay(
                self.province,
                Kind.SEASONAL,
                amount,
                day,
                self.member(m),
                fund=Fund.UNION,
                note=title,
                **self.card(),
            )
        for city in self.cities:
            ms = self.by_city[city.pk]
            for m in r.sample(ms, min(len(ms), self.some(len(ms) / 1500))):
                day = self.gift_day(first, last, 1.6)
                note = f"{city.region.name}劳动模范"
                pay(city, Kind.SEASONAL, 1000, day, self.member(m), note=note, **self.card())
        for county in self.counties:
            gig = self.gig[county.pk]
            for m in r.sample(gig, len(gig) * 2 // 5):
                cash = r.random() < 0.5
                goods = "保温杯、手套" if cash else "羽绒服、暖宝宝"
                day = self.gift_day(first, last, 1.6)
                pay(
                    county,
                    Kind.SEASONAL,
                    200 if cash else 0,
                    day,
                    self.member(m),
                    goods=goods,
                    note="新就业形态劳动者",
                )
            for _i in range(self.some(len(self.workers[county.pk]) / 400)):
                who = self.stranger(county, dt.date(1962, 1, 1), dt.date(1995, 1, 1))
                day = self.gift_day(first, last, 1.6)
                pay(county, Kind.SEASONAL, 300, day, who, goods="棉大衣", note=r.choice(OUTDOOR))

    def summer(self, first, last):
        """夏送清凉: gig and outdoor workers by counties, workers in the heat by cities."""
        pay = partial(self.pay, Season.SUMMER)
        r = self.rng
        for county in self.counties:
            gig = self.gig[county.pk]
            for m in r.sample(gig, len(gig) * 3 // 5):
                amount = 100 if r.random() < 0.4 else 0
                pay(
                    county,
                    Kind.SEASONAL,
                    amount,
                    self.gift_day(first, last),
                    self.member(m),
                    goods="防暑降温用品（藿香正气液、绿豆、毛巾）",
                    note="新就业形态劳动者",
                )
            for _i in range(self.some(len(self.workers[county.pk]) / 250)):
                who = self.stranger(county, dt.date(1962, 1, 1), dt.date(2000, 1, 1))
                pay(
                    county,
                    Kind.SEASONAL,
                    150,
                    self.gift_day(first, last),
                    who,
                    goods="防暑降温用品",
                    note=r.choice(OUTDOOR),
                )
        for city in self.cities:
            ms = self.by_city[city.pk]
            for m in r.sample(ms, min(len(ms), self.some(len(ms) / 2000))):
                pay(
                    city,
                    Kind.SEASONAL,
                    300,
                    self.gift_day(first, last),
                    self.member(m),
                    note="高温作业岗位职工",
                )

    def autumn(self, stories, first, last):
        """金秋助学: this year's freshmen of households on file, and of members' households
        under the income limit; one grant each, paid by the counties."""
        pay = partial(self.pay, Season.AUTUMN)
        r = self.rng
        oldest, youngest = dt.date(self.year - 19, 9, 2), dt.date(self.year - 17, 9, 1)
        for s in stories:
            if s.file.status not in HardshipFile.ON_FILE:
                continue
            for row in s.rows:
                if (
                    row.relation in (Relation.CHILD, Relation.GRANDCHILD, Relation.SIBLING)
                    and oldest <= row.birth_date < youngest
                    and r.random() < 0.75
                ):
                    day = max(self.gift_day(first, last), self.wd(s.file.filed_on, 1))
                    if day > last:
                        continue
                    school, amount = r.choice(UNIVERSITIES)
                    fund = r.choice((Fund.HIGHER, Fund.DONATION))
                    pay(
                        self.county_of[s.union.pk],
                        Kind.STUDY,
                        amount,
                        day,
                        self.household_member(s, row),
                        fund=fund,
                        school=school,
                    )
        for county in self.counties:
            ms = self.workers[county.pk]
            for m in r.sample(ms, min(len(ms), self.some(len(ms) / 700))):
                male = r.random() < 0.5
                birth = oldest + dt.timedelta(days=r.randrange((youngest - oldest).days))
                given = self.fake.first_name_male() if male else self.fake.first_name_female()
                number = self.numbers.id_number(county.region_id[:6], birth, male)
                child = Recipient(surname(m.person.name) + given, number)
                school, amount = r.choice(UNIVERSITIES)
                note = f"{m.person.name}之{'子' if male else '女'}，{m.union.name}会员"
                declared = yuan(r.randint(60, 145) * 10)
                pay(
                    county,
                    Kind.STUDY,
                    amount,
                    self.gift_day(first, last),
                    child,
                    school=school,
                    declared=declared,
                    note=note,
                    **self.card(0.8),
                )

    def spring(self, helped, first, last):
        """春送岗位: jobs and training for the jobless of households on file, training for
        gig workers, from the counties."""
        pay = partial(self.pay, Season.SPRING)
        r = self.rng
        for s in helped:
            county = self.county_of[s.union.pk]
            firms = self.firms.get(county.region_id[:6]) or [county.name]
            for row in s.rows:
                if row.work not in (Work.UNEMPLOYED, Work.FLEXIBLE) or r.random() > 0.6:
                    continue
                day = self.gift_day(first, last)
                if s.status_on(day) not in (*HardshipFile.ON_FILE, S.FOLLOW_UP):
                    continue
                to = self.household_member(s, row)
                if r.random() < 0.6:
                    note = f"推荐至{r.choice(firms)}"
                    pay(county, Kind.EMPLOYMENT, 0, day, to, goods="就业岗位推荐", note=note)
                else:
                    pay(county, Kind.EMPLOYMENT, 800, day, to, note="职业技能培训补贴")
        for county in self.counties:
            gig = self.gig[county.pk]
            for m in r.sample(gig, len(gig) // 10):
                pay(
                    county,
                    Kind.EMPLOYMENT,
                    500,
                    self.gift_day(first, last),
                    self.member(m),
                    note="网约配送员职业技能培训补贴",
                )

    def relief(self, stories):
        """Outside the campaigns: relief over the last three years while a household was
        on file (by its cause), and job referrals in the follow-up after its exit."""
        r, today = self.rng, self.today
        since = today - dt.timedelta(days=3 * YEAR)
        kinds = {
            Cause.ILLNESS: (Kind.MEDICAL, 2000, 8000),
            Cause.DISABILITY: (Kind.LIVING, 1000, 3000),
            Cause.ACCIDENT: (Kind.DISASTER, 3000, 10000),
            Cause.DISASTER: (Kind.DISASTER, 3000, 10000),
            Cause.SCHOOLING: (Kind.STUDY, 1000, 3000),
            Cause.UNEMPLOYMENT: (Kind.LIVING, 500, 2000),
            Cause.OTHER: (Kind.LIVING, 500, 2000),
        }
        funds = [(Fund.UNION, 60), (Fund.GOVERNMENT, 25), (Fund.DONATION, 15)]
        for s in stories:
            f = s.file
            if f.filed_on is None:
                continue
            head = self.household_member(s, s.rows[0])
            first = max(f.filed_on + DAY, since)
            last = f.exited_on - DAY if f.exited_on else today
            for _i in range(int((last - first).days / YEAR * 0.8 + r.random())):
                day = self.gift_day(first, last)
                if s.status_on(day) not in HardshipFile.ON_FILE:
                    continue
                union = s.union if r.random() < 0.5 else self.county_of[s.union.pk]
                if r.random() < 0.06:
                    goods = "法律援助：代理劳动争议仲裁"
                    self.pay(None, union, Kind.LEGAL, 0, day, head, goods=goods, fund=Fund.UNION)
                    continue
                kind, low, high = kinds[f.main_cause]
                amount = r.randint(low // 100, high // 100) * 100
                self.pay(None, union, kind, amount, day, head, fund=weighted(r, funds))
            if f.follow_up_until and r.random() < 0.2:
                last = min(f.follow_up_until, today)
                if last > f.exited_on:
                    day = self.gift_day(f.exited_on + DAY, last)
                    self.pay(
                        None,
                        self.county_of[s.union.pk],
                        Kind.EMPLOYMENT,
                        0,
                        day,
                        head,
                        goods="就业岗位推荐",
                        fund=Fund.UNION,
                    )

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

    def budgets(self, season, below, pk, found):
        """Each campaign's budget: what is paid from it and what it allocates, with a
        margin, rounded up."""
        allocated = sum(
            (self.budgets(season, below, c, found) for c in sorted(below[pk])),
            Decimal(0),
        )
        total = self.need[season][pk] + allocated
        if pk == self.jiceng.union_id:
            total += WALK_THROUGH
        # A campaign still running keeps a reserve; one that ended spent nearly all.
        low, high = (100, 103) if self.ended[season] else (103, 110)
        found[pk] = round_up(total * self.rng.randint(low, high) / 100)
        return found[pk]

    def write_campaigns(self, periods):
        """This year's campaigns at the province, allocated down the tree."""
        names = {season: name for season, name, _first, _last in season_plan(self.year)}
        levels = defaultdict(list)  # depth → [(campaign, created at, actor)]
        self.campaigns = {}  # (season, union pk) → campaign
        self.ended = {season: last < self.today for season, (_first, last) in periods.items()}
        for season, (first, last) in periods.items():
            below, budgets = self.allocations(season), {}
            self.budgets(season, below, self.province.pk, budgets)
            todo = [
                (self.province.pk, None, 0, first - dt.timedelta(days=self.rng.randint(15, 30)))
            ]
            while todo:
                pk, parent, depth, on = todo.pop(0)
                on = min(on, self.today)
                union = self.unions[pk]
                actor = self.actor_for(parent.union if parent else union)
                campaign = Campaign(
                    name=names[season],
                    season=season,
                    year=self.year,
                    union=union,
                    parent=parent,
                    budget=budgets[pk],
                    starts_on=first,
                    ends_on=last,
                    created_by=actor,
                    **(AUTUMN_RULES if season == Season.AUTUMN else {}),
                )
                levels[depth].append((campaign, self.moment(on), actor))
                self.campaigns[season, pk] = campaign
                for child in sorted(below[pk]):
                    later = on + dt.timedelta(days=self.rng.randint(2, 8))
                    todo.append((child, campaign, depth + 1, later))
        made = []
        for depth in sorted(levels):
            Campaign.objects.bulk_create([c for c, _at, _a in levels[depth]], batch_size=BATCH)
            made += levels[depth]
        for campaign, at, actor in made:
            note = ""
            if campaign.parent:
                note = _("Allocated from %(campaign)s.") % {"campaign": campaign.parent}
            changes = audit.diff({}, audit.snapshot(campaign, CAMPAIGN_AUDIT_FIELDS))
            self.trail.add(campaign, AuditEvent.Action.CREATE, changes, note, at, actor)
        backdate(Campaign, [c for c, _at, _a in made], "created_at", [at for _c, at, _a in made])
        return len(made)

    def record(self, p):
        """An AssistanceRecord as records.record makes it."""
        to, union, season = p["to"], p["union"], p["season"]
        file = to.story.file if to.story else None
        record = AssistanceRecord(
            union=union,
            file=file,
            person=to.person,
            name=to.name,
            **id_number_fields(to.number),
            kind=p["kind"],
            amount=p["amount"],
            goods=p.get("goods", ""),
            given_on=p["given_on"],
            campaign=self.campaigns[season, union.pk] if season else None,
            fund_source=p["fund"],
            school=p.get("school", ""),
            declared_income=p.get("declared"),
            note=p.get("note", ""),
            recorded_by=self.actor_for(union),
        )
        if p.get("card"):
            record.card_encrypted = crypto.encrypt(p["card"])
            record.card_masked = mask_card(p["card"])
        elif file is not None and file.bank_card_encrypted:
            # Paid to the card on the household's file unless another is named.
            record.card_encrypted, record.card_masked = (
                file.bank_card_encrypted,
                file.bank_card_masked,
            )
        return record

    def write_records(self):
        r = self.rng
        self.payments.sort(key=lambda p: (p["given_on"], p["union"].pk, p["to"].name))
        records = [self.record(p) for p in self.payments]
        moments = [self.moment(x.given_on) for x in records]
        # A few cancelled days later; a payment to a wrong card is made again.
        cancelled, again = [], []
        for record, at in zip(records, moments, strict=True):
            if not record.amount or record.given_on > self.today - dt.timedelta(days=3):
                continue
            if r.random() >= 0.006:
                continue
            day = min(record.given_on + dt.timedelta(days=r.randint(1, 10)), self.today)
            record.cancelled_at = min(max(self.moment(day), at + dt.timedelta(hours=1)), self.now)
            record.cancelled_by = record.recorded_by
            record.cancel_reason = r.choice(CANCEL_REASONS)
            cancelled.append(record)
            campaign = record.campaign
            if record.cancel_reason == REISSUE and (campaign is None or day <= campaign.ends_on):
                redo = AssistanceRecord(
                    **{
                        f.attname: getattr(record, f.attname)
                        for f in AssistanceRecord._meta.concrete_fields
                        if f.attname not in ("id", "cancelled_at", "cancelled_by_id")
                        and f.attname != "cancel_reason"
                    }
                )
                redo.given_on = day
                card = self.numbers.card()[1]
                redo.card_encrypted, redo.card_masked = crypto.encrypt(card), mask_card(card)
                again.append((redo, max(self.moment(day), record.cancelled_at)))
        records += [redo for redo, _at in again]
        moments += [at for _redo, at in again]
        AssistanceRecord.objects.bulk_create(records, batch_size=BATCH)
        for record, at in zip(records, moments, strict=True):
            changes = audit.diff({}, audit.snapshot(record, RECORD_AUDIT_FIELDS))
            self.trail.add(record, AuditEvent.Action.CREATE, changes, "", at, record.recorded_by)
        for record in cancelled:
            when = audit.display(record.cancelled_at.astimezone(dt.UTC))
            self.trail.add(
                record,
                AuditEvent.Action.UPDATE,
                {"cancelled_at": ["", when]},
                record.cancel_reason,
                record.cancelled_at,
                record.cancelled_by,
            )
        backdate(AssistanceRecord, records, "recorded_at", moments)
        return records, cancelled

    def build(self, files=None):
        self.load()
        if files is None:
            files = round(FILES * len(self.memberships) / MEMBERS)
        stories, reopened = self.plan_files(files)
        stories += reopened
        members, visits = self.write_files(stories)
        periods = {season: (first, last) for season, _n, first, last in season_plan(self.year)}
        self.plan_payments(stories, periods)
        campaigns = self.write_campaigns(periods)
        records, cancelled = self.write_records()
        events = self.trail.write()
        return {
            "files": len(stories),
            "statuses": Counter(s.file.status for s in stories),
            "household_members": members,
            "visits": visits,
            "campaigns": campaigns,
            "records": len(records),
            "cancelled": len(cancelled),
            "amount": sum((x.amount for x in records if x.cancelled_at is None), Decimal(0)),
            "events": events,
        }


@transaction.atomic
def build_assistance(seed=SEED, files=None, today=None):
    """Hardship files, this year's campaigns and their records; returns what was made.
    `files` defaults to FILES scaled to the members the demo has."""
    with request_context(via="cli"):
        return Builder(seed, today or timezone.localdate()).build(files)
