"""The join throttle counts once for all server processes, per client address, and the
client address is the same one the audit trail and the login lockout record."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends import locmem
from django.test import Client
from rest_framework.test import APIClient
from stdnum.cn import ric

from gonghui.core.models import AuditEvent
from gonghui.members.api import JoinThrottle
from gonghui.members.models import JoinApplication

URL = "/api/v1/join-applications/"
pytestmark = pytest.mark.django_db


def make_id(seq):
    body = "510104" + "19920308" + seq
    return body + ric.calc_check_digit(body + "0")


def body(i):
    return {"name": "解小东", "id_number": make_id(f"{i}31"), "phone": f"1391234567{i}",
            "union": "5101040101", "consent": True}  # fmt: skip


def form(i):
    return {"name": "区小华", "id_number": make_id(f"{i}42"), "phone": f"1381234567{i}",
            "employment_form": "standard", "union": "5101040101", "consent": "on"}  # fmt: skip


def another_process():
    """What a second gunicorn process starts with: caches made afresh, and no memory of
    the first process's local-memory caches."""
    locmem._caches.clear()
    locmem._expire_info.clear()
    locmem._locks.clear()
    for alias in settings.CACHES:
        if hasattr(caches._connections, alias):
            delattr(caches._connections, alias)


@pytest.fixture
def two_a_minute(monkeypatch):
    # The rate is read when the throttle is made; monkeypatch restores it afterwards.
    monkeypatch.setattr(JoinThrottle, "rate", "2/minute", raising=False)


def test_every_process_counts_against_the_same_limit(tree, two_a_minute):
    client = APIClient()
    assert [client.post(URL, body(i), format="json").status_code for i in range(2)] == [201, 201]
    another_process()
    assert client.post(URL, body(2), format="json").status_code == 429
    another_process()
    # The web join page shares the count with the API.
    assert Client().post("/join/", form(3)).status_code == 429
    assert JoinApplication.objects.count() == 2


def test_a_made_up_forwarded_for_does_not_start_a_new_count(tree, two_a_minute, settings):
    settings.GONGHUI_TRUSTED_PROXIES = 0
    codes = [
        APIClient().post(URL, body(i), format="json", HTTP_X_FORWARDED_FOR=f"10.9.9.{i}")
        .status_code
        for i in range(4)
    ]  # fmt: skip
    assert codes == [201, 201, 429, 429]
    web = Client().post("/join/", form(5), HTTP_X_FORWARDED_FOR="10.8.8.8")
    assert web.status_code == 429


def test_with_one_trusted_proxy_the_address_it_saw_is_the_client(tree, two_a_minute, settings):
    settings.GONGHUI_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # The client writes what it likes on the left; our proxy appends what it saw.
    codes = [
        APIClient().post(URL, body(i), format="json", **proxy,
                         HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 203.0.113.7").status_code
        for i in range(3)
    ]  # fmt: skip
    assert codes == [201, 201, 429]
    # Another client behind the same proxy has a count of its own.
    other = APIClient().post(
        URL, body(4), format="json", **proxy, HTTP_X_FORWARDED_FOR="203.0.113.8"
    )
    assert other.status_code == 201
    created = AuditEvent.objects.filter(action="create", object_repr__startswith="SQ")
    assert sorted(created.values_list("ip", flat=True)) == ["203.0.113.7"] * 2 + ["203.0.113.8"]


def test_the_audit_trail_ignores_forwarded_for_from_outside(tree, settings):
    settings.GONGHUI_TRUSTED_PROXIES = 0
    APIClient().post(URL, body(1), format="json", HTTP_X_FORWARDED_FOR="6.6.6.6")
    event = AuditEvent.objects.get(action="create", object_repr__startswith="SQ")
    assert event.ip == "127.0.0.1"


def test_a_forwarded_for_that_is_no_address_falls_back_to_the_peer(tree, settings):
    settings.GONGHUI_TRUSTED_PROXIES = 1
    response = APIClient().post(
        URL, body(1), format="json", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>"
    )
    assert response.status_code == 201
    assert AuditEvent.objects.get(action="create", object_repr__startswith="SQ").ip == "10.0.0.2"


@pytest.mark.parametrize(
    ("trusted", "expected"), [(0, "10.0.0.2"), (1, "203.0.113.9"), (2, "198.51.100.1")]
)
def test_the_login_lockout_and_audit_see_the_same_address(tree, settings, trusted, expected):
    settings.GONGHUI_TRUSTED_PROXIES = trusted
    Client().post(
        "/login/",
        {"username": "xian", "password": "wrong"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.1, 203.0.113.9",
    )
    assert AccessAttempt.objects.get(username="xian").ip_address == expected
    assert AuditEvent.objects.get(action="login_failed").ip == expected
