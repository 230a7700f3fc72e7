"""/api/v1/persons/ and /api/v1/memberships/: masked everywhere, reveal logged."""

import pytest
from django.contrib.auth.models import Permission
from stdnum.cn import ric

from gonghui.members import services
from gonghui.members.models import Reveal

pytestmark = pytest.mark.django_db


def make_id(seq="231"):
    body = "510104" + "19920308" + seq
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture
def member(tree):
    app = services.submit_application(
        {"name": "张三丰", "id_number": make_id(), "phone": "13912345678", "union": "5101040101"},
        consent=True,
    )
    return services.approve_application(tree.jiceng, app).membership


def test_persons_are_masked_and_found_by_initials(tree, member, api_as):
    client = api_as(tree.xian)
    response = client.get("/api/v1/persons/", {"q": "zsf"})
    rows = response.json()["results"]
    assert [r["name"] for r in rows] == ["张三丰"]
    assert rows[0]["id_number_masked"] == member.person.id_number_masked
    assert make_id() not in response.content.decode()
    assert "13912345678" not in response.content.decode()
    by_id = client.get("/api/v1/persons/", {"q": make_id().lower()}).json()["results"]
    assert [r["name"] for r in by_id] == ["张三丰"]
    bad = client.get("/api/v1/persons/", {"q": make_id()[:-1] + "0"})
    assert bad.status_code == 400 and bad.json()["field"] == "q"


def test_memberships_list_in_scope(tree, member, api_as):
    rows = api_as(tree.xian).get("/api/v1/memberships/").json()["results"]
    assert [(r["member_number"], r["union"], r["status"]) for r in rows] == [
        (member.member_number, "5101040101", "active")
    ]
    assert api_as(tree.other).get("/api/v1/memberships/").json()["results"] == []


def test_reveal_through_the_api(tree, member, api_as):
    url = f"/api/v1/persons/{member.person.pk}/reveal/"
    denied = api_as(tree.xian).post(url, {"reason": "核对"}, format="json")
    assert denied.status_code == 403 and not Reveal.objects.exists()
    tree.xian.user_permissions.add(
        Permission.objects.get(codename="reveal_id_number", content_type__app_label="accounts")
    )
    xian = type(tree.xian).objects.get(pk=tree.xian.pk)
    client = api_as(xian)
    no_reason = client.post(url, {"reason": ""}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    shown = client.post(url, {"reason": "办理互助保障"}, format="json")
    assert shown.json() == {"value": make_id()}
    assert Reveal.objects.get().reason == "办理互助保障"
    # Even with the permission, another branch's person is not there.
    tree.other.user_permissions.add(*xian.user_permissions.all())
    other = api_as(type(tree.other).objects.get(pk=tree.other.pk))
    assert other.post(url, {"reason": "查看"}, format="json").status_code == 404
