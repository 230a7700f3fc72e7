"""会员关系接转: from a grassroots union in 锦江区 to one in 青羊区, both sides approving."""

import datetime

import pytest
from conftest import add_union
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient
from stdnum.cn import ric

from gonghui.accounts.models import User
from gonghui.members import services
from gonghui.members.models import Membership, Transfer
from gonghui.unions import services as union_services
from gonghui.unions.models import TradeUnion

pytestmark = pytest.mark.django_db
URL = "/api/v1/transfers/"


@pytest.fixture
def membership(tree):
    body = "510104" + "19850308" + "231"
    app = services.submit_application(
        {"name": "查海生", "id_number": body + ric.calc_check_digit(body + "0"),
         "phone": "13912345678", "union": "5101040101"},
        consent=True,
    )  # fmt: skip
    m = services.approve_application(tree.jiceng, app).membership
    Membership.objects.filter(pk=m.pk).update(joined_on=datetime.date(2012, 3, 1))
    m.refresh_from_db()
    return m


def test_a_transfer_to_another_county_with_both_sides_approving(tree, membership, api_as):
    jiceng = api_as(tree.jiceng)
    response = jiceng.post(
        URL, {"membership": membership.pk, "to_union": "5101050101", "note": "调动"}, format="json"
    )
    assert response.status_code == 201, response.content
    transfer_id = response.json()["id"]
    assert response.json()["status"] == "requested"
    # The receiving side cannot receive before the old union releases.
    other = APIClient()
    other.force_authenticate(tree.other)
    early = other.post(f"{URL}{transfer_id}/receive/")
    assert early.status_code == 400 and early.json()["field"] == "status"
    assert jiceng.post(f"{URL}{transfer_id}/release/").json()["status"] == "released"
    done = other.post(f"{URL}{transfer_id}/receive/").json()
    assert done["status"] == "completed"
    assert done["new_member_number"] == membership.member_number  # kept for life
    old = Membership.objects.get(pk=membership.pk)
    new = Membership.objects.current().get(member_number=done["new_member_number"])
    assert (old.status, old.ended_on) == ("transferred", datetime.date.today())
    assert (new.status, new.union, new.joined_on) == (
        "active",
        tree.sibling_grassroots,
        old.joined_on,
    )
    # Each side sees the transfer; the old union keeps the old membership in its history.
    assert [t["id"] for t in jiceng.get(URL).json()["results"]] == [transfer_id]
    assert [t["id"] for t in other.get(URL).json()["results"]] == [transfer_id]
    history = jiceng.get(f"/api/v1/memberships/{old.pk}/history/").json()
    assert history[0]["changes"]["status"] == ["active", "transferred"]
    assert jiceng.get(f"/api/v1/memberships/{new.pk}/").status_code == 404


def test_a_transfer_to_a_dissolved_union_is_refused(tree, membership, root_admin, api_as):
    closing = add_union(root_admin, "5101050102", "青羊区已撤销工会",
                        TradeUnion.Kind.GRASSROOTS, "510105", tree.sibling)  # fmt: skip
    union_services.dissolve_union(root_admin, closing, note="企业注销")
    response = api_as(tree.jiceng).post(
        URL, {"membership": membership.pk, "to_union": "5101050102"}, format="json"
    )
    assert response.status_code == 400 and response.json()["field"] == "to_union"
    assert not Transfer.objects.exists()


def test_one_open_transfer_and_rejection(tree, membership, api_as):
    jiceng = api_as(tree.jiceng)
    first = jiceng.post(URL, {"membership": membership.pk, "to_union": "5101050101"}, format="json")
    second = jiceng.post(
        URL, {"membership": membership.pk, "to_union": "5101050101"}, format="json"
    )
    assert second.status_code == 400 and second.json()["field"] == "membership"
    tid = first.json()["id"]
    no_reason = jiceng.post(f"{URL}{tid}/reject/", {"reason": ""}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    assert (
        jiceng.post(f"{URL}{tid}/reject/", {"reason": "本人撤回"}, format="json").json()["status"]
        == "rejected"
    )
    assert Membership.objects.get(pk=membership.pk).status == "active"


def test_outside_both_sides_the_transfer_is_not_there(tree, membership, root_admin, api_as):
    third = add_union(root_admin, "5101060000", "金牛区总工会", TradeUnion.Kind.FEDERATION,
                      "510106", tree.city)  # fmt: skip
    stranger = User.objects.create_user("jinniu", password="x", role="staff", union=third)
    transfer = services.request_transfer(tree.jiceng, membership, "5101050101")
    client = api_as(stranger)
    assert client.get(f"{URL}{transfer.pk}/").status_code == 404
    assert client.post(f"{URL}{transfer.pk}/release/").status_code == 404
    assert Transfer.objects.get().status == "requested"


def test_the_database_refuses_a_second_current_membership(tree, membership):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            person=membership.person, union=tree.sibling_grassroots,
            member_number="5101059999999999", joined_on=datetime.date(2020, 1, 1),
        )  # fmt: skip
