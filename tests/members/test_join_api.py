"""POST /api/v1/join-applications/ from anywhere; review by the receiving union."""

import pytest
from conftest import counts
from rest_framework.test import APIClient
from stdnum.cn import ric

from gonghui.members.api import JoinThrottle
from gonghui.members.models import JoinApplication, Membership

URL = "/api/v1/join-applications/"
pytestmark = pytest.mark.django_db


def make_id(seq="231"):
    body = "510104" + "19920308" + seq
    return body + ric.calc_check_digit(body + "0")


def body(**extra):
    return {"name": "解小东", "id_number": make_id(), "phone": "13912345678",
            "union": "5101040101", "consent": True, **extra}  # fmt: skip


def test_anonymous_submission_and_status(tree):
    client = APIClient()
    response = client.post(URL, body(), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "pending" and data["union_name"] == "成都春熙百货有限公司工会"
    assert make_id() not in response.content.decode()
    assert "id_number_masked" not in data  # the applicant's view carries no numbers
    status = client.get(f"{URL}status/", {"number": data["number"], "phone": "13912345678"})
    assert status.status_code == 200 and status.json()["status"] == "pending"
    wrong = client.get(f"{URL}status/", {"number": data["number"], "phone": "13912340000"})
    assert wrong.status_code == 404 and wrong.json()["code"] == "not_found"


def test_bad_submission_names_the_field(tree):
    before = counts(), JoinApplication.objects.count()
    response = APIClient().post(URL, body(id_number="5.10104E+17"), format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "id_number" and "Excel" in response.json()["message"]
    response = APIClient().post(URL, {"name": "x"}, format="json")
    fields = {e["field"] for e in response.json()}
    assert {"id_number", "phone"} <= fields
    assert (counts(), JoinApplication.objects.count()) == before


def test_review_through_the_api(tree, api_as):
    number = APIClient().post(URL, body(), format="json").json()["number"]
    app = JoinApplication.objects.get(number=number)
    # The sibling branch cannot see or approve it.
    other = api_as(tree.other)
    assert other.get(f"{URL}{app.pk}/").status_code == 404
    assert other.post(f"{URL}{app.pk}/approve/").status_code == 404
    assert JoinApplication.objects.get(pk=app.pk).status == "pending"
    jiceng = api_as(tree.jiceng)
    listed = jiceng.get(URL, {"status": "pending"}).json()["results"]
    assert [row["number"] for row in listed] == [number]
    response = jiceng.post(f"{URL}{app.pk}/approve/")
    assert response.status_code == 200, response.content
    assert response.json()["member_number"] == Membership.objects.get().member_number
    again = jiceng.post(f"{URL}{app.pk}/approve/")
    assert again.status_code == 400 and again.json()["field"] == "status"


def test_reject_needs_a_reason(tree, api_as):
    number = APIClient().post(URL, body(), format="json").json()["number"]
    app = JoinApplication.objects.get(number=number)
    client = api_as(tree.jiceng)
    response = client.post(f"{URL}{app.pk}/reject/", {"reason": " "}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "reason"
    response = client.post(f"{URL}{app.pk}/reject/", {"reason": "非本单位职工"}, format="json")
    assert response.json()["status"] == "rejected"
    status = APIClient().get(f"{URL}status/", {"number": number, "phone": "13912345678"})
    assert status.json()["reason"] == "非本单位职工"


def test_anonymous_submissions_are_rate_limited(tree, monkeypatch):
    # The rate is read when the throttle is made; monkeypatch restores it afterwards.
    monkeypatch.setattr(JoinThrottle, "rate", "2/minute", raising=False)
    client = APIClient()
    codes = [
        client.post(URL, body(id_number=make_id(seq=f"{i}31"), phone=f"1391234567{i}"),
                    format="json").status_code
        for i in range(3)
    ]  # fmt: skip
    assert codes == [201, 201, 429]
    assert JoinApplication.objects.count() == 2
