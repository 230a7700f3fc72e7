"""Retaining, resuming and ending a membership: through the service and the API."""

import datetime

import pytest
from stdnum.cn import ric

from gonghui.members import services
from gonghui.members.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership(tree):
    body = "510104" + "19600308" + "231"
    app = services.submit_application(
        {"name": "仇建国", "id_number": body + ric.calc_check_digit(body + "0"),
         "phone": "13912345678", "union": "5101040101"},
        consent=True,
    )  # fmt: skip
    m = services.approve_application(tree.jiceng, app).membership
    Membership.objects.filter(pk=m.pk).update(joined_on=datetime.date(2010, 5, 1))
    m.refresh_from_db()
    return m


def url(m, action="status"):
    return f"/api/v1/memberships/{m.pk}/{action}/"


def test_retire_resume_and_leave(tree, membership, api_as):
    client = api_as(tree.jiceng)
    response = client.post(url(membership), {"status": "retained", "note": "退休"}, format="json")
    assert response.json()["status"] == "retained" and response.json()["ended_on"] is None
    client.post(url(membership), {"status": "active"}, format="json")
    response = client.post(url(membership), {"status": "left", "on": "2026-01-31"}, format="json")
    assert (response.json()["status"], response.json()["ended_on"]) == ("left", "2026-01-31")
    history = client.get(url(membership, "history")).json()
    assert [h["changes"].get("status") for h in history[:3]] == [
        ["active", "left"], ["retained", "active"], ["active", "retained"]
    ]  # fmt: skip
    # Once ended, it stays ended: the person joins again through an application.
    again = client.post(url(membership), {"status": "active"}, format="json")
    assert again.status_code == 400 and again.json()["field"] == "status"


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"status": "left", "on": "2999-01-01"}, "on"), ({"status": "left", "on": "2001-01-01"}, "on"),
     ({"status": "transferred"}, "status"), ({"status": "nonsense"}, "status")],
)  # fmt: skip
def test_bad_changes_name_the_field(tree, membership, api_as, payload, field):
    response = api_as(tree.jiceng).post(url(membership), payload, format="json")
    assert response.status_code == 400 and response.json()["field"] == field
    membership.refresh_from_db()
    assert membership.status == "active" and membership.ended_on is None


def test_outside_the_scope_and_read_only(tree, membership, api_as):
    assert (
        api_as(tree.other).post(url(membership), {"status": "left"}, format="json").status_code
        == 404
    )
    assert (
        api_as(tree.ro).post(url(membership), {"status": "left"}, format="json").status_code == 403
    )
    membership.refresh_from_db()
    assert membership.status == "active"
