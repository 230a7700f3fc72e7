"""The demo's hardship files, campaigns and assistance: every state of a file's life with
dates that follow the rules, this year's four campaigns allocated down the tree, records
within their budgets, jiceng's union with members to apply for, and the services taking
the next step on demo data."""

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.assistance import reminders
from gonghui.assistance.models import (
    AssistanceRecord,
    Campaign,
    HardshipFile,
    HomeVisit,
    HouseholdMember,
)
from gonghui.assistance.services import bulk, campaigns, files, records
from gonghui.assistance.services.files import add_months
from gonghui.calendar import workdays
from gonghui.core import audit, crypto
from gonghui.core.models import AuditEvent
from gonghui.demo import builder
from gonghui.demo.assistance import age, build_assistance, season_plan
from gonghui.demo.members import build_members
from gonghui.lib.identity import check_id_number, mask_id
from gonghui.members.models import Membership
from gonghui.unions.models import TradeUnion

pytestmark = pytest.mark.django_db(transaction=False)
S = HardshipFile.Status
MEMBERS = 7000  # enough for jiceng's union to have members (about 420 files)


@pytest.fixture
def province():
    builder.build()
    build_members(total=MEMBERS)


def digest():
    """What the builder wrote, by content (ids of files and records left out)."""
    file_rows = sorted(
        HardshipFile.objects.values_list(
            "head_id",
            "status",
            "category",
            "main_cause",
            "income_per_head",
            "applied_on",
            "filed_on",
            "last_visit_on",
            "exited_on",
            "closed_on",
            "bank_card_masked",
        )
    )
    household = sorted(
        HouseholdMember.objects.values_list("name", "id_number_masked", "birth_date", "work")
    )
    given = sorted(
        AssistanceRecord.objects.values_list(
            "union_id", "name", "id_number_masked", "kind", "amount", "given_on", "cancel_reason"
        )
    )
    budgets = sorted(Campaign.objects.values_list("season", "union_id", "budget"))
    return file_rows, household, given, budgets


def test_the_demo_has_files_campaigns_and_records_that_follow_the_rules(province):
    # The same seed gives the same households, campaigns and records.
    saved = transaction.savepoint()
    build_assistance()
    first = digest()
    transaction.savepoint_rollback(saved)
    assert not HardshipFile.objects.exists()
    made = build_assistance()
    assert digest() == first
    assert made["files"] == HardshipFile.objects.count()
    assert made["records"] == AssistanceRecord.objects.count()

    assert_files_in_every_state()
    assert_dates_follow_the_rules()
    assert_households_are_real()
    assert_campaigns_allocated_and_within_budget()
    assert_records_follow_the_rules()
    assert_audited()
    assert_histories_are_service_paths()
    assert_jiceng_has_members_to_apply_for()
    assert_worklists_have_work()
    assert_services_take_the_next_step()


def assert_files_in_every_state():
    statuses = Counter(HardshipFile.objects.values_list("status", flat=True))
    assert set(statuses) == set(S.values)
    assert 380 <= sum(statuses.values()) <= 460  # 3,000 for 50,000 members
    assert statuses[S.FILED] > statuses[S.CLOSED] > statuses[S.REMOVED] > statuses[S.APPLIED]
    removals = Counter(
        HardshipFile.objects.filter(status=S.REMOVED).values_list("removal_reason", flat=True)
    )
    assert removals["death"] and removals["reassessed"]
    reopened = HardshipFile.objects.filter(reopens__isnull=False).select_related("reopens")
    assert 1 <= reopened.count() <= 2
    for file in reopened:
        assert file.head_id == file.reopens.head_id
        assert file.reopens.status in (S.CLOSED, S.REMOVED)
        assert file.applied_on > file.reopens.closed_on
    # Causes and categories in plausible shares.
    causes = Counter(HardshipFile.objects.values_list("main_cause", flat=True))
    assert causes.most_common(1)[0][0] == HardshipFile.Cause.ILLNESS
    assert len(causes) >= 6
    categories = Counter(HardshipFile.objects.values_list("category", flat=True))
    assert all(categories[c] for c in HardshipFile.Category.values)
    # Spread over the province's counties.
    counties = {u[:6] for u in HardshipFile.objects.values_list("union__code", flat=True)}
    assert len(counties) > 100


