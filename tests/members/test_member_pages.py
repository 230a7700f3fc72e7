"""The member page (masked numbers, reveal with a reason, status, transfer request), the
transfer in- and outbox, and the reveal log, through the web as union staff use them."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from stdnum.cn import ric

from gonghui.members import services
from gonghui.members.models import Membership, Reveal, Transfer

pytestmark = pytest.mark.django_db


def make_id(seq="231"):
    body = "510104" + "19850308" + seq
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture
def membership(tree):
    app = services.submit_application(
        {"name": "曾小凡", "id_number": make_id(), "phone": "13912345678",
         "union": tree.grassroots.code},
        consent=True,
    )  # fmt: skip
    m = services.approve_application(tree.jiceng, app).membership
    Membership.objects.filter(pk=m.pk).update(joined_on=datetime.date(2015, 5, 1))
    m.refresh_from_db()
    return m


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def grant(user):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="reveal_id_number")
    )
    return type(user).objects.get(pk=user.pk)


def test_member_page_shows_masked_numbers_history_and_forms(tree, membership):
    html = signed_in(tree.xian).get(f"/members/{membership.pk}/").content.decode()
    assert "曾小凡" in html and membership.person.id_number_masked in html
    assert make_id() not in html and "13912345678" not in html
    assert "139****5678" in html
    assert "成都春熙百货有限公司工会" in html and "2015-05-01" in html
    # The timeline holds both records' events: the person and the membership created.
    assert html.count("新建") >= 2 and "会员编号" in html and "劳动合同职工" in html
    assert "查看完整号码" not in html  # no permission, no reveal form
    assert f'action="/members/{membership.pk}/status/"' in html
    readonly = signed_in(tree.ro).get(f"/members/{membership.pk}/").content.decode()
    assert "/status/" not in readonly and "/transfer/" not in readonly
    # The member list links to the page.
    listing = signed_in(tree.xian).get("/members/").content.decode()
    assert f"/members/{membership.pk}/" in listing


def test_reveal_shows_the_number_once_and_logs_it(tree, membership):
    xian = grant(tree.xian)
    client = signed_in(xian)
    assert "查看完整号码" in client.get(f"/members/{membership.pk}/").content.decode()
    refused = client.post(f"/members/{membership.pk}/reveal/", {"field": "id_number", "reason": ""})
    assert "原因：" in refused.content.decode() and make_id() not in refused.content.decode()
    assert not Reveal.objects.exists()
    shown = client.post(
        f"/members/{membership.pk}/reveal/", {"field": "id_number", "reason": "核对帮扶对象身份"}
    )
    assert make_id() in shown.content.decode()
    # Not kept anywhere: the next visit shows the masked number again.
    assert make_id() not in client.get(f"/members/{membership.pk}/").content.decode()
    log = Reveal.objects.get()
    assert (log.user, log.person, log.reason) == (xian, membership.person, "核对帮扶对象身份")


def test_reveal_without_the_permission_is_refused(tree, membership):
    response = signed_in(tree.xian).post(
        f"/members/{membership.pk}/reveal/", {"field": "id_number", "reason": "想看看"}
    )
    assert response.status_code == 403
    assert make_id() not in response.content.decode()
    assert not Reveal.objects.exists()


def test_status_change_on_the_page(tree, membership):
    client = signed_in(tree.jiceng)
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    bad = client.post(f"/members/{membership.pk}/status/", {"status": "retained", "on": future})
    assert "不能晚于今天" in bad.content.decode() or "将来" in bad.content.decode()
    assert Membership.objects.get(pk=membership.pk).status == "active"
    done = client.post(f"/members/{membership.pk}/status/", {"status": "retained", "note": "退休"})
    assert done.status_code == 302
    assert Membership.objects.get(pk=membership.pk).status == "retained"
    html = client.get(done.url).content.decode()
    assert "保留会籍" in html and "退休" in html


def test_transfer_from_the_member_page_through_both_boxes(tree, membership):
    jiceng = signed_in(tree.jiceng)
    wrong = jiceng.post(f"/members/{membership.pk}/transfer/", {"to_union": "9999999999"})
    assert "接收工会编码：" in wrong.content.decode()
    assert not Transfer.objects.exists()
    asked = jiceng.post(f"/members/{membership.pk}/transfer/", {"to_union": "5101050101"})
    assert asked.status_code == 302
    transfer = Transfer.objects.get()
    outbox = jiceng.get("/members/transfers/?box=out").content.decode()
    assert "曾小凡" in outbox and f"/members/transfers/{transfer.pk}/release/" in outbox
    other = signed_in(tree.other)
    inbox = other.get("/members/transfers/").content.decode()
    assert "曾小凡" in inbox and "/receive/" not in inbox  # not released yet
    # Receiving before release is refused with the reason, shown as a message.
    early = other.post(f"/members/transfers/{transfer.pk}/receive/", follow=True)
    assert "申请" in early.content.decode() and Transfer.objects.get().status == "requested"
    jiceng.post(f"/members/transfers/{transfer.pk}/release/", {"box": "out"})
    assert (
        f"/members/transfers/{transfer.pk}/receive/"
        in other.get("/members/transfers/").content.decode()
    )
    other.post(f"/members/transfers/{transfer.pk}/receive/")
    transfer.refresh_from_db()
    assert transfer.status == "completed"
    assert transfer.new_membership.union == tree.sibling_grassroots
    done = other.get("/members/transfers/?state=completed").content.decode()
    assert transfer.new_membership.member_number in done


def test_refusing_a_transfer_needs_a_reason(tree, membership):
    transfer = services.request_transfer(tree.jiceng, membership, "5101050101")
    jiceng = signed_in(tree.jiceng)
    jiceng.post(f"/members/transfers/{transfer.pk}/reject/", {"box": "out", "reason": ""})
    assert Transfer.objects.get().status == "requested"
    jiceng.post(f"/members/transfers/{transfer.pk}/reject/", {"box": "out", "reason": "未结清会费"})
    assert (Transfer.objects.get().status, Transfer.objects.get().reason) == (
        "rejected",
        "未结清会费",
    )


def test_transfer_steps_from_outside_either_side_are_not_found(tree, membership, root_admin):
    transfer = services.request_transfer(tree.jiceng, membership, "5101050101")
    services.release_transfer(tree.jiceng, transfer)
    # jiceng is the old side: it cannot receive on the new side's behalf.
    response = signed_in(tree.jiceng).post(f"/members/transfers/{transfer.pk}/receive/")
    assert response.status_code in (302, 404)
    assert Transfer.objects.get().status == "released"


def test_reveal_log_for_administrators_of_the_subtree(tree, membership):
    xian = grant(tree.xian)
    services.reveal(xian, membership.person, "phone", "电话回访")
    other = grant(tree.other)
    theirs = services.submit_application(
        {"name": "乙方会员", "id_number": make_id("342"), "phone": "13700000000",
         "union": tree.sibling_grassroots.code},
        consent=True,
    )  # fmt: skip
    theirs = services.approve_application(tree.other, theirs).membership
    services.reveal(other, theirs.person, "id_number", "乙方核对")
    html = signed_in(tree.xian_admin).get("/members/reveals/").content.decode()
    assert "电话回访" in html and "曾小凡" in html and "乙方核对" not in html
    assert signed_in(tree.xian).get("/members/reveals/").status_code == 403
    assert "乙方核对" in signed_in(tree.sheng).get("/members/reveals/").content.decode()


def test_reveal_log_api(tree, membership, api_as):
    services.reveal(grant(tree.xian), membership.person, "id_number", "核对身份")
    rows = api_as(tree.xian_admin).get("/api/v1/reveals/").json()["results"]
    assert [(r["username"], r["reason"], r["field"]) for r in rows] == [
        ("xian", "核对身份", "id_number")
    ]
    assert api_as(tree.xian).get("/api/v1/reveals/").json()["results"] == []


def test_lists_show_everything_in_scope_before_any_search(tree, membership):
    """Opening 会员 or 用人单位 with no search lists the subtree, not an empty table."""
    client = signed_in(tree.xian)
    assert "曾小凡" in client.get("/members/").content.decode()
    assert "曾小凡" not in signed_in(tree.other).get("/members/").content.decode()
