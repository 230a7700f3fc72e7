"""Shared fixtures: the division table (loaded once per run) and a small union tree.

四川省总工会 (sheng: union admin)
└── 成都市总工会
    ├── 锦江区总工会 (xian: staff; ro: read-only)
    │   └── 锦江区春熙路街道工会
    │       └── 成都春熙百货有限公司工会 (jiceng: staff)
    └── 青羊区总工会 (other: staff of the sibling branch)
        └── 青羊区乙方机械厂工会
"""

from contextlib import contextmanager

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from rest_framework.test import APIClient

from gonghui.accounts.models import User
from gonghui.core.models import AuditEvent
from gonghui.regions import loader
from gonghui.unions import services
from gonghui.unions.models import Employer, TradeUnion


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        loader.load()


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Tests render pages without running collectstatic (the browser test runs the real thing)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """Job files (uploads, reports, exports) go to the test's own folder."""
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.fixture(autouse=True)
def fresh_cache(request):
    """Throttle counters live in the cache: each test starts with none. The working-day
    calendar, kept per process, looks at the (rolled-back) database again."""
    from django.core.cache import cache, caches

    from gonghui.calendar import workdays

    cache.clear()
    if request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    ):
        # A database table, shared like the server processes share it: a transactional
        # test's rows would outlive it. (`db` gives a transactional test its own kind.)
        request.getfixturevalue("db")
        caches["throttle"].clear()
    workdays.invalidate()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Fixture users' passwords hash in microseconds instead of half a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def verified_force_login(monkeypatch):
    """`client.force_login(user)` stands for a whole login, second factor included: users
    who need two-factor login get a device and a verified session. Tests of the login
    steps themselves pass `verified=False`."""
    plain = Client.force_login

    def force_login(self, user, backend=None, verified=True):
        plain(self, user, backend)
        if verified:
            verified_login(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


def verified_login(client, user):
    """Mark the client's session as having passed the second factor (a device is made for
    a user who has none)."""
    from gonghui.accounts import two_factor

    device = two_factor.TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        if not user.requires_two_factor:
            return
        device = two_factor.give_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def root_admin(db):
    return User.objects.create_user("root", password="x", role=User.Role.PLATFORM_ADMIN)


def add_union(actor, code, name, kind, region, parent=None, **extra):
    data = {"code": code, "name": name, "kind": kind, "region": region, **extra}
    data["parent"] = parent.code if parent else ""
    return services.create_union(actor, data)


class Tree:
    """The unions and users of the fixture tree, by short name."""


@pytest.fixture
def tree(root_admin):
    t = Tree()
    K = TradeUnion.Kind
    t.province = add_union(root_admin, "5100000000", "四川省总工会", K.FEDERATION, "510000")
    t.city = add_union(root_admin, "5101000000", "成都市总工会", K.FEDERATION, "510100", t.province)
    t.county = add_union(root_admin, "5101040000", "锦江区总工会", K.FEDERATION, "510104", t.city)
    t.street = add_union(
        root_admin, "5101040100", "锦江区春熙路街道工会", K.TOWNSHIP, "510104003", t.county
    )
    t.grassroots = add_union(
        root_admin, "5101040101", "成都春熙百货有限公司工会", K.GRASSROOTS, "510104003", t.street
    )
    t.sibling = add_union(root_admin, "5101050000", "青羊区总工会", K.FEDERATION, "510105", t.city)
    t.sibling_grassroots = add_union(
        root_admin, "5101050101", "青羊区乙方机械厂工会", K.GRASSROOTS, "510105", t.sibling
    )
    R = User.Role
    t.sheng = User.objects.create_user("sheng", password="x", role=R.UNION_ADMIN, union=t.province)
    t.xian = User.objects.create_user("xian", password="x", role=R.STAFF, union=t.county)
    t.ro = User.objects.create_user("ro", password="x", role=R.READ_ONLY, union=t.county)
    t.jiceng = User.objects.create_user("jiceng", password="x", role=R.STAFF, union=t.grassroots)
    t.xian_admin = User.objects.create_user(
        "xian_admin", password="x", role=R.UNION_ADMIN, union=t.county
    )
    t.other = User.objects.create_user(
        "other", password="x", role=R.STAFF, union=t.sibling, last_name="乙方用户"
    )
    return t


@pytest.fixture
def api():
    """An API client; call api.force_authenticate(user) or use `api_as`."""
    return APIClient()


@pytest.fixture
def api_as(api):
    def as_user(user):
        api.force_authenticate(user)
        return api

    return as_user


def counts():
    return TradeUnion.objects.count(), Employer.objects.count(), AuditEvent.objects.count()


def state(obj):
    """Every stored column of a record, read afresh from the database."""
    obj = type(obj).objects.get(pk=obj.pk)
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@contextmanager
def nothing_written(*objs):
    """Asserts that the block wrote no union, employer or audit event and changed no `objs`."""
    before, snapshots = counts(), [state(o) for o in objs]
    yield
    assert counts() == before
    assert [state(o) for o in objs] == snapshots


@pytest.fixture(autouse=True)
def jobs_in_process(settings):
    """Jobs run in the test's own process and transaction (a forked child would not see
    the test's uncommitted rows); tests of the job limits turn isolation on."""
    settings.GONGHUI_JOB_ISOLATION = False