def assert_dates_follow_the_rules():
    today = timezone.localdate()
    visits = defaultdict(list)
    for file_id, kind, on in HomeVisit.objects.values_list("file_id", "kind", "visited_on"):
        visits[file_id].append((on, kind))
    on_file = overdue = 0
    for f in HardshipFile.objects.all():
        seen = sorted(visits[f.pk])
        past = [f.applied_on, f.reviewed_on, f.filed_on, f.last_visit_on, f.last_review_on]
        past += [f.exit_notice_from, f.exited_on, f.closed_on] + [on for on, _k in seen]
        assert all(d is None or d <= today for d in past), f.pk
        if f.status == S.REJECTED:
            assert f.reviewed_on == f.closed_on >= f.applied_on and not seen
            continue
        if f.reviewed_on:
            assert f.applied_on <= f.reviewed_on
        if f.status in (S.VISITED, S.NOTICE) or f.notice_from:
            assert seen[0][1] == HomeVisit.Kind.VERIFICATION
            assert f.reviewed_on <= seen[0][0]
        if f.notice_from:
            assert seen[0][0] <= f.notice_from
            # A notice of at least five working days, counted with the holiday calendar.
            assert workdays.workdays_between(f.notice_from - dt.timedelta(1), f.notice_until) >= 5
            assert workdays.period_end(f.notice_from, 5) <= f.notice_until
        if f.filed_on:
            assert f.filed_on >= workdays.next_workday(f.notice_until)
            assert f.last_visit_on == seen[-1][0]
            regular = [on for on, kind in seen if kind == HomeVisit.Kind.REGULAR]
            for a, b in zip([seen[0][0], *regular], regular, strict=False):
                assert b <= add_months(a, 6), f.pk  # at most six months apart
            if f.last_review_on:
                assert f.last_review_on >= f.filed_on
        if f.exit_notice_from:
            assert f.exit_notice_from >= f.filed_on
            assert (
                workdays.workdays_between(f.exit_notice_from - dt.timedelta(1), f.exit_notice_until)
                >= 5
            )
        if f.status in (S.FOLLOW_UP, S.CLOSED):
            assert f.exited_on >= workdays.next_workday(f.exit_notice_until)
            assert f.follow_up_until == add_months(f.exited_on, 6)
            follow = [on for on, kind in seen if kind == HomeVisit.Kind.FOLLOW_UP]
            assert all(f.exited_on < on <= f.follow_up_until for on in follow)
        if f.status == S.CLOSED:
            assert f.closed_on >= f.follow_up_until and follow
        if f.status == S.REMOVED:
            assert f.closed_on >= max(on for on, _k in seen) if seen else True
            assert (f.exited_on == f.closed_on) == (f.filed_on is not None)
        if f.status == S.FILED:
            on_file += 1
            overdue += add_months(f.last_visit_on, 6) < today
    # Most households on file were visited within six months; a few are overdue.
    assert 0.03 < overdue / on_file < 0.25


