"""`gonghui demo`: the demo province is nested, consistent, audited, idempotent and seeded."""

import io
from collections import Counter
from itertools import pairwise

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone
from stdnum.cn import uscc

from gonghui.accounts.models import User
from gonghui.core import crypto
from gonghui.core.models import AuditEvent
from gonghui.demo import builder
from gonghui.demo.management.commands import demo as demo_command
from gonghui.jobs.models import Job
from gonghui.lib.identity import check_id_number, mask_id
from gonghui.members.models import JoinApplication, Membership, Person, Transfer
from gonghui.unions.models import Employer, TradeUnion
from gonghui.unions.services import CODE_PATTERN

pytestmark = pytest.mark.django_db(transaction=False)
K = TradeUnion.Kind


def run_demo(*args):
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def created_ids(model):
    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(model), action=AuditEvent.Action.CREATE
    )
    return list(events.values_list("object_id", flat=True))


def assert_imported(model):
    """Every record came in through one import job of the registry, whose import event is
    on record (the importer writes one event per job; each record points to its job)."""
    jobs = set(model.objects.values_list("import_job", flat=True))
    assert len(jobs) == 1 and None not in jobs
    job_type = ContentType.objects.get_for_model(Job)
    imports = AuditEvent.objects.filter(action="import", content_type=job_type, object_id__in=jobs)
    assert imports.count() == 1


def assert_logins_nested():
    users = {u.username: u for u in User.objects.select_related("union")}
    paths = [users[name].union.path for name in ("sheng", "shi", "xian", "jiceng")]
    for upper, lower in pairwise(paths):
        assert lower.startswith(upper) and lower != upper
    assert users["sheng"].union.name == "四川省总工会"
    assert users["sheng"].role == User.Role.UNION_ADMIN
    assert users["shi"].union.name == "成都市总工会"
    assert users["xian"].union.name == "锦江区总工会"
    assert users["jiceng"].union.kind == K.GRASSROOTS
    assert users["jiceng"].union.parent.kind == K.TOWNSHIP
    admin = users["admin"]
    assert admin.is_platform_admin and admin.is_staff and admin.is_superuser
    assert all(u.last_name and u.first_name for u in users.values())
    assert users["jiceng"].check_password(builder.PASSWORD)


def assert_tree_consistent():
    unions = list(TradeUnion.objects.values_list("id", "parent_id", "path", "code", "uscc"))
    paths = {pk: path for pk, _, path, _, _ in unions}
    for pk, parent_id, path, code, union_uscc in unions:
        assert path == f"{paths[parent_id] if parent_id else '/'}{pk}/"
        assert CODE_PATTERN.match(code)
        assert not union_uscc or (union_uscc.startswith("81") and uscc.is_valid(union_uscc))
    assert_imported(TradeUnion)
    # Every county federation assigns its own pool union, on record (the join page routes
    # there and nowhere else).
    counties = TradeUnion.objects.filter(kind=K.FEDERATION, region__level="county")
    for county in counties.select_related("pool_union"):
        pool = county.pool_union
        assert pool.kind == K.GIG_POOL and pool.parent_id == county.pk
        assert pool.region_id == county.region_id
    assigned = AuditEvent.objects.filter(action="update", changes__has_key="pool_union")
    assert assigned.count() == counties.count()


def assert_realistic_counts():
    kinds = Counter(TradeUnion.objects.values_list("kind", flat=True))
    assert kinds[K.FEDERATION] == 1 + 21 + 183  # 省总, 市总 of every prefecture, 县总
    assert kinds[K.GIG_POOL] == 183
    assert 3000 <= sum(kinds.values()) <= 5000
    assert 2000 <= kinds[K.GRASSROOTS] <= 4000
    employers = Employer.objects.count()
    assert 1.1 * kinds[K.GRASSROOTS] <= employers <= 1.6 * kinds[K.GRASSROOTS]
    covered = Employer.objects.filter(covering_union__isnull=False).count()
    assert 0.70 <= covered / employers <= 0.85
    codes = Employer.objects.values_list("uscc", flat=True)
    assert all(c.startswith("91") and uscc.is_valid(c) for c in codes)
    assert_imported(Employer)


