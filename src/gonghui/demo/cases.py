"""The demo's cases (维权案件, 12351 工单), each played through the services day by day.

Cases come in over the last fourteen months at the 12351 desks of the province, the cities
and the counties (Chengdu's the busiest), more of them on the last working days before a
long holiday, so that deadlines run across National Day and the Spring Festival as they
do. Each case takes the steps its kind calls for, on working days: a question answered on
the spot, a complaint handed down and accepted (now and then returned), a letter to the
employer and its reply, a mediation, a court's referral, the conclusion, the call back
from the next working day (an unsatisfied caller reopening it). A step that would fall
after today is not taken, so today's workbench has cases in every state: taken, being
handed over, handled (some past their deadline and supervised, some urged, some asking
for more time), concluded and waiting for the call back, closed and quality-checked.

Steps are taken by the demo login of the case's union or the nearest one above it (as the
hardship demo does); a union without a login accepts hand-overs as the platform (SYSTEM).
"""

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from faker import Faker

from gonghui.accounts.models import User
from gonghui.calendar import workdays
from gonghui.cases import services
from gonghui.cases.models import Case
from gonghui.core import crypto
from gonghui.core.context import request_context
from gonghui.core.scope import SYSTEM
from gonghui.demo.builder import SEED
from gonghui.members.models import Membership
from gonghui.regions.models import Region
from gonghui.unions.models import Employer, TradeUnion

CASES = 900  # for the demo's 50,000 members
MEMBERS = 50_000
DAYS_BACK = 430
C = Case
KINDS = [(C.Kind.CONSULTATION, 42), (C.Kind.SERVICE, 14), (C.Kind.COMPLAINT, 28),
         (C.Kind.LEGAL_AID, 11), (C.Kind.SUGGESTION, 5)]  # fmt: skip
SUBJECTS = [(C.Subject.WAGES, 34), (C.Subject.CONTRACT, 15), (C.Subject.INSURANCE, 12),
            (C.Subject.INJURY, 10), (C.Subject.DISMISSAL, 11), (C.Subject.GIG, 8),
            (C.Subject.WOMEN, 4), (C.Subject.OTHER, 6)]  # fmt: skip
CHANNELS = [(C.Channel.HOTLINE, 55), (C.Channel.WEB, 9), (C.Channel.APP, 10),
            (C.Channel.WALK_IN, 13), (C.Channel.LETTER, 3), (C.Channel.COURT, 5),
            (C.Channel.TRANSFERRED, 5)]  # fmt: skip
COMPLEXITY = [(C.Complexity.GENERAL, 80), (C.Complexity.DIFFICULT, 16),
              (C.Complexity.COMPLEX, 4)]  # fmt: skip
HARD_KINDS = (C.Kind.LEGAL_AID, C.Kind.COMPLAINT)  # the kinds that come in degrees
REQUESTS = {
    C.Subject.WAGES: "{n}名职工反映{employer}拖欠{months}个月工资共{amount}元，要求协调支付。",
    C.Subject.CONTRACT: "来电人反映{employer}入职{months}个月未签订书面劳动合同，咨询如何维权。",
    C.Subject.INSURANCE: "来电人反映{employer}未为其缴纳社会保险，要求补缴。",
    C.Subject.INJURY: "来电人在{employer}工作时受伤，单位不予申报工伤，请求帮助认定。",
    C.Subject.DISMISSAL: "来电人被{employer}解除劳动关系，未支付经济补偿，要求协调。",
    C.Subject.GIG: "外卖骑手反映所在站点{employer}随意罚款、扣减配送费，要求维护权益。",
    C.Subject.WOMEN: "女职工反映孕期被{employer}调岗降薪，要求恢复原岗位和待遇。",
    C.Subject.OTHER: "来电人咨询带薪年休假和加班工资计算问题。",
}
ANSWERS = {
    C.Kind.CONSULTATION: "已就相关法律规定作出解答，来电人表示清楚。",
    C.Kind.SERVICE: "已对接所在地工会提供服务，来电人表示认可。",
    C.Kind.SUGGESTION: "建议已转相关部门研究，并向来电人反馈。",
}
LETTERS = ["向用人单位发出提示函，要求依法支付劳动报酬。",
           "向用人单位发出意见书，指出未签订劳动合同的法律后果。",
           "向用人单位发出建议书，建议完善内部工资支付制度。"]  # fmt: skip
LETTER_KINDS = ["reminder_letter", "opinion_letter", "advice_letter"]
REPLIES = [
    "同意按期补发拖欠工资。",
    "已与职工协商一致并签订书面劳动合同。",
    "将于本月内补缴社会保险。",
]
RETURN_NOTES = [
    "该单位不在本辖区，请另行转办。",
    "诉求涉及劳动仲裁程序，请上级工会法律服务中心办理。",
]