def assert_households_are_real():
    today = timezone.localdate()
    heads = {}
    for member in HouseholdMember.objects.select_related("file__head"):
        number = crypto.decrypt(member.id_number_encrypted)
        assert check_id_number(number) == number
        assert member.id_number_masked == mask_id(number)
        assert member.id_number_index == crypto.blind_index(number)
        assert member.birth_date.strftime("%Y%m%d") == number[6:14]
        # Work fits the age, as of the file's last day (a refused file stops at its review).
        file = member.file
        last = file.reviewed_on if file.status == file.Status.REJECTED else file.closed_on
        years = age(member.birth_date, last or today)
        if member.work == HouseholdMember.Work.PRESCHOOL:
            assert years < 6
        elif member.work == HouseholdMember.Work.STUDENT:
            assert 5 <= years < 23
        assert member.birth_date < member.file.applied_on
        if member.relation == HouseholdMember.Relation.SELF:
            assert member.id_number_index == member.file.head.id_number_index
            heads[member.file_id] = member
        assert isinstance(member.monthly_income, Decimal) and member.monthly_income >= 0
    assert set(heads) == set(HardshipFile.objects.values_list("pk", flat=True))
    students = HouseholdMember.objects.filter(work="student", relation="child")
    assert students.count() > 50
    for f in HardshipFile.objects.prefetch_related("household"):
        rows = list(f.household.all())
        average = sum(r.monthly_income for r in rows) / len(rows)
        assert f.income_per_head == average.quantize(Decimal("0.01"))
        if f.bank_card_encrypted:
            card = crypto.decrypt(f.bank_card_encrypted)
            assert f.bank_card_masked == f"{card[:4]} **** **** {card[-4:]}"
    # One open file per household: nobody is of two open households.
    open_members = HouseholdMember.objects.filter(file__status__in=HardshipFile.OPEN)
    indexes = list(open_members.values_list("id_number_index", flat=True))
    assert len(indexes) == len(set(indexes))


def assert_campaigns_allocated_and_within_budget():
    year = timezone.localdate().year
    top = Campaign.objects.filter(parent__isnull=True)
    assert sorted(top.values_list("name", flat=True)) == sorted(
        n for _s, n, _f, _l in season_plan(year)
    )
    province = TradeUnion.objects.get(name="四川省总工会")
    assert set(top.values_list("union", flat=True)) == {province.pk}
    assert all(c.year == year for c in Campaign.objects.all())
    xian, jiceng = (User.objects.get(username=n).union for n in ("xian", "jiceng"))
    for season in Campaign.Season.values[:4]:
        unions = set(Campaign.objects.filter(season=season).values_list("union__kind", "union"))
        kinds = Counter(kind for kind, _u in unions)
        assert kinds["federation"] == 1 + 21 + 183, season  # province, cities, counties
        assert Campaign.objects.filter(season=season, union=xian).exists()
    winter = Campaign.objects.get(season="winter", union=jiceng)
    assert winter.parent.union == xian and campaigns.remaining(winter) >= 3000
    for campaign in Campaign.objects.select_related("parent", "union"):
        assert campaigns.remaining(campaign) >= 0, campaign.pk
        if campaign.parent:
            assert campaign.union.path.startswith(campaign.parent.union.path)
            assert campaign.union_id != campaign.parent.union_id
            assert (campaign.starts_on, campaign.ends_on) == (
                campaign.parent.starts_on,
                campaign.parent.ends_on,
            )
    today = timezone.localdate()
    for campaign in top:
        money = campaigns.money(campaign)
        assert money["budget"] >= money["allocated"] + money["spent"]
        assert money["budget"] >= money["spent_rolled_up"] > 0 or campaign.starts_on > today
        if campaign.ends_on < today:
            # A campaign that ended spent most of its budget (85–90% in the full demo; in
            # this small one each county's share of at least 100 yuan weighs more).
            assert money["spent_rolled_up"] >= money["budget"] * Decimal("0.4")