def assert_members():
    """Members in every status, valid numbers, gig workers in pool unions, work in flight."""
    assert (
        Membership.objects.count()
        == 1000
        + JoinApplication.objects.filter(status="approved").count()
        + Transfer.objects.filter(status="completed").count()
    )
    statuses = Counter(Membership.objects.values_list("status", flat=True))
    assert statuses["active"] > 800 and statuses["retained"] and statuses["left"]
    gig = Membership.objects.filter(person__employment_form="gig")
    assert gig.exists() and not gig.exclude(union__kind=K.GIG_POOL).exists()
    # Dates a union worker would believe: joined as an adult, nothing ends in the future,
    # 保留会籍 only for those of retiring age or near it.
    today = timezone.localdate()
    for m in Membership.objects.select_related("person"):
        born = m.person.birth_date
        assert m.joined_on >= born.replace(year=born.year + 18, day=min(born.day, 28))
        assert m.joined_on <= today and (m.ended_on is None or m.ended_on <= today)
        if m.status == "retained":
            assert today.year - born.year >= 45
    assert JoinApplication.objects.filter(status="pending").count() == 100
    assert Transfer.objects.open().count() == 20
    for person in Person.objects.order_by("?")[:50]:
        number = crypto.decrypt(person.id_number_encrypted)
        assert check_id_number(number) == number
        assert person.id_number_masked == mask_id(number)
    # The roster came in through the member importer: each person points to its job, whose
    # one import event is on record; a person made otherwise (an approved application) has
    # its own create event.
    jobs = set(Person.objects.exclude(import_job=None).values_list("import_job", flat=True))
    assert len(jobs) == 1
    imports = AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, object_id__in=jobs)
    assert imports.filter(content_type=ContentType.objects.get_for_model(Job)).count() == 1
    others = Person.objects.filter(import_job=None).values_list("id", flat=True)
    assert sorted(created_ids(Person)) == sorted(others)
    # Memberships kept, left or ended went through the service, each with its event.
    changed = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Membership), action="update"
    ).values_list("object_id", flat=True)
    assert set(Membership.objects.exclude(status="active").values_list("id", flat=True)) <= set(
        changed
    )


def test_demo_builds_the_province_once_and_serves_it(monkeypatch):
    out = run_demo("--no-serve", "--members", "1000")
    assert "gonghui-demo" in out and "http://127.0.0.1:8000/" in out
    assert_logins_nested()
    assert_tree_consistent()
    assert_realistic_counts()
    assert_members()

    # What was written is exactly what the seed plans.
    saved = sorted(TradeUnion.objects.values_list("code", "name", "uscc"))
    assert saved == sorted((u.code, u.name, u.uscc) for u in builder.plan_province().unions)

    # A second run leaves the demo as it is, then serves on loopback.
    counts = (TradeUnion.objects.count(), Employer.objects.count(), AuditEvent.objects.count())
    served = []
    real_call_command = demo_command.call_command

    def fake_call_command(name, *args, **options):
        if name == "serve":
            served.append(options)
        else:
            real_call_command(name, *args, **options)

    monkeypatch.setattr(demo_command, "call_command", fake_call_command)
    out = run_demo("--port", "8123")
    assert "already built" in out and "http://127.0.0.1:8123/" in out
    assert served == [{"host": "127.0.0.1", "port": 8123}]
    assert counts == (
        TradeUnion.objects.count(),
        Employer.objects.count(),
        AuditEvent.objects.count(),
    )
    assert User.objects.count() == 5


def test_plan_depends_only_on_the_seed():
    def digest(plan):
        unions = [(u.code, u.name, u.uscc, u.founded_on, u.chair) for u in plan.unions]
        employers = [(e.name, e.uscc, e.employee_count, e.industry) for e in plan.employers]
        return unions, employers

    first = digest(builder.plan_province())
    assert digest(builder.plan_province()) == first
    assert digest(builder.plan_province(seed=7)) != first