def weighted(rng, pairs):
    return rng.choices([v for v, _w in pairs], weights=[w for _v, w in pairs])[0]


class Stop(Exception):
    """The next step would fall after today: the case stays as it is."""


class Story:
    def __init__(self, b, union, received):
        self.b, self.union, self.received = b, union, received
        self.case = None

    def on(self, day):
        if day > self.b.today:
            raise Stop
        return day

    def actor(self, union=None):
        return self.b.actor_for(union or self.case.union)

    def take(self):
        b, r = self.b, self.b.rng
        kind, subject = weighted(r, KINDS), weighted(r, SUBJECTS)
        channel = weighted(r, CHANNELS)
        caller, phone, number = b.caller()
        employer = b.employer(self.union)
        data = {
            "channel": channel, "kind": kind, "subject": subject,
            "complexity": weighted(r, COMPLEXITY) if kind in HARD_KINDS else "",
            "caller_name": caller, "phone": phone, "id_number": number,
            "confidential": r.random() < 0.06, "reply_wanted": r.random() < 0.92,
            "employer_name": employer[0], "employer_uscc": employer[1],
            "workers": r.choice([1] * 6 + [2, 3, 5, 8, 12, 26]),
            "received_on": self.received,
        }  # fmt: skip
        data["amount_claimed"] = (
            str(Decimal(r.randint(20, 900) * 100) * data["workers"])
            if subject in (C.Subject.WAGES, C.Subject.DISMISSAL, C.Subject.INJURY)
            else ""
        )
        data["request"] = REQUESTS[subject].format(
            n=data["workers"], employer=employer[0] or "某公司", months=r.randint(1, 6),
            amount=data["amount_claimed"] or "若干",
        )  # fmt: skip
        if channel == C.Channel.COURT:
            data["court_referral"] = r.choice(C.CourtReferral.values)
            data["court_name"] = f"{self.union.region.name}人民法院"
        self.case = services.take(self.actor(self.union), data)

    def wd(self, n):
        return workdays.add_workdays(self.received, n)

    def play(self):
        b, r, case = self.b, self.b.rng, None
        self.take()
        case = self.case
        if case.kind in ANSWERS and case.channel in ("hotline", "walk_in") and r.random() < 0.7:
            services.answer_now(
                self.actor(), case, {"answer": ANSWERS[case.kind], "concluded_on": self.received}
            )
            return
        day = self.on(self.wd(r.choice([0, 0, 0, 1, 2])))
        receiver = b.receiver(case.union) if r.random() < 0.45 else None
        if receiver is not None:
            services.transfer(
                self.actor(), case, {"to_union": receiver.code, "note": "请核实处理并按时反馈。"}
            )
            day = self.on(workdays.add_workdays(day, r.randint(0, 3)))
            acting = b.login_of(receiver)
            if r.random() < 0.08:
                services.return_case(acting, case, {"note": r.choice(RETURN_NOTES)})
            else:
                services.accept(acting, case, {"note": "已接收，安排专人办理。"})
        else:
            services.start_handling(self.actor(), case, {})
        case.refresh_from_db()
        self.handle(day)

    def handle(self, day):
        b, r, case = self.b, self.b.rng, self.case
        if case.kind in (C.Kind.COMPLAINT, C.Kind.LEGAL_AID) and r.random() < 0.55:
            day = self.on(workdays.add_workdays(day, r.randint(1, 2)))
            n = r.randrange(3)
            letter = services.record_action(
                self.actor(), case,
                {"kind": LETTER_KINDS[n], "taken_on": day, "text": LETTERS[n],
                 "reply_due_on": workdays.add_workdays(day, 5)},
            )  # fmt: skip
            if r.random() < 0.85:
                replied = self.on(workdays.add_workdays(day, r.randint(1, 6)))
                services.employer_reply(
                    self.actor(),
                    case,
                    {"letter": letter.pk, "replied_on": replied, "reply": REPLIES[n]},
                )
                day = replied
        if case.kind == C.Kind.LEGAL_AID:
            day = self.on(workdays.add_workdays(day, 1))
            services.record_action(
                self.actor(), case,
                {"kind": "legal_aid", "taken_on": day, "text": "转介职工法律援助律师代理。"},
            )  # fmt: skip
        if case.channel == C.Channel.COURT or (case.kind == C.Kind.COMPLAINT and r.random() < 0.3):
            day = self.on(workdays.add_workdays(day, r.randint(1, 3)))
            services.record_action(
                self.actor(), case,
                {"kind": "mediation", "taken_on": day, "text": "组织双方调解。",
                 "agreement": "用人单位分两期支付拖欠款项。" if r.random() < 0.7 else ""},
            )  # fmt: skip
        case.refresh_from_db()
        # Most conclude in time; some run past the deadline.
        late = r.random() < 0.2
        end = (
            workdays.add_workdays(case.due_on, r.randint(1, 6))
            if late
            else max(
                day, workdays.add_workdays(case.due_on, -r.randint(0, max(case.workdays - 1, 0)))
            )
        )
        if end > b.today:
            self.open_today()
            return
        self.conclude(max(end, day))

    def conclude(self, day):
        b, r, case = self.b, self.b.rng, self.case
        outcome = weighted(r, [("resolved", 78), ("partly", 14), ("cannot", 8)])
        data = {"outcome": outcome, "concluded_on": day}
        if outcome == "cannot":
            data["answer"] = (
                "该诉求属劳动人事争议仲裁受理范围，已告知来电人申请仲裁的途径和所需材料。"
            )
        else:
            data["answer"] = (
                "经协调，用人单位已按约定支付相关款项。"
                if case.amount_claimed
                else "已协调解决并向来电人反馈。"
            )
            if case.amount_claimed:
                share = Decimal(1) if outcome == "resolved" else Decimal(r.randint(30, 80)) / 100
                data["amount_recovered"] = str(
                    (case.amount_claimed * share).quantize(Decimal("0.01"))
                )
                data["workers_helped"] = case.workers
        if case.court_referral:
            if outcome == "resolved":
                data["judicial_confirmation"] = r.random() < 0.6
            else:
                data["dispute_focus"] = "加班费计算基数及工作时间认定。"
                data["mediation_difficulty"] = "用人单位不认可职工提供的考勤记录。"
        services.conclude(self.actor(), case, data)
        case.refresh_from_db()
        if case.status != Case.Status.CONCLUDED:
            return self.check()
        called = self.on(workdays.add_workdays(day, r.choice([1, 1, 1, 2, 3])))
        satisfaction = weighted(r, [("satisfied", 86), ("basically", 10), ("unsatisfied", 4)])
        note = "来电人反映款项仍未全部到位。" if satisfaction == "unsatisfied" else ""
        services.call_back(
            self.actor(),
            case,
            {"called_back_on": called, "satisfaction": satisfaction, "note": note},
        )
        case.refresh_from_db()
        if case.status == Case.Status.HANDLING:  # reopened under supervision
            end = workdays.add_workdays(called, r.randint(1, case.workdays))
            if end > b.today:
                return
            self.conclude(end)
            return
        self.check()

    def check(self):
        r = self.b.rng
        if self.case.status == Case.Status.CLOSED and r.random() < 0.1:
            passed = r.random() < 0.9
            services.quality_check(
                self.actor(), self.case,
                {"check_passed": passed, "check_note": "" if passed else "答复内容过于简单。"},
            )  # fmt: skip

    def open_today(self):
        """Still open today: urged, supervised or asking for more time, as such cases are."""
        b, r, case = self.b, self.b.rng, self.case
        above = b.above(case.union)
        if case.due_on < b.today:
            if r.random() < 0.6:
                services.supervise(
                    above, case, {"note": "该案已超过办理期限，请于三个工作日内办结并报告。"}
                )
        elif case.due_on <= workdays.add_workdays(b.today, 2) and r.random() < 0.35:
            services.urge(above, case, {"note": "即将到期，请抓紧办理。"})
        elif case.status in (Case.Status.TAKEN, Case.Status.HANDLING) and r.random() < 0.12:
            services.ask_extension(
                self.actor(), case,
                {"extension_workdays": r.choice([5, 10]),
                 "extension_reason": "需调取考勤和工资发放记录。"},
            )  # fmt: skip
            if r.random() < 0.4:
                services.decide_extension(above, case, {"approved": True})