def assert_records_follow_the_rules():
    today = timezone.localdate()
    given = AssistanceRecord.objects.select_related("campaign__union", "union", "file")
    assert given.filter(cancelled_at__isnull=False).exists()
    kinds = Counter(given.values_list("kind", flat=True))
    assert kinds["seasonal"] and kinds["medical"] and kinds["living"]
    assert given.filter(person__isnull=True, file__isnull=True).exists()  # not in the registry
    assert given.filter(person__employment_form="gig").exists()
    grants = Counter()
    for r in given:
        number = crypto.decrypt(r.id_number_encrypted)
        assert r.id_number_index == crypto.blind_index(number)
        assert r.given_on <= today and (r.amount > 0 or r.goods)
        assert r.amount == r.amount.quantize(Decimal("0.01"))
        if r.person_id:
            assert r.person.id_number_index == r.id_number_index
        if r.file_id:
            assert r.file.household.filter(id_number_index=r.id_number_index).exists()
            assert r.given_on > r.file.applied_on
            if r.file.exited_on and r.given_on >= r.file.exited_on:
                assert r.kind in AssistanceRecord.FOLLOW_UP_KINDS, r.pk
        if r.campaign_id:
            c = r.campaign
            assert c.starts_on <= r.given_on <= c.ends_on
            assert r.union.path.startswith(c.union.path)
            if c.requires_school:
                assert r.school
            if c.income_limit is not None and not r.file_id:
                assert r.declared_income < c.income_limit
            if c.one_grant_per_person and not r.cancelled_at:
                grants[r.id_number_index] += 1
        if r.cancelled_at:
            assert r.cancel_reason and r.cancelled_at.date() >= r.given_on
    assert grants and max(grants.values()) == 1
    spent = given.filter(cancelled_at__isnull=True, campaign__isnull=False).aggregate(
        s=Sum("amount")
    )["s"]
    top = Campaign.objects.filter(parent__isnull=True)
    assert spent == sum(campaigns.money(c)["spent_rolled_up"] for c in top)


def assert_audited():
    for model in (HardshipFile, Campaign, AssistanceRecord):
        kind = ContentType.objects.get_for_model(model)
        created = AuditEvent.objects.filter(content_type=kind, action="create")
        ids = sorted(created.values_list("object_id", flat=True))
        assert ids == sorted(model.objects.values_list("pk", flat=True))
    # A file's timeline holds each step on its day, in order.
    f = HardshipFile.objects.filter(status=S.CLOSED).first()
    events = list(AuditEvent.objects.for_object(f).order_by("at", "id"))
    steps = [e.changes["status"][1] for e in events if "status" in e.changes]
    assert steps[0] == "applied" and steps[-1] == "closed"
    assert steps[1:7] == ["reviewed", "visited", "notice", "filed", "exit_notice", "follow_up"]
    # Each step carries its own day (the events themselves are dated when the demo was
    # built: the services stamp the clock, and the demo does not backdate the trail).
    assert events[0].changes["status"] == ["", "applied"]
    assert events[-1].changes["closed_on"] == ["", f.closed_on.isoformat()]
    assert [e.pk for e in events] == sorted(e.pk for e in events)
    cancelled = AssistanceRecord.objects.filter(cancelled_at__isnull=False).first()
    notes = AuditEvent.objects.for_object(cancelled).values_list("note", flat=True)
    assert cancelled.cancel_reason in notes


def assert_jiceng_has_members_to_apply_for():
    jiceng = User.objects.get(username="jiceng")
    current = Membership.objects.current().filter(union=jiceng.union)
    with_file = HardshipFile.objects.open().values_list("head_id", flat=True)
    assert current.exclude(person_id__in=with_file).exists()


def assert_worklists_have_work():
    sheng = User.objects.get(username="sheng")
    kinds = Counter(r.kind for r in reminders.for_user(sheng))
    assert kinds["visit_due"] and kinds["annual_review"]
    assert any(r.overdue for r in reminders.for_user(sheng) if r.kind == "visit_due")


