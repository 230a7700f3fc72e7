"""Two requests at the same moment, on PostgreSQL with real transactions and threads:
the same person applying twice, the same application approved twice, two first
members of one county numbered at once. One wins; the other is told why.

Each race is made certain, not left to timing: the first request pauses inside its
transaction (after its write, before its commit) until the second has started.
"""

import threading
import time

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient
from stdnum.cn import ric

from gonghui.core import audit
from gonghui.members.models import JoinApplication, Membership
from gonghui.regions import loader
from gonghui.regions.models import Region

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite runs one writer at a time"
    ),
    pytest.mark.django_db(transaction=True),
]
URL = "/api/v1/join-applications/"
HOLD = 0.5  # seconds the first request keeps its transaction open


@pytest.fixture(scope="module", autouse=True)
def regions_back_afterwards(django_db_blocker):
    """Transactional tests end by emptying every table; the division table, loaded once
    per session, is loaded again for the tests that follow this module."""
    yield
    with django_db_blocker.unblock():
        loader.load()


@pytest.fixture(autouse=True)
def regions(transactional_db):
    """... and for each test of this module after the first."""
    if not Region.objects.exists():
        loader.load()


def make_id(seq):
    body = "510104" + "19900101" + seq
    return body + ric.calc_check_digit(body + "0")


def application(seq="231", phone="13912345678"):
    return {"name": "并发测试", "id_number": make_id(seq), "phone": phone,
            "union": "5101040101", "consent": True}  # fmt: skip


def race(monkeypatch, first, second, holds_on):
    """Run `first` and `second` in two threads; `first` pauses after the audit record of
    a `holds_on` instance (inside its transaction) until `second` has begun."""
    record, written = audit.record, threading.Event()

    def slow_record(action, obj, **kwargs):
        result = record(action, obj, **kwargs)
        if isinstance(obj, holds_on) and threading.current_thread().name == "first":
            written.set()
            time.sleep(HOLD)  # the second request runs into our uncommitted row now
        return result

    monkeypatch.setattr(audit, "record", slow_record)
    answers = {}

    def run(name, call):
        try:
            if name == "second":
                assert written.wait(10), "the first request never wrote"
            answers[name] = call()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n, c), name=n)
               for n, c in (("first", first), ("second", second))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return answers["first"], answers["second"]


def post(body):
    return lambda: APIClient().post(URL, body, format="json")


def test_the_same_person_applying_twice_at_once(tree, monkeypatch):
    first, second = race(
        monkeypatch, post(application()), post(application()), holds_on=JoinApplication
    )
    # Two applications, neither changing the other; the reviewer sees both flagged.
    assert (first.status_code, second.status_code) == (201, 201), (first.content, second.content)
    assert first.json().keys() == second.json().keys()
    flags = [a.flags for a in JoinApplication.objects.with_flags()]
    assert flags == [["duplicate"], ["duplicate"]]


def approve_as(user, pk):
    def call():
        client = APIClient()
        client.force_authenticate(user)
        return client.post(f"{URL}{pk}/approve/")

    return call


def test_the_same_application_approved_twice_at_once(tree, monkeypatch):
    pk = APIClient().post(URL, application(), format="json").json()["number"]
    pk = JoinApplication.objects.get(number=pk).pk
    first, second = race(
        monkeypatch, approve_as(tree.jiceng, pk), approve_as(tree.xian, pk), holds_on=Membership
    )
    assert first.status_code == 200, first.content
    assert second.status_code == 400 and second.json()["field"] == "status"
    assert Membership.objects.count() == 1


def test_two_first_members_of_a_county_get_different_numbers(tree, monkeypatch):
    numbers = [APIClient().post(URL, application(seq, f"1391234567{i}"), format="json")
               for i, seq in enumerate(("231", "342"))]  # fmt: skip
    a, b = (JoinApplication.objects.get(number=n.json()["number"]).pk for n in numbers)
    first, second = race(
        monkeypatch, approve_as(tree.jiceng, a), approve_as(tree.xian, b), holds_on=Membership
    )
    assert (first.status_code, second.status_code) == (200, 200), (first.content, second.content)
    issued = sorted(Membership.objects.values_list("member_number", flat=True))
    assert issued == ["5101040000000001", "5101040000000002"]