class Builder:
    def __init__(self, seed, today):
        self.rng = random.Random(seed + 12351)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed + 12351)
        self.today = today

    def load(self):
        users = {u.username: u for u in User.objects.select_related("union")}
        self.logins = [users[name] for name in ("jiceng", "xian", "shi", "sheng")]
        self.by_union = {u.union_id: u for u in self.logins}
        unions = TradeUnion.objects.active().select_related("region").order_by("pk")
        self.unions = {u.pk: u for u in unions}
        self.children = {}
        for u in self.unions.values():
            self.children.setdefault(u.parent_id, []).append(u)
        federations = [u for u in self.unions.values() if u.kind == TradeUnion.Kind.FEDERATION]
        level = {u.pk: u.region.level for u in federations}
        self.desks = [
            (u, 40 if u.pk in self.by_union else 6 if "成都" in u.name else 1)
            for u in federations
            if level[u.pk] in (Region.Level.COUNTY, Region.Level.PREFECTURE)
        ] + [(u, 10) for u in federations if u.parent_id is None]
        self.employers = {}
        for name, uscc, region in Employer.objects.order_by("pk").values_list(
            "name", "uscc", "region_id"
        ):
            self.employers.setdefault(region[:4], []).append((name, uscc))
        self.members = list(
            Membership.objects.current().select_related("person").order_by("pk")[:5000]
        )
        self.eves = self.holiday_eves()

    def holiday_eves(self):
        """Working days followed by three or more days off: the last before a long holiday."""
        eves, day = [], self.today - dt.timedelta(days=DAYS_BACK)
        while day < self.today:
            if workdays.is_workday(day) and (workdays.next_workday(day) - day).days > 3:
                eves.append(day)
            day += dt.timedelta(days=1)
        return eves

    def actor_for(self, union):
        return next(u for u in self.logins if union.path.startswith(u.union.path))

    def login_of(self, union):
        """Who accepts for `union`: its own login, or the platform."""
        return self.by_union.get(union.pk, SYSTEM)

    def above(self, union):
        """A login of a level above `union`, or the platform for the province's own."""
        parent = self.unions.get(union.parent_id)
        return SYSTEM if parent is None else self.actor_for(parent)

    def receiver(self, union):
        """Where a case goes down: a child union (a federation first), now and then a sister."""
        r = self.rng
        children = self.children.get(union.pk, [])
        if (not children or r.random() < 0.06) and union.parent_id:
            sisters = [u for u in self.children.get(union.parent_id, []) if u.pk != union.pk]
            return r.choice(sisters) if sisters else None
        if not children:
            return None
        federations = [u for u in children if u.kind == TradeUnion.Kind.FEDERATION]
        own = [u for u in children if u.pk in self.by_union]
        if own and r.random() < 0.5:
            return r.choice(own)
        return r.choice(federations or children)

    def caller(self):
        """(name, phone, ID number or ""): a member of the registry now and then."""
        r = self.rng
        if self.members and r.random() < 0.25:
            person = r.choice(self.members).person
            phone = crypto.decrypt(person.phone_encrypted) if person.phone_encrypted else ""
            if phone:
                number = crypto.decrypt(person.id_number_encrypted) if r.random() < 0.5 else ""
                return person.name, phone, number
        if r.random() < 0.1:
            return self.fake.name(), f"028{r.randint(80000000, 89999999)}", ""
        return self.fake.name(), f"1{r.choice('35789')}{r.randint(0, 999999999):09d}", ""

    def employer(self, union):
        found = self.employers.get(union.region_id[:4]) or []
        if found and self.rng.random() < 0.7:
            return self.rng.choice(found)
        return f"{union.region.name}{self.fake.company_prefix()}餐饮有限公司", ""

    def received_day(self):
        """A third of the cases came in over the last three weeks (today's work), some on
        the eve of a long holiday, the rest over the months before."""
        r = self.rng
        if r.random() < 0.3:
            return (
                workdays.add_workdays(self.today, -r.randint(0, 15))
                if workdays.is_workday(self.today)
                else workdays.add_workdays(self.today, -r.randint(1, 15))
            )
        if self.eves and r.random() < 0.15:
            return r.choice(self.eves)
        day = self.today - dt.timedelta(days=r.randint(20, DAYS_BACK))
        return (
            day if workdays.is_workday(day) or r.random() < 0.1 else workdays.add_workdays(day, -1)
        )

    def build(self, total):
        self.load()
        made = []
        for _n in range(total):
            desk = weighted(self.rng, self.desks)
            story = Story(self, desk, self.received_day())
            try:
                story.play()
            except Stop:
                story.case.refresh_from_db()
                if story.case.is_open and story.case.status != Case.Status.TAKEN:
                    story.open_today()
            made.append(story.case)
        statuses = Counter(Case.objects.values_list("status", flat=True))
        return {"cases": len(made), "statuses": statuses}


@transaction.atomic
def build_cases(seed=SEED, total=None, members=MEMBERS):
    """The demo's cases; `total` defaults to CASES scaled to the members the demo has."""
    if total is None:
        total = max(120, round(CASES * Membership.objects.count() / members))
    with request_context(via="cli"):
        return Builder(seed, timezone.localdate()).build(total)