def assert_services_take_the_next_step():
    """On demo data, the services take each next step: the demo's walk-through."""
    today = timezone.localdate()
    users = {u.username: u for u in User.objects.all()}
    jiceng, xian = users["jiceng"], users["xian"]
    filed = HardshipFile.objects.filter(status=S.FILED, union__path__startswith=xian.union.path)
    f = filed.first()
    files.record_visit(xian, f, {"visited_on": today, "visitors": "王主席", "findings": "好转"})
    files.annual_review(xian, f, {"reviewed_on": today})
    notice = HardshipFile.objects.filter(status=S.NOTICE).order_by("notice_until").first()
    if workdays.next_workday(notice.notice_until) <= today:
        files.file_household(users["sheng"], notice, {"filed_on": today})
    # jiceng opens a file for a member of its union and takes it to filing, with a notice
    # counted in working days, then records a 送温暖 payment; the county sees it.
    member = (
        Membership.objects.current()
        .filter(union=jiceng.union)
        .exclude(person__hardship_files__status__in=HardshipFile.OPEN)
        .select_related("person")
        .first()
    )
    notice_from = workdays.add_workdays(today, -12)
    data = {
        "head_id_number": crypto.decrypt(member.person.id_number_encrypted),
        "category": "deep",
        "standard_level": "city",
        "main_cause": "illness",
        "housing": "rented",
        "medical_insurance": "employee",
        "head_work": "employed",
        "head_income": "1600",
        "head_health": "serious",
        "bank_name": "中国农业银行",
        "bank_card": "6228480402564890018",
        "applied_on": workdays.add_workdays(notice_from, -8),
    }
    new = files.apply(jiceng, data)
    files.review(
        jiceng, new, {"accepted": True, "reviewed_on": workdays.add_workdays(notice_from, -5)}
    )
    files.record_visit(
        jiceng,
        new,
        {
            "visited_on": workdays.add_workdays(notice_from, -2),
            "visitors": "主席",
            "findings": "属实",
        },
    )
    files.start_notice(jiceng, new, {"notice_from": notice_from})
    new = files.file_household(jiceng, new, {"filed_on": today})
    assert new.status == S.FILED
    winter = Campaign.objects.get(season="winter", union=jiceng.union)
    running = winter.starts_on <= today <= winter.ends_on
    payment = {
        "file": new.pk,
        "name": member.person.name,
        "kind": "seasonal",
        "amount": "1000",
        "id_number": data["head_id_number"],
        "campaign": winter.pk if running else None,
    }
    record = records.record(jiceng, payment)
    visible = AssistanceRecord.objects.visible_to(xian)
    assert visible.filter(pk=record.pk).exists()
    assert HardshipFile.objects.visible_to(xian).filter(pk=new.pk, status=S.FILED).exists()


# The moves of files.py's steps: status before → status after (same: a visit, a review or a
# correction on the way). Anything open may be removed.
MOVES = {
    S.APPLIED: {S.APPLIED, S.REVIEWED, S.REJECTED},
    S.REVIEWED: {S.REVIEWED, S.VISITED},
    S.VISITED: {S.VISITED, S.NOTICE},
    S.NOTICE: {S.NOTICE, S.FILED},
    S.FILED: {S.FILED, S.EXIT_NOTICE},
    S.EXIT_NOTICE: {S.EXIT_NOTICE, S.FOLLOW_UP},
    S.FOLLOW_UP: {S.FOLLOW_UP, S.CLOSED},
}
# The day each step records, by the status it leads to.
STEP_DAY = {
    S.REVIEWED: "reviewed_on",
    S.REJECTED: "reviewed_on",
    S.NOTICE: "notice_from",
    S.FILED: "filed_on",
    S.EXIT_NOTICE: "exit_notice_from",
    S.FOLLOW_UP: "exited_on",
    S.CLOSED: "closed_on",
    S.REMOVED: "closed_on",
}


