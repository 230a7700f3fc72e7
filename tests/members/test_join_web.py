"""The public join page and status page, and the review queue, through the web."""

import pytest
from conftest import add_union
from django.test import Client
from stdnum.cn import ric

from gonghui.members.models import JoinApplication, Membership
from gonghui.unions import services as union_services
from gonghui.unions.models import TradeUnion

pytestmark = pytest.mark.django_db


def make_id(seq="231"):
    body = "510104" + "19920308" + seq
    return body + ric.calc_check_digit(body + "0")


def form(**extra):
    return {"name": "区小华", "id_number": make_id(), "phone": "139 1234 5678",
            "employment_form": "standard", "union": "5101040101", "consent": "on",
            **extra}  # fmt: skip


def test_a_worker_joins_from_the_public_page(tree):
    client = Client()
    page = client.get("/join/")
    assert page.status_code == 200 and "个人信息" in page.content.decode()
    response = client.post("/join/", form())
    assert response.status_code == 200
    application = JoinApplication.objects.get()
    assert application.number in response.content.decode()
    status = client.get("/join/status/", {"number": application.number, "phone": "13912345678"})
    assert "待审核" in status.content.decode()
    wrong = client.get("/join/status/", {"number": application.number, "phone": "13912341111"})
    assert "待审核" not in wrong.content.decode()


def test_errors_are_named_in_chinese_and_nothing_is_kept(tree):
    response = Client().post("/join/", form(id_number="5.10104E+17", consent="", phone="12"))
    html = response.content.decode()
    assert "身份证号码：" in html and "Excel" in html and "手机号码：" in html
    assert not JoinApplication.objects.exists()


def test_a_rider_picks_a_county_pool_union(tree, root_admin):
    pool = add_union(root_admin, "5101040001", "锦江区新就业形态劳动者工会",
                     TradeUnion.Kind.GIG_POOL, "510104", tree.county)  # fmt: skip
    assert 'value="510104"' not in Client().get("/join/").content.decode()  # not assigned yet
    union_services.assign_pool_union(tree.xian, tree.county, pool.code)
    page = Client().get("/join/").content.decode()
    assert 'value="510104"' in page  # the county is offered
    Client().post(
        "/join/", form(employment_form="gig", platform="food_delivery", union="", region="510104")
    )
    assert JoinApplication.objects.get().union == pool


def test_review_queue_bulk_approve_and_reject(tree):
    apps = []
    for i, seq in enumerate(("231", "342", "453")):
        Client().post("/join/", form(id_number=make_id(seq), phone=f"1391234567{i}"))
        apps.append(JoinApplication.objects.latest("id"))
    jiceng = Client()
    jiceng.force_login(tree.jiceng)
    queue = jiceng.get("/members/applications/").content.decode()
    assert all(a.number in queue for a in apps)
    assert make_id("231") not in queue  # masked in the queue
    jiceng.post("/members/applications/approve/", {"application": [apps[0].pk, apps[1].pk]})
    assert Membership.objects.count() == 2
    jiceng.post(f"/members/applications/{apps[2].pk}/reject/", {"reason": "非本单位职工"})
    assert JoinApplication.objects.get(pk=apps[2].pk).reason == "非本单位职工"
    # The other branch sees none of it and cannot act on it.
    other = Client()
    other.force_login(tree.other)
    assert (
        apps[0].number not in other.get("/members/applications/?status=approved").content.decode()
    )
    assert (
        other.post(f"/members/applications/{apps[2].pk}/reject/", {"reason": "x"}).status_code
        == 404
    )
    members = jiceng.get("/members/", {"q": "oxh"}).content.decode()
    assert "区小华" in members