def assert_histories_are_service_paths():
    """Every file's trail is a path through the steps of files.py, each event written by a
    demo login whose scope holds the file, each visit and step date on record as its
    service records it, and the audit chain unbroken (nothing written beside audit.write)."""
    assert audit.verify() == []
    kind = ContentType.objects.get_for_model(HardshipFile)
    trails = defaultdict(list)
    for event in AuditEvent.objects.filter(content_type=kind).select_related("actor__union"):
        trails[event.object_id].append(event)
    visits = defaultdict(list)
    for visit in HomeVisit.objects.all():
        visits[visit.file_id].append(visit)
    files_ = HardshipFile.objects.select_related("union", "reopens")
    for f in files_:
        trail = sorted(trails[f.pk], key=lambda e: e.pk)
        first, *steps = trail
        assert first.action == "create" and first.changes["status"] == ["", "applied"], f.pk
        assert first.note == (f"由档案 {f.reopens_id} 重新建档。" if f.reopens_id else "")
        status = S.APPLIED
        for event in steps:
            assert event.action == "update"
            assert status in HardshipFile.OPEN, f.pk  # nothing after the end
            if "status" in event.changes:
                before, after = event.changes["status"]
                assert before == status, f.pk
                assert after in MOVES[status] or after == S.REMOVED, (f.pk, status, after)
                day = STEP_DAY.get(after)
                if day:
                    assert event.changes[day] == ["", getattr(f, day).isoformat()], (f.pk, after)
                status = after
        assert status == f.status, f.pk
        for event in trail:
            assert event.actor is not None and event.actor.is_active
            assert f.union.path.startswith(event.actor.union.path), (f.pk, event.actor)
        notes = [e.note for e in steps]
        for visit in visits[f.pk]:
            said = f"{visit.visited_on.isoformat()}"
            assert any(said in n and visit.findings in n and visit.visitors in n for n in notes)
    # A head who died: the membership ended through the members' service, with its event.
    dead = files_.filter(removal_reason="death")
    assert dead.exists()
    kind = ContentType.objects.get_for_model(Membership)
    for f in dead:
        membership = Membership.objects.get(person=f.head, status="deceased")
        assert membership.ended_on <= f.closed_on
        events = AuditEvent.objects.filter(content_type=kind, object_id=membership.pk)
        assert any(e.changes.get("status", [""])[-1] == "deceased" for e in events)


def test_every_file_history_is_a_path_the_services_take():
    builder.build()
    build_members(total=MEMBERS)
    made = build_assistance(files=80)
    assert made["files"] == HardshipFile.objects.count() >= 80
    assert_histories_are_service_paths()
    assert_bulk_services_refuse_what_the_single_ones_refuse()


def assert_bulk_services_refuse_what_the_single_ones_refuse():
    """The demo's bulk paths check each row as the one-at-a-time services do: a bad row
    is named and nothing of the list is written."""

    def written():
        return (
            HomeVisit.objects.count(),
            AssistanceRecord.objects.count(),
            AuditEvent.objects.count(),
        )

    today = timezone.localdate()
    xian = User.objects.get(username="xian")
    f = HardshipFile.objects.filter(status=S.FILED, union__path__startswith=xian.union.path)
    f = f.first() or HardshipFile.objects.filter(status=S.FILED).first()
    actor = xian if f.union.path.startswith(xian.union.path) else User.objects.get(username="sheng")
    before = written()
    good = {"visited_on": today, "visitors": "王主席", "findings": "情况稳定"}
    future = {**good, "visited_on": today + dt.timedelta(days=3)}
    with pytest.raises(ValidationError) as refused:
        bulk.record_visits(actor, f, [good, future])
    assert "rows.2.visited_on" in refused.value.message_dict
    closed = HardshipFile.objects.filter(status=S.CLOSED).first()
    with pytest.raises(ValidationError):
        bulk.record_visits(User.objects.get(username="sheng"), closed, [good])  # no visits now
    sheng = User.objects.get(username="sheng")
    campaign = Campaign.objects.get(season="winter", parent=None)  # the province's own
    head = crypto.decrypt(f.head.id_number_encrypted)
    row = {"name": f.head.name, "id_number": head, "amount": "100", "kind": "seasonal"}
    too_much = {**row, "amount": str(campaigns.remaining(campaign) + 1)}
    common = {"campaign": campaign, "union": campaign.union, "given_on": campaign.starts_on}
    with pytest.raises(ValidationError) as refused:
        bulk.record_many(sheng, [row, too_much], common)
    assert "rows.2.amount" in refused.value.message_dict
    assert written() == before
    made = bulk.record_visits(actor, f, [good])
    assert HardshipFile.objects.get(pk=f.pk).last_visit_on == today == made[0].visited_on
